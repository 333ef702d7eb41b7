#!/bin/bash
# SPDX-License-Identifier: MIT
# Issue 14, network rules that hold: every way to name a peer is decided,
# and the address decided on is the one the kernel uses.
#
# A. The built-in profile promises that outbound traffic to anything but
#    loopback and unix sockets comes to the supervisor (here, --prompt
#    none: refused with EPERM). A hostile program tries TCP Fast Open, UDP
#    sendto, sendmsg and sendmmsg, and io_uring's IORING_OP_CONNECT toward
#    10.0.0.1 (a listener of this test, in a network namespace of the
#    test's own): each must be refused (io_uring at io_uring_setup, with
#    ENOSYS), logged, and nothing may arrive. What the profile allows must
#    still work as without a supervisor: UDP, TCP and TFO to loopback, a
#    non-blocking connect, unix sockets (path and abstract), SCM_RIGHTS,
#    and DNS resolution through libc against a responder on 127.0.0.1:53.
# B. A profile that denies 10.0.0.0/8: AF_UNSPEC, sendmsg's msg_name, a
#    sendmmsg vector, an IPv4-mapped IPv6 address, an IPv4 address on an
#    IPv6 socket, and AF_UNSPEC bind, must all meet the deny rules.
# D. A deny rule on a unix socket directory: every other name of the
#    socket (a symlinked directory, /proc/self/root, "..", /proc/self/cwd,
#    a symlink in an allowed directory) is refused, and the secret listener
#    gets no connection.
#
# Each check runs as root, as nobody under a root supervisor, and with
# supervisor and command both nobody. A check prints one line: ok or FAIL.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"

# The listeners: FAR is the address no rule allows, NEAR loopback.
NEAR=127.0.0.1
start_sink far "tcp:$FAR:7001" "udp:$FAR:7002"
start_sink near "tcp:$NEAR:7101" "udp:$NEAR:7102"

# check NAME EXPECTED POLICY ARGS...: passes if net_attack ARGS under POLICY
# printed EXPECTED (or one of "A|B") and exited 0.
check()
{
        net_check "$@"
}

# also NAME EXPECTED ACTUAL: a fact after the last check.
also()
{
        assert_eq "[$MODE] $1" "$2" "$3"
}

skip_check()
{
        echo "SKIPPED CHECK: [$MODE] $*"
}

# far_quiet WHAT: nothing reached the FAR listeners since the last look.
far_quiet()
{
        also "$1: nothing arrived at $FAR" "" "$(sink_arrivals far "$FAR:7002")"
}

# A DNS server on 127.0.0.1:53 that knows one name, and a resolv.conf that
# names it, seen only in this mount namespace.
DNS_NAME=svc.scmp-net-test.example
DNS_ADDR=10.53.0.7
start_dns()
{
        if ! command -v python3 >/dev/null; then
                DNS_WHY="python3 is not installed"
                return
        fi
        python3 "$SOURCE_DIR/tests/integration/dns_responder.py" "$NEAR" 53 "$DNS_NAME" "$DNS_ADDR" \
                >"$TMP/dns.out" 2>&1 </dev/null &
        if ! wait_for_line "$TMP/dns.out" ready; then
                DNS_WHY="the DNS responder did not start: $(cat "$TMP/dns.out")"
                return
        fi
        printf 'nameserver %s\noptions attempts:1 timeout:2\n' "$NEAR" >"$TMP/resolv.conf"
        chmod 644 "$TMP/resolv.conf"
        if ! mount --bind "$TMP/resolv.conf" /etc/resolv.conf 2>/dev/null; then
                DNS_WHY="cannot bind-mount a resolv.conf in the test's mount namespace"
                return
        fi
        DNS_WHY=
}
DNS_WHY="not started"
start_dns

IO_URING_DISABLED=$(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null || echo 0)

