/* SPDX-License-Identifier: MIT */
#pragma once

/* scmp-super trace: record what a command needs beyond a base profile. */
int cmd_trace(int argc, char **argv);

/* scmp-super profile merge|diff: combine and compare profiles. */
int cmd_profile(int argc, char **argv);

/* The exit status of `trace --fail-on-unknown` when the command succeeded
 * but made syscalls the base profile does not name (docs/TRACE.md). */
#define TRACE_EXIT_UNKNOWN 119
