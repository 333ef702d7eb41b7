#!/bin/bash
# shellcheck disable=SC2016 # "$..." in single quotes is for the shell under test
# SPDX-License-Identifier: MIT
# trace in CI: --fail-on-unknown and its exit status, the command's own
# failure taking precedence, GitHub annotations with the step summary,
# JUnit XML and the JSON report.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/trace_lib.sh"

require_cmd python3
require_file "$DOCKER_PROFILE"

# keyctl(2) (250) and uselib(2) (134) are outside Docker's default profile;
# the helper's "syscall" verb makes them and prints their errno.
NEW_CALLS=(syscall 250 0 0 0 0 0 -- syscall 134 0 0 0 0 0)

run_sup trace --policy "$DOCKER_PROFILE" --fail-on-unknown -- "$TRY" "${NEW_CALLS[@]}"
assert_exit "syscalls outside the base with --fail-on-unknown: exit status 119" 119
assert_contains "the run was let through: keyctl reached the kernel" "syscall: EINVAL" "$OUT"
assert_contains "and uselib too (which this kernel lacks)" "syscall: ENOSYS" "$OUT"
assert_contains "the summary says why" \
        "2 syscalls not in the base profile: exit status 119 (--fail-on-unknown)" "$ERR"
assert_contains "the table marks them" "+          1  keyctl" "$ERR"

run_sup trace --policy "$DOCKER_PROFILE" -- "$TRY" "${NEW_CALLS[@]}"
assert_exit "the same without --fail-on-unknown: exit status 0" 0

run_sup trace --policy "$DOCKER_PROFILE" --fail-on-unknown -- "$TRY" syscall getpid
assert_exit "nothing outside the base: exit status 0" 0

run_sup trace --policy "$DOCKER_PROFILE" --fail-on-unknown -- "$TRY" "${NEW_CALLS[@]}" -- exit 3
assert_exit "the command's own failure wins over 119" 3
assert_contains "and the summary says both" "but the command failed: its status 3" "$ERR"

run_sup trace --policy "$DOCKER_PROFILE" --fail-on-unknown -- /bin/sh -c 'kill -TERM $$'
assert_exit "a command killed by SIGTERM: 128+15" 143

run_sup trace --fail-on-unknown -- /bin/true
assert_exit "without a base every syscall is outside it: 119" 119

# GitHub: annotations on stdout, the full list in the step summary.
GITHUB_STEP_SUMMARY=$TMP/summary.md run_sup trace --policy "$DOCKER_PROFILE" --format github \
        --fail-on-unknown -- "$TRY" "${NEW_CALLS[@]}"
assert_exit "--format github keeps the exit status" 119
assert_eq "one ::error annotation per new syscall" "2" "$(grep -c '^::error title=' "$TMP/out")"
assert_contains "naming the syscall and who made it first" \
        "::keyctl: 1 call, first called by pid" "$OUT"
assert_contains "the step summary has a table" "| keyctl | 1 |" "$(cat "$TMP/summary.md")"
assert_contains "with every new syscall" "| uselib | 1 |" "$(cat "$TMP/summary.md")"

run_sup trace --policy "$DOCKER_PROFILE" --format github -- "$TRY" "${NEW_CALLS[@]}"
assert_eq "without the gate they are warnings" "2" "$(grep -c '^::warning title=' "$TMP/out")"

GITHUB_STEP_SUMMARY=$TMP/all.md run_sup trace --format github -- /bin/true
annotations=$(grep -c '^::warning title=' "$TMP/out")
assert_eq "annotations are capped at 10" "10" "$annotations"
assert_contains "and the rest counted" "more syscalls not in the profile (all of them are in the job summary)" "$OUT"
rows=$(grep -c '^| [a-z_0-9]* | [0-9]* | ' "$TMP/all.md")
if [ "$rows" -gt 10 ]; then
        pass "the summary lists all $rows"
else
        fail "the summary lists all" "$(cat "$TMP/all.md")"
fi

# JUnit: one test case per new syscall and one for the command.
run_sup trace --policy "$DOCKER_PROFILE" --format junit --junit "$TMP/junit.xml" \
        --report "$TMP/report.json" --fail-on-unknown -- "$TRY" "${NEW_CALLS[@]}"
assert_exit "--format junit keeps the exit status" 119
assert_eq "the JUnit file parses and has the cases" "3 cases, 2 failures: keyctl uselib" \
        "$(python3 -c '
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = root.findall(".//testcase")
failed = [c.get("name") for c in cases if c.find("failure") is not None]
print("%d cases, %d failures: %s" % (len(cases), len(failed), " ".join(failed)))
' "$TMP/junit.xml")"
run_sup trace --policy "$DOCKER_PROFILE" --format junit --report "$TMP/report.xml" \
        -- "$TRY" "${NEW_CALLS[@]}"
assert_contains "without --junit the report file gets the XML" "<testsuites" \
        "$(cat "$TMP/report.xml")"

# The JSON report, with the schema docs/TRACE.md documents.
assert_eq "the JSON report follows its schema" "ok" "$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["schemaVersion"] == 1
assert r["base"].endswith("default.json")
assert r["status"] == 119 and r["exitStatus"] == 0 and r["failOnUnknown"] is True
assert r["newSyscalls"] == ["keyctl", "uselib"], r["newSyscalls"]
assert r["totals"]["newSyscalls"] == 2 and r["totals"]["newCalls"] == 2
for s in r["syscalls"]:
    assert set(s) >= {"name", "nr", "new", "count", "first", "last"}, s
    assert set(s["first"]) == {"pid", "exe", "cmdline"}
    assert s["new"] == (s["name"] in r["newSyscalls"])
print("ok")
' "$TMP/report.json")"

run_sup trace -q --format json --report - -- /bin/true
assert_eq "--format json --report - prints the report on stdout" "1" \
        "$(printf '%s' "$OUT" | python3 -c 'import json, sys; print(json.load(sys.stdin)["schemaVersion"])')"
assert_eq "-q prints no table" "" "$ERR"

# Errors of our own.
run_sup trace --format yaml -- /bin/true
assert_exit "an unknown format: 125" 125
run_sup trace -- /nonexistent/command
assert_exit "a command that does not exist: 127" 127
echo '{"defaultAction": "SCMP_ACT_NOPE"}' >"$TMP/bad.json"
run_sup trace --policy "$TMP/bad.json" -- /bin/true
assert_exit "a base profile that does not load: 125" 125
assert_contains "and the command was not started" "the command was not started" "$ERR"
run_sup trace --report /nonexistent/dir/report.json -- /bin/true
assert_exit "a report that cannot be written: 125" 125

finish
