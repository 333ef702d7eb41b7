/* SPDX-License-Identifier: MIT */
/*
 * Who answers a lane's call (supervisor/core/lane_state.h): the lane, or the
 * loop's watchdog when reading the target takes too long, never both and
 * never neither; a target that closes gives up on a lane stuck in a read;
 * a policy the loop replaced is known to be out of use. The races are run
 * from two threads, many times.
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/lane_state.h"

static void a_call_read_in_time_is_the_lanes(void **state)
{
        uint64_t word = 0;

        lane_state_begin(&word, 1);
        assert_int_equal(lane_phase(word), LANE_DECIDING);
        lane_state_read(&word);
        uint64_t seen = word;
        assert_true(lane_state_read_done(&word));
        /* The watchdog looked while the lane was reading, and acts late. */
        assert_false(lane_state_expire(&word, seen));
        assert_true(lane_state_end(&word));
        assert_int_equal(lane_phase(word), LANE_IDLE);
        assert_int_equal(lane_call(word), 1);
}

static void the_watchdog_takes_a_call_stuck_in_a_read(void **state)
{
        uint64_t word = 0;

        lane_state_begin(&word, 7);
        lane_state_read(&word);
        assert_true(lane_state_expire(&word, word));
        assert_int_equal(lane_phase(word), LANE_EXPIRED);
        /* The read ends at last: the lane drops its answer... */
        assert_false(lane_state_read_done(&word));
        /* ...and takes the next call. */
        assert_true(lane_state_end(&word));
        lane_state_begin(&word, 8);
        lane_state_read(&word);
        assert_true(lane_state_read_done(&word));
}

static void only_a_call_being_read_expires(void **state)
{
        uint64_t word = 0;

        assert_false(lane_state_expire(&word, word)); /* idle */
        lane_state_begin(&word, 1);
        assert_false(lane_state_expire(&word, word)); /* deciding: the lane answers */
        lane_state_read(&word);
        uint64_t first = word;
        assert_true(lane_state_read_done(&word));
        assert_true(lane_state_end(&word));
        lane_state_begin(&word, 2);
        lane_state_read(&word);
        /* What the watchdog saw of call 1 cannot take call 2. */
        assert_false(lane_state_expire(&word, first));
        assert_int_equal(lane_phase(word), LANE_READING);
}

static void a_closing_target_gives_up_on_a_lane_in_a_read(void **state)
{
        uint64_t word = 0;

        /* Idle or deciding: the lane ends soon, and is waited for. */
        assert_false(lane_state_abandon(&word));
        lane_state_begin(&word, 1);
        assert_false(lane_state_abandon(&word));
        /* Reading: abandoned; once the read ends the lane exits. */
        lane_state_read(&word);
        assert_true(lane_state_abandon(&word));
        assert_false(lane_state_read_done(&word));
        assert_false(lane_state_end(&word));

        /* A call the watchdog took, the lane still in its read. */
        word = 0;
        lane_state_begin(&word, 1);
        lane_state_read(&word);
        assert_true(lane_state_expire(&word, word));
        assert_true(lane_state_abandon(&word));
        assert_false(lane_state_read_done(&word));
        assert_false(lane_state_end(&word));
}

static void a_replaced_policy_is_out_of_use_once_the_call_is_over(void **state)
{
        uint64_t word = 0;

        /* Idle at the switch: the next call loads the new policy. */
        assert_true(lane_state_settled(lane_state_look(&word), word));

        lane_state_begin(&word, 3);
        uint64_t then = lane_state_look(&word);
        assert_false(lane_state_settled(then, word));
        lane_state_read(&word);
        assert_false(lane_state_settled(then, word));
        assert_true(lane_state_read_done(&word));
        assert_false(lane_state_settled(then, word));
        assert_true(lane_state_end(&word));
        assert_true(lane_state_settled(then, word));

        /* Busy with call 4 at the switch, then on call 5 (which began
         * after it and so loaded the new policy). */
        lane_state_begin(&word, 4);
        then = lane_state_look(&word);
        assert_true(lane_state_end(&word));
        lane_state_begin(&word, 5);
        assert_true(lane_state_settled(then, word));

        /* A call the watchdog took touches nothing after its read. */
        lane_state_read(&word);
        then = lane_state_look(&word);
        assert_false(lane_state_settled(then, word));
        assert_true(lane_state_expire(&word, word));
        assert_true(lane_state_settled(then, word));
}

