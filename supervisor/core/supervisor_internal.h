/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * What the files of core/ share and nobody else sees: the loop
 * (supervisor.c) owns targets; serve.c decides and answers one
 * notification; lane.c runs a thread per target and the watchdog over it;
 * pending.c keeps calls that wait for a person; child.c follows run's
 * command; summary.c and syscall_nr.c count and name calls.
 */

#include <time.h>

#include "core/supervisor.h"

/* Counters are bumped from the loop thread and from a target's lane
 * thread, so with atomic adds; they are read once both are done. */
#define BUMP(x) __atomic_fetch_add(&(x), 1, __ATOMIC_RELAXED)

/* supervisor.c */
void target_close(struct target *t);
/* Closes every target and handle of the loop's own; the loop then ends. */
void supervisor_stop_all(struct supervisor *sup);

/* serve.c: decides and answers the notification just received into bufs.
 * On a lane thread (lane set), a call that needs the loop (a prompt) is
 * handed over. */
void serve_notification(struct target *t, struct notif_buffers *bufs,
                        struct target_scratch *scratch, struct lane *lane);
/* Answers notification id with verdict (error for a denial); 0 or a
 * negative errno, a caller that is gone being no error. */
int serve_respond(struct target *t, struct notif_buffers *bufs, uint64_t id,
                  const struct policy_call *call, enum policy_verdict verdict, int error,
                  struct target_scratch *scratch);
/* Writes the decision's --log line, if there is a log; deadline: the
 * watchdog denied it because reading the caller did not end in time. */
void serve_log(struct target *t, const struct policy_call *call, const struct policy_decision *d,
               bool deadline);
/* The same for a call a prompt's answer decided: by says who answered
 * ("tty", "client" with by_uid, "timeout", "session-rule", ...). */
void serve_log_by(struct target *t, const struct policy_call *call, const struct policy_decision *d,
                  const char *by, long by_uid);
/* Counts, logs and answers a decided call; 0 or a negative errno. */
int serve_answer(struct target *t, struct notif_buffers *bufs, uint64_t id,
                 const struct policy_call *call, const struct policy_decision *d,
                 struct target_scratch *scratch);
/* The same, saying so if answering failed. */
void serve_finish(struct target *t, struct notif_buffers *bufs, uint64_t id,
                  const struct policy_call *call, const struct policy_decision *d,
                  struct target_scratch *scratch);
void serve_say_failed(const struct supervisor *sup, int r);

/* A target's count of calls performed on threads of their own (a FIFO
 * open, a blocking connect or send), which those threads hold a reference
 * to. NULL on failure. */
struct waiting_share *serve_waiting_share_new(void);
void serve_waiting_share_release(struct waiting_share *share);

/* pending.c */
struct pending_call *pending_new(struct target *t, uint64_t id, const struct policy_call *call,
                                 const struct policy_decision *d);
/* Hands pc to the decider (loop thread only): 0, or a negative errno when
 * there is none or it refused, and pc is the caller's to answer and free. */
int pending_begin(struct pending_call *pc);
void pending_unlink(struct pending_call *pc);
void pending_free(struct pending_call *pc);

/* lane.c */
int lane_start(struct target *t);
void lane_stop(struct lane *lane);
/* The listener the lane reads with (its own copy). */
int lane_listener(const struct lane *lane);
/* The lane is about to read the target for call (notification id): from
 * now on the watchdog may answer it, with error (0: EPERM). No-op for
 * lane NULL (the loop, which has no watchdog over it). */
void lane_reading_begin(struct lane *lane, uint64_t id, const struct policy_call *call, int error);
/* The read is over. False: the call is not ours any more (the watchdog
 * answered it, or the target closed and may be freed): the caller returns
 * at once, touching nothing of the target. */
bool lane_reading_done(struct lane *lane);
/* Gives pc to the loop, which starts the prompt. */
void lane_handoff(struct lane *lane, struct pending_call *pc);

/* summary.c */
void supervisor_count(struct target *t, int nr, enum policy_verdict verdict);
/* Adds the time since received (CLOCK_MONOTONIC) to sup->latency. */
void supervisor_time_answer(struct supervisor *sup, const struct timespec *received);

/* refusals.c: the table supervisor_refusals() reads, made by
 * supervisor_init() with opts.routing.notify_refused. */
int supervisor_refusals_init(struct supervisor *sup);
void supervisor_refusals_free(struct supervisor *sup);
/* Any thread: one more call to nr of arch (AUDIT_ARCH_*; 0: native)
 * refused with error, made by exe (NULL: unknown). */
void supervisor_count_refusal(struct supervisor *sup, uint32_t arch, int nr, int error,
                              const char *exe);

/* syscall_nr.c: the native number of a call of arch, or -1 when there is
 * none; a cache filled by any thread. */
int supervisor_native_nr(struct supervisor *sup, uint32_t arch, int nr);
void supervisor_free_names(struct supervisor *sup);
/* The sizes of sup->counts and sup->names (base/zeroed.h) for max_nr. */
static inline size_t supervisor_counts_size(int max_nr)
{
        return ((size_t)max_nr + 1) * sizeof(uint64_t[POLICY_VERDICT_COUNT]);
}
static inline size_t supervisor_names_size(int max_nr)
{
        return ((size_t)max_nr + 1) * sizeof(char *);
}
