/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * The launcher's side of the daemon's agent socket, for `scmp-super run
 * --connect PATH`: connect, say in the listenerMetadata that this is a
 * launcher, and wait for the daemon's one-line answer, so that a refused
 * command can be reported instead of failing with ENOSYS. The message
 * itself is agent.h's; the daemon's side is daemon/agent_server.c.
 */

#include <stddef.h>

/* Connects to a daemon's agent socket at path; 0 and *ret_fd, or a
 * negative errno with the reason in reterr. */
int agent_client_connect(const char *path, int *ret_fd, char *reterr, size_t reterr_size);

/* The listenerMetadata a launcher sends: "scmp-super-launcher=1", then the
 * profile's own listenerMetadata (say "policy=NAME"), if any. Caller frees;
 * NULL when out of memory. */
char *agent_client_metadata(const char *profile_metadata);

/*
 * Waits for the daemon's one-line answer to a launcher's message. Returns 0
 * when it serves the launcher; -EPERM with the daemon's reason in reterr
 * when it refused; -ECONNRESET when it closed without an answer; -ECHILD
 * when child_pidfd (or -1) became readable first, that is, the launcher
 * exited before the daemon answered; -ETIMEDOUT.
 */
int agent_client_wait_answer(int fd, int child_pidfd, unsigned timeout_ms, char *reterr,
                             size_t reterr_size);
