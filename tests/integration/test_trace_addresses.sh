#!/bin/bash
# SPDX-License-Identifier: MIT
# trace records the socket addresses connect, bind and sendto named: in the
# JSON report (per syscall, "addresses") and in the summary, IPv4, IPv6,
# abstract unix names and unix socket files by the file the kernel reaches
# (symlinks resolved), at most TRACE_MAX_ADDRESSES (64) per syscall, more
# said as "truncated". Inside a network namespace of the test's own, on
# loopback only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/trace_lib.sh"

require_cmd python3 unshare ip
[ "$(id -u)" = 0 ] || skip "a network namespace needs root here"
in_own_net_namespace "$@"

mkdir "$TMP/real"
ln -s real "$TMP/link"
run_sup trace -r "$TMP/a.json" -- "$TRY" connect 127.0.0.1:9 -- bind 127.0.0.1:0 \
        -- sendto '[::1]:53' -- connect unix:@trace-abstract -- bind "unix:$TMP/real/s.sock" \
        -- connect "unix:$TMP/link/s.sock"
expect "the helper's connects, binds and a sendto, traced" 0 "connect: ECONNREFUSED
bind: OK
sendto: OK
connect: ECONNREFUSED
bind: OK
connect: ECONNREFUSED"
assert_eq "connect's addresses: IPv4, an abstract name, the socket file through the symlink" \
        "[\"127.0.0.1:9\", \"unix:$TMP/real/s.sock\", \"unix:@trace-abstract\"]" \
        "$(json_query "$TMP/a.json" "[s['addresses'] for s in r['syscalls'] if s['name'] == 'connect'][0]['values']")"
assert_eq "bind's" "[\"127.0.0.1:0\", \"unix:$TMP/real/s.sock\"]" \
        "$(json_query "$TMP/a.json" "[s['addresses'] for s in r['syscalls'] if s['name'] == 'bind'][0]['values']")"
assert_eq "sendto's, IPv6" '["[::1]:53"]' \
        "$(json_query "$TMP/a.json" "[s['addresses'] for s in r['syscalls'] if s['name'] == 'sendto'][0]['values']")"
assert_eq "none truncated" "[false, false, false]" \
        "$(json_query "$TMP/a.json" "[s['addresses']['truncated'] for s in r['syscalls'] if 'addresses' in s]")"
assert_eq "no other syscall has addresses" "['bind', 'connect', 'sendto']" \
        "$(json_query "$TMP/a.json" "str([s['name'] for s in r['syscalls'] if 'addresses' in s])")"
assert_contains "the summary says them" \
        "connect      addresses: 127.0.0.1:9 unix:$TMP/real/s.sock unix:@trace-abstract" "$ERR"

# 70 distinct ports: 64 kept, the rest said.
ARGS=()
for port in $(seq 1001 1070); do
        ARGS+=(connect "127.0.0.1:$port" --)
done
ARGS+=(connect 127.0.0.1:1001)
run_sup trace -r "$TMP/many.json" -- "$TRY" "${ARGS[@]}"
assert_exit "70 connects, traced" 0
assert_eq "64 addresses kept, truncated" "[64, true]" \
        "$(json_query "$TMP/many.json" "[[len(s['addresses']['values']), s['addresses']['truncated']] for s in r['syscalls'] if s['name'] == 'connect'][0]")"
assert_contains "the summary says the rest were not kept" "(more than 64: the rest not kept)" "$ERR"

finish
