/* SPDX-License-Identifier: MIT */
/* policy/netaddr.c: parsing, matching and printing the socket addresses of rules. */
#include "netaddr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "glob.h"

#define SUN_PATH_OFFSET offsetof(struct sockaddr_un, sun_path)
#define SUN_PATH_SIZE   sizeof(((struct sockaddr_un *)NULL)->sun_path)

/*
 * The kernel accepts an AF_INET6 address without sin6_scope_id, the size
 * RFC 2133 defined (SIN6_LEN_RFC2133 in the kernel), so a rule must too:
 * refusing to match it would let a target slip past a deny rule.
 */
#define SOCKADDR_IN6_MIN_LEN offsetof(struct sockaddr_in6, sin6_scope_id)

int netaddr_parse_family(const char *name, int *ret_family)
{
        static const struct {
                const char *name;
                int family;
        } names[] = {
            {"any", AF_UNSPEC}, {"inet", AF_INET},
            {"ipv4", AF_INET},  {"inet6", AF_INET6},
            {"ipv6", AF_INET6}, {"unix", AF_UNIX},
            {"local", AF_UNIX}, {"none", NETADDR_FAMILY_NONE},
        };

        if (!name)
                return -EINVAL;
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
                if (strcmp(name, names[i].name) == 0) {
                        if (ret_family)
                                *ret_family = names[i].family;
                        return 0;
                }
        }
        return -EINVAL;
}

/* A prefix length is one to three decimal digits, nothing else, at most max. */
static int parse_prefix_len(const char *text, unsigned max, unsigned *ret_len)
{
        unsigned value = 0;
        size_t n = 0;

        for (; text[n] != '\0'; n++) {
                if (n >= 3 || text[n] < '0' || text[n] > '9')
                        return -EINVAL;
                value = value * 10 + (unsigned)(text[n] - '0');
        }
        if (n == 0 || value > max)
                return -EINVAL;
        *ret_len = value;
        return 0;
}

/* Clears the bits of addr (n bytes) beyond the first prefix_len. */
static void clear_host_bits(uint8_t *addr, size_t n, unsigned prefix_len)
{
        for (size_t i = 0; i < n; i++) {
                if (prefix_len >= (i + 1) * 8)
                        continue;
                if (prefix_len <= i * 8)
                        addr[i] = 0;
                else
                        addr[i] &= (uint8_t)(0xff << (8 - (prefix_len - i * 8)));
        }
}

int netaddr_parse_cidr(const char *text, struct netaddr_match *m)
{
        char host[INET6_ADDRSTRLEN];
        uint8_t addr[16] = {0};
        const char *slash;
        unsigned max, prefix_len;
        size_t host_len;
        int family, r;

        if (!text || !m)
                return -EINVAL;

        slash = strchr(text, '/');
        host_len = slash ? (size_t)(slash - text) : strlen(text);
        if (host_len == 0 || host_len >= sizeof(host))
                return -EINVAL;
        memcpy(host, text, host_len);
        host[host_len] = '\0';

        if (inet_pton(AF_INET, host, addr) == 1) {
                family = AF_INET;
                max = 32;
        } else if (inet_pton(AF_INET6, host, addr) == 1) {
                family = AF_INET6;
                max = 128;
        } else {
                return -EINVAL;
        }

        prefix_len = max;
        if (slash) {
                r = parse_prefix_len(slash + 1, max, &prefix_len);
                if (r < 0)
                        return r;
        }
        if (m->family != AF_UNSPEC && m->family != family)
                return -EINVAL;

        clear_host_bits(addr, max / 8, prefix_len);
        m->family = family;
        memcpy(m->addr, addr, sizeof(m->addr));
        m->prefix_len = prefix_len;
        m->have_prefix = true;
        return 0;
}

int netaddr_validate_unix_glob(const char *pattern, const char **ret_reason)
{
        /* Abstract names have no leading '/'; the rest is an ordinary glob. */
        if (pattern && pattern[0] == '@')
                return path_glob_validate_syntax(pattern, ret_reason);
        return path_glob_validate(pattern, ret_reason);
}

static bool prefix_matches(const uint8_t *rule, unsigned prefix_len, const uint8_t *addr, size_t n)
{
        unsigned bits = prefix_len < n * 8 ? prefix_len : (unsigned)(n * 8);
        size_t whole = bits / 8;
        unsigned rest = bits % 8;

        if (memcmp(rule, addr, whole) != 0)
                return false;
        if (rest != 0) {
                uint8_t mask = (uint8_t)(0xff << (8 - rest));

                return ((rule[whole] ^ addr[whole]) & mask) == 0;
        }
        return true;
}

