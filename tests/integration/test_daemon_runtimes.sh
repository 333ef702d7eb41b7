#!/bin/bash
# SPDX-License-Identifier: MIT
# The daemon as the OCI seccomp agent of the real runtimes: crun and runc
# start busybox containers whose profile notifies mkdir and mount and names
# the daemon's socket as listenerPath; the container must see the daemon's
# decisions (errnos no kernel would give for these calls), decided with the
# profile its listenerMetadata names, and the container id must appear in
# the logs. A runtime that cannot run here is a loud failure, never a skip.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=daemon_lib.sh
. "$(dirname "$0")/daemon_lib.sh"

require_cmd unshare python3 busybox
[ "$(id -u)" = 0 ] || {
        skip "the runtimes need root here (running as uid $(id -u))"
}

NOTIFIED='["mkdir", "mkdirat", "mount", "umount2"]'

mkdir -p "$TMP/profiles"
cat >"$TMP/profiles/default.json" <<EOF
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [{"names": $NOTIFIED, "action": "SCMP_ACT_NOTIFY"}],
  "supervisor": {
    "defaultAction": "deny",
    "rules": [
      {"syscalls": ["mkdir", "mkdirat"], "path": "/tmp/allowed*", "action": "allow"},
      {"syscalls": ["mkdir", "mkdirat"], "action": "deny", "errno": "EROFS"},
      {"syscalls": ["mount"], "path": "/mnt/ok", "action": "allow"},
      {"syscalls": ["mount"], "action": "deny", "errno": "ETXTBSY"}
    ]
  }
}
EOF
cat >"$TMP/profiles/strict.json" <<EOF
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [{"names": $NOTIFIED, "action": "SCMP_ACT_NOTIFY"}],
  "supervisor": {"defaultAction": "deny", "defaultErrno": "EMLINK"}
}
EOF

# The kernel part, as the runtime gets it in config.json.
seccomp_for()
{
        local metadata=$1
        printf '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
                 "listenerPath": "%s", "listenerMetadata": "%s",
                 "syscalls": [{"names": %s, "action": "SCMP_ACT_NOTIFY"}]}' \
                "$SOCK" "$metadata" "$NOTIFIED"
}

SCRIPT='mkdir /tmp/allowed-1 && echo MKDIR_ALLOWED_OK
mkdir /tmp/denied
mount -t tmpfs none /mnt/ok && echo MOUNT_ALLOWED_OK
mount -t tmpfs none /mnt/no
echo END'

# runtime_works RUNTIME: runs a container without any seccomp profile; a
# runtime that cannot do that here is reported loudly as not run.
runtime_works()
{
        local runtime=$1
        if ! command -v "$runtime" >/dev/null 2>&1; then
                not_run "$runtime is not installed (apt-get install -y $runtime)"
                return 1
        fi
        make_bundle "$TMP/$runtime-plain" 'null' 'echo PLAIN_OK'
        python3 -c '
import json, sys
p = json.load(open(sys.argv[1])); del p["linux"]["seccomp"]
json.dump(p, open(sys.argv[1], "w"))' "$TMP/$runtime-plain/config.json"
        run_container "$runtime" "$TMP/$runtime-plain" "plain-$runtime-$$"
        if [ "$STATUS" != 0 ] || [ "$OUT" != PLAIN_OK ]; then
                not_run "$runtime cannot run a container on this machine" \
                        "(status $STATUS): $(printf '%s' "$OUT" | head -5)"
                return 1
        fi
        pass "$runtime runs a plain busybox container"
        return 0
}

