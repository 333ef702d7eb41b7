/* SPDX-License-Identifier: MIT */
/*
 * One fuzz target's seed corpus, and the inputs that once broke it or are
 * known to be nasty (fuzz/regressions/TARGET/), replayed in the ordinary
 * test run: tests/CMakeLists.txt builds this file once per fuzz/fuzz_*.c,
 * as unit/test_fuzz_TARGET, with FUZZ_TARGET naming it. The target's own
 * checks abort on a broken promise; here they run under gcc, and under
 * ASan and UBSan in scripts/sanitize.sh.
 */
#define STRINGIFY_(x) #x
#define STRINGIFY(x)  STRINGIFY_(x)
#include STRINGIFY(FUZZ_TARGET_SOURCE)
#include "../../fuzz/replay.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

static void test_seed_corpus_passes(void **state)
{
        int n = fuzz_replay_dir(SOURCE_DIR "/fuzz/corpus/" STRINGIFY(FUZZ_TARGET));
        assert_true(n > 0);
}

static void test_past_crashes_stay_fixed(void **state)
{
        int n = fuzz_replay_dir(SOURCE_DIR "/fuzz/regressions/" STRINGIFY(FUZZ_TARGET));
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
