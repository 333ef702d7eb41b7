#!/bin/bash
# SPDX-License-Identifier: MIT
# The supervisor confines itself before the command runs (SECURITY.md): the
# command's parent, scmp-super, is in seccomp filter mode while it serves,
# with one filter of its own; SCMP_SUPER_NO_CONFINE=1 leaves it unfiltered.
# The command reads its parent's status first thing: no lane serves the
# launcher's exec before the filter is loaded (launch_attach()'s
# before_serving), so "Seccomp: 2" is seen every time, not only when the
# command starts slower than scmp-super confines itself.
# (That the confined supervisor cannot execve, fork or open sockets is
# tests/unit/test_confine.c; that it still serves everything is the rest of
# the suite, which runs confined.)
. "$(dirname "$0")/lib.sh"

P=$(profile allow_all)
# $PPID is expanded by the command's shell: scmp-super.
# shellcheck disable=SC2016
SHOW='grep -E "^Seccomp(_filters)?:" /proc/$PPID/status | tr -s "\t " " "'

run_sup run --policy "$P" -- sh -c "$SHOW"
expect "the serving supervisor is confined by one filter of its own" 0 "Seccomp: 2
Seccomp_filters: 1"

SCMP_SUPER_NO_CONFINE=1 run_sup run --policy "$P" -- sh -c "$SHOW"
expect "SCMP_SUPER_NO_CONFINE=1 leaves it unconfined" 0 "Seccomp: 0
Seccomp_filters: 0"

finish
