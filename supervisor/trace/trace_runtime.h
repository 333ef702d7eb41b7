/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * What a container runtime does after it loads a container's seccomp
 * filter and before the container's process runs: the calls `trace
 * --runtime` adds to a profile recorded outside a container, so the
 * runtime can start the container under it. Measured per runtime and
 * version (docs/DAEMON.md, What the runtime does after the filter) and
 * re-measured by tests/integration/test_trace_runtime_measure.sh, which
 * reads the table in trace_runtime.c: keep one row a call,
 * {"RUNTIME", "SYSCALL", "why"}.
 */

#include <stdbool.h>

enum trace_runtime { TRACE_RUNTIME_RUNC, TRACE_RUNTIME_CRUN, TRACE_RUNTIMES };

struct trace_runtime_call {
        const char *runtime; /* "runc" or "crun" */
        const char *name;    /* the syscall */
        const char *why;     /* what the runtime does with it */
};

/* Every runtime's calls, in the order the profile lists them; terminated
 * by an entry whose name is NULL. */
extern const struct trace_runtime_call trace_runtime_calls[];

/* The runtime's name ("runc"), and the versions its calls were measured
 * on ("runc 1.1.5"), as the profile's comments say. */
const char *trace_runtime_name(enum trace_runtime rt);
const char *trace_runtime_measured(enum trace_runtime rt);

/* The runtime named s, or -1. */
int trace_runtime_parse(const char *s);

/* Whether call belongs to rt. */
bool trace_runtime_call_of(const struct trace_runtime_call *call, enum trace_runtime rt);
