/* SPDX-License-Identifier: MIT */
#pragma once

/* scmp-super status: what a running daemon serves, over its control socket. */
int cmd_status(int argc, char **argv);
