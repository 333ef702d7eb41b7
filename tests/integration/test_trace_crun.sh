#!/bin/bash
# SPDX-License-Identifier: MIT
# A profile trace writes without a base, in its default form
# ("architectures", the runtime-spec's), as crun reads it from an OCI
# bundle's config.json (as containerd hands a profile over): busybox sh,
# traced on the host, runs in a container under it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/trace_lib.sh"
. "$(dirname "$0")/daemon_lib.sh"

require_cmd crun busybox unshare python3
[ "$(id -u)" = 0 ] || skip "crun needs root here (running as uid $(id -u))"

run_sup trace -q -o "$TMP/busybox.json" -- busybox sh -c 'echo CRUN_OK'
expect "busybox sh, traced" 0 "CRUN_OK"
assert_eq "the profile names its architectures in the runtime-spec's form" "true" \
        "$(json_query "$TMP/busybox.json" "'architectures' in r and 'archMap' not in r")"
make_bundle "$TMP/bundle" "$(cat "$TMP/busybox.json")" 'echo CRUN_OK'
run_container crun "$TMP/bundle" "trace-arch-$$"
assert_eq "crun runs busybox sh under the recorded profile" "CRUN_OK" "$OUT"
assert_eq "and it exits 0" 0 "$STATUS"

finish
