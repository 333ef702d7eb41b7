#!/bin/bash
# SPDX-License-Identifier: MIT
# What a runtime does between loading a container's filter and executing
# its process, as the daemon sees it, and which uid a rule sees.
#
# runc 1.1 makes calls of its own after the filter is loaded (opening its
# exec fifo and /proc/self/fd, with no-new-privileges or without), so a
# deny-by-default allow list that starts containers under crun stops runc
# containers from starting; with the rules of
# examples/runtimes/runc-after-filter.json ahead of it, runc starts them,
# and the container's own processes get nothing from those rules.
#
# A rule on uid sees the uid as the daemon's user namespace sees it: the
# container's uid without a user namespace, the host uid it maps to with
# one.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=daemon_lib.sh
. "$(dirname "$0")/daemon_lib.sh"

require_cmd unshare python3 busybox
[ "$(id -u)" = 0 ] || skip "the runtimes need root here (running as uid $(id -u))"

BASE=$SOURCE_DIR/examples/runtimes/runc-after-filter.json
mkdir -p "$TMP/profiles"

# list.json: an allow list for the busybox container, with the example's
# kernel part; list-runc.json: the same with the example's rules first.
python3 - "$BASE" "$TMP/profiles" <<'EOF'
import json, sys
base = json.load(open(sys.argv[1]))
own = [
    {"syscalls": ["execve", "execveat"], "path": "/bin/*", "action": "allow"},
    {"syscalls": ["open", "openat", "openat2"], "path": ["/bin/**", "/etc/**"],
     "open": ["O_RDONLY"], "action": "allow"},
    {"syscalls": ["open", "openat", "openat2", "creat", "truncate"],
     "path": ["/tmp/**", "/dev/null"], "action": "allow"},
    {"syscalls": ["newfstatat", "faccessat", "faccessat2", "chdir", "stat", "lstat", "statx", "access"],
     "path": ["/", "/bin/**", "/etc/**", "/tmp", "/tmp/**", "/dev/null"], "action": "allow"},
]
for name, rules in (("list", own), ("list-runc", base["supervisor"]["rules"] + own)):
    profile = {k: v for k, v in base.items() if k != "comment"}
    profile["supervisor"] = dict(base["supervisor"], rules=rules)
    json.dump(profile, open("%s/%s.json" % (sys.argv[2], name), "w"), indent=1)
EOF
cat >"$TMP/profiles/ids.json" <<'EOF'
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}],
  "supervisor": {
    "defaultAction": "deny",
    "defaultErrno": "EMLINK",
    "rules": [
      {"syscalls": ["mkdir", "mkdirat"], "uid": 0, "action": "deny", "errno": "EROFS"},
      {"syscalls": ["mkdir", "mkdirat"], "uid": 1000, "action": "deny", "errno": "ETXTBSY"},
      {"syscalls": ["mkdir", "mkdirat"], "uid": 100000, "action": "deny", "errno": "ENOTEMPTY"},
      {"syscalls": ["mkdir", "mkdirat"], "uid": 101000, "action": "deny", "errno": "EXDEV"}
    ]
  }
}
EOF
for p in list list-runc ids; do
        run_sup check --policy "$TMP/profiles/$p.json"
        assert_exit "$p.json loads without a warning" 0
        assert_not_contains "$p.json: check warns of nothing" warning "$ERR"
done

start_daemon --policy-dir "$TMP/profiles" --log "$DECISIONS" || finish

SCRIPT='cat /etc/hostname >/dev/null && echo STARTED
cat /proc/self/status >/dev/null 2>&1 || echo OWN_PROC_DENIED
echo END'
IDS_SCRIPT='mkdir /tmp/x; echo END'

# Every bundle is made here at once (python starts slowly on a loaded
# machine), one a line of $TMP/bundles: NAME PROFILE NNP USERNS UID SCRIPT.
# A bundle is oci_bundle.py's spec, with the kernel part of PROFILE as the runtime
# gets it, noNewPrivileges NNP (1 or 0), and with USERNS=1 a user namespace
# mapping container uid 0 to host uid 100000 (65536 ids); the process runs
# as UID.
: >"$TMP/bundles"
for nnp in 1 0; do
        for profile in list list-runc; do
                echo "$nnp-$profile-$$ $profile $nnp 0 0 start" >>"$TMP/bundles"
        done
done
for userns in 0 1; do
        for uid in 0 1000; do
                echo "ids-$userns-$uid-$$ ids 1 $userns $uid ids" >>"$TMP/bundles"
        done
