/* SPDX-License-Identifier: MIT */
#include "core/supervisor.h"
#include "base/macros.h"
#include "base/text.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <sys/syscall.h>
#include <linux/audit.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/decision_log.h"
#include "errnos.h"
#include "core/lane_state.h"

static void free_names(struct supervisor *sup)
{
        if (!sup->names)
                return;
        for (int nr = 0; nr <= sup->counts_max_nr; nr++)
                free(sup->names[nr]);
        free(sup->names);
        sup->names = NULL;
}

/* Resolved on first use: resolving every number at start costs a
 * millisecond, and a run sees a few dozen syscalls. */
const char *supervisor_syscall_name(const struct supervisor *sup, int nr)
{
        if (nr < 0 || nr > sup->counts_max_nr)
                return "?";
        char *name = __atomic_load_n(&sup->names[nr], __ATOMIC_ACQUIRE);
        if (!name) {
                /* A lane thread may resolve the same name at the same time;
                 * the first to store it wins and the other frees its copy. */
                char *mine = seccomp_syscall_resolve_num_arch(seccomp_arch_native(), nr);
                char *none = NULL;
                if (!mine)
                        return "?";
                if (__atomic_compare_exchange_n(&sup->names[nr], &none, mine, false,
                                                __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
                        name = mine;
                else {
                        free(mine);
                        name = none;
                }
        }
        return name;
}

int supervisor_init(struct supervisor *sup, const struct policy *policy,
                    const struct supervisor_options *opts)
{
        int r;

        memset(sup, 0, sizeof(*sup));
        sup->policy = policy;
        sup->opts = *opts;
        sup->sigfd = -1;
        sup->child = -1;
        r = notif_buffers_init(&sup->bufs);
        if (r < 0)
                return r;
        sup->counts_max_nr = policy->max_nr;
        sup->counts = calloc((size_t)policy->max_nr + 1, sizeof(*sup->counts));
        if (!sup->counts) {
                notif_buffers_free(&sup->bufs);
                return -ENOMEM;
        }
        sup->names = calloc((size_t)policy->max_nr + 1, sizeof(*sup->names));
        if (!sup->names) {
                free(sup->counts);
                notif_buffers_free(&sup->bufs);
                return -ENOMEM;
        }
        sup->native_audit_arch = AUDIT_ARCH_X86_64;
#if !defined(__x86_64__)
        sup->native_audit_arch = 0; /* only native calls are translated as is */
#endif
        if (!sup->opts.decision_timeout_ms)
                sup->opts.decision_timeout_ms = SUPERVISOR_DECISION_TIMEOUT_MS;
        r = uv_loop_init(&sup->loop);
        if (r < 0) {
                free_names(sup);
                free(sup->counts);
                notif_buffers_free(&sup->bufs);
                return r;
        }
        /* Started with the first lane; it never keeps the loop alive. */
        uv_timer_init(&sup->loop, &sup->watchdog);
        uv_unref((uv_handle_t *)&sup->watchdog);
        sup->watchdog_open = true;
        return 0;
}

static void target_free(struct target *t)
{
        free(t->id);
        free(t);
}

static void on_target_closed(uv_handle_t *handle)
{
        struct target *t = container_of((uv_poll_t *)handle, struct target, poll);
        close(t->listener);
        target_free(t);
}

static void pending_free(struct pending_call *pc)
{
        for (unsigned i = 0; i < POLICY_CALL_MAX_PATHS; i++)
                free(pc->paths[i]);
        free(pc->exe);
        target_details_clear(&pc->details);
        free(pc);
}

static void pending_unlink(struct pending_call *pc)
{
        for (struct pending_call **p = &pc->target->pending; *p; p = &(*p)->next)
                if (*p == pc) {
                        *p = pc->next;
                        break;
                }
}

static void lane_stop(struct lane *lane);

static void target_close(struct target *t)
{
        struct supervisor *sup = t->sup;
        if (t->closing)
                return;
        t->closing = true;
        if (t->lane) {
                lane_stop(t->lane);
                t->lane = NULL;
        }
        /* Their callers will see ENOSYS once the listener is closed, or are
         * already gone; the deciders just have to forget them. */
        while (t->pending) {
                struct pending_call *pc = t->pending;
                t->pending = pc->next;
                if (sup->hooks.cancel)
                        sup->hooks.cancel(sup->hooks.ctx, pc);
                pending_free(pc);
        }
        if (sup->target_closed)
                sup->target_closed(t);
        for (struct target **p = &sup->targets; *p; p = &(*p)->next)
                if (*p == t) {
                        *p = t->next;
                        break;
                }
        sup->n_targets--;
        uv_close((uv_handle_t *)&t->poll, on_target_closed);
}

/* Counters are bumped from the loop thread and from a target's lane
 * thread (below), so with atomic adds; they are read once both are done. */
#define BUMP(x) __atomic_fetch_add(&(x), 1, __ATOMIC_RELAXED)

static void count(struct target *t, int nr, enum policy_verdict verdict)
{
        struct supervisor *sup = t->sup;
        if (nr >= 0 && nr <= sup->counts_max_nr)
                BUMP(sup->counts[nr][verdict]);
        BUMP(t->decided_by_verdict[verdict]);
}

/* Kills the process the notification came from. The tgid is read while the
 * notification is still pending and checked again after the pidfd exists,
 * so the signal cannot reach a process that reused the pid. */
static void kill_caller(struct target *t, pid_t tid, uint64_t id)
{
        pid_t tgid;

        if (target_read_tgid(tid, &tgid) < 0)
                tgid = tid;
        int pidfd = (int)syscall(SYS_pidfd_open, tgid, 0);
        if (pidfd < 0)
                return;
        if (notif_id_valid(t->listener, id) == 0)
                syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
        close(pidfd);
}

static int respond(struct target *t, struct notif_buffers *bufs, uint64_t id,
                   const struct policy_call *call, enum policy_verdict verdict, int error)
{
        int r;

        switch (verdict) {
        case VERDICT_ALLOW:
        case VERDICT_LOG:
                /* Before the call can complete: from now on paths are
                 * resolved against the root the target really has. */
                if (policy_changes_root(call->nr))
                        __atomic_store_n(&t->root_is_ours, false, __ATOMIC_RELEASE);
                r = notif_respond_continue(t->listener, bufs, id);
                break;
        case VERDICT_KILL:
                kill_caller(t, call->pid, id);
                r = notif_respond_errno(t->listener, bufs, id, EPERM);
                break;
        case VERDICT_DENY:
        case VERDICT_PROMPT:
        default:
                r = notif_respond_errno(t->listener, bufs, id, error > 0 ? error : EPERM);
                break;
        }
        /* ENOENT: the caller died or its call was interrupted meanwhile. */
        return r == -ENOENT ? 0 : r;
}

/* The profile decides execve itself in the kernel; we see it only because
 * the launcher needs its own exec routed to us. Apply what the kernel would
 * have done. */
static void decide_kernel_side(struct supervisor *sup, enum policy_kernel_action action,
                               uint32_t data, struct policy_decision *d)
{
        d->rule = NULL;
        d->errno_value = 0;
        switch (action) {
        case KACT_ALLOW:
        case KACT_LOG:
                d->verdict = VERDICT_ALLOW;
                break;
        case KACT_ERRNO:
                d->verdict = VERDICT_DENY;
                d->errno_value = (int)data;
                break;
        case KACT_TRACE:
                /* With no tracer attached the kernel fails the call. */
                d->verdict = VERDICT_DENY;
                d->errno_value = ENOSYS;
                break;
        case KACT_KILL_THREAD:
        case KACT_KILL_PROCESS:
        case KACT_TRAP:
                d->verdict = VERDICT_KILL;
                break;
        case KACT_NOTIFY:
                return; /* the caller decides on the supervisor rules */
        }
        BUMP(sup->kernel_decided);
}

/* Counts, logs and answers a decided call; 0 or a negative errno. */
static int answer(struct target *t, struct notif_buffers *bufs, uint64_t id,
                  const struct policy_call *call, const struct policy_decision *d)
{
        struct supervisor *sup = t->sup;
        count(t, call->nr, d->verdict);
        if (sup->opts.log)
                decision_log_write(sup->opts.log, t, call, d);
        return respond(t, bufs, id, call, d->verdict, d->errno_value);
}

static void say_answer_failed(int r)
{
        if (r < 0)
                fprintf(stderr, "scmp-super: answering a notification: %s\n", strerror(-r));
}

static void finish(struct target *t, struct notif_buffers *bufs, uint64_t id,
                   const struct policy_call *call, const struct policy_decision *d)
{
        say_answer_failed(answer(t, bufs, id, call, d));
}

static char *dup_or_null(const char *s, bool *failed)
{
        if (!s)
                return NULL;
        char *copy = strdup(s);
        if (!copy)
                *failed = true;
        return copy;
}

/* A pending call owning copies of what was decoded: the decode scratch is
 * reused by the next notification. */
static struct pending_call *pending_new(struct target *t, uint64_t id,
                                        const struct policy_call *call,
                                        const struct policy_decision *d)
{
        struct pending_call *pc = calloc(1, sizeof(*pc));
        bool failed = false;

        if (!pc)
                return NULL;
        pc->target = t;
        pc->id = id;
        pc->call = *call;
        pc->decision = *d;
        for (unsigned i = 0; i < call->n_paths && i < POLICY_CALL_MAX_PATHS; i++) {
                pc->paths[i] = dup_or_null(call->paths[i], &failed);
                pc->call.paths[i] = pc->paths[i];
        }
        pc->exe = dup_or_null(call->have_exe ? call->exe : NULL, &failed);
        pc->call.exe = pc->exe;
        pc->call.unix_path = NULL; /* pointed into the scratch; not kept */
        if (failed) {
                pending_free(pc);
                return NULL;
        }
        return pc;
}

/* Hands a pending call to the prompt hook (loop thread only); on refusal
 * the caller answers it as the fallback says. */
static int pending_begin(struct pending_call *pc)
{
        struct target *t = pc->target;
        struct supervisor *sup = t->sup;

        /* Gone since a lane saw it (the broker closed). */
        if (!sup->hooks.prompt)
                return -ECANCELED;
        pc->next = t->pending;
        t->pending = pc;
        int r = sup->hooks.prompt(sup->hooks.ctx, pc);
        if (r < 0)
                pending_unlink(pc);
        return r;
}

int supervisor_complete(struct pending_call *pc, enum policy_verdict verdict, int error)
{
        struct target *t = pc->target;
        struct policy_decision d = pc->decision;

        d.verdict = verdict == VERDICT_PROMPT ? VERDICT_DENY : verdict;
        d.errno_value = error;
        pending_unlink(pc);
        int r = answer(t, &t->sup->bufs, pc->id, &pc->call, &d);
        pending_free(pc);
        return r;
}

/*
 * Rules are indexed by native syscall number, but a 32-bit (x86) or x32
 * caller's numbers mean other calls: i386's 5 is open, x86-64's 5 is fstat.
 * Translate by name, once per number, before any rule sees the call.
 */
static int native_nr(struct supervisor *sup, uint32_t arch, int nr)
{
        if (arch == sup->native_audit_arch)
                return nr;
        int slot = arch == AUDIT_ARCH_I386 ? 0 : 1;
        int index = nr & ~0x40000000; /* __X32_SYSCALL_BIT */
        if (index < 0 || index >= COMPAT_MAX_NR)
                return -1;
        /* The loop and a lane may both fill the same entry: the same value,
         * but the stores and loads must be atomic. */
        int16_t *cached = &sup->compat_nr[slot][index];
        int16_t v = __atomic_load_n(cached, __ATOMIC_RELAXED);
        if (v == 0) {
                uint32_t scmp_arch = arch == AUDIT_ARCH_I386 ? SCMP_ARCH_X86 : SCMP_ARCH_X32;
                char *name = seccomp_syscall_resolve_num_arch(scmp_arch, nr);
                int native = name ? seccomp_syscall_resolve_name(name) : __NR_SCMP_ERROR;
                free(name);
                v = (int16_t)(native < 0 ? -1 : native + 1);
                __atomic_store_n(cached, v, __ATOMIC_RELAXED);
        }
        return v < 0 ? -1 : v - 1;
}

void supervisor_discard(struct pending_call *pc)
{
        pending_unlink(pc);
        pending_free(pc);
}

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

/* The lane is about to read the target for call (notification id): from
 * now on the watchdog may answer it, with error (0: EPERM). No-op on the
 * loop, which has no watchdog over it. */
static void reading_begin(struct lane *lane, uint64_t id, const struct policy_call *call, int error)
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

/* The read is over. False: the call is not ours any more (the watchdog
 * answered it, or the target closed and may be freed): the caller returns
 * at once, touching nothing of the target. */
static bool reading_done(struct lane *lane)
{
        return !lane || lane_state_read_done(&lane->state);
}

static void lane_handoff(struct lane *lane, struct pending_call *pc);

/*
 * An execve or execveat, received by the owner of scratch's executable
 * cache and not yet answered. The caller's thread group is read without
 * checking the notification: had the caller died meanwhile, its exec will
 * not happen and whatever was read does no harm.
 */
static void note_exec(struct target_scratch *scratch, const struct policy_call *call)
{
        pid_t tgid;

        if (!exe_cache_enabled(scratch->exe_cache))
                return;
        if (target_read_tgid(call->pid, &tgid) < 0)
                tgid = 0;
        exe_cache_exec(scratch->exe_cache, call->pid, tgid);
}

/*
 * Hands a call whose decision is "prompt" to the loop's prompt hook, after
 * reading, on this thread, everything a person will be shown
 * (SUPERVISOR_PROMPT_NEEDS, who calls). Returns 0 when the call is taken
 * care of (handed over, or its caller is gone, or the watchdog answered
 * it); otherwise the caller denies it now, as the documented fallback says.
 */
static int hand_to_prompt(struct target *t, int listener, uint64_t id, struct policy_call *call,
                          const struct policy_decision *d, struct target_scratch *scratch,
                          struct lane *lane)
{
        struct target_details details = {0};
        unsigned needs = SUPERVISOR_PROMPT_NEEDS;
        int r = 0;

        if (call->have_paths)
                needs &= ~POLICY_NEED_PATHS;
        if (call->have_addr)
                needs &= ~POLICY_NEED_ADDR;
        if (call->have_exe)
                needs &= ~POLICY_NEED_EXE;
        /* Should reading stall, the call is denied as the prompt's timeout
         * would deny it. */
        reading_begin(lane, id, call, d->errno_value);
        if (needs) {
                /* Into a copy: what the decision was made on stays as it is
                 * if this fails. */
                struct policy_call more = *call;
                r = target_decode_call(listener, id, &more, needs, scratch);
                if (r == 0)
                        *call = more;
        }
        if (r != -ENOENT)
                r = target_read_details(call, &details);
        if (!reading_done(lane)) {
                target_details_clear(&details);
                return 0;
        }
        if (r == -ENOENT)
                return 0; /* gone: nothing to ask */
        struct pending_call *pc = r == 0 ? pending_new(t, id, call, d) : NULL;
        if (!pc) {
                target_details_clear(&details);
                return -ENOMEM;
        }
        pc->details = details;
        if (lane) {
                /* The loop will answer it, and the lane cannot know when
                 * the program changes. */
                if (policy_changes_exe(call->nr))
                        exe_cache_disable(scratch->exe_cache);
                lane_handoff(lane, pc);
                return 0;
        }
        r = pending_begin(pc);
        if (r < 0)
                pending_free(pc);
        return r;
}

/* Decides and answers the notification just received into bufs. On a lane
 * thread (lane set), a call that needs the loop (a prompt) is handed over. */
static void serve_one(struct target *t, struct notif_buffers *bufs, struct target_scratch *scratch,
                      struct lane *lane)
{
        struct supervisor *sup = t->sup;
        struct seccomp_notif *req = bufs->req;
        /* What a lane reads with: its own copy, open for as long as it runs. */
        int listener = lane ? lane->listener : t->listener;
        struct policy_call call;
        struct policy_decision d;
        int r;

        memset(&call, 0, sizeof(call));
        call.nr = native_nr(sup, req->data.arch, req->data.nr);
        call.arch = req->data.arch;
        if (call.nr < 0) {
                /* A 32-bit or x32 call with no native counterpart: no rule
                 * can speak of it, so it is refused. */
                say_answer_failed(respond(t, bufs, req->id, &call, VERDICT_DENY, ENOSYS));
                return;
        }
        call.pid = (pid_t)req->pid;
        memcpy(call.args, req->data.args, sizeof(call.args));

        if (t->launcher_exec_pending && call.pid == t->pid && call.nr == __NR_execve) {
                /* Our own exec of the command: allowed exactly once. */
                t->launcher_exec_pending = false;
                say_answer_failed(respond(t, bufs, req->id, &call, VERDICT_ALLOW, 0));
                return;
        }

        if (policy_changes_exe(call.nr))
                note_exec(scratch, &call);

        /* Sequentially consistent, after the lane marked the call begun:
         * supervisor_switch_policy() relies on it (lane_state_settled()). */
        const struct policy *policy = __atomic_load_n(&t->policy, __ATOMIC_SEQ_CST);
        /* Calls the filter hands us whatever the profile says of them get
         * the profile's own action; the rest were notified by the profile. */
        enum policy_kernel_action kernel = KACT_NOTIFY;
        uint32_t kernel_data = 0;
        if (call.nr == __NR_execve || (sup->opts.root_tracked && policy_changes_root(call.nr)) ||
            (sup->opts.exec_tracked && call.nr == __NR_execveat))
                kernel = policy_kernel_decide(policy, call.nr, call.args, &kernel_data);
        bool notified_by_profile = kernel == KACT_NOTIFY;

        unsigned needs = notified_by_profile ? policy_needs(policy, call.nr) : 0;
        needs |= sup->hooks.extra_needs;
        if (sup->opts.log && notified_by_profile)
                needs |= POLICY_NEED_PATHS | POLICY_NEED_ADDR | POLICY_NEED_EXE;
        if (needs) {
                if (__atomic_load_n(&t->root_is_ours, __ATOMIC_ACQUIRE))
                        needs |= TARGET_DECODE_ROOT_IS_OURS;
                reading_begin(lane, req->id, &call, 0);
                r = target_decode_call(listener, req->id, &call, needs, scratch);
                if (!reading_done(lane))
                        return; /* answered by the watchdog, or the target is gone */
                if (r == -ENOENT)
                        return; /* gone: nothing to answer */
                if (r < 0) {
                        /* Could not read the target: decide with what we have;
                         * allow rules that need the data will not match. */
                        call.have_paths = call.have_addr = false;
                        call.n_paths = 0;
                }
        }

        if (notified_by_profile)
                policy_decide(policy, &call, &d);
        else
                decide_kernel_side(sup, kernel, kernel_data, &d);
        if (sup->hooks.observe)
                sup->hooks.observe(sup->hooks.ctx, t, req->id, &call, &d);

        /* The hook goes when the prompt broker closes, which a lane may
         * not have seen yet: the loop checks again (pending_begin()). */
        if (d.verdict == VERDICT_PROMPT && __atomic_load_n(&sup->hooks.prompt, __ATOMIC_RELAXED) &&
            hand_to_prompt(t, listener, req->id, &call, &d, scratch, lane) == 0)
                return;
        if (d.verdict == VERDICT_PROMPT) {
                /* Nobody to ask: a prompt is answered as its timeout would
                 * be, deny once with the rule's errno (documented). */
                d.verdict = VERDICT_DENY;
        }
        if (!notified_by_profile) {
                /* Routed to us for our own reasons (the launcher's exec,
                 * root and exec tracking) and answered as the kernel would
                 * have: the kernel's decision, not ours, so neither counted
                 * nor logged. */
                say_answer_failed(respond(t, bufs, req->id, &call, d.verdict, d.errno_value));
                return;
        }
        finish(t, bufs, req->id, &call, &d);
}

static void handle_notification(struct target *t)
{
        struct supervisor *sup = t->sup;
        int r = notif_receive(t->listener, &sup->bufs);
        if (r == -ENOENT || r == -EINTR)
                return;
        if (r < 0) {
                fprintf(stderr, "scmp-super: receiving a notification: %s\n", strerror(-r));
                target_close(t);
                return;
        }
        serve_one(t, &sup->bufs, &sup->scratch, NULL);
}

#define LANE_WAKE_SIGNAL SIGRTMIN

static void lane_wake_handler(int sig)
{
        (void)sig; /* only there to interrupt a blocked RECV */
}

static void lane_unref(struct lane *lane)
{
        if (__atomic_sub_fetch(&lane->refs, 1, __ATOMIC_ACQ_REL) > 0)
                return;
        pthread_mutex_destroy(&lane->lock);
        notif_buffers_free(&lane->bufs);
        if (lane->scratch)
                exe_cache_free(lane->scratch->exe_cache);
        free(lane->scratch);
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
                        fprintf(stderr, "scmp-super: receiving a notification: %s\n", strerror(-r));
                        break;
                }
                lane_state_begin(&lane->state, ++lane->calls);
                serve_one(t, &lane->bufs, lane->scratch, lane);
                if (!lane_state_end(&lane->state))
                        break; /* abandoned: the target may be gone */
        }
        decision_log_thread_exit();
        lane_unref(lane);
        return NULL;
}

