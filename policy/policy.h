/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * The profile: an OCI / Docker / Podman seccomp profile, loaded unchanged,
 * plus scmp-super's "supervisor" extension with user-space rules for the
 * calls the kernel filter notifies.
 *
 * This is a pure library: it reads the profile file and nothing else, never
 * prints, and reports every problem through struct policy_error with the
 * file, line, column and JSON path of the offending value.
 */

#include <seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "call.h"
#include "netaddr.h"

#define POLICY_ERROR_MAX 1024
/* Native syscall numbers are below this (x86-64 is near 470). */
#define POLICY_MAX_NR 1023

struct policy_error {
        char message[POLICY_ERROR_MAX]; /* "p.json:14:9: syscalls[2].args[0].op: ..." */
};

/* The kernel-side actions of the OCI format, in SCMP_ACT_* terms. */
enum policy_kernel_action {
        KACT_ALLOW,
        KACT_ERRNO,
        KACT_KILL_THREAD,
        KACT_KILL_PROCESS,
        KACT_TRAP,
        KACT_LOG,
        KACT_TRACE,
        KACT_NOTIFY,
};

struct policy_arg_cond {
        unsigned index; /* 0..5 */
        uint64_t value;
        uint64_t value_two;
        enum scmp_compare op;
};

/* One syscalls[] entry that survived includes/excludes. */
struct policy_entry {
        size_t source_index; /* position in syscalls[] */
        int *nrs;            /* native syscall numbers, groups expanded */
        size_t n_nrs;
        enum policy_kernel_action action;
        uint32_t ret_data; /* errno for ERRNO, message for TRACE */
        struct policy_arg_cond *args;
        size_t n_args;
        bool args_are_alternatives; /* several conditions on one index: OR, as runc does */
        bool gated;                 /* has includes or excludes (that hold here) */
};

/* What the supervisor does with a notified call. */
enum policy_verdict {
        VERDICT_ALLOW,
        VERDICT_DENY,
        VERDICT_KILL,
        VERDICT_LOG, /* allow and record */
        VERDICT_PROMPT,
};
/* How many verdicts there are: the size of a table indexed by one. */
#define POLICY_VERDICT_COUNT (VERDICT_PROMPT + 1)

struct policy_rule {
        size_t source_index; /* position in supervisor.rules[] */
        char *comment;
        int *nrs; /* NULL = every notified syscall */
        size_t n_nrs;
        struct policy_arg_cond *args;
        size_t n_args;
        char **path_globs;     /* NULL = paths not examined */
        bool *path_is_literal; /* no wildcard: compared with strcmp */
        size_t n_path_globs;
        struct netaddr_match *addr; /* NULL = address not examined */
        char *exe_glob;
        /* "open": what an open may do (POLICY_OPEN_*); 0 = not examined.
         * Only for rules whose syscalls are all opens (policy_is_open_call()). */
        unsigned open_access;
        /* Identities the caller must have: bit (1u << id) set means
         * ids[id] is examined (enum policy_id). */
        unsigned id_mask;
        uint32_t ids[POLICY_ID_COUNT];
        enum policy_verdict verdict;
        int errno_value; /* for VERDICT_DENY */
        unsigned needs;  /* POLICY_NEED_* */
        /* Added by scmp-super (policy_protect_files()), not in the profile;
         * source_index means nothing then. */
        bool builtin;
};

/* Facts about the machine the target will run on, for includes/excludes. */
struct policy_env {
        uint64_t caps_bounding; /* bit N = capability N in the bounding set */
        unsigned kernel_major, kernel_minor;
        const char *go_arch; /* "amd64" */
        /* What a leading ${HOME} and ${CWD} in a rule's "path" stand for:
         * the invoking user's home and working directory, absolute and
         * with symlinks resolved; NULL where nobody invoked us for one
         * user (the daemon), which makes a profile that names them fail
         * to load. */
        const char *home, *cwd;
};

