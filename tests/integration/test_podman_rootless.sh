#!/bin/bash
# SPDX-License-Identifier: MIT
# Rootless Podman (crun) with the daemon as its seccomp agent, without a
# socket everyone may write to ("daemon --socket-mode 0666"):
#
# 1. A per-user daemon, run by the user who runs Podman, its socket in
#    that user's runtime directory (mode 0600): run, exec, allowed and
#    denied calls, the container id in the log, and failing closed when it
#    is killed. uid rules see the host's uids: the container's root is the
#    user's own uid, not 0.
# 2. A root daemon whose socket belongs to a group (mode 0660 in a setgid
#    directory of that group): the user, a member, is served; a user
#    outside the group cannot connect.
#
# The user is nobody (uid 65534), with or without a subordinate id range:
# without one, Podman maps the container's root to the user alone.

# shellcheck source=podman_lib.sh
. "$(dirname "$0")/podman_lib.sh"
podman_enter_namespace "$0"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=daemon_lib.sh
. "$(dirname "$0")/daemon_lib.sh"
trap 'podman_teardown; cleanup' EXIT

require_cmd podman crun unshare busybox tar timeout setpriv python3
[ "$(id -u)" = 0 ] || skip "the test needs root to become its unprivileged user (running as uid $(id -u))"
USER_NAME=nobody
USER_UID=$(id -u "$USER_NAME" 2>/dev/null) || skip "there is no user $USER_NAME"
USER_GID=$(id -g "$USER_NAME")
GROUP_NAME=$(id -gn "$USER_NAME")

# The user's runtime directory, as systemd would make /run/user/UID (here
# in the test's own /run).
USER_RUN=/run/scmp-podman-user
USER_SOCK=$USER_RUN/scmp-super.sock
mkdir -p "$TMP/user-profiles" "$USER_RUN"
cat >"$TMP/user-profiles/default.json" <<EOF
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [{"names": ["mkdir", "mkdirat", "rmdir"], "action": "SCMP_ACT_NOTIFY"}],
  "supervisor": {
    "defaultAction": "deny",
    "rules": [
      {"syscalls": ["mkdir", "mkdirat"], "path": "/tmp/allowed*", "action": "allow"},
      {"syscalls": ["mkdir", "mkdirat"], "path": "/tmp/uid0-*", "uid": 0, "action": "allow"},
      {"syscalls": ["mkdir", "mkdirat"], "path": "/tmp/uid-host-*", "uid": $USER_UID, "action": "allow"},
      {"syscalls": ["mkdir", "mkdirat"], "action": "deny", "errno": "EROFS"},
      {"syscalls": ["rmdir"], "action": "deny", "errno": "ETXTBSY"}
    ]
  }
}
EOF
chmod 0644 "$TMP/user-profiles/default.json"
kernel_profile "$TMP/seccomp-user.json" "policy=default" "$USER_SOCK"

podman_config "$TMP/podman" "$USER_RUN" "$USER_NAME"
podman_image "$TMP/image" || finish
read -ra OPTS <<<"$(runtime_options crun)"

# start_user_daemon ARGS...: the per-user daemon, run as the user.
start_user_daemon()
{
        rm -f "$USER_SOCK"
        setpriv --reuid "$USER_UID" --regid "$USER_GID" --clear-groups \
                "$SCMP_SUPER" daemon --socket "$USER_SOCK" "$@" 2>>"$DAEMON_ERR" &
        DAEMON_PID=$!
        if ! wait_for 15 has_line "$DAEMON_ERR" "listening on $USER_SOCK"; then
                fail "the per-user daemon starts and listens" "$(daemon_details)"
                return 1
        fi
        return 0
}

SCRIPT='id -u
mkdir /tmp/allowed-1 && echo MKDIR_ALLOWED_OK
mkdir /tmp/denied
rmdir /tmp/allowed-1
mkdir /tmp/uid0-1 && echo UID0_ALLOWED
mkdir /tmp/uid-host-1 && echo UID_HOST_ALLOWED
echo END'

: >"$DAEMON_ERR"
start_user_daemon --policy-dir "$TMP/user-profiles" || finish
if [ "$(stat -c '%u %a' "$USER_SOCK")" = "$USER_UID 600" ]; then
        pass "the per-user daemon's socket is the user's, mode 0600"
else
        fail "the per-user daemon's socket is the user's, mode 0600" "$(ls -l "$USER_SOCK")"
fi

podman_run --rm "${OPTS[@]}" --cidfile "$USER_RUN/cid" --security-opt seccomp="$TMP/seccomp-user.json" \
        "$PODMAN_IMAGE" sh -c "$SCRIPT"
if [ "$STATUS" != 0 ] && ! printf '%s' "$OUT" | grep -q END; then
        skip "rootless podman cannot run a container on this machine (status $STATUS):" \
                "$(printf '%s' "$OUT" | head -5)"
fi
assert_eq "rootless: the container's process is root in its user namespace" \
        0 "$(printf '%s' "$OUT" | head -1)"
assert_contains "rootless: an allowed mkdir succeeds" MKDIR_ALLOWED_OK "$OUT"
assert_contains "rootless: a denied mkdir fails with the rule's errno (EROFS)" \
        "can't create directory '/tmp/denied': Read-only file system" "$OUT"
assert_contains "rootless: a denied rmdir fails with its rule's errno (ETXTBSY)" \
        "'/tmp/allowed-1': Text file busy" "$OUT"
assert_not_contains "rootless: a uid 0 rule does not match the container's root" UID0_ALLOWED "$OUT"
assert_contains "rootless: ... which is denied by the next rule (EROFS)" \
        "can't create directory '/tmp/uid0-1': Read-only file system" "$OUT"
