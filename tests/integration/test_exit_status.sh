#!/bin/bash
# SPDX-License-Identifier: MIT
# scmp-super run exits with the command's status, 128+N when signal N
# killed it, 127 when the command is not found, 126 when it cannot be
# executed, and 125 when scmp-super itself fails, in which case the command
# never starts.
. "$(dirname "$0")/lib.sh"

P=$(profile allow_all)

run_try "$P" exit 0
expect "exit 0 is passed on" 0 ""

run_try "$P" exit 3
expect "exit 3 is passed on" 3 ""

run_try "$P" exit 255
expect "exit 255 is passed on" 255 ""

run_try "$P" mkdir "$TMP/made" -- exit 42
expect "a supervised call, then exit 42" 42 "mkdir: OK"

run_try "$P" kill-self TERM
expect "killed by SIGTERM: 143" 143 ""

run_try "$P" kill-self KILL
expect "killed by SIGKILL: 137" 137 ""

run_try "$P" kill-self SEGV
expect "killed by SIGSEGV: 139" 139 ""

run_sup run --policy "$P" -- "$TMP/no-such-command"
assert_exit "a path that does not exist: 127" 127
assert_contains "a path that does not exist: says so" "not found" "$ERR"

run_sup run --policy "$P" -- no-such-command-anywhere-x7q
assert_exit "a name not on PATH: 127" 127
assert_contains "a name not on PATH: says so" "command not found" "$ERR"

printf '#!/bin/sh\necho ran\n' >"$TMP/not-executable"
chmod 644 "$TMP/not-executable"
run_sup run --policy "$P" -- "$TMP/not-executable"
assert_exit "a file without the x bit: 126" 126
assert_eq "a file without the x bit: nothing ran" "" "$OUT"

mkdir "$TMP/a-directory"
run_sup run --policy "$P" -- "$TMP/a-directory"
assert_exit "a directory: 126" 126

# A file with the x bit that the kernel cannot execute: the launcher's
# execve fails with ENOEXEC after the supervisor allowed it. Where the
# filter lets write and sendmsg run, the launcher says so itself; where it
# refuses them, its unfiltered helper thread says so (and sent the fd).
printf '\177ELF garbage' >"$TMP/bad-elf"
chmod 755 "$TMP/bad-elf"
run_sup run --policy "$P" -- "$TMP/bad-elf"
assert_exit "an executable file in no known format: 126" 126
assert_contains "an executable file in no known format: says why" \
        "$TMP/bad-elf: cannot execute: Exec format error" "$ERR"
cat >"$TMP/no-write.json" <<'EOF'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["write", "sendmsg"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
EOF
run_sup run --policy "$TMP/no-write.json" -- "$TMP/bad-elf"
assert_exit "the same under a profile refusing write and sendmsg: 126" 126
assert_contains "and the helper thread says why" \
        "$TMP/bad-elf: cannot execute: Exec format error" "$ERR"
run_sup run --policy "$TMP/no-write.json" -- sh -c 'exit 7'
assert_exit "that profile still starts a command (the helper sent the listener)" 7

# A text file with the x bit and no #! line: env(1) would hand it to
# /bin/sh; we say why it cannot run, before starting anything.
printf 'echo ran\n' >"$TMP/no-shebang"
chmod 755 "$TMP/no-shebang"
run_sup run --policy "$P" -- "$TMP/no-shebang"
assert_exit "a script without #!: 126" 126
assert_eq "a script without #!: nothing ran" "" "$OUT"
assert_contains "a script without #!: says why, and what to do" \
        "$TMP/no-shebang: cannot execute: neither an ELF binary nor a script starting with #! (run it through its interpreter, e.g. scmp-super run -- sh $TMP/no-shebang)" \
        "$ERR"

# A script whose #! names a missing interpreter: 127, as env(1) says, and
# the interpreter is named.
printf '#!%s/no-such-interpreter\necho ran\n' "$TMP" >"$TMP/bad-interpreter"
chmod 755 "$TMP/bad-interpreter"
run_sup run --policy "$P" -- "$TMP/bad-interpreter"
assert_exit "a missing #! interpreter: 127" 127
assert_contains "a missing #! interpreter: named" \
        "$TMP/bad-interpreter: its interpreter $TMP/no-such-interpreter: No such file or directory" \
        "$ERR"

# The command exits and leaves a busy child behind: run ends with the
# command, and the child runs on (under its filter). The child spins until
# the test lets it go, so run returning at all shows it did not wait.
# shellcheck disable=SC2016 # expanded by the inner sh
run_sup run --policy "$P" -- /bin/sh -c \
        '(while [ ! -e "$1/let-go" ]; do :; done; echo done >"$1/child-done") & exit 3' sh "$TMP"
assert_exit "the command exits, its busy child does not: run ends with the command" 3
assert_eq "the child was still running when run ended" absent "$(exists "$TMP/child-done")"
touch "$TMP/let-go"
for _ in $(seq 200); do
        [ -e "$TMP/child-done" ] && break
        sleep 0.05
done
assert_eq "and finished once let go" exists "$(exists "$TMP/child-done")"

# The status of a shell command line, through sh.
run_sup run --policy "$P" -- /bin/sh -c 'exit 7'
assert_exit "sh -c 'exit 7': 7" 7

# 125 and the command never ran. The target would create a marker file;
# its absence proves the command was not started.
MARKER=$TMP/marker
marker_state()
{
        if [ -e "$MARKER" ]; then echo "marker created"; else echo "no marker"; fi
}
check_refused()
{
        local name=$1
        shift
        rm -f "$MARKER"
        run_sup run "$@" -- "$TRY" open "$MARKER" wronly,creat
        assert_exit "$name: 125" 125
        assert_eq "$name: the command never ran" "no marker" "$(marker_state)"
        assert_eq "$name: nothing on stdout" "" "$OUT"
}

# The marker check means something only if the target does create it.
run_sup run --policy "$P" -- "$TRY" open "$MARKER" wronly,creat
expect "the marker command, with a good profile" 0 "open: OK"
assert_eq "the marker command creates the marker" "marker created" "$(marker_state)"

echo '{ "defaultAction": "SCMP_ACT_ALLOW", ' >"$TMP/truncated.json"
check_refused "a profile that is not valid JSON" --policy "$TMP/truncated.json"
assert_contains "a profile that is not valid JSON: the error names the file" \
        "truncated.json:" "$ERR"

# More broken profiles, each with its message, are in test_broken_profile.sh.
# The kernel allows one listener per filter chain, so a second scmp-super
# inside the first cannot load its filter: the launcher's failure is 125
# too, before the command runs.
rm -f "$MARKER"
run_sup run --policy "$P" -- "$SCMP_SUPER" run --policy "$P" -- "$TRY" open "$MARKER" wronly,creat
assert_exit "scmp-super under scmp-super: 125" 125
assert_eq "scmp-super under scmp-super: the command never ran" "no marker" "$(marker_state)"
assert_contains "scmp-super under scmp-super: the launcher says what failed" "seccomp filter" "$ERR"

check_refused "a profile file that does not exist" --policy "$TMP/missing.json"
check_refused "an unknown option" --policy "$P" --no-such-option
check_refused "an empty profile file" --policy /dev/null

run_sup run --policy "$P"
assert_exit "no command at all: 125" 125

run_sup run --help
assert_exit "--help: 0" 0
assert_contains "--help: describes the exit statuses" "125" "$OUT"

finish
