#!/bin/bash
# SPDX-License-Identifier: MIT
# trace --args: argument-level entries for the syscalls whose arguments
# real profiles filter on, which let through the values the run used and
# nothing else; and --paths, the paths each syscall named, in the report.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/trace_lib.sh"

require_cmd python3

# The helper's calls: personality(0xffffffff) (a query), ioctl(0, TCGETS),
# prctl(PR_GET_DUMPABLE), an inet stream and a unix datagram socket, and a
# fork.
CALLS=(syscall 135 4294967295 -- syscall 16 0 21505 -- syscall 157 3
        -- socket inet stream -- socket unix dgram -- fork 1 syscall getpid)
EXPECTED="syscall: OK
syscall: ENOTTY
syscall: OK
socket: OK
socket: OK
syscall: OK"

run_sup trace -q --args -o "$TMP/args.json" -- "$TRY" "${CALLS[@]}"
expect "the helper's calls, traced with --args" 0 "$EXPECTED"
assert_eq "socket is allowed per family, as seen" "[[0, 1, 'SCMP_CMP_EQ'], [0, 2, 'SCMP_CMP_EQ']]" \
        "$(json_query "$TMP/args.json" "str(sorted([a['index'], a['value'], a['op']] for e in r['syscalls'] if e['names'] == ['socket'] for a in e.get('args', [])))")"
assert_eq "ioctl per request, on the 32 bits the kernel reads" \
        "[[1, 4294967295, 21505, 'SCMP_CMP_MASKED_EQ']]" \
        "$(json_query "$TMP/args.json" "str([[a['index'], a['value'], a['valueTwo'], a['op']] for e in r['syscalls'] if e['names'] == ['ioctl'] for a in e.get('args', [])])")"
assert_eq "clone by its namespace flags (none)" "[[0, 2114060288, 0, 'SCMP_CMP_MASKED_EQ']]" \
        "$(json_query "$TMP/args.json" "str([[a['index'], a['value'], a['valueTwo'], a['op']] for e in r['syscalls'] if e['names'] == ['clone'] for a in e.get('args', [])])")"
assert_eq "none of them is also allowed whole" "[]" \
        "$(json_query "$TMP/args.json" "sorted(n for e in r['syscalls'] if 'args' not in e for n in e['names'] if n in ('socket', 'ioctl', 'prctl', 'personality', 'clone'))")"

run_sup run --policy "$TMP/args.json" -- "$TRY" "${CALLS[@]}"
expect "the same calls run under the profile" 0 "$EXPECTED"
run_sup run --policy "$TMP/args.json" -- "$TRY" socket inet6 stream -- syscall 16 0 21523 \
        -- syscall 157 7 -- syscall 135 262144 -- socket inet stream
expect "other values are refused: another family, request, option and persona" 0 \
        "socket: ENOSYS
syscall: ENOSYS
syscall: ENOSYS
syscall: ENOSYS
socket: OK"

run_sup trace -q -o "$TMP/whole.json" -- "$TRY" "${CALLS[@]}"
run_sup run --policy "$TMP/whole.json" -- "$TRY" socket inet6 stream
expect "without --args the syscalls are allowed whole" 0 "socket: OK"

# --paths: the report lists what each syscall named.
echo data >"$TMP/named-file"
run_sup trace -q --paths -r "$TMP/paths.json" -- "$TRY" open "$TMP/named-file" -- mkdir "$TMP/made"
expect "the helper opening a file and making a directory, traced with --paths" 0 "open: OK
mkdir: OK"
assert_contains "the opened path is in the report" "\"$TMP/named-file\"" \
        "$(json_query "$TMP/paths.json" "[p for s in r['syscalls'] for p in s.get('paths', {}).get('values', [])]")"
assert_contains "and the directory made" "\"$TMP/made\"" \
        "$(json_query "$TMP/paths.json" "[p for s in r['syscalls'] if s['name'] == 'mkdir' for p in s['paths']['values']]")"
run_sup trace -q -r "$TMP/nopaths.json" -- "$TRY" open "$TMP/named-file"
assert_eq "without --paths there are none" "[]" \
        "$(json_query "$TMP/nopaths.json" "[s['name'] for s in r['syscalls'] if 'paths' in s]")"

finish
