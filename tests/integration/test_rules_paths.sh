#!/bin/bash
# SPDX-License-Identifier: MIT
# Supervisor rules on paths: globs over absolute, normalised paths, whether
# the target passed an absolute path, one relative to its cwd, or one
# relative to a dirfd; calls with two paths (rename), where an allow rule
# needs both to match and a deny rule needs one.
. "$(dirname "$0")/lib.sh"

P=$(profile paths)
mkdir "$TMP/allowed" "$TMP/denied" "$TMP/other" "$TMP/secret"
for d in allowed denied other secret; do
        echo "$d" >"$TMP/$d/f"
done

# open (glibc: openat with AT_FDCWD) and absolute paths.
run_try "$P" open "$TMP/allowed/f"
expect "open of an allowed path" 0 "open: OK"
run_try "$P" open "$TMP/allowed/new" wronly,creat
expect "open O_CREAT of an allowed path" 0 "open: OK"
assert_eq "open O_CREAT of an allowed path created the file" exists "$(exists "$TMP/allowed/new")"
run_try "$P" open "$TMP/denied/f"
expect "open of a path a deny rule names: the rule's errno" 0 "open: ENOTTY"
run_try "$P" open "$TMP/denied/new" wronly,creat
expect "open O_CREAT of a denied path" 0 "open: ENOTTY"
assert_eq "the denied O_CREAT created nothing" absent "$(exists "$TMP/denied/new")"
run_try "$P" open "$TMP/other/f"
expect "open of a path only the catch-all rule names" 0 "open: EACCES"
run_try "$P" open "$TMP/secret/f"
expect "a rule without syscalls applies to open" 0 "open: EROFS"
run_try "$P" open /etc/passwd
expect "open outside every rule: the supervisor default (allow)" 0 "open: OK"
run_try "$P" open "$TMP/allowed/missing"
expect "an allowed open reaches the kernel, which answers ENOENT" 0 "open: ENOENT"

# Paths the kernel would resolve differently than they read.
run_try "$P" open "$TMP/allowed/../denied/f"
expect "'..' is resolved before matching" 0 "open: ENOTTY"
run_try "$P" open "$TMP//allowed/./f"
expect "'//' and '.' are folded before matching" 0 "open: OK"
run_try "$P" open "$TMP/denied//f"
expect "'//' cannot dodge a deny rule" 0 "open: ENOTTY"

# Relative paths, against the target's cwd.
run_try_in "$TMP/allowed" "$P" open f
expect "a relative path in an allowed cwd" 0 "open: OK"
run_try_in "$TMP/denied" "$P" open f
expect "a relative path in a denied cwd" 0 "open: ENOTTY"
run_try_in "$TMP/allowed" "$P" open ../denied/f
expect "a relative '../denied/f' from an allowed cwd" 0 "open: ENOTTY"

# openat with a real dirfd: the path is the directory's plus the name.
run_try "$P" openat "$TMP/allowed" f
expect "openat(dirfd of allowed/, \"f\")" 0 "openat: OK"
run_try "$P" openat "$TMP/denied" f
expect "openat(dirfd of denied/, \"f\")" 0 "openat: ENOTTY"
run_try "$P" openat "$TMP/other" f
expect "openat(dirfd of other/, \"f\")" 0 "openat: EACCES"
run_try "$P" openat "$TMP" secret/f
expect "openat(dirfd of the test dir, \"secret/f\")" 0 "openat: EROFS"
run_try "$P" openat "$TMP/allowed" ../denied/f
expect "openat(dirfd of allowed/, \"../denied/f\")" 0 "openat: ENOTTY"
run_try "$P" openat "$TMP/denied" "$TMP/allowed/f"
expect "openat with an absolute path ignores the dirfd" 0 "openat: OK"

# mkdir and unlink.
run_try "$P" mkdir "$TMP/allowed/d"
expect "mkdir in allowed/" 0 "mkdir: OK"
assert_eq "mkdir in allowed/ made the directory" exists "$(exists "$TMP/allowed/d")"
run_try "$P" mkdir "$TMP/other/d"
expect "mkdir in other/" 0 "mkdir: EACCES"
assert_eq "the refused mkdir made nothing" absent "$(exists "$TMP/other/d")"
run_try "$P" mkdir "$TMP/secret/d"
expect "mkdir in secret/" 0 "mkdir: EROFS"
run_try_in "$TMP/other" "$P" mkdir ../allowed/rel
expect "mkdir of a relative path into allowed/" 0 "mkdir: OK"
assert_eq "the relative mkdir made allowed/rel" exists "$(exists "$TMP/allowed/rel")"

echo x >"$TMP/allowed/gone"
run_try "$P" unlink "$TMP/allowed/gone"
expect "unlink in allowed/" 0 "unlink: OK"
assert_eq "the allowed unlink removed the file" absent "$(exists "$TMP/allowed/gone")"
run_try "$P" unlink "$TMP/denied/f"
expect "unlink in denied/ (only open is denied there; the catch-all decides)" 0 "unlink: EACCES"
assert_eq "the refused unlink left the file" exists "$(exists "$TMP/denied/f")"
run_try "$P" unlink "$TMP/secret/f"
expect "unlink in secret/" 0 "unlink: EROFS"

# rename: two paths.
echo a >"$TMP/allowed/a"
run_try "$P" rename "$TMP/allowed/a" "$TMP/allowed/b"
expect "rename within allowed/: both paths match the allow rule" 0 "rename: OK"
assert_eq "the allowed rename moved the file" "absent exists" \
        "$(exists "$TMP/allowed/a") $(exists "$TMP/allowed/b")"
