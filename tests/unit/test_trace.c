/* SPDX-License-Identifier: MIT */
/* The trace recorder: counts, callers, argument values, paths, the caller
 * cache. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/syscall.h>

#include <cmocka.h>

#include "trace/trace.h"

#define MAX_NR 1023

static struct policy *load_profile(const char *text)
{
        struct policy_env env = {
            .caps_bounding = ~0ull, .kernel_major = 6, .kernel_minor = 1, .go_arch = "amd64"};
        struct policy_error err;
        struct policy *p = NULL;
        if (policy_load_buffer(text, strlen(text), "test.json", &env, &p, &err) < 0)
                fail_msg("profile did not load: %s", err.message);
        return p;
}

static struct policy_call make_call(int nr, pid_t pid)
{
        struct policy_call call;
        memset(&call, 0, sizeof(call));
        call.nr = nr;
        call.pid = pid;
        return call;
}

static void test_counts_calls_per_syscall(void **state)
{
        struct trace_recorder rec;
        assert_int_equal(trace_recorder_init(&rec, NULL, MAX_NR, false), 0);
        struct policy_call read_call = make_call(__NR_read, 10);
        struct policy_call write_call = make_call(__NR_write, 10);
        for (int i = 0; i < 3; i++)
                assert_int_equal(trace_record(&rec, &read_call, NULL), 0);
        assert_int_equal(trace_record(&rec, &write_call, NULL), 0);

        assert_int_equal(rec.calls[__NR_read].count, 3);
        assert_int_equal(rec.calls[__NR_write].count, 1);
        assert_int_equal(rec.calls[__NR_openat].count, 0);
        assert_int_equal(rec.total, 4);
        assert_int_equal(trace_recorder_count(&rec, false), 2);
        trace_recorder_free(&rec);
}

static void test_without_base_every_syscall_is_new(void **state)
{
        struct trace_recorder rec;
        assert_int_equal(trace_recorder_init(&rec, NULL, MAX_NR, false), 0);
        assert_false(trace_recorder_named(&rec, __NR_read));
        struct policy_call call = make_call(__NR_read, 1);
        trace_record(&rec, &call, NULL);
        assert_int_equal(trace_recorder_count(&rec, true), 1);
        assert_int_equal(rec.total_new, 1);
        trace_recorder_free(&rec);
}

static void test_syscalls_the_base_names_are_not_new(void **state)
{
        struct policy *base =
            load_profile("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": ["
                         "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"},"
                         "{\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\","
                         " \"args\": [{\"index\": 0, \"value\": 0, \"op\": \"SCMP_CMP_EQ\"}]},"
                         "{\"names\": [\"connect\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}");
        struct trace_recorder rec;
        assert_int_equal(trace_recorder_init(&rec, base, MAX_NR, false), 0);
        assert_true(trace_recorder_named(&rec, __NR_read));
        /* Named with conditions is still named: the base decides it. */
        assert_true(trace_recorder_named(&rec, __NR_personality));
        assert_true(trace_recorder_named(&rec, __NR_connect));
        assert_false(trace_recorder_named(&rec, __NR_write));
        assert_false(trace_recorder_named(&rec, -1));
        assert_false(trace_recorder_named(&rec, MAX_NR + 1));

        struct policy_call connect_call = make_call(__NR_connect, 1);
        struct policy_call write_call = make_call(__NR_write, 1);
        trace_record(&rec, &connect_call, NULL);
        trace_record(&rec, &write_call, NULL);
        trace_record(&rec, &write_call, NULL);
        assert_int_equal(trace_recorder_count(&rec, false), 2);
        assert_int_equal(trace_recorder_count(&rec, true), 1);
        assert_int_equal(rec.total, 3);
        assert_int_equal(rec.total_new, 2);
        trace_recorder_free(&rec);
        policy_free(base);
}

static void test_nothing_is_new_under_a_base_that_allows_the_rest(void **state)
{
        static const char *const defaults[] = {"SCMP_ACT_ALLOW", "SCMP_ACT_LOG"};
        for (size_t i = 0; i < 2; i++) {
                char text[256];
                snprintf(text, sizeof(text),
                         "{\"defaultAction\": \"%s\", \"syscalls\": [{\"names\": "
                         "[\"keyctl\"], \"action\": \"SCMP_ACT_ERRNO\"}]}",
                         defaults[i]);
                struct policy *base = load_profile(text);
                struct trace_recorder rec;
                assert_int_equal(trace_recorder_init(&rec, base, MAX_NR, false), 0);
                assert_true(trace_recorder_named(&rec, __NR_keyctl));
                assert_true(trace_recorder_named(&rec, __NR_execve));
                struct policy_call call = make_call(__NR_execve, 1);
                trace_record(&rec, &call, NULL);
                assert_int_equal(trace_recorder_count(&rec, true), 0);
                trace_recorder_free(&rec);
                policy_free(base);
        }
}

