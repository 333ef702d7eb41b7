/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * The event-loop supervisor: one uv_poll_t per listener fd, each
 * notification received, decided against the policy and answered. Decisions
 * that need time (a prompt) complete later through supervisor_complete(),
 * while the loop keeps answering everything else.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <uv.h>

#include "launch/agent.h"
#include "core/notif.h"
#include "policy.h"
#include "core/target.h"

struct supervisor;
struct pending_call;
struct lane;

/*
 * Decisions counted per syscall number and verdict for a group of targets
 * their owner chooses (the daemon: those of one profile), beside the
 * supervisor's own counts. Bumped by the loop and by lanes with relaxed
 * atomic adds, read the same way; it must outlive every target counted in
 * it, and so the supervisor (lanes are joined in supervisor_close()).
 */
struct supervisor_counts {
        int max_nr; /* by_nr has max_nr + 1 rows; larger numbers are not counted */
        uint64_t (*by_nr)[POLICY_VERDICT_COUNT];
};

/* by_nr for numbers 0 to max_nr, zeroed: 0 or -ENOMEM. */
int supervisor_counts_init(struct supervisor_counts *counts, int max_nr);
void supervisor_counts_clear(struct supervisor_counts *counts);

/*
 * How long notifications took from being received to being answered, for
 * those answered without waiting for a person (a prompt's time is the
 * person's): a histogram whose bounds, in nanoseconds, suit 10 us to 1 s.
 * Each bucket counts the answers up to its bound and above the previous
 * one (not cumulative); the last counts those above every bound, so the
 * buckets' sum is the number of answers. Relaxed atomic adds; a reader
 * may see an answer in its bucket before its time in sum_ns.
 */
#define SUPERVISOR_LATENCY_BOUNDS 16
extern const uint64_t supervisor_latency_bounds_ns[SUPERVISOR_LATENCY_BOUNDS];
struct supervisor_latency {
        uint64_t buckets[SUPERVISOR_LATENCY_BOUNDS + 1];
        uint64_t sum_ns;
};

struct target;

/*
 * Two ways for other parts of the program to take part in decisions, each
 * with its own context, so that both can be set at once (trace and
 * prompting together).
 *
 * The observer sees every call after decoding, with the policy's decision
 * in *d, and may change it (trace allows and records).
 */
struct supervisor_observer {
        void *ctx;
        /* Decoding wanted for every call, beyond what the rules need. */
        unsigned extra_needs;
        /* The socket address of the calls that name one (connect, bind,
         * sendto, sendmsg, sendmmsg), and of no other: trace records
         * addresses without making every other call decode. */
        bool peer_addresses;
        void (*observe)(void *ctx, struct target *t, uint64_t notif_id,
                        const struct policy_call *call, struct policy_decision *d);
        /* observe may run on a target's lane thread instead of the loop;
         * its owner then guards what the loop also reads. */
        bool any_thread;
};

struct target {
        uv_poll_t poll; /* first: handle memory is freed in its close callback */
        struct supervisor *sup;
        struct target *next;
        /* The policy this target runs under. A lane thread reads it, so it
         * changes only through supervisor_switch_policy(). */
        const struct policy *policy;
        int listener;
        pid_t pid;
        char *id;                     /* container id from the agent message, or NULL */
        struct pending_call *pending; /* calls waiting for an asynchronous decision */
        struct lane *lane;            /* the thread answering it, if any (supervisor.c) */
        /* Still in the supervisor's own root directory: nothing has been
         * allowed to chroot, pivot_root or setns (opts.routing.notify_root_changes). Read
         * and written atomically: a lane thread reads it. */
        bool root_is_ours;
        /* The launcher's own execve is still to come: the first execve of
         * pid is allowed whatever the profile says about execve. */
        bool launcher_exec_pending;
        bool closing;
        uint64_t decided_by_verdict[POLICY_VERDICT_COUNT]; /* indexed by enum policy_verdict */
        /* Its owner's group of counts, or NULL (supervisor_add_target_owned()). */
        struct supervisor_counts *counts;
        void *owner; /* the adder's own state (the daemon's) */
        /* Its observer: the supervisor's as the target was added, or its
         * own (supervisor_add_target_owned(): the daemon's traced targets). */
        struct supervisor_observer observer;
        /* Its calls waiting on threads of ours (core/serve.c): counted per
         * target so that no target holds every thread; shared with those
         * threads, which may outlive it. */
        struct waiting_share *waiting;
};

