/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Who answers the call a lane is on: the lane itself, or the loop, when
 * reading the target has taken longer than the deadline. Reading target
 * memory can block for as long as the target likes (a path in a page
 * guarded by a userfaultfd it never serves), and no signal ends that wait,
 * so the loop cannot take the call back from the lane; it answers in the
 * lane's place and the lane drops its own answer once it wakes.
 *
 * One 64-bit word per lane holds the number of the call it is on and the
 * phase of that call. Every change of hands is a single atomic operation
 * on the word, so whichever side is late sees it lost: each call gets
 * exactly one answer, one count and one log line.
 *
 *   IDLE       between calls: waiting in RECV, or about to
 *   DECIDING   the lane owns the call and only the lane changes the word;
 *              the loop waits for it (a lane is joined only from here or
 *              from IDLE)
 *   READING    the lane reads the target, touching nothing but what it
 *              owns (its buffers, its own copy of the listener). The
 *              watchdog may take the call (EXPIRED); a target that closes
 *              gives up on the lane (ABANDONED)
 *   EXPIRED    the loop answered the call; the lane, once the read ends,
 *              touches nothing of the call or its target and goes back to
 *              RECV
 *   ABANDONED  the target is gone; the lane frees what it owns and exits
 *              as soon as the read ends
 *
 * All of it is pure, so tests/unit/test_lane_state.c drives it from two
 * threads. The lane's side costs one atomic exchange per call, and a
 * compare-and-swap per call that reads the target; no clock is read: the
 * watchdog samples the word on a timer (lane_watch_due()).
 */

#include <stdbool.h>
#include <stdint.h>

enum lane_phase {
        LANE_IDLE,
        LANE_DECIDING,
        LANE_READING,
        LANE_EXPIRED,
        LANE_ABANDONED,
};

#define LANE_PHASE_BITS 3
#define LANE_PHASE_MASK ((1u << LANE_PHASE_BITS) - 1)

static inline enum lane_phase lane_phase(uint64_t state)
{
        return (enum lane_phase)(state & LANE_PHASE_MASK);
}

static inline uint64_t lane_call(uint64_t state)
{
        return state >> LANE_PHASE_BITS;
}

static inline uint64_t lane_state_make(uint64_t call, enum lane_phase phase)
{
        return call << LANE_PHASE_BITS | phase;
}

/*
 * The lane's side.
 */

/* A call arrived: the lane takes it as call number `call`. Sequentially
 * consistent, so that everything the lane reads afterwards (the target's
 * policy) is at least as new as what the loop stored before it last
 * looked at the word (see lane_state_settled()). */
static inline void lane_state_begin(uint64_t *state, uint64_t call)
{
        __atomic_exchange_n(state, lane_state_make(call, LANE_DECIDING), __ATOMIC_SEQ_CST);
}

/* About to read the target: from here on the call may be taken away. */
static inline void lane_state_read(uint64_t *state)
{
        uint64_t now = __atomic_load_n(state, __ATOMIC_RELAXED);
        __atomic_store_n(state, lane_state_make(lane_call(now), LANE_READING), __ATOMIC_RELEASE);
}

/* The read is over. True: the call is still the lane's (DECIDING again).
 * False: it was answered (EXPIRED) or the target closed (ABANDONED); the
 * lane must not touch the call or its target any more. */
static inline bool lane_state_read_done(uint64_t *state)
{
        uint64_t reading = __atomic_load_n(state, __ATOMIC_RELAXED);
        if (lane_phase(reading) != LANE_READING)
                return false;
        return __atomic_compare_exchange_n(state, &reading,
                                           lane_state_make(lane_call(reading), LANE_DECIDING),
                                           false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

/* The call is done with. True: back to IDLE, take the next one. False:
 * the lane was abandoned and must exit. */
static inline bool lane_state_end(uint64_t *state)
{
        uint64_t now = __atomic_load_n(state, __ATOMIC_ACQUIRE);
        for (;;) {
                uint64_t idle = lane_state_make(lane_call(now), LANE_IDLE);
                switch (lane_phase(now)) {
                case LANE_DECIDING:
                        /* Nobody else changes the word in this phase. */
                        __atomic_store_n(state, idle, __ATOMIC_RELEASE);
                        return true;
                case LANE_EXPIRED:
                        /* The loop may abandon the lane meanwhile. */
                        if (__atomic_compare_exchange_n(state, &now, idle, false, __ATOMIC_ACQ_REL,
                                                        __ATOMIC_ACQUIRE))
                                return true;
                        continue;
                case LANE_ABANDONED:
                        return false;
                case LANE_IDLE:
                case LANE_READING:
                default:
                        return true; /* not reached: the lane never ends from these */
                }
        }
}

/*
 * The loop's side.
 */

/* The watchdog: takes the call the lane has been reading since the word
 * read `observed` (phase READING). True: the loop must answer it now. */
static inline bool lane_state_expire(uint64_t *state, uint64_t observed)
{
        if (lane_phase(observed) != LANE_READING)
                return false;
        return __atomic_compare_exchange_n(state, &observed,
                                           lane_state_make(lane_call(observed), LANE_EXPIRED),
                                           false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

/* The target closes: gives up on a lane that may be blocked in a read
 * (READING or EXPIRED). True: the lane will exit on its own and must not
 * be waited for. False: it is IDLE or DECIDING, and ends soon. */
static inline bool lane_state_abandon(uint64_t *state)
{
        uint64_t now = __atomic_load_n(state, __ATOMIC_ACQUIRE);
        while (lane_phase(now) == LANE_READING || lane_phase(now) == LANE_EXPIRED)
                if (__atomic_compare_exchange_n(state, &now,
                                                lane_state_make(lane_call(now), LANE_ABANDONED),
                                                false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
                        return true;
        return lane_phase(now) == LANE_ABANDONED;
}

/* What the loop saw when it switched the target to another policy: call
 * at the same time lane_state_settled() is later asked about. */
static inline uint64_t lane_state_look(uint64_t *state)
{
        return __atomic_load_n(state, __ATOMIC_SEQ_CST);
}

/*
 * Whether the lane can no longer be deciding with a policy the loop
 * replaced before it looked at the word (`then`, lane_state_look()), now
 * that the word reads `now`. The loop stores the new policy and then looks
 * (both sequentially consistent); the lane marks its call begun and then
 * loads the policy (lane_state_begin()). So a call that began after the
 * look sees the new policy, and one that was on at the look used the old
 * one only until it went IDLE, expired (an expired call touches nothing
 * after its read) or was followed by another.
 */
static inline bool lane_state_settled(uint64_t then, uint64_t now)
{
        enum lane_phase was = lane_phase(then), is = lane_phase(now);
        if (was != LANE_DECIDING && was != LANE_READING)
                return true;
        return lane_call(now) != lane_call(then) || (is != LANE_DECIDING && is != LANE_READING);
}

/* The watchdog's memory of one lane: the word as last seen, and since when. */
struct lane_watch {
        uint64_t state;
        uint64_t since_ms;
};

/*
 * Called on each tick of the watchdog with the lane's word: true once the
 * lane has been seen reading for the same call for timeout_ms or longer
 * (so the read began at least that long ago, and at most one tick more).
 */
static inline bool lane_watch_due(struct lane_watch *w, uint64_t state, uint64_t now_ms,
                                  uint64_t timeout_ms)
{
        if (lane_phase(state) != LANE_READING) {
                w->state = state;
                return false;
        }
        if (state != w->state) {
                w->state = state;
                w->since_ms = now_ms;
                return false;
        }
        return now_ms - w->since_ms >= timeout_ms;
}