struct policy {
        char *source; /* file name, or "<built-in default>" */
        char *text;   /* the profile as read, for cache keys */
        size_t text_len;
        struct policy_env env; /* what includes/excludes were evaluated against */

        enum policy_kernel_action default_action;
        uint32_t default_ret_data;
        uint32_t *arches; /* SCMP_ARCH_* besides the native one */
        size_t n_arches;
        unsigned flags; /* SECCOMP_FILTER_FLAG_* asked for */
        char *listener_path;
        char *listener_metadata;

        struct policy_entry *entries;
        size_t n_entries;

        /* Names this architecture does not know, skipped as runtimes do. */
        char **skipped;
        size_t n_skipped;
        /* Things that are not errors but deserve a word (unknown fields,
         * rules that can never apply). */
        char **warnings;
        size_t n_warnings;
        /* How many of the warnings are supervisor rules whose calls the
         * kernel filter never notifies: refused by check --strict and run
         * --strict, and repeated after check's summary. */
        size_t n_dead_rules;
        /* Finer points a reader of the profile may want (entries shadowed by
         * earlier ones): shown by check, and by run with --verbose. */
        char **notes;
        size_t n_notes;
        /* Path and address rules that calls the kernel filter lets through
         * get around (policy/profile_walkaround.c): warnings shown by
         * check, which check --strict and run --strict refuse. One per rule
         * and gap. */
        char **walkarounds;
        size_t n_walkarounds;

        /* The supervisor extension. */
        bool have_supervisor;
        /* "intArgs": "kernel": the compiled filter (and policy_kernel_decide())
         * compares conditions on int arguments on the bits the kernel reads
         * (syscall_args.h). false, the default: on all 64 bits, as runc and
         * crun do, so that verdicts are theirs. Supervisor rules always
         * compare what the kernel reads. */
        bool int_args_as_kernel;
        /* Kernel-side conditions on int arguments that a call gets around
         * by setting high bits, to reach an action that lets it through
         * (policy/profile_highbits.c): warnings shown by check, which check
         * --strict and run --strict refuse. None with int_args_as_kernel. */
        char **arg_dodges;
        size_t n_arg_dodges;
        struct policy_rule *rules;
        size_t n_rules;
        enum policy_verdict default_verdict;
        int default_errno;
        unsigned prompt_timeout_ms;

        /* Rule lookup by syscall number: rule indexes for nr are
         * rule_index[rule_start[nr] .. rule_start[nr + 1]). */
        int max_nr;
        uint32_t *rule_start;
        uint32_t *rule_index;
        uint8_t *needs; /* POLICY_NEED_* per nr */
};

/*
 * What an open may do to the file it names, as the "open" field of a rule
 * lists it: the parts of its flags that widen what it can do. O_EXCL,
 * O_DIRECTORY and O_NOFOLLOW only narrow it, and the rest (O_CLOEXEC,
 * O_NONBLOCK, ...) do not change it, so neither is a part.
 */
enum policy_open_access {
        POLICY_OPEN_READ = 1u << 0,  /* O_RDONLY, O_RDWR */
        POLICY_OPEN_WRITE = 1u << 1, /* O_WRONLY, O_RDWR */
        POLICY_OPEN_TRUNC = 1u << 2,
        POLICY_OPEN_CREAT = 1u << 3,
        POLICY_OPEN_APPEND = 1u << 4,
        POLICY_OPEN_TMPFILE = 1u << 5,
        POLICY_OPEN_PATH = 1u << 6,
};

/*
 * The parts of an open's flags (open's and openat's argument, openat2's
 * how.flags, creat's O_CREAT|O_WRONLY|O_TRUNC), as the kernel applies
 * them: an access mode of 3 reads and writes, and O_PATH, which makes the
 * kernel drop every other flag, is POLICY_OPEN_PATH alone. Never 0.
 */
unsigned policy_open_access(uint64_t flags);

