/* SPDX-License-Identifier: MIT */
/*
 * The fuzz_term_input target's seed corpus, and the inputs that once broke
 * it or are known to be nasty (fuzz/regressions/fuzz_term_input/), replayed
 * in the ordinary test run. The target's own checks abort on a broken
 * promise (a key read out of a terminal's report); here they run under
 * gcc, and under ASan and UBSan in scripts/sanitize.sh.
 */
#include "../../fuzz/fuzz_term_input.c"
#include "../../fuzz/replay.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

static void test_seed_corpus_passes(void **state)
{
        int n = fuzz_replay_dir(SOURCE_DIR "/fuzz/corpus/fuzz_term_input");
        assert_true(n > 0);
}

static void test_past_crashes_stay_fixed(void **state)
{
        int n = fuzz_replay_dir(SOURCE_DIR "/fuzz/regressions/fuzz_term_input");
        assert_true(n > 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_seed_corpus_passes),
            cmocka_unit_test(test_past_crashes_stay_fixed),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
