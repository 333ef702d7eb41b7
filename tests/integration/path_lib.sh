# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# Sourced by test_path_*.sh, after lib.sh: runs the path_attack helper
# under a profile as root, as nobody under a root supervisor, or with
# supervisor and command both nobody, so one set of checks covers whose
# rights an allowed call is made with.

PATH_ATTACK=$BUILD_DIR/tests/path_attack
require_built "$PATH_ATTACK"
require_cmd setpriv unshare stat
if [ "$(id -u)" != 0 ]; then
        skip "root-owned files and switching to nobody need root; this runs as uid $(id -u)"
fi
NOBODY_UID=65534 NOBODY_GID=65534

# The modes, in the order the checks run them:
#   root        supervisor and command root
#   nobody      supervisor root; the command switches to nobody (setpriv),
#               so a supervisor that lent it its own rights would show
#   nobody-all  supervisor and command nobody, as test_unprivileged.sh runs
# shellcheck disable=SC2034 # for the scripts that source this
PATH_MODES="root nobody nobody-all"

# Copies nobody can reach and execute (the build directory need not be).
mkdir -m 755 "$TMP/bin"
install -m 755 "$SCMP_SUPER" "$TMP/bin/scmp-super"
install -m 755 "$PATH_ATTACK" "$TMP/bin/path_attack"

# as_nobody_args: sets AS_NOBODY to the setpriv command that makes nobody,
# without capabilities and without groups unless GROUPS_OF_NOBODY names one.
as_nobody_args()
{
        AS_NOBODY=(setpriv --reuid="$NOBODY_UID" --regid="$NOBODY_GID")
        if [ -n "${GROUPS_OF_NOBODY:-}" ]; then
                AS_NOBODY+=(--groups="$GROUPS_OF_NOBODY")
        else
                AS_NOBODY+=(--clear-groups)
        fi
        AS_NOBODY+=(--inh-caps=-all --bounding-set=-all)
}

# attack PROFILE ARGS...: "path_attack ARGS" under PROFILE, as $MODE says,
# in the cwd $TMP; inside "unshare -Urm" if UNSHARE is set. Sets OUT, ERR
# and STATUS like run_sup.
# shellcheck disable=SC2034 # OUT and ERR are for the scripts that source this
attack()
{
        local profile=$1 sup cmd
        shift
        cmd=("$TMP/bin/path_attack" "$@")
        [ -n "${UNSHARE:-}" ] && cmd=(unshare -Urm "${cmd[@]}")
        sup=("$TMP/bin/scmp-super")
        as_nobody_args
        case $MODE in
        root) ;;
        nobody) cmd=("${AS_NOBODY[@]}" "${cmd[@]}") ;;
        nobody-all) sup=("${AS_NOBODY[@]}" "${sup[@]}") ;;
        *)
                echo "path_lib.sh: unknown MODE \"$MODE\"" >&2
                return 1
                ;;
        esac
        LAST_CMD="($MODE) ${sup[*]} run --policy $profile -- ${cmd[*]}"
        (cd "$TMP" && exec timeout -k 5 "$HANG_LIMIT" "${sup[@]}" run --policy "$profile" -- \
                "${cmd[@]}" >"$TMP/out" 2>"$TMP/err" </dev/null)
        STATUS=$?
        OUT=$(cat "$TMP/out")
        ERR=$(cat "$TMP/err")
        if [ "$STATUS" = 124 ]; then
                fail "$LAST_CMD finished within ${HANG_LIMIT}s" "it hung and was killed"
        fi
}