static void test_numbers_out_of_range_are_refused(void **state)
{
        struct trace_recorder rec;
        assert_int_equal(trace_recorder_init(&rec, NULL, MAX_NR, false), 0);
        struct policy_call call = make_call(MAX_NR + 1, 1);
        assert_int_equal(trace_record(&rec, &call, NULL), -EINVAL);
        call.nr = -1;
        assert_int_equal(trace_record(&rec, &call, NULL), -EINVAL);
        assert_int_equal(rec.total, 0);
        trace_recorder_free(&rec);
}

static void test_first_caller_stays_and_last_follows(void **state)
{
        struct trace_recorder rec;
        struct trace_caller *a = trace_caller_new(100, "/bin/sh", "sh -c x");
        struct trace_caller *b = trace_caller_new(200, "/bin/ls", "ls /");
        assert_non_null(a);
        assert_non_null(b);
        assert_int_equal(trace_recorder_init(&rec, NULL, MAX_NR, false), 0);

        struct policy_call call = make_call(__NR_openat, 100);
        trace_record(&rec, &call, a);
        assert_ptr_equal(rec.calls[__NR_openat].first, a);
        assert_ptr_equal(rec.calls[__NR_openat].last, a);
        call.pid = 200;
        trace_record(&rec, &call, b);
        assert_ptr_equal(rec.calls[__NR_openat].first, a);
        assert_ptr_equal(rec.calls[__NR_openat].last, b);
        assert_string_equal(rec.calls[__NR_openat].last->exe, "/bin/ls");
        /* Ours, the first and the last slot. */
        assert_int_equal(a->refs, 2);
        assert_int_equal(b->refs, 2);

        trace_recorder_free(&rec);
        assert_int_equal(a->refs, 1);
        assert_int_equal(b->refs, 1);
        trace_caller_unref(a);
        trace_caller_unref(b);
}

static void test_unknown_caller_is_recorded_as_null(void **state)
{
        struct trace_recorder rec;
        assert_int_equal(trace_recorder_init(&rec, NULL, MAX_NR, false), 0);
        struct policy_call call = make_call(__NR_read, 5);
        assert_int_equal(trace_record(&rec, &call, NULL), 0);
        assert_null(rec.calls[__NR_read].first);
        assert_int_equal(rec.calls[__NR_read].count, 1);
        trace_recorder_free(&rec);
}

static void test_caller_may_lack_exe_and_cmdline(void **state)
{
        struct trace_caller *c = trace_caller_new(7, NULL, NULL);
        assert_non_null(c);
        assert_int_equal(c->pid, 7);
        assert_null(c->exe);
        assert_null(c->cmdline);
        assert_ptr_equal(trace_caller_ref(c), c);
        assert_int_equal(c->refs, 2);
        trace_caller_unref(c);
        trace_caller_unref(c);
        trace_caller_unref(NULL);
}

static void test_socket_family_and_type_values_are_distinct_and_sorted(void **state)
{
        struct trace_recorder rec;
        assert_int_equal(trace_recorder_init(&rec, NULL, MAX_NR, false), 0);
        struct policy_call call = make_call(__NR_socket, 1);
        uint64_t seen[][2] = {{AF_INET6, SOCK_DGRAM},
                              {AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC},
                              {AF_INET6, SOCK_DGRAM},
                              {AF_INET, SOCK_STREAM}};
        for (size_t i = 0; i < 4; i++) {
                call.args[0] = seen[i][0];
                call.args[1] = seen[i][1];
                trace_record(&rec, &call, NULL);
        }
        const struct trace_values *family = &rec.calls[__NR_socket].args[0];
        const struct trace_values *type = &rec.calls[__NR_socket].args[1];
        assert_int_equal(family->n, 3);
        assert_int_equal(family->values[0], AF_UNIX);
        assert_int_equal(family->values[1], AF_INET);
        assert_int_equal(family->values[2], AF_INET6);
        assert_false(family->truncated);
        assert_int_equal(type->n, 3);
        assert_int_equal(type->values[0], SOCK_STREAM);
        assert_int_equal(type->values[1], SOCK_DGRAM);
        assert_int_equal(type->values[2], SOCK_STREAM | SOCK_CLOEXEC);
        trace_recorder_free(&rec);
}

