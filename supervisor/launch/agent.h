/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * The OCI seccomp agent message: what runc and crun send to the socket named
 * in linux.seccomp.listenerPath, and what our own launcher sends too, so one
 * code path serves both. One JSON object (the container process state) with
 * the listener fd in SCM_RIGHTS; "fds" names the passed descriptors in order.
 */

#include <stdbool.h>
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
 * Where a message ends. The peer need not close the connection after
 * sending: crun creates the socket without SOCK_CLOEXEC, so the container
 * process inherits it and the connection stays open for the container's
 * whole life, and runc's state arrives in one sendmsg() without a length.
 * A message therefore ends when one complete JSON object has arrived
 * (braces balanced outside strings), or at end of file, whichever is first.
 *
 * The reader collects bytes and the descriptors of every control message
 * until then, at most AGENT_MAX_MESSAGE bytes and AGENT_MAX_FDS
 * descriptors. It works on blocking and non-blocking sockets alike, so an
 * event loop can feed it whenever the socket is readable.
 */
struct agent_reader {
        char *text;
        size_t len, cap;
        int fds[AGENT_MAX_FDS];
        size_t n_fds;
        bool truncated_fds;
        /* The scan for the end of the object, resumed where it stopped. */
        size_t scanned;
        unsigned depth;
        bool started, in_string, escaped;
        size_t end; /* length of the complete object, 0 until then */
};

void agent_reader_init(struct agent_reader *reader);

/*
 * Reads what the socket has. Returns 1 once the message is complete (then
 * call agent_reader_finish), 0 when the socket has nothing more for now
 * (EAGAIN; call again when it is readable), or a negative errno with a
 * reason in reterr: -EMSGSIZE (too large, too many descriptors), -EBADMSG
 * (not a JSON object, or the peer closed mid-message), -ECONNRESET, ...
 */
int agent_reader_read(struct agent_reader *reader, int sock, char *reterr, size_t reterr_size);

/* Parses the complete message (see agent_parse). The reader's descriptors
 * pass to the message or are closed; clear the reader afterwards. */
int agent_reader_finish(struct agent_reader *reader, struct agent_message *ret, char *reterr,
                        size_t reterr_size);

/* Closes every descriptor still held and frees the text. */
void agent_reader_clear(struct agent_reader *reader);

/*
 * Reads one whole message from a stream socket (see struct agent_reader),
 * waiting at most 5 s for each piece when the socket is non-blocking. Then
 * parses it, keeps the fd named "seccompFd" and closes every other. On
 * failure closes everything it received and writes a reason to reterr.
 */
int agent_receive(int sock, struct agent_message *ret, char *reterr, size_t reterr_size);

/* Parses text with the received fds (which it takes over, keeping only the
 * listener). */
int agent_parse(const char *text, size_t len, int *fds, size_t n_fds, struct agent_message *ret,
                char *reterr, size_t reterr_size);

void agent_message_clear(struct agent_message *msg);
