#!/bin/bash
# SPDX-License-Identifier: MIT
# The profile a trace writes on top of a base, and scmp-super profile merge
# and diff on recordings: the base survives byte for byte, recordings of
# different commands merge into one profile that runs both, diff shows what
# a recording changed, and everything is deterministic.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/trace_lib.sh"

require_cmd python3
require_file "$DOCKER_PROFILE"

# A base in its own style: two-space indentation, a field scmp-super does
# not know, comments, and an entry with a 64-bit mask.
cat >"$TMP/base.json" <<'EOF2'
{
  "comment": "our team's baseline",
  "x-reviewed-by": ["alice", "bob"],
  "defaultAction": "SCMP_ACT_ERRNO",
  "defaultErrnoRet": 1,
  "syscalls": [
    {
      "names": ["read", "write", "close", "exit_group"],
      "action": "SCMP_ACT_ALLOW",
      "comment": "basic io"
    },
    {
      "names": ["personality"],
      "action": "SCMP_ACT_ALLOW",
      "args": [{"index": 0, "value": 18446744073709551615, "op": "SCMP_CMP_EQ"}]
    }
  ]
}
EOF2
run_sup trace -q --policy "$TMP/base.json" -o "$TMP/new.json" -- /bin/echo hello
expect "echo traced on top of a base" 0 "hello"
# Up to the end of the base's last entry, where a comma goes.
last_entry=$(grep -n '^    }$' "$TMP/base.json" | tail -n1 | cut -d: -f1)
if cmp -s <(head -n "$((last_entry - 1))" "$TMP/base.json") \
        <(head -n "$((last_entry - 1))" "$TMP/new.json") &&
        [ "$(sed -n "${last_entry}p" "$TMP/new.json")" = "    }," ]; then
        pass "the new profile begins with the base, byte for byte"
else
        fail "the new profile begins with the base, byte for byte" \
                "$(diff "$TMP/base.json" "$TMP/new.json")"
fi
assert_contains "the added entry is written in the base's style" '    },
    {
      "names": [
        "' "$(cat "$TMP/new.json")"
assert_contains "and says where it came from" \
        '"comment": "added by scmp-super trace for: /bin/echo hello"' "$(cat "$TMP/new.json")"
run_sup run --policy "$TMP/new.json" -- /bin/echo hello
expect "echo runs under base plus recording" 0 "hello"
run_sup run --policy "$TMP/base.json" -- /bin/echo hello
assert_eq "and not under the base alone" "" "$OUT"

run_sup profile diff "$TMP/base.json" "$TMP/new.json"
assert_exit "profile diff base new: differences, exit status 1" 1
assert_eq "it shows only additions" "" "$(grep -v '^+ ' "$TMP/out")"
assert_contains "among them mmap" "+ mmap: SCMP_ACT_ALLOW" "$OUT"
assert_not_contains "but not what the base had" "+ write:" "$OUT"

run_sup profile diff "$TMP/new.json" "$TMP/new.json"
expect "profile diff of a profile with itself" 0 ""
run_sup profile diff "$TMP/new.json" "$TMP/nonexistent.json"
assert_exit "profile diff with a missing file: exit status 2" 2
run_sup profile diff "$TMP/new.json"
assert_exit "profile diff with one file: exit status 2" 2

# Recordings of two commands merge into one that runs both.
run_sup trace -q -o "$TMP/a.json" -- /bin/echo a
run_sup trace -q -o "$TMP/b.json" -- "$PY" -c 'import json; print(json.dumps([1]))'
run_sup profile merge "$TMP/a.json" "$TMP/b.json" -o "$TMP/ab.json"
expect "profile merge a b" 0 ""
run_sup run --policy "$TMP/ab.json" -- /bin/echo a
expect "the merged profile runs the first command" 0 "a"
run_sup run --policy "$TMP/ab.json" -- "$PY" -c 'import json; print(json.dumps([1]))'
expect "and the second" 0 "[1]"
run_sup run --policy "$TMP/a.json" -- "$PY" -c 'import json; print(json.dumps([1]))'
assert_eq "which the first recording alone does not" "" "$OUT"
run_sup profile diff "$TMP/a.json" "$TMP/ab.json"
assert_exit "the merge differs from the first recording" 1
assert_eq "by additions only" "" "$(grep -v '^+ ' "$TMP/out")"
run_sup profile merge "$TMP/b.json" "$TMP/ab.json"
run_sup profile diff "$TMP/ab.json" <(printf '%s\n' "$OUT")
expect "merging in the other order decides the same syscalls" 0 ""

run_sup profile merge "$TMP/a.json" "$TMP/b.json"
first=$OUT
run_sup profile merge "$TMP/a.json" "$TMP/b.json"
assert_eq "merge is deterministic" "$first" "$OUT"
assert_eq "and writes to stdout without -o" "$(cat "$TMP/ab.json")" "$OUT"

run_sup profile merge "$TMP/a.json" "$DOCKER_PROFILE"
assert_exit "merging Docker's profile into a recording" 0
run_sup profile merge "$TMP/a.json"
assert_exit "merge needs two profiles: exit status 2" 2
echo '{"not": "a profile"}' >"$TMP/junk.json"
run_sup profile merge "$TMP/a.json" "$TMP/junk.json"
assert_exit "merge of something that is not a profile: exit status 2" 2
assert_contains "and says which" "junk.json: not a seccomp profile" "$ERR"
run_sup profile frobnicate
assert_exit "an unknown profile subcommand: exit status 2" 2

# An ENOSYS answer is not EPERM: recorded profiles let libraries fall back.
assert_eq "a profile without a base refuses with ENOSYS" "38" \
        "$(json_query "$TMP/a.json" "r['defaultErrnoRet']")"

finish
