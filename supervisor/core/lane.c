/* SPDX-License-Identifier: MIT */
/* core/lane.c: a thread per target answering its calls, and the watchdog over it. */
#include "core/supervisor_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "base/macros.h"
#include "base/text.h"
#include "core/decision_log.h"
#include "core/lane_state.h"
#include "errnos.h"

/*
 * The lane: a thread per target that blocks in SECCOMP_IOCTL_NOTIF_RECV and
 * answers what it can decide at once. Waiting in epoll through the loop
 * costs an extra system call per notification and loses the kernel's hint
 * to wake the supervisor on the target's CPU (SECCOMP_USER_NOTIF_FD_SYNC_
 * WAKE_UP reaches a blocked RECV directly, an epoll waiter only through the
 * poll callback): measured in bench/, about a quarter of a notified round
 * trip. The loop keeps the target's POLLHUP, and takes over every call that
 * needs it (a prompt) through an async handle.
 *
 * A lane also keeps the loop from ever reading its target's memory, which
 * the target can make block for as long as it likes (a page guarded by a
 * userfaultfd it never serves; no signal ends that wait). Only the lane
 * reads, and while it reads (lane_state.h: READING) it touches nothing but
 * what it owns: its buffers, its scratch and its own copy of the listener.
 * The loop's watchdog denies a call that has been read for longer than
 * opts.decision_timeout_ms in the lane's place, and a target that closes
 * gives up on a lane stuck in a read instead of waiting for it: the lane
 * exits when the read ends. The target's later calls wait in the kernel
 * behind the stuck one, so a target can stall itself and nobody else.
 *
 * Used by run and trace (whose observe hook takes its own lock), when no
 * hook that must stay on the loop watches every call (the log is written
 * from any thread: lines are built in thread-local buffers and the log file
 * takes them whole under its lock), and by the daemon for every target.
 */
struct lane {
        uv_async_t async; /* the loop's part: closed by lane_stop() */
        struct target *target;
        pthread_t thread;
        bool thread_started;
        _Atomic bool stop;
        /* The thread and the async handle hold one each; the last to let go
         * frees the lane (an abandoned thread may outlive the target). */
        int refs;
        int listener;   /* the lane's own copy of the target's */
        uint64_t state; /* lane_state.h, accessed atomically */
        uint64_t calls; /* the lane's count, numbering its calls */
        /* The call being read, published before the read for the watchdog
         * to answer in the lane's place; accessed atomically. */
        struct lane_slot {
                uint64_t id;
                uint64_t args[6];
                int32_t nr;
                uint32_t arch;
                int32_t pid;
                int32_t error; /* the errno to deny with; 0: EPERM */
        } slot;
        struct lane_watch watch; /* loop only */
        uint64_t switched;       /* loop only: the state at the last policy switch */
        pthread_mutex_t lock;
        struct pending_call *handoff; /* guarded by lock */
        struct notif_buffers bufs;
        /* Malloc'ed, not cleared: its pages cost memory only once a path
         * is decoded into them, which matters with a lane per target. */
        struct target_scratch *scratch;
};

#define SLOT_STORE(field, value) __atomic_store_n(&(field), (value), __ATOMIC_RELAXED)
#define SLOT_LOAD(field)         __atomic_load_n(&(field), __ATOMIC_RELAXED)

void lane_reading_begin(struct lane *lane, uint64_t id, const struct policy_call *call, int error)
{
        if (!lane)
                return;
        SLOT_STORE(lane->slot.id, id);
        for (int i = 0; i < 6; i++)
                SLOT_STORE(lane->slot.args[i], call->args[i]);
        SLOT_STORE(lane->slot.nr, (int32_t)call->nr);
        SLOT_STORE(lane->slot.arch, call->arch);
        SLOT_STORE(lane->slot.pid, (int32_t)call->pid);
        SLOT_STORE(lane->slot.error, (int32_t)error);
        lane_state_read(&lane->state);
}

bool lane_reading_done(struct lane *lane)
{
        return !lane || lane_state_read_done(&lane->state);
}

#define LANE_WAKE_SIGNAL SIGRTMIN

static void lane_wake_handler(int sig)
{
        (void)sig; /* only there to interrupt a blocked RECV */
}

