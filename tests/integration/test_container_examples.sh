#!/bin/bash
# SPDX-License-Identifier: MIT
# What docs/CONTAINERS.md tells people to copy, checked without a cluster:
# the Kubernetes DaemonSet manifest parses and holds together (the socket
# the daemon listens on is the listenerPath of every profile it ships, on
# a host directory; its profiles load; it runs in the host's pid
# namespace), and the per-user systemd units pass systemd-analyze.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

require_cmd python3
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
        fail "python3's yaml module is installed (python3-yaml, scripts/deps.sh)" \
                "the Kubernetes manifest could not be checked"
fi

# The per-user units, with the binary under test in ExecStart (systemd
# refuses a unit whose command does not exist).
if command -v systemd-analyze >/dev/null 2>&1; then
        mkdir -p "$TMP/units" "$TMP/xdg"
        chmod 0700 "$TMP/xdg"
        cp "$SOURCE_DIR/contrib/systemd/user/scmp-super.socket" "$TMP/units/"
        sed "s|/usr/local/bin/scmp-super|$(realpath "$SCMP_SUPER")|" \
                "$SOURCE_DIR/contrib/systemd/user/scmp-super.service" >"$TMP/units/scmp-super.service"
        OUT=$(cd "$TMP/units" && XDG_RUNTIME_DIR=$TMP/xdg systemd-analyze verify --user \
                ./scmp-super.socket ./scmp-super.service 2>&1)
        assert_eq "systemd-analyze verify --user finds nothing in the per-user units" "" "$OUT"
else
        skip "systemd-analyze is not installed: the per-user units were not checked"
fi

finish
