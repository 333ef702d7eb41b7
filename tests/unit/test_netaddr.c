/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cmocka.h>

#include "netaddr.h"

#define ANY_RULE                                                                                   \
        {                                                                                          \
                .family = AF_UNSPEC, .port = -1                                                    \
        }

static struct sockaddr_in make_in(const char *ip, uint16_t port)
{
        struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons(port)};

        assert_int_equal(inet_pton(AF_INET, ip, &in.sin_addr), 1);
        return in;
}

static struct sockaddr_in6 make_in6(const char *ip, uint16_t port)
{
        struct sockaddr_in6 in6 = {.sin6_family = AF_INET6, .sin6_port = htons(port)};

        assert_int_equal(inet_pton(AF_INET6, ip, &in6.sin6_addr), 1);
        return in6;
}

/*
 * Copies the first len bytes of src into a heap block of exactly len bytes,
 * so that AddressSanitizer reports any read past len.
 */
static struct sockaddr *exact_copy(const void *src, size_t len)
{
        void *p = malloc(len > 0 ? len : 1);

        assert_non_null(p);
        memcpy(p, src, len);
        return p;
}

static bool match_exact(const struct netaddr_match *m, const void *sa, size_t len)
{
        struct sockaddr *copy = exact_copy(sa, len);
        bool r = netaddr_match(m, copy, (socklen_t)len);

        free(copy);
        return r;
}

/* An AF_UNIX address whose sun_path is exactly the n bytes given, no NUL added. */
static struct sockaddr *make_unix_exact(const char *bytes, size_t n, socklen_t *ret_len)
{
        size_t len = offsetof(struct sockaddr_un, sun_path) + n;
        char *p = malloc(len);
        sa_family_t family = AF_UNIX;

        assert_non_null(p);
        memcpy(p, &family, sizeof(family));
        memcpy(p + offsetof(struct sockaddr_un, sun_path), bytes, n);
        *ret_len = (socklen_t)len;
        return (struct sockaddr *)p;
}

static bool unix_matches(const char *glob, const char *bytes, size_t n)
{
        struct netaddr_match m = {.family = AF_UNIX, .port = -1};
        socklen_t len;
        struct sockaddr *sa = make_unix_exact(bytes, n, &len);
        bool r;

        if (glob) {
                m.unix_glob = strdup(glob);
                assert_non_null(m.unix_glob);
        }
        r = netaddr_match(&m, sa, len);
        netaddr_match_free(&m);
        free(sa);
        return r;
}

static void test_parse_family_accepts_each_name(void **state)
{
        static const struct {
                const char *name;
                int family;
        } cases[] = {
            {"inet", AF_INET}, {"ipv4", AF_INET},  {"inet6", AF_INET6}, {"ipv6", AF_INET6},
            {"unix", AF_UNIX}, {"local", AF_UNIX}, {"any", AF_UNSPEC},
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                int family = -1;

                assert_int_equal(netaddr_parse_family(cases[i].name, &family), 0);
                assert_int_equal(family, cases[i].family);
        }
}

static void test_parse_family_rejects_unknown_names(void **state)
{
        int family = 12345;

        assert_int_equal(netaddr_parse_family("netlink", &family), -EINVAL);
        assert_int_equal(netaddr_parse_family("INET", &family), -EINVAL);
        assert_int_equal(netaddr_parse_family("", &family), -EINVAL);
        assert_int_equal(netaddr_parse_family(NULL, &family), -EINVAL);
        assert_int_equal(family, 12345);
}

static void test_parse_cidr_ipv4_with_prefix(void **state)
{
        struct netaddr_match m = ANY_RULE;
        const uint8_t want[4] = {10, 0, 0, 0};

        assert_int_equal(netaddr_parse_cidr("10.0.0.0/8", &m), 0);
        assert_int_equal(m.family, AF_INET);
        assert_true(m.have_prefix);
        assert_int_equal(m.prefix_len, 8);
        assert_memory_equal(m.addr, want, 4);
}