/*
 * A lane runs for microseconds and then waits again: a short slice
 * (sched_setattr()'s sched_runtime for SCHED_OTHER, Linux 6.12) lets the
 * scheduler put it on a CPU as soon as its target calls, ahead of threads
 * that run for longer, a flooding target's lane among them once it has used
 * its slice. What a quiet target waits for under load is then its own
 * lane's turn, not the end of another's. The thread's policy and nice value
 * are kept; on an older kernel the call fails and nothing changes. Only the
 * daemon asks for it (opts.lane_short_slice): with one target, run's round
 * trip measured slower with it on a loaded machine (bench/fairness.sh and
 * docs/PERFORMANCE.md, issue 16).
 */
#define LANE_SLICE_NS ((uint64_t)100 * 1000)

/* struct sched_attr as first published (SCHED_ATTR_SIZE_VER0): glibc
 * before 2.41 has none, and linux/sched/types.h clashes with sched.h. */
struct lane_sched_attr {
        uint32_t size;
        uint32_t sched_policy;
        uint64_t sched_flags;
        int32_t sched_nice;
        uint32_t sched_priority;
        uint64_t sched_runtime;
        uint64_t sched_deadline;
        uint64_t sched_period;
};

static void lane_short_slice(void)
{
        struct lane_sched_attr attr;

        memset(&attr, 0, sizeof(attr));
        if (syscall(SYS_sched_getattr, 0, &attr, sizeof(attr), 0) < 0 ||
            attr.sched_policy != SCHED_OTHER)
                return;
        attr.size = sizeof(attr);
        attr.sched_runtime = LANE_SLICE_NS;
        attr.sched_flags = 0;
        (void)syscall(SYS_sched_setattr, 0, &attr, 0);
}

static void lane_unref(struct lane *lane)
{
        if (__atomic_sub_fetch(&lane->refs, 1, __ATOMIC_ACQ_REL) > 0)
                return;
        pthread_mutex_destroy(&lane->lock);
        notif_buffers_free(&lane->bufs);
        target_scratch_destroy(lane->scratch);
        close(lane->listener);
        free(lane);
}

static void *lane_main(void *arg)
{
        struct lane *lane = arg;
        struct target *t = lane->target;
        sigset_t only_wake;

        /* Every signal but the wake-up is the loop thread's to take. */
        sigfillset(&only_wake);
        sigdelset(&only_wake, LANE_WAKE_SIGNAL);
        pthread_sigmask(SIG_SETMASK, &only_wake, NULL);
        if (t->sup->opts.lane_short_slice)
                lane_short_slice();

        while (!atomic_load(&lane->stop)) {
                int r = notif_receive(lane->listener, &lane->bufs);
                if (r == -ENOENT) {
                        /* A caller that went away, or (Linux 6.6 on) no task
                         * left on the filter at all, when RECV fails at once
                         * every time: leave then, or this thread would spin
                         * until the loop sees the hang-up. */
                        struct pollfd pfd = {.fd = lane->listener, .events = POLLIN};
                        if (poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLHUP))
                                break;
                        continue;
                }
                if (r == -EINTR)
                        continue;
                if (r < 0) {
                        supervisor_say(t->sup, "receiving a notification: %s", strerror(-r));
                        break;
                }
                lane_state_begin(&lane->state, ++lane->calls);
                serve_notification(t, &lane->bufs, lane->scratch, lane);
                if (!lane_state_end(&lane->state))
                        break; /* abandoned: the target may be gone */
        }
        decision_log_thread_exit();
        lane_unref(lane);
        return NULL;
}

void lane_handoff(struct lane *lane, struct pending_call *pc)
{
        pthread_mutex_lock(&lane->lock);
        pc->next = lane->handoff;
        lane->handoff = pc;
        pthread_mutex_unlock(&lane->lock);
        uv_async_send(&lane->async);
}