static void lane_handoff(struct lane *lane, struct pending_call *pc)
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
                        finish(t, &t->sup->bufs, pc->id, &pc->call, &d);
                        pending_free(pc);
                }
        }
}

static void on_lane_closed(uv_handle_t *handle)
{
        lane_unref(container_of((uv_async_t *)handle, struct lane, async));
}

static void on_watchdog(uv_timer_t *timer);

static int lane_start(struct target *t)
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
        lane->scratch = malloc(sizeof(*lane->scratch));
        r = lane->listener < 0 ? -errno
            : !lane->scratch   ? -ENOMEM
                               : notif_buffers_init(&lane->bufs);
        if (r < 0) {
                if (lane->listener >= 0)
                        close(lane->listener);
                free(lane->scratch);
                pthread_mutex_destroy(&lane->lock);
                free(lane);
                return r;
        }
        lane->scratch->exe_cache = NULL;
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
        if (sup->opts.exec_tracked)
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
static void lane_stop(struct lane *lane)
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
        count(t, call.nr, VERDICT_DENY);
        if (sup->opts.log)
                decision_log_write_timeout(sup->opts.log, t, &call, &d);
        fprintf(stderr,
                "scmp-super: %s: denied %s of pid %d with %s: no decision within %u ms, reading "
                "the caller's memory did not end; this target's later calls wait until it does\n",
                text_describe_target(t->id, t->pid, who, sizeof(who)),
                supervisor_syscall_name(sup, call.nr), call.pid, e ? e : "?",
                sup->opts.decision_timeout_ms);
        say_answer_failed(respond(t, &sup->bufs, slot->id, &call, VERDICT_DENY, d.errno_value));
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

