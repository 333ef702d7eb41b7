/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * The profile a trace writes: the base profile's own JSON document with
 * entries appended for what the run needed, so every field of the base
 * (unknown ones, comments, entry order, the "supervisor" rules) survives;
 * or, with no base, a complete profile that refuses everything else.
 *
 * Deterministic: the same recording and base give the same bytes (names
 * sorted, values sorted, no timestamps, no pids).
 */

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "trace/trace.h"

/* What a profile without a base returns for a syscall it does not list:
 * ENOSYS, so that libraries take the fallback they take on a kernel
 * without the call (clone3 -> clone, statx -> newfstatat) instead of
 * failing with a permission error; see docs/TRACE.md. */
#define TRACE_PROFILE_DEFAULT_ERRNO 38

/*
 * Syscalls that a run can make without the program taking another path,
 * so a recording may miss them, grouped by why: the vDSO calls fall back to
 * real syscalls on clock sources the vDSO cannot read; signal returns and
 * waits, lock contention, back-off sleeps and the way a run ends depend on
 * timing (which tracing changes). A shell's `wait` sleeps in rt_sigsuspend
 * only when the child has not ended yet; a profile without it makes the
 * shell spin with every signal blocked. One data table, in
 * trace_profile.c; docs/TRACE.md says why each is there.
 */
enum trace_implicit_reason {
        TRACE_IMPLICIT_VDSO,
        TRACE_IMPLICIT_SIGNAL,
        TRACE_IMPLICIT_CONTENTION,
        TRACE_IMPLICIT_EXIT,
        TRACE_IMPLICIT_REASONS
};

struct trace_implicit_syscall {
        const char *name;
        enum trace_implicit_reason reason;
};

/* Terminated by an entry whose name is NULL. */
extern const struct trace_implicit_syscall trace_implicit_syscalls[];

/* Namespace flags of clone(2), the mask Docker's profile filters clone on. */
#define TRACE_CLONE_NAMESPACE_FLAGS 0x7E020000ull

/*
 * How a complete profile (no base) names its architectures. Both mean
 * x86-64 with its 32-bit (x86) and x32 calls. "architectures" is the
 * runtime-spec's form, which every runtime and engine reads (containerd
 * reads nothing else); "archMap" is Docker's and Podman's, which containerd
 * ignores (docs/DEPLOYMENT.md).
 */
enum trace_arch_form {
        TRACE_ARCH_FORM_ARCHITECTURES, /* the default */
        TRACE_ARCH_FORM_ARCH_MAP,
};

struct trace_profile_opts {
        /* Argument-level entries for socket (per family), personality (per
         * value), clone (per combination of namespace flags), ioctl (per
         * request) and prctl (per option) instead of allowing them whole. */
        bool args;
        /* Add trace_implicit_syscalls the base does not name. */
        bool implicit;
        /* The traced command, shown in the comments. */
        const char *command;
        /* Without a base only: how the architectures are written. */
        enum trace_arch_form arch_form;
        /* Bit 1 << enum trace_runtime for each runtime whose calls after
         * loading the filter (trace_runtime_calls) are added. */
        unsigned runtimes;
};

/*
 * Builds the profile text. base_text (base_len bytes, need not be
 * terminated) is the base profile as loaded, or NULL for a complete
 * profile. Returns 0 and a NUL-terminated text ending in a newline in
 * *ret_text (caller frees); or a negative errno with a message in err.
 */
int trace_profile_build(const struct trace_recorder *rec, const char *base_text, size_t base_len,
                        const struct trace_profile_opts *opts, char **ret_text,
                        struct policy_error *err);

/*
 * Appends copies of the entries (a JSON array of syscalls[] entries) to the
 * syscalls array of the profile text (len bytes; a profile or an OCI
 * config.json), creating the array if there is none. The text is edited in
 * place, in its own indentation, so every other byte stays as it was; the
 * result is checked to parse to the original document plus the entries,
 * and when the layout defeats the edit the document is printed again from
 * its parsed form (values kept exactly, layout not). Returns 0 and a
 * NUL-terminated text ending in a newline in *ret_text; -EINVAL with a
 * message in err when text is not a profile document; -ENOMEM.
 */
int trace_profile_append(const char *text, size_t len, const cJSON *entries, char **ret_text,
                         struct policy_error *err);