builtin_set()
{
        local tag="$MODE-$RANDOM"

        # What must lose.
        check "built-in: TCP Fast Open to $FAR" "tfo: EPERM" builtin tfo "$FAR:7001" "tfo-$tag"
        also "built-in: the TFO sendto is in the log, denied" logged "$(logged sendto deny "$FAR")"
        far_quiet "built-in: TCP Fast Open"
        check "built-in: UDP sendto $FAR" "sendto: EPERM" builtin sendto "$FAR:7002" "sendto-$tag"
        also "built-in: the UDP sendto is in the log, denied" logged "$(logged sendto deny "$FAR")"
        far_quiet "built-in: UDP sendto"
        check "built-in: UDP sendmsg, msg_name $FAR" "sendmsg: EPERM" \
                builtin sendmsg "$FAR:7002" "sendmsg-$tag"
        also "built-in: the UDP sendmsg is in the log, denied" logged "$(logged sendmsg deny "$FAR")"
        far_quiet "built-in: UDP sendmsg"
        # The first message is to loopback, which the profile allows; the
        # kernel may have sent it before refusing the second (then 1).
        check "built-in: UDP sendmmsg, 2nd msg_name $FAR" "sendmmsg: EPERM|sendmmsg: 1" \
                builtin sendmmsg "$NEAR:7102" "$FAR:7002" "sendmmsg-$tag"
        also "built-in: the UDP sendmmsg is in the log, denied" logged "$(logged sendmmsg deny "$FAR")"
        far_quiet "built-in: UDP sendmmsg"
        sink_arrivals near "$NEAR:7102" >/dev/null
        if [ "$IO_URING_DISABLED" != 0 ]; then
                skip_check "io_uring: kernel.io_uring_disabled is $IO_URING_DISABLED here"
        else
                check "built-in: io_uring IORING_OP_CONNECT to $FAR: no ring" \
                        "io_uring_setup: ENOSYS" builtin io-uring-connect "$FAR:7001" "uring-$tag"
                far_quiet "built-in: io_uring connect"
        fi

        # What must still work.
        check "built-in: UDP sendto loopback" "sendto: OK" builtin sendto "$NEAR:7102" "near-$tag"
        also "built-in: the sendto to loopback arrived" "udp $NEAR:7102 got near-$tag" \
                "$(sink_arrivals near "$NEAR:7102")"
        check "built-in: UDP sendmsg loopback" "sendmsg: OK" builtin sendmsg "$NEAR:7102" "nearmsg-$tag"
        also "built-in: the sendmsg to loopback arrived" "udp $NEAR:7102 got nearmsg-$tag" \
                "$(sink_arrivals near "$NEAR:7102")"
        check "built-in: UDP sendmmsg loopback, two messages" "sendmmsg: 2" \
                builtin sendmmsg "$NEAR:7102" "$NEAR:7102" "nearmm-$tag"
        also "built-in: both sendmmsg messages arrived" \
                "$(repeat_line 2 "udp $NEAR:7102 got nearmm-$tag")" "$(sink_arrivals near "$NEAR:7102")"
        check "built-in: TCP Fast Open to loopback, echo" "tfo: got tfo-near-$tag" \
                builtin tfo "$NEAR:7101" "tfo-near-$tag"
        check "built-in: blocking TCP connect to loopback, echo" "tcp-echo: got echo-$tag" \
                builtin tcp-echo "$NEAR:7101" "echo-$tag"
        check "built-in: non-blocking TCP connect to loopback, POLLOUT, SO_ERROR 0, echo" \
                "tcp-echo-nb: got nb-$tag (connect: EINPROGRESS)|tcp-echo-nb: got nb-$tag (connect: 0)" \
                builtin tcp-echo-nb "$NEAR:7101" "nb-$tag"
        also "built-in: the listener saw the three TCP connections' data" \
                "tcp $NEAR:7101 got tfo-near-$tag
tcp $NEAR:7101 got echo-$tag
tcp $NEAR:7101 got nb-$tag" "$(sink_arrivals near "$NEAR:7102")"
        check "built-in: connect to a unix socket path" "unix-self: accepted" \
                builtin unix-self "unix:$TMP/u/s.sock"
        check "built-in: connect to an abstract unix socket" "unix-self: accepted" \
                builtin unix-self "unix:@scmp-net-test-$$"
        check "built-in: sendmsg with SCM_RIGHTS to a unix datagram path" \
                "scm-rights: the fd works" builtin scm-rights "unix:$TMP/u/d.sock"
        if [ -n "$DNS_WHY" ]; then
                skip_check "DNS resolution through libc: $DNS_WHY"
        else
                check "built-in: getaddrinfo through libc's resolver on $NEAR:53" \
                        "resolve: $DNS_ADDR" builtin resolve "$DNS_NAME"
        fi
}

# B: a profile that denies 10.0.0.0/8 on every call that names a peer.
NET_DENY=$(write_profile net-deny <<'JSON'
{
	"defaultAction": "SCMP_ACT_ALLOW",
	"syscalls": [
		{ "names": ["connect", "bind", "sendto", "sendmsg", "sendmmsg"], "action": "SCMP_ACT_NOTIFY" }
	],
	"supervisor": {
		"defaultAction": "allow",
		"rules": [
			{ "syscalls": ["connect", "bind", "sendto", "sendmsg", "sendmmsg"],
			  "address": { "cidr": "10.0.0.0/8" }, "action": "deny", "errno": "EHOSTUNREACH" },
			{ "syscalls": ["bind"], "address": { "cidr": "0.0.0.0/32", "port": 7300 },
			  "action": "deny", "errno": "ENOTUNIQ" }
		]
	}
}
JSON
)
chmod 644 "$NET_DENY"