static void test_parse_cidr_without_prefix_is_a_host(void **state)
{
        struct netaddr_match v4 = ANY_RULE, v6 = ANY_RULE;
        const uint8_t loopback6[16] = {[15] = 1};

        assert_int_equal(netaddr_parse_cidr("127.0.0.1", &v4), 0);
        assert_int_equal(v4.prefix_len, 32);
        assert_int_equal(netaddr_parse_cidr("::1", &v6), 0);
        assert_int_equal(v6.family, AF_INET6);
        assert_int_equal(v6.prefix_len, 128);
        assert_memory_equal(v6.addr, loopback6, 16);
}

static void test_parse_cidr_clears_host_bits(void **state)
{
        struct netaddr_match v4 = ANY_RULE, v6 = ANY_RULE;
        const uint8_t want4[4] = {10, 0, 0, 0};
        const uint8_t want6[16] = {0xfe, 0x80};

        assert_int_equal(netaddr_parse_cidr("10.1.2.3/9", &v4), 0);
        assert_memory_equal(v4.addr, want4, 4);
        assert_int_equal(netaddr_parse_cidr("fe80::1/10", &v6), 0);
        assert_memory_equal(v6.addr, want6, 16);
}

static void test_parse_cidr_accepts_consistent_family(void **state)
{
        struct netaddr_match m = {.family = AF_INET6, .port = -1};

        assert_int_equal(netaddr_parse_cidr("fe80::/10", &m), 0);
        assert_int_equal(m.family, AF_INET6);
        assert_int_equal(m.prefix_len, 10);
}

static void test_parse_cidr_rejects_family_conflict(void **state)
{
        struct netaddr_match v6 = {.family = AF_INET6, .port = -1};
        struct netaddr_match unix_rule = {.family = AF_UNIX, .port = -1};

        assert_int_equal(netaddr_parse_cidr("10.0.0.0/8", &v6), -EINVAL);
        assert_int_equal(v6.family, AF_INET6);
        assert_false(v6.have_prefix);
        assert_int_equal(netaddr_parse_cidr("::1", &unix_rule), -EINVAL);
}

static void test_parse_cidr_accepts_edge_prefixes(void **state)
{
        struct netaddr_match m0 = ANY_RULE, m32 = ANY_RULE, m6_0 = ANY_RULE, m128 = ANY_RULE;

        assert_int_equal(netaddr_parse_cidr("0.0.0.0/0", &m0), 0);
        assert_int_equal(m0.prefix_len, 0);
        assert_int_equal(netaddr_parse_cidr("192.168.1.1/32", &m32), 0);
        assert_int_equal(m32.prefix_len, 32);
        assert_int_equal(netaddr_parse_cidr("::/0", &m6_0), 0);
        assert_int_equal(m6_0.prefix_len, 0);
        assert_int_equal(netaddr_parse_cidr("2001:db8::1/128", &m128), 0);
        assert_int_equal(m128.prefix_len, 128);
}

static void test_parse_cidr_rejects_bad_text(void **state)
{
        static const char *const bad[] = {
            "10.0.0.0/33",
            "::/129",
            "10.0.0.0/",
            "10.0.0.0/-1",
            "10.0.0.0/+8",
            "10.0.0.0/8x",
            "10.0.0.0/ 8",
            "10.0.0.0/0008",
            "10.0.0.0/8/8",
            "/8",
            "10.0.0",
            "1.2.3.4.5",
            "256.0.0.1",
            "fe80::1%eth0",
            "example.com",
            "",
            " 10.0.0.1",
            "::1/1000",
            "1.2.3.4/99999999999999999999",
        };

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                struct netaddr_match m = ANY_RULE;

                if (netaddr_parse_cidr(bad[i], &m) != -EINVAL)
                        fail_msg("accepted \"%s\"", bad[i]);
                /* A failed parse leaves the rule as it was. */
                assert_int_equal(m.family, AF_UNSPEC);
                assert_false(m.have_prefix);
        }
        assert_int_equal(netaddr_parse_cidr(NULL, &(struct netaddr_match)ANY_RULE), -EINVAL);
}