# check_runtime RUNTIME: the three cases (default profile, a named one, an
# unknown name) with one runtime.
check_runtime()
{
        local runtime=$1 name
        runtime_works "$runtime" || return

        # The default profile: no metadata.
        name=default-$runtime-$$
        make_bundle "$TMP/$name" "$(seccomp_for '')" "$SCRIPT"
        run_container "$runtime" "$TMP/$name" "$name"
        assert_contains "$runtime: an allowed mkdir succeeds in the container" \
                MKDIR_ALLOWED_OK "$OUT"
        assert_contains "$runtime: a denied mkdir fails with the rule's errno (EROFS)" \
                "can't create directory '/tmp/denied': Read-only file system" "$OUT"
        assert_contains "$runtime: an allowed mount succeeds in the container" \
                MOUNT_ALLOWED_OK "$OUT"
        assert_contains "$runtime: a denied mount fails with the rule's errno (ETXTBSY)" \
                "Text file busy" "$OUT"
        assert_contains "$runtime: the container ran to its end" END "$OUT"
        if wait_log "serving container $name (pid" &&
                wait_for 15 line_with_both "$DAEMON_ERR" "container $name (pid" \
                        "gone after 4 decisions (allow 2, log 0, deny 2, kill 0)"; then
                pass "$runtime: the daemon logs the container by id, served and gone"
        else
                fail "$runtime: the daemon logs the container by id, served and gone" \
                        "$(daemon_details)"
        fi
        if grep -F "serving container $name" "$DAEMON_ERR" | grep -qF 'profile "default"'; then
                pass "$runtime: no metadata selects the default profile"
        else
                fail "$runtime: no metadata selects the default profile" "$(daemon_details)"
        fi
        if wait_decision "\"container\":\"$name\"" &&
                wait_for 5 at_least "$DECISIONS" "\"container\":\"$name\"" 4 &&
                grep -F "\"container\":\"$name\"" "$DECISIONS" | grep -F '"/tmp/denied"' |
                grep -qF '"errno":"EROFS"'; then
                pass "$runtime: decision lines name the container, the path and the errno"
        else
                fail "$runtime: decision lines name the container, the path and the errno" \
                        "$(cat "$DECISIONS")"
        fi

        # A named profile: policy=strict.
        name=strict-$runtime-$$
        make_bundle "$TMP/$name" "$(seccomp_for 'policy=strict')" "$SCRIPT"
        run_container "$runtime" "$TMP/$name" "$name"
        assert_contains "$runtime: policy=strict decides with strict.json (EMLINK)" \
                "can't create directory '/tmp/allowed-1': Too many links" "$OUT"
        assert_not_contains "$runtime: strict.json allows no mkdir" MKDIR_ALLOWED_OK "$OUT"
        if wait_log "serving container $name" &&
                grep -F "serving container $name" "$DAEMON_ERR" | grep -qF 'profile "strict"'; then
                pass "$runtime: the daemon logs which profile the metadata chose"
        else
                fail "$runtime: the daemon logs which profile the metadata chose" \
                        "$(daemon_details)"
        fi

        # An unknown name: refused, failing closed: the daemon keeps the
        # listener and kills each process that makes a notified call (each
        # of the script's mkdir and mount children here), so none of them
        # runs unsupervised, and the container ends by itself.
        name=unknown-$runtime-$$
        make_bundle "$TMP/$name" "$(seccomp_for 'policy=nosuch')" "$SCRIPT"
        run_container "$runtime" "$TMP/$name" "$name"
        assert_eq "$runtime: an unknown profile fails closed: each notified call's process is killed" \
                4 "$(printf '%s\n' "$OUT" | grep -cx Killed)"
        assert_not_contains "$runtime: no mkdir was done for it" MKDIR_ALLOWED_OK "$OUT"
        assert_not_contains "$runtime: no mount was done for it" MOUNT_ALLOWED_OK "$OUT"
        assert_eq "$runtime: and nothing it asked for is there" "" \
                "$(find "$TMP/$name/rootfs/tmp" "$TMP/$name/rootfs/mnt/ok" -mindepth 1)"
        if wait_log "refused container $name" &&
                grep -F "refused container $name" "$DAEMON_ERR" | grep -qF 'no profile "nosuch"' &&
                wait_for 15 line_with_both "$DAEMON_ERR" "refused container $name" \
                        "its last process is gone (4 killed"; then
                pass "$runtime: the refusal is logged with the container id and the reason"
        else
                fail "$runtime: the refusal is logged with the container id and the reason" \
                        "$(daemon_details)"
        fi
        if daemon_alive; then
                pass "$runtime: the daemon keeps serving after a refusal"
        else
                fail "$runtime: the daemon keeps serving after a refusal" "$(daemon_details)"
        fi
}