/* addr is 4 bytes for AF_INET and 16 for AF_INET6, port in host order. */
static bool ip_matches(const struct netaddr_match *m, int family, const uint8_t *addr,
                       uint16_t port)
{
        if (m->unix_glob)
                return false;
        if (m->family != AF_UNSPEC && m->family != family)
                return false;
        if (m->have_prefix) {
                /* A prefix is only meaningful in the family it was written for. */
                if (m->family != family)
                        return false;
                if (!prefix_matches(m->addr, m->prefix_len, addr, family == AF_INET ? 4 : 16))
                        return false;
        }
        if (m->port >= 0 && m->port != port)
                return false;
        return true;
}

static bool ipv6_is_v4_mapped(const uint8_t *a)
{
        static const uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

        return memcmp(a, prefix, sizeof(prefix)) == 0;
}

enum unix_kind {
        UNIX_UNNAMED,
        UNIX_PATHNAME,
        UNIX_ABSTRACT,
};

struct unix_name {
        enum unix_kind kind;
        const char *bytes; /* the name without the abstract marker, not terminated */
        size_t len;
};

/* Finds the name in an AF_UNIX address of len bytes; len covers sun_family. */
static void unix_name_get(const struct sockaddr *sa, socklen_t len, struct unix_name *name)
{
        const char *sun_path = (const char *)sa + SUN_PATH_OFFSET;
        size_t avail = len - SUN_PATH_OFFSET;

        if (avail > SUN_PATH_SIZE)
                avail = SUN_PATH_SIZE;

        if (avail == 0) {
                *name = (struct unix_name){.kind = UNIX_UNNAMED};
        } else if (sun_path[0] == '\0') {
                size_t n = avail - 1;

                while (n > 0 && sun_path[n] == '\0')
                        n--;
                *name = (struct unix_name){.kind = UNIX_ABSTRACT, .bytes = sun_path + 1, .len = n};
        } else {
                /* The kernel also stops a pathname at its first NUL. */
                *name = (struct unix_name){
                    .kind = UNIX_PATHNAME, .bytes = sun_path, .len = strnlen(sun_path, avail)};
        }
}

bool netaddr_unix_unnamable(const struct sockaddr *sa, socklen_t len)
{
        struct unix_name name;
        sa_family_t family;

        if (!sa || len <= SUN_PATH_OFFSET)
                return false;
        memcpy(&family, sa, sizeof(family));
        if (family != AF_UNIX)
                return false;
        unix_name_get(sa, len, &name);
        return name.kind == UNIX_ABSTRACT && memchr(name.bytes, '\0', name.len) != NULL;
}

static bool unix_matches(const struct netaddr_match *m, const struct sockaddr *sa, socklen_t len)
{
        char text[SUN_PATH_SIZE + 2];
        struct unix_name name;
        size_t pos = 0;

        if (m->family != AF_UNSPEC && m->family != AF_UNIX)
                return false;
        if (m->have_prefix || m->port >= 0)
                return false;
        if (!m->unix_glob)
                return true;

        unix_name_get(sa, len, &name);
        if (name.kind == UNIX_UNNAMED)
                return false;
        if (memchr(name.bytes, '\0', name.len))
                return false;
        if (name.kind == UNIX_ABSTRACT)
                text[pos++] = '@';
        memcpy(text + pos, name.bytes, name.len);
        text[pos + name.len] = '\0';

        return path_glob_match(m->unix_glob, text);
}

bool netaddr_match(const struct netaddr_match *m, const struct sockaddr *sa, socklen_t len)
{
        sa_family_t family;

        if (!m || m->none || !sa || len < sizeof(family))
                return false;
        memcpy(&family, sa, sizeof(family));

        switch (family) {
        case AF_INET: {
                struct sockaddr_in in;

                if (len < sizeof(in))
                        return false;
                memcpy(&in, sa, sizeof(in));
                return ip_matches(m, AF_INET, (const uint8_t *)&in.sin_addr, ntohs(in.sin_port));
        }
        case AF_INET6: {
                struct sockaddr_in6 in6;
                const uint8_t *a;
                uint16_t port;

                if (len < SOCKADDR_IN6_MIN_LEN)
                        return false;
                memset(&in6, 0, sizeof(in6));
                memcpy(&in6, sa, SOCKADDR_IN6_MIN_LEN);
                a = in6.sin6_addr.s6_addr;
                port = ntohs(in6.sin6_port);
                if (ip_matches(m, AF_INET6, a, port))
                        return true;
                return ipv6_is_v4_mapped(a) && ip_matches(m, AF_INET, a + 12, port);
        }
        case AF_UNIX:
                return unix_matches(m, sa, len);
        default:
                return m->family == AF_UNSPEC && !m->have_prefix && m->port < 0 && !m->unix_glob;
        }
}