/*
 * The names of access as the "open" field writes them, in a fixed order
 * (O_RDONLY, O_WRONLY or O_RDWR for the access mode, then O_TRUNC, O_CREAT,
 * O_APPEND, O_TMPFILE, O_PATH), into ret_names (static strings; at most
 * max). Returns how many there are, which may exceed max.
 */
size_t policy_open_access_names(unsigned access, const char **ret_names, size_t max);

/* The text of the built-in default profile. */
extern const char policy_default_profile[];

int policy_load_file(const char *path, const struct policy_env *env, struct policy **ret_policy,
                     struct policy_error *err);
int policy_load_buffer(const char *text, size_t len, const char *name, const struct policy_env *env,
                       struct policy **ret_policy, struct policy_error *err);
void policy_free(struct policy *policy);

/* Options for turning a policy into a kernel filter. */
struct policy_compile_opts {
        bool notify_execve; /* route execve to the supervisor (the launcher's exec) */
        /* route chroot, pivot_root and setns to the supervisor, so it knows
         * while the target's root is still its own (and need not read it) */
        bool notify_root_changes;
        bool notify_unlisted; /* every syscall no entry names is notified (trace) */
        /* route execveat to the supervisor too, so that no task changes
         * its program unseen (it may then cache what each caller runs) */
        bool notify_execveat;
        /* run --explain: what the profile refuses with an errno (its
         * defaultAction and its entries with SCMP_ACT_ERRNO) is routed to
         * the supervisor, which answers it with that very errno and counts
         * it (policy_route(): route.refused). Kill, trap and trace actions
         * stay in the kernel, which alone applies them exactly. */
        bool notify_refused;
        int binary_tree; /* -1 auto, 0 off, 1 on */
};

struct policy_bpf {
        void *insns; /* struct sock_filter[] */
        unsigned short len;
};

int policy_compile(const struct policy *policy, const struct policy_compile_opts *opts,
                   scmp_filter_ctx *ret_ctx, struct policy_error *err);
int policy_export_bpf(scmp_filter_ctx ctx, struct policy_bpf *ret_bpf, struct policy_error *err);
void policy_bpf_free(struct policy_bpf *bpf);

/* The kernel-side action the profile gives a call, evaluated in user space
 * as the compiled filter evaluates it (conditions on int arguments on all
 * 64 bits, or on the bits the kernel reads with "intArgs": "kernel"). Used
 * where the supervisor sees a call the kernel filter would otherwise have
 * decided itself (execve after the launcher's exec, trace mode), which must
 * get the verdict the kernel would have given. */
enum policy_kernel_action policy_kernel_decide(const struct policy *policy, int nr,
                                               const uint64_t args[6], uint32_t *ret_data);
/* True if the filter compiled with opts hands nr to the supervisor for
 * the supervisor's own reasons, whatever the profile says of it (the
 * launcher's execve, root and exec tracking); the supervisor then applies
 * the profile's own action. One answer for the compiler and the server. */
bool policy_routed(const struct policy_compile_opts *opts, int nr);
/* True if the filter compiled from policy with opts lets every call to nr
 * (native architecture) run in the kernel, allowed or logged, whatever its
 * arguments: the launcher may then make it after loading the filter. */
bool policy_kernel_passes(const struct policy *policy, const struct policy_compile_opts *opts,
                          int nr);

/* chroot, pivot_root, setns: the calls that can give a process another
 * root directory. */
bool policy_changes_root(int nr);
/* execve and execveat: the calls after which a task runs another
 * executable. */
bool policy_changes_exe(int nr);
/* Whether the kernel filter p's entries make may notify nr, for some
 * arguments at least; a supervisor rule on a call it never notifies never
 * applies (policy.n_dead_rules). */
bool policy_kernel_may_notify(const struct policy *p, int nr);
/* True if some entry names nr (whatever its conditions). */
bool policy_names_syscall(const struct policy *policy, int nr);
/* True if the kernel filter hands every call to nr to the supervisor,
 * whatever its arguments. */