cat >"$TMP/profiles/ask.json" <<EOF
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [{"names": $NOTIFIED, "action": "SCMP_ACT_NOTIFY"}],
  "supervisor": {"defaultAction": "prompt", "promptTimeout": 60}
}
EOF

start_daemon --policy-dir "$TMP/profiles" --log "$DECISIONS" --control "$CONTROL" || finish

# check_prompt RUNTIME: a container's mkdir waits for a person's answer,
# given through the control socket, and the request names the container.
check_prompt()
{
        local runtime=$1 name=ask-$1-$$
        command -v "$runtime" >/dev/null 2>&1 || return
        python3 "$SOURCE_DIR/tests/integration/daemon_client.py" answer "$CONTROL" "$name" \
                "$TMP/ready-$name" allow deny:ENOTEMPTY >"$TMP/answer-$name" 2>&1 &
        local answerer=$!
        wait_for 10 test -s "$TMP/ready-$name" || fail "$runtime: the answering client connects"
        make_bundle "$TMP/$name" "$(seccomp_for 'policy=ask')" \
                'mkdir /tmp/q1 && echo Q1_OK; mkdir /tmp/q2; echo END'
        run_container "$runtime" "$TMP/$name" "$name"
        assert_contains "$runtime: a prompt answered allow lets the container's call run" \
                Q1_OK "$OUT"
        assert_contains "$runtime: a prompt answered deny fails it with the chosen errno" \
                "can't create directory '/tmp/q2': Directory not empty" "$OUT"
        wait "$answerer"
        assert_eq "$runtime: each request names the container, and status shows it pending" \
                "request container=$name syscall=mkdir
pending container=$name syscall=mkdir paths=/tmp/q1
request container=$name syscall=mkdir
pending container=$name syscall=mkdir paths=/tmp/q2
answered" "$(cat "$TMP/answer-$name")"
}

check_runtime crun
check_prompt crun
check_runtime runc
check_prompt runc

# A container's own process is not a launcher: a profile that denies execve
# in the supervisor stops the container's first exec, which a launcher's
# first exec would have been exempt from.
cat >"$TMP/profiles/noexec.json" <<'EOF'
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [{"names": ["execve"], "action": "SCMP_ACT_NOTIFY"}],
  "supervisor": {"defaultAction": "deny", "defaultErrno": "EACCES"}
}
EOF
kill -HUP "$DAEMON_PID"
if wait_log 'reloaded 4 profiles'; then
        name=noexec-crun-$$
        make_bundle "$TMP/$name" \
                "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"$SOCK\",
                  \"listenerMetadata\": \"policy=noexec\",
                  \"syscalls\": [{\"names\": [\"execve\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}" \
                'echo SHOULD_NOT_RUN'
        if command -v crun >/dev/null 2>&1; then
                run_container crun "$TMP/$name" "$name"
                assert_not_contains "crun: the container's first execve is not exempt" \
                        SHOULD_NOT_RUN "$OUT"
                assert_contains "crun: it fails with the supervisor's errno" \
                        "Permission denied" "$OUT"
        else
                not_run "crun is not installed"
        fi
else
        fail "SIGHUP loads a profile added to the directory" "$(daemon_details)"
fi

stop_daemon TERM
assert_eq "the daemon exits 0 on SIGTERM" 0 "$DAEMON_STATUS"

finish
