#!/bin/bash
# SPDX-License-Identifier: MIT
# Every system call that takes a path meets path rules: each one below,
# called raw on a path a deny rule names, fails with that rule's errno, and
# called on a path no rule names reaches the kernel. x86_64 numbers; the
# profile notifies every call.
. "$(dirname "$0")/lib.sh"

if [ "$(uname -m)" != x86_64 ]; then
        skip "the syscall numbers below are x86_64's; this is $(uname -m)"
fi

P=$(write_profile all-paths <<'JSON'
{
	"defaultAction": "SCMP_ACT_NOTIFY",
	"supervisor": { "defaultAction": "allow", "rules": [
		{ "path": "@TMP@/denied/**", "action": "deny", "errno": "EKEYREVOKED" } ] }
}
JSON
)
mkdir "$TMP/denied" "$TMP/allowed"
echo f >"$TMP/denied/f"
chmod 640 "$TMP/denied/f"

# name, number, arguments: @P is the path under test, @Q a second path in
# allowed/ that does not exist. Pointers not given are NULL, so an allowed
# call fails in the kernel (EFAULT, ENOENT, EINVAL) without side effects.
CALLS='
open 2 @P 0
creat 85 @P 0644
openat 257 -100 @P 0
openat2 437 -100 @P 0 0
mkdir 83 @P 0755
mkdirat 258 -100 @P 0755
mknod 133 @P 0x11a4 0
mknodat 259 -100 @P 0x11a4 0
unlink 87 @P
unlinkat 263 -100 @P 0
rmdir 84 @P
rename 82 @P @Q
renameat 264 -100 @P -100 @Q
renameat2 316 -100 @P -100 @Q 0
link 86 @P @Q
linkat 265 -100 @P -100 @Q 0
symlink 88 str:target @P
symlinkat 266 str:target -100 @P
chmod 90 @P 0600
fchmodat 268 -100 @P 0600
chown 92 @P 0 0
lchown 94 @P 0 0
fchownat 260 -100 @P 0 0 0
truncate 76 @P 0
stat 4 @P 0
lstat 6 @P 0
newfstatat 262 -100 @P 0 0
statx 332 -100 @P 0 0x7ff 0
access 21 @P 0
faccessat 269 -100 @P 0
faccessat2 439 -100 @P 0 0
readlink 89 @P 0 0
readlinkat 267 -100 @P 0 0
setxattr 188 @P str:user.x 0 0 0
lsetxattr 189 @P str:user.x 0 0 0
getxattr 191 @P str:user.x 0 0
lgetxattr 192 @P str:user.x 0 0
listxattr 194 @P 0 0
llistxattr 195 @P 0 0
removexattr 197 @P str:user.x
lremovexattr 198 @P str:user.x
statfs 137 @P 0
utime 132 @P 0
utimes 235 @P 0
utimensat 280 -100 @P 0 0
futimesat 261 -100 @P 0
chdir 80 @P
chroot 161 @P
execve 59 @P 0 0
execveat 322 -100 @P 0 0 0
mount 165 str:none @P str:tmpfs 0 0
umount2 166 @P 0
pivot_root 155 @P @Q
open_tree 428 -100 @P 0
move_mount 429 -100 @P -100 @Q 0
swapon 167 @P 0
swapoff 168 @P
acct 163 @P
quotactl 179 0 @P 0 0
name_to_handle_at 303 -100 @P 0 0 0
inotify_add_watch 254 -1 @P 1
fanotify_mark 301 -1 1 1 -100 @P
uselib 134 @P
'

# verbs PATH: the helper's verb chain calling every entry on PATH.
verbs()
{
        local name nr args first=1
        while read -r name nr args; do
                [ -n "$name" ] || continue
                [ "$first" = 1 ] || printf '%s\n' "--"
                first=0
                printf '%s\n' syscall "$nr"
                args=${args//@P/str:$1}
                args=${args//@Q/str:$TMP/allowed/nodir/q}
                # shellcheck disable=SC2086 # one word per argument
                printf '%s\n' $args
        done <<<"$CALLS"
}
names()
{
        local name rest
        while read -r name rest; do
                [ -n "$name" ] && echo "$name"
        done <<<"$CALLS"
}

mapfile -t DENIED_VERBS < <(verbs "$TMP/denied/f")
mapfile -t ALLOWED_VERBS < <(verbs "$TMP/allowed/nodir/p")
mapfile -t NAMES < <(names)

run_try "$P" "${DENIED_VERBS[@]}"
assert_exit "all calls on a denied path: exit status" 0
mapfile -t LINES <<<"$OUT"
assert_eq "one line per call" "${#NAMES[@]}" "${#LINES[@]}"
for i in "${!NAMES[@]}"; do
        assert_eq "${NAMES[$i]} on a denied path: the rule's errno" "syscall: EKEYREVOKED" \
                "${LINES[$i]:-(no line)}"
done
assert_eq "the denied file is untouched (mode, links, no neighbours)" "640 1 f" \
        "$(stat -c '%a %h' "$TMP/denied/f") $(ls "$TMP/denied")"

run_try "$P" "${ALLOWED_VERBS[@]}"
assert_exit "all calls on a path no rule names: exit status" 0
mapfile -t LINES <<<"$OUT"
assert_eq "one line per call, again" "${#NAMES[@]}" "${#LINES[@]}"
for i in "${!NAMES[@]}"; do
        case "${LINES[$i]:-}" in
        "syscall: EKEYREVOKED" | "syscall: OK" | "")
                fail "${NAMES[$i]} elsewhere reaches the kernel, which refuses it" \
                        "got: ${LINES[$i]:-(no line)}"
                ;;
        "syscall: E"*) pass "${NAMES[$i]} elsewhere reaches the kernel (${LINES[$i]#syscall: })" ;;
        *) fail "${NAMES[$i]} elsewhere reaches the kernel" "got: ${LINES[$i]}" ;;
        esac
done

finish