void netaddr_match_free(struct netaddr_match *m)
{
        if (!m)
                return;
        free(m->unix_glob);
        m->unix_glob = NULL;
}

/* Appends to a fixed buffer, keeping it terminated and noting truncation. */
struct text_writer {
        char *buf;
        size_t size;
        size_t pos;
        bool truncated;
};

static void writer_put(struct text_writer *w, const char *s, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                if (w->pos + 1 >= w->size) {
                        w->truncated = true;
                        return;
                }
                w->buf[w->pos++] = s[i];
                w->buf[w->pos] = '\0';
        }
}

static void writer_puts(struct text_writer *w, const char *s)
{
        writer_put(w, s, strlen(s));
}

static void writer_put_unsigned(struct text_writer *w, unsigned long value)
{
        char digits[24];

        snprintf(digits, sizeof(digits), "%lu", value);
        writer_puts(w, digits);
}

/* Names come from the target: keep control bytes out of logs and terminals. */
static void writer_put_escaped(struct text_writer *w, const char *s, size_t n)
{
        static const char hex[] = "0123456789abcdef";

        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)s[i];

                if (c == '\\') {
                        writer_put(w, "\\\\", 2);
                } else if (c < 0x20 || c == 0x7f) {
                        char esc[4] = {'\\', 'x', hex[c >> 4], hex[c & 0xf]};

                        writer_put(w, esc, sizeof(esc));
                } else {
                        writer_put(w, (const char *)&c, 1);
                }
        }
}

int netaddr_format(const struct sockaddr *sa, socklen_t len, char *buf, size_t size)
{
        struct text_writer w = {.buf = buf, .size = size};
        char ip[INET6_ADDRSTRLEN];
        sa_family_t family;

        if (!buf && size > 0)
                return -EINVAL;
        if (size > 0)
                buf[0] = '\0';
        if (!sa || len < sizeof(family))
                return -EINVAL;
        memcpy(&family, sa, sizeof(family));

        switch (family) {
        case AF_INET: {
                struct sockaddr_in in;

                if (len < sizeof(in))
                        return -EINVAL;
                memcpy(&in, sa, sizeof(in));
                if (!inet_ntop(AF_INET, &in.sin_addr, ip, sizeof(ip)))
                        return -EINVAL;
                writer_puts(&w, ip);
                writer_puts(&w, ":");
                writer_put_unsigned(&w, ntohs(in.sin_port));
                break;
        }
        case AF_INET6: {
                struct sockaddr_in6 in6;

                if (len < SOCKADDR_IN6_MIN_LEN)
                        return -EINVAL;
                memset(&in6, 0, sizeof(in6));
                memcpy(&in6, sa, len < sizeof(in6) ? len : sizeof(in6));
                if (!inet_ntop(AF_INET6, &in6.sin6_addr, ip, sizeof(ip)))
                        return -EINVAL;
                writer_puts(&w, "[");
                writer_puts(&w, ip);
                if (in6.sin6_scope_id != 0) {
                        writer_puts(&w, "%");
                        writer_put_unsigned(&w, in6.sin6_scope_id);
                }
                writer_puts(&w, "]:");
                writer_put_unsigned(&w, ntohs(in6.sin6_port));
                break;
        }
        case AF_UNIX: {
                struct unix_name name;

                unix_name_get(sa, len, &name);
                writer_puts(&w, "unix:");
                if (name.kind == UNIX_UNNAMED) {
                        writer_puts(&w, "(unnamed)");
                } else {
                        if (name.kind == UNIX_ABSTRACT)
                                writer_puts(&w, "@");
                        writer_put_escaped(&w, name.bytes, name.len);
                }
                break;
        }
        default:
                writer_puts(&w, "family ");
                writer_put_unsigned(&w, family);
                break;
        }

        return w.truncated || size == 0 ? -ENOSPC : 0;
}
