/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * What the arguments of a system call mean, for x86_64 (native) syscall
 * numbers: which are paths and relative to which directory fd, which is a
 * socket address and its length, and which are flag words worth decoding in
 * logs and prompts. Pure data and string formatting; no I/O.
 *
 * The table lists the calls whose arguments need more than a number to be
 * understood. A call that is not listed (read, getpid, ...) has only
 * integers, fds and buffers, and syscall_desc_get() returns NULL for it.
 *
 * kinds[] says how to show an argument; paths[] says which arguments the
 * policy matches as paths. They differ on purpose: the target of symlink()
 * and the source of mount() are strings (ARG_STRING) that the kernel does
 * not resolve as paths relative to anything, so they are shown but never
 * matched.
 */

#include <stddef.h>
#include <stdint.h>

#include "call.h"

enum arg_kind {
        ARG_INT = 0,
        ARG_FD,
        ARG_DIRFD, /* AT_FDCWD or a directory fd a path is relative to */
        ARG_PATH,
        ARG_SOCKADDR,
        ARG_SOCKLEN,
        ARG_OPEN_FLAGS,
        ARG_MODE,
        ARG_PTR,
        ARG_STRING_ARRAY, /* execve argv */
        ARG_SOCKET_FAMILY,
        ARG_SOCKET_TYPE,
        ARG_CLONE_FLAGS,
        ARG_IOCTL_REQ,
        ARG_PRCTL_OPTION,
        ARG_OPEN_HOW, /* openat2 */
        ARG_AT_FLAGS,
        ARG_MOUNT_FLAGS,
        ARG_STRING, /* a NUL-terminated string that is not a path (xattr name, fs type) */
};

struct syscall_path_arg {
        int8_t path_index;  /* argument holding the path */
        int8_t dirfd_index; /* argument holding its directory fd; -1 = relative to cwd */
};

struct syscall_desc {
        int nr; /* x86_64 syscall number */
        const char *name;
        uint8_t nargs;
        uint8_t kinds[6]; /* enum arg_kind, one per argument; ARG_INT past nargs */
        struct syscall_path_arg paths[2];
        uint8_t n_paths;
        int8_t sockaddr_index, socklen_index; /* -1 when the call has no socket address */
};

/*
 * The description of x86_64 syscall nr, or NULL for a call with no special
 * arguments (that is not an error: its arguments are plain numbers).
 */
const struct syscall_desc *syscall_desc_get(int nr);

/* The whole table, ordered by nr; for tests and for listing. */
const struct syscall_desc *syscall_desc_table(size_t *ret_count);

/*
 * Formatting for logs and prompts. Each writes a '\0'-terminated string into
 * buf and returns 0, or -ENOSPC when it had to truncate (buf then holds the
 * terminated prefix that fitted; nothing is written when size is 0). Bits
 * without a name are shown in hex so nothing the target passed is hidden.
 */
int syscall_format_open_flags(uint64_t flags, char *buf, size_t size);     /* O_WRONLY|O_CREAT */
int syscall_format_mode(uint64_t mode, char *buf, size_t size);            /* 0644 */
int syscall_format_socket_family(uint64_t family, char *buf, size_t size); /* AF_INET */
int syscall_format_socket_type(uint64_t type, char *buf,
                               size_t size); /* SOCK_STREAM|SOCK_CLOEXEC */
/* clone(2) flags; the low byte is the exit signal and is shown by name (SIGCHLD). */
int syscall_format_clone_flags(uint64_t flags, char *buf, size_t size);
/* openat2's how.resolve: RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS; "0" for none. */
int syscall_format_resolve_flags(uint64_t resolve, char *buf, size_t size);

/*
 * The named arguments of a call as text, for logs and prompts: "flags"
 * (open flags), "mode" (only where a file is made), "family", "type" and
 * "clone_flags". Calls emit(ctx, key, value) once per argument it can
 * name; stops and returns what emit returns if that is not 0.
 */
int syscall_describe_args(int nr, const uint64_t args[6],
                          int (*emit)(void *ctx, const char *key, const char *value), void *ctx);

/*
 * The same for a call as the supervisor decoded it (call.h), which is what
 * logs and prompts show: syscall_describe_args(), and for an openat2 whose
 * struct open_how was read its "flags", "mode" (where a file is made, or
 * when set) and "resolve", which its arguments only point to.
 */
int syscall_describe_call(const struct policy_call *call,
                          int (*emit)(void *ctx, const char *key, const char *value), void *ctx);
