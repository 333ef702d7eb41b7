/* SPDX-License-Identifier: MIT */
#pragma once

/* scmp-super daemon: serve listeners sent by runc, crun and run --connect. */
int cmd_daemon(int argc, char **argv);