done
while read -r name _; do
        make_rootfs "$TMP/$name/rootfs"
        echo t >"$TMP/$name/rootfs/etc/hostname"
done <"$TMP/bundles"
python3 - "$TMP" "$SOCK" "$SCRIPT" "$IDS_SCRIPT" "$SOURCE_DIR/tests/integration" <<'EOF'
import json, sys
tmp, sock, scripts = sys.argv[1], sys.argv[2], {"start": sys.argv[3], "ids": sys.argv[4]}
sys.path.insert(0, sys.argv[5])
import oci_bundle
for line in open(tmp + "/bundles"):
    name, profile, nnp, userns, uid, script = line.split()
    seccomp = json.load(open("%s/profiles/%s.json" % (tmp, profile)))
    seccomp.pop("supervisor")
    seccomp["listenerPath"], seccomp["listenerMetadata"] = sock, "policy=" + profile
    spec = oci_bundle.spec(seccomp, scripts[script], int(uid), nnp == "1", userns == "1")
    json.dump(spec, open("%s/%s/config.json" % (tmp, name), "w"))
EOF

# start_with RUNTIME PROFILE NNP: runs the allow-list container.
start_with()
{
        local bundle=$3-$2-$$
        NAME=$bundle-$1
        run_container "$1" "$TMP/$bundle" "$NAME"
}

WHAT_NNP=("without no-new-privileges" "with no-new-privileges")

for nnp in 1 0; do
        what=${WHAT_NNP[$nnp]}
        if command -v crun >/dev/null 2>&1; then
                start_with crun list "$nnp"
                assert_eq "crun $what: the allow list starts the container" 0 "$STATUS"
                assert_contains "crun $what: the container's process runs" STARTED "$OUT"
                assert_contains "crun $what: what the list does not allow is refused" \
                        OWN_PROC_DENIED "$OUT"
        else
                not_run "crun is not installed (apt-get install -y crun)"
        fi

        if ! command -v runc >/dev/null 2>&1; then
                not_run "runc is not installed (apt-get install -y runc)"
                continue
        fi
        start_with runc list "$nnp"
        if [ "$STATUS" != 0 ] && [[ "$OUT" != *STARTED* ]]; then
                pass "runc $what: the same allow list stops the container from starting"
        else
                fail "runc $what: the same allow list stops the container from starting" \
                        "$(last_run_details)"
        fi
        if wait_for 15 line_with_both "$DECISIONS" "\"container\":\"$NAME\",\"exe\":\"/\",\"syscall\":\"openat\"" \
                '"decision":"deny"'; then
                pass "runc $what: it is runc's own openat that is denied (exe \"/\")"
        else
                fail "runc $what: it is runc's own openat that is denied (exe \"/\")" \
                        "$(grep -F "\"container\":\"$NAME\"" "$DECISIONS")"
        fi

        start_with runc list-runc "$nnp"
        assert_eq "runc $what: with runc-after-filter.json's rules it starts" 0 "$STATUS"
        assert_contains "runc $what: the container's process runs" STARTED "$OUT"
        assert_contains "runc $what: the container's own processes get nothing from those rules" \
                OWN_PROC_DENIED "$OUT"
done

# uid rules: each uid has its own errno; the message says which one matched.
# The runtimes give the container's user its stdin: a file of the test's
# own, not the host's /dev/null.
: >"$TMP/stdin"
CONTAINER_STDIN=$TMP/stdin
for rt in runc crun; do
        command -v "$rt" >/dev/null 2>&1 || continue
        for userns in 0 1; do
                for uid in 0 1000; do
                        run_container "$rt" "$TMP/ids-$userns-$uid-$$" "ids-$userns-$uid-$$-$rt"
                        case "$userns:$uid" in
                        0:0) want="Read-only file system" seen=0 ;;
                        0:1000) want="Text file busy" seen=1000 ;;
                        1:0) want="Directory not empty" seen=100000 ;;
                        1:1000) want="Invalid cross-device link" seen=101000 ;;
                        esac
                        assert_contains "$rt: container uid $uid, user namespace $userns: a uid rule sees $seen" \
                                "can't create directory '/tmp/x': $want" "$OUT"
                done
        done
done

assert_eq "the host's /dev/null keeps its owner" 0:0 "$(stat -c %u:%g /dev/null)"

stop_daemon TERM
assert_eq "the daemon exits 0 on SIGTERM" 0 "$DAEMON_STATUS"
finish
