# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# Sourced by every tests/integration/test_*.sh. Runs the real scmp-super
# binary on the helper program "try" and checks what came out: each check
# has a name, passes or fails, and the script ends with "N passed, M failed"
# and a non-zero status if anything failed or nothing was checked.
#
# ctest provides SCMP_SUPER (the binary), BUILD_DIR and SOURCE_DIR. Run by
# hand:
#   SCMP_SUPER=build/scmp-super BUILD_DIR=build SOURCE_DIR=. bash tests/integration/test_x.sh

set -u

: "${SCMP_SUPER:?SCMP_SUPER must name the scmp-super binary}"
: "${BUILD_DIR:?BUILD_DIR must name the build directory}"
: "${SOURCE_DIR:?SOURCE_DIR must name the source directory}"

TRY=$BUILD_DIR/tests/try
HOSTILE=$BUILD_DIR/tests/hostile
PROFILES=$SOURCE_DIR/tests/integration/profiles
# Used by the scripts that source this file.
# shellcheck disable=SC2034
DOCKER_PROFILE=/usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json
# shellcheck disable=SC2034
PODMAN_PROFILE=/usr/share/gocode/src/github.com/containers/common/pkg/seccomp/seccomp.json

# A command that has not finished after this many seconds is a hang, and is
# reported as a failure instead of stalling the suite.
HANG_LIMIT=${HANG_LIMIT:-60}

TEST_NAME=$(basename "$0" .sh)
PASSED=0
FAILED=0

# A core dump from a SIGSYS test would land in the cwd; none is wanted.
ulimit -c 0

TMP=$(mktemp -d "/tmp/scmp-super-$TEST_NAME.XXXXXX")
# Tests that run the target as another user need to reach these files.
chmod 755 "$TMP"
cleanup()
{
        local status=$?
        # Background jobs a failed test left behind must not outlive it.
        local job
        for job in $(jobs -p); do
                kill -KILL "$job" 2>/dev/null
        done
        rm -rf "$TMP"
        exit "$status"
}
trap cleanup EXIT

pass()
{
        PASSED=$((PASSED + 1))
        echo "ok - $1"
}

# fail NAME DETAIL...
fail()
{
        local name=$1
        shift
        FAILED=$((FAILED + 1))
        echo "FAIL - $name"
        local line
        for line in "$@"; do
                printf '    %s\n' "$line"
        done
}

# Shows what the last run_sup printed, so a failure explains itself.
last_run_details()
{
        printf 'command: %s\n' "${LAST_CMD:-?}"
        printf 'status: %s\n' "${STATUS:-?}"
        printf 'stdout: %s\n' "${OUT:-}" | sed -n '1,40p'
        printf 'stderr: %s\n' "${ERR:-}" | sed -n '1,40p'
}

# Something the test cannot do although it should be able to (the binary
# was not built). Loud, and counted as a failure: a test that did not run
# must not look like a test that passed.
not_run()
{
        FAILED=$((FAILED + 1))
        echo "NOT RUN: $TEST_NAME: $*"
}

# Exit status ctest reports as "skipped" (SKIP_RETURN_CODE in
# tests/CMakeLists.txt).
SKIP_STATUS=77

# skip REASON...: this machine lacks what the rest of the test needs (a
# kernel feature, a tool, root): says so loudly and ends the test, which
# ctest then lists as skipped, never as passed. Checks made before the skip
# still count: if one of them failed, the test fails.
skip()
{
        echo "SKIPPED: $TEST_NAME: $*"
        echo "$PASSED passed, $FAILED failed, the rest skipped"
        if [ "$FAILED" -ne 0 ]; then
                exit 1
        fi
        exit "$SKIP_STATUS"
}

# require_cmd NAME...: skips the whole test at once if a tool is missing
# (scripts/deps.sh test installs them all).
# in_own_net_namespace "$@": runs this test again in a network and mount
# namespace of its own (its connections reach no real network) with
# loopback up; call it early, as root. The first run's $TMP is removed
# (exec skips the EXIT trap); the namespaced run makes its own.
in_own_net_namespace()
{
        if [ -z "${SCMP_TEST_NAMESPACED:-}" ]; then
                unshare --net --mount true 2>/dev/null ||
                        skip "unshare --net --mount does not work here"
                rm -rf "$TMP"
                trap - EXIT
                exec unshare --net --mount --propagation private -- \
                        env SCMP_TEST_NAMESPACED=1 bash "$0" "$@"
        fi
        ip link set lo up || skip "ip link set lo up failed in the new namespace"
}

require_cmd()
{
        local c
        for c in "$@"; do
                if ! command -v "$c" >/dev/null 2>&1; then
                        skip "required command \"$c\" is not installed (scripts/deps.sh test)"
                fi
        done
}

require_file()
{
        if [ ! -r "$1" ]; then
                skip "required file $1 is missing (scripts/deps.sh test)"
        fi
}

# require_built FILE: a program the build makes; missing, it is a failure.
require_built()
{
        if [ ! -x "$1" ]; then
                not_run "$1 is not built"
                finish
        fi
}

# Checks the preconditions every test shares.
[ -x "$SCMP_SUPER" ] || {
        not_run "$SCMP_SUPER is not executable"
        echo "0 passed, $FAILED failed"
        exit 1
}
[ -x "$TRY" ] || {
        not_run "$TRY is not built"
        echo "0 passed, $FAILED failed"
        exit 1
}