static void test_recorded_arguments_are_the_documented_ones(void **state)
{
        const struct trace_arg_desc *d;
        assert_int_equal(trace_arg_descs(__NR_socket, &d), 2);
        assert_int_equal(d[0].index, 0);
        assert_int_equal(d[0].kind, TRACE_ARG_SOCKET_FAMILY);
        assert_int_equal(d[1].index, 1);
        assert_int_equal(d[1].kind, TRACE_ARG_SOCKET_TYPE);
        assert_int_equal(trace_arg_descs(__NR_ioctl, &d), 1);
        assert_int_equal(d[0].index, 1);
        assert_int_equal(d[0].kind, TRACE_ARG_IOCTL_REQUEST);
        assert_int_equal(trace_arg_descs(__NR_prctl, &d), 1);
        assert_int_equal(d[0].kind, TRACE_ARG_PRCTL_OPTION);
        assert_int_equal(trace_arg_descs(__NR_personality, &d), 1);
        assert_int_equal(d[0].kind, TRACE_ARG_PERSONALITY);
        assert_int_equal(trace_arg_descs(__NR_clone, &d), 1);
        assert_int_equal(d[0].kind, TRACE_ARG_CLONE_FLAGS);
        assert_int_equal(trace_arg_descs(__NR_read, &d), 0);
        assert_null(d);
}

static void test_values_beyond_the_cap_mark_truncation(void **state)
{
        struct trace_recorder rec;
        assert_int_equal(trace_recorder_init(&rec, NULL, MAX_NR, false), 0);
        struct policy_call call = make_call(__NR_ioctl, 1);
        for (uint64_t v = 0; v < TRACE_MAX_VALUES; v++) {
                call.args[1] = 0x5400 + v;
                trace_record(&rec, &call, NULL);
        }
        const struct trace_values *req = &rec.calls[__NR_ioctl].args[0];
        assert_int_equal(req->n, TRACE_MAX_VALUES);
        assert_false(req->truncated);
        /* A value already kept does not count as one too many. */
        call.args[1] = 0x5400;
        trace_record(&rec, &call, NULL);
        assert_false(req->truncated);
        call.args[1] = 0x9999;
        trace_record(&rec, &call, NULL);
        assert_true(req->truncated);
        assert_int_equal(req->n, TRACE_MAX_VALUES);
        trace_recorder_free(&rec);
}

static void test_paths_are_kept_only_on_request(void **state)
{
        struct trace_recorder rec;
        struct policy_call call = make_call(__NR_openat, 1);
        call.have_paths = true;
        call.n_paths = 1;
        call.paths[0] = "/etc/passwd";

        assert_int_equal(trace_recorder_init(&rec, NULL, MAX_NR, false), 0);
        trace_record(&rec, &call, NULL);
        assert_int_equal(rec.calls[__NR_openat].paths.n, 0);
        trace_recorder_free(&rec);

        assert_int_equal(trace_recorder_init(&rec, NULL, MAX_NR, true), 0);
        trace_record(&rec, &call, NULL);
        trace_record(&rec, &call, NULL);
        call.paths[0] = "/etc/group";
        trace_record(&rec, &call, NULL);
        /* An unreadable path is not a path. */
        call.paths[0] = NULL;
        trace_record(&rec, &call, NULL);
        assert_int_equal(rec.calls[__NR_openat].paths.n, 2);
        assert_false(rec.calls[__NR_openat].paths.truncated);
        trace_recorder_free(&rec);
}

/* What the proposed rules need to know: calls that named no readable path. */
static void test_calls_without_a_readable_path_are_counted(void **state)
{
        struct trace_recorder rec;
        struct policy_call call = make_call(__NR_newfstatat, 1);
        assert_int_equal(trace_recorder_init(&rec, NULL, MAX_NR, true), 0);
        call.have_paths = true;
        call.n_paths = 1;
        call.paths[0] = "/etc/passwd";
        trace_record(&rec, &call, NULL);
        call.paths[0] = NULL; /* e.g. a pipe's fstat */
        trace_record(&rec, &call, NULL);
        call.have_paths = false; /* could not be decoded */
        trace_record(&rec, &call, NULL);
        assert_int_equal(rec.calls[__NR_newfstatat].path_calls, 3);
        assert_int_equal(rec.calls[__NR_newfstatat].unnamed_path_calls, 2);
        trace_recorder_free(&rec);
        (void)state;
}

