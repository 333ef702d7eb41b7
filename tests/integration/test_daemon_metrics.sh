#!/bin/bash
# SPDX-License-Identifier: MIT
# daemon --metrics-file: the file is there, valid OpenMetrics text, before
# any target; it shows allowed and denied calls per profile, syscall and
# verdict, and per live target; it is replaced whole (a new inode each
# time, and no reader ever sees part of one); a path that cannot be
# written stops the start with the path and the fix, and a later failure
# is logged once; and status --json keeps its shape.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=daemon_lib.sh
. "$(dirname "$0")/daemon_lib.sh"

require_cmd python3 strace
# Debian's python3-prometheus-client (scripts/deps.sh test): its
# OpenMetrics parser checks the file too, beside our own stricter checks.
PY=
for candidate in python3 /usr/bin/python3; do
        if "$candidate" -c 'import prometheus_client.openmetrics.parser' 2>/dev/null; then
                PY=$candidate
                break
        fi
done
[ -n "$PY" ] || skip "python3-prometheus-client is not installed (scripts/deps.sh test)"
CHECK=$SOURCE_DIR/tests/integration/openmetrics_check.py

mkdir -p "$TMP/profiles" "$TMP/t" "$TMP/textfile"
METRICS=$TMP/textfile/scmp-super.prom
deny_profile EROFS >"$TMP/profiles/default.json"
PROFILE=$TMP/profiles/default.json

# The file's samples as openmetrics_check.py prints them, or nothing (and
# the reason in $TMP/check.err) when it is not valid.
samples()
{
        "$PY" "$CHECK" --client "$METRICS" 2>"$TMP/check.err"
}

# has_sample LINE: the file is valid and has the sample LINE exactly.
# shellcheck disable=SC2317 # called through wait_for
has_sample()
{
        samples | grep -qxF -- "$1"
}

# A path that cannot be written stops the start, naming it and the fix.
run_sup daemon --socket "$TMP/never.sock" --metrics-file "$TMP/no-such-dir/scmp-super.prom"
assert_exit "a metrics file in a missing directory stops the start" 1
assert_contains "... naming the path and the fix" \
        "--metrics-file $TMP/no-such-dir/scmp-super.prom: cannot create a file beside it: No such file or directory; its directory must exist and be writable by the daemon" \
        "$ERR"
mkdir "$TMP/a-directory"
run_sup daemon --socket "$TMP/never.sock" --metrics-file "$TMP/a-directory"
assert_exit "a metrics file that is a directory stops the start" 1
assert_contains "... saying it must be a file" "it must be a file" "$ERR"
run_sup daemon --socket "$TMP/never.sock" --metrics-interval 5
assert_exit "--metrics-interval without --metrics-file is bad usage" 2
run_sup daemon --socket "$TMP/never.sock" --metrics-file "$METRICS" --metrics-interval 0
assert_exit "--metrics-interval 0 is bad usage" 2
run_sup daemon --socket "$TMP/never.sock" --metrics-file "$METRICS" --metrics-format json
assert_exit "an unknown --metrics-format is bad usage" 2
leftovers=$(find "$TMP" "$TMP/textfile" "$TMP/a-directory" -maxdepth 1 \
        \( -name never.sock -o -name '*.scmp-super-*' -o -name '*.prom' \))
if [ -n "$leftovers" ]; then
        fail "a daemon that did not start leaves no socket and no file" "$leftovers"
else
        pass "a daemon that did not start leaves no socket and no file"
fi

start_daemon --policy-dir "$TMP/profiles" --control "$CONTROL" \
        --metrics-file "$METRICS" --metrics-interval 1 || finish

# Written before the daemon listens: valid, readable by node_exporter.
if samples >"$TMP/first" && grep -qxF "scmp_super_targets 0" "$TMP/first"; then
        pass "the file is there and valid when the daemon listens"
else
        fail "the file is there and valid when the daemon listens" "$(cat "$TMP/check.err")" \
                "$(cat "$METRICS")"
fi
assert_eq "the file's mode is 0644" "644" "$(stat -c %a "$METRICS")"
assert_eq "the histogram is empty before any call" "scmp_super_decision_duration_seconds_count 0" \
        "$(grep -x 'scmp_super_decision_duration_seconds_count .*' "$TMP/first")"

# A launcher with an allowed and two denied mkdirs, then held open on a
# FIFO so that its own series can be seen while it lives.
mkdir -p "$TMP/t/one"
mkfifo "$TMP/hold"
"$SCMP_SUPER" run --connect "$SOCK" --policy "$PROFILE" -- \
        "$TRY" mkdir "$TMP/t/one/allowed" -- mkdir "$TMP/t/one/denied" -- \
        mkdir "$TMP/t/one/denied2" -- open "$TMP/hold" >"$TMP/out-one" 2>&1 &
held=$!
if wait_for 15 has_sample 'scmp_super_decisions_total{policy="default",syscall="mkdir",verdict="deny"} 2' &&
        has_sample 'scmp_super_decisions_total{policy="default",syscall="mkdir",verdict="allow"} 1'; then
        pass "decisions per profile, syscall and verdict show in the file"
