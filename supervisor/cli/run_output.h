/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * What run and trace say on stderr around a run_session (run_session.h),
 * in the order its steps happen: the profile's warnings, then what went
 * wrong, and whether the command was started.
 */

#include <stddef.h>

#include "launch/run_session.h"
#include "trace/tracer.h"

/* run_session_prepare(), saying on the way what the profile wants said,
 * which files the command could rewrite, and with verbose whether this
 * kernel seals the command off. Returns 0, or the exit status once it has
 * said why. */
int run_output_prepare(struct run_session *s, const struct run_session_options *opts);

/* Says why a step failed (reterr, when it says anything) and whether the
 * command was never started; returns the exit status to use. */
int run_output_failure(const struct run_session *s, const char *reterr);

/* After the command ended: when the profile refuses what it does not name
 * (its kernel default, or a notified default, denies or kills) and the
 * command failed, one line saying how (killed by signal, or its status),
 * after how long, and the trace command that shows what it needed. Says
 * nothing for a profile that lets unnamed calls through, for a zero exit,
 * or for a command a daemon supervised (--connect). */
void run_output_hint(const struct run_session *s, long elapsed_ms);

/* run --explain, after the command ended: the calls the profile refused
 * with an errno (syscall, errno name, count, executable), most refused
 * first, or a line saying there were none; a line when the kernel killed
 * the command for a call the profile kills (kills stay in the kernel);
 * then, when anything was refused, "record them with: scmp-super trace
 * --policy P -- COMMAND". Takes the place of run_output_hint()'s line. */
void run_output_explain(struct run_session *s);

/* trace's reports never share standard output with the command by
 * default: a --format json or junit report with no file to go to is
 * refused (its file may be "-", standard output, when the person says so).
 * Returns 0, or trace's exit status once it has said why. */
int run_output_check_trace_streams(const struct tracer_options *o);
