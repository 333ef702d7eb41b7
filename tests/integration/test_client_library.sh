#!/bin/bash
# SPDX-License-Identifier: MIT
# The client library as another program gets it: `cmake --install
# --component client-dev` into a prefix, then a program compiled with only
# what pkg-config says (tests/packaging/client_example.c) talks to the real
# daemon's control socket, and reports a missing socket with its reason.
# The archive lends no helper of ours to the program: only scmp_client_*
# functions are global in it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/daemon_lib.sh"

for tool in pkg-config cc nm; do
        command -v "$tool" >/dev/null || skip "$tool is not installed"
done

PREFIX=$TMP/prefix
if cmake --install "$BUILD_DIR" --component client-dev --prefix "$PREFIX" >"$TMP/install.log" 2>&1; then
        pass "cmake --install --component client-dev succeeds"
else
        fail "cmake --install --component client-dev succeeds" "$(cat "$TMP/install.log")"
        finish
fi
pc=$(find "$PREFIX" -name scmp-super-client.pc)
header=$(find "$PREFIX" -path '*/include/scmp-super/scmp_client.h')
archive=$(find "$PREFIX" -name libscmp-super-client.a)
assert_eq "the header is installed under include/scmp-super/" "$PREFIX/include/scmp-super/scmp_client.h" "$header"
assert_contains "the archive is installed in the library directory" "$PREFIX/lib" "$archive"
assert_eq "the .pc file is beside it, in pkgconfig/" "$(dirname "$archive")/pkgconfig/scmp-super-client.pc" "$pc"
assert_eq "nothing but the library's files is installed" 3 "$(find "$PREFIX" -type f | wc -l)"
assert_eq "the .pc file names the install prefix" "$PREFIX" \
        "$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --variable=prefix scmp-super-client)"

# Every symbol the archive defines globally is ours by name.
others=$(nm --defined-only -g "$archive" | awk 'NF == 3 && $3 !~ /^scmp_client_/ { print $3 }')
assert_eq "the archive defines no global symbol but scmp_client_*" "" "$others"
# The header stands alone: no internal header of the source tree.
assert_not_contains "the header includes no header of the source tree" '#include "' "$(cat "$header")"

export PKG_CONFIG_PATH
PKG_CONFIG_PATH=$(dirname "$pc")
# shellcheck disable=SC2046 # pkg-config's output is several words
if cc -Wall -Werror -o "$TMP/client_example" "$SOURCE_DIR/tests/packaging/client_example.c" \
        $(pkg-config --cflags --libs scmp-super-client) >"$TMP/cc.log" 2>&1; then
        pass "a program compiles and links with pkg-config's flags alone"
else
        fail "a program compiles and links with pkg-config's flags alone" "$(cat "$TMP/cc.log")"
        finish
fi

OUT=$("$TMP/client_example" "$TMP/missing.sock" 2>&1)
STATUS=$?
assert_eq "a missing socket: connect() returns -ENOENT" "connect: No such file or directory" \
        "$(sed -n 1p <<<"$OUT")"
assert_eq "a missing socket: the request says why it failed" \
        "request: cannot connect: No such file or directory" "$(sed -n 2p <<<"$OUT")"
assert_eq "a missing socket: the request fails" 1 "$STATUS"

mkdir "$TMP/profiles"
start_daemon --policy-dir "$TMP/profiles" --control "$CONTROL" || finish
OUT=$("$TMP/client_example" "$CONTROL" 2>&1)
STATUS=$?
assert_eq "the daemon's control socket answers the program's status request" "connect: ok
reply: status" "$OUT"
assert_eq "the request succeeds" 0 "$STATUS"
stop_daemon TERM

finish
