#!/bin/bash
# SPDX-License-Identifier: MIT
# Rootful Podman, with crun and with runc, using the daemon as its seccomp
# agent: "podman run --security-opt seccomp=PROFILE" where PROFILE names the
# daemon's socket as listenerPath. A container's allowed and denied calls
# (errnos no kernel would give for them), "podman exec" into a running one
# (crun sends pid 0 for it), the container id in the daemon's logs, and the
# daemon killed and restarted: the running container fails closed (ENOSYS,
# still ENOSYS after the restart) and a new one is served again. A runtime
# that cannot run here is a loud failure, never a skip. Rootless Podman:
# test_podman_rootless.sh.

# shellcheck source=podman_lib.sh
. "$(dirname "$0")/podman_lib.sh"
podman_enter_namespace "$0"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=daemon_lib.sh
. "$(dirname "$0")/daemon_lib.sh"
trap 'podman_teardown; cleanup' EXIT

require_cmd podman unshare busybox tar timeout
[ "$(id -u)" = 0 ] || skip "rootful Podman needs root (running as uid $(id -u))"

mkdir -p "$TMP/profiles"
cat >"$TMP/profiles/default.json" <<'EOF'
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [{"names": ["mkdir", "mkdirat", "rmdir"], "action": "SCMP_ACT_NOTIFY"}],
  "supervisor": {
    "defaultAction": "deny",
    "rules": [
      {"syscalls": ["mkdir", "mkdirat"], "path": "/tmp/allowed*", "action": "allow"},
      {"syscalls": ["mkdir", "mkdirat"], "action": "deny", "errno": "EROFS"},
      {"syscalls": ["rmdir"], "action": "deny", "errno": "ETXTBSY"}
    ]
  }
}
EOF
kernel_profile "$TMP/seccomp.json" "policy=default" "$SOCK"
CONTROL=$TMP/control

podman_config "$TMP/podman" /run/scmp-podman
podman_image "$TMP/image" || finish
start_daemon --policy-dir "$TMP/profiles" --log "$DECISIONS" --control "$CONTROL" || finish

SCRIPT='mkdir /tmp/allowed-1 && echo MKDIR_ALLOWED_OK
mkdir /tmp/denied
rmdir /tmp/allowed-1
echo END'

# denied_logged ID: the decision log has container ID's mkdir of
# /tmp/denied, denied with EROFS.
denied_logged()
{
        grep -F "\"container\":\"$1\"" "$DECISIONS" | grep -F '"/tmp/denied"' |
                grep -qF '"errno":"EROFS"'
}

# container_served RUNTIME ID NAME: the daemon logs serving container ID
# with the default profile.
container_served()
{
        if wait_log "serving container $2 (pid" &&
                grep -F "serving container $2 (pid" "$DAEMON_ERR" | grep -qF 'profile "default"'; then
                pass "$1: the daemon serves $3 by its container id"
        else
                fail "$1: the daemon serves $3 by its container id" "id $2" "$(daemon_details)"
        fi
}

