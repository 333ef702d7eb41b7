#!/bin/bash
# SPDX-License-Identifier: MIT
# Docker's and Podman's default seccomp profiles, loaded unchanged, run
# ordinary programs: a shell, Python, gcc building and running a C program,
# git making a commit. Then single calls whose verdict each profile fixes:
# errnos that only the profile can produce.
. "$(dirname "$0")/lib.sh"

require_cmd python3 gcc git
require_file "$DOCKER_PROFILE"
require_file "$PODMAN_PROFILE"
PYTHON=$(command -v /usr/bin/python3 || command -v python3)

cat >"$TMP/hello.c" <<'C'
#include <stdio.h>
#include <unistd.h>
int main(void)
{
        printf("hello from pid %s\n", getpid() > 0 ? "ok" : "?");
        return 3;
}
C

# Git writes into HOME and wants a name; keep both inside TMP.
export HOME=$TMP GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=test GIT_AUTHOR_EMAIL=test@example.invalid
export GIT_COMMITTER_NAME=test GIT_COMMITTER_EMAIL=test@example.invalid

run_programs()
{
        local name=$1 p=$2 dir=$TMP/$1

        mkdir "$dir"
        # shellcheck disable=SC2016 # expanded by the shell under test
        run_sup run --policy "$p" -- /bin/sh -c 'echo "$((6 * 7))" | tr 4 x; ls / >/dev/null; exit 2'
        expect "$name: sh -c with a pipe and ls" 2 "x2"

        run_sup run --policy "$p" -- "$PYTHON" -c '
import hashlib, json, os, subprocess, tempfile, threading
t = threading.Thread(target=lambda: None); t.start(); t.join()
with tempfile.TemporaryDirectory() as d:
    open(os.path.join(d, "f"), "w").write("x")
    names = sorted(os.listdir(d))
print(json.dumps(names),
      hashlib.sha256(b"a").hexdigest()[:8],
      subprocess.run(["/bin/echo", "child"], capture_output=True, text=True).stdout.strip())
'
        expect "$name: python3 with threads, tempfiles and a subprocess" 0 '["f"] ca978112 child'

        run_sup run --policy "$p" -- gcc -O1 -o "$dir/hello" "$TMP/hello.c"
        expect "$name: gcc compiles a C file" 0 ""
        run_sup run --policy "$p" -- "$dir/hello"
        expect "$name: the compiled program runs" 3 "hello from pid ok"

        run_sup run --policy "$p" -- /bin/sh -c "
                set -e
                cd '$dir'
                git init -q repo
                cd repo
                echo content >file
                git add file
                git commit -q -m 'first commit'
                git log --format=%s
                git status --porcelain | wc -l"
        expect "$name: git init, add, commit and log" 0 "first commit
0"
}

run_programs docker "$DOCKER_PROFILE"
run_programs podman "$PODMAN_PROFILE"

# The same programs with every file call that a path rule may perform
# notified: each open, mkdir, unlink, rename, chmod of theirs is resolved
# and, allowed, made by the supervisor (supervisor/act/), and a secret
# stays out of reach.
mkdir "$TMP/secret"
echo "the-secret-bytes" >"$TMP/secret/f"
with_path_rules()
{
        "$PYTHON" - "$1" "$2" "$TMP/secret/**" <<'PY'
import json, sys
src, dst, secret = sys.argv[1:]
p = json.load(open(src))
calls = ["open", "openat", "openat2", "creat", "mkdir", "mkdirat", "unlink", "unlinkat",
         "rmdir", "rename", "renameat", "renameat2", "link", "linkat", "symlink",
         "symlinkat", "chmod", "fchmodat", "truncate"]
for e in p["syscalls"]:
    e["names"] = [n for n in e["names"] if n not in calls]
p["syscalls"] = [e for e in p["syscalls"] if e["names"]]
p["syscalls"].insert(0, {"names": calls, "action": "SCMP_ACT_NOTIFY"})
p["supervisor"] = {"defaultAction": "allow", "rules": [
    {"syscalls": calls, "path": secret, "action": "deny", "errno": "EACCES"}]}
json.dump(p, open(dst, "w"))
PY
}
with_path_rules "$DOCKER_PROFILE" "$TMP/docker-paths.json"
with_path_rules "$PODMAN_PROFILE" "$TMP/podman-paths.json"
run_programs docker-paths "$TMP/docker-paths.json"
run_programs podman-paths "$TMP/podman-paths.json"
run_sup run --policy "$TMP/docker-paths.json" -- /bin/sh -c \
        "cat '$TMP/secret/f' || ln -s '$TMP/secret/f' '$TMP/docker-paths/l' && cat '$TMP/docker-paths/l'"
assert_not_contains "docker-paths: the secret is read neither by its name nor through a symlink" \
        "the-secret-bytes" "$OUT"
assert_eq "docker-paths: both reads were refused" 2 "$(grep -c "Permission denied" "$TMP/err")"

# Calls whose verdict the profile fixes. Without a filter, add_key with
# NULL pointers fails with EFAULT and kexec_load (not built into every
# kernel) with ENOSYS, so EPERM from them is the profile's. Docker's default
# is EPERM; Podman's is ENOSYS, with an explicit EPERM for kexec_load.
# personality() is allowed only for a few values, 0xffffffff (query) among
# them.
NR_ADD_KEY=248 NR_KEXEC_LOAD=246 NR_PERSONALITY=135
if [ "$(uname -m)" != x86_64 ]; then
        skip "the syscall numbers below are x86_64's; this is $(uname -m)"
fi
assert_eq "without a filter, add_key(NULL, ...) fails with EFAULT" "syscall: EFAULT" \
        "$("$TRY" syscall $NR_ADD_KEY)"
run_try "$DOCKER_PROFILE" syscall $NR_ADD_KEY -- syscall $NR_KEXEC_LOAD \
        -- syscall $NR_PERSONALITY 0xffffffff -- syscall $NR_PERSONALITY 1 -- syscall 1000 \
        -- syscall getppid
expect "docker: add_key, kexec_load, personality(query), personality(1), nr 1000, getppid" 0 \
        "syscall: EPERM
syscall: EPERM
syscall: OK
syscall: EPERM
syscall: EPERM
syscall: OK"
run_try "$PODMAN_PROFILE" syscall $NR_ADD_KEY -- syscall $NR_KEXEC_LOAD \
        -- syscall $NR_PERSONALITY 0xffffffff -- syscall $NR_PERSONALITY 1 -- syscall 1000 \
        -- syscall getppid
expect "podman: add_key, kexec_load, personality(query), personality(1), nr 1000, getppid" 0 \
        "syscall: ENOSYS
syscall: EPERM
syscall: OK
syscall: ENOSYS
syscall: ENOSYS
syscall: OK"

finish
