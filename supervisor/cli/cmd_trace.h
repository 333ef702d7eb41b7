/* SPDX-License-Identifier: MIT */
#pragma once

/* scmp-super trace: record what a command needs beyond a base profile. */
int cmd_trace(int argc, char **argv);

/* scmp-super profile merge|diff: combine and compare profiles. */
int cmd_profile(int argc, char **argv);
