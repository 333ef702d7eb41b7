/* SPDX-License-Identifier: MIT */
#pragma once

/* scmp-super daemon: serve listeners sent by runc, crun and run --connect. */
int cmd_daemon(int argc, char **argv);
/* scmp-super status: what a running daemon serves, over its control socket. */
int cmd_status(int argc, char **argv);
