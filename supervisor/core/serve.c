/* SPDX-License-Identifier: MIT */
/* core/serve.c: one notification: decode, decide, answer. */
#include "core/supervisor_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "act/act.h"
#include "core/decision_log.h"

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

static const struct act_reader target_reader = {
    .string = target_read_string,
    .memory = target_read_memory,
    .write = target_write_memory,
};

/* Calls that wait for a peer (a FIFO's other end, a connect's, room to
 * send), performed off the lane: each holds a thread until then. At most
 * this many at once for one target, so that one cannot take every thread
 * from the others (the daemon's containers), and this many in the whole
 * process. */
#define MAX_WAITING_PER_TARGET 64
#define MAX_WAITING_OPENS      512
static unsigned waiting_opens;

struct waiting_share {
        unsigned count; /* its calls waiting now */
        unsigned refs;  /* the target's, and one per waiting thread */
};

struct waiting_share *serve_waiting_share_new(void)
{
        struct waiting_share *share = calloc(1, sizeof(*share));
        if (share)
                share->refs = 1;
        return share;
}

void serve_waiting_share_release(struct waiting_share *share)
{
        if (share && __atomic_sub_fetch(&share->refs, 1, __ATOMIC_ACQ_REL) == 0)
                free(share);
}

/* Takes a place for one more waiting call of share: false when the
 * target or the process has its fill. */
static bool waiting_take(struct waiting_share *share)
{
        if (__atomic_add_fetch(&waiting_opens, 1, __ATOMIC_RELAXED) > MAX_WAITING_OPENS) {
                __atomic_sub_fetch(&waiting_opens, 1, __ATOMIC_RELAXED);
                return false;
        }
        if (!share)
                return true; /* a target made without one (tests): the process's limit */
        if (__atomic_add_fetch(&share->count, 1, __ATOMIC_RELAXED) > MAX_WAITING_PER_TARGET) {
                __atomic_sub_fetch(&share->count, 1, __ATOMIC_RELAXED);
                __atomic_sub_fetch(&waiting_opens, 1, __ATOMIC_RELAXED);
                return false;
        }
        __atomic_add_fetch(&share->refs, 1, __ATOMIC_RELAXED);
        return true;
}

static void waiting_give_back(struct waiting_share *share)
{
        if (share)
                __atomic_sub_fetch(&share->count, 1, __ATOMIC_RELAXED);
        __atomic_sub_fetch(&waiting_opens, 1, __ATOMIC_RELAXED);
        serve_waiting_share_release(share);
}

struct waiting_open {
        struct policy_call call;
        char *paths[POLICY_CALL_MAX_PATHS];
        char *raw_paths[POLICY_CALL_MAX_PATHS];
        struct policy_addr *addrs;
        int sock;     /* the socket decided, ours; -1 */
        int listener; /* our own copy: the target may be gone before we are */
        struct waiting_share *share;
        uint64_t id;
        bool root_is_ours;
        struct supervisor *sup;
};

static void waiting_open_free(struct waiting_open *w)
{
        for (unsigned i = 0; i < POLICY_CALL_MAX_PATHS; i++) {
                free(w->paths[i]);
                free(w->raw_paths[i]);
        }
        free(w->addrs);
        if (w->sock >= 0)
                close(w->sock);
        if (w->listener >= 0)
                close(w->listener);
        free(w);
}

/* Whether the caller still waits for the answer. */
static bool waiting_wanted(void *ctx)
{
        const struct waiting_open *w = ctx;
        return notif_id_valid(w->listener, w->id) == 0;
}

/* A thread of the caller, to signal once it has its answer; -1. */
static int caller_thread_pidfd(int listener, uint64_t id, pid_t tid)
{
        int pidfd = (int)syscall(SYS_pidfd_open, tid, O_EXCL /* PIDFD_THREAD */);
        if (pidfd >= 0 && notif_id_valid(listener, id) < 0) {
                close(pidfd);
                pidfd = -1;
        }
        return pidfd;
}

/* Answers a call performed (act/) with what it came to; a result that
 * would still wait is answered EAGAIN. */