/* Loop thread: start what the lane handed over. */
static void on_lane_async(uv_async_t *handle)
{
        struct lane *lane = container_of(handle, struct lane, async);
        struct target *t = lane->target;
        struct pending_call *list;

        pthread_mutex_lock(&lane->lock);
        list = lane->handoff;
        lane->handoff = NULL;
        pthread_mutex_unlock(&lane->lock);
        /* The lane pushes newest first; prompts are asked oldest first. */
        struct pending_call *oldest_first = NULL;
        while (list) {
                struct pending_call *pc = list;
                list = pc->next;
                pc->next = oldest_first;
                oldest_first = pc;
        }
        list = oldest_first;
        while (list) {
                struct pending_call *pc = list;
                list = pc->next;
                pc->next = NULL;
                if (pending_begin(pc) < 0) {
                        struct policy_decision d = pc->decision;
                        d.verdict = VERDICT_DENY;
                        serve_finish(t, &t->sup->bufs, pc->id, &pc->call, &d, NULL);
                        pending_free(pc);
                }
        }
}

static void on_lane_closed(uv_handle_t *handle)
{
        lane_unref(container_of((uv_async_t *)handle, struct lane, async));
}

static void on_watchdog(uv_timer_t *timer);

int lane_listener(const struct lane *lane)
{
        return lane->listener;
}

int lane_start(struct target *t)
{
        static bool handler_installed;
        struct supervisor *sup = t->sup;
        struct lane *lane = calloc(1, sizeof(*lane));
        int r;

        if (!lane)
                return -ENOMEM;
        lane->target = t;
        lane->refs = 1; /* the async handle's */
        pthread_mutex_init(&lane->lock, NULL);
        lane->listener = fcntl(t->listener, F_DUPFD_CLOEXEC, 3);
        lane->scratch = target_scratch_new();
        r = lane->listener < 0 ? -errno
            : !lane->scratch   ? -ENOMEM
                               : notif_buffers_init(&lane->bufs);
        if (r < 0) {
                if (lane->listener >= 0)
                        close(lane->listener);
                target_scratch_destroy(lane->scratch);
                pthread_mutex_destroy(&lane->lock);
                free(lane);
                return r;
        }
        if (!handler_installed) {
                /* No SA_RESTART: the wake-up must end a blocked RECV. */
                struct sigaction sa = {.sa_handler = lane_wake_handler};
                sigemptyset(&sa.sa_mask);
                sigaction(LANE_WAKE_SIGNAL, &sa, NULL);
                handler_installed = true;
        }
        r = uv_async_init(&sup->loop, &lane->async, on_lane_async);
        if (r < 0) {
                notif_buffers_free(&lane->bufs);
                free(lane->scratch);
                close(lane->listener);
                pthread_mutex_destroy(&lane->lock);
                free(lane);
                return r;
        }
        /* Without it (out of memory) every call reads /proc: slower, no
         * less right. */
        if (sup->opts.routing.notify_execveat)
                lane->scratch->exe_cache = exe_cache_new(sup->opts.command_exe);
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        /* Deep enough for the decoders (their buffers are in the lane, not
         * on its stack); a default 8 MiB stack would only be reserved
         * address space, but say what we need. */
        pthread_attr_setstacksize(&attr, (size_t)256 * 1024);
        lane->refs++; /* the thread's */
        r = -pthread_create(&lane->thread, &attr, lane_main, lane);
        pthread_attr_destroy(&attr);
        if (r < 0) {
                lane->refs--;
                uv_close((uv_handle_t *)&lane->async, on_lane_closed);
                return r;
        }
        lane->thread_started = true;
        t->lane = lane;
        if (!sup->watchdog_started) {
                /* A quarter of the deadline, at most 250 ms: a call is
                 * denied between the deadline and a tick after it. */
                uint64_t tick = sup->opts.decision_timeout_ms / 4;
                tick = tick < 1 ? 1 : tick > 250 ? 250 : tick;
                if (uv_timer_start(&sup->watchdog, on_watchdog, tick, tick) == 0)
                        sup->watchdog_started = true;
        }
        return 0;
}