/*
 * A notified call whose decision is not made yet (a prompt). The target's
 * thread stays blocked in the kernel until supervisor_complete() answers;
 * everything else keeps being served meanwhile. The decoded strings are
 * copies owned by the pending call, since the decode scratch is reused.
 */
struct pending_call {
        struct target *target;
        struct pending_call *next;
        uint64_t id;
        struct policy_call call;
        struct policy_decision decision; /* the rule (or default) that asked */
        char *paths[POLICY_CALL_MAX_PATHS];
        char *raw_paths[POLICY_CALL_MAX_PATHS];
        struct policy_addr *addrs; /* what an allow is performed with (act/net.c) */
        char *exe;
        /* Who called, read with everything SUPERVISOR_PROMPT_NEEDS asks for
         * by the thread that received the call, before the prompt hook
         * sees it: a lane's target never makes the loop wait on its memory. */
        struct target_details details;
        void *userdata; /* the decider's own state */
        /* Who answered, for the --log line supervisor_complete() writes
         * (decision_log.h: "by"); set by the decider before completing.
         * NULL: the asking rule's own by. decided_by_uid is the answering
         * client's uid, or -1. */
        const char *decided_by;
        long decided_by_uid;
};

/* What a prompted call is decoded for, whatever the rules needed: what a
 * person deciding it is shown. */
#define SUPERVISOR_PROMPT_NEEDS                                                                    \
        (POLICY_NEED_PATHS | POLICY_NEED_ADDR | POLICY_NEED_EXE | POLICY_NEED_IDS)

/*
 * The decider takes the calls whose verdict is "prompt": prompt() returns
 * 0 to take the pending call and answer it later with
 * supervisor_complete(), or a negative errno to let the documented
 * fallback (deny once) apply now. Called on the loop. cancel(): the
 * pending call is gone (its target closed); forget it. The supervisor
 * frees it after cancel() returns.
 */
struct supervisor_decider {
        void *ctx;
        int (*prompt)(void *ctx, struct pending_call *pc);
        void (*cancel)(void *ctx, struct pending_call *pc);
};

struct supervisor_options {
        struct log_file *log; /* JSON lines (decision_log.h), or NULL */
        bool summary;         /* counts per syscall and decision at exit */
        bool verbose;
        /* Answer each target from a thread of its own, its lane, instead
         * of the loop. */
        bool fast_lane;
        /* With fast_lane: refuse a target whose lane cannot start rather
         * than serve it on the loop, where reading its memory could stall
         * every other target (the daemon). */
        bool lane_required;
        /* With fast_lane: each lane asks the scheduler for a short slice
         * (core/lane.c), so that a quiet target's lane is not kept waiting
         * behind another target's (the daemon). Not for one target alone,
         * whose round trip it does not shorten. */
        bool lane_short_slice;
        /* A call a lane has been reading the target for this long is
         * denied by the loop (EPERM, or the errno of the rule that was
         * already known); 0: SUPERVISOR_DECISION_TIMEOUT_MS. */
        unsigned decision_timeout_ms;
        /* What the filter routes to us for our own reasons, as it was
         * compiled (policy_routed()): those calls get the profile's own
         * action. notify_root_changes: we know while a target's root is
         * still ours; notify_execveat: a lane may cache callers'
         * executables (exe_cache.h). */
        struct policy_compile_opts routing;
        /* What the launcher executes, as /proc/PID/exe will name it (the
         * resolved path), or NULL: see exe_cache_new(). */
        const char *command_exe;
        /* Where the supervisor reports what goes wrong as it serves (a
         * call denied late, an answer the kernel refused), one line at a
         * time without "scmp-super: " or a newline, from any thread; NULL:
         * standard error. The daemon passes its log. */
        void (*say)(void *ctx, const char *line);
        void *say_ctx;
        /* Every target is a command this process started, under
         * no_new_privs and with our credentials (run): a caller can then
         * have fewer rights than we have only if we have capabilities,
         * and an unprivileged supervisor performs its calls as itself
         * without reading its credentials (act/). */
        bool own_commands;
        /* Time every answer into supervisor.latency (two clock reads a
         * call); off, nothing is timed. */
        bool measure_latency;
};

