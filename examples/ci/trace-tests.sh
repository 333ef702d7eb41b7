#!/bin/sh
# SPDX-License-Identifier: MIT
# examples/ci/trace-tests.sh PROFILE REPORT_DIR -- COMMAND [ARGS...]
#
# Runs a project's tests (COMMAND) under 'scmp-super trace' against the
# project's committed seccomp PROFILE, and fails when the tests make a
# system call the profile does not name. What the CI jobs in this folder
# (github-actions.yml, gitlab-ci.yml) call; run it by hand the same way.
#
# Writes into REPORT_DIR (made if missing), for the job to keep:
#   seccomp-report.json    the JSON report (docs/TRACE.md, "Reports")
#   seccomp-junit.xml      one JUnit test case per syscall the profile lacks
#   seccomp-proposed.json  PROFILE plus what the tests needed: review it with
#                          'scmp-super profile diff', commit it if it is right
# Under GitHub Actions ($GITHUB_ACTIONS=true) the new syscalls are also
# annotations and a table in the job summary.
#
# Exit status: 0 the tests passed within the profile; 119 they passed but
# needed more than it allows; the tests' own status when they failed (that
# comes first); 125 scmp-super or this script could not run.
# $SCMP_SUPER names the binary (default: scmp-super on PATH).
set -u

usage()
{
        echo "usage: trace-tests.sh PROFILE REPORT_DIR -- COMMAND [ARGS...]" >&2
        exit 125
}

[ $# -ge 4 ] || usage
profile=$1
report_dir=$2
[ "$3" = "--" ] || usage
shift 3

scmp_super=${SCMP_SUPER:-scmp-super}
if ! command -v "$scmp_super" >/dev/null 2>&1; then
        echo "trace-tests.sh: $scmp_super not found: install it, or set SCMP_SUPER" >&2
        exit 125
fi
if [ ! -r "$profile" ]; then
        echo "trace-tests.sh: no profile $profile; record one with:" >&2
        echo "    scmp-super trace --output $profile -- $*" >&2
        exit 125
fi
mkdir -p "$report_dir" || exit 125

format=human
if [ "${GITHUB_ACTIONS:-}" = true ]; then
        format=github
fi

"$scmp_super" trace --policy "$profile" --fail-on-unknown --format "$format" \
        --report "$report_dir/seccomp-report.json" --junit "$report_dir/seccomp-junit.xml" \
        --output "$report_dir/seccomp-proposed.json" -- "$@"
status=$?

case $status in
0)
        echo "trace-tests.sh: the tests passed, within $profile" >&2
        ;;
119)
        echo "trace-tests.sh: the tests passed, but made system calls $profile does not name:" >&2
        "$scmp_super" profile diff "$profile" "$report_dir/seccomp-proposed.json" >&2
        echo "trace-tests.sh: if the tests should make them, commit $report_dir/seccomp-proposed.json as $profile" >&2
        ;;
125)
        echo "trace-tests.sh: scmp-super trace could not run the tests" >&2
        ;;
*)
        echo "trace-tests.sh: the tests failed (status $status); $report_dir has what they called" >&2
        ;;
esac
exit "$status"
