#!/bin/bash
# SPDX-License-Identifier: MIT
# Re-measures what the installed runc and crun do after loading a
# container's filter, and fails if one makes a call that the data of
# `trace --runtime` (supervisor/trace/trace_runtime.c) lacks, so the data
# stays true when the runtimes change.
#
# Through the daemon: a profile whose kernel part notifies every call but
# write (runc refuses to notify write, which it needs to report back; the
# data has it; and refuses a default action of notify, so every name is
# listed) and whose supervisor default allows and logs; the
# container's lines up to its first execve are the runtime's. With and
# without no-new-privileges, since the data is the union of both.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=daemon_lib.sh
. "$(dirname "$0")/daemon_lib.sh"

require_cmd unshare python3 busybox
[ "$(id -u)" = 0 ] || skip "the runtimes need root here (running as uid $(id -u))"
RUNTIMES=()
for rt in runc crun; do
        if command -v "$rt" >/dev/null 2>&1; then
                RUNTIMES+=("$rt")
        fi
done
[ "${#RUNTIMES[@]}" -gt 0 ] || skip "neither runc nor crun is installed (apt-get install -y runc crun)"

DATA=$SOURCE_DIR/supervisor/trace/trace_runtime.c
mkdir -p "$TMP/profiles"
# runc refuses SCMP_ACT_NOTIFY as the default action: every syscall the
# kernel headers name is listed instead.
UNISTD=/usr/include/x86_64-linux-gnu/asm/unistd_64.h
[ "$(uname -m)" = x86_64 ] || skip "the syscall list is x86-64's ($UNISTD)"
require_file "$UNISTD"
python3 - "$UNISTD" "$TMP/profiles/measure.json" <<'EOF'
import json, re, sys
names = sorted(set(re.findall(r"#define __NR_(\w+) ", open(sys.argv[1]).read())) - {"write"})
json.dump({
    "defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [{"names": names, "action": "SCMP_ACT_NOTIFY"},
                 {"names": ["write"], "action": "SCMP_ACT_ALLOW"}],
    "supervisor": {"defaultAction": "log"},
}, open(sys.argv[2], "w"), indent=1)
EOF
start_daemon --policy-dir "$TMP/profiles" --log "$DECISIONS" || finish

# One bundle per runtime and no-new-privileges setting.
for rt in "${RUNTIMES[@]}"; do
        for nnp in 1 0; do
                name=measure-$rt-$nnp-$$
                make_rootfs "$TMP/$name/rootfs"
        done
done
python3 - "$TMP" "$SOCK" "$SOURCE_DIR/tests/integration" "$$" "${RUNTIMES[@]}" <<'EOF'
import json, sys
tmp, sock, pid = sys.argv[1], sys.argv[2], sys.argv[4]
sys.path.insert(0, sys.argv[3])
import oci_bundle
seccomp = json.load(open(tmp + "/profiles/measure.json"))
seccomp.pop("supervisor")
seccomp["listenerPath"], seccomp["listenerMetadata"] = sock, "policy=measure"
for rt in sys.argv[5:]:
    for nnp in (1, 0):
        name = "measure-%s-%d-%s" % (rt, nnp, pid)
        spec = oci_bundle.spec(seccomp, "echo MEASURED", 0, nnp == 1)
        json.dump(spec, open("%s/%s/config.json" % (tmp, name), "w"))
EOF

# missing RUNTIME NAME: the calls container NAME made up to its first
# execve that the data of RUNTIME lacks, one a line.
missing()
{
        python3 - "$DATA" "$DECISIONS" "$1" "$2" <<'EOF'
import json, re, sys
data, log, runtime, container = sys.argv[1:]
table = re.findall(r'\{"(\w+)",\s*"(\w+)",', open(data).read())
known = {name for rt, name in table if rt == runtime}
seen = []
for line in open(log):
    try:
        d = json.loads(line)
    except ValueError:
        continue
    if d.get("container") != container:
        continue
    seen.append(d.get("syscall"))
    if d.get("syscall") == "execve":
        break
else:
    print("(no execve logged for %s)" % container)
for name in sorted(set(seen) - known):
    print(name)
EOF
}

WHAT_NNP=("without no-new-privileges" "with no-new-privileges")
for rt in "${RUNTIMES[@]}"; do
        version=$("$rt" --version | head -1)
        echo "measuring $version"
        for nnp in 1 0; do
                what=${WHAT_NNP[$nnp]}
                name=measure-$rt-$nnp-$$
                run_container "$rt" "$TMP/$name" "$name"
                assert_eq "$version $what: the container runs" 0 "$STATUS"
                assert_contains "$version $what: its process prints" MEASURED "$OUT"
                if wait_for 15 line_with_both "$DECISIONS" "\"container\":\"$name\"" \
                        '"syscall":"execve"'; then
                        pass "$version $what: the daemon logs the container's execve"
                else
                        fail "$version $what: the daemon logs the container's execve" \
                                "$(daemon_details)"
                        continue
                fi
                extra=$(missing "$rt" "$name")
                if [ -z "$extra" ]; then
                        pass "$version $what: every call after the filter is in trace_runtime.c"
                else
                        fail "$version $what: every call after the filter is in trace_runtime.c" \
                                "$version makes calls the data lacks (add them, with the version): $extra"
                fi
        done
done

stop_daemon TERM
assert_eq "the daemon exits 0 on SIGTERM" 0 "$DAEMON_STATUS"
finish
