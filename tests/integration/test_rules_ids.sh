#!/bin/bash
# SPDX-License-Identifier: MIT
# Rules on who calls. "uid" is the caller's real uid, "euid" and "fsuid"
# its effective and filesystem uids (file access uses the fsuid), and the
# same for gids, each read from the calling thread's /proc status; --log
# shows them. Then what "exe" names when a program runs through ld.so or
# with LD_PRELOAD, and what a noexec mount stops: the facts README and
# SECURITY.md state.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || skip "needs root: the helper sets its uids and gids apart"
require_cmd unshare mount
LDSO=/lib64/ld-linux-x86-64.so.2
[ -x "$LDSO" ] || skip "no $LDSO (not an x86_64 glibc system)"
PRELOAD=$BUILD_DIR/tests/try_preload.so
require_built "$PRELOAD"

# Root's directories, 0755: a caller without root's file access cannot
# make anything in them, whatever its other ids.
for d in uid euid fsuid gid egid fsgid exe deny; do
        mkdir "$TMP/$d"
done
P=$(write_profile ids <<'JSON'
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [{ "names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY" }],
  "supervisor": {
    "defaultAction": "allow",
    "rules": [
      { "path": "@TMP@/uid/*", "uid": 0, "action": "deny", "errno": "EXDEV" },
      { "path": "@TMP@/euid/*", "euid": 0, "action": "deny", "errno": "EDQUOT" },
      { "path": "@TMP@/fsuid/*", "fsuid": 0, "action": "deny", "errno": "EMLINK" },
      { "path": "@TMP@/gid/*", "gid": 0, "action": "deny", "errno": "ENOTTY" },
      { "path": "@TMP@/egid/*", "egid": 0, "action": "deny", "errno": "ETXTBSY" },
      { "path": "@TMP@/fsgid/*", "fsgid": 0, "action": "deny", "errno": "EFBIG" }
    ]
  }
}
JSON
)
LOG=$TMP/decisions.log

# log_line PATH: the --log line of the call on PATH.
log_line()
{
        grep -F "\"paths\":[\"$1\"]" "$LOG"
}

# As root, every rule applies.
run_try "$P" mkdir "$TMP/uid/root" -- mkdir "$TMP/euid/root" -- mkdir "$TMP/fsuid/root" \
        -- mkdir "$TMP/gid/root" -- mkdir "$TMP/egid/root" -- mkdir "$TMP/fsgid/root"
expect "root: each identity rule denies with its own errno" 0 "mkdir: EXDEV
mkdir: EDQUOT
mkdir: EMLINK
mkdir: ENOTTY
mkdir: ETXTBSY
mkdir: EFBIG"

# setresuid(65534, 0, 0): the real uid is nobody's, the effective and
# filesystem uids stay root's, and with them root's file access. "uid"
# means the real uid (documented), so that rule no longer applies; "euid"
# and "fsuid" do.
run_sup run --policy "$P" --log "$LOG" -- "$TRY" setresuid 65534 0 0 -- mkdir "$TMP/uid/a" \
        -- mkdir "$TMP/euid/a" -- mkdir "$TMP/fsuid/a"
expect "setresuid(65534, 0, 0): uid 0 no longer, euid 0 and fsuid 0 still" 0 "setresuid: OK
mkdir: OK
mkdir: EDQUOT
mkdir: EMLINK"
assert_eq "uid/a was made with root's file access (0755 root dir)" exists "$(exists "$TMP/uid/a")"
assert_contains "the log shows uid 65534 and euid and fsuid 0" \
        '"uid":65534,"euid":0,"fsuid":0,"gid":0,"args"' "$(log_line "$TMP/euid/a")"
assert_contains "the euid rule decided it" '"rule":"supervisor.rules[1]"' "$(log_line "$TMP/euid/a")"
assert_contains "the fsuid rule decided fsuid/a" '"rule":"supervisor.rules[2]"' \
        "$(log_line "$TMP/fsuid/a")"

# setfsuid(65534) alone: only the filesystem uid changes, and file access
# with it: the fsuid rule no longer applies, and the kernel refuses.
run_sup run --policy "$P" --log "$LOG" -- "$TRY" setfsuid 65534 -- mkdir "$TMP/fsuid/b" \
        -- mkdir "$TMP/euid/b"
expect "setfsuid(65534): fsuid 0 no longer (the kernel says EACCES), euid 0 still" 0 \
        "setfsuid: OK
mkdir: EACCES
mkdir: EDQUOT"
assert_contains "the log shows fsuid 65534 beside uid 0, and no euid" \
        '"uid":0,"fsuid":65534,"gid":0,"args"' "$(log_line "$TMP/fsuid/b")"

# The same for gids.
run_sup run --policy "$P" --log "$LOG" -- "$TRY" setresgid 65534 0 0 -- mkdir "$TMP/gid/c" \
        -- mkdir "$TMP/egid/c" -- mkdir "$TMP/fsgid/c"