static struct policy_addr inet_addr4(uint32_t host_order, uint16_t port)
{
        struct policy_addr a = {.len = sizeof(struct sockaddr_in)};
        struct sockaddr_in *in = (struct sockaddr_in *)&a.sa;
        in->sin_family = AF_INET;
        in->sin_port = htons(port);
        in->sin_addr.s_addr = htonl(host_order);
        return a;
}

/* Addresses: as netaddr_format() writes them, a unix socket by the file it
 * reaches, none for a call that names no peer, at most TRACE_MAX_ADDRESSES. */
static void test_addresses_are_kept_as_text_up_to_the_cap(void **state)
{
        struct trace_recorder rec;
        struct policy_call call = make_call(__NR_connect, 1);
        struct policy_addr addrs[2] = {inet_addr4(0x7f000001, 80)};
        struct sockaddr_un *un = (struct sockaddr_un *)&addrs[1].sa;
        un->sun_family = AF_UNIX;
        strcpy(un->sun_path, "rel.sock");
        addrs[1].len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 9);
        addrs[1].unix_path = "/run/real/rel.sock";
        assert_int_equal(trace_recorder_init(&rec, NULL, MAX_NR, false), 0);
        call.have_addr = true;
        call.addrs = addrs;
        call.n_addrs = 2;
        trace_record(&rec, &call, NULL);
        trace_record(&rec, &call, NULL);
        const struct trace_strset *set = &rec.calls[__NR_connect].addresses;
        assert_int_equal(set->n, 2);
        bool inet = false, unix_file = false;
        for (size_t i = 0; i < set->cap; i++) {
                inet |= set->slots[i] && strcmp(set->slots[i], "127.0.0.1:80") == 0;
                unix_file |= set->slots[i] && strcmp(set->slots[i], "unix:/run/real/rel.sock") == 0;
        }
        assert_true(inet);
        assert_true(unix_file);

        /* A send on a connected socket names no peer: nothing is added. */
        struct policy_addr none = {.none = true};
        call.addrs = &none;
        call.n_addrs = 1;
        trace_record(&rec, &call, NULL);
        assert_int_equal(set->n, 2);

        for (int port = 1; port <= TRACE_MAX_ADDRESSES + 5; port++) {
                struct policy_addr one = inet_addr4(0x7f000001, (uint16_t)(1000 + port));
                call.addrs = &one;
                trace_record(&rec, &call, NULL);
        }
        assert_int_equal(set->n, TRACE_MAX_ADDRESSES);
        assert_true(set->truncated);
        trace_recorder_free(&rec);
        (void)state;
}

static void test_paths_beyond_the_cap_mark_truncation(void **state)
{
        struct trace_recorder rec;
        struct policy_call call = make_call(__NR_openat, 1);
        char path[64];
        call.have_paths = true;
        call.n_paths = 1;
        call.paths[0] = path;
        assert_int_equal(trace_recorder_init(&rec, NULL, MAX_NR, true), 0);
        for (int i = 0; i < TRACE_MAX_PATHS; i++) {
                snprintf(path, sizeof(path), "/tmp/f%d", i);
                trace_record(&rec, &call, NULL);
        }
        assert_int_equal(rec.calls[__NR_openat].paths.n, TRACE_MAX_PATHS);
        assert_false(rec.calls[__NR_openat].paths.truncated);
        snprintf(path, sizeof(path), "/tmp/f%d", 0);
        trace_record(&rec, &call, NULL);
        assert_false(rec.calls[__NR_openat].paths.truncated);
        snprintf(path, sizeof(path), "/tmp/other");
        trace_record(&rec, &call, NULL);
        assert_true(rec.calls[__NR_openat].paths.truncated);
        assert_int_equal(rec.calls[__NR_openat].paths.n, TRACE_MAX_PATHS);
        trace_recorder_free(&rec);
}

static void test_sorted_lists_are_by_name(void **state)
{
        struct policy *base = load_profile("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": "
                                           "[{\"names\": [\"close\"], \"action\": "
                                           "\"SCMP_ACT_ALLOW\"}]}");
        struct trace_recorder rec;
        int *nrs;
        size_t n;
        assert_int_equal(trace_recorder_init(&rec, base, MAX_NR, false), 0);
        int order[] = {__NR_write, __NR_close, __NR_brk, __NR_read};
        for (size_t i = 0; i < 4; i++) {
                struct policy_call call = make_call(order[i], 1);
                trace_record(&rec, &call, NULL);
        }
        assert_int_equal(trace_recorder_sorted(&rec, false, &nrs, &n), 0);
        assert_int_equal(n, 4);
        assert_int_equal(nrs[0], __NR_brk);
        assert_int_equal(nrs[1], __NR_close);
        assert_int_equal(nrs[2], __NR_read);
        assert_int_equal(nrs[3], __NR_write);
        free(nrs);
        assert_int_equal(trace_recorder_sorted(&rec, true, &nrs, &n), 0);
        assert_int_equal(n, 3);
        assert_int_equal(nrs[0], __NR_brk);
        assert_int_equal(nrs[1], __NR_read);
        free(nrs);
        assert_string_equal(trace_recorder_name(&rec, __NR_brk), "brk");
        assert_null(trace_recorder_name(&rec, MAX_NR + 5));
        trace_recorder_free(&rec);
        policy_free(base);
}