static void on_listener(uv_poll_t *handle, int status, int events)
{
        struct target *t = container_of(handle, struct target, poll);

        if (status < 0 || (events & UV_DISCONNECT)) {
                /* POLLHUP: no task uses the filter any more. RECV would block,
                 * so stop without calling it. */
                target_close(t);
                return;
        }
        if (events & UV_READABLE)
                handle_notification(t);
}

int supervisor_add_target(struct supervisor *sup, struct agent_message *msg, bool launcher,
                          const struct policy *policy)
{
        return supervisor_add_target_owned(sup, msg, launcher, policy, NULL, NULL);
}

int supervisor_add_target_owned(struct supervisor *sup, struct agent_message *msg, bool launcher,
                                const struct policy *policy, void *owner,
                                struct target **ret_target)
{
        struct target *t = calloc(1, sizeof(*t));
        int r;

        if (!t)
                return -ENOMEM;
        t->sup = sup;
        t->policy = policy ? policy : sup->policy;
        t->listener = msg->seccomp_fd;
        t->pid = msg->pid;
        t->launcher_exec_pending = launcher;
        t->root_is_ours = launcher && sup->opts.root_tracked;
        if (msg->id && msg->id[0]) {
                t->id = strdup(msg->id);
                if (!t->id) {
                        free(t);
                        return -ENOMEM;
                }
        }
        r = uv_poll_init(&sup->loop, &t->poll, t->listener);
        if (r < 0) {
                target_free(t);
                return r;
        }
        msg->seccomp_fd = -1;
        sup->sync_wakeup = notif_set_sync_wakeup(t->listener);
        t->next = sup->targets;
        sup->targets = t;
        sup->n_targets++;
        r = 0;
        if (sup->opts.fast_lane && (!sup->hooks.observe || sup->hooks.observe_any_thread))
                r = lane_start(t);
        /* With a lane, the loop watches only for the hang-up. */
        if (r == 0 || !sup->opts.lane_required)
                r = uv_poll_start(&t->poll, t->lane ? UV_DISCONNECT : UV_READABLE | UV_DISCONNECT,
                                  on_listener);
        if (r < 0) {
                /* Its listener is closed with it: the target's notified
                 * calls fail with ENOSYS, as for any target refused. */
                target_close(t);
                return r;
        }
        t->owner = owner;
        if (ret_target)
                *ret_target = t;
        return 0;
}

