#!/bin/bash
# SPDX-License-Identifier: MIT
# What docs/CONTAINERS.md tells people to copy, checked without a cluster:
# the Kubernetes DaemonSet manifest parses and holds together (the socket
# the daemon listens on is the listenerPath of every profile it ships, on
# a host directory; its profiles load; it runs in the host's pid
# namespace), the per-user systemd units pass systemd-analyze, and the
# system unit's capabilities let the daemon act for a caller of another uid.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=daemon_lib.sh
. "$(dirname "$0")/daemon_lib.sh"

require_cmd python3
NOT_CHECKED=()
MANIFEST=$SOURCE_DIR/examples/kubernetes/scmp-super-daemonset.yaml

if python3 -c 'import yaml' 2>/dev/null; then
        # Writes each ConfigMap profile to TMP/profiles/NAME and prints one
        # line per finding; "manifest ok" when every check held.
        mkdir -p "$TMP/profiles"
        OUT=$(python3 - "$MANIFEST" "$TMP/profiles" <<'EOF' 2>&1
import json, os, sys, yaml

docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
kinds = sorted(d["kind"] for d in docs)
problems = []
if kinds != ["ConfigMap", "DaemonSet", "Namespace"]:
    problems.append("kinds: %s" % kinds)
ds = next(d for d in docs if d["kind"] == "DaemonSet")
cm = next(d for d in docs if d["kind"] == "ConfigMap")
spec = ds["spec"]["template"]["spec"]
if spec.get("hostPID") is not True:
    problems.append("hostPID is not true")
if ds["spec"].get("updateStrategy", {}).get("type") != "OnDelete":
    problems.append("updateStrategy is not OnDelete")
if ds["spec"]["selector"]["matchLabels"].items() - ds["spec"]["template"]["metadata"]["labels"].items():
    problems.append("the selector does not match the pod's labels")
daemon = next(c for c in spec["containers"] if c["name"] == "scmp-super")
args = daemon["args"]
opt = lambda name: args[args.index(name) + 1]
if args[0] != "daemon":
    problems.append("the container does not run the daemon: %s" % args)
socket = opt("--socket")
volumes = {v["name"]: v for v in spec["volumes"]}
mounts = {m["mountPath"]: m["name"] for m in daemon["volumeMounts"]}
socket_volume = volumes.get(mounts.get(os.path.dirname(socket), ""), {})
if socket_volume.get("hostPath", {}).get("path") != os.path.dirname(socket):
    problems.append("the socket directory %s is not the same host directory" % os.path.dirname(socket))
policy_volume = volumes.get(mounts.get(opt("--policy-dir"), ""), {})
if policy_volume.get("configMap", {}).get("name") != cm["metadata"]["name"]:
    problems.append("--policy-dir is not the profiles ConfigMap")
if not cm["data"]:
    problems.append("no profiles")
for name, text in cm["data"].items():
    profile = json.loads(text)
    if profile.get("listenerPath") != socket:
        problems.append("%s: listenerPath %s is not the daemon's socket %s"
                        % (name, profile.get("listenerPath"), socket))
    if profile.get("listenerMetadata") != "policy=" + name[:-len(".json")]:
        problems.append("%s: listenerMetadata does not name it" % name)
    open(os.path.join(sys.argv[2], name), "w").write(text)
print("\n".join(problems) or "manifest ok")
EOF
        )
        assert_eq "the DaemonSet manifest parses and its parts agree" "manifest ok" "$OUT"
        for profile in "$TMP"/profiles/*.json; do
                [ -e "$profile" ] || continue
                run_sup check --policy "$profile"
                assert_contains "the manifest's $(basename "$profile") loads (scmp-super check)" \
                        "policy OK" "$OUT$ERR"
                assert_not_contains "... without a warning" "warning:" "$OUT$ERR"
        done
else
        NOT_CHECKED+=("the Kubernetes manifest: python3's yaml module is not installed (python3-yaml)")
fi

# The system unit's capability bounding set is all the daemon has under
# systemd: with it, an open the daemon allows a caller of another uid must
# be performed (the daemon takes on the caller's ids, which needs
# CAP_SETUID and CAP_SETGID), not fail with EPERM.
BOUNDING=$(sed -n 's/^CapabilityBoundingSet=//p' "$SOURCE_DIR/contrib/systemd/scmp-super.service" |
        tr '[:upper:]' '[:lower:]' | sed 's/cap_/+/g; s/ /,/g')
if [ -z "$BOUNDING" ]; then
        fail "contrib/systemd/scmp-super.service has a CapabilityBoundingSet"
elif [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null 2>&1; then
        NOT_CHECKED+=("the system unit's capabilities: needs root and setpriv (uid $(id -u))")
else
        cat >"$TMP/open.json" <<'EOF'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["open", "openat"], "action": "SCMP_ACT_NOTIFY"}],
 "supervisor": {"defaultAction": "deny", "defaultErrno": "EROFS",
   "rules": [{"syscalls": ["open", "openat"], "path": ["/etc/**", "/usr/**", "/lib/**", "/lib64/**", "/proc/**"],
              "action": "allow"}]}}
EOF
        chmod 0644 "$TMP/open.json"
        # In TMP only: a socket anyone may use, so that nobody can connect.
        : >"$DAEMON_ERR"
        setpriv --bounding-set "-all,$BOUNDING" "$SCMP_SUPER" daemon --socket "$SOCK" \
                --socket-mode 0666 --policy "$TMP/open.json" 2>"$DAEMON_ERR" &
        DAEMON_PID=$!
        if wait_log "listening on"; then
                OUT=$(setpriv --reuid 65534 --regid 65534 --clear-groups "$SCMP_SUPER" run \
                        --connect "$SOCK" --policy "$TMP/open.json" -- /bin/cat /etc/hostname 2>&1)
                STATUS=$?
                assert_eq "under the system unit's bounding set ($BOUNDING), the daemon performs an allowed open for uid 65534" \
                        "0 $(cat /etc/hostname)" "$STATUS $OUT"
        else
                fail "the daemon starts under the system unit's bounding set" "$(daemon_details)"
        fi
        stop_daemon TERM
fi

# The per-user units, with the binary under test in ExecStart (systemd
# refuses a unit whose command does not exist).
if command -v systemd-analyze >/dev/null 2>&1; then
        mkdir -p "$TMP/units" "$TMP/xdg"
        chmod 0700 "$TMP/xdg"
        cp "$SOURCE_DIR/contrib/systemd/user/scmp-super.socket" "$TMP/units/"
        sed "s|/usr/local/bin/scmp-super|$(realpath "$SCMP_SUPER")|" \
                "$SOURCE_DIR/contrib/systemd/user/scmp-super.service" >"$TMP/units/scmp-super.service"
        OUT=$(cd "$TMP/units" && HOME=$TMP/units XDG_CONFIG_HOME=$TMP/units \
                XDG_DATA_HOME=$TMP/units XDG_RUNTIME_DIR=$TMP/xdg systemd-analyze verify --user \
                ./scmp-super.socket ./scmp-super.service 2>&1)
        assert_eq "systemd-analyze verify --user finds nothing in the per-user units" "" "$OUT"
else
        NOT_CHECKED+=("the per-user units: systemd-analyze is not installed")
fi

if [ "${#NOT_CHECKED[@]}" -gt 0 ]; then
        skip "not checked: ${NOT_CHECKED[*]}"
fi
finish
