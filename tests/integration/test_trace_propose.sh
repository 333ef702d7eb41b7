#!/bin/bash
# SPDX-License-Identifier: MIT
# trace --paths proposes supervisor path rules for review: a directory of
# many recorded files becomes "DIR/**", the rest stay exact, each rule says
# why; --propose-rules FILE writes them into a profile of their own that
# check accepts and under which the same command runs, while other paths
# are refused. --output never gets them.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/trace_lib.sh"

require_cmd python3

mkdir "$TMP/data"
for f in a b c d e f; do
        echo "$f" >"$TMP/data/$f"
done
echo cfg >"$TMP/cfg"
echo other >"$TMP/other"
CALLS=(open "$TMP/data/a" -- open "$TMP/data/b" -- open "$TMP/data/c" -- open "$TMP/data/d"
        -- open "$TMP/data/e" -- open "$TMP/data/f" -- open "$TMP/cfg")
EXPECTED=$(repeat_line 7 "open: OK")

run_sup trace --paths -o "$TMP/plain.json" -r "$TMP/report.json" -- "$TRY" "${CALLS[@]}"
expect "the helper opening seven files, traced with --paths" 0 "$EXPECTED"
assert_eq "the report proposes the directory collapsed, with why" \
        "[[\"openat\"], \"$TMP/data/**\", \"allow\"]" \
        "$(json_query "$TMP/report.json" "[[x['syscalls'], x['path'], x['action']] for x in r['proposedRules']['rules'] if x['path'].startswith('$TMP/data')][0]")"
assert_contains "the rule's comment counts the paths collapsed" "6 recorded paths below this directory" \
        "$(json_query "$TMP/report.json" "[x['comment'] for x in r['proposedRules']['rules'] if x['path'] == '$TMP/data/**'][0]")"
assert_eq "the lone file stays exact" "[\"openat\"]" \
        "$(json_query "$TMP/report.json" "[x['syscalls'] for x in r['proposedRules']['rules'] if x['path'] == '$TMP/cfg'][0]")"
assert_contains "the summary lists the proposal" "allow $TMP/data/**" "$ERR"
assert_contains "with the count" "openat (6 paths collapsed)" "$ERR"
assert_eq "--output never gets the proposed rules" "null" \
        "$(json_query "$TMP/plain.json" "r.get('supervisor')")"

run_sup trace -q --propose-rules "$TMP/proposed.json" -- "$TRY" "${CALLS[@]}"
expect "traced again with --propose-rules" 0 "$EXPECTED"
assert_eq "the proposed profile notifies openat" "true" \
        "$(json_query "$TMP/proposed.json" "any('openat' in e['names'] and e['action'] == 'SCMP_ACT_NOTIFY' for e in r['syscalls'])")"
assert_eq "and no longer allows it whole" "false" \
        "$(json_query "$TMP/proposed.json" "any('openat' in e['names'] and e['action'] == 'SCMP_ACT_ALLOW' for e in r['syscalls'])")"
assert_eq "its supervisor refuses what no rule allows" "deny" \
        "$(json_query "$TMP/proposed.json" "r['supervisor']['defaultAction']")"
run_sup check --policy "$TMP/proposed.json"
assert_exit "check accepts it" 0
run_sup run --policy "$TMP/proposed.json" -- "$TRY" "${CALLS[@]}"
expect "the same command runs under it" 0 "$EXPECTED"
run_sup run --policy "$TMP/proposed.json" -- "$TRY" open "$TMP/other"
expect "a file it did not open is refused" 0 "open: EPERM"
echo g >"$TMP/data/g"
run_sup run --policy "$TMP/proposed.json" -- "$TRY" open "$TMP/data/g"
expect "a new file in the collapsed directory is allowed: why it is for review" 0 "open: OK"

run_sup trace -q --policy "$TMP/plain.json" --propose-rules "$TMP/p2.json" -- "$TRY" open "$TMP/cfg"
assert_exit "--propose-rules with a base is refused" 125
assert_contains "saying why" "--propose-rules writes a profile of its own, without --policy" "$ERR"

finish