static void test_ipv4_cidr_matches_inside_and_not_outside(void **state)
{
        struct netaddr_match m = ANY_RULE;
        struct sockaddr_in inside = make_in("10.200.3.4", 80);
        struct sockaddr_in outside = make_in("11.0.0.1", 80);

        assert_int_equal(netaddr_parse_cidr("10.0.0.0/8", &m), 0);
        assert_true(match_exact(&m, &inside, sizeof(inside)));
        assert_false(match_exact(&m, &outside, sizeof(outside)));
}

static void test_ipv4_prefix_boundaries_within_a_byte(void **state)
{
        struct netaddr_match m = ANY_RULE;
        struct sockaddr_in last = make_in("192.168.1.127", 1);
        struct sockaddr_in past = make_in("192.168.1.128", 1);

        assert_int_equal(netaddr_parse_cidr("192.168.1.0/25", &m), 0);
        assert_true(match_exact(&m, &last, sizeof(last)));
        assert_false(match_exact(&m, &past, sizeof(past)));
}

static void test_prefix_zero_matches_every_address_of_its_family(void **state)
{
        struct netaddr_match m = ANY_RULE;
        struct sockaddr_in a = make_in("1.2.3.4", 5);
        struct sockaddr_in b = make_in("255.255.255.255", 0);
        struct sockaddr_in6 v6 = make_in6("2001:db8::1", 5);

        assert_int_equal(netaddr_parse_cidr("0.0.0.0/0", &m), 0);
        assert_true(match_exact(&m, &a, sizeof(a)));
        assert_true(match_exact(&m, &b, sizeof(b)));
        assert_false(match_exact(&m, &v6, sizeof(v6)));
}

static void test_prefix_32_matches_one_address(void **state)
{
        struct netaddr_match m = ANY_RULE;
        struct sockaddr_in same = make_in("127.0.0.1", 9);
        struct sockaddr_in next = make_in("127.0.0.2", 9);

        assert_int_equal(netaddr_parse_cidr("127.0.0.1/32", &m), 0);
        assert_true(match_exact(&m, &same, sizeof(same)));
        assert_false(match_exact(&m, &next, sizeof(next)));
}

static void test_prefix_128_matches_one_address(void **state)
{
        struct netaddr_match m = ANY_RULE;
        struct sockaddr_in6 same = make_in6("::1", 443);
        struct sockaddr_in6 other = make_in6("::2", 443);

        assert_int_equal(netaddr_parse_cidr("::1/128", &m), 0);
        assert_true(match_exact(&m, &same, sizeof(same)));
        assert_false(match_exact(&m, &other, sizeof(other)));
}

static void test_ipv6_prefix_not_on_a_byte_boundary(void **state)
{
        struct netaddr_match m = ANY_RULE;
        struct sockaddr_in6 link_local = make_in6("febf:ffff::1", 1);
        struct sockaddr_in6 site_local = make_in6("fec0::1", 1);

        assert_int_equal(netaddr_parse_cidr("fe80::/10", &m), 0);
        assert_true(match_exact(&m, &link_local, sizeof(link_local)));
        assert_false(match_exact(&m, &site_local, sizeof(site_local)));
}

static void test_port_must_equal_when_given(void **state)
{
        struct netaddr_match m = {.family = AF_INET, .port = 53};
        struct sockaddr_in dns = make_in("9.9.9.9", 53);
        struct sockaddr_in web = make_in("9.9.9.9", 80);

        assert_true(match_exact(&m, &dns, sizeof(dns)));
        assert_false(match_exact(&m, &web, sizeof(web)));
}

static void test_port_rule_of_any_family_matches_both_ip_families_only(void **state)
{
        struct netaddr_match m = {.family = AF_UNSPEC, .port = 443};
        struct sockaddr_in v4 = make_in("1.1.1.1", 443);
        struct sockaddr_in6 v6 = make_in6("2606:4700::1111", 443);
        struct sockaddr_un un = {.sun_family = AF_UNIX, .sun_path = "/run/x"};

        assert_true(match_exact(&m, &v4, sizeof(v4)));
        assert_true(match_exact(&m, &v6, sizeof(v6)));
        assert_false(match_exact(&m, &un, sizeof(un)));
}

