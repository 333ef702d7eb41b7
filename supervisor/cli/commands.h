/* SPDX-License-Identifier: MIT */
#pragma once

/* The subcommands; each takes argv with argv[0] naming the subcommand and
 * returns the process exit status. */
int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);
