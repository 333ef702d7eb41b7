#!/bin/bash
# SPDX-License-Identifier: MIT
# Calls through another architecture's interface: a 64-bit x86 process can
# make i386 system calls with int $0x80, where seccomp sees AUDIT_ARCH_I386
# and i386 numbers (5 is open there, fstat on x86_64). Such a call must
# never slip past a rule: the kernel kills it when the profile does not
# list the architecture, and the supervisor must not allow a denied path
# when it does.
. "$(dirname "$0")/lib.sh"

require_cmd python3
if [ "$(uname -m)" != x86_64 ]; then
        skip "i386 system calls from a 64-bit process exist on x86_64 only; this is $(uname -m)"
fi
NR32_OPEN=5 NR32_MKDIR=39 NR32_RENAME=38 NR32_GETPPID=64 NR32_OPENAT=295
NR_X32_OPENAT=$((0x40000000 + 257))

mkdir "$TMP/allowed" "$TMP/denied" "$TMP/other" "$TMP/secret"
echo f >"$TMP/allowed/f"
echo f >"$TMP/denied/f"
echo f >"$TMP/other/f"

baseline=$("$TRY" syscall32 $NR32_GETPPID)
if [ "$baseline" != "syscall32: OK" ]; then
        skip "this kernel has no i386 emulation (int \$0x80 getppid: $baseline;" \
                "CONFIG_IA32_EMULATION is off, or ia32_emulation=0 on the kernel command line)"
fi
pass "i386 system calls work here without a filter"

NATIVE=$(profile paths)
WITH_X86=$TMP/paths-x86.json
json_edit "$NATIVE" 'p["archMap"] = [{"architecture": "SCMP_ARCH_X86_64",
                                      "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]}]' \
        >"$WITH_X86"

run_try "$NATIVE" syscall32 $NR32_OPEN "str:$TMP/allowed/f" 0
expect "an i386 call under a profile for x86_64 alone is killed" 159 ""

# Each of these would succeed without the filter; a rule denies each.
run_try "$WITH_X86" syscall32 $NR32_OPEN "str:$TMP/denied/f" 0
assert_exit "i386 open of a denied path: exit status" 0
assert_not_contains "i386 open of a denied path is not allowed" "syscall32: OK" "$OUT"
assert_contains "i386 open of a denied path fails" "syscall32: E" "$OUT"

run_try "$WITH_X86" syscall32 $NR32_OPENAT -100 "str:$TMP/denied/f" 0
assert_not_contains "i386 openat of a denied path is not allowed" "syscall32: OK" "$OUT"

run_try "$WITH_X86" syscall32 $NR32_MKDIR "str:$TMP/other/d" 0755
assert_not_contains "i386 mkdir where the catch-all denies is not allowed" "syscall32: OK" "$OUT"
assert_eq "i386 mkdir made nothing" absent "$(exists "$TMP/other/d")"

run_try "$WITH_X86" syscall32 $NR32_RENAME "str:$TMP/other/f" "str:$TMP/secret/f"
assert_not_contains "i386 rename into a denied directory is not allowed" "syscall32: OK" "$OUT"
assert_eq "i386 rename moved nothing" "exists absent" \
        "$(exists "$TMP/other/f") $(exists "$TMP/secret/f")"

# x32 (numbers with bit 30 set, through the 64-bit entry) is off in most
# kernels, which answer ENOSYS; on or off, a denied path stays denied.
run_try "$WITH_X86" syscall $NR_X32_OPENAT -100 "str:$TMP/denied/f" 0
assert_exit "x32 openat of a denied path: exit status" 0
assert_not_contains "x32 openat of a denied path is not allowed" "syscall: OK" "$OUT"

# A call without arguments to decode is translated to the native rules by
# name: i386 getppid (64) is getppid, not x86_64's 64 (semget).
GETPPID=$(write_profile getppid <<'JSON'
{
	"defaultAction": "SCMP_ACT_ALLOW",
	"archMap": [ { "architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86"] } ],
	"syscalls": [ { "names": ["getppid", "semget"], "action": "SCMP_ACT_NOTIFY" } ],
	"supervisor": { "defaultAction": "allow", "rules": [
		{ "syscalls": ["getppid"], "action": "deny", "errno": "ENOMEDIUM" },
		{ "syscalls": ["semget"], "action": "deny", "errno": "EBADE" } ] }
}
JSON
)
run_try "$GETPPID" syscall32 $NR32_GETPPID -- syscall getppid
expect "i386 getppid meets the getppid rule, as the native call does" 0 "syscall32: ENOMEDIUM
syscall: ENOMEDIUM"

# A rule on the executable decides i386 calls as native ones, and --log
# (which asks for the paths of every call, undecodable for i386) must not
# change that: the executable is still read.
EXE_ONLY=$(write_profile exe-only <<'JSON'
{
	"defaultAction": "SCMP_ACT_ALLOW",
	"archMap": [ { "architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86"] } ],
	"syscalls": [ { "names": ["mkdir"], "action": "SCMP_ACT_NOTIFY" } ],
	"supervisor": { "defaultAction": "allow", "rules": [
		{ "syscalls": ["mkdir"], "exe": "/**/try", "action": "allow" },
		{ "syscalls": ["mkdir"], "action": "deny", "errno": "EXDEV" } ] }
}
JSON
)
run_try "$EXE_ONLY" syscall32 $NR32_MKDIR "str:$TMP/other/i386" 0755
expect "i386 mkdir by the helper: its exe rule allows it" 0 "syscall32: OK"
run_sup run --policy "$EXE_ONLY" --log "$TMP/exe.jsonl" -- "$TRY" syscall32 $NR32_MKDIR \
        "str:$TMP/other/i386-logged" 0755
expect "the same with --log: still allowed" 0 "syscall32: OK"
assert_contains "the logged i386 mkdir names the helper" '"exe":"'"$(readlink -f "$TRY")"'"' \
        "$(grep '"syscall":"mkdir"' "$TMP/exe.jsonl")"

finish
