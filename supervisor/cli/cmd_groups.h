/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * `scmp-super groups [--help] [NAME]`: list the syscall groups a profile may
 * name, or show one group's members and full expansion on this architecture.
 * ARGV[0] is "groups". Returns the process exit status: 0 on success, 1 if
 * the output could not be written, 2 for a usage error or an unknown group.
 */
int cmd_groups(int argc, char **argv);