struct supervisor {
        uv_loop_t loop;
        const struct policy *policy; /* the default for new targets */
        struct supervisor_options opts;
        struct supervisor_observer observer; /* supervisor_set_observer() */
        struct supervisor_decider decider;   /* supervisor_set_decider() */
        /* Called once for every target as it closes, before it is freed,
         * so its owner can drop what it kept for it (owner may be NULL). */
        void (*target_closed)(struct target *t);
        struct notif_buffers bufs;
        struct target_scratch *scratch; /* the loop's, for targets without a lane */
        struct target *targets;
        size_t n_targets;
        bool sync_wakeup;
        /* Denies the calls of lanes that read their target for too long. */
        uv_timer_t watchdog;
        bool watchdog_open, watchdog_started;

        /* Native numbers of x86 (0) and x32 (1) calls, plus one; 0 = not
         * looked up yet, -1 = none. */
#define COMPAT_MAX_NR 1024
        uint32_t native_audit_arch;
        int16_t compat_nr[2][COMPAT_MAX_NR];
        /* Native syscall names by number, resolved once. */
        char **names;
        /* Counts per syscall number and verdict, for --summary. */
        uint64_t (*counts)[POLICY_VERDICT_COUNT];
        int counts_max_nr;
        /* With opts.measure_latency. */
        struct supervisor_latency latency;
        /* With opts.routing.notify_refused (core/refusals.c). */
        struct supervisor_refusals *refusals;

        /* run: the direct child and its fate. */
        pid_t child;
        bool child_exited;
        int child_status; /* exit code per the documented convention */
        int child_signal; /* the signal that killed it, or 0 */
        /* When set, the child's stops are waited for too (WUNTRACED), and
         * this is called with the signal that stopped it; it returns once
         * the child goes on (run on a pty: pty_relay_child_stopped()). */
        void (*child_stopped)(void *ctx, int sig);
        void *child_stopped_ctx;
        int sigfd;
        uv_poll_t signal_poll;
        bool signal_poll_open;
        uv_timer_t flush_timer;
        bool flush_timer_open;
        bool stopping;
};

#define SUPERVISOR_DECISION_TIMEOUT_MS 5000

int supervisor_init(struct supervisor *sup, const struct policy *policy,
                    const struct supervisor_options *opts);

/* Takes over msg->seccomp_fd. launcher: the target is our own launcher,
 * whose first execve is ours. policy NULL: the supervisor's default. */
int supervisor_add_target(struct supervisor *sup, struct agent_message *msg, bool launcher,
                          const struct policy *policy);
/* The same, and on success sets t->owner = owner and *ret_target; t's
 * decisions are counted in counts too, from its first (NULL: not).
 * observer: t's own (copied; any_thread must be set when the supervisor
 * has lanes), or NULL for the supervisor's. */
int supervisor_add_target_owned(struct supervisor *sup, struct agent_message *msg, bool launcher,
                                const struct policy *policy, void *owner,
                                struct supervisor_counts *counts,
                                const struct supervisor_observer *observer,
                                struct target **ret_target);

/*
 * Loop thread: t decides its calls with policy from now on. The policy it
 * had may still be in use: by the call its lane is deciding, by calls
 * being handed over to the loop, and by calls waiting for a prompt (their
 * rule is in it). Keep it until supervisor_target_settled(t).
 */
void supervisor_switch_policy(struct target *t, const struct policy *policy);

/* Loop thread: nothing of t can be using a policy it was switched away
 * from (supervisor_switch_policy()). */
bool supervisor_target_settled(struct target *t);

/* One line to opts.say (standard error by default, "scmp-super: " before
 * it): core/ prints nothing itself, and a decider (the prompt broker) says
 * what a person should know through it. */
