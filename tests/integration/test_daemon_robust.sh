#!/bin/bash
# SPDX-License-Identifier: MIT
# The daemon against clients that misbehave: garbage, missing or misnamed
# descriptors, a descriptor that is no seccomp listener, too many
# descriptors, 2 MiB messages, a client that stalls mid-message, a flood of
# stalled connections from one client (test_daemon_crowd.sh: from many),
# and listenerMetadata it does not understand. Each is refused with a log
# line saying why (at most 10 a second), and the daemon goes on serving. Also
# the sockets: permissions, a stale socket file, a live one, and sockets
# passed by systemd (LISTEN_FDS).

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=daemon_lib.sh
. "$(dirname "$0")/daemon_lib.sh"

require_cmd python3 setpriv

CLIENT=$SOURCE_DIR/tests/integration/daemon_client.py
# Another user cannot run a python3 under root's home (pyenv).
SYSTEM_PYTHON=/usr/bin/python3
require_file "$SYSTEM_PYTHON"
TIMEOUT_MS=3000

mkdir -p "$TMP/profiles" "$TMP/t"
cat >"$TMP/profiles/default.json" <<EOF
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}],
  "supervisor": {"defaultAction": "deny", "defaultErrno": "EROFS"}
}
EOF
PROFILE=$TMP/profiles/default.json

# served NAME: a launcher is still served correctly.
served()
{
        run_sup run --connect "$SOCK" --policy "$PROFILE" -- "$TRY" mkdir "$TMP/t/x"
        expect "$1" 0 "mkdir: EROFS"
}

# refused NAME MODE REASON: the client MODE is refused with REASON logged.
refused()
{
        local name=$1 mode=$2 reason=$3 out
        out=$(timeout -k 5 "$HANG_LIMIT" python3 "$CLIENT" "$mode" "$SOCK" 2>&1)
        assert_eq "$name: the daemon closes the connection" closed "$out"
        if wait_log "$reason"; then
                pass "$name: refused with a log line"
        else
                fail "$name: refused with a log line" "expected: $reason" "$(daemon_details)"
        fi
        if daemon_alive; then
                pass "$name: the daemon is still running"
        else
                fail "$name: the daemon is still running" "$(daemon_details)"
        fi
}

start_daemon --policy-dir "$TMP/profiles" --control "$CONTROL" \
        --message-timeout "$TIMEOUT_MS" || finish

refused "garbage" garbage "refused a message from pid" &&
        assert_contains "garbage: the reason" "not a JSON object" "$(cat "$DAEMON_ERR")"
refused "no descriptors" nofds '"fds" names 1 descriptor but 0 arrived'
refused "a misnamed descriptor" wrongname 'no descriptor named "seccompFd"'
refused "a descriptor that is no listener" notlistener 'is pipe:['
assert_contains "no listener: the log says what it was instead" \
        'not a seccomp listener' "$(cat "$DAEMON_ERR")"
refused "17 descriptors" manyfds 'more descriptors than the 16 a message may carry'
refused "a 2 MiB message" big 'message larger than 1048576 bytes'
served "after the malformed messages a launcher is served"

# A client that stalls mid-message does not hold up anyone else.
python3 "$CLIENT" stall "$SOCK" "$TMP/stall-ready" >"$TMP/stall-out" 2>&1 &
stall=$!
wait_for 10 test -s "$TMP/stall-ready" || fail "the stalling client connected"
served "a launcher is served while another client stalls"
if kill -0 "$stall" 2>/dev/null && ! has_line "$DAEMON_ERR" "no complete message within"; then
        pass "the stalled connection was still waiting for its deadline meanwhile"
else
        fail "the stalled connection was still waiting for its deadline meanwhile" \
                "$(daemon_details)"
fi
if wait_log "no complete message within $TIMEOUT_MS ms (14 bytes arrived)"; then
        pass "the stalled client is refused at its deadline"
else
        fail "the stalled client is refused at its deadline" "$(daemon_details)"
fi
wait "$stall"
assert_eq "the stalled client sees the connection closed" closed "$(cat "$TMP/stall-out")"

# A flood of stalled connections from one client: beyond the 8 a client
# may have waiting, the rest are closed at once, each counted, at most 10
# a second logged and the others summed up; the daemon still serves.
refused_count()
{
        "$SCMP_SUPER" status --control "$CONTROL" --json |
                python3 -c 'import json, sys; print(json.load(sys.stdin)["refused"])'
}
refused_before=$(refused_count)
flood=$(timeout -k 5 "$HANG_LIMIT" python3 "$CLIENT" flood "$SOCK" 140)
assert_eq "a client's flood beyond the 8 it may have waiting is closed at once" \
        "closed-at-once 132" "$flood"
# (The 8 it kept, closed by the client when it ends, are refused too.)
refused_after=$(refused_count)
if [ "$refused_after" -ge $((refused_before + 132)) ]; then
        pass "every connection refused is counted"