run_try "$P" rename "$TMP/allowed/b" "$TMP/other/b"
expect "rename allowed/ -> other/: the allow rule needs both paths" 0 "rename: EACCES"
run_try "$P" rename "$TMP/other/f" "$TMP/allowed/from-other"
expect "rename other/ -> allowed/: the allow rule needs both paths" 0 "rename: EACCES"
run_try "$P" rename "$TMP/allowed/b" "$TMP/secret/b"
expect "rename allowed/ -> secret/: a deny rule needs one path" 0 "rename: EROFS"
run_try "$P" rename "$TMP/secret/f" "$TMP/allowed/from-secret"
expect "rename secret/ -> allowed/: a deny rule needs one path" 0 "rename: EROFS"
assert_eq "no refused rename moved anything" "exists exists exists absent absent absent" \
        "$(exists "$TMP/allowed/b") $(exists "$TMP/other/f") $(exists "$TMP/secret/f") \
$(exists "$TMP/other/b") $(exists "$TMP/secret/b") $(exists "$TMP/allowed/from-secret")"

# Several calls in one process, and concurrent callers.
run_try "$P" open "$TMP/allowed/f" -- open "$TMP/denied/f" -- open "$TMP/allowed/f"
expect "allow, deny, allow in one process" 0 "open: OK
open: ENOTTY
open: OK"
run_try "$P" threads 8 open "$TMP/denied/f"
expect "8 threads opening a denied path at once" 0 "$(repeat_line 8 "open: ENOTTY")"
run_try "$P" fork 6 open "$TMP/other/f"
expect "6 child processes opening a path the catch-all denies" 0 "$(repeat_line 6 "open: EACCES")"
run_try "$P" fork 4 threads 4 open "$TMP/allowed/f"
assert_exit "4 processes x 4 threads opening an allowed path: exit status" 0
assert_eq "4 processes x 4 threads opening an allowed path: 16 OKs" 16 \
        "$(grep -cx "open: OK" "$TMP/out")"

# A symlink is followed as the kernel will: the rule meets the file, and
# the log shows both the file and the name the program used.
ln -s ../secret/f "$TMP/allowed/to-secret"
run_sup run --policy "$P" --log "$TMP/names.log" -- "$TRY" open "$TMP/allowed/to-secret"
expect "a symlink in allowed/ to secret/f meets secret/'s rule" 0 "open: EROFS"
assert_contains "the log names the file and the name used" \
        "\"paths\":[\"$TMP/secret/f\"],\"names\":[\"$TMP/allowed/to-secret\"]" \
        "$(cat "$TMP/names.log")"

# A call on the name itself does not follow a symlink because of a
# trailing slash: the kernel refuses it, and so must the call we perform.
mkdir "$TMP/allowed/dd"
ln -s dd "$TMP/allowed/ld"
run_try "$P" rename "$TMP/allowed/ld/" "$TMP/allowed/moved"
expect "rename of \"symlink/\": ENOTDIR, as the kernel says" 0 "rename: ENOTDIR"
assert_eq "the symlink's target was not renamed" "exists absent" \
        "$(exists "$TMP/allowed/dd") $(exists "$TMP/allowed/moved")"

# utimensat is performed too: with a path (touch -h, no symlink followed),
# and with none (futimens on a descriptor the command opened).
PU=$TMP/paths-utimensat.json
python3 - "$P" "$PU" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p["syscalls"][0]["names"].append("utimensat")
p["supervisor"]["rules"].insert(0, {"syscalls": ["utimensat"], "path": sys.argv[2].rsplit("/", 1)[0] + "/allowed/**", "action": "allow"})
json.dump(p, open(sys.argv[2], "w"))
PY
touch -d 2000-01-01 "$TMP/allowed/f" "$TMP/secret/f"
run_sup run --policy "$PU" -- sh -c "touch -d 2001-02-03 '$TMP/allowed/f'; touch -h '$TMP/allowed/to-secret'; touch '$TMP/secret/f'"
assert_eq "utimensat: an allowed file's times set, through a descriptor and by name" \
        "2001-02-03" "$(date -r "$TMP/allowed/f" +%F)"
assert_eq "utimensat: touch -h on a symlink to secret/ leaves the secret alone, and so does touch" \
        "2000-01-01" "$(date -r "$TMP/secret/f" +%F)"

# Opens the supervisor performs for the caller (supervisor/act/) that are
# not plain files. A FIFO's open waits for its other end: both ends are
# this target's calls, so a supervisor waiting in one would never see the
# other. Hard limit 20 s: a deadlock is a failure, not a hang of the suite.
mkfifo "$TMP/allowed/fifo"
HANG_LIMIT=20 run_sup run --policy "$P" -- sh -c \
        "cat '$TMP/allowed/fifo' & echo through-the-fifo >'$TMP/allowed/fifo'; wait"
expect "a FIFO opened by a reader and a writer of one target, both allowed" 0 "through-the-fifo"
# /dev/tty is the opener's own terminal: opened by the supervisor it would
# be the supervisor's. With no terminal (run's stdin is /dev/null here,
# and setsid drops the controlling one) the caller's answer is ENXIO.
run_sup run --policy "$P" -- setsid "$TRY" open /dev/tty
expect "/dev/tty for a command with no controlling terminal: ENXIO, not ours" 0 "open: ENXIO"

# The decision follows the target into programs it executes.
run_try "$P" exec "$TRY" open "$TMP/denied/f"
expect "a program the target executes is under the same rules" 0 "open: ENOTTY"

finish
