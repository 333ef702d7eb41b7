#!/bin/bash
# SPDX-License-Identifier: MIT
# The daemon behind containerd 1.6, driven as a user drives it with `ctr`:
# a containerd of the test's own (containerd_lib.sh), a busybox image built
# here and imported, and containers whose seccomp profile
# (`ctr run --seccomp-profile`) names the daemon's socket as listenerPath
# with listenerMetadata policy=web. With runc, and with crun as the runc
# shim's binary: the container's notified calls get the daemon's decisions
# (errnos no kernel gives for mkdir), `ctr task exec` is served too (crun
# sends pid 0 for it, runc a real pid), the logs name the container, and
# when the daemon is killed the container's notified calls fail with
# ENOSYS, still after a restart, while a new container is served again.
# containerd or a runtime that cannot run here is reported loudly and the
# test ends skipped, never passed.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=daemon_lib.sh
. "$(dirname "$0")/daemon_lib.sh"
# shellcheck source=containerd_lib.sh
. "$(dirname "$0")/containerd_lib.sh"

require_cmd unshare python3 busybox containerd ctr
[ "$(id -u)" = 0 ] || skip "containerd needs root here (running as uid $(id -u))"

NOTIFIED='["mkdir", "mkdirat"]'
mkdir -p "$TMP/profiles"
cat >"$TMP/profiles/web.json" <<EOF
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [{"names": $NOTIFIED, "action": "SCMP_ACT_NOTIFY"}],
  "supervisor": {
    "defaultAction": "deny",
    "defaultErrno": "ETXTBSY",
    "rules": [
      {"syscalls": ["mkdir", "mkdirat"], "path": "/tmp/allowed*", "action": "allow"},
      {"syscalls": ["mkdir", "mkdirat"], "path": "/tmp/ro*", "action": "deny", "errno": "EROFS"}
    ]
  }
}
EOF
ctr_seccomp "$TMP/seccomp-web.json" "policy=web" "$NOTIFIED"

# What a container does, once or on each request (below); $i is the
# container shell's.
# shellcheck disable=SC2016
CALLS='mkdir /tmp/allowed-$i && echo MKDIR_ALLOWED_OK; mkdir /tmp/ro-$i; mkdir /tmp/other-$i; echo END'

# The checks on the output of CALLS with the daemon serving.
served_calls()
{
        local what=$1 out=$2 i=$3
        assert_contains "$what: an allowed mkdir succeeds" MKDIR_ALLOWED_OK "$out"
        assert_contains "$what: a denied mkdir fails with its rule's errno (EROFS)" \
                "can't create directory '/tmp/ro-$i': Read-only file system" "$out"
        assert_contains "$what: the default denial has the profile's errno (ETXTBSY)" \
                "can't create directory '/tmp/other-$i': Text file busy" "$out"
}

# The checks on the output of CALLS with no daemon behind the listener.
closed_calls()
{
        local what=$1 out=$2 i=$3
        assert_contains "$what: a notified call fails closed (ENOSYS)" \
                "can't create directory '/tmp/allowed-$i': Function not implemented" "$out"
        assert_not_contains "$what: nothing it asks for is allowed" MKDIR_ALLOWED_OK "$out"
}

# A long-lived container serves requests from the test through a shared
# directory: /share/go.N asks it to run CALLS with i=N, and it writes what
# came out to /share/res.N, END last. (Its own polling is the container's
# business; the test waits for files, bounded.)
# shellcheck disable=SC2016
SERVER='echo READY >/share/ready
i=1
while [ ! -e /share/stop ]; do
        if [ -e /share/go.$i ]; then
                { '$CALLS'; } >/share/res.$i 2>&1
                i=$((i + 1))
        else
                sleep 0.05
        fi
done'

# ask RUNTIME N: has the server container of RUNTIME run CALLS with i=N;
# sets OUT to what it wrote.
ask()
{
        local share=$TMP/share-$1
        touch "$share/go.$2"
        if ! wait_for 20 has_line "$share/res.$2" END; then
                fail "$1: the container answers request $2" "$(cat "$share/res.$2" 2>/dev/null)"
        fi
        OUT=$(cat "$share/res.$2" 2>/dev/null)
}

# runtime_runs RUNTIME: a plain container (no seccomp) runs under
# containerd with RUNTIME; otherwise why not goes into CANNOT.
CANNOT=
runtime_runs()
{
        local rt=$1
        if ! command -v "$rt" >/dev/null 2>&1; then
                CANNOT="$CANNOT; $rt is not installed (apt-get install -y $rt)"
                echo "NOT RUN: $rt is not installed"
                return 1
        fi
        ctr_runtime_opts "$rt"
        OUT=$(ctr_cmd run --rm "${CTR_RUN_OPTS[@]}" "${CTR_RT[@]}" "$CTD_IMAGE" \
                "plain-$rt-$$" echo PLAIN_OK 2>&1)
        STATUS=$?
        if [ "$STATUS" != 0 ] || [ "$OUT" != PLAIN_OK ]; then
                CANNOT="$CANNOT; containerd cannot run a $rt container here (status $STATUS): $(printf '%s' "$OUT" | head -3)"
                echo "NOT RUN: containerd cannot run a $rt container here: $OUT"
                return 1
        fi
        pass "$rt: containerd runs a plain busybox container"
        return 0
}