static void test_family_rule_matches_only_its_family(void **state)
{
        struct netaddr_match inet = {.family = AF_INET, .port = -1};
        struct netaddr_match unix_rule = {.family = AF_UNIX, .port = -1};
        struct sockaddr_in v4 = make_in("1.2.3.4", 1);
        struct sockaddr_in6 v6 = make_in6("2001:db8::1", 1);
        struct sockaddr_un un = {.sun_family = AF_UNIX, .sun_path = "/x"};

        assert_true(match_exact(&inet, &v4, sizeof(v4)));
        assert_false(match_exact(&inet, &v6, sizeof(v6)));
        assert_false(match_exact(&inet, &un, sizeof(un)));
        assert_true(match_exact(&unix_rule, &un, sizeof(un)));
        assert_false(match_exact(&unix_rule, &v4, sizeof(v4)));
}

static void test_ipv4_mapped_ipv6_matches_inet_rule(void **state)
{
        struct netaddr_match m = {.family = AF_INET, .port = 80};
        struct sockaddr_in6 mapped = make_in6("::ffff:10.1.2.3", 80);
        struct sockaddr_in6 mapped_outside = make_in6("::ffff:11.1.2.3", 80);
        struct sockaddr_in6 mapped_other_port = make_in6("::ffff:10.1.2.3", 81);
        struct sockaddr_in6 compatible = make_in6("::10.1.2.3", 80);

        assert_int_equal(netaddr_parse_cidr("10.0.0.0/8", &m), 0);
        assert_true(match_exact(&m, &mapped, sizeof(mapped)));
        assert_false(match_exact(&m, &mapped_outside, sizeof(mapped_outside)));
        assert_false(match_exact(&m, &mapped_other_port, sizeof(mapped_other_port)));
        assert_false(match_exact(&m, &compatible, sizeof(compatible)));
}

static void test_ipv4_mapped_ipv6_still_matches_inet6_rule(void **state)
{
        struct netaddr_match m = ANY_RULE;
        struct sockaddr_in6 mapped = make_in6("::ffff:10.1.2.3", 80);

        assert_int_equal(netaddr_parse_cidr("::ffff:0:0/96", &m), 0);
        assert_true(match_exact(&m, &mapped, sizeof(mapped)));
}

static void test_short_lengths_never_match(void **state)
{
        struct netaddr_match any = ANY_RULE;
        struct sockaddr_in v4 = make_in("1.2.3.4", 1);
        struct sockaddr_in6 v6 = make_in6("::1", 1);
        struct sockaddr_un un = {.sun_family = AF_UNIX};

        assert_false(match_exact(&any, &v4, 0));
        assert_false(match_exact(&any, &v4, 1));
        assert_false(match_exact(&any, &v4, sizeof(v4) - 1));
        assert_false(match_exact(&any, &v4, sizeof(sa_family_t)));
        assert_false(match_exact(&any, &v6, offsetof(struct sockaddr_in6, sin6_scope_id) - 1));
        assert_false(match_exact(&any, &v6, sizeof(sa_family_t) + 2));
        assert_false(match_exact(&any, &un, 1));
        assert_false(netaddr_match(&any, NULL, sizeof(v4)));
}

static void test_ipv6_without_scope_id_is_long_enough(void **state)
{
        struct netaddr_match m = ANY_RULE;
        struct sockaddr_in6 v6 = make_in6("::1", 22);

        assert_int_equal(netaddr_parse_cidr("::1", &m), 0);
        assert_true(match_exact(&m, &v6, offsetof(struct sockaddr_in6, sin6_scope_id)));
}

static void test_longer_lengths_are_fine(void **state)
{
        struct netaddr_match m = {.family = AF_INET, .port = 7};
        struct sockaddr_storage ss = {0};
        struct sockaddr_in v4 = make_in("1.2.3.4", 7);

        memcpy(&ss, &v4, sizeof(v4));
        assert_true(match_exact(&m, &ss, sizeof(ss)));
}

