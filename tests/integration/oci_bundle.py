#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the config.json of an OCI bundle for the runtime tests: busybox's
"sh -c SCRIPT" as uid 0 (or --uid), with CAP_SYS_ADMIN (so a mount the
supervisor allows can succeed), no-new-privileges unless --no-nnp, a
private tmpfs on /tmp, with --userns a user namespace mapping container
uid 0 to host uid 100000 (65536 ids), and with --host-usr the host's /usr
bind-mounted read-only on the container's /usr (for python3; the rootfs
then needs /usr, and /lib and /lib64 as links into it: make_bundle in
daemon_lib.sh makes them).

  oci_bundle.py CONFIG SECCOMP_JSON SCRIPT [--uid N] [--no-nnp] [--userns] [--host-usr]

A test that makes many bundles imports spec() instead (python starts
slowly on a loaded machine)."""
import json
import sys

CAPS = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SYS_ADMIN"]


def spec(seccomp, script, uid=0, nnp=True, userns=False, host_usr=False):
    s = {
        "ociVersion": "1.0.2",
        "process": {
            "terminal": False,
            "user": {"uid": uid, "gid": uid},
            "args": ["/bin/sh", "-c", script],
            "env": ["PATH=/bin"],
            "cwd": "/",
            "capabilities": {k: CAPS for k in ("bounding", "effective", "permitted")},
            "noNewPrivileges": nnp,
        },
        "root": {"path": "rootfs", "readonly": False},
        "hostname": "t",
        "mounts": [
            {"destination": "/proc", "type": "proc", "source": "proc"},
            {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
             "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
            {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid"]},
        ],
        "linux": {
            "namespaces": [{"type": t} for t in ("pid", "ipc", "uts", "mount", "network")],
            "seccomp": seccomp,
            "maskedPaths": ["/proc/kcore"],
            "readonlyPaths": ["/proc/sys"],
        },
    }
    if userns:
        s["linux"]["namespaces"].append({"type": "user"})
        for key in ("uidMappings", "gidMappings"):
            s["linux"][key] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    if host_usr:
        s["mounts"].append({"destination": "/usr", "type": "bind", "source": "/usr",
                            "options": ["rbind", "ro"]})
    return s


def main(argv):
    config, seccomp, script = argv[1], json.loads(argv[2]), argv[3]
    rest = argv[4:]
    uid = int(rest[rest.index("--uid") + 1]) if "--uid" in rest else 0
    with open(config, "w") as f:
        json.dump(spec(seccomp, script, uid, "--no-nnp" not in rest, "--userns" in rest,
                       "--host-usr" in rest), f, indent=1)


if __name__ == "__main__":
    main(sys.argv)
