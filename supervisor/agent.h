/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * The OCI seccomp agent message: what runc and crun send to the socket named
 * in linux.seccomp.listenerPath, and what our own launcher sends too, so one
 * code path serves both. One JSON object (the container process state) with
 * the listener fd in SCM_RIGHTS; "fds" names the passed descriptors in order.
 */

#include <stddef.h>
#include <sys/types.h>

#define AGENT_MAX_MESSAGE (1u << 20) /* a state with annotations is a few KiB */
#define AGENT_MAX_FDS     16

struct agent_message {
        char *oci_version;
        pid_t pid;      /* the container process, in the sender's view */
        char *metadata; /* listenerMetadata, may be NULL */
        char *id;       /* state.id, may be NULL */
        char *bundle;   /* state.bundle, may be NULL */
        char *status;   /* state.status, may be NULL */
        int seccomp_fd; /* the listener, owned; -1 if none */
};

/* Formats the message our launcher sends. Caller frees. */
char *agent_format_message(pid_t pid, const char *metadata, const char *id, const char *bundle);

/* Sends text with fds in one SCM_RIGHTS message on a stream socket. */
int agent_send(int sock, const char *text, const int *fds, size_t n_fds);

/*
 * Reads one whole message from a stream socket until the peer closes it (the
 * runtimes connect, send and close), at most AGENT_MAX_MESSAGE bytes, taking
 * the descriptors of every control message. Then parses it, keeps the fd
 * named "seccompFd" and closes every other. On failure closes everything it
 * received and writes a reason to errbuf.
 */
int agent_receive(int sock, struct agent_message *ret, char *errbuf, size_t errlen);

/* Parses text with the received fds (which it takes over, keeping only the
 * listener). */
int agent_parse(const char *text, size_t len, int *fds, size_t n_fds, struct agent_message *ret,
                char *errbuf, size_t errlen);

void agent_message_clear(struct agent_message *msg);