static void test_unix_path_glob(void **state)
{
        assert_true(unix_matches("/run/*.sock", "/run/x.sock", 12));
        assert_false(unix_matches("/run/*.sock", "/run/sub/x.sock", 16));
        assert_false(unix_matches("/run/*.sock", "/tmp/x.sock", 12));
}

static void test_unix_path_is_bounded_by_len_without_nul(void **state)
{
        /* Exactly the path bytes, no terminator: the name ends where len does. */
        assert_true(unix_matches("/run/x.sock", "/run/x.sock", 11));
        assert_false(unix_matches("/run/x.sock", "/run/x.sock", 10));
        assert_true(unix_matches("/run/x.soc", "/run/x.sock", 10));
}

static void test_unix_path_stops_at_first_nul(void **state)
{
        assert_true(unix_matches("/run/a", "/run/a\0garbage", 14));
}

static void test_unix_full_length_path_without_nul(void **state)
{
        struct netaddr_match m = {.family = AF_UNIX, .port = -1};
        struct sockaddr_storage ss;
        struct sockaddr_un *un = (struct sockaddr_un *)&ss;
        char glob[sizeof(un->sun_path) + 1];

        memset(&ss, 'z', sizeof(ss));
        un->sun_family = AF_UNIX;
        un->sun_path[0] = '/';
        /* The glob is the 108 path bytes; the bytes after sun_path are not part of it. */
        memcpy(glob, un->sun_path, sizeof(un->sun_path));
        glob[sizeof(un->sun_path)] = '\0';
        m.unix_glob = glob;

        assert_true(match_exact(&m, &ss, sizeof(ss)));
        assert_true(match_exact(&m, &ss, sizeof(*un)));
        assert_false(match_exact(&m, &ss, sizeof(*un) - 1));
}

static void test_unix_abstract_name_matches_at_glob(void **state)
{
        assert_true(unix_matches("@dbus-*", "\0dbus-abc123", 12));
        assert_false(unix_matches("@dbus-*", "\0other", 6));
        assert_false(unix_matches("/dbus-*", "\0dbus-abc", 9));
        assert_true(unix_matches("@", "\0", 1));
}

static void test_unix_abstract_name_ignores_trailing_nul_padding(void **state)
{
        struct netaddr_match m = {.family = AF_UNIX, .port = -1, .unix_glob = "@padded"};
        struct sockaddr_un un = {.sun_family = AF_UNIX};

        memcpy(un.sun_path, "\0padded", 7);
        assert_true(match_exact(&m, &un, sizeof(un)));
}

static void test_unix_abstract_name_with_inner_nul_never_matches_a_glob(void **state)
{
        assert_false(unix_matches("@a*", "\0a\0b", 4));
        assert_false(unix_matches("@**", "\0a\0b", 4));
        assert_true(unix_matches(NULL, "\0a\0b", 4));
}

static void test_unix_unnamed_never_matches_a_glob(void **state)
{
        assert_false(unix_matches("**", "", 0));
        assert_false(unix_matches("@**", "", 0));
        assert_true(unix_matches(NULL, "", 0));
}

static void test_unix_glob_rule_does_not_match_ip(void **state)
{
        struct netaddr_match m = {.family = AF_UNSPEC, .port = -1, .unix_glob = "**"};
        struct sockaddr_in v4 = make_in("1.2.3.4", 1);

        assert_false(match_exact(&m, &v4, sizeof(v4)));
}

static void test_other_families_match_only_a_plain_any_rule(void **state)
{
        struct netaddr_match any = ANY_RULE;
        struct netaddr_match inet = {.family = AF_INET, .port = -1};
        struct netaddr_match with_port = {.family = AF_UNSPEC, .port = 1};
        sa_family_t netlink[6] = {AF_NETLINK};

        assert_true(match_exact(&any, netlink, sizeof(netlink)));
        assert_false(match_exact(&inet, netlink, sizeof(netlink)));
        assert_false(match_exact(&with_port, netlink, sizeof(netlink)));
}

