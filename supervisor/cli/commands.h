/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * The commands of cli/, each a front end: argv in (argv[0] names the
 * command, "scmp-super run"), options parsed, one call into the parts,
 * what happened printed, and the process exit status returned. main.c
 * lists them in its command table. `prompt` and `status` are the client
 * library's (client/cmd_prompt.h, client/cmd_status.h).
 */

/* scmp-super run: run a command under a profile. */
int cmd_run(int argc, char **argv);
/* scmp-super check: validate and summarise a profile. */
int cmd_check(int argc, char **argv);
/* scmp-super trace: record what a command needs beyond a base profile. */
int cmd_trace(int argc, char **argv);
/* scmp-super profile merge|diff: combine and compare profiles. */
int cmd_profile(int argc, char **argv);
/* scmp-super daemon: serve listeners sent by runc, crun and run --connect. */
int cmd_daemon(int argc, char **argv);
/*
 * scmp-super groups [--help] [NAME]: list the syscall groups a profile may
 * name, or show one group's members and full expansion on this
 * architecture. 0 on success, 1 if the output could not be written, 2 for
 * a usage error or an unknown group.
 */
int cmd_groups(int argc, char **argv);