else
        fail "every connection refused is counted" "before: $refused_before, after: $refused_after"
fi
logged=$(count_lines "$DAEMON_ERR" "(at most 8 per client, 128 in all)")
if [ "$logged" -ge 1 ] && [ "$logged" -le 20 ]; then
        pass "the refusals are logged at most 10 a second ($logged lines for 132)"
else
        fail "the refusals are logged at most 10 a second" "$logged lines for 132"
fi
if wait_log "more refusals in the second before were not logged (at most 10 a second are)"; then
        pass "the refusals left out are summed up in one line"
else
        fail "the refusals left out are summed up in one line" "$(daemon_details)"
fi
served "after the flood a launcher is served"

# listenerMetadata the daemon does not understand refuses the target.
metadata_refused()
{
        local name=$1 metadata=$2 reason=$3
        python3 -c '
import json, sys
p = json.load(open(sys.argv[1])); p["listenerMetadata"] = sys.argv[2]
json.dump(p, open(sys.argv[3], "w"))' "$PROFILE" "$metadata" "$TMP/meta.json"
        run_sup run --connect "$SOCK" --policy "$TMP/meta.json" -- "$TRY" mkdir "$TMP/t/m"
        assert_exit "$name: run --connect fails" 125
        assert_contains "$name: run says the daemon did not take it" \
                "did not take the command" "$ERR"
        if wait_log "$reason"; then
                pass "$name: the daemon logs why"
        else
                fail "$name: the daemon logs why" "expected: $reason" "$(daemon_details)"
        fi
}
metadata_refused "a misspelt key" "polcy=default" 'listenerMetadata key "polcy" is unknown'
metadata_refused "a path as profile name" "policy=../profiles/default" \
        'listenerMetadata policy "../profiles/default" is not a profile name'
metadata_refused "an item without =" "default" 'item "default" is not key=value'
metadata_refused "an unknown profile" "policy=web" 'no profile "web"'
assert_contains "an unknown profile: run relays the daemon's reason" 'no profile "web"' "$ERR"
served "after refused metadata a launcher is served"

# The sockets.
assert_eq "the agent socket is 0600" 600 "$(stat -c %a "$SOCK")"
assert_eq "the control socket is 0600" 600 "$(stat -c %a "$CONTROL")"
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$SYSTEM_PYTHON" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
try:
    s.connect(sys.argv[1])
except PermissionError:
    print("EACCES")' "$CONTROL" 2>&1)
assert_eq "another user cannot connect to the control socket" EACCES "$out"
chmod 666 "$CONTROL"
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$SYSTEM_PYTHON" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
# The refusal comes as soon as the daemon accepts, before any request.
print(s.makefile().readline().strip())' "$CONTROL" 2>&1)
case "$out" in
*'"type":"error","message":"permission denied'*)
        pass "even through a loosened mode, another uid is refused (SO_PEERCRED)" ;;
*) fail "even through a loosened mode, another uid is refused (SO_PEERCRED)" "got: $out" ;;
esac

"$SCMP_SUPER" daemon --socket "$SOCK" --policy "$PROFILE" >"$TMP/second.out" 2>&1
second=$?
assert_eq "a second daemon on a live socket exits 1" 1 "$second"
assert_contains "a second daemon says someone listens there" \
        "another process is listening on it" "$(cat "$TMP/second.out")"
served "the first daemon is undisturbed"

stop_daemon KILL
if [ -S "$SOCK" ]; then
        pass "a killed daemon leaves its socket file behind"
else
        fail "a killed daemon leaves its socket file behind" "no $SOCK"
fi
start_daemon --policy-dir "$TMP/profiles" --socket-mode 0660 &&
        pass "a new daemon replaces the stale socket file"
served "the new daemon serves on the replaced socket"
assert_eq "--socket-mode sets the socket's permissions" 660 "$(stat -c %a "$SOCK")"
stop_daemon TERM
assert_eq "the daemon exits 0 on SIGTERM" 0 "$DAEMON_STATUS"

echo "not a socket" >"$TMP/plain"
"$SCMP_SUPER" daemon --socket "$TMP/plain" --policy "$PROFILE" >"$TMP/plain.out" 2>&1
assert_eq "a path that is not a socket is not replaced: exit 1" 1 "$?"
assert_eq "the file is left alone" "not a socket" "$(cat "$TMP/plain")"
"$SCMP_SUPER" daemon --policy "$PROFILE" >"$TMP/usage.out" 2>&1
assert_eq "daemon without --socket is a usage error" 2 "$?"
"$SCMP_SUPER" daemon --socket "$SOCK" --policy-dir "$TMP/nonexistent" >"$TMP/dir.out" 2>&1
assert_eq "a profile directory that cannot be read stops the start" 1 "$?"
assert_contains "and says which" "$TMP/nonexistent" "$(cat "$TMP/dir.out")"

