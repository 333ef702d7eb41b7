#!/bin/bash
# shellcheck disable=SC2016 # "$..." in single quotes is for the shell under test
# SPDX-License-Identifier: MIT
# The loop closes: a profile that scmp-super trace recorded from a run lets
# an enforcing scmp-super run (default: refuse with ENOSYS) of the same
# command succeed. Real programs: a shell script, python3 importing much of
# its standard library, gcc compiling and linking, git making a commit.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/trace_lib.sh"

require_cmd python3 gcc git

# A shell script: pipes, subshells, command substitution, redirections,
# temporary files, external commands.
cat >"$TMP/script.sh" <<'EOF'
#!/bin/sh
set -e
d=$(mktemp -d)
printf 'b\na\nc\n' >"$d/in"
sort "$d/in" | tr a-z A-Z >"$d/out"
wc -l <"$d/out"
echo "first: $(head -n1 "$d/out")"
(cd "$d" && echo "in the subshell: $(ls | wc -l) files")
for i in 1 2 3; do echo "$i" >>"$d/n"; done
tail -n1 "$d/n"
rm -r "$d"
echo done
EOF
chmod +x "$TMP/script.sh"
closed_loop "shell script" "$TMP/script.sh"
assert_eq "the script printed what it does" "3
first: A
in the subshell: 2 files
3
done" "$OUT"

# python3 importing much of the standard library, with a thread, a child
# process, sqlite, ssl and asyncio.
closed_loop "python3" "$PY" -c '
import json, ssl, sqlite3, hashlib, decimal, asyncio, threading, subprocess, zlib
import email.mime.text, xml.etree.ElementTree, urllib.parse, locale, tempfile
db = sqlite3.connect(":memory:")
db.execute("create table t(x)")
db.execute("insert into t values (42)")
ctx = ssl.create_default_context()
t = threading.Thread(target=lambda: None)
t.start()
t.join()
child = subprocess.run(["/bin/echo", "child"], capture_output=True, text=True)
with tempfile.TemporaryDirectory() as d:
    open(d + "/f", "w").write("x")
asyncio.run(asyncio.sleep(0))
print(json.dumps({"x": db.execute("select x from t").fetchone()[0],
                  "sha": hashlib.sha256(b"a").hexdigest()[:8],
                  "child": child.stdout.strip(),
                  "z": len(zlib.compress(b"a" * 1000)),
                  "d": str(decimal.Decimal(1) / 8)}))'
assert_eq "python3 printed its results" \
        '{"x": 42, "sha": "ca978112", "child": "child", "z": 17, "d": "0.125"}' "$OUT"

# gcc: the driver, cc1, as, collect2 and ld, then the program it built.
mkdir "$TMP/gcc"
cat >"$TMP/gcc/hello.c" <<'EOF'
#include <math.h>
#include <stdio.h>
int main(void)
{
        printf("hello %d\n", (int)sqrt(1764.0));
        return 0;
}
EOF
closed_loop "gcc" sh -c 'gcc -O2 -Wall -o "$1/hello" "$1/hello.c" -lm && "$1/hello"' sh "$TMP/gcc"
assert_eq "gcc built a program that runs" "hello 42" "$OUT"

# git: a new repository, a file added and committed, the log read back.
closed_loop "git" sh -c 'rm -rf "$1" && mkdir "$1" && cd "$1" && git init -q &&
        echo content >file && git add file &&
        git -c user.name=tester -c user.email=tester@example.com commit -q -m first &&
        git --no-pager log --format=%s' sh "$TMP/repo"
assert_eq "git committed" "first" "$OUT"

# The launcher's own exec is in the profile, so a runtime that execs after
# loading the filter (runc, crun) can use it too.
assert_contains "the recorded profile allows execve" "execve" "$(profile_names "$TMP/gcc.json")"
if [ "$(report_count "$TMP/python3.report.json" execve)" -ge 1 ]; then
        pass "the report counts the launcher's exec"
else
        fail "the report counts the launcher's exec" "$(cat "$TMP/python3.report.json")"
fi

# Our own run needs no execve for a command that does not exec again: the
# launcher's exec is allowed by the supervisor whatever the profile says.
run_sup trace -q -o "$TMP/true.json" -- /bin/true
assert_exit "tracing /bin/true" 0
json_edit "$TMP/true.json" '
for e in p["syscalls"]:
    e["names"] = [n for n in e["names"] if n != "execve"]' >"$TMP/true-noexec.json"
run_sup run --policy "$TMP/true-noexec.json" -- /bin/true
expect "a recorded profile without execve still runs /bin/true under scmp-super run" 0 ""
run_sup trace -q -o "$TMP/sh.json" -- /bin/sh -c '/bin/true; echo "status $?"'
expect "tracing a shell that runs /bin/true" 0 "status 0"
json_edit "$TMP/sh.json" '
for e in p["syscalls"]:
    e["names"] = [n for n in e["names"] if n != "execve"]' >"$TMP/sh-noexec.json"
run_sup run --policy "$TMP/sh-noexec.json" -- /bin/sh -c '/bin/true; echo "status $?"'
assert_exit "but a command that execs again needs it: without execve the shell runs" 0
if [ "$OUT" != "status 0" ] && [ -n "$OUT" ]; then
        pass "and its exec of /bin/true is refused ($OUT)"
else
        fail "and its exec of /bin/true is refused" "$(last_run_details)"
fi

# The enforcing run really enforces: the script's profile without write
# cannot print.
json_edit "$TMP/shell script.json" '
for e in p["syscalls"]:
    e["names"] = [n for n in e["names"] if n != "write"]' >"$TMP/no-write.json"
run_sup run --policy "$TMP/no-write.json" -- "$TMP/script.sh"
assert_eq "without write the script prints nothing" "" "$OUT"
if [ "$STATUS" -ne 0 ]; then
        pass "and fails ($STATUS)"
else
        fail "and fails" "$(last_run_details)"
fi

# Recording is deterministic: the same command traced twice gives the same
# profile, byte for byte.
run_sup trace -q -o "$TMP/again.json" -- /bin/true
if cmp -s "$TMP/true.json" "$TMP/again.json"; then
        pass "two traces of /bin/true write identical profiles"
else
        fail "two traces of /bin/true write identical profiles" \
                "$(diff "$TMP/true.json" "$TMP/again.json")"
fi

finish