__attribute__((format(printf, 2, 3))) void supervisor_say(const struct supervisor *sup,
                                                          const char *fmt, ...);

/* Answers a pending call (and frees it). verdict is ALLOW, LOG, DENY (with
 * error) or KILL. Returns 0 or a negative errno; -ENOENT (the caller died or
 * was interrupted meanwhile) is not an error and is returned as 0. */
int supervisor_complete(struct pending_call *pc, enum policy_verdict verdict, int error);

/* Forgets a pending call without answering, counting or logging it (and
 * frees it): for a call whose notification is no longer valid because its
 * caller died or was interrupted, so no decision was ever applied. */
void supervisor_discard(struct pending_call *pc);

/* Watches child (forwarding SIGINT, SIGTERM, SIGHUP to it) and stops the loop
 * once it has exited. sigfd is a signalfd for those signals and SIGCHLD. */
int supervisor_watch_child(struct supervisor *sup, pid_t child, int sigfd);

/* Before the first target is added. */
void supervisor_set_observer(struct supervisor *sup, const struct supervisor_observer *observer);
/* Loop thread: decider NULL takes the decider away; lanes see that at once
 * and deny what they would have handed over. */
void supervisor_set_decider(struct supervisor *sup, const struct supervisor_decider *decider);

/* The policy new targets get when added without one. */
void supervisor_set_default_policy(struct supervisor *sup, const struct policy *policy);
/* Called once for every target as it closes, before it is freed, so its
 * owner can drop what it kept for it. */
void supervisor_on_target_closed(struct supervisor *sup, void (*target_closed)(struct target *t));
/* The targets, newest first: first, then next until NULL. A target may be
 * closed while iterating only after its successor was taken. */
struct target *supervisor_first_target(const struct supervisor *sup);
struct target *supervisor_next_target(const struct target *t);
size_t supervisor_target_count(const struct supervisor *sup);

int supervisor_run(struct supervisor *sup);
/* Closes every handle and the loop; insists the loop closes cleanly. */
void supervisor_close(struct supervisor *sup);

void supervisor_print_summary(const struct supervisor *sup, FILE *out);

/* Calls decided for t with verdict v; a lane counts while the loop reads. */
static inline uint64_t target_decided(const struct target *t, enum policy_verdict v)
{
        return __atomic_load_n(&t->decided_by_verdict[v], __ATOMIC_RELAXED);
}

/* Calls decided for t, every verdict together. */
static inline uint64_t target_decided_total(const struct target *t)
{
        uint64_t n = 0;
        for (int v = 0; v < POLICY_VERDICT_COUNT; v++)
                n += target_decided(t, (enum policy_verdict)v);
        return n;
}
/* What counts holds for syscall nr and verdict v (0 beyond max_nr). */
static inline uint64_t supervisor_counted(const struct supervisor_counts *counts, int nr,
                                          enum policy_verdict v)
{
        if (nr < 0 || nr > counts->max_nr)
                return 0;
        return __atomic_load_n(&counts->by_nr[nr][v], __ATOMIC_RELAXED);
}

/*
 * run --explain (opts.routing.notify_refused): the calls the profile's
 * kernel part refused with an errno, which the filter routed to us and we
 * answered with that errno, one row per syscall, errno and executable.
 */
struct supervisor_refusal {
        uint32_t arch; /* AUDIT_ARCH_* of the call */
        int nr;        /* its number on arch */
        int error;
        char *name; /* its name, "NAME (x86)" for a foreign arch's */
        char *exe;  /* the caller's /proc/PID/exe as read (its own text), or NULL */
        uint64_t count;
};
/* Loop thread, after supervisor_run() returned: the rows, most refused
 * first, valid until supervisor_close(); *ret_other counts the refusals
 * past the rows kept (a few hundred). 0 rows without --explain. */
size_t supervisor_refusals(struct supervisor *sup, const struct supervisor_refusal **ret_rows,
                           uint64_t *ret_other);

/* The native name of nr, or "?" */
const char *supervisor_syscall_name(const struct supervisor *sup, int nr);
