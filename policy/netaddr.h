/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Socket addresses in connect, bind and sendto rules: parsing what a profile
 * says, matching what a target passed, and printing it for humans.
 *
 * Every function takes the address length the target gave and never reads
 * past it, because the supervisor copies exactly that many bytes.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct netaddr_match {
        int family;       /* AF_UNSPEC = any, AF_INET, AF_INET6, AF_UNIX */
        bool none;        /* "family": "none": the call names no peer (decide.c) */
        bool have_prefix; /* an IP address or CIDR was given */
        uint8_t addr[16]; /* network-order bytes, 4 used for AF_INET */
        unsigned prefix_len;
        int port;        /* -1 = any, else 0..65535 (host order) */
        char *unix_glob; /* AF_UNIX path glob, NULL = any; abstract names as "@name" */
};

/* What netaddr_parse_family() returns for "none": no address at all. */
#define NETADDR_FAMILY_NONE (-1)

/*
 * "inet"/"ipv4", "inet6"/"ipv6", "unix"/"local", "any" (AF_UNSPEC), "none"
 * (NETADDR_FAMILY_NONE). Returns 0, or -EINVAL for anything else;
 * *ret_family is written only on success.
 */
int netaddr_parse_family(const char *name, int *ret_family);

/*
 * Parses "10.0.0.0/8", "127.0.0.1", "::1" or "fe80::/10" into m: sets addr,
 * prefix_len (32 or 128 when no prefix is given) and have_prefix, and sets
 * family when it was AF_UNSPEC. Host bits beyond the prefix are cleared, so
 * "10.1.2.3/8" means "10.0.0.0/8". Returns -EINVAL, leaving m untouched, for
 * malformed text, a prefix over 32 or 128, or a family that conflicts with
 * the one m already has.
 */
int netaddr_parse_cidr(const char *text, struct netaddr_match *m);

/*
 * Checks a unix_glob: either an absolute path glob or "@" followed by a glob
 * for an abstract name. As path_glob_validate().
 */
int netaddr_validate_unix_glob(const char *pattern, const char **ret_reason);

/*
 * Returns whether the len bytes at sa satisfy every condition of m.
 *
 * An address shorter than its family requires never matches (for AF_INET6
 * the minimum is 24 bytes, sin6_scope_id optional, as the kernel accepts).
 * An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is IPv4 traffic and matches
 * AF_INET rules as well as AF_INET6 ones. A rule with a port or a prefix
 * matches only IP addresses; a rule with a unix_glob matches only AF_UNIX.
 *
 * A unix pathname is the sun_path bytes up to the first NUL or len. An
 * abstract name (sun_path[0] == 0) is matched as "@" and the name, with
 * trailing NUL padding dropped (programs that pass sizeof(struct
 * sockaddr_un) pad with NULs). An unnamed socket, or an abstract name with a
 * NUL inside it, has no text a glob could match and never matches a rule
 * with a unix_glob here; it still matches rules without one. policy/decide.c
 * makes the abstract one meet deny-like rules (netaddr_unix_unnamable()).
 */
bool netaddr_match(const struct netaddr_match *m, const struct sockaddr *sa, socklen_t len);

/* Whether sa is an abstract unix name with a NUL inside: a name no glob can
 * be written for, which deny-like rules must meet (policy/decide.c). */
bool netaddr_unix_unnamable(const struct sockaddr *sa, socklen_t len);

/* Frees unix_glob and sets it to NULL; m itself belongs to the caller. */
void netaddr_match_free(struct netaddr_match *m);

/*
 * Writes sa as text: "127.0.0.1:80", "[::1]:443", "[fe80::1%2]:22",
 * "unix:/run/x.sock", "unix:@abstract", "unix:(unnamed)", "family 16".
 * Control characters and '\' in unix names are written as "\xNN" and "\\".
 * The result is always NUL-terminated when size > 0, truncated if need be.
 * Returns 0, -ENOSPC if it did not fit, or -EINVAL if sa is too short for
 * its family (buf then holds "").
 */
int netaddr_format(const struct sockaddr *sa, socklen_t len, char *buf, size_t size);