static void test_nothing_seen_gives_an_empty_list(void **state)
{
        struct trace_recorder rec;
        int *nrs = (int *)1;
        size_t n = 99;
        assert_int_equal(trace_recorder_init(&rec, NULL, MAX_NR, false), 0);
        assert_int_equal(trace_recorder_sorted(&rec, false, &nrs, &n), 0);
        assert_int_equal(n, 0);
        assert_null(nrs);
        trace_recorder_free(&rec);
}

static void test_caller_cache_finds_by_pid(void **state)
{
        struct trace_caller_cache cache;
        memset(&cache, 0, sizeof(cache));
        struct trace_caller *a = trace_caller_new(42, "/bin/a", "a");
        assert_null(trace_caller_cache_get(&cache, 42));
        trace_caller_cache_put(&cache, a);
        assert_ptr_equal(trace_caller_cache_get(&cache, 42), a);
        assert_int_equal(a->refs, 2);
        /* The same slot, another pid: not a hit. */
        assert_null(trace_caller_cache_get(&cache, 42 + TRACE_CALLER_CACHE_SLOTS));
        trace_caller_cache_forget(&cache, 43);
        assert_ptr_equal(trace_caller_cache_get(&cache, 42), a);
        trace_caller_cache_forget(&cache, 42);
        assert_null(trace_caller_cache_get(&cache, 42));
        assert_int_equal(a->refs, 1);
        trace_caller_unref(a);
}

static void test_caller_cache_collision_replaces(void **state)
{
        struct trace_caller_cache cache;
        memset(&cache, 0, sizeof(cache));
        struct trace_caller *a = trace_caller_new(5, "/bin/a", "a");
        struct trace_caller *b = trace_caller_new(5 + TRACE_CALLER_CACHE_SLOTS, "/bin/b", "b");
        trace_caller_cache_put(&cache, a);
        trace_caller_cache_put(&cache, b);
        assert_null(trace_caller_cache_get(&cache, 5));
        assert_ptr_equal(trace_caller_cache_get(&cache, 5 + TRACE_CALLER_CACHE_SLOTS), b);
        assert_int_equal(a->refs, 1);
        trace_caller_cache_clear(&cache);
        assert_null(trace_caller_cache_get(&cache, 5 + TRACE_CALLER_CACHE_SLOTS));
        assert_int_equal(b->refs, 1);
        trace_caller_unref(a);
        trace_caller_unref(b);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_counts_calls_per_syscall),
            cmocka_unit_test(test_without_base_every_syscall_is_new),
            cmocka_unit_test(test_syscalls_the_base_names_are_not_new),
            cmocka_unit_test(test_nothing_is_new_under_a_base_that_allows_the_rest),
            cmocka_unit_test(test_numbers_out_of_range_are_refused),
            cmocka_unit_test(test_first_caller_stays_and_last_follows),
            cmocka_unit_test(test_unknown_caller_is_recorded_as_null),
            cmocka_unit_test(test_caller_may_lack_exe_and_cmdline),
            cmocka_unit_test(test_socket_family_and_type_values_are_distinct_and_sorted),
            cmocka_unit_test(test_recorded_arguments_are_the_documented_ones),
            cmocka_unit_test(test_values_beyond_the_cap_mark_truncation),
            cmocka_unit_test(test_paths_are_kept_only_on_request),
            cmocka_unit_test(test_paths_beyond_the_cap_mark_truncation),
            cmocka_unit_test(test_calls_without_a_readable_path_are_counted),
            cmocka_unit_test(test_addresses_are_kept_as_text_up_to_the_cap),
            cmocka_unit_test(test_sorted_lists_are_by_name),
            cmocka_unit_test(test_nothing_seen_gives_an_empty_list),
            cmocka_unit_test(test_caller_cache_finds_by_pid),
            cmocka_unit_test(test_caller_cache_collision_replaces),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