# The agent socket passed by systemd (LISTEN_FDS=1); the daemon creates its
# control socket itself.
: >"$DAEMON_ERR"
python3 - "$SOCK" "$SCMP_SUPER" "$PROFILE" "$CONTROL" 2>>"$DAEMON_ERR" <<'EOF' &
import os, socket, sys
path, binary, profile, control = sys.argv[1:5]
if os.path.exists(path):
    os.unlink(path)
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(16)
if s.fileno() != 3:
    os.dup2(s.fileno(), 3)  # inheritable, as dup2 makes it
    s.close()
else:
    os.set_inheritable(3, True)
env = dict(os.environ, LISTEN_PID=str(os.getpid()), LISTEN_FDS="1")
os.execve(binary, [binary, "daemon", "--policy", profile, "--control", control], env)
EOF
DAEMON_PID=$!
if wait_log "listening on an inherited socket"; then
        pass "the daemon takes the socket systemd passes"
        served "a launcher is served through the inherited socket"
        "$SCMP_SUPER" status --control "$CONTROL" >"$TMP/status.txt" 2>&1
        assert_contains "status works alongside the inherited socket" \
                "; 1 target served, " "$(cat "$TMP/status.txt")"
        stop_daemon TERM
        assert_eq "the socket-activated daemon exits 0 on SIGTERM" 0 "$DAEMON_STATUS"
        if [ -S "$SOCK" ]; then
                pass "the inherited socket's file is systemd's to remove, not ours"
        else
                fail "the inherited socket's file is systemd's to remove, not ours"
        fi
else
        fail "the daemon takes the socket systemd passes" "$(daemon_details)"
fi

# --watch with a directory laid out as a Kubernetes ConfigMap volume: the
# files are links through "..data", which an update swaps in one rename.
cm=$TMP/configmap
mkdir -p "$cm/..v1" "$cm/..v2"
sed 's/EROFS/EMLINK/' "$PROFILE" >"$cm/..v1/default.json"
sed 's/EROFS/ENOTEMPTY/' "$PROFILE" >"$cm/..v2/default.json"
ln -s ..v1 "$cm/..data"
ln -s ..data/default.json "$cm/default.json"
start_daemon --policy-dir "$cm" --watch || finish
served_with()
{
        run_sup run --connect "$SOCK" --policy "$PROFILE" -- "$TRY" mkdir "$TMP/t/x"
        expect "$1" 0 "mkdir: $2"
}
served_with "--watch: the ConfigMap's first version decides" EMLINK
ln -s ..v2 "$cm/..data_tmp"
mv -T "$cm/..data_tmp" "$cm/..data"
if wait_log "a profile changed on disk: reloading profiles" && wait_log "reloaded 1 profile (0 kept"; then
        pass "--watch: swapping the ConfigMap's ..data link reloads without a signal"
else
        fail "--watch: swapping the ConfigMap's ..data link reloads without a signal" \
                "$(daemon_details)"
fi
served_with "--watch: the ConfigMap's new version decides" ENOTEMPTY
stop_daemon TERM
assert_eq "the watching daemon exits 0 on SIGTERM" 0 "$DAEMON_STATUS"

# The daemon's pid goes only to a client it names the daemon to: one in the
# daemon's pid namespace. One in a container's (to which that number is
# another process, or none) is refused before it hears anything: it may be
# a supervised process.
start_daemon --policy "$PROFILE" --control "$CONTROL" || finish
pids_told()
{
        "$@" python3 - "$CONTROL" <<'EOF'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile()
hello = json.loads(f.readline())
s.sendall(b'{"v":1,"type":"status"}\n')
while True:
    status = json.loads(f.readline())
    if status["type"] == "status":
        break
print(hello.get("pid"), status.get("pid"))
EOF
}
assert_eq "a client in the daemon's pid namespace is told its pid" "$DAEMON_PID $DAEMON_PID" \
        "$(pids_told)"
if ! unshare --pid --fork true 2>/dev/null; then
        stop_daemon TERM
        skip "unshare --pid is refused here: cannot make a client in another pid namespace"
fi
first_line=$(unshare --pid --fork python3 - "$CONTROL" <<'EOF'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
msg = json.loads(s.makefile().readline())
print(msg["type"], "pid" in msg, msg.get("message", ""))
EOF
)
assert_eq "a client in another pid namespace is refused, and told no pid" \
        "error False permission denied: pid" "${first_line%% [0-9]*}"
assert_contains "... because it lives in a pid namespace below the daemon's" \
        "lives in a pid namespace below ours" "$first_line"
unshare --pid --fork "$SCMP_SUPER" status --control "$CONTROL" >"$TMP/status-ns.txt" 2>&1
assert_contains "status there says why it is refused" "pid namespace below ours" \
        "$(cat "$TMP/status-ns.txt")"
stop_daemon TERM

finish
