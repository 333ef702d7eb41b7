# shellcheck shell=bash disable=SC2034
# SPDX-License-Identifier: MIT
# Sourced by tests/integration/test_containerd.sh after lib.sh and
# daemon_lib.sh: a containerd of the test's own (its root, state, sockets
# and config under $TMP), a busybox image built and imported without the
# network, and what `ctr` needs to run containers under it with runc or
# crun. Nothing here changes the machine's own containerd or its files.
#
# What this VM needs, and why, kept here rather than on the host:
# - containerd runs in a mount namespace of its own, where /sys/fs/cgroup
#   is a cgroup2 mount (the host mixes v1 and v2, which runc and crun
#   refuse) and /run is a private tmpfs: containerd 1.6 puts its shims'
#   sockets in /run/containerd/s whatever --state says. The shims and the
#   runtimes inherit that namespace.
# - The controllers are bound to the host's v1 hierarchies, so the cgroup2
#   tree has none: `ctr run --cpu-shares 0`, or runc fails writing the
#   default cpu.weight.
# - crun runs through a wrapper that adds --cgroup-manager=disabled: with a
#   cgroup manager it raises RLIMIT_MEMLOCK to load its device eBPF
#   program, and CAP_SYS_RESOURCE is not in this VM's bounding set.
# - The snapshotter is "native" (plain copies): nothing to mount.

CTD=$TMP/containerd
CTD_SOCK=$CTD/containerd.sock
CTD_LOG=$CTD/containerd.log
CTD_PID=
CTD_IMAGE=localhost/scmp-super-busybox:test
# Why containerd or a runtime could not run (for the skip message).
CTD_WHY=

export CONTAINERD_ADDRESS=$CTD_SOCK
export CONTAINERD_NAMESPACE=scmp-super-test
export CONTAINERD_SNAPSHOTTER=native

# The options every `ctr run` here gets (see above).
CTR_RUN_OPTS=(--cpu-shares 0 --fifo-dir "$CTD/fifo")

# ctr ARGS...: ctr, bounded by HANG_LIMIT, stdin from /dev/null.
ctr_cmd()
{
        timeout -k 5 "$HANG_LIMIT" ctr "$@" </dev/null
}

# start_containerd: starts containerd on private paths and waits until it
# serves. Returns 1 with CTD_WHY set when it does not.
start_containerd()
{
        mkdir -p "$CTD/root" "$CTD/state" "$CTD/fifo" "$CTD/opt"
        cat >"$CTD/config.toml" <<EOF
version = 2
root = "$CTD/root"
state = "$CTD/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.aufs", "io.containerd.tracing.processor.v1.otlp",
  "io.containerd.internal.v1.tracing"]
[grpc]
  address = "$CTD_SOCK"
[ttrpc]
  address = "$CTD_SOCK.ttrpc"
[debug]
  address = ""
  level = "info"
[metrics]
  address = ""
[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = "$CTD/opt"
EOF
        : >"$CTD_LOG"
        # shellcheck disable=SC2016
        unshare -m sh -c 'mount -t cgroup2 none /sys/fs/cgroup &&
                mount -t tmpfs -o mode=0755 tmpfs /run &&
                exec containerd --config "$1"' sh "$CTD/config.toml" >>"$CTD_LOG" 2>&1 &
        CTD_PID=$!
        wait_for 20 ctd_booted_or_gone
        if ! has_line "$CTD_LOG" "containerd successfully booted"; then
                CTD_WHY="containerd did not start: $(tail -5 "$CTD_LOG")"
                return 1
        fi
        return 0
}

# The crun wrapper containerd's runc shim runs in place of runc.
make_crun_wrapper()
{
        cat >"$CTD/crun-wrapper" <<'EOF'
#!/bin/sh
exec crun --cgroup-manager=disabled "$@"
EOF
        chmod 755 "$CTD/crun-wrapper"
}

# ctr_runtime_opts RUNTIME: sets CTR_RT to the `ctr run` options that choose
# RUNTIME (runc is the runc shim's default binary).
ctr_runtime_opts()
{
        case "$1" in
        runc) CTR_RT=(--runc-binary "$(command -v runc)") ;;
        crun) CTR_RT=(--runc-binary "$CTD/crun-wrapper") ;;
        esac
}

