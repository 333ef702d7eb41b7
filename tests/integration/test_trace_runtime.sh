#!/bin/bash
# SPDX-License-Identifier: MIT
# A profile recorded outside a container with `trace --runtime runc` or
# `--runtime crun` starts the container under that runtime with no
# listener, and the container prints what the recorded run printed and
# exits as it did: busybox sh, a python3 program and a multi-process
# pipeline, with and without no-new-privileges. Without --runtime, runc
# does not start the issue's busybox container (its own calls after
# loading the filter were never recorded).
#
# Each workload runs with its cwd at the container's root filesystem and
# names files relative to it, so outside and inside see the same files;
# the environment is the container's (env -i PATH=...).

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=daemon_lib.sh
. "$(dirname "$0")/daemon_lib.sh"

require_cmd unshare python3 busybox env
[ "$(id -u)" = 0 ] || skip "the runtimes need root here (running as uid $(id -u))"
require_file /usr/bin/python3
RUNTIMES=()
for rt in runc crun; do
        if command -v "$rt" >/dev/null 2>&1; then
                RUNTIMES+=("$rt")
        else
                not_run "$rt is not installed (apt-get install -y $rt)"
        fi
done
[ "${#RUNTIMES[@]}" -gt 0 ] || skip "neither runc nor crun is installed (apt-get install -y runc crun)"

CONTAINER_PATH=/bin:/usr/bin
ROOTFS=$TMP/rootfs
make_rootfs "$ROOTFS"
echo "hello from the greeting" >"$ROOTFS/etc/greeting"
# python3 comes from the host's /usr, bind-mounted read-only; the dynamic
# loader is named through /lib64.
mkdir -p "$ROOTFS/usr"
ln -s usr/lib "$ROOTFS/lib"
ln -s usr/lib64 "$ROOTFS/lib64"

# The workloads: each the command as the container's process.args (used
# through declare -n, which shellcheck does not follow).
# shellcheck disable=SC2034
BUSYBOX=(busybox sh -c 'busybox cat etc/greeting; busybox ls bin etc; echo done')
# shellcheck disable=SC2034
PYTHON=(/usr/bin/python3 -c 'import json, os, sys
greeting = open("etc/greeting").read().strip()
print(json.dumps({"greeting": greeting, "etc": sorted(os.listdir("etc")), "sum": sum(range(100))}))
sys.exit(3)')
# shellcheck disable=SC2034
PIPELINE=(busybox sh -c 'busybox cat etc/greeting | busybox tr a-z A-Z | busybox wc -c
busybox seq 1 50 | busybox sort -rn | busybox head -n 3
exit 7')

# What each recorded run exits with, and a line of what it prints.
declare -A WANT_STATUS=([BUSYBOX]=0 [PYTHON]=3 [PIPELINE]=7)
declare -A WANT_OUT=([BUSYBOX]=greeting [PYTHON]='"sum": 4950' [PIPELINE]=49)
# record changes directory.
SUPER=$(realpath "$SCMP_SUPER")

# record FILE RUNTIME-OPTION... -- COMMAND...: traces COMMAND outside any
# container, writing the profile to FILE; sets REC_OUT and REC_STATUS.
record()
{
        local profile=$1
        shift
        local -a opts=()
        while [ "$1" != -- ]; do
                opts+=("$1")
                shift
        done
        shift
        (cd "$ROOTFS" && timeout -k 5 "$HANG_LIMIT" "$SUPER" trace -q "${opts[@]}" \
                --output "$profile" -- env -i PATH="$CONTAINER_PATH" "$@" \
                >"$TMP/rec.out" 2>"$TMP/rec.err" </dev/null)
        REC_STATUS=$?
        REC_OUT=$(cat "$TMP/rec.out")
}

# bundle DIR PROFILE NNP COMMAND...: a bundle sharing $ROOTFS (read-only)
# whose seccomp is PROFILE as written, with no listener.
bundle()
{
        local dir=$1 profile=$2 nnp=$3
        shift 3
        mkdir -p "$dir"
        python3 - "$dir/config.json" "$profile" "$nnp" "$ROOTFS" "$CONTAINER_PATH" \
                "$SOURCE_DIR/tests/integration" "$@" <<'EOF'
import json, sys
config, profile, nnp, rootfs, path, lib = sys.argv[1:7]
sys.path.insert(0, lib)
import oci_bundle
s = oci_bundle.spec(json.load(open(profile)), "", 0, nnp == "1")
s["process"]["args"] = sys.argv[7:]
s["process"]["env"] = ["PATH=" + path]
s["root"] = {"path": rootfs, "readonly": True}
s["mounts"].append({"destination": "/usr", "type": "bind", "source": "/usr",
                    "options": ["rbind", "ro"]})
json.dump(s, open(config, "w"))
EOF
}

# Without --runtime: the issue's case, runc does not start the container.
if command -v runc >/dev/null 2>&1; then
        record "$TMP/plain.json" -- "${BUSYBOX[@]}"
        assert_eq "busybox recorded without --runtime: the traced run succeeds" 0 "$REC_STATUS"
        bundle "$TMP/b-plain" "$TMP/plain.json" 1 "${BUSYBOX[@]}"
        run_container runc "$TMP/b-plain" "plain-$$"
        if [ "$STATUS" != 0 ] && [[ "$OUT" != *done* ]]; then
                pass "without --runtime runc, runc does not start the container ($(echo "$OUT" | grep -o 'ensure /proc/self/fd[^"]*' | head -1))"
        else
                fail "without --runtime runc, runc does not start the container" \
                        "status $STATUS, output: $OUT"
        fi
fi

WHAT_NNP=("without no-new-privileges" "with no-new-privileges")
for rt in "${RUNTIMES[@]}"; do
        for workload in BUSYBOX PYTHON PIPELINE; do
                declare -n cmd=$workload
                profile=$TMP/$rt-$workload.json
                record "$profile" --runtime "$rt" -- "${cmd[@]}"
                assert_eq "$rt $workload: the recorded run exits with the workload's status" \
                        "${WANT_STATUS[$workload]}" "$REC_STATUS"
                assert_contains "$rt $workload: the recorded run prints its output" \
                        "${WANT_OUT[$workload]}" "$REC_OUT"
                if grep -qF "\"comment\": \"$rt " "$profile"; then
                        pass "$rt $workload: the profile has $rt's entries"
                else
                        fail "$rt $workload: the profile has $rt's entries" "$(cat "$TMP/rec.err")"
                fi
                for nnp in 1 0; do
                        what=${WHAT_NNP[$nnp]}
                        name=$rt-$workload-$nnp-$$
                        bundle "$TMP/b-$name" "$profile" "$nnp" "${cmd[@]}"
                        run_container "$rt" "$TMP/b-$name" "$name"
                        assert_eq "$rt $workload $what: the container exits as the recorded run did" \
                                "$REC_STATUS" "$STATUS"
                        assert_eq "$rt $workload $what: it prints what the recorded run printed" \
                                "$REC_OUT" "$OUT"
                done
                unset -n cmd
        done
done
finish
