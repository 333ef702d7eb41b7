#!/bin/bash
# SPDX-License-Identifier: MIT
# trace's CI reports never mix with the command's standard output: GitHub
# workflow commands each start a line of their own, however the command's
# output ended and wherever standard output goes (a file, a file appended
# to, a pipe); a JSON or JUnit report with no file to go to is refused
# before the command starts, and goes to standard output only when asked
# for by "-".
. "$(dirname "$0")/lib.sh"

require_cmd python3

# every_annotation_starts_a_line NAME FILE: each "::warning", "::error" or
# "::notice" in FILE is at the start of its line, and there is at least one.
every_annotation_starts_a_line()
{
        local all at_start
        all=$(grep -c -E '::(warning|error|notice)' "$2")
        at_start=$(grep -c -E '^::(warning|error|notice)' "$2")
        if [ "$all" -gt 0 ] && [ "$all" = "$at_start" ]; then
                pass "$1"
        else
                fail "$1" "$all annotations, $at_start at the start of a line: $(cat -A "$2")"
        fi
}

run_sup trace --format github -- sh -c 'printf no-newline'
assert_exit "--format github: the command's status" 0
every_annotation_starts_a_line "after output with no newline, into a file: annotations on lines of their own" \
        "$TMP/out"
assert_eq "and the command's output keeps its line" "no-newline" "$(head -n 1 "$TMP/out")"

run_sup trace --format github -- sh -c 'echo one line'
assert_eq "after output ending in a newline, into a file, no empty line is added" \
        "one line|::" "$(sed -n 1p "$TMP/out")|$(sed -n 2p "$TMP/out" | cut -c 1-2)"

"$SCMP_SUPER" trace -q --format github -- sh -c 'printf no-newline' </dev/null 2>"$TMP/err" |
        cat >"$TMP/piped"
every_annotation_starts_a_line "into a pipe: annotations on lines of their own" "$TMP/piped"
assert_eq "and the command's output keeps its line" "no-newline" "$(head -n 1 "$TMP/piped")"

printf 'earlier' >"$TMP/appended"
"$SCMP_SUPER" trace -q --format github -- /bin/true </dev/null 2>"$TMP/err" >>"$TMP/appended"
every_annotation_starts_a_line "appended to a file whose last line has no newline" "$TMP/appended"
assert_eq "which keeps its line" "earlier" "$(head -n 1 "$TMP/appended")"

# JSON and JUnit reports are whole documents: mixed with the command's
# output they parse no more.
run_sup trace --format json -- sh -c 'echo from the command'
assert_exit "--format json with no --report: refused (125)" 125
assert_contains "saying why and what to give" \
        "--format json would write the JSON report to standard output, which the command writes to as well" \
        "$ERR"
assert_contains "and how" "give --report FILE, or --report - if the command's own output goes elsewhere" \
        "$ERR"
assert_eq "before the command started" "" "$OUT"

run_sup trace --format junit -- sh -c 'echo from the command'
assert_exit "--format junit with no --junit or --report: refused (125)" 125
assert_contains "saying what to give" "give --junit FILE, or --junit -" "$ERR"

"$SCMP_SUPER" trace -q --format json --report "$TMP/report.json" -- sh -c 'echo from the command' \
        </dev/null 2>"$TMP/err" | cat >"$TMP/piped"
assert_eq "with --report FILE, standard output is the command's alone" "from the command" \
        "$(cat "$TMP/piped")"
assert_eq "and the report parses" "1" \
        "$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["schemaVersion"])' \
                "$TMP/report.json")"

"$SCMP_SUPER" trace -q --format json --report - -- sh -c 'echo from the command >/dev/null' \
        </dev/null 2>"$TMP/err" | cat >"$TMP/piped"
assert_eq "--report - puts the report on standard output, for a pipe to a JSON reader" "1" \
        "$(python3 -c 'import json, sys; print(json.load(sys.stdin)["schemaVersion"])' <"$TMP/piped")"

finish