# import_busybox_image: builds a one-layer image (docker-archive format)
# from the static busybox and imports it as $CTD_IMAGE.
import_busybox_image()
{
        python3 - "$CTD/image.tar" "$(command -v busybox)" "$CTD_IMAGE" <<'EOF'
import hashlib, io, json, sys, tarfile
out, busybox, name = sys.argv[1:4]
def member(t, name, kind, mode=0o755, link=""):
    ti = tarfile.TarInfo(name)
    ti.type, ti.mode, ti.linkname = kind, mode, link
    t.addfile(ti)
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
    for d in ("bin", "proc", "dev", "sys", "etc", "mnt", "share"):
        member(t, d, tarfile.DIRTYPE)
    member(t, "tmp", tarfile.DIRTYPE, 0o1777)
    t.add(busybox, "bin/busybox")
    for applet in ("sh", "mkdir", "echo", "cat", "ls", "sleep", "id", "true", "mv"):
        member(t, "bin/" + applet, tarfile.SYMTYPE, 0o777, "busybox")
layer = buf.getvalue()
config = json.dumps({
    "architecture": "amd64", "os": "linux",
    "config": {"Env": ["PATH=/bin"], "Cmd": ["/bin/sh"]},
    "rootfs": {"type": "layers",
               "diff_ids": ["sha256:" + hashlib.sha256(layer).hexdigest()]},
}).encode()
manifest = json.dumps([{"Config": "config.json", "RepoTags": [name],
                        "Layers": ["layer.tar"]}]).encode()
with tarfile.open(out, "w") as t:
    for member_name, data in (("layer.tar", layer), ("config.json", config),
                              ("manifest.json", manifest)):
        ti = tarfile.TarInfo(member_name)
        ti.size, ti.mode = len(data), 0o644
        t.addfile(ti, io.BytesIO(data))
EOF
        ctr_cmd image import "$CTD/image.tar" >"$CTD/import.out" 2>&1
}

# ctr_seccomp FILE METADATA NOTIFIED: the profile `ctr run --seccomp-profile`
# reads: allow all, notify the calls in NOTIFIED (a JSON list), and send
# the listener to the daemon's socket with METADATA.
ctr_seccomp()
{
        printf '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
 "listenerPath": "%s", "listenerMetadata": "%s",
 "syscalls": [{"names": %s, "action": "SCMP_ACT_NOTIFY"}]}\n' \
                "$SOCK" "$2" "$3" >"$1"
}

# ctd_pids: the pids of containerd's shims, found by the private socket
# address on their command line.
ctd_pids()
{
        local f pid cmd
        for f in /proc/[0-9]*/cmdline; do
                pid=${f#/proc/}
                pid=${pid%/cmdline}
                cmd=$(tr '\0' ' ' 2>/dev/null <"$f")
                case "$cmd" in
                *"-address $CTD_SOCK"*) echo "$pid" ;;
                esac
        done
}

# stop_containerd: removes every task and container the test left, stops
# containerd, then ends any shim still running (by pid) and removes the
# cgroups the runtimes left in the cgroup2 tree.
stop_containerd()
{
        local id pid
        [ -n "$CTD_PID" ] || return 0
        if kill -0 "$CTD_PID" 2>/dev/null; then
                for id in $(ctr_cmd task ls -q 2>/dev/null); do
                        ctr_cmd task kill -s KILL "$id" >/dev/null 2>&1
                        ctr_cmd task delete -f "$id" >/dev/null 2>&1
                done
                for id in $(ctr_cmd container ls -q 2>/dev/null); do
                        ctr_cmd container rm "$id" >/dev/null 2>&1
                done
                kill -TERM "$CTD_PID" 2>/dev/null
                wait_for 20 ctd_gone || kill -KILL "$CTD_PID" 2>/dev/null
                wait "$CTD_PID" 2>/dev/null
        fi
        for pid in $(ctd_pids); do
                [ "$pid" != "$$" ] && kill -KILL "$pid" 2>/dev/null
        done
        if [ -d "/sys/fs/cgroup/unified/$CONTAINERD_NAMESPACE" ]; then
                find "/sys/fs/cgroup/unified/$CONTAINERD_NAMESPACE" -depth -type d \
                        -exec rmdir {} + 2>/dev/null
        fi
        CTD_PID=
}

ctd_booted_or_gone()
{
        has_line "$CTD_LOG" "containerd successfully booted" || ctd_gone
}

ctd_gone()
{
        ! kill -0 "$CTD_PID" 2>/dev/null
}

# Containers and containerd go before lib.sh's cleanup removes $TMP.
ctd_exit()
{
        local status=$?
        stop_containerd
        (exit "$status")
        cleanup
}
trap ctd_exit EXIT
