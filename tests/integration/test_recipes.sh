#!/bin/bash
# SPDX-License-Identifier: MIT
# The CI recipes of examples/ci: both jobs parse, both call
# examples/ci/trace-tests.sh the same documented way, and that call, run
# here as the jobs write it on examples/ci/sample-project (a Makefile, a
# shell test and a C test), passes within the project's committed profile,
# fails (119) naming the syscall a profile that predates a test lacks, and
# leaves the report, the JUnit file and a proposed profile behind.
. "$(dirname "$0")/lib.sh"

require_cmd python3 make cc
if ! python3 -c 'import yaml' 2>/dev/null; then
        skip "python3's yaml module is missing (python3-yaml; scripts/deps.sh test)"
fi

CI=$SOURCE_DIR/examples/ci
PROJECT=$TMP/project
cp -r "$CI/sample-project" "$PROJECT"
# The jobs check scmp-super out into .scmp-super and install the binary
# on PATH.
ln -s "$SOURCE_DIR" "$PROJECT/.scmp-super"
mkdir "$TMP/bin"
ln -s "$SCMP_SUPER" "$TMP/bin/scmp-super"
if ! make -s -C "$PROJECT" >"$TMP/make.out" 2>&1; then
        fail "the sample project builds" "$(cat "$TMP/make.out")"
        finish
fi

# Each job's trace line, the profile it names, and where its artifacts
# come from, as "KEY VALUE" lines.
python3 - "$CI/github-actions.yml" "$CI/gitlab-ci.yml" >"$TMP/jobs" <<'PY' || fail "the YAML files parse" "$(cat "$TMP/jobs")"
import sys, yaml

