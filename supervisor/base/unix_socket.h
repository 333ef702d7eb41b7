/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Unix-socket addresses and socket files, for every socket the program
 * listens on or connects to: the control socket (run, daemon, the prompt
 * client, status) and the daemon's agent socket.
 *
 * A name is a path, or "@name" for the abstract namespace, where the
 * address is a NUL byte then the name, unterminated, its end given by the
 * address length.
 */

#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

/* The address for name, and its length for bind() and connect(): 0,
 * -EINVAL for an empty name, -ENAMETOOLONG for one that does not fit. */
int unix_address(const char *name, struct sockaddr_un *ret_addr, socklen_t *ret_len);
/* The same for a socket file's path, even one that starts with '@'. */
int unix_path_address(const char *path, struct sockaddr_un *ret_addr, socklen_t *ret_len);
/* Returns r, with the reason those two failed with r (for name) in reterr. */
int unix_address_error(const char *name, int r, char *reterr, size_t reterr_size);

/* Removes a socket file at path that nobody listens on (a listener that
 * died); 0 also when there is none. Refuses, with a reason in reterr, a
 * file that is no socket or one somebody listens on. */
int unix_socket_clear_stale(const char *path, char *reterr, size_t reterr_size);

/* A SOCK_STREAM socket (close-on-exec) connected to addr, in *ret_fd; 0
 * or a negative errno. */
int unix_connect(const struct sockaddr_un *addr, socklen_t addr_len, int *ret_fd);
