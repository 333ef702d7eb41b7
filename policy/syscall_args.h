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
 * kinds[] says how to show an argument and how many of its bits the kernel
 * reads; paths[] says which arguments the policy matches as paths. They
 * differ on purpose: the target of symlink() and the source of mount() are
 * strings (ARG_STRING) that the kernel does not resolve as paths relative
 * to anything, so they are shown but never matched.
 *
 * Widths follow the types of each call's SYSCALL_DEFINE in the kernel: its
 * entry stub casts every 64-bit register to the declared type, so an int
 * or unsigned int argument is the low 32 bits of its register and a
 * umode_t the low 16; the rest is never looked at. socket(0x100000002,
 * ...) makes an AF_INET socket. Rules, logs and prompts must see what the
 * kernel sees, so every row gives every argument a kind whose width is the
 * kernel's: ARG_INT for 32-bit numbers, ARG_LONG for 64-bit ones (long,
 * size_t, u64), and the other kinds as listed below.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "call.h"

/* Each kind with the bits the kernel reads of it. */
enum arg_kind {
        ARG_INT = 0,       /* 32: int, unsigned int, pid_t, uid_t, u32 */
        ARG_FD,            /* 32: int or unsigned int */
        ARG_DIRFD,         /* 32: AT_FDCWD or a directory fd a path is relative to */
        ARG_PATH,          /* 64: a pointer */
        ARG_SOCKADDR,      /* 64: a pointer */
        ARG_SOCKLEN,       /* 32: int */
        ARG_OPEN_FLAGS,    /* 32: int */
        ARG_MODE,          /* 16: umode_t */
        ARG_PTR,           /* 64 */
        ARG_STRING_ARRAY,  /* 64: execve argv */
        ARG_SOCKET_FAMILY, /* 32: int */
        ARG_SOCKET_TYPE,   /* 32: int */
        ARG_CLONE_FLAGS,   /* 64: unsigned long (clone3's are in memory) */
        ARG_IOCTL_REQ,     /* 32: unsigned int */
        ARG_PRCTL_OPTION,  /* 32: int */
        ARG_OPEN_HOW,      /* 64: openat2's pointer */
        ARG_AT_FLAGS,      /* 32: int or unsigned int */
        ARG_MOUNT_FLAGS,   /* 64: unsigned long */
        ARG_STRING,        /* 64: a string that is not a path (xattr name, fs type) */
        ARG_LONG,          /* 64: long, unsigned long, size_t, u64 */
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

/* Whether x86_64 call nr names a peer a rule's "address" matches
 * (connect, bind, sendto, sendmsg, sendmmsg), and whether it takes a path
 * a rule's "path" matches. */
bool syscall_names_peer(int nr);
bool syscall_takes_path(int nr);

/* The whole table, ordered by nr; for tests and for listing. */
const struct syscall_desc *syscall_desc_table(size_t *ret_count);

/* How many low bits of an argument of this kind the kernel reads: 16, 32
 * or 64. */
unsigned syscall_arg_kind_width(enum arg_kind kind);

/*
 * How many low bits of argument index (0..5) of x86_64 syscall nr the
 * kernel reads: 16, 32 or 64, from the table; 64 for a call the table does
 * not list and past a call's arguments, where nothing is known.
 */
unsigned syscall_arg_width(int nr, unsigned index);

/* The mask of the bits syscall_arg_width() names: 0xffff, 0xffffffff or
 * all ones. */
uint64_t syscall_arg_mask(int nr, unsigned index);

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
 * "clone_flags", each as the kernel reads it (the low 32 bits of an int:
 * socket(0x100000002, ...) has family AF_INET). Calls emit(ctx, key,
 * value) once per argument it can name; stops and returns what emit
 * returns if that is not 0.
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