# check_podman RUNTIME
check_podman()
{
        local rt=$1 id cid=$TMP/cid-$1 shared=$TMP/shared-$1
        local -a opts
        read -ra opts <<<"$(runtime_options "$rt")"

        if ! command -v "$rt" >/dev/null 2>&1; then
                not_run "$rt is not installed (apt-get install -y $rt)"
                return
        fi
        daemon_alive || start_daemon --policy-dir "$TMP/profiles" --log "$DECISIONS" --control "$CONTROL" || return

        # A container that runs to its end.
        podman_run --rm "${opts[@]}" --cidfile "$cid" --security-opt seccomp="$TMP/seccomp.json" \
                "$PODMAN_IMAGE" sh -c "$SCRIPT"
        if [ "$STATUS" != 0 ] && ! printf '%s' "$OUT" | grep -q END; then
                not_run "podman run --runtime $rt cannot run a container on this machine" \
                        "(status $STATUS): $(printf '%s' "$OUT" | head -5)"
                return
        fi
        assert_contains "$rt: an allowed mkdir succeeds in the container" MKDIR_ALLOWED_OK "$OUT"
        assert_contains "$rt: a denied mkdir fails with the rule's errno (EROFS)" \
                "can't create directory '/tmp/denied': Read-only file system" "$OUT"
        assert_contains "$rt: a denied rmdir fails with its rule's errno (ETXTBSY)" \
                "'/tmp/allowed-1': Text file busy" "$OUT"
        id=$(cat "$cid" 2>/dev/null)
        container_served "$rt" "$id" "a podman run"
        if wait_for 15 line_with_both "$DAEMON_ERR" "container $id (pid" \
                "gone after 3 decisions (allow 1, log 0, deny 2, kill 0)"; then
                pass "$rt: the daemon logs the container gone with its decisions"
        else
                fail "$rt: the daemon logs the container gone with its decisions" "$(daemon_details)"
        fi
        # The log is flushed every second: wait for the deny line itself,
        # which may come a flush after the container's first line.
        if wait_for 15 denied_logged "$id"; then
                pass "$rt: decision lines name the container, the path and the errno"
        else
                fail "$rt: decision lines name the container, the path and the errno" \
                        "$(cat "$DECISIONS")"
        fi

        # A container that stays up, for exec and for the daemon's death.
        mkdir -p "$shared"
        mkfifo "$shared/go"
        podman_run -d "${opts[@]}" -v "$shared:/shared" --security-opt seccomp="$TMP/seccomp.json" \
                "$PODMAN_IMAGE" sh -c "$ROUNDS_SCRIPT"
        id=$OUT
        if [ "$STATUS" != 0 ] || ! wait_for 15 test -s "$shared/ready"; then
                fail "$rt: a detached container starts" "$(last_run_details)"
                return
        fi
        container_served "$rt" "$id" "a detached container"
        if round "$shared" 1 && grep -qx '1 ok' "$shared/result"; then
                pass "$rt: the detached container's allowed mkdir succeeds"
        else
                fail "$rt: the detached container's allowed mkdir succeeds" \
                        "$(cat "$shared/result" "$shared/err-1" 2>&1)"
        fi

        podman_exec "$id" sh -c 'mkdir /tmp/allowed-exec && echo EXEC_ALLOWED_OK
                mkdir /tmp/exec-denied; echo EXEC_END'
        assert_contains "$rt: podman exec: an allowed mkdir succeeds" EXEC_ALLOWED_OK "$OUT"
        assert_contains "$rt: podman exec: a denied mkdir fails with the rule's errno" \
                "can't create directory '/tmp/exec-denied': Read-only file system" "$OUT"
        if wait_for 15 at_least "$DAEMON_ERR" "serving container $id (" 2; then
                pass "$rt: the exec'd process is served as the same container"
        else
                fail "$rt: the exec'd process is served as the same container" "$(daemon_details)"
        fi

        # status lists the whole 64-character id, its columns still aligned.
        "$SCMP_SUPER" status --control "$CONTROL" >"$TMP/status.txt" 2>&1
        if awk -v id="$id" '
                /^PID / { col = index($0, "POLICY") }
                $2 == id { if (col && index($0, "default") == col) ok = 1 }
                END { exit !ok }' "$TMP/status.txt"; then
                pass "$rt: status shows the container's whole id, columns aligned"
        else
                fail "$rt: status shows the container's whole id, columns aligned" \
                        "$(cat "$TMP/status.txt")"
        fi

        # The daemon dies: the running container fails closed, and stays so
        # once a new daemon listens.
        stop_daemon KILL
        if round_enosys "$shared" 2; then
                pass "$rt: with the daemon killed, the container's mkdir fails with ENOSYS"
        else
                fail "$rt: with the daemon killed, the container's mkdir fails with ENOSYS" \
                        "$(cat "$shared/result" "$shared/err-2" 2>&1)"
        fi
        # The runtime cannot reach listenerPath, so it does not start the
        # exec'd process at all.
        podman_exec "$id" sh -c 'mkdir /tmp/allowed-nodaemon && echo EXEC_NODAEMON_OK'
        if refused_without_daemon EXEC_NODAEMON_OK; then
                pass "$rt: an exec while no daemon listens is refused by the runtime"
        else
                fail "$rt: an exec while no daemon listens is refused by the runtime" \
                        "$(last_run_details)"
        fi
        podman_run --rm "${opts[@]}" --security-opt seccomp="$TMP/seccomp.json" \
                "$PODMAN_IMAGE" sh -c 'echo RUN_NODAEMON_OK'
        if refused_without_daemon RUN_NODAEMON_OK; then
                pass "$rt: a new container while no daemon listens is refused by the runtime"
        else
                fail "$rt: a new container while no daemon listens is refused by the runtime" \
                        "$(last_run_details)"
        fi
        start_daemon --policy-dir "$TMP/profiles" --log "$DECISIONS" --control "$CONTROL" || return
        if round_enosys "$shared" 3; then
                pass "$rt: after the restart, the old container's mkdir still fails with ENOSYS"
        else
                fail "$rt: after the restart, the old container's mkdir still fails with ENOSYS" \
                        "$(cat "$shared/result" "$shared/err-3" 2>&1)"
        fi
        podman_run --rm "${opts[@]}" --security-opt seccomp="$TMP/seccomp.json" \
                "$PODMAN_IMAGE" sh -c "$SCRIPT"
        assert_contains "$rt: a new container is served by the restarted daemon" \
                MKDIR_ALLOWED_OK "$OUT"
        "${PODMAN[@]}" rm -f -t 0 "$id" >/dev/null 2>&1
}

check_podman crun
check_podman runc

stop_daemon TERM
assert_eq "the daemon exits 0 on SIGTERM" 0 "$DAEMON_STATUS"

finish