else
        fail "decisions per profile, syscall and verdict show in the file" \
                "$(cat "$TMP/check.err")" "$(cat "$METRICS")" "$(daemon_details)"
fi
target_pid=$(pgrep -P "$held")
for line in \
        "scmp_super_target_decisions_total{container=\"\",pid=\"$target_pid\",policy=\"default\",verdict=\"allow\"} 1" \
        "scmp_super_target_decisions_total{container=\"\",pid=\"$target_pid\",policy=\"default\",verdict=\"deny\"} 2" \
        "scmp_super_target_decisions_total{container=\"\",pid=\"$target_pid\",policy=\"default\",verdict=\"kill\"} 0" \
        "scmp_super_targets 1" \
        "scmp_super_targets_served_total 1" \
        "scmp_super_targets_unlisted 0"; do
        if wait_for 5 has_sample "$line"; then
                pass "the live target shows: $line"
        else
                fail "the live target shows: $line" "$(cat "$METRICS")"
        fi
done
samples >"$TMP/live"
count=$(sed -n 's/^scmp_super_decision_duration_seconds_count //p' "$TMP/live")
if [ "${count:-0}" -ge 3 ]; then
        pass "the three decided calls are timed in the histogram"
else
        fail "the three decided calls are timed in the histogram" "$(cat "$TMP/live")"
fi

# status --json keeps its shape: the same keys as before metrics (and the
# profiles whose last reload failed, added since), and the same numbers as
# the file.
"$SCMP_SUPER" status --control "$CONTROL" --json >"$TMP/status.json"
if python3 - "$TMP/status.json" "$target_pid" <<'PYEOF'; then
import json, sys
s = json.load(open(sys.argv[1]))
top = {"type", "v", "pid", "since", "served", "refused", "connections", "prompts", "profiles",
       "targets", "reload_failures"}
target = {"pid", "container", "policy", "source", "launcher", "trace", "since", "decided",
          "pending"}
decided = {"allow", "log", "deny", "kill", "total"}
assert set(s) == top, sorted(s)
assert len(s["targets"]) == 1
t = s["targets"][0]
assert set(t) == target, sorted(t)
assert set(t["decided"]) == decided, sorted(t["decided"])
assert t["pid"] == int(sys.argv[2])
assert (t["decided"]["allow"], t["decided"]["deny"]) == (1, 2)
assert s["served"] == 1 and s["refused"] == 0
PYEOF
        pass "status --json keeps its shape and agrees with the file"
else
        fail "status --json keeps its shape and agrees with the file" "$(cat "$TMP/status.json")"
fi

# Replaced whole: the inode changes from one write to the next, and a
# reader polling meanwhile always finds a complete file.
inode=$(stat -c %i "$METRICS")
# shellcheck disable=SC2317 # called through wait_for
inode_changed()
{
        [ "$(stat -c %i "$METRICS")" != "$inode" ]
}
if wait_for 10 inode_changed; then
        pass "each write is a new file renamed over the old one"
else
        fail "each write is a new file renamed over the old one" "inode $inode stays"
fi
# A reader polling meanwhile, for two replacements: each read whole.
if "$PY" - "$METRICS" >"$TMP/reads" 2>&1 <<'PYEOF'; then
import os, sys, time
path = sys.argv[1]
reads = partial = renames = 0
inode = os.stat(path).st_ino
deadline = time.monotonic() + 15
while renames < 2 and time.monotonic() < deadline:
    with open(path, "rb") as f:
        data = f.read()
        now = os.fstat(f.fileno()).st_ino
    reads += 1
    if not (data.startswith(b"# TYPE scmp_super_start_time_seconds gauge\n")
            and data.endswith(b"\n# EOF\n")):
        partial += 1
    if now != inode:
        renames += 1
        inode = now
print("%d reads, %d replacements, %d partial" % (reads, renames, partial))
sys.exit(0 if renames >= 2 and partial == 0 and reads > renames else 1)
PYEOF
        pass "a reader polling across replacements always finds a whole file ($(cat "$TMP/reads"))"
else
        fail "a reader polling across replacements always finds a whole file" "$(cat "$TMP/reads")"
fi

: >"$TMP/hold"
wait "$held"
assert_eq "the launcher's calls got their answers" "mkdir: OK
mkdir: EROFS
mkdir: EROFS
open: OK" "$(cat "$TMP/out-one")"
if wait_for 15 has_sample "scmp_super_targets 0" && ! samples | grep -q "pid=\"$target_pid\""; then
        pass "a target that ended has no series of its own any more"
else
        fail "a target that ended has no series of its own any more" "$(cat "$METRICS")"
fi
if has_sample 'scmp_super_decisions_total{policy="default",syscall="mkdir",verdict="deny"} 2'; then
        pass "its decisions stay in the per-profile counts"
else
        fail "its decisions stay in the per-profile counts" "$(cat "$METRICS")"
fi

