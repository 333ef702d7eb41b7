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

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_observer_and_decider_coexist),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