bool policy_routes_always(const struct policy *policy, int nr);

/*
 * Keeps the command from changing the files at paths (absolute, normalised:
 * run's --policy and --log files), which govern it: rules ahead of the
 * profile's own deny (EACCES) opening them for writing or truncation,
 * truncate, creat, openat2, hard links, unlinking, and renames of them,
 * onto them or of a directory above them, and refuse io_uring_setup and
 * open_by_handle_at whole. Rules are added only for calls
 * the kernel routes to the supervisor whatever their arguments
 * (policy_routes_always()); policy_protection_gaps() names the others.
 * The rules match names, as every path rule does (README, Limits).
 * Returns 0 or -ENOMEM (p is then unchanged but for its index).
 */
int policy_protect_files(struct policy *policy, const char *const *paths, size_t n_paths);

/*
 * The calls policy_protect_files() would need routed and the kernel filter
 * lets through, or routes only for some arguments: their names into
 * ret_names (at most max, static strings) and their number into *ret_n.
 * io_uring_setup and (privileged: the command may hold capabilities)
 * open_by_handle_at reach files by no path; they are gaps unless the
 * kernel filter refuses them, and refused (EPERM) when routed. 0, or
 * -ENOBUFS when there were more than max (*ret_n counts them all).
 */
int policy_protection_gaps(const struct policy *policy, bool privileged, const char **ret_names,
                           size_t max, size_t *ret_n);

struct policy_decision {
        enum policy_verdict verdict;
        int errno_value;
        const struct policy_rule *rule; /* NULL: the supervisor default */
        /* The profile's kernel action, applied for a call routed to the
         * supervisor for its own reasons (policy_decide_notified()). */
        bool by_kernel_rules;
        /* A rule condition on what was read from the caller's memory
         * (paths, address, openat2's open_how) was looked at: the outcome
         * rests on it, so an allow must not let the kernel read it again. */
        bool read_memory;
};

/*
 * Deciding a call the supervisor received, in three pure steps, so that
 * the whole decision has table tests without a listener:
 *
 *   policy_route()           who decides it: the profile's supervisor
 *                            rules (action KACT_NOTIFY), or, for a call
 *                            routed to us for our own reasons (opts), the
 *                            profile's kernel action;
 *   policy_route_needs()     what must be read from the caller for that;
 *   policy_decide_notified() the decision, on the call as decoded.
 */
struct policy_route {
        enum policy_kernel_action action; /* KACT_NOTIFY: the supervisor rules decide */
        uint32_t data;                    /* the action's errno or trace value */
        /* With opts->notify_refused: a call the profile's kernel part
         * refuses with an errno (action KACT_ERRNO, data), answered as the
         * kernel would have and counted for --explain. */
        bool refused;
};
void policy_route(const struct policy *policy, const struct policy_compile_opts *opts,
                  const struct policy_call *call, struct policy_route *ret_route);
unsigned policy_route_needs(const struct policy *policy, const struct policy_route *route, int nr);
/* ret->by_kernel_rules is set for a routed call: the kernel's decision
 * applied on its behalf, which is neither counted nor logged as ours. A
 * PROMPT verdict is left for the caller, who may have nobody to ask. */
void policy_decide_notified(const struct policy *policy, const struct policy_route *route,
                            const struct policy_call *call, struct policy_decision *ret);

/* What policy_decide() needs decoded for a call to nr. */
unsigned policy_needs(const struct policy *policy, int nr);
/* What it needs for some call: the union over every syscall. */
unsigned policy_needs_any(const struct policy *policy);
/* First matching rule wins; the default when none matches. */
void policy_decide(const struct policy *policy, const struct policy_call *call,
                   struct policy_decision *ret_decision);

const char *policy_kernel_action_name(enum policy_kernel_action action);
const char *policy_verdict_name(enum policy_verdict verdict);
int policy_parse_verdict(const char *name, enum policy_verdict *ret_verdict);
