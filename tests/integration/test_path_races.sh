#!/bin/bash
# SPDX-License-Identifier: MIT
# Issue 13, path rules that hold under a race: what the supervisor decided
# on must be what gets opened. A second thread of the target keeps changing
# what a name means while the main thread opens it 10000 times: the path
# bytes in its memory (allowed/race <-> secret/race1), its cwd (allowed/ <->
# secret/, NAME relative) and the directory behind a dirfd number (dup3).
# No open may return the secret file itself (path_attack compares device
# and inode): "wins: 0 of 10000". A race that never saw both the allowed
# file and the rule's ENOTTY proved nothing, so both must have happened.
# Runs as root, as nobody under a root supervisor, and as nobody for both.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/path_lib.sh"

P=$(profile path_bypass)
chmod 644 "$P"
MARKER="secret-marker-$$-$RANDOM$RANDOM"
TRIES=${RACE_TRIES:-10000}

mkdir -m 755 "$TMP/secret" "$TMP/allowed"
# Equal lengths, as race-bytes needs: "allowed/race" and "secret/race1".
echo allowed-race >"$TMP/allowed/race"
printf '%s\n' "$MARKER" >"$TMP/secret/race1"
echo allowed-same >"$TMP/allowed/same"
printf '%s\n' "$MARKER" >"$TMP/secret/same"
chmod 644 "$TMP"/allowed/* "$TMP"/secret/*

# race NAME ARGS...: one race verb; the secret never opened, and both of
# the outcomes that are not a win seen.
race()
{
        local name="[$MODE] $1" seen allowed denied
        shift
        attack "$P" "$@"
        seen=$(sed -n 's/^seen: //p' <<<"$OUT")
        echo "# $name: $(head -n 1 <<<"$OUT"); $seen"
        assert_contains "$name: the secret was never opened" \
                "$(printf 'wins: 0 of %s\nseen: ' "$TRIES")" "$OUT"
        assert_not_contains "$name: the secret's bytes never printed" "$MARKER" "$OUT"
        allowed=$(sed -n 's/.*\<allowed=\([0-9]*\).*/\1/p' <<<"$seen")
        denied=$(sed -n 's/.*\<ENOTTY=\([0-9]*\).*/\1/p' <<<"$seen")
        if [ "${allowed:-0}" -gt 0 ] && [ "${denied:-0}" -gt 0 ]; then
                pass "$name: it raced (allowed $allowed, denied $denied)"
        else
                fail "$name: it raced: the allowed file and the rule's ENOTTY both seen" \
                        "seen: ${seen:-nothing}" "$(last_run_details)"
        fi
}

for MODE in $PATH_MODES; do
        race "path bytes rewritten mid-call" \
                race-bytes "$TRIES" "$TMP/allowed/race" "$TMP/secret/race1"
        race "cwd switched mid-call" race-cwd "$TRIES" "$TMP/allowed" "$TMP/secret" same
        race "dirfd number switched mid-call" race-dirfd "$TRIES" "$TMP/allowed" "$TMP/secret" same
done

finish
