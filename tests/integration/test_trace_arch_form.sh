#!/bin/bash
# SPDX-License-Identifier: MIT
# trace --arch-form: a profile written without a base names its
# architectures in the runtime-spec's form ("architectures", which every
# runtime and engine reads, containerd included) unless archMap is asked
# for; both load and both let the command run. test_trace_crun.sh runs a
# container under the default form with crun.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/trace_lib.sh"

require_cmd python3

run_sup trace -q -o "$TMP/default.json" -- "$TRY" syscall getpid
expect "the helper, traced" 0 "syscall: OK"
assert_eq "the default form is the runtime-spec's architectures" \
        '["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]' \
        "$(json_query "$TMP/default.json" "r.get('architectures')")"
assert_eq "and there is no archMap" "null" "$(json_query "$TMP/default.json" "r.get('archMap')")"
run_sup check --policy "$TMP/default.json"
assert_exit "check accepts it" 0
run_sup run --policy "$TMP/default.json" -- "$TRY" syscall getpid
expect "the helper runs under it" 0 "syscall: OK"

run_sup trace -q --arch-form archMap -o "$TMP/map.json" -- "$TRY" syscall getpid
expect "the helper, traced with --arch-form archMap" 0 "syscall: OK"
assert_eq "archMap names the same architectures" \
        '[{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]}]' \
        "$(json_query "$TMP/map.json" "r.get('archMap')")"
assert_eq "and there is no architectures" "null" \
        "$(json_query "$TMP/map.json" "r.get('architectures')")"
run_sup check --policy "$TMP/map.json"
assert_exit "check accepts it" 0
run_sup run --policy "$TMP/map.json" -- "$TRY" syscall getpid
expect "the helper runs under it" 0 "syscall: OK"

run_sup trace -q --arch-form architectures -o "$TMP/explicit.json" -- "$TRY" syscall getpid
assert_eq "--arch-form architectures is the default's bytes" "$(cat "$TMP/default.json")" \
        "$(cat "$TMP/explicit.json")"

run_sup trace -q --arch-form archmap -o "$TMP/bad.json" -- "$TRY" syscall getpid
assert_exit "an unknown form is refused" 125
assert_contains "saying which forms there are" "(architectures or archMap)" "$ERR"
assert_eq "and the command did not run" "" "$OUT"

write_profile base <<'EOF' >/dev/null
{"defaultAction": "SCMP_ACT_ALLOW"}
EOF
run_sup trace -q --policy "$TMP/base.json" --arch-form archMap -o "$TMP/b.json" -- "$TRY" syscall getpid
assert_exit "with a base it is refused: the base's architectures are kept" 125
assert_contains "saying why" "--arch-form is for a profile without --policy" "$ERR"

# --runtime shapes the written profile as well, and there is none without
# --output: refused before the command starts, rather than doing nothing.
run_sup trace -q --runtime runc -- "$TRY" mkdir "$TMP/ran"
assert_exit "--runtime without --output: refused" 125
assert_contains "saying what to give" "--runtime adds the runtime's calls to the profile --output writes: give --output FILE" "$ERR"
assert_eq "and the command never ran" "absent" "$(exists "$TMP/ran")"

finish