static void the_watchdog_waits_the_whole_deadline(void **state)
{
        struct lane_watch w = {0};
        uint64_t word = 0;

        lane_state_begin(&word, 1);
        assert_false(lane_watch_due(&w, word, 1000, 500)); /* deciding */
        lane_state_read(&word);
        assert_false(lane_watch_due(&w, word, 1100, 500)); /* first seen reading */
        assert_false(lane_watch_due(&w, word, 1500, 500));
        assert_true(lane_watch_due(&w, word, 1600, 500));

        /* Another call being read is timed afresh. */
        assert_true(lane_state_read_done(&word));
        assert_true(lane_state_end(&word));
        lane_state_begin(&word, 2);
        lane_state_read(&word);
        assert_false(lane_watch_due(&w, word, 1700, 500));
        assert_false(lane_watch_due(&w, word, 2100, 500));
        assert_true(lane_watch_due(&w, word, 2200, 500));

        /* And a call seen deciding in between is too. */
        assert_true(lane_state_read_done(&word));
        assert_false(lane_watch_due(&w, word, 2300, 500));
        lane_state_read(&word);
        assert_false(lane_watch_due(&w, word, 2400, 500));
        assert_false(lane_watch_due(&w, word, 2800, 500));
}

/* The race itself: a lane making CALLS calls, each read for a moment,
 * against a watchdog that takes every call it sees being read. Each call
 * must be answered exactly once, by one or the other. (Three rounds of a
 * million, each side on a CPU of its own: a lane that checked and then
 * stored, instead of one compare-and-swap, answered some call twice in 8
 * runs of 8; sharing a CPU, or with fewer calls, it often got through.) */
#define CALLS 1000000

struct race {
        uint64_t word;
        uint8_t answers[CALLS + 1]; /* per call: lane +1, watchdog +1 */
        int watchdog_running, lane_done;
        unsigned long by_lane, by_watchdog, bad_ends;
};

/* Puts the calling thread on the index-th CPU it may use, if there are
 * two: a race needs both sides running at the same moment, which two
 * threads sharing one CPU seldom are. */
static void on_own_cpu(int index)
{
        cpu_set_t allowed, one;
        int seen = 0;

        if (sched_getaffinity(0, sizeof(allowed), &allowed) < 0 || CPU_COUNT(&allowed) < 2)
                return;
        for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
                if (!CPU_ISSET(cpu, &allowed) || seen++ != index)
                        continue;
                CPU_ZERO(&one);
                CPU_SET(cpu, &one);
                pthread_setaffinity_np(pthread_self(), sizeof(one), &one);
                break;
        }
}

static void *race_lane(void *arg)
{
        struct race *r = arg;

        on_own_cpu(0);
        /* Not before the other side is there to race. */
        while (!__atomic_load_n(&r->watchdog_running, __ATOMIC_ACQUIRE))
                sched_yield();
        for (uint64_t call = 1; call <= CALLS; call++) {
                lane_state_begin(&r->word, call);
                lane_state_read(&r->word);
                for (volatile int spin = 0; spin < (int)(call % 64); spin++)
                        ;
                if (lane_state_read_done(&r->word)) {
                        __atomic_fetch_add(&r->answers[call], 1, __ATOMIC_RELAXED);
                        r->by_lane++;
                }
                /* cmocka's checks belong to the main thread. */
                if (!lane_state_end(&r->word))
                        r->bad_ends++;
        }
        __atomic_store_n(&r->lane_done, 1, __ATOMIC_RELEASE);
        return NULL;
}

