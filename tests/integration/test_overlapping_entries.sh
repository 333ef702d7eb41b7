#!/bin/bash
# SPDX-License-Identifier: MIT
# DEPLOYMENT.md's advice, followed to the letter: the built-in default with
# open, openat and openat2 moved into its SCMP_ACT_NOTIFY entry and a deny
# rule on a secret. @file-system in the earlier allow entry already decides
# those calls, and the kernel filter keeps the first action: before
# profile_index.c refused such overlaps, check said "policy OK" and cat
# printed the secret. Now check and run refuse the profile with the place
# and the fix, and the profile mended as the message says denies the read.
. "$(dirname "$0")/lib.sh"

require_cmd python3 cat
mkdir "$TMP/secret"
echo "the-secret-key" >"$TMP/secret/key"

# deployment_profile OUT NOTIFY_FIRST: the built-in default, edited as
# DEPLOYMENT.md says; with NOTIFY_FIRST=1 the notify entry moved first.
deployment_profile()
{
        python3 - "$SOURCE_DIR/examples/default.json" "$1" "$2" "$TMP/secret/**" <<'PY'
import json, sys
src, out, first, secret = sys.argv[1:]
p = json.load(open(src))
entries = p["syscalls"]
notify = next(e for e in entries if e["action"] == "SCMP_ACT_NOTIFY" and "args" not in e)
notify["names"] += ["open", "openat", "openat2"]
if first == "1":
    entries.remove(notify)
    entries.insert(0, notify)
# Nobody answers prompts here: what is not denied is allowed.
p["supervisor"]["defaultAction"] = "allow"
p["supervisor"].pop("defaultErrno", None)
p["supervisor"]["rules"].insert(0, {"syscalls": ["open", "openat", "openat2"],
                                    "path": secret, "action": "deny", "errno": "EACCES"})
json.dump(p, open(out, "w"), indent=1)
PY
}

deployment_profile "$TMP/advised.json" 0
run_sup check --policy "$TMP/advised.json"
assert_exit "check refuses the overlapping profile" 1
assert_contains "check names the place" "advised.json:" "$ERR"
assert_contains "check names both entries and the group" \
        "open, openat and openat2 are already decided by syscalls[0] (SCMP_ACT_ALLOW through @file-system, no conditions)" "$ERR"
assert_contains "check gives the fix" \
        "Remove open, openat and openat2 from syscalls[0] (list the group's other calls instead of it), or move this entry before it" "$ERR"
assert_not_contains "check does not say OK" "policy OK" "$OUT"

run_sup run --policy "$TMP/advised.json" -- cat "$TMP/secret/key"
assert_exit "run refuses it too" 125
assert_not_contains "and cat never printed the secret" "the-secret-key" "$OUT"
assert_contains "run says why" "are already decided by syscalls[0]" "$ERR"

deployment_profile "$TMP/mended.json" 1
run_sup check --policy "$TMP/mended.json"
assert_exit "the notify entry moved first: check accepts it" 0
run_sup run --policy "$TMP/mended.json" -- cat "$TMP/secret/key"
assert_not_contains "the deny rule now keeps the secret" "the-secret-key" "$OUT"
assert_contains "cat is refused the open" "Permission denied" "$ERR"
run_sup run --policy "$TMP/mended.json" -- cat /etc/hostname
assert_exit "other files still open" 0

# A rule naming a call the kernel filter never notifies never applies to
# it: a prominent warning, and --strict refuses the profile.
python3 - "$TMP/mended.json" "$TMP/dead-rule.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p["supervisor"]["rules"][0]["syscalls"].append("mkdir")
json.dump(p, open(sys.argv[2], "w"), indent=1)
PY
run_sup check --policy "$TMP/dead-rule.json"
assert_exit "check without --strict accepts a rule on a call never notified" 0
assert_contains "check warns of the rule, naming the call" \
        "supervisor.rules[0].syscalls: this rule never applies to mkdir: the kernel filter never hands it to the supervisor" "$ERR"
assert_contains "the summary marks the call the rule never sees" \
        "NEVER APPLIES to: mkdir (the kernel filter never notifies them)" "$OUT"
assert_contains "and repeats it after the summary" \
        "WARNING: 1 supervisor rule names calls that the kernel filter never notifies" "$ERR"
run_sup check --strict --policy "$TMP/dead-rule.json"
assert_exit "check --strict refuses it" 1
run_sup run --strict --policy "$TMP/dead-rule.json" -- cat /etc/hostname
assert_exit "run --strict refuses it" 125
assert_contains "run --strict says why" "1 supervisor rule names calls that the kernel filter never notifies" "$ERR"
run_sup run --policy "$TMP/dead-rule.json" -- cat /etc/hostname
assert_exit "run without --strict runs the command" 0
assert_contains "with the warning in capitals" "scmp-super: WARNING: 1 supervisor rule" "$ERR"

finish
