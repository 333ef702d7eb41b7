/* SPDX-License-Identifier: MIT */
/* launcher_runs_as_itself: which commands /proc will name as themselves,
 * the condition for the executable cache's one answer for every caller. */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <errno.h>
#include <linux/filter.h>

#include "launch/launcher.h"

/* Writes size bytes of data to a new temporary file; its path in path. */
static void write_file(char path[64], const void *data, size_t size)
{
        strcpy(path, "/tmp/test_launcher.XXXXXX");
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, data, size), (ssize_t)size);
        close(fd);
}

static void test_an_elf_of_our_kind(void **state)
{
        (void)state;
        assert_true(launcher_runs_as_itself("/proc/self/exe"));
        assert_true(launcher_runs_as_itself("/bin/sh"));
}

static void test_a_script_is_not(void **state)
{
        (void)state;
        char path[64];
        write_file(path, "#!/bin/sh\nexit 0\n", 17);
        assert_false(launcher_runs_as_itself(path));
        unlink(path);
}

/* Our own header with another class, or another machine: a binary the
 * kernel would hand to binfmt_misc or run as another architecture. */
static void test_an_elf_of_another_kind_is_not(void **state)
{
        (void)state;
        Elf64_Ehdr ours;
        FILE *f = fopen("/proc/self/exe", "rb");
        assert_non_null(f);
        assert_int_equal(fread(&ours, sizeof(ours), 1, f), 1);
        fclose(f);

        char path[64];
        Elf64_Ehdr other = ours;
        other.e_ident[EI_CLASS] = ours.e_ident[EI_CLASS] == ELFCLASS64 ? ELFCLASS32 : ELFCLASS64;
        write_file(path, &other, sizeof(other));
        assert_false(launcher_runs_as_itself(path));
        unlink(path);

        other = ours;
        other.e_machine = (uint16_t)(ours.e_machine + 1);
        write_file(path, &other, sizeof(other));
        assert_false(launcher_runs_as_itself(path));
        unlink(path);

        /* The header alone, unchanged: this test's judge is the header. */
        write_file(path, &ours, sizeof(ours));
        assert_true(launcher_runs_as_itself(path));
        unlink(path);
}

static void test_short_missing_or_unreadable_is_not(void **state)
{
        (void)state;
        char path[64];
        write_file(path, ELFMAG, SELFMAG);
        assert_false(launcher_runs_as_itself(path));
        unlink(path);
        assert_false(launcher_runs_as_itself(path));
        assert_false(launcher_runs_as_itself("/"));
}

/* What an early launcher reads (launcher_go): a payload made as
 * launch_go() makes it applies; each way of breaking it is refused. */
static size_t make_go(struct launcher_go *h, char *buf, size_t size, const char *message,
                      const char *path)
{
        struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, 0x7fff0000);
        size_t m = strlen(message), p = strlen(path);

        *h = (struct launcher_go){.magic = LAUNCHER_GO_MAGIC,
                                  .filter_flags = 8,
                                  .n_insns = 1,
                                  .message_len = (uint32_t)m,
                                  .path_len = (uint32_t)p,
                                  .send_after_load = 1};
        assert_true(sizeof(allow) + m + p + 2 <= size);
        memcpy(buf, &allow, sizeof(allow));
        memcpy(buf + sizeof(allow), message, m + 1);
        memcpy(buf + sizeof(allow) + m + 1, path, p + 1);
        return sizeof(allow) + m + p + 2;
}

static void test_go_applies_what_launch_go_sends(void **state)
{
        struct launcher_go h;
        struct launch_spec spec = {0};
        char buf[256];
        size_t n = make_go(&h, buf, sizeof(buf), "{\"pid\":0}", "/bin/true");

        (void)state;
        assert_int_equal(launcher_go_payload_size(&h), n);
        assert_int_equal(launcher_go_apply(&h, buf, n, &spec), 0);
        assert_ptr_equal(spec.bpf.insns, buf);
        assert_int_equal(spec.bpf.len, 1);
        assert_int_equal(spec.filter_flags, 8);
        assert_true(spec.send_after_load);
        assert_string_equal(spec.message, "{\"pid\":0}");
        assert_string_equal(spec.exec_path, "/bin/true");
        /* No message: the launcher makes its own. */
        n = make_go(&h, buf, sizeof(buf), "", "/bin/true");
        assert_int_equal(launcher_go_apply(&h, buf, n, &spec), 0);
        assert_null(spec.message);
}

static void test_go_refuses_what_does_not_add_up(void **state)
{
        struct launcher_go h, bad;
        struct launch_spec spec = {0};
        char buf[256];
        size_t n = make_go(&h, buf, sizeof(buf), "{}", "/bin/true");

        (void)state;
        bad = h, bad.magic ^= 1;
        assert_int_equal(launcher_go_payload_size(&bad), 0);
        bad = h, bad.n_insns = 0;
        assert_int_equal(launcher_go_payload_size(&bad), 0);
        bad = h, bad.n_insns = LAUNCHER_GO_MAX_INSNS + 1;
        assert_int_equal(launcher_go_payload_size(&bad), 0);
        bad = h, bad.message_len = LAUNCHER_GO_MAX_MESSAGE + 1;
        assert_int_equal(launcher_go_payload_size(&bad), 0);
        bad = h, bad.path_len = 0;
        assert_int_equal(launcher_go_payload_size(&bad), 0);
        bad = h, bad.path_len = 4096;
        assert_int_equal(launcher_go_payload_size(&bad), 0);
        bad = h, bad.send_after_load = 2;
        assert_int_equal(launcher_go_payload_size(&bad), 0);
        /* A size other than the header's. */
        assert_int_equal(launcher_go_apply(&h, buf, n - 1, &spec), -EPROTO);
        /* A string not ended where the header says. */
        bad = h, bad.message_len = 1, bad.path_len = 10;
        assert_int_equal(launcher_go_apply(&bad, buf, n, &spec), -EPROTO);
        buf[n - 1] = 'x';
        assert_int_equal(launcher_go_apply(&h, buf, n, &spec), -EPROTO);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_an_elf_of_our_kind),
            cmocka_unit_test(test_a_script_is_not),
            cmocka_unit_test(test_an_elf_of_another_kind_is_not),
            cmocka_unit_test(test_short_missing_or_unreadable_is_not),
            cmocka_unit_test(test_go_applies_what_launch_go_sends),
            cmocka_unit_test(test_go_refuses_what_does_not_add_up),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
