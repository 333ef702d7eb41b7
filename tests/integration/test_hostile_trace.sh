#!/bin/bash
# SPDX-License-Identifier: MIT
# trace writes what a target did into a profile, a JSON report, JUnit XML
# and GitHub workflow commands, and the target chooses its paths and its
# command line. A target that opens a path built to break out of a JSON
# string (to add "defaultAction": "SCMP_ACT_ALLOW" to the profile), with a
# newline (to start a workflow command of its own) and a terminal escape,
# gets none of it through: every file stays valid, the profile's default
# stays the base's, and no output carries a control character.
. "$(dirname "$0")/lib.sh"

require_cmd python3
EVIL=$TMP/$'x"]}],"defaultAction":"SCMP_ACT_ALLOW","z":["\n::error::injected\x1b[31mred'

run_sup trace --paths -q -o "$TMP/profile.json" -r "$TMP/report.json" --junit "$TMP/junit.xml" \
        -f github -- "$TRY" open "$EVIL"
assert_exit "the traced command ran" 0
assert_contains "the target's open was made (and failed in the kernel)" "open: ENOENT" "$OUT"

check()
{
        if python3 -c "$2" "$TMP" 2>"$TMP/py.err"; then
                pass "$1"
        else
                fail "$1" "$(cat "$TMP/py.err")"
        fi
}
check "the profile is valid JSON and keeps the base's default" '
import json, sys
p = json.load(open(sys.argv[1] + "/profile.json"))
assert p["defaultAction"] == "SCMP_ACT_ERRNO", p["defaultAction"]
assert "z" not in p, "the target added a key"
'
check "the report is valid JSON, and holds the path as a plain string" '
import json, sys
text = json.dumps(json.load(open(sys.argv[1] + "/report.json")))
assert "SCMP_ACT_ALLOW" in text and "injected" in text, "the path is not in the report"
'
check "the JUnit file is valid XML" '
import sys, xml.dom.minidom
xml.dom.minidom.parse(sys.argv[1] + "/junit.xml")'
check "no output carries a control character the target chose" '
import sys
for name in ["profile.json", "report.json", "junit.xml", "out"]:
    data = open(sys.argv[1] + "/" + name, "rb").read()
    assert b"\x1b" not in data, name + " has an escape character"
'
assert_not_contains "no workflow command of the target's own" $'\n::error::injected' "$OUT"

finish