gh = yaml.safe_load(open(sys.argv[1]))
gl = yaml.safe_load(open(sys.argv[2]))
# YAML 1.1 reads the key "on" as true; GitHub reads it as "on".
assert gh.get("on", gh.get(True)) == ["push", "pull_request"], gh.keys()
(job,) = gh["jobs"].values()
runs = [s["run"] for s in job["steps"] if "trace-tests.sh" in s.get("run", "")]
assert len(runs) == 1, runs
print("github_line", runs[0].strip())
print("github_profile", job["env"]["SECCOMP_PROFILE"])
uploads = [s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
assert len(uploads) == 1 and uploads[0]["if"] == "always()", uploads
print("github_artifact", uploads[0]["with"]["path"])

job = gl["seccomp-tests"]
lines = [l for l in job["script"] if "trace-tests.sh" in l]
assert len(lines) == 1, job["script"]
print("gitlab_line", lines[0].strip())
print("gitlab_profile", job["variables"]["SECCOMP_PROFILE"])
assert job["artifacts"]["when"] == "always"
print("gitlab_artifact", " ".join(job["artifacts"]["paths"]))
print("gitlab_junit", job["artifacts"]["reports"]["junit"])
PY
job()
{
        sed -n "s/^$1 //p" "$TMP/jobs"
}
GITHUB_LINE=$(job github_line)
GITLAB_LINE=$(job gitlab_line)
pass "both YAML files parse"

# The documented call: PROFILE REPORT_DIR -- COMMAND.
CALL='sh .scmp-super/examples/ci/trace-tests.sh "$SECCOMP_PROFILE" seccomp-report -- make check'
assert_eq "GitHub's job calls trace-tests.sh PROFILE REPORT_DIR -- COMMAND" "$CALL" "$GITHUB_LINE"
assert_eq "GitLab's job makes the same call" "$CALL" "$GITLAB_LINE"
assert_eq "both name the committed profile" "ci/seccomp.json ci/seccomp.json" \
        "$(job github_profile) $(job gitlab_profile)"
assert_eq "GitHub keeps the report directory" "seccomp-report/" "$(job github_artifact)"
assert_eq "GitLab keeps it too" "seccomp-report/" "$(job gitlab_artifact)"
assert_eq "and shows the JUnit file as test results" "seccomp-report/seccomp-junit.xml" \
        "$(job gitlab_junit)"
assert_contains "trace-tests.sh documents the call" \
        "# examples/ci/trace-tests.sh PROFILE REPORT_DIR -- COMMAND [ARGS...]" \
        "$(sed -n 3p "$CI/trace-tests.sh")"

# ci_job PROFILE [VAR=VALUE...]: the jobs' trace line, as written, in the
# project with PROFILE as $SECCOMP_PROFILE. Sets OUT, ERR, STATUS.
ci_job()
{
        local profile=$1
        shift
        LAST_CMD="$GITHUB_LINE (SECCOMP_PROFILE=$profile $*)"
        rm -rf "$PROJECT/seccomp-report"
        (cd "$PROJECT" && exec env PATH="$TMP/bin:$PATH" SECCOMP_PROFILE="$profile" "$@" \
                timeout -k 5 "$HANG_LIMIT" sh -c "$GITHUB_LINE" >"$TMP/out" 2>"$TMP/err" </dev/null)
        STATUS=$?
        OUT=$(cat "$TMP/out")
        ERR=$(cat "$TMP/err")
}

# report_says FIELD...: what the JSON report says, one field a line.
report_says()
{
        python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
for f in sys.argv[2:]:
    print(f, json.dumps(r[f]))
' "$PROJECT/seccomp-report/seccomp-report.json" "$@"
}

ci_job ci/seccomp.json
assert_exit "within the committed profile the job passes" 0
assert_contains "the shell test ran" "t_words: ok" "$OUT"
assert_contains "the C test ran" "t_keyring: ok" "$OUT"
assert_contains "and the script says so" "the tests passed, within ci/seccomp.json" "$ERR"
assert_eq "the report is written, with nothing new" \
        "$(printf '%s\n' 'status 0' 'newSyscalls []')" "$(report_says status newSyscalls)"
assert_eq "the JUnit file is written" "exists" "$(exists "$PROJECT/seccomp-report/seccomp-junit.xml")"

# The profile as it was before t_keyring was written: no keyctl.
json_edit "$PROJECT/ci/seccomp.json" \
        'p["syscalls"] = [e for e in p["syscalls"] if "keyctl" not in e["names"]]' \
        >"$PROJECT/ci/before-keyring.json"
ci_job ci/before-keyring.json
assert_exit "a profile that predates the C test: the job fails with 119" 119
assert_contains "the tests themselves passed" "t_keyring: ok" "$OUT"
assert_contains "the summary names the new syscall" "+          1  keyctl" "$ERR"
assert_contains "the script shows what the proposed profile adds" "+ keyctl: SCMP_ACT_ALLOW" "$ERR"
assert_contains "and what to do" \
        "commit seccomp-report/seccomp-proposed.json as ci/before-keyring.json" "$ERR"
assert_eq "the report names it" "$(printf '%s\n' 'status 119' 'newSyscalls ["keyctl"]')" \
        "$(report_says status newSyscalls)"
assert_eq "the JUnit file fails a case for it" "keyctl" "$(python3 -c '
import sys, xml.etree.ElementTree as ET
cases = ET.parse(sys.argv[1]).getroot().findall(".//testcase")
print(" ".join(c.get("name") for c in cases if c.find("failure") is not None))
' "$PROJECT/seccomp-report/seccomp-junit.xml")"
cp "$PROJECT/seccomp-report/seccomp-proposed.json" "$PROJECT/ci/proposed.json"
ci_job ci/proposed.json
assert_exit "the proposed profile, committed, passes" 0

# On GitHub the new syscalls are annotations and a table in the summary.
: >"$TMP/summary.md"
ci_job ci/before-keyring.json GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY="$TMP/summary.md"
assert_exit "under GitHub Actions: 119 too" 119
assert_contains "an error annotation names keyctl" "::error title=" "$(grep keyctl "$TMP/out")"
assert_contains "and the job summary lists it" "| keyctl | 1 |" "$(cat "$TMP/summary.md")"

# Failing tests come first: their status, whatever the profile says.
make -s -C "$PROJECT" clean
printf 'int main(void) { return 4; }\n' >"$PROJECT/t_keyring.c"
make -s -C "$PROJECT" >/dev/null 2>&1
ci_job ci/before-keyring.json
assert_exit "tests that fail: make's own status (2)" 2
assert_contains "and the script says the tests failed" "the tests failed (status 2)" "$ERR"

# Mistakes in the call.
(cd "$PROJECT" && PATH="$TMP/bin:$PATH" sh "$CI/trace-tests.sh" ci/seccomp.json make check \
        >"$TMP/out" 2>"$TMP/err")
STATUS=$? ERR=$(cat "$TMP/err")
assert_exit "no -- between the report directory and the command: 125" 125
assert_contains "with the usage" "usage: trace-tests.sh PROFILE REPORT_DIR -- COMMAND" "$ERR"
(cd "$PROJECT" && PATH="$TMP/bin:$PATH" sh "$CI/trace-tests.sh" ci/none.json rep -- make check \
        >"$TMP/out" 2>"$TMP/err")
STATUS=$? ERR=$(cat "$TMP/err")
assert_exit "a profile that is not there: 125" 125
assert_contains "with how to record one" "scmp-super trace --output ci/none.json -- make check" "$ERR"

finish