/* Loop thread: ends the lane and forgets what it handed over unstarted. */
void lane_stop(struct lane *lane)
{
        atomic_store(&lane->stop, true);
        while (lane->thread_started) {
                if (lane_state_abandon(&lane->state)) {
                        /* In a read of the target, which may never end: it
                         * leaves once the read does, touching nothing but
                         * what it owns, and frees that. */
                        pthread_detach(lane->thread);
                        break;
                }
                /* The wake-up can land just before the thread blocks in RECV
                 * and be lost, so it is repeated until the thread is gone. */
                struct timespec deadline;
                pthread_kill(lane->thread, LANE_WAKE_SIGNAL);
                clock_gettime(CLOCK_REALTIME, &deadline);
                deadline.tv_nsec += 2L * 1000 * 1000;
                if (deadline.tv_nsec >= 1000000000) {
                        deadline.tv_sec++;
                        deadline.tv_nsec -= 1000000000;
                }
                if (pthread_timedjoin_np(lane->thread, NULL, &deadline) == 0)
                        break;
        }
        while (lane->handoff) {
                struct pending_call *pc = lane->handoff;
                lane->handoff = pc->next;
                pending_free(pc);
        }
        uv_close((uv_handle_t *)&lane->async, on_lane_closed);
}

/* Loop thread: the watchdog took the call the lane has been reading for
 * too long (lane_state_expire()), described by slot; answers it. */
static void deny_late(struct target *t, const struct lane_slot *slot)
{
        struct supervisor *sup = t->sup;
        struct policy_call call = {.nr = slot->nr, .arch = slot->arch, .pid = slot->pid};
        struct policy_decision d = {.verdict = VERDICT_DENY,
                                    .errno_value = slot->error > 0 ? slot->error : EPERM};
        const char *e = errno_to_name(d.errno_value);
        char who[256];

        memcpy(call.args, slot->args, sizeof(call.args));
        supervisor_count(t, call.nr, VERDICT_DENY);
        serve_log(t, &call, &d, true);
        supervisor_say(
            sup,
            "%s: denied %s of pid %d with %s: no decision within %u ms, reading "
            "the caller's memory did not end; this target's later calls wait until it does",
            text_describe_target(t->id, t->pid, who, sizeof(who)),
            supervisor_syscall_name(sup, call.nr), call.pid, e ? e : "?",
            sup->opts.decision_timeout_ms);
        serve_say_failed(t->sup, serve_respond(t, &sup->bufs, slot->id, &call, VERDICT_DENY,
                                               d.errno_value, NULL));
}

static void on_watchdog(uv_timer_t *timer)
{
        struct supervisor *sup = container_of(timer, struct supervisor, watchdog);
        uint64_t now = uv_now(&sup->loop);

        for (struct target *t = sup->targets; t; t = t->next) {
                struct lane *lane = t->lane;
                if (!lane)
                        continue;
                uint64_t state = __atomic_load_n(&lane->state, __ATOMIC_ACQUIRE);
                if (!lane_watch_due(&lane->watch, state, now, sup->opts.decision_timeout_ms))
                        continue;
                /* Read before taking the call: once it is taken, the lane
                 * may go on to the next one and publish that. */
                struct lane_slot slot = {.id = SLOT_LOAD(lane->slot.id),
                                         .nr = SLOT_LOAD(lane->slot.nr),
                                         .arch = SLOT_LOAD(lane->slot.arch),
                                         .pid = SLOT_LOAD(lane->slot.pid),
                                         .error = SLOT_LOAD(lane->slot.error)};
                for (int i = 0; i < 6; i++)
                        slot.args[i] = SLOT_LOAD(lane->slot.args[i]);
                if (lane_state_expire(&lane->state, state))
                        deny_late(t, &slot);
        }
}

void supervisor_switch_policy(struct target *t, const struct policy *policy)
{
        __atomic_store_n(&t->policy, policy, __ATOMIC_SEQ_CST);
        if (t->lane)
                t->lane->switched = lane_state_look(&t->lane->state);
}

bool supervisor_target_settled(struct target *t)
{
        struct lane *lane = t->lane;
        bool handing_over;

        if (t->pending)
                return false;
        if (!lane)
                return true;
        /* A call the lane handed over before going IDLE is in the list by
         * the time the state says so. */
        if (!lane_state_settled(lane->switched, __atomic_load_n(&lane->state, __ATOMIC_ACQUIRE)))
                return false;
        pthread_mutex_lock(&lane->lock);
        handing_over = lane->handoff != NULL;
        pthread_mutex_unlock(&lane->lock);
        return !handing_over;
}