static int answer_performed(int listener, struct notif_buffers *bufs, uint64_t id, pid_t tid,
                            const struct act_result *res)
{
        int r, pidfd = -1;

        switch (res->kind) {
        case ACT_ANSWER_FD:
                r = notif_addfd_send(listener, bufs, id, res->fd, res->cloexec);
                close(res->fd);
                return r;
        case ACT_ANSWER_VALUE:
                return notif_respond_value(listener, bufs, id, res->value);
        case ACT_ANSWER_ERROR:
                if (res->sigpipe)
                        pidfd = caller_thread_pidfd(listener, id, tid);
                r = notif_respond_errno(listener, bufs, id, res->error);
                if (pidfd >= 0) {
                        if (r == 0)
                                syscall(SYS_pidfd_send_signal, pidfd, SIGPIPE, NULL, 0);
                        close(pidfd);
                }
                return r;
        case ACT_ANSWER_CONTINUE:
                return notif_respond_continue(listener, bufs, id);
        case ACT_ANSWER_BLOCKS:
        default:
                return notif_respond_errno(listener, bufs, id, EAGAIN);
        }
}

static void *waiting_open_run(void *arg)
{
        struct waiting_open *w = arg;
        struct act_waiter waiter = {.wanted = waiting_wanted, .ctx = w};
        struct notif_buffers bufs;
        struct act_result res;
        int r;

        if (notif_buffers_init(&bufs) == 0) {
                if (act_performs_net(w->call.nr))
                        r = act_perform_net(&w->call, w->sock, w->root_is_ours, true, &waiter,
                                            w->sup->opts.own_commands, &target_reader, &res);
                else
                        r = act_perform(&w->call, NULL, w->root_is_ours, true,
                                        w->sup->opts.own_commands, &target_reader, &res);
                if (r == -ECANCELED)
                        r = 0; /* nobody waits for it any more */
                else if (r < 0)
                        r = notif_respond_errno(w->listener, &bufs, w->id, EPERM);
                else
                        r = answer_performed(w->listener, &bufs, w->id, w->call.pid, &res);
                if (r < 0 && r != -ENOENT)
                        supervisor_say(w->sup, "answering a call performed off the lane: %s",
                                       strerror(-r));
                notif_buffers_free(&bufs);
        }
        struct waiting_share *share = w->share;
        waiting_open_free(w);
        waiting_give_back(share);
        return NULL;
}

/* Starts the thread that performs a call that waits as the caller would:
 * an open of a FIFO for its other end, a connect or a send for its peer. */
static int perform_waiting(struct target *t, uint64_t id, const struct policy_call *call,
                           bool root_is_ours, int sock)
{
        struct waiting_open *w;
        pthread_attr_t attr;
        pthread_t thread;
        bool failed = false;
        int r;

        if (!waiting_take(t->waiting))
                return -EAGAIN;
        w = calloc(1, sizeof(*w));
        if (!w) {
                waiting_give_back(t->waiting);
                return -ENOMEM;
        }
        w->share = t->waiting;
        w->call = *call;
        w->id = id;
        w->root_is_ours = root_is_ours;
        w->sup = t->sup;
        w->sock = sock >= 0 ? fcntl(sock, F_DUPFD_CLOEXEC, 3) : -1;
        failed |= sock >= 0 && w->sock < 0;
        if (call->addrs && call->n_addrs > 0) {
                w->addrs = target_addrs_copy(call);
                failed |= !w->addrs;
        }
        w->call.addrs = w->addrs;
        w->listener = fcntl(t->listener, F_DUPFD_CLOEXEC, 3);
        for (unsigned i = 0; i < POLICY_CALL_MAX_PATHS; i++) {
                w->paths[i] = call->paths[i] ? strdup(call->paths[i]) : NULL;
                w->raw_paths[i] = call->raw_paths[i] ? strdup(call->raw_paths[i]) : NULL;
                failed |=
                    (call->paths[i] && !w->paths[i]) || (call->raw_paths[i] && !w->raw_paths[i]);
                w->call.paths[i] = w->paths[i];
                w->call.raw_paths[i] = w->raw_paths[i];
        }
        w->call.exe = NULL;
        w->call.unix_path = NULL;
        r = failed ? -ENOMEM : w->listener < 0 ? -errno : 0;
        if (r == 0) {
                pthread_attr_init(&attr);
                pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
                pthread_attr_setstacksize(&attr, (size_t)256 * 1024);
                r = -pthread_create(&thread, &attr, waiting_open_run, w);
                pthread_attr_destroy(&attr);
                if (r == 0)
                        return 0; /* w is the thread's now */
        }
        waiting_open_free(w);
        waiting_give_back(t->waiting);
        return r;
}

/*
 * Performs an allowed call whose decision read its paths (act/), and
 * answers it with what the call came to. decided: the resolutions the
 * decision was made on, still held by the thread that made it, or NULL.
 */
