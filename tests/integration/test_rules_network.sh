#!/bin/bash
# SPDX-License-Identifier: MIT
# Supervisor rules on sockets: addresses of connect, bind and sendto (CIDR,
# port, IPv6, unix paths and abstract names) and numeric arguments of
# socket(2). ECONNREFUSED from loopback means the call was allowed and the
# kernel answered it; any other errno below is a rule's.
. "$(dirname "$0")/lib.sh"

P=$(profile network)

# socket(2): argument conditions.
run_try "$P" socket packet raw
expect "socket(AF_PACKET): the family rule's errno" 0 "socket: EACCES"
run_try "$P" socket inet raw
expect "socket(AF_INET, SOCK_RAW|SOCK_CLOEXEC): the masked type rule" 0 "socket: ESOCKTNOSUPPORT"
run_try "$P" socket inet stream
expect "socket(AF_INET, SOCK_STREAM) passes both conditions' negation" 0 "socket: OK"
run_try "$P" socket inet6 raw
expect "socket(AF_INET6, SOCK_RAW): the type rule needs AF_INET too" 0 "socket: OK"
run_try "$P" socket netlink raw
expect "socket(AF_NETLINK): allowed" 0 "socket: OK"

# connect over IPv4.
run_try "$P" connect 127.0.0.1:1
expect "connect to loopback: allowed, refused by the kernel" 0 "connect: ECONNREFUSED"
run_try "$P" connect 127.3.4.5:1
expect "connect to 127.3.4.5 (inside 127.0.0.0/8)" 0 "connect: ECONNREFUSED"
run_try "$P" connect 127.0.0.1:9
expect "connect to loopback port 9: the port rule's errno" 0 "connect: EHOSTDOWN"
run_try "$P" connect 10.1.2.3:80
expect "connect to 10.0.0.0/8: the rule's errno" 0 "connect: ENETUNREACH"
run_try "$P" connect 10.255.255.255:443
expect "connect to the top of 10.0.0.0/8" 0 "connect: ENETUNREACH"
run_try "$P" connect 11.0.0.1:80
expect "connect just outside 10.0.0.0/8: the supervisor default" 0 "connect: EPERM"
run_try "$P" connect 192.0.2.1:80
expect "connect to an address no rule names: the supervisor default" 0 "connect: EPERM"

# IPv6.
run_try "$P" connect "[::1]:1"
expect "connect to ::1: allowed, refused by the kernel" 0 "connect: ECONNREFUSED"
run_try "$P" connect "[::1]:9"
expect "connect to [::1]:9: the port rule is IPv4 only" 0 "connect: ECONNREFUSED"
run_try "$P" connect "[fd00::1]:80"
expect "connect to fd00::/8: the rule's errno" 0 "connect: EADDRNOTAVAIL"
run_try "$P" connect "[2001:db8::1]:80"
expect "connect to an IPv6 address no rule names: the default" 0 "connect: EPERM"
run_try "$P" connect "[::ffff:10.0.0.1]:80"
expect "connect to IPv4-mapped ::ffff:10.0.0.1 matches the IPv4 rule" 0 "connect: ENETUNREACH"
run_try "$P" connect "[::ffff:127.0.0.1]:1"
expect "connect to IPv4-mapped loopback is allowed" 0 "connect: ECONNREFUSED"

# Unix sockets: a socket file that exists but has no listener gives
# ECONNREFUSED, so an allowed connect is told from a denied one.
mkdir "$TMP/ok"
"$TRY" bind "unix:$TMP/ok/a.sock" -- bind "unix:$TMP/bad.sock" >/dev/null
run_try "$P" connect "unix:$TMP/ok/a.sock"
expect "connect to a unix path the glob allows" 0 "connect: ECONNREFUSED"
run_try "$P" connect "unix:$TMP/ok/missing.sock"
expect "connect to an allowed unix path that does not exist" 0 "connect: ENOENT"
run_try "$P" connect "unix:$TMP/bad.sock"
expect "connect to a unix path outside the glob" 0 "connect: ECONNABORTED"
run_try "$P" connect "unix:$TMP/ok/a.sockx"
expect "connect to a unix path the glob does not quite match" 0 "connect: ECONNABORTED"
run_try "$P" connect "unix:@allowed-foo"
expect "connect to an abstract name the glob allows" 0 "connect: ECONNREFUSED"
run_try "$P" connect "unix:@other-foo"
expect "connect to an abstract name outside the glob" 0 "connect: ECONNABORTED"
run_try "$P" connect "unix:@$TMP/ok/a.sock"
expect "an abstract name never matches a path glob" 0 "connect: ECONNABORTED"