# run_sup ARGS...: runs "scmp-super ARGS..." (ARGS include the subcommand),
# with stdin from /dev/null. Sets OUT, ERR (text) and STATUS; the raw output
# is in $TMP/out and $TMP/err as well.
run_sup()
{
        LAST_CMD="scmp-super $*"
        (cd "${RUN_CWD:-.}" &&
                exec timeout -k 5 "$HANG_LIMIT" "$SCMP_SUPER" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null)
        STATUS=$?
        OUT=$(cat "$TMP/out")
        ERR=$(cat "$TMP/err")
        if [ "$STATUS" = 124 ]; then
                fail "$LAST_CMD finished within ${HANG_LIMIT}s" "it hung and was killed"
        fi
}

# run_try PROFILE VERB ARGS...: runs the helper under PROFILE.
run_try()
{
        local profile=$1
        shift
        run_sup run --policy "$profile" -- "$TRY" "$@"
}

# run_try_in DIR PROFILE VERB ARGS...: run_try with DIR as the cwd.
run_try_in()
{
        local RUN_CWD=$1
        shift
        run_try "$@"
}

# exists PATH: "exists" or "absent", for asserting what a call made.
exists()
{
        if [ -e "$1" ]; then echo "exists"; else echo "absent"; fi
}

# repeat_line N LINE: LINE printed N times, to compare with $OUT.
repeat_line()
{
        local i
        for ((i = 0; i < $1; i++)); do
                printf '%s\n' "$2"
        done
}

# assert_eq NAME EXPECTED ACTUAL
assert_eq()
{
        if [ "$2" = "$3" ]; then
                pass "$1"
        else
                fail "$1" "expected: $2" "got:      $3" "$(last_run_details)"
        fi
}

# assert_contains NAME NEEDLE HAYSTACK
assert_contains()
{
        case "$3" in
        *"$2"*) pass "$1" ;;
        *) fail "$1" "expected to contain: $2" "$(last_run_details)" ;;
        esac
}

# assert_not_contains NAME NEEDLE HAYSTACK
assert_not_contains()
{
        case "$3" in
        *"$2"*) fail "$1" "expected NOT to contain: $2" "$(last_run_details)" ;;
        *) pass "$1" ;;
        esac
}

# assert_exit NAME EXPECTED: checks STATUS from the last run_sup.
assert_exit()
{
        if [ "$STATUS" = "$2" ]; then
                pass "$1"
        else
                fail "$1" "expected exit status $2, got $STATUS" "$(last_run_details)"
        fi
}

# assert_out NAME EXPECTED: the whole stdout of the last run, exactly.
assert_out()
{
        assert_eq "$1" "$2" "$OUT"
}

# expect NAME STATUS EXPECTED_STDOUT: the usual pair of checks for one run.
expect()
{
        assert_out "$1: output" "$3"
        assert_exit "$1: exit status" "$2"
}

# profile NAME: the profile tests/integration/profiles/NAME.json with @TMP@
# replaced by this test's temporary directory; prints the new file's path.
profile()
{
        local src=$PROFILES/$1.json dst=$TMP/$1.json
        if [ ! -r "$src" ]; then
                echo "lib.sh: no profile $src" >&2
                return 1
        fi
        sed "s|@TMP@|$TMP|g" "$src" >"$dst"
        echo "$dst"
}

# write_profile NAME: a profile from stdin (with @TMP@ replaced); prints its path.
write_profile()
{
        local dst=$TMP/$1.json
        sed "s|@TMP@|$TMP|g" >"$dst"
        echo "$dst"
}

# json_lines_valid FILE: every line of FILE parses as a JSON object.
json_lines_valid()
{
        python3 -c '
import json, sys
n = 0
for i, line in enumerate(open(sys.argv[1]), 1):
    try:
        obj = json.loads(line)
    except ValueError as e:
        sys.exit("line %d: %s: %r" % (i, e, line))
    if not isinstance(obj, dict):
        sys.exit("line %d: not an object" % i)
    n += 1
if n == 0:
    sys.exit("no lines")
' "$1"
}

finish()
{
        echo "$PASSED passed, $FAILED failed"
        if [ "$FAILED" -ne 0 ] || [ "$PASSED" -eq 0 ]; then
                exit 1
        fi
        exit 0
}

# The line run prints at start when the command could rewrite its profile
# or log (test_sealed.sh checks it). Profiles in $TMP are writable and most
# route no opens, so checks that scmp-super said nothing else leave it out:
# err_but_rewrite_warning prints $ERR without it.
REWRITE_WARNING='scmp-super: warning: the command can rewrite '
err_but_rewrite_warning()
{
        printf '%s\n' "$ERR" | grep -v "^$REWRITE_WARNING" || true
}

# json_edit FILE PYTHON: prints FILE's JSON after running the Python
# statements PYTHON on it as p, e.g. 'p["defaultAction"] = "SCMP_ACT_LOG"'.
json_edit()
{
        python3 -c '
import json, sys
p = json.load(open(sys.argv[1]))
exec(sys.argv[2])
json.dump(p, sys.stdout, indent=1)
' "$1" "$2"
}
