/* SPDX-License-Identifier: MIT */
#pragma once

/* --log: one JSON object per line per supervisor decision. */

#include <stdio.h>

#include "policy.h"

struct target;

void decision_log_write(FILE *out, const struct target *t, const struct policy_call *call,
                        const struct policy_decision *d);