static int serve_perform(struct target *t, struct notif_buffers *bufs, uint64_t id,
                         const struct policy_call *call, struct target_scratch *scratch)
{
        struct act_result res;
        bool root_is_ours = __atomic_load_n(&t->root_is_ours, __ATOMIC_ACQUIRE);
        bool held = scratch && scratch->decided_id == id;
        int sock = scratch && scratch->sock_held && scratch->sock_id == id ? scratch->sock_fd : -1;
        int r = act_performs_net(call->nr)
                    ? act_perform_net(call, sock, root_is_ours, false, NULL,
                                      t->sup->opts.own_commands, &target_reader, &res)
                    : act_perform(call, held ? scratch->decided : NULL, root_is_ours, false,
                                  t->sup->opts.own_commands, &target_reader, &res);

        if (r < 0) {
                if (r != -ESRCH)
                        supervisor_say(t->sup, "performing %s for pid %d: %s; refused",
                                       supervisor_syscall_name(t->sup, call->nr), (int)call->pid,
                                       strerror(-r));
                return notif_respond_errno(t->listener, bufs, id, r == -ESRCH ? EPERM : -r);
        }
        if (res.kind == ACT_ANSWER_BLOCKS) {
                r = perform_waiting(t, id, call, root_is_ours, sock);
                return r < 0 ? notif_respond_errno(t->listener, bufs, id, -r) : 0;
        }
        r = answer_performed(t->listener, bufs, id, call->pid, &res);
        if (r == -ENOENT && scratch && res.kind == ACT_ANSWER_VALUE && call->nr != __NR_connect &&
            call->nr != __NR_bind && act_performs_net(call->nr)) {
                /* Sent, but a signal took the caller away before it
                 * learned so: the kernel restarts the call (SA_RESTART),
                 * or the program tries again. Either gets this result. */
                scratch->replay.held = true;
                scratch->replay.tid = call->pid;
                scratch->replay.nr = call->nr;
                memcpy(scratch->replay.args, call->args, sizeof(call->args));
                scratch->replay.value = res.value;
        }
        return r;
}

/* A send made again after its answer was lost (serve_perform()): answered
 * with what the first made, and nothing sent twice. Any other call of the
 * thread ends the wait for it. */
static bool replayed(struct target *t, struct notif_buffers *bufs, uint64_t id,
                     const struct policy_call *call, struct target_scratch *scratch)
{
        if (!scratch || !scratch->replay.held || scratch->replay.tid != call->pid)
                return false;
        scratch->replay.held = false;
        if (scratch->replay.nr != call->nr ||
            memcmp(scratch->replay.args, call->args, sizeof(call->args)) != 0)
                return false;
        int r = notif_respond_value(t->listener, bufs, id, scratch->replay.value);
        serve_say_failed(t->sup, r == -ENOENT ? 0 : r);
        return true;
}

int serve_respond(struct target *t, struct notif_buffers *bufs, uint64_t id,
                  const struct policy_call *call, enum policy_verdict verdict, int error,
                  struct target_scratch *scratch)
{
        int r;

