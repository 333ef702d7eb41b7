/* SPDX-License-Identifier: MIT */
/*
 * The daemon's limits on its clients (supervisor/daemon/daemon_limits.h): one
 * client cannot hold every place for unfinished messages, a full daemon
 * makes room for a newcomer at the expense of the client holding the
 * most, and lines about refusals are limited per second with the rest
 * counted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "daemon/daemon_limits.h"

#define MAX      16
#define PER_PEER 4

static const struct daemon_peer alice = {.uid = 0, .pid = 100}, bob = {.uid = 0, .pid = 200},
                                carol = {.uid = 0, .pid = 300},
                                /* Bob's pid, another uid: another client. */
    eve = {.uid = 1000, .pid = 200};

/* Admits peer as the daemon would, keeping waiting[] oldest first; returns
 * what was decided, and the peer evicted in *ret_evicted. */
static enum daemon_admission arrive(struct daemon_peer *waiting, size_t *n, struct daemon_peer peer,
                                    struct daemon_peer *ret_evicted)
{
        size_t evict = MAX;
        enum daemon_admission a = daemon_admit(waiting, *n, peer, MAX, PER_PEER, &evict);
        if (a == DAEMON_EVICT) {
                assert_true(evict < *n);
                if (ret_evicted)
                        *ret_evicted = waiting[evict];
                for (size_t i = evict; i + 1 < *n; i++)
                        waiting[i] = waiting[i + 1];
                (*n)--;
        }
        if (a != DAEMON_REFUSE)
                waiting[(*n)++] = peer;
        return a;
}

static size_t held_by(const struct daemon_peer *waiting, size_t n, struct daemon_peer peer)
{
        size_t count = 0;
        for (size_t i = 0; i < n; i++)
                count += waiting[i].uid == peer.uid && waiting[i].pid == peer.pid;
        return count;
}

static void one_client_holds_at_most_its_share(void **state)
{
        struct daemon_peer waiting[MAX];
        size_t n = 0;

        for (int i = 0; i < PER_PEER; i++)
                assert_int_equal(arrive(waiting, &n, alice, NULL), DAEMON_ADMIT);
        for (int i = 0; i < 100; i++)
                assert_int_equal(arrive(waiting, &n, alice, NULL), DAEMON_REFUSE);
        assert_int_equal(n, PER_PEER);
        /* Another client is not affected, nor is another uid with a pid the
         * first one has. */
        assert_int_equal(arrive(waiting, &n, bob, NULL), DAEMON_ADMIT);
        assert_int_equal(arrive(waiting, &n, eve, NULL), DAEMON_ADMIT);
}

static void a_full_daemon_makes_room_at_the_expense_of_the_biggest(void **state)
{
        struct daemon_peer waiting[MAX], evicted = {0};
        size_t n = 0;

        /* Alice 4, Bob 4, and eight clients with one each: full. */
        for (int i = 0; i < PER_PEER; i++) {
                arrive(waiting, &n, alice, NULL);
                arrive(waiting, &n, bob, NULL);
        }
        for (int i = 0; i < 8; i++)
                assert_int_equal(arrive(waiting, &n, (struct daemon_peer){.pid = 1000 + i}, NULL),
                                 DAEMON_ADMIT);
        assert_int_equal(n, MAX);
        /* A newcomer takes the place of the oldest connection of the
         * client holding the most: Alice and Bob hold as many, and Alice's
         * oldest waited longest. */
        assert_int_equal(arrive(waiting, &n, carol, &evicted), DAEMON_EVICT);
        assert_int_equal(evicted.pid, alice.pid);
        assert_int_equal(held_by(waiting, n, alice), PER_PEER - 1);
        assert_int_equal(arrive(waiting, &n, carol, &evicted), DAEMON_EVICT);
        assert_int_equal(evicted.pid, bob.pid);
        assert_int_equal(n, MAX);
        /* A client holding as many as any other gets no more at their
         * expense (Alice and Bob 3 each, Carol 2). */
        assert_int_equal(arrive(waiting, &n, alice, NULL), DAEMON_REFUSE);
        assert_int_equal(arrive(waiting, &n, bob, NULL), DAEMON_REFUSE);
        assert_int_equal(arrive(waiting, &n, carol, &evicted), DAEMON_EVICT);
        assert_int_equal(evicted.pid, alice.pid);
        assert_int_equal(held_by(waiting, n, carol), 3);
        assert_int_equal(n, MAX);
}

static void a_flood_from_many_clients_leaves_room_for_one_more(void **state)
{
        struct daemon_peer waiting[MAX];
        size_t n = 0;
        unsigned evicted = 0;

        /* Twelve clients, each making as many connections as it may, in
         * turn: 48 for 16 places. Each newcomer takes a place from one
         * holding more than itself, so they end up sharing. */
        for (int round = 0; round < PER_PEER; round++)
                for (int c = 0; c < 12; c++)
                        evicted += arrive(waiting, &n, (struct daemon_peer){.pid = 500 + c},
                                          NULL) == DAEMON_EVICT;
        assert_int_equal(n, MAX);
        assert_int_equal(evicted, 48 - MAX);
        for (int c = 0; c < 12; c++) {
                size_t held = held_by(waiting, n, (struct daemon_peer){.pid = 500 + c});
                assert_true(held >= 1 && held <= 2);
        }
        /* Whoever comes next, with nothing waiting, gets a place. */
        assert_int_equal(arrive(waiting, &n, carol, NULL), DAEMON_EVICT);
        assert_int_equal(held_by(waiting, n, carol), 1);
}

static void refusal_lines_are_limited_and_the_rest_counted(void **state)
{
        struct log_limit l = {.per_second = 3};
        uint64_t left_out = 99;
        unsigned logged = 0;

        for (int i = 0; i < 100; i++) {
                logged += log_limit_allow(&l, 5000 + (uint64_t)i, &left_out);
                assert_int_equal(left_out, 0);
        }
        assert_int_equal(logged, 3);
        /* Not said while the second lasts... */
        assert_int_equal(log_limit_take_suppressed(&l, 5999), 0);
        assert_int_equal(log_limit_window_end(&l), 6000);
        /* ...then once, by a timer or before the next line. */
        assert_true(log_limit_allow(&l, 6100, &left_out));
        assert_int_equal(left_out, 97);
        assert_true(log_limit_allow(&l, 6101, &left_out));
        assert_int_equal(left_out, 0);
        assert_true(log_limit_allow(&l, 6102, &left_out));
        assert_false(log_limit_allow(&l, 6103, &left_out));
        assert_int_equal(log_limit_take_suppressed(&l, 7100), 1);
        assert_int_equal(log_limit_take_suppressed(&l, 7101), 0);
        assert_true(log_limit_allow(&l, 7200, &left_out));
        assert_int_equal(left_out, 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(one_client_holds_at_most_its_share),
            cmocka_unit_test(a_full_daemon_makes_room_at_the_expense_of_the_biggest),
            cmocka_unit_test(a_flood_from_many_clients_leaves_room_for_one_more),
            cmocka_unit_test(refusal_lines_are_limited_and_the_rest_counted),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