static void stop_everything(struct supervisor *sup)
{
        if (sup->stopping)
                return;
        sup->stopping = true;
        while (sup->targets)
                target_close(sup->targets);
        if (sup->watchdog_open) {
                sup->watchdog_open = false;
                uv_close((uv_handle_t *)&sup->watchdog, NULL);
        }
        if (sup->signal_poll_open) {
                sup->signal_poll_open = false;
                uv_close((uv_handle_t *)&sup->signal_poll, NULL);
        }
        if (sup->flush_timer_open) {
                sup->flush_timer_open = false;
                uv_close((uv_handle_t *)&sup->flush_timer, NULL);
        }
}

/* run and trace are child subreapers (seal.h): what the command leaves
 * behind when its parent exits becomes our child, and is reaped here too,
 * or it would stay a zombie until we exit. */
static void reap_child(struct supervisor *sup)
{
        int status, flags = WNOHANG | (sup->child_stopped ? WUNTRACED : 0);
        pid_t p;

        /* Stops are reported only with WUNTRACED, so only when asked for;
         * an orphan's exit or stop is only reaped or passed over. */
        while ((p = waitpid(-1, &status, flags)) > 0) {
                if (p != sup->child)
                        continue;
                if (!WIFSTOPPED(status))
                        break;
                if (sup->child_stopped)
                        sup->child_stopped(sup->child_stopped_ctx, WSTOPSIG(status));
        }
        if (p != sup->child)
                return;
        sup->child_exited = true;
        if (WIFEXITED(status))
                sup->child_status = WEXITSTATUS(status);
        else if (WIFSIGNALED(status))
                sup->child_status = 128 + WTERMSIG(status);
        else
                sup->child_status = 125;
        stop_everything(sup);
}

