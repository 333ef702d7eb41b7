# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# Sourced by the test_trace_*.sh scripts, after lib.sh: helpers for reading
# trace reports and for the closed loop (trace a command, then run it under
# the profile the trace wrote).

# The interpreter itself: python3 on PATH may be a wrapper script (pyenv)
# that execs it, which is a fine workload but a slow one to repeat.
# shellcheck disable=SC2034 # for the scripts that source this
PY=$(python3 -c 'import sys; print(sys.executable)')

# json_query FILE EXPR: prints the Python expression EXPR evaluated with the
# JSON document of FILE as r (lists, dicts and booleans as JSON).
json_query()
{
        python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
v = eval(sys.argv[2])
print(json.dumps(v) if isinstance(v, (list, dict, bool)) or v is None else v)
' "$1" "$2"
}

# report_count REPORT NAME: how many calls to syscall NAME the JSON report
# counts (0 when it was not seen).
report_count()
{
        json_query "$1" "sum(s['count'] for s in r['syscalls'] if s['name'] == '$2')"
}

# profile_names PROFILE: every syscall name the profile's entries list,
# sorted, one per line.
profile_names()
{
        python3 -c '
import json, sys
p = json.load(open(sys.argv[1]))
names = set()
for e in p.get("syscalls") or []:
    names.update(e.get("names", []))
print("\n".join(sorted(names)))
' "$1"
}

# closed_loop NAME COMMAND...: traces COMMAND with no base profile into
# $TMP/NAME.json (report $TMP/NAME.report.json), then runs COMMAND under
# that profile, which refuses everything it does not list. Both runs must
# succeed and print the same.
closed_loop()
{
        local name=$1
        shift
        run_sup trace -q -o "$TMP/$name.json" -r "$TMP/$name.report.json" -- "$@"
        assert_exit "$name: the traced run succeeds" 0
        local traced=$OUT
        if [ ! -s "$TMP/$name.json" ]; then
                fail "$name: the trace wrote a profile" "$(last_run_details)"
                return
        fi
        assert_eq "$name: the profile refuses what it does not list" "SCMP_ACT_ERRNO" \
                "$(json_query "$TMP/$name.json" "r['defaultAction']")"
        run_sup run --policy "$TMP/$name.json" -- "$@"
        assert_exit "$name: the same command runs under the recorded profile" 0
        assert_eq "$name: and prints the same" "$traced" "$OUT"
}