# A unix socket path names a file as any path does, and must be matched
# as one: relative to the caller's cwd, with "." , ".." and "//" folded.
# Otherwise a deny rule followed by a broader allow (the usual "every
# local socket but this one") is dodged by spelling the path differently.
mkdir "$TMP/secret"
"$TRY" bind "unix:$TMP/secret/s.sock" >/dev/null
UNIX_DENY=$(write_profile unix-deny <<'JSON'
{
	"defaultAction": "SCMP_ACT_ALLOW",
	"syscalls": [ { "names": ["connect", "bind", "sendto"], "action": "SCMP_ACT_NOTIFY" } ],
	"supervisor": { "defaultAction": "deny", "rules": [
		{ "syscalls": ["connect", "bind", "sendto"], "address": { "unix": "@TMP@/secret/*" },
		  "action": "deny", "errno": "EKEYREJECTED" },
		{ "syscalls": ["connect", "bind", "sendto"], "address": { "family": "unix" }, "action": "allow" }
	] }
}
JSON
)
run_try_in "$TMP" "$UNIX_DENY" connect "unix:$TMP/secret/s.sock"
expect "unix deny rule: the absolute path" 0 "connect: EKEYREJECTED"
run_try_in "$TMP" "$UNIX_DENY" connect "unix:$TMP/ok/a.sock"
expect "unix deny rule: another socket is allowed" 0 "connect: ECONNREFUSED"
run_try_in "$TMP" "$UNIX_DENY" connect "unix:secret/s.sock"
expect "unix deny rule: a path relative to the cwd" 0 "connect: EKEYREJECTED"
run_try_in "$TMP/ok" "$UNIX_DENY" connect "unix:../secret/s.sock"
expect "unix deny rule: '../' from another directory" 0 "connect: EKEYREJECTED"
run_try_in "$TMP" "$UNIX_DENY" connect "unix:$TMP//secret/s.sock"
expect "unix deny rule: '//' in the path" 0 "connect: EKEYREJECTED"
run_try_in "$TMP" "$UNIX_DENY" connect "unix:$TMP/./secret/s.sock"
expect "unix deny rule: '/./' in the path" 0 "connect: EKEYREJECTED"
run_try_in "$TMP" "$UNIX_DENY" connect "unix:$TMP/ok/../secret/s.sock"
expect "unix deny rule: '/ok/../' in the path" 0 "connect: EKEYREJECTED"
run_try_in "$TMP" "$UNIX_DENY" bind "unix:secret/new.sock"
expect "unix deny rule: bind to a relative path" 0 "bind: EKEYREJECTED"
assert_eq "unix deny rule: the refused relative bind created nothing" absent \
        "$(exists "$TMP/secret/new.sock")"

# bind.
run_try "$P" bind 127.0.0.1:0
expect "bind to loopback" 0 "bind: OK"
run_try "$P" bind 0.0.0.0:0
expect "bind to the wildcard address: the default" 0 "bind: EPERM"
run_try "$P" bind "unix:$TMP/ok/new.sock"
expect "bind to an allowed unix path" 0 "bind: OK"
run_try "$P" bind "unix:$TMP/new.sock"
expect "bind to a unix path outside the glob" 0 "bind: ECONNABORTED"
assert_eq "the refused bind created no socket file" "absent" \
        "$(exists "$TMP/new.sock")"

# sendto (UDP).
run_try "$P" sendto 127.0.0.1:9
expect "sendto loopback" 0 "sendto: OK"
run_try "$P" sendto 10.9.9.9:53
expect "sendto 10.0.0.0/8" 0 "sendto: ENETUNREACH"
run_try "$P" sendto 198.51.100.7:53
expect "sendto an address no rule names: the default" 0 "sendto: EPERM"

# Concurrent callers each get their own answer.
run_try "$P" threads 4 connect 10.0.0.1:80 -- threads 4 connect 127.0.0.1:1
expect "4 threads denied, then 4 threads allowed" 0 \
        "$(repeat_line 4 "connect: ENETUNREACH")
$(repeat_line 4 "connect: ECONNREFUSED")"

finish