static void test_match_free_releases_glob(void **state)
{
        struct netaddr_match m = ANY_RULE;

        m.unix_glob = strdup("/x");
        assert_non_null(m.unix_glob);
        netaddr_match_free(&m);
        assert_null(m.unix_glob);
        netaddr_match_free(&m);
        netaddr_match_free(NULL);
}

static void test_validate_unix_glob(void **state)
{
        const char *reason = NULL;

        assert_int_equal(netaddr_validate_unix_glob("/run/*.sock", &reason), 0);
        assert_int_equal(netaddr_validate_unix_glob("@dbus-*", &reason), 0);
        assert_int_equal(netaddr_validate_unix_glob("run/x", &reason), -EINVAL);
        assert_non_null(strstr(reason, "absolute"));
        assert_int_equal(netaddr_validate_unix_glob("@[x", &reason), -EINVAL);
}

static void format_exact(const void *sa, size_t len, const char *want)
{
        struct sockaddr *copy = exact_copy(sa, len);
        char buf[256];

        memset(buf, 'X', sizeof(buf));
        assert_int_equal(netaddr_format(copy, (socklen_t)len, buf, sizeof(buf)), 0);
        assert_string_equal(buf, want);
        free(copy);
}

static void test_format_ip_addresses(void **state)
{
        struct sockaddr_in v4 = make_in("127.0.0.1", 80);
        struct sockaddr_in6 v6 = make_in6("::1", 443);
        struct sockaddr_in6 scoped = make_in6("fe80::1", 22);

        scoped.sin6_scope_id = 2;
        format_exact(&v4, sizeof(v4), "127.0.0.1:80");
        format_exact(&v6, sizeof(v6), "[::1]:443");
        format_exact(&v6, offsetof(struct sockaddr_in6, sin6_scope_id), "[::1]:443");
        format_exact(&scoped, sizeof(scoped), "[fe80::1%2]:22");
}

static void test_format_unix_addresses(void **state)
{
        socklen_t len;
        struct sockaddr *path = make_unix_exact("/run/x.sock", 11, &len);
        struct sockaddr *abstract;
        struct sockaddr *unnamed;
        struct sockaddr *odd;

        format_exact(path, len, "unix:/run/x.sock");
        free(path);
        abstract = make_unix_exact("\0abstract\0\0", 11, &len);
        format_exact(abstract, len, "unix:@abstract");
        free(abstract);
        unnamed = make_unix_exact("", 0, &len);
        format_exact(unnamed, len, "unix:(unnamed)");
        free(unnamed);
        odd = make_unix_exact("\0a\0b\n\\", 6, &len);
        format_exact(odd, len, "unix:@a\\x00b\\x0a\\\\");
        free(odd);
}

static void test_format_other_family(void **state)
{
        sa_family_t netlink[6] = {AF_NETLINK};

        format_exact(netlink, sizeof(netlink), "family 16");
}

static void test_format_truncates_and_terminates(void **state)
{
        struct sockaddr_in v4 = make_in("127.0.0.1", 80);
        char buf[8];

        memset(buf, 'X', sizeof(buf));
        assert_int_equal(netaddr_format((struct sockaddr *)&v4, sizeof(v4), buf, 5), -ENOSPC);
        assert_string_equal(buf, "127.");
        assert_int_equal(buf[5], 'X');
        assert_int_equal(netaddr_format((struct sockaddr *)&v4, sizeof(v4), buf, 1), -ENOSPC);
        assert_string_equal(buf, "");
        assert_int_equal(netaddr_format((struct sockaddr *)&v4, sizeof(v4), buf, 0), -ENOSPC);
        assert_int_equal(netaddr_format((struct sockaddr *)&v4, sizeof(v4), NULL, 0), -ENOSPC);
}

static void test_format_exact_fit(void **state)
{
        struct sockaddr_in v4 = make_in("127.0.0.1", 80);
        char buf[sizeof("127.0.0.1:80")];

        assert_int_equal(netaddr_format((struct sockaddr *)&v4, sizeof(v4), buf, sizeof(buf)), 0);
        assert_string_equal(buf, "127.0.0.1:80");
        assert_int_equal(netaddr_format((struct sockaddr *)&v4, sizeof(v4), buf, sizeof(buf) - 1),
                         -ENOSPC);
}