static void *race_watchdog(void *arg)
{
        struct race *r = arg;

        on_own_cpu(1);
        __atomic_store_n(&r->watchdog_running, 1, __ATOMIC_RELEASE);
        while (!__atomic_load_n(&r->lane_done, __ATOMIC_ACQUIRE)) {
                uint64_t seen = __atomic_load_n(&r->word, __ATOMIC_ACQUIRE);
                if (lane_state_expire(&r->word, seen)) {
                        __atomic_fetch_add(&r->answers[lane_call(seen)], 1, __ATOMIC_RELAXED);
                        r->by_watchdog++;
                }
        }
        return NULL;
}

static void every_call_is_answered_once_by_one_side(void **state)
{
        unsigned long by_lane = 0, by_watchdog = 0;

        /* Again until each side has won some calls: on a busy machine the
         * two threads may not run at the same moment for a whole round. */
        for (int round = 0; round < 3 || (round < 10 && (by_lane == 0 || by_watchdog == 0));
             round++) {
                struct race *r = calloc(1, sizeof(*r));
                pthread_t lane, watchdog;

                assert_non_null(r);
                assert_int_equal(pthread_create(&watchdog, NULL, race_watchdog, r), 0);
                assert_int_equal(pthread_create(&lane, NULL, race_lane, r), 0);
                pthread_join(lane, NULL);
                pthread_join(watchdog, NULL);
                assert_int_equal(r->bad_ends, 0);
                for (uint64_t call = 1; call <= CALLS; call++)
                        if (r->answers[call] != 1)
                                fail_msg("call %llu answered %u times", (unsigned long long)call,
                                         r->answers[call]);
                assert_int_equal(r->by_lane + r->by_watchdog, CALLS);
                by_lane += r->by_lane;
                by_watchdog += r->by_watchdog;
                free(r);
        }
        /* Both sides won some, or the race did not happen. */
        if (by_watchdog == 0 || by_lane == 0)
                fail_msg("no race in 10 rounds: lane %lu, watchdog %lu", by_lane, by_watchdog);
}

/* A lane whose call the watchdog took, ending it while the target closes:
 * either the lane goes on (and is waited for) or it was abandoned (and
 * exits), never both, never neither. */
struct end_race {
        uint64_t word;
        int go;
        bool ended, abandoned;
};

static void *end_race_lane(void *arg)
{
        struct end_race *r = arg;
        while (!__atomic_load_n(&r->go, __ATOMIC_ACQUIRE))
                ;
        r->ended = lane_state_end(&r->word);
        return NULL;
}

static void the_lane_ends_or_is_abandoned_never_both(void **state)
{
        unsigned went_on = 0, gave_up = 0;

        for (int i = 0; i < 2000; i++) {
                struct end_race r = {0};
                pthread_t lane;
                lane_state_begin(&r.word, 1);
                lane_state_read(&r.word);
                assert_true(lane_state_expire(&r.word, r.word));
                assert_int_equal(pthread_create(&lane, NULL, end_race_lane, &r), 0);
                __atomic_store_n(&r.go, 1, __ATOMIC_RELEASE);
                r.abandoned = lane_state_abandon(&r.word);
                pthread_join(lane, NULL);
                assert_true(r.ended != r.abandoned);
                if (r.ended)
                        went_on++;
                else
                        gave_up++;
        }
        assert_int_equal(went_on + gave_up, 2000);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(a_call_read_in_time_is_the_lanes),
            cmocka_unit_test(the_watchdog_takes_a_call_stuck_in_a_read),
            cmocka_unit_test(only_a_call_being_read_expires),
            cmocka_unit_test(a_closing_target_gives_up_on_a_lane_in_a_read),
            cmocka_unit_test(a_replaced_policy_is_out_of_use_once_the_call_is_over),
            cmocka_unit_test(the_watchdog_waits_the_whole_deadline),
            cmocka_unit_test(every_call_is_answered_once_by_one_side),
            cmocka_unit_test(the_lane_ends_or_is_abandoned_never_both),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
