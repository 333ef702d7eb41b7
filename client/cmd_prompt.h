/* SPDX-License-Identifier: MIT */
#pragma once

/* scmp-super prompt: answer a running supervisor's prompts from another
 * terminal, or from a script with --json. */
int cmd_prompt(int argc, char **argv);
