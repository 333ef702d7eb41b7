/* SPDX-License-Identifier: MIT */
/*
 * The loop's interfaces to the rest of the program: an observer (trace)
 * and a decider (prompting) each keep their own context, so both can be
 * set at once, and taking the decider away leaves the observer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/supervisor.h"
#include "core/supervisor_internal.h"

#include <errno.h>
#include <linux/audit.h>
#include <pthread.h>
#include <sys/syscall.h>

static const struct policy_env env = {.caps_bounding = (UINT64_C(1) << 41) - 1,
                                      .kernel_major = 6,
                                      .kernel_minor = 18,
                                      .go_arch = "amd64"};

static void observe(void *ctx, struct target *t, uint64_t notif_id, const struct policy_call *call,
                    struct policy_decision *d)
{
}

static int prompt(void *ctx, struct pending_call *pc)
{
        return 0;
}

static void cancel(void *ctx, struct pending_call *pc)
{
}

static void test_observer_and_decider_coexist(void **state)
{
        (void)state;
        static const char text[] = "{\"defaultAction\": \"SCMP_ACT_ALLOW\"}";
        struct policy *p = NULL;
        struct policy_error err;
        struct supervisor sup;
        const struct supervisor_options opts = {0};
        int tracer, broker;

        assert_int_equal(policy_load_buffer(text, strlen(text), "p.json", &env, &p, &err), 0);
        assert_int_equal(supervisor_init(&sup, p, &opts), 0);
        supervisor_set_observer(&sup,
                                &(struct supervisor_observer){.ctx = &tracer,
                                                              .observe = observe,
                                                              .any_thread = true,
                                                              .extra_needs = POLICY_NEED_PATHS});
        supervisor_set_decider(
            &sup, &(struct supervisor_decider){.ctx = &broker, .prompt = prompt, .cancel = cancel});
        assert_ptr_equal(sup.observer.ctx, &tracer);
        assert_ptr_equal(sup.observer.observe, observe);
        assert_int_equal(sup.observer.extra_needs, POLICY_NEED_PATHS);
        assert_ptr_equal(sup.decider.ctx, &broker);
        assert_ptr_equal(sup.decider.prompt, prompt);

        supervisor_set_decider(&sup, NULL);
        assert_null(sup.decider.prompt);
        assert_null(sup.decider.cancel);
        assert_ptr_equal(sup.observer.ctx, &tracer);
        assert_ptr_equal(sup.observer.observe, observe);

        assert_null(supervisor_first_target(&sup));
        assert_int_equal(supervisor_target_count(&sup), 0);
        supervisor_close(&sup);
        policy_free(p);
}

/* Lanes count refusals from their own threads at once. */
static void *count_mkdirs(void *arg)
{
        struct supervisor *sup = arg;
        for (int i = 0; i < 10000; i++)
                supervisor_count_refusal(sup, 0, __NR_mkdir, EACCES, "/usr/bin/mkdir");
        return NULL;
}

/* run --explain's table: one row per syscall, errno and executable, most
 * refused first, counted exactly from several threads, bounded. */
static void test_refusals_are_counted_sorted_and_bounded(void **state)
{
        (void)state;
        static const char text[] = "{\"defaultAction\": \"SCMP_ACT_ERRNO\"}";
        struct policy *p = NULL;
        struct policy_error err;
        struct supervisor sup;
        const struct supervisor_options opts = {.routing = {.notify_refused = true}};
        const struct supervisor_refusal *rows;
        uint64_t other;
        pthread_t threads[4];

        assert_int_equal(policy_load_buffer(text, strlen(text), "p.json", &env, &p, &err), 0);
        assert_int_equal(supervisor_init(&sup, p, &opts), 0);
        assert_int_equal(supervisor_refusals(&sup, &rows, &other), 0);

        supervisor_count_refusal(&sup, 0, __NR_dup2, EPERM, "/usr/bin/git");
        for (int i = 0; i < 4; i++)
                assert_int_equal(pthread_create(&threads[i], NULL, count_mkdirs, &sup), 0);
        for (int i = 0; i < 4; i++)
                pthread_join(threads[i], NULL);
        /* Another errno or another program is another row; so is an
         * unknown program. */
        supervisor_count_refusal(&sup, 0, __NR_mkdir, EEXIST, "/usr/bin/mkdir");
        supervisor_count_refusal(&sup, 0, __NR_mkdir, EACCES, "/bin/busybox");
        supervisor_count_refusal(&sup, 0, __NR_mkdir, EACCES, NULL);
        supervisor_count_refusal(&sup, 0, __NR_mkdir, EACCES, NULL);
        /* An i386 call is named as such, and an x32 one (the native arch,
         * the x32 bit in its number). */
        supervisor_count_refusal(&sup, AUDIT_ARCH_I386, 41, EPERM, NULL);
        supervisor_count_refusal(&sup, AUDIT_ARCH_X86_64, 0x40000000 | 83, EPERM, NULL);

        size_t n = supervisor_refusals(&sup, &rows, &other);
        assert_int_equal(n, 7);
        assert_int_equal(other, 0);
        assert_string_equal(rows[0].name, "mkdir");
        assert_int_equal(rows[0].error, EACCES);
        assert_string_equal(rows[0].exe, "/usr/bin/mkdir");
        assert_int_equal(rows[0].count, 40000);
        assert_int_equal(rows[1].count, 2);
        assert_null(rows[1].exe);
        uint64_t total = 0;
        bool saw_i386 = false, saw_x32 = false;
        for (size_t i = 0; i < n; i++) {
                total += rows[i].count;
                if (i > 0)
                        assert_true(rows[i - 1].count >= rows[i].count);
                if (rows[i].arch == AUDIT_ARCH_I386) {
                        assert_string_equal(rows[i].name, "dup (x86)");
                        saw_i386 = true;
                }
                if (rows[i].nr == (0x40000000 | 83)) {
                        assert_string_equal(rows[i].name, "mkdir (x32)");
                        saw_x32 = true;
                }
        }
        assert_int_equal(total, 40007);
        assert_true(saw_i386);
        assert_true(saw_x32);

        /* A program making calls to every syscall number with every errno
         * fills the table; the rest is counted, not kept. */
        for (int e = 1; e <= 20; e++)
                for (int nr = 0; nr < 40; nr++)
                        supervisor_count_refusal(&sup, 0, nr, e, "/x");
        n = supervisor_refusals(&sup, &rows, &other);
        assert_int_equal(n, 512);
        assert_int_equal(other, 7 + 20 * 40 - 512);
        supervisor_close(&sup);
        policy_free(p);
}

/* Without --explain there is no table, and counting is a no-op. */
static void test_no_refusals_without_explain(void **state)
{
        (void)state;
        static const char text[] = "{\"defaultAction\": \"SCMP_ACT_ERRNO\"}";
        struct policy *p = NULL;
        struct policy_error err;
        struct supervisor sup;
        const struct supervisor_options opts = {0};
        const struct supervisor_refusal *rows;
        uint64_t other;

        assert_int_equal(policy_load_buffer(text, strlen(text), "p.json", &env, &p, &err), 0);
        assert_int_equal(supervisor_init(&sup, p, &opts), 0);
        supervisor_count_refusal(&sup, 0, __NR_mkdir, EACCES, NULL);
        assert_int_equal(supervisor_refusals(&sup, &rows, &other), 0);
        assert_null(rows);
        supervisor_close(&sup);
        policy_free(p);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_observer_and_decider_coexist),
            cmocka_unit_test(test_refusals_are_counted_sorted_and_bounded),
            cmocka_unit_test(test_no_refusals_without_explain),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
