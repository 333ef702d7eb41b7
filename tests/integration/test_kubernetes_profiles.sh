#!/bin/bash
# SPDX-License-Identifier: MIT
# The Kubernetes seccomp tutorial's own profiles (tests/profiles/kubernetes,
# unchanged) load, and commands run under them as the tutorial says its
# pods do: under audit.json (SCMP_ACT_LOG) everything runs; under
# violation.json (SCMP_ACT_ERRNO, no syscalls) nothing can start; under
# fine-grained.json a small static server-like program (the tutorial's is
# http-echo, a static Go binary) runs, while a dynamically linked one,
# whose loader needs calls the list leaves out, does not.
. "$(dirname "$0")/lib.sh"

require_cmd python3

K8S=$SOURCE_DIR/tests/profiles/kubernetes
HINT='a needed call was probably refused: try `scmp-super trace'

for name in audit violation fine-grained; do
        run_sup check --policy "$K8S/$name.json"
        assert_exit "check passes on the tutorial's $name.json" 0
        assert_contains "$name.json: policy OK" "policy OK" "$OUT"
done

run_sup run --policy "$K8S/audit.json" -- /bin/sh -c 'echo audited; ls / >/dev/null'
expect "audit.json: the command runs, its calls only logged" 0 "audited"
assert_not_contains "audit.json lets calls through: no hint" "$HINT" "$ERR"

# The tutorial's fine-grained pod runs http-echo; a static program that
# writes its line the same way stands in for it.
require_cmd gcc
cat >"$TMP/echo.c" <<'C'
#include <unistd.h>
int main(void)
{
        static const char line[] = "just made some syscalls!\n";
        return write(1, line, sizeof(line) - 1) == sizeof(line) - 1 ? 0 : 1;
}
C
if ! gcc -static -O2 -o "$TMP/echo" "$TMP/echo.c" 2>"$TMP/gcc.err"; then
        skip "gcc -static cannot link (libc6-dev's libc.a): $(head -3 "$TMP/gcc.err")"
fi

run_sup run --policy "$K8S/violation.json" -- "$TMP/echo"
if [ "$STATUS" != 0 ] && [ -z "$OUT" ]; then
        pass "violation.json: not even a static program starts (status $STATUS)"
else
        fail "violation.json: not even a static program starts" "$(last_run_details)"
fi
assert_contains "and run says a call was refused, and what to try" \
        "$HINT --policy $K8S/violation.json -- $TMP/echo\`" "$ERR"

run_sup run --policy "$K8S/fine-grained.json" -- "$TMP/echo"
expect "fine-grained.json: the static program runs" 0 "just made some syscalls!"

run_sup run --policy "$K8S/fine-grained.json" -- /bin/true
assert_exit "fine-grained.json: a dynamically linked /bin/true cannot load its libraries" 127
assert_contains "the loader says it was refused" "Operation not permitted" "$ERR"
assert_contains "and run says what to try" "$HINT --policy $K8S/fine-grained.json -- /bin/true\`" "$ERR"

# Which is what trace then shows: the calls the list leaves out.
run_sup trace --policy "$K8S/fine-grained.json" --fail-on-unknown --format json --report - -- /bin/true
assert_exit "trace on fine-grained.json: /bin/true runs, and the gate fails (119)" 119
assert_eq "and names the calls the loader needs beyond the list" "pread64 yes" \
        "$(printf '%s' "$OUT" | python3 -c '
import json, sys
r = json.load(sys.stdin)
print("pread64", "yes" if "pread64" in r["newSyscalls"] else "no: %s" % r["newSyscalls"])
')"

finish
