/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * What `scmp-super trace` tells people and machines about a run: the JSON
 * report (schema in docs/TRACE.md, "schemaVersion": 1), the human table,
 * GitHub workflow annotations with a step summary, and JUnit XML.
 *
 * Strings that come from the traced processes (executable paths, command
 * lines, paths) are cleaned on the way out: bytes that are not UTF-8 become
 * '?', and each format escapes what it must, so a target cannot break the
 * report's syntax or smuggle in a workflow command.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "trace/trace.h"
#include "trace/trace_propose.h"

/* At most this many GitHub annotations (GitHub shows ten per step). */
#define TRACE_GITHUB_ANNOTATIONS 10

struct trace_run {
        char *const *argv;    /* the traced command, NULL-terminated */
        const char *base;     /* the base profile's file name, NULL: none */
        int exit_status;      /* the command's, as scmp-super run reports it */
        int status;           /* what scmp-super trace exits with */
        bool fail_on_unknown; /* new syscalls fail the run */
        /* --exe: the globs of the programs recorded, NULL-terminated; NULL:
         * every program. */
        const char *const *exe_globs;
        /* --paths: the path rules proposed for review, or NULL. */
        const struct trace_proposal *proposal;
};

/*
 * Shows a recorded argument value: "AF_INET", "SOCK_STREAM|SOCK_CLOEXEC",
 * "CLONE_VM|CLONE_FS|SIGCHLD", "TCGETS", "PR_SET_NAME", or hex where there is
 * no name. Returns 0 or -ENOSPC (truncated, still terminated).
 */
int trace_format_value(enum trace_arg_kind kind, uint64_t value, char *buf, size_t size);

/* argv joined by spaces, each word quoted for a POSIX shell when it needs
 * to be. Caller frees; NULL when out of memory. */
char *trace_command_string(char *const *argv);

/* Text from a traced process for a report: bytes that are not UTF-8, and
 * control characters, become '?'. Caller frees; NULL for NULL or when out
 * of memory. */
char *trace_clean_text(const char *s);

/* The set's strings, sorted (pointers into the set; free the array only);
 * NULL when the set is empty or out of memory. */
const char **trace_strset_sorted(const struct trace_strset *set);

/* Adds to obj KEY: {"values": [the set's strings, sorted, made printable],
 * "truncated": whether some were not kept}. 0 or -ENOMEM. */
int trace_strset_json(cJSON *obj, const char *key, const struct trace_strset *set);

/*
 * The details trace_report_details.c adds: to a syscall's JSON object its
 * "addresses"; to the report's root "totals.otherCalls" and "exe", and
 * "proposedRules" with --paths. 0 or -ENOMEM.
 */
int trace_report_syscall_details(const struct trace_recorder *rec, int nr, cJSON *obj);
int trace_report_json_details(const struct trace_recorder *rec, const struct trace_run *run,
                              cJSON *root);
int trace_report_json_proposal(const struct trace_recorder *rec, const struct trace_run *run,
                               cJSON *root);

/* The human lines after the table: the programs recorded (--exe), the
 * addresses each syscall named, and the proposed path rules. */
void trace_report_details(const struct trace_recorder *rec, const struct trace_run *run, FILE *out);

/* The JSON report. Returns 0, or a negative errno (out of memory, write
 * error). */
int trace_report_json(const struct trace_recorder *rec, const struct trace_run *run, FILE *out);

/* The human summary: one line per syscall seen, most calls first, the ones
 * the base profile does not name marked with '+'. */
void trace_report_table(const struct trace_recorder *rec, const struct trace_run *run, FILE *out);

/*
 * GitHub Actions: one ::warning (or ::error with fail_on_unknown)
 * annotation per new syscall on out, at most TRACE_GITHUB_ANNOTATIONS and
 * then one saying how many more; and, when summary is not NULL, a Markdown
 * table of every new syscall for $GITHUB_STEP_SUMMARY. Returns 0 or a
 * negative errno.
 */
int trace_report_github(const struct trace_recorder *rec, const struct trace_run *run, FILE *out,
                        FILE *summary);

/*
 * JUnit XML: one test case per new syscall (a failure with
 * fail_on_unknown, a passing case with the details otherwise) and one for
 * the command's own exit status. Returns 0 or a negative errno.
 */
int trace_report_junit(const struct trace_recorder *rec, const struct trace_run *run, FILE *out);