deny_set()
{
        local tag="$MODE-$RANDOM" P=$NET_DENY

        check "deny 10/8: UDP sendto $FAR (the rule works)" "sendto: EHOSTUNREACH" \
                "$P" sendto "$FAR:7002" "plain-$tag"
        far_quiet "deny 10/8: sendto"
        check "deny 10/8: UDP sendto, sa_family AF_UNSPEC, $FAR" "sendto: EHOSTUNREACH" \
                "$P" sendto "unspec:$FAR:7002" "unspec-$tag"
        far_quiet "deny 10/8: AF_UNSPEC sendto"
        check "deny 10/8: UDP sendmsg, msg_name $FAR" "sendmsg: EHOSTUNREACH" \
                "$P" sendmsg "$FAR:7002" "msg-$tag"
        far_quiet "deny 10/8: sendmsg"
        check "deny 10/8: UDP sendmsg, msg_name AF_UNSPEC $FAR" "sendmsg: EHOSTUNREACH" \
                "$P" sendmsg "unspec:$FAR:7002" "msgunspec-$tag"
        far_quiet "deny 10/8: AF_UNSPEC sendmsg"
        check "deny 10/8: UDP sendmmsg, 2nd msg_name $FAR" "sendmmsg: EHOSTUNREACH|sendmmsg: 1" \
                "$P" sendmmsg "$NEAR:7102" "$FAR:7002" "mmsg-$tag"
        far_quiet "deny 10/8: sendmmsg"
        sink_arrivals near "$NEAR:7102" >/dev/null
        check "deny 10/8: AF_INET6 UDP sendto ::ffff:$FAR" "sendto: EHOSTUNREACH" \
                "$P" sendto "[::ffff:$FAR]:7002" "mapped-$tag"
        far_quiet "deny 10/8: IPv4-mapped sendto"
        check "deny 10/8: AF_INET6 UDP sendmsg ::ffff:$FAR" "sendmsg: EHOSTUNREACH" \
                "$P" sendmsg "[::ffff:$FAR]:7002" "mappedmsg-$tag"
        far_quiet "deny 10/8: IPv4-mapped sendmsg"
        check "deny 10/8: AF_INET6 UDP socket, sendto an AF_INET $FAR" "sendto: EHOSTUNREACH" \
                "$P" inet6 sendto "$FAR:7002" "v4on6-$tag"
        far_quiet "deny 10/8: IPv4 address on an IPv6 socket"
        check "deny 10/8: TCP Fast Open to $FAR" "tfo: EHOSTUNREACH" "$P" tfo "$FAR:7001" "tfo-$tag"
        far_quiet "deny 10/8: TCP Fast Open"
        check "deny bind 0.0.0.0:7300 (the rule works)" "bind: ENOTUNIQ" "$P" bind 0.0.0.0:7300
        check "deny bind: AF_UNSPEC 0.0.0.0:7300" "bind: ENOTUNIQ" "$P" bind unspec:0.0.0.0:7300
        check "deny bind: another port is allowed" "bind: OK" "$P" bind 0.0.0.0:7301
        check "deny 10/8: UDP sendto loopback is allowed" "sendto: OK" "$P" sendto "$NEAR:7102" "ok-$tag"
        also "deny 10/8: the loopback sendto arrived" "udp $NEAR:7102 got ok-$tag" \
                "$(sink_arrivals near "$NEAR:7102")"
}

# D: a deny rule on a unix socket directory.
UNIX_DENY=$(write_profile unix-deny <<'JSON'
{
	"defaultAction": "SCMP_ACT_ALLOW",
	"syscalls": [ { "names": ["connect", "sendto"], "action": "SCMP_ACT_NOTIFY" } ],
	"supervisor": {
		"defaultAction": "allow",
		"rules": [
			{ "syscalls": ["connect", "sendto"], "address": { "unix": "@TMP@/secret/*" },
			  "action": "deny", "errno": "EKEYREJECTED" }
		]
	}
}
JSON
)
chmod 644 "$UNIX_DENY"
mkdir -m 777 "$TMP/u" "$TMP/secret" "$TMP/allowed"
ln -s "$TMP/secret" "$TMP/allowed/secretdir"
ln -s "$TMP/secret/s.sock" "$TMP/allowed/link.sock"
SECRET=$TMP/secret/s.sock
REFUSED="connect: EKEYREJECTED
pending: 0"

unix_set()
{
        check "unix deny: the secret socket by its own name (the rule works)" "$REFUSED" \
                "$UNIX_DENY" unix-alias "$SECRET" "unix:$SECRET"
        check "unix deny: through a symlinked directory" "$REFUSED" \
                "$UNIX_DENY" unix-alias "$SECRET" "unix:$TMP/allowed/secretdir/s.sock"
        check "unix deny: through /proc/self/root" "$REFUSED" \
                "$UNIX_DENY" unix-alias "$SECRET" "unix:/proc/self/root$SECRET"
        RUN_CWD=$TMP/allowed check "unix deny: relative, ../secret/s.sock from allowed/" "$REFUSED" \
                "$UNIX_DENY" unix-alias "$SECRET" "unix:../secret/s.sock"
        RUN_CWD=$TMP check "unix deny: through /proc/self/cwd, cwd $TMP" "$REFUSED" \
                "$UNIX_DENY" unix-alias "$SECRET" "unix:/proc/self/cwd/secret/s.sock"
        check "unix deny: through a symlink in allowed/" "$REFUSED" \
                "$UNIX_DENY" unix-alias "$SECRET" "unix:$TMP/allowed/link.sock"
        check "unix deny: a socket in allowed/ still works" "unix-self: accepted" \
                "$UNIX_DENY" unix-self "unix:$TMP/allowed/own.sock"
}

for MODE in $NET_MODES; do
        builtin_set
        deny_set
        unix_set
done

finish
