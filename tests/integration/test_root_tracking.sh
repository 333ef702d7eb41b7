#!/bin/bash
# SPDX-License-Identifier: MIT
# Paths are resolved against the caller's root directory. run routes chroot,
# pivot_root and setns to the supervisor, so it knows while the command's
# root is still its own and need not read /proc/PID/root for every path;
# once one of them is allowed, every path is resolved against the root the
# target really has. Checked with the fast lane (the default) and without.
. "$(dirname "$0")/lib.sh"

mkdir -p "$TMP/jail/etc"
echo secret >"$TMP/jail/etc/secret"
P=$(write_profile root <<'JSON'
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [ { "names": ["open", "openat"], "action": "SCMP_ACT_NOTIFY" } ],
  "supervisor": {
    "defaultAction": "allow",
    "rules": [ { "syscalls": ["open", "openat"], "path": "@TMP@/jail/etc/secret",
                 "action": "deny", "errno": "EACCES" } ]
  }
}
JSON
)
CHROOT=161 # x86-64

for lane in 1 0; do
        export SCMP_SUPER_LANE=$lane
        run_sup run --policy "$P" -- "$TRY" open /etc/secret -- \
                syscall "$CHROOT" "str:$TMP/jail" -- open /etc/secret
        expect "lane=$lane: before chroot /etc/secret is the host's; after, the jail's is denied" \
                0 "open: ENOENT
syscall: OK
open: EACCES"
        run_sup run --policy "$P" -- "$TRY" fork 2 syscall "$CHROOT" "str:$TMP/jail" -- \
                open /etc/secret
        # The children's chroot ends the shortcut for the whole target; the
        # parent's own root is unchanged, and its path is read as such.
        expect "lane=$lane: after a child's chroot, the parent's paths are still its own" 0 \
                "syscall: OK
syscall: OK
open: ENOENT"
        # A profile that refuses chroot in the kernel keeps the root ours.
        Q=$(write_profile norootchange <<'JSON'
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [ { "names": ["open", "openat"], "action": "SCMP_ACT_NOTIFY" },
                { "names": ["chroot"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1 } ],
  "supervisor": { "defaultAction": "allow",
    "rules": [ { "syscalls": ["open", "openat"], "path": "/etc/secret",
                 "action": "deny", "errno": "EACCES" } ] }
}
JSON
)
        run_sup run --policy "$Q" -- "$TRY" syscall "$CHROOT" "str:$TMP/jail" -- open /etc/secret
        expect "lane=$lane: a chroot the profile refuses changes nothing" 0 "syscall: EPERM
open: EACCES"
done
finish