assert_contains "rootless: a rule on the user's host uid ($USER_UID) matches the container's root" \
        UID_HOST_ALLOWED "$OUT"
ID=$(cat "$USER_RUN/cid" 2>/dev/null)
if wait_log "serving container $ID (pid" &&
        grep -F "serving container $ID (pid" "$DAEMON_ERR" | grep -qF "uid $USER_UID"; then
        pass "rootless: the per-user daemon serves the container by id, from the user's uid"
else
        fail "rootless: the per-user daemon serves the container by id, from the user's uid" \
                "id $ID" "$(daemon_details)"
fi

# exec (crun sends pid 0) into a running rootless container, then the
# daemon killed: fail closed.
SHARED=$TMP/shared
mkdir -p "$SHARED"
mkfifo "$SHARED/go"
chown -R "$USER_UID:$USER_GID" "$SHARED"
podman_run -d "${OPTS[@]}" -v "$SHARED:/shared" --security-opt seccomp="$TMP/seccomp-user.json" \
        "$PODMAN_IMAGE" sh -c "$ROUNDS_SCRIPT"
ID=$OUT
if [ "$STATUS" = 0 ] && wait_for 15 test -s "$SHARED/ready"; then
        podman_exec "$ID" sh -c 'mkdir /tmp/allowed-exec && echo EXEC_ALLOWED_OK
                mkdir /tmp/exec-denied; echo EXEC_END'
        assert_contains "rootless: podman exec: an allowed mkdir succeeds" EXEC_ALLOWED_OK "$OUT"
        assert_contains "rootless: podman exec: a denied mkdir fails with the rule's errno" \
                "can't create directory '/tmp/exec-denied': Read-only file system" "$OUT"
        if round "$SHARED" 1 && grep -qx '1 ok' "$SHARED/result"; then
                pass "rootless: the running container's allowed mkdir succeeds"
        else
                fail "rootless: the running container's allowed mkdir succeeds" \
                        "$(cat "$SHARED/result" "$SHARED/err-1" 2>&1)"
        fi
        stop_daemon KILL
        if round_enosys "$SHARED" 2; then
                pass "rootless: with the per-user daemon killed, the mkdir fails with ENOSYS"
        else
                fail "rootless: with the per-user daemon killed, the mkdir fails with ENOSYS" \
                        "$(cat "$SHARED/result" "$SHARED/err-2" 2>&1)"
        fi
        "${PODMAN[@]}" rm -f -t 0 "$ID" >/dev/null 2>&1
else
        fail "rootless: a detached container starts" "$(last_run_details)"
        stop_daemon KILL
fi

# A root daemon and a socket owned by the user's group.
GROUP_DIR=$TMP/gsock
SOCK=$GROUP_DIR/agent.sock
mkdir -p "$GROUP_DIR" "$TMP/profiles"
chown "root:$USER_GID" "$GROUP_DIR"
chmod 2750 "$GROUP_DIR"
cp "$TMP/user-profiles/default.json" "$TMP/profiles/default.json"
kernel_profile "$TMP/seccomp-group.json" "policy=default" "$SOCK"
# First as root's socket usually is, mode 0600: the user's runtime cannot
# connect, and the container does not start.
start_daemon --policy-dir "$TMP/profiles" || finish
podman_run --rm "${OPTS[@]}" --security-opt seccomp="$TMP/seccomp-group.json" "$PODMAN_IMAGE" \
        sh -c 'echo SHOULD_NOT_START'
if [ "$STATUS" != 0 ] && ! printf '%s' "$OUT" | grep -q SHOULD_NOT_START &&
        printf '%s' "$OUT" | grep -q 'Permission denied'; then
        pass "root's 0600 socket: the rootless container does not start"
else
        fail "root's 0600 socket: the rootless container does not start" "$(last_run_details)"
fi
stop_daemon TERM
start_daemon --policy-dir "$TMP/profiles" --socket-mode 0660 || finish
if [ "$(stat -c '%U %G %a' "$SOCK")" = "root $GROUP_NAME 660" ]; then
        pass "group socket: root's socket takes the directory's group, mode 0660"
else
        fail "group socket: root's socket takes the directory's group, mode 0660" "$(ls -l "$SOCK")"
fi
podman_run --rm "${OPTS[@]}" --cidfile "$USER_RUN/cid2" \
        --security-opt seccomp="$TMP/seccomp-group.json" "$PODMAN_IMAGE" sh -c "$SCRIPT"
assert_contains "group socket: the root daemon serves the rootless container" \
        MKDIR_ALLOWED_OK "$OUT"
assert_contains "group socket: its uid rules see the same host uid" UID_HOST_ALLOWED "$OUT"
ID=$(cat "$USER_RUN/cid2" 2>/dev/null)
if wait_log "serving container $ID (pid" &&
        grep -F "serving container $ID (pid" "$DAEMON_ERR" | grep -qF "uid $USER_UID"; then
        pass "group socket: the root daemon logs the container and the user's uid"
else
        fail "group socket: the root daemon logs the container and the user's uid" \
                "id $ID" "$(daemon_details)"
fi
# A uid outside the group is kept out by the file system.
# The system's python3: one on root's PATH (pyenv) may be out of reach.
PYTHON=$(command -v /usr/bin/python3 || command -v python3)
OUTSIDER=$(setpriv --reuid 4242 --regid 4242 --clear-groups "$PYTHON" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    s.connect(sys.argv[1])
    print("connected")
except OSError as e:
    print(e.strerror)' "$SOCK" 2>&1)
assert_eq "group socket: a uid outside the group cannot connect" "Permission denied" "$OUTSIDER"

stop_daemon TERM
assert_eq "the root daemon exits 0 on SIGTERM" 0 "$DAEMON_STATUS"

finish