# A write that fails later is logged once, not at every interval, and
# once more when writing works again; strace counts the attempts.
strace -f -qq -p "$DAEMON_PID" -e trace=openat -e signal=none -o "$TMP/strace" 2>/dev/null &
tracer=$!
# shellcheck disable=SC2317 # called through wait_for
traced_attempts()
{
        local n
        n=$(grep -c "\.scmp-super\.prom\.scmp-super-$1" "$TMP/strace" 2>/dev/null)
        [ "${n:-0}" -ge "$2" ] # no file yet: 0
}
if ! wait_for 15 traced_attempts "" 1; then
        fail "strace sees the daemon create its temporary files" "$(cat "$TMP/strace")"
fi
mv "$TMP/textfile" "$TMP/textfile.away"
if wait_for 15 traced_attempts ".*ENOENT" 3; then
        assert_eq "three failed writes are logged once" 1 \
                "$(count_lines "$DAEMON_ERR" "--metrics-file $METRICS: cannot create a file beside it")"
else
        fail "the daemon tries again every interval" "$(tail -5 "$TMP/strace")"
fi
kill "$tracer" 2>/dev/null
wait "$tracer" 2>/dev/null
mv "$TMP/textfile.away" "$TMP/textfile"
if wait_log "--metrics-file $METRICS: written again" && samples >/dev/null; then
        pass "writing again is logged, and the file is valid"
else
        fail "writing again is logged, and the file is valid" "$(daemon_details)"
fi

# A container's own series carry the id its runtime sent. Last, as it
# needs root and crun: without them the checks above still count.
container_series()
{
        local cid=metrics-web.1_$$
        if ! command -v crun >/dev/null 2>&1 || [ "$(id -u)" != 0 ]; then
                return 1
        fi
        make_bundle "$TMP/bundle" "{\"defaultAction\": \"SCMP_ACT_ALLOW\",
                \"architectures\": [\"SCMP_ARCH_X86_64\"], \"listenerPath\": \"$SOCK\",
                \"syscalls\": [{\"names\": [\"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}" \
                'mkdir /tmp/denied; read x </hold; echo END'
        mkfifo "$TMP/bundle/rootfs/hold"
        run_container crun "$TMP/bundle" "$cid" &
        local runner=$!
        local line="scmp_super_target_decisions_total{container=\"$cid\",pid=\"[0-9]*\",policy=\"default\",verdict=\"deny\"} 1"
        # shellcheck disable=SC2317 # called through wait_for
        has_container()
        {
                samples | grep -qx -- "$line"
        }
        if wait_for 30 has_container; then
                pass "a container's series carry its id"
        else
                fail "a container's series carry its id" "$(cat "$METRICS")" "$(cat "$TMP/out")"
        fi
        : >"$TMP/bundle/rootfs/hold"
        wait "$runner"
        assert_eq "the container ran to its end" "mkdir: can't create directory '/tmp/denied': Read-only file system
END" "$(cat "$TMP/out")"
        return 0
}
container_series
ran_container=$?

stop_daemon TERM
assert_eq "the daemon stops with 0" 0 "$DAEMON_STATUS"
assert_eq "no temporary file is left beside the metrics file" "scmp-super.prom" \
        "$(ls -A "$TMP/textfile")"
# --metrics-format prometheus: what node_exporter's parser (the text
# format 0.0.4) reads with the counters' types, checked with
# prometheus_client's parser of that format.
start_daemon --policy-dir "$TMP/profiles" --metrics-file "$METRICS" --metrics-format prometheus ||
        finish
mkdir -p "$TMP/t/two"
run_sup run --connect "$SOCK" --policy "$PROFILE" -- "$TRY" mkdir "$TMP/t/two/denied"
expect "a launcher under the second daemon" 0 "mkdir: EROFS"
# shellcheck disable=SC2317 # called through wait_for
prometheus_text_shows()
{
        "$PY" - "$METRICS" >"$TMP/classic" 2>&1 <<'PYEOF'
import sys
from prometheus_client.parser import text_string_to_metric_families
text = open(sys.argv[1]).read()
assert "# EOF" not in text and "# UNIT" not in text, "OpenMetrics lines"
families = {f.name: f for f in text_string_to_metric_families(text)}
d = families["scmp_super_decisions"]
assert d.type == "counter", d.type
values = {(s.labels["syscall"], s.labels["verdict"]): s.value for s in d.samples}
assert values == {("mkdir", "deny"): 1.0}, values
assert families["scmp_super_targets_served"].type == "counter"
assert families["scmp_super_decision_duration_seconds"].type == "histogram"
assert families["scmp_super_targets"].type == "gauge"
PYEOF
}
if wait_for 15 prometheus_text_shows; then
        pass "--metrics-format prometheus keeps the counters typed for node_exporter's parser"
else
        fail "--metrics-format prometheus keeps the counters typed for node_exporter's parser" \
                "$(cat "$TMP/classic")" "$(cat "$METRICS")"
fi
stop_daemon TERM
assert_eq "the second daemon stops with 0" 0 "$DAEMON_STATUS"

if [ "$ran_container" != 0 ]; then
        skip "a container's series: crun as root is needed (uid $(id -u))"
fi
finish