static void on_signal(uv_poll_t *handle, int status, int events)
{
        struct supervisor *sup = container_of(handle, struct supervisor, signal_poll);
        struct signalfd_siginfo si;

        if (status < 0)
                return;
        while (read(sup->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
                if (si.ssi_signo == SIGCHLD) {
                        reap_child(sup);
                        continue;
                }
                if (sup->child_exited)
                        continue;
                /* A terminal's ^C reaches the whole foreground process group,
                 * the child included; forwarding it would deliver it twice. */
                if (si.ssi_code == SI_KERNEL && getpgid(sup->child) == getpgrp())
                        continue;
                kill(sup->child, (int)si.ssi_signo);
        }
        /* A SIGCHLD can be merged with one we already consumed. */
        if (!sup->child_exited)
                reap_child(sup);
}

static void on_flush_timer(uv_timer_t *timer)
{
        struct supervisor *sup = container_of(timer, struct supervisor, flush_timer);
        if (sup->opts.log)
                log_file_flush(sup->opts.log);
}

int supervisor_watch_child(struct supervisor *sup, pid_t child, int sigfd)
{
        int r;

        sup->child = child;
        sup->sigfd = sigfd;
        r = uv_poll_init(&sup->loop, &sup->signal_poll, sigfd);
        if (r < 0)
                return r;
        sup->signal_poll_open = true;
        r = uv_poll_start(&sup->signal_poll, UV_READABLE, on_signal);
        if (r < 0)
                return r;
        if (sup->opts.log) {
                /* The log is block-buffered for speed; flush it every second
                 * so a reader following it is never far behind. */
                r = uv_timer_init(&sup->loop, &sup->flush_timer);
                if (r < 0)
                        return r;
                sup->flush_timer_open = true;
                r = uv_timer_start(&sup->flush_timer, on_flush_timer, 1000, 1000);
                if (r < 0)
                        return r;
                uv_unref((uv_handle_t *)&sup->flush_timer);
        }
        /* The child may have exited before we watched. */
        reap_child(sup);
        return 0;
}

int supervisor_run(struct supervisor *sup)
{
        return uv_run(&sup->loop, UV_RUN_DEFAULT);
}

void supervisor_close(struct supervisor *sup)
{
        stop_everything(sup);
        uv_run(&sup->loop, UV_RUN_DEFAULT);
        int r = uv_loop_close(&sup->loop);
        if (r != 0)
                fprintf(stderr, "scmp-super: internal error: event loop did not close: %s\n",
                        uv_strerror(r));
        if (sup->opts.log)
                log_file_flush(sup->opts.log);
        notif_buffers_free(&sup->bufs);
        free_names(sup);
        free(sup->counts);
        sup->counts = NULL;
}

struct summary_row {
        const char *name;
        int nr;
};

static int compare_rows(const void *a, const void *b)
{
        const struct summary_row *x = a, *y = b;
        return strcmp(x->name, y->name);
}

void supervisor_print_summary(const struct supervisor *sup, FILE *out)
{
        static const enum policy_verdict order[] = {VERDICT_ALLOW, VERDICT_LOG, VERDICT_DENY,
                                                    VERDICT_KILL};
        struct summary_row *rows = calloc((size_t)sup->counts_max_nr + 1, sizeof(*rows));
        size_t n = 0;
        uint64_t totals[POLICY_VERDICT_COUNT] = {0};

        if (!rows)
                return;
        for (int nr = 0; nr <= sup->counts_max_nr; nr++) {
                uint64_t sum = 0;
                for (int v = 0; v < POLICY_VERDICT_COUNT; v++) {
                        sum += sup->counts[nr][v];
                        totals[v] += sup->counts[nr][v];
                }
                if (!sum)
                        continue;
                rows[n].name = supervisor_syscall_name(sup, nr);
                rows[n].nr = nr;
                n++;
        }
        qsort(rows, n, sizeof(*rows), compare_rows);
        fprintf(out, "scmp-super: summary of supervisor decisions\n");
        fprintf(out, "  %-24s %10s %10s %10s %10s\n", "syscall", "allow", "log", "deny", "kill");
        for (size_t i = 0; i < n; i++) {
                fprintf(out, "  %-24s", rows[i].name);
                for (size_t v = 0; v < 4; v++)
                        fprintf(out, " %10llu",
                                (unsigned long long)sup->counts[rows[i].nr][order[v]]);
                fputc('\n', out);
        }
        fprintf(out, "  %-24s", "total");
        for (size_t v = 0; v < 4; v++)
                fprintf(out, " %10llu", (unsigned long long)totals[order[v]]);
        fputc('\n', out);
        free(rows);
}