check_runtime()
{
        local rt=$1 id=web-$1-$$ share=$TMP/share-$1 name
        runtime_runs "$rt" || return 0
        ctr_runtime_opts "$rt"

        start_daemon --policy-dir "$TMP/profiles" --log "$DECISIONS" || return 0

        # The long-lived container, detached; its output goes to a file.
        mkdir -p "$share"
        if ! ctr_cmd run -d "${CTR_RUN_OPTS[@]}" "${CTR_RT[@]}" \
                --seccomp --seccomp-profile "$TMP/seccomp-web.json" \
                --log-uri "file://$TMP/log-$id" \
                --mount "type=bind,src=$share,dst=/share,options=rbind:rw" \
                "$CTD_IMAGE" "$id" sh -c "$SERVER" >"$TMP/run.out" 2>&1 ||
                ! wait_for 20 test -s "$share/ready"; then
                fail "$rt: ctr run starts a container with the daemon as its agent" \
                        "$(cat "$TMP/run.out" "$TMP/log-$id" 2>/dev/null)" "$(daemon_details)"
                stop_daemon KILL
                return 0
        fi
        pass "$rt: ctr run starts a container with the daemon as its agent"

        ask "$rt" 1
        served_calls "$rt: ctr run" "$OUT" 1
        if wait_log "serving container $id (pid" &&
                grep -F "serving container $id (pid" "$DAEMON_ERR" |
                grep -qF 'profile "web"'; then
                pass "$rt: the daemon logs the container id and the profile its metadata chose"
        else
                fail "$rt: the daemon logs the container id and the profile its metadata chose" \
                        "$(daemon_details)"
        fi
        if wait_for 15 at_least "$DECISIONS" "\"container\":\"$id\"" 3 &&
                grep -F "\"container\":\"$id\"" "$DECISIONS" | grep -F '"/tmp/ro-1"' |
                grep -qF '"errno":"EROFS"'; then
                pass "$rt: decision lines name the container, the path and the errno"
        else
                fail "$rt: decision lines name the container, the path and the errno" \
                        "$(cat "$DECISIONS")"
        fi

        # ctr task exec: a second process, with a listener of its own.
        OUT=$(ctr_cmd task exec --exec-id "x1-$$" --fifo-dir "$CTD/fifo" "$id" \
                sh -c "i=x; $CALLS" 2>&1)
        served_calls "$rt: ctr task exec" "$OUT" x
        assert_contains "$rt: the exec'd process ran to its end" END "$OUT"
        if wait_for 15 line_with_both "$DAEMON_ERR" "serving container $id (" "status running"; then
                pass "$rt: the daemon serves the exec as the same container"
        else
                fail "$rt: the daemon serves the exec as the same container" "$(daemon_details)"
        fi
        case "$rt" in
        crun) name="serving container $id (an exec, no pid sent)" ;;
        runc) name="serving container $id (pid" ;;
        esac
        if wait_for 15 at_least "$DAEMON_ERR" "$name" 1; then
                pass "$rt: the exec's message is logged as $rt sends it ($name)"
        else
                fail "$rt: the exec's message is logged as $rt sends it ($name)" \
                        "$(daemon_details)"
        fi
        assert_not_contains "$rt: no message from the runtime was refused" refused \
                "$(cat "$DAEMON_ERR")"

        # The daemon killed: the running container's listener is gone.
        stop_daemon KILL
        ask "$rt" 2
        closed_calls "$rt: daemon killed" "$OUT" 2
        OUT=$(ctr_cmd task exec --exec-id "x2-$$" --fifo-dir "$CTD/fifo" "$id" \
                sh -c 'echo EXEC_RAN; mkdir /tmp/allowed-dead && echo MKDIR_ALLOWED_OK' 2>&1)
        STATUS=$?
        if [ "$STATUS" != 0 ] && [[ "$OUT" != *EXEC_RAN* ]]; then
                pass "$rt: with no daemon, an exec is refused by the runtime, not run unsupervised"
        else
                fail "$rt: with no daemon, an exec is refused by the runtime, not run unsupervised" \
                        "status $STATUS: $OUT"
        fi

        # Restarted: the old container stays closed, a new one is served.
        start_daemon --policy-dir "$TMP/profiles" --log "$DECISIONS" || return 0
        ask "$rt" 3
        closed_calls "$rt: daemon restarted, the running container" "$OUT" 3
        name=new-$rt-$$
        OUT=$(ctr_cmd run --rm "${CTR_RUN_OPTS[@]}" "${CTR_RT[@]}" \
                --seccomp --seccomp-profile "$TMP/seccomp-web.json" \
                "$CTD_IMAGE" "$name" sh -c "i=n; $CALLS" 2>&1)
        served_calls "$rt: daemon restarted, a new container" "$OUT" n
        if wait_for 15 line_with_both "$DAEMON_ERR" "container $name (pid" \
                "gone after 3 decisions (allow 1, log 0, deny 2, kill 0)"; then
                pass "$rt: the restarted daemon serves the new container, and only it"
        else
                fail "$rt: the restarted daemon serves the new container, and only it" \
                        "$(daemon_details)"
        fi
        assert_not_contains "$rt: the old container is not served again" \
                "container $id " "$(cat "$DAEMON_ERR")"

        touch "$share/stop"
        ctr_cmd task kill -s KILL "$id" >/dev/null 2>&1
        ctr_cmd task delete -f "$id" >/dev/null 2>&1
        ctr_cmd container rm "$id" >/dev/null 2>&1
        stop_daemon TERM
        assert_eq "$rt: the daemon exits 0 on SIGTERM" 0 "$DAEMON_STATUS"
}

if ! start_containerd; then
        skip "$CTD_WHY"
fi
pass "containerd $(containerd --version | awk '{print $3}') starts on private paths"
if import_busybox_image; then
        pass "ctr image import takes a busybox image built here"
else
        fail "ctr image import takes a busybox image built here" "$(cat "$CTD/import.out")"
        finish
fi
make_crun_wrapper

check_runtime runc
check_runtime crun

if [ -n "$CANNOT" ]; then
        skip "not every runtime could run here${CANNOT}"
fi
finish
