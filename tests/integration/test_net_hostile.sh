#!/bin/bash
# SPDX-License-Identifier: MIT
# Issue 14, seen from a hostile program: an allowed network call is made by
# the supervisor on the caller's behalf (act/net.c), so nothing of the
# supervisor's own identity or memory may ride along with it.
#
# - SCM_CREDENTIALS: the kernel attaches the sender's *real* ids to a unix
#   message a side asks credentials for (SO_PASSCRED), and accepts forged
#   ones naming any of the sender's real, effective or saved ids. Sent by a
#   root supervisor for nobody, the receiver saw uid 0 gid 0, and nobody
#   could name uid 0 itself. Both must show nobody's ids / EPERM.
# - MSG_ZEROCOPY: the kernel sent from the supervisor's buffer after it was
#   freed and reused: the peer got 16 KiB of another call's data instead
#   of what was sent. The data must arrive intact, or the send fail with
#   ENOBUFS (the kernel's own answer when it cannot zero-copy).
# - Binding a privileged port or connecting to a unix socket nobody may not
#   write, as nobody: refused as without the supervisor.
#
# Under the built-in profile (sendmsg, sends with an address, connect and
# bind are performed), in a network namespace of the test's own, as root,
# as nobody under a root supervisor, and with both nobody.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"

require_built "$BUILD_DIR/tests/net_hostile"
install -m 755 "$BUILD_DIR/tests/net_hostile" "$TMP/bin/net_hostile"
NET_HELPER=net_hostile

# check NAME EXPECTED ARGS...: net_hostile ARGS under the built-in profile
# printed EXPECTED (or one of "A|B") and exited 0.
check()
{
        local name=$1 expected=$2
        shift 2
        net_check "$name" "$expected" builtin "$@"
}

# A unix socket file of root's that nobody may not write (no listener: the
# permission is checked first).
mkdir -m 755 "$TMP/priv"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$TMP/priv/s.sock" ||
        skip "python3 could not make a unix socket file"
chmod 600 "$TMP/priv/s.sock"

# A deny rule on an abstract name glob: a name with a NUL inside has no
# text a glob is written for, and meets deny rules.
ABSTRACT_DENY=$(write_profile abstract-deny <<'JSON'
{
	"defaultAction": "SCMP_ACT_ALLOW",
	"syscalls": [ { "names": ["connect"], "action": "SCMP_ACT_NOTIFY" } ],
	"supervisor": {
		"defaultAction": "allow",
		"rules": [ { "syscalls": ["connect"], "address": { "unix": "@secret*" },
		             "action": "deny", "errno": "EKEYREJECTED" } ]
	}
}
JSON
)

for MODE in $NET_MODES; do
        tag=$MODE-$$
        check "SCM_CREDENTIALS the kernel attaches are the caller's" "passcred: uid own gid own" \
                passcred "pc-$tag"
        if [ "$MODE" = root ]; then
                check "SCM_CREDENTIALS naming uid 0 gid 0, as root" \
                        "forge-creds: received uid 0 gid 0" forge-creds "fc-$tag" 0 0
                check "bind TCP port 80 as root" "bind-tcp: OK" bind-tcp 127.0.0.1:80
                check "connect to root's 0600 unix socket file as root" "connect: ECONNREFUSED" \
                        connect "unix:$TMP/priv/s.sock"
        else
                check "SCM_CREDENTIALS naming uid 0 gid 0, as nobody" "forge-creds: EPERM" \
                        forge-creds "fc-$tag" 0 0
                check "SCM_CREDENTIALS naming nobody's own ids" \
                        "forge-creds: received uid $NOBODY_UID gid $NOBODY_GID" \
                        forge-creds "fo-$tag" "$NOBODY_UID" "$NOBODY_GID"
                check "bind TCP port 80 as nobody" "bind-tcp: EACCES" bind-tcp 127.0.0.1:80
                check "connect to root's 0600 unix socket file as nobody" "connect: EACCES" \
                        connect "unix:$TMP/priv/s.sock"
        fi
        check "MSG_ZEROCOPY: what the peer gets is what was sent" \
                "zerocopy: intact|zerocopy: ENOBUFS" zerocopy
        attack "$ABSTRACT_DENY" abstract-nul "secret-$$" x
        assert_eq "[$MODE] deny @secret* covers \\0secret\\0x" "abstract-nul: EKEYREJECTED" "$OUT"
done

# Source routing: a UDP send to 127.0.0.1 (allowed) with IP_OPTIONS loose
# source routing through 10.0.0.1 would leave towards 10.0.0.1. The
# built-in profile refuses the option; a profile that lets setsockopt
# through has the performed send refused. The sniffer, outside any
# supervisor, sees every packet on lo towards 10.0.0.1.
MODE=root
SRR_ALLOWED=$(write_profile srr-allowed <<'JSON'
{
	"defaultAction": "SCMP_ACT_ALLOW",
	"syscalls": [ { "names": ["sendto"], "action": "SCMP_ACT_NOTIFY" } ],
	"supervisor": {
		"defaultAction": "deny",
		"rules": [ { "syscalls": ["sendto"], "address": { "cidr": "127.0.0.0/8" },
		             "action": "allow" } ]
	}
}
JSON
)
"$BUILD_DIR/tests/net_hostile" sniff "$FAR" >"$TMP/sniff" 2>&1 </dev/null &
wait_for_line "$TMP/sniff" ready || not_run "the sniffer did not start: $(cat "$TMP/sniff")"
attack builtin srr 127.0.0.1:9 "$FAR" "tag-srr-builtin-$$"
assert_eq "[root] built-in: setsockopt IP_OPTIONS refused" "srr: IP_OPTIONS: EPERM" "$OUT"
attack "$SRR_ALLOWED" srr 127.0.0.1:9 "$FAR" "tag-srr-allowed-$$"
assert_eq "[root] setsockopt allowed: the source-routed send is refused" "srr: EPERM" "$OUT"
# What the sniffer printed by now: the packet is looped back synchronously.
"$BUILD_DIR/tests/net_hostile" srr 127.0.0.1:9 "$FAR" tag-marker-$$ >/dev/null
wait_for_line "$TMP/sniff" "sniffed tag-marker-$$"
assert_not_contains "[root] no source-routed packet left towards $FAR" "sniffed tag-srr" \
        "$(cat "$TMP/sniff")"

finish