expect "setresgid(65534, 0, 0): gid 0 no longer, egid 0 and fsgid 0 still" 0 "setresgid: OK
mkdir: OK
mkdir: ETXTBSY
mkdir: EFBIG"
assert_contains "the log shows gid 65534 and egid and fsgid 0" \
        '"uid":0,"gid":65534,"egid":0,"fsgid":0,"args"' "$(log_line "$TMP/egid/c")"
run_try "$P" setfsgid 65534 -- mkdir "$TMP/fsgid/d" -- mkdir "$TMP/egid/d"
expect "setfsgid(65534): fsgid 0 no longer, egid 0 still" 0 "setfsgid: OK
mkdir: OK
mkdir: ETXTBSY"

# exe is the file the kernel executed (/proc/PID/exe), not the code that
# runs. Run through the dynamic loader, the helper's code runs with exe =
# ld.so: an allow rule on exe /**/try does not apply, and a deny rule on
# it is walked around.
P=$(write_profile exe <<'JSON'
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [{ "names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY" }],
  "supervisor": {
    "defaultAction": "allow",
    "rules": [
      { "path": "@TMP@/exe/*", "exe": "/**/try", "action": "allow" },
      { "path": "@TMP@/exe/*", "action": "deny", "errno": "ENOSTR" },
      { "path": "@TMP@/deny/*", "exe": "/**/try", "action": "deny", "errno": "ENOSTR" }
    ]
  }
}
JSON
)
LDSO_REAL=$(readlink -f "$LDSO")
run_sup run --policy "$P" --log "$LOG" -- "$LDSO" "$TRY" mkdir "$TMP/exe/ldso" -- \
        mkdir "$TMP/deny/ldso"
expect "try run by ld.so: not allowed as try, nor denied as try" 0 "mkdir: ENOSTR
mkdir: OK"
assert_contains "the log names ld.so as its exe" "\"exe\":\"$LDSO_REAL\"" \
        "$(log_line "$TMP/deny/ldso")"
run_try "$P" mkdir "$TMP/exe/direct" -- mkdir "$TMP/deny/direct"
expect "try run directly: allowed and denied as try" 0 "mkdir: OK
mkdir: ENOSTR"

# LD_PRELOAD: a library's code runs inside try, as try. Its mkdir in exe/
# is allowed by the rule on try's exe; the same library in /bin/true is
# not.
run_sup run --policy "$P" --log "$LOG" -- env LD_PRELOAD="$PRELOAD" \
        TRY_PRELOAD_MKDIR="$TMP/exe/preload" "$TRY" exit 0
expect "LD_PRELOAD into try: the library's mkdir is allowed as try's" 0 "preload mkdir: OK"
assert_contains "the log names try as its exe" "\"exe\":\"$(readlink -f "$TRY")\"" \
        "$(log_line "$TMP/exe/preload")"
run_sup run --policy "$P" -- env LD_PRELOAD="$PRELOAD" \
        TRY_PRELOAD_MKDIR="$TMP/exe/preload-true" /bin/true
expect "LD_PRELOAD into /bin/true: denied as true's" 0 "preload mkdir: ENOSTR"

# Running ld.so by name is an execve of it, which a path rule can refuse;
# the kernel loading it as a program's interpreter is not, and goes on.
P=$(write_profile ldso <<JSON
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [{ "names": ["execve", "execveat"], "action": "SCMP_ACT_NOTIFY" }],
  "supervisor": {
    "defaultAction": "allow",
    "rules": [
      { "syscalls": ["execve", "execveat"], "path": "$LDSO_REAL", "action": "deny", "errno": "EACCES" }
    ]
  }
}
JSON
)
run_try "$P" exec "$LDSO" "$TRY" mkdir "$TMP/exe/ldso-refused"
expect "an execve rule on ld.so's path refuses running it by name" 0 "exec: EACCES"
run_try "$P" exec "$TRY" mkdir "$TMP/deny/interp"
expect "while dynamic programs, ld.so their interpreter, still run" 0 "mkdir: OK"

# What stops both: code on a noexec mount cannot be mapped executable, by
# ld.so or by LD_PRELOAD (the kernel refuses mmap(PROT_EXEC)). In a mount
# namespace of its own, so nothing outlives the test.
mkdir "$TMP/noexec"
out=$(unshare -m sh -c '
        mount -t tmpfs -o noexec,mode=0755 none "$1" || exit 99
        cp "$2" "$3" "$1/" || exit 99
        "$4" "$1/try" exit 0 2>/dev/null; echo "ld.so: $?"
        LD_PRELOAD="$1/try_preload.so" TRY_PRELOAD_MKDIR="$1/made" /bin/true 2>/dev/null
        echo "preload: $(test -e "$1/made" && echo ran || echo refused)"
' sh "$TMP/noexec" "$TRY" "$PRELOAD" "$LDSO" 2>&1)
assert_eq "noexec mount: ld.so cannot run the helper from it, nor LD_PRELOAD load from it" \
        "ld.so: 127
preload: refused" "$out"

finish