static void test_format_rejects_short_addresses(void **state)
{
        struct sockaddr_in v4 = make_in("127.0.0.1", 80);
        struct sockaddr_in6 v6 = make_in6("::1", 80);
        struct sockaddr *copy;
        char buf[64];

        copy = exact_copy(&v4, sizeof(v4) - 1);
        memset(buf, 'X', sizeof(buf));
        assert_int_equal(netaddr_format(copy, sizeof(v4) - 1, buf, sizeof(buf)), -EINVAL);
        assert_string_equal(buf, "");
        free(copy);

        copy = exact_copy(&v6, 23);
        assert_int_equal(netaddr_format(copy, 23, buf, sizeof(buf)), -EINVAL);
        free(copy);

        copy = exact_copy(&v4, 1);
        assert_int_equal(netaddr_format(copy, 1, buf, sizeof(buf)), -EINVAL);
        free(copy);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_parse_family_accepts_each_name),
            cmocka_unit_test(test_parse_family_rejects_unknown_names),
            cmocka_unit_test(test_parse_cidr_ipv4_with_prefix),
            cmocka_unit_test(test_parse_cidr_without_prefix_is_a_host),
            cmocka_unit_test(test_parse_cidr_clears_host_bits),
            cmocka_unit_test(test_parse_cidr_accepts_consistent_family),
            cmocka_unit_test(test_parse_cidr_rejects_family_conflict),
            cmocka_unit_test(test_parse_cidr_accepts_edge_prefixes),
            cmocka_unit_test(test_parse_cidr_rejects_bad_text),
            cmocka_unit_test(test_ipv4_cidr_matches_inside_and_not_outside),
            cmocka_unit_test(test_ipv4_prefix_boundaries_within_a_byte),
            cmocka_unit_test(test_prefix_zero_matches_every_address_of_its_family),
            cmocka_unit_test(test_prefix_32_matches_one_address),
            cmocka_unit_test(test_prefix_128_matches_one_address),
            cmocka_unit_test(test_ipv6_prefix_not_on_a_byte_boundary),
            cmocka_unit_test(test_port_must_equal_when_given),
            cmocka_unit_test(test_port_rule_of_any_family_matches_both_ip_families_only),
            cmocka_unit_test(test_family_rule_matches_only_its_family),
            cmocka_unit_test(test_ipv4_mapped_ipv6_matches_inet_rule),
            cmocka_unit_test(test_ipv4_mapped_ipv6_still_matches_inet6_rule),
            cmocka_unit_test(test_short_lengths_never_match),
            cmocka_unit_test(test_ipv6_without_scope_id_is_long_enough),
            cmocka_unit_test(test_longer_lengths_are_fine),
            cmocka_unit_test(test_unix_path_glob),
            cmocka_unit_test(test_unix_path_is_bounded_by_len_without_nul),
            cmocka_unit_test(test_unix_path_stops_at_first_nul),
            cmocka_unit_test(test_unix_full_length_path_without_nul),
            cmocka_unit_test(test_unix_abstract_name_matches_at_glob),
            cmocka_unit_test(test_unix_abstract_name_ignores_trailing_nul_padding),
            cmocka_unit_test(test_unix_abstract_name_with_inner_nul_never_matches_a_glob),
            cmocka_unit_test(test_unix_unnamed_never_matches_a_glob),
            cmocka_unit_test(test_unix_glob_rule_does_not_match_ip),
            cmocka_unit_test(test_other_families_match_only_a_plain_any_rule),
            cmocka_unit_test(test_match_free_releases_glob),
            cmocka_unit_test(test_validate_unix_glob),
            cmocka_unit_test(test_format_ip_addresses),
            cmocka_unit_test(test_format_unix_addresses),
            cmocka_unit_test(test_format_other_family),
            cmocka_unit_test(test_format_truncates_and_terminates),
            cmocka_unit_test(test_format_exact_fit),
            cmocka_unit_test(test_format_rejects_short_addresses),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
