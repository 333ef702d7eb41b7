#!/bin/bash
# SPDX-License-Identifier: MIT
# Profiles no one should write: 15 MiB (valid, so it runs), 17 MiB (over
# the 16 MiB limit), 100000 nested '[', not JSON, binary garbage with and
# without NUL bytes, an escaped NUL in a string, empty, truncated, a
# directory, /dev/zero. Each bad one
# gets a clear message naming the file, exit status 125, and the command is
# never started (it would create a file).
. "$(dirname "$0")/lib.sh"

require_cmd python3 head
MARK=$TMP/started

# refused NAME FILE MESSAGE: the profile FILE is refused with MESSAGE.
refused()
{
        rm -f "$MARK"
        run_sup run --policy "$2" -- "$TRY" open "$MARK" "wronly|creat"
        assert_exit "$1: exit status 125" 125
        assert_contains "$1: says what is wrong" "$3" "$ERR"
        assert_contains "$1: names the file" "$2" "$ERR"
        assert_contains "$1: says the command did not start" "the command was not started" "$ERR"
        if [ -e "$MARK" ]; then
                fail "$1: the command never ran" "$MARK exists"
        else
                pass "$1: the command never ran"
        fi
}

# A valid profile padded to SIZE bytes with a long comment.
padded_profile()
{
        python3 - "$1" "$2" <<'EOF2'
import json, sys
size, path = int(sys.argv[1]), sys.argv[2]
p = {"defaultAction": "SCMP_ACT_ALLOW", "comment": ""}
p["comment"] = "x" * (size - len(json.dumps(p)))
open(path, "w").write(json.dumps(p))
EOF2
}

padded_profile $((15 << 20)) "$TMP/15m.json"
run_sup run --policy "$TMP/15m.json" -- "$TRY" open "$MARK" "wronly|creat"
expect "a valid 15 MiB profile loads and runs" 0 "open: OK"

padded_profile $((17 << 20)) "$TMP/17m.json"
refused "17 MiB" "$TMP/17m.json" "is too large for a profile (the limit is 16 MiB)"

python3 -c 'import sys; sys.stdout.write("[" * 100000)' >"$TMP/nested.json"
refused "100000 nested '['" "$TMP/nested.json" "nesting deeper than"
python3 -c 'import sys; sys.stdout.write("{\"a\":" * 50000 + "1" + "}" * 50000)' \
        >"$TMP/nested-objects.json"
refused "50000 nested objects" "$TMP/nested-objects.json" "nesting deeper than"

echo "this is not JSON" >"$TMP/text.json"
refused "not JSON" "$TMP/text.json" "not valid JSON here"

# garbage FILE NUL: 64 KiB of the same pseudo-random bytes every run (a
# random first byte that happens to be a digit would make another message),
# with or without NUL bytes.
garbage()
{
        python3 - "$1" "$2" <<'EOF2'
import random, sys
rng = random.Random(7)
low = 0 if sys.argv[2] == "nul" else 1
data = bytes([0x80]) + bytes(rng.randint(low, 255) for _ in range(65535))
open(sys.argv[1], "wb").write(data + (b"\0" if low == 0 else b""))
EOF2
}

garbage "$TMP/garbage.bin" nul
refused "binary garbage with NUL bytes" "$TMP/garbage.bin" "contains NUL bytes"

garbage "$TMP/garbage-nonul.bin" nonul
refused "binary garbage without NUL bytes" "$TMP/garbage-nonul.bin" "not valid JSON here"

: >"$TMP/empty.json"
refused "empty" "$TMP/empty.json" "the file is empty"

require_file "$DOCKER_PROFILE"
head -c 7000 "$DOCKER_PROFILE" >"$TMP/truncated.json"
refused "Docker's default profile cut in half" "$TMP/truncated.json" "not valid JSON here"

printf '\xff\xfe{"defaultAction": "SCMP_ACT_ALLOW"}' >"$TMP/bom.json"
refused "invalid UTF-8 before the JSON" "$TMP/bom.json" "not valid JSON here"

# cJSON would end the string at the NUL: the deny rule would cover /etc/
# instead of /etc/shadow. An escaped backslash before "u0000" is plain text.
printf '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["openat"], "action": "SCMP_ACT_NOTIFY"}],\n "supervisor": {"rules": [{"path": "/etc/\\u0000shadow", "action": "deny"}]}}' \
        >"$TMP/escaped-nul.json"
refused "a string with an escaped NUL" "$TMP/escaped-nul.json" \
        "escaped-nul.json:2:42: \u0000 in a string: a NUL would silently cut"
printf '{"defaultAction": "SCMP_ACT_ALLOW", "comment": "a \\\\u0000 is text"}' >"$TMP/escaped-backslash.json"
run_sup run --policy "$TMP/escaped-backslash.json" -- "$TRY" open "$MARK" "wronly|creat"
expect "an escaped backslash before u0000 is plain text" 0 "open: OK"

mkdir "$TMP/dir.json"
refused "a directory" "$TMP/dir.json" "dir.json"

refused "/dev/zero" /dev/zero "/dev/zero"

finish
