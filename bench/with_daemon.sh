#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/with_daemon.sh SCMP_SUPER PROFILE -- COMMAND...
#
# Runs COMMAND while `SCMP_SUPER daemon --policy PROFILE` listens on a socket
# of its own, whose path replaces every argument of COMMAND that is @SOCK@;
# then stops the daemon. Exits with COMMAND's status (1 if the daemon did
# not start). For the rows of bench/run.sh that measure a call served by the
# daemon (`run --connect @SOCK@ ...`): what they time is the target's loop,
# so the daemon's start and stop do not count.

set -u

scmp_super=$1 profile=$2
shift 2
[[ ${1:-} == -- ]] && shift
dir=$(mktemp -d /tmp/scmp-bench-daemon.XXXXXX) || exit 1
sock=$dir/agent.sock
"$scmp_super" daemon --socket "$sock" --policy "$profile" </dev/null >&2 &
daemon=$!
for ((i = 0; i < 250; i++)); do
        [[ -S $sock ]] && break
        sleep 0.02
done
if [[ ! -S $sock ]]; then
        echo "with_daemon.sh: the daemon did not create $sock" >&2
        kill "$daemon" 2>/dev/null
        rm -rf "$dir"
        exit 1
fi
args=()
for a in "$@"; do
        [[ $a == @SOCK@ ]] && a=$sock
        args+=("$a")
done
"${args[@]}"
status=$?
kill -TERM "$daemon" 2>/dev/null
wait "$daemon"
rm -rf "$dir"
exit "$status"