        switch (verdict) {
        case VERDICT_ALLOW:
        case VERDICT_LOG:
                if (call->act && (act_performs(call->nr) || act_performs_net(call->nr))) {
                        r = serve_perform(t, bufs, id, call, scratch);
                        break;
                }
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

/* One line of --log: entry's call, decision and who decided, filled in
 * with the target's id and the call's name. */
static void log_entry(struct target *t, struct decision_log_entry *entry)
{
        struct supervisor *sup = t->sup;

        if (!sup->opts.log)
                return;
        entry->container = t->id;
        entry->syscall_name = supervisor_syscall_name(sup, entry->call->nr);
        decision_log_write(sup->opts.log, entry);
}

void serve_log(struct target *t, const struct policy_call *call, const struct policy_decision *d,
               bool deadline)
{
        log_entry(t, &(struct decision_log_entry){
                         .call = call, .decision = d, .deadline = deadline, .by_uid = -1});
}

void serve_log_by(struct target *t, const struct policy_call *call, const struct policy_decision *d,
                  const char *by, long by_uid)
{
        log_entry(t, &(struct decision_log_entry){
                         .call = call, .decision = d, .by = by, .by_uid = by_uid});
}

/* Counts, logs and answers a decided call; 0 or a negative errno. */
int serve_answer(struct target *t, struct notif_buffers *bufs, uint64_t id,
                 const struct policy_call *call, const struct policy_decision *d,
                 struct target_scratch *scratch)
{
        supervisor_count(t, call->nr, d->verdict);
        serve_log(t, call, d, false);
        return serve_respond(t, bufs, id, call, d->verdict, d->errno_value, scratch);
}

void serve_say_failed(const struct supervisor *sup, int r)
{
        if (r < 0)
                supervisor_say(sup, "answering a notification: %s", strerror(-r));
}

void serve_finish(struct target *t, struct notif_buffers *bufs, uint64_t id,
                  const struct policy_call *call, const struct policy_decision *d,
                  struct target_scratch *scratch)
{
        serve_say_failed(t->sup, serve_answer(t, bufs, id, call, d, scratch));
}

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
        if (call->have_ids)
                needs &= ~POLICY_NEED_IDS;
        /* Should reading stall, the call is denied as the prompt's timeout
         * would deny it. */
        lane_reading_begin(lane, id, call, d->errno_value);
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
        if (!lane_reading_done(lane)) {
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

/* The call in the request, with its number made native; false for a
 * 32-bit or x32 call with no native counterpart, which no rule can speak
 * of. */
static bool call_from_request(struct supervisor *sup, const struct seccomp_notif *req,
                              struct policy_call *call)
{
        memset(call, 0, sizeof(*call));
        call->nr = supervisor_native_nr(sup, req->data.arch, req->data.nr);
        call->arch = req->data.arch;
        call->pid = (pid_t)req->pid;
        memcpy(call->args, req->data.args, sizeof(call->args));
        return call->nr >= 0;
}

/* What to read of the caller: what the route needs, what the observer
 * asks for, and for a logged decision of ours everything a line shows. */
static unsigned needs_for(const struct target *t, const struct policy *policy,
                          const struct policy_route *route, int nr)
{
        const struct supervisor *sup = t->sup;
        unsigned needs = policy_route_needs(policy, route, nr) | t->observer.extra_needs;
        if (t->observer.peer_addresses && act_performs_net(nr))
                needs |= POLICY_NEED_ADDR;
        if (sup->opts.log && route->action == KACT_NOTIFY)
                needs |= POLICY_NEED_PATHS | POLICY_NEED_ADDR | POLICY_NEED_EXE;
        /* --explain says which program was refused: its executable only,
         * never its memory. */
        if (route->refused)
                needs |= POLICY_NEED_EXE;
        return needs;
}

/* Reads what needs asks for into call. False: the call is not ours to
 * answer any more (the watchdog answered it, the target or the caller is
 * gone). A failed read leaves the call undecoded, and allow rules that
 * need the data do not match. */
static bool read_call(struct target *t, int listener, uint64_t id, struct policy_call *call,
                      unsigned needs, int late_error, struct target_scratch *scratch,
                      struct lane *lane)
{
        if (!needs)
                return true;
        if (__atomic_load_n(&t->root_is_ours, __ATOMIC_ACQUIRE))
                needs |= TARGET_DECODE_ROOT_IS_OURS;
        lane_reading_begin(lane, id, call, late_error);
        int r = target_decode_call(listener, id, call, needs, scratch);
        if (!lane_reading_done(lane) || r == -ENOENT)
                return false;
        if (r < 0) {
                call->have_paths = call->have_addr = call->have_open = false;
                call->n_paths = 0;
        }
        return true;
}

static bool serve_decide(struct target *t, struct notif_buffers *bufs,
                         struct target_scratch *scratch, struct lane *lane);

/*
 * --explain: a 32-bit or x32 call with no native counterpart, which no
 * entry can name (the loader skips such names), so the filter gave it the
 * profile's default. When that default refuses with an errno the filter
 * routed it here only for --explain: answered with that errno, and
 * counted under the number the caller used. False: not such a call.
 */
static bool refused_unnamed(struct target *t, struct notif_buffers *bufs,
                            const struct policy_call *call)
{
        struct supervisor *sup = t->sup;
        const struct policy *policy = __atomic_load_n(&t->policy, __ATOMIC_SEQ_CST);
        const struct seccomp_notif *req = bufs->req;

        if (!sup->opts.routing.notify_refused || policy->default_action != KACT_ERRNO)
                return false;
        int error = (int)policy->default_ret_data;
        int r = serve_respond(t, bufs, req->id, call, VERDICT_DENY, error, NULL);
        if (r == 0)
                supervisor_count_refusal(sup, req->data.arch, req->data.nr, error, NULL);
        serve_say_failed(sup, r);
        return true;
}

/* Decides and answers the notification just received into bufs. On a lane
 * thread (lane set), a call that needs the loop (a prompt) is handed over.
 * What the call's paths resolved to is let go once it is answered. */
void serve_notification(struct target *t, struct notif_buffers *bufs,
                        struct target_scratch *scratch, struct lane *lane)
{
        /* t may be gone once serve_decide() returns false. */
        struct supervisor *sup = t->sup;
        struct timespec received;
        bool timed = sup->opts.measure_latency;

        if (timed)
                clock_gettime(CLOCK_MONOTONIC, &received);
        if (serve_decide(t, bufs, scratch, lane) && timed)
                supervisor_time_answer(sup, &received);
        target_scratch_release(scratch);
}

/* True when the call was answered here; false when it was handed to a
 * prompt, or is no longer ours to answer (the watchdog answered it, or its
 * caller or its target is gone). */
static bool serve_decide(struct target *t, struct notif_buffers *bufs,
                         struct target_scratch *scratch, struct lane *lane)
{
        struct supervisor *sup = t->sup;
        const struct seccomp_notif *req = bufs->req;
        /* What a lane reads with: its own copy, open for as long as it runs. */
        int listener = lane ? lane_listener(lane) : t->listener;
        struct policy_call call;
        struct policy_route route;
        struct policy_decision d;

        if (!call_from_request(sup, req, &call)) {
                if (refused_unnamed(t, bufs, &call))
                        return true;
                serve_say_failed(
                    t->sup, serve_respond(t, bufs, req->id, &call, VERDICT_DENY, ENOSYS, NULL));
                return true;
        }
        if (t->launcher_exec_pending && call.pid == t->pid && call.nr == __NR_execve) {
                /* Our own exec of the command: allowed exactly once. */
                t->launcher_exec_pending = false;
                serve_say_failed(t->sup,
                                 serve_respond(t, bufs, req->id, &call, VERDICT_ALLOW, 0, NULL));
                return true;
        }
        if (replayed(t, bufs, req->id, &call, scratch))
                return true;
        if (policy_changes_exe(call.nr))
                note_exec(scratch, &call);
        /* Sequentially consistent, after the lane marked the call begun:
         * supervisor_switch_policy() relies on it (lane_state_settled()). */
        const struct policy *policy = __atomic_load_n(&t->policy, __ATOMIC_SEQ_CST);
        policy_route(policy, &sup->opts.routing, &call, &route);
        /* A refusal read too long is still answered with its own errno. */
        if (!read_call(t, listener, req->id, &call, needs_for(t, policy, &route, call.nr),
                       route.refused ? (int)route.data : 0, scratch, lane))
                return false;
        policy_decide_notified(policy, &route, &call, &d);
        /* An allow that rested on what was read from the caller's memory,
         * or on a person who was shown it, is performed for it on the
         * files decided (act_perform() needs the paths, and refuses a call
         * whose paths could not be decoded); trace records, and lets the
         * kernel run what it records. */
        call.act = !t->observer.observe && (d.read_memory || d.verdict == VERDICT_PROMPT);
        if (t->observer.observe)
                t->observer.observe(t->observer.ctx, t, req->id, &call, &d);
        /* The decider goes when the prompt broker closes, which a lane may
         * not have seen yet: the loop checks again (pending_begin()). */
        if (d.verdict == VERDICT_PROMPT &&
            __atomic_load_n(&sup->decider.prompt, __ATOMIC_RELAXED) &&
            hand_to_prompt(t, listener, req->id, &call, &d, scratch, lane) == 0)
                return false;
        if (d.verdict == VERDICT_PROMPT) {
                /* Nobody to ask: a prompt is answered as its timeout would
                 * be, deny once with the rule's errno (documented). */
                d.verdict = VERDICT_DENY;
        }
        if (d.by_kernel_rules) {
                /* Routed to us for our own reasons and answered as the
                 * kernel would have: the kernel's decision, not ours, so
                 * neither counted nor logged. --explain counts the
                 * refusals on their own, once answered, under the number
                 * and ABI the caller used. */
                int r = serve_respond(t, bufs, req->id, &call, d.verdict, d.errno_value, scratch);
                if (route.refused && r == 0)
                        supervisor_count_refusal(sup, req->data.arch, req->data.nr, d.errno_value,
                                                 call.have_exe ? call.exe : NULL);
                serve_say_failed(t->sup, r);
                return true;
        }
        serve_finish(t, bufs, req->id, &call, &d, scratch);
        return true;
}
