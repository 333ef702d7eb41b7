#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/daemon_memory.sh SCMP_SUPER N [DAEMON OPTION...]
#
# What N targets cost the daemon: starts `SCMP_SUPER daemon` (with the
# options given, say --log FILE) and N `run --connect -- loop_target
# --calls 200 --hold` at once; once every target has made its calls and is
# still connected, prints the daemon's resident memory, its threads, and
# how many 256 KiB thread stacks (the lanes') it has and how much of them
# is resident. Needs loop_target beside SCMP_SUPER (DIR/bench/loop_target).
# For docs/DAEMON.md, "Measured".

set -u

scmp_super=$1 n=$2
shift 2
dir=$(cd "$(dirname "$scmp_super")" && pwd)
loop=$dir/bench/loop_target
profile=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/profiles/notify-getppid.json
work=$(mktemp -d /tmp/scmp-daemon-memory.XXXXXX)
trap 'rm -rf "$work"' EXIT

"$scmp_super" daemon --socket "$work/agent.sock" --policy "$profile" "$@" 2>"$work/daemon.err" &
daemon=$!
for ((i = 0; i < 250; i++)); do
        [[ -S $work/agent.sock ]] && break
        sleep 0.02
done
mkfifo "$work/hold"
exec 9<>"$work/hold"
targets=()
for ((i = 0; i < n; i++)); do
        "$scmp_super" run --connect "$work/agent.sock" --policy "$profile" -- \
                "$loop" --calls 200 --warmup 0 --hold <"$work/hold" >"$work/out.$i" 2>&1 9>&- &
        targets+=($!)
done
for ((k = 0; k < 3000; k++)); do
        done_=$(cat "$work"/out.* 2>/dev/null | grep -c '^loop_target')
        ((done_ == n)) && break
        sleep 0.02
done
status=/proc/$daemon/status
python3 - "$daemon" "$done_" <<'PY'
import re, sys
pid, served = sys.argv[1], sys.argv[2]
status = dict(l.split(":", 1) for l in open(f"/proc/{pid}/status"))
maps, cur = [], None
for line in open(f"/proc/{pid}/smaps"):
    m = re.match(r"([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)", line)
    if m:
        cur = {"start": int(m[1], 16), "end": int(m[2], 16), "perm": m[3], "name": m[4].strip(), "rss": 0}
        maps.append(cur)
    elif line.startswith("Rss:"):
        cur["rss"] = int(line.split()[1])
stacks = [m for prev, m in zip(maps, maps[1:])
          if prev["perm"].startswith("---") and prev["end"] == m["start"]
          and m["perm"].startswith("rw") and not m["name"] and m["end"] - m["start"] == 256 * 1024]
print("targets=%s VmRSS=%s VmHWM=%s threads=%s lane_stacks=%d lane_stacks_rss=%d kB" % (
    served, status["VmRSS"].split()[0] + " kB", status["VmHWM"].split()[0] + " kB",
    status["Threads"].strip(), len(stacks), sum(m["rss"] for m in stacks)))
PY
exec 9>&-
for pid in "${targets[@]}"; do
        wait "$pid"
done
kill -TERM "$daemon"
wait "$daemon"
