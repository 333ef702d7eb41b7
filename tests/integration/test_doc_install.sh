#!/bin/bash
# SPDX-License-Identifier: MIT
# 'cmake --install' of the build puts the binary, both man pages, the bash
# completion, the systemd units and their documents where GNUInstallDirs
# says, for a --prefix chosen at install time and under DESTDIR; the units
# start the binary installed with them; man finds the pages by name; the
# installed completion completes with the installed binary; and
# systemd-analyze accepts the units as installed.
. "$(dirname "$0")/lib.sh"

require_cmd cmake man

P=$TMP/prefix
if ! cmake --install "$BUILD_DIR" --prefix "$P" >"$TMP/install.log" 2>&1; then
        fail "cmake --install --prefix succeeds" "$(cat "$TMP/install.log")"
        finish
fi
pass "cmake --install --prefix succeeds"

expected="bin/scmp-super
lib/systemd/system/scmp-super.service
lib/systemd/system/scmp-super.socket
share/bash-completion/completions/scmp-super
share/doc/scmp-super/DAEMON.md
share/doc/scmp-super/DEPLOYMENT.md
share/doc/scmp-super/PROTOCOL.md
share/doc/scmp-super/README.md
share/doc/scmp-super/SECURITY.md
share/doc/scmp-super/TRACE.md
share/man/man1/scmp-super.1
share/man/man5/scmp-super-profile.5"
# Other parts of the project may install more (a library, a header); these
# must be there.
installed=$(cd "$P" && find . -type f | sed 's|^\./||' | sort)
missing=$(comm -23 <(echo "$expected") <(echo "$installed"))
assert_eq "every expected file is installed" "" "$missing"

assert_eq "the installed binary runs" "$("$SCMP_SUPER" version)" "$("$P/bin/scmp-super" version)"
for page in man1/scmp-super.1 man5/scmp-super-profile.5; do
        if cmp -s "$SOURCE_DIR/man/$(basename "$page")" "$P/share/man/$page"; then
                pass "$page is the page in man/"
        else
                fail "$page is the page in man/"
        fi
        out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$P/share/man/$page" 2>&1 >"$TMP/rendered")
        assert_eq "$page: man -l of the installed page is silent" "" "$out"
        assert_contains "$page: man -l of the installed page renders it" "NAME" "$(cat "$TMP/rendered")"
done
assert_eq "man finds scmp-super(1) by name under the prefix" \
        "$P/share/man/man1/scmp-super.1" "$(MANPATH=$P/share/man man -w 1 scmp-super 2>&1)"
assert_eq "man finds scmp-super-profile(5) by name under the prefix" \
        "$P/share/man/man5/scmp-super-profile.5" \
        "$(MANPATH=$P/share/man man -w 5 scmp-super-profile 2>&1)"

units=$P/lib/systemd/system
exec_start=$(sed -n 's/^ExecStart=\([^ ]*\) .*/\1/p' "$units/scmp-super.service")
assert_eq "the service starts the binary installed with it" "$P/bin/scmp-super" "$exec_start"
doc=$(sed -n 's|^Documentation=man:scmp-super(1) file://||p' "$units/scmp-super.service")
assert_eq "the service's Documentation names the installed DEPLOYMENT.md" \
        "$P/share/doc/scmp-super/DEPLOYMENT.md" "$doc"
doc=$(sed -n 's|^Documentation=man:scmp-super(1) file://||p' "$units/scmp-super.socket")
assert_eq "the socket's Documentation names the installed DEPLOYMENT.md" \
        "$P/share/doc/scmp-super/DEPLOYMENT.md" "$doc"
assert_eq "no unit still names /usr/local" "" "$(grep -l /usr/local "$units"/* 2>&1)"
# The rest of each unit is contrib/systemd's, line for line.
for unit in scmp-super.service scmp-super.socket; do
        assert_eq "$unit differs from contrib/systemd's only in its paths" "" \
                "$(diff <(sed "s|$P|/usr/local|g" "$units/$unit") "$SOURCE_DIR/contrib/systemd/$unit")"
done

if command -v systemd-analyze >/dev/null; then
        # verify runs 'man' for each Documentation=man: page, and checks that
        # ExecStart's program exists.
        out=$(MANPATH=$P/share/man timeout -k 5 60 systemd-analyze verify \
                "$units/scmp-super.socket" "$units/scmp-super.service" 2>&1)
        assert_eq "systemd-analyze verify accepts the installed units" "" "$out"
else
        echo "(systemd-analyze is not installed: the units are not verified)"
fi

out=$(bash -c '
        . "$1"
        COMP_WORDS=("$2" ru)
        COMP_CWORD=1
        _scmp_super
        printf "%s\n" "${COMPREPLY[@]}"' - "$P/share/bash-completion/completions/scmp-super" \
        "$P/bin/scmp-super")
assert_eq "the installed completion completes with the installed binary" "run" "$out"

# A package build installs into a staging directory, the prefix /usr.
D=$TMP/destdir
if DESTDIR=$D cmake --install "$BUILD_DIR" --prefix /usr >"$TMP/install.log" 2>&1; then
        pass "DESTDIR=... cmake --install --prefix /usr succeeds"
else
        fail "DESTDIR=... cmake --install --prefix /usr succeeds" "$(cat "$TMP/install.log")"
fi
missing=$(comm -23 <(echo "$expected" | sed 's|^|usr/|') \
        <(cd "$D" && find . -type f | sed 's|^\./||' | sort))
assert_eq "under DESTDIR, every expected file is below DESTDIR/usr" "" "$missing"
assert_eq "under DESTDIR, the service starts /usr/bin/scmp-super" "/usr/bin/scmp-super" \
        "$(sed -n 's/^ExecStart=\([^ ]*\) .*/\1/p' "$D/usr/lib/systemd/system/scmp-super.service")"

finish
