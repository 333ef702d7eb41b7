#!/bin/sh
# Builds the Debian packages from debian/ the way a Debian user would
# (dpkg-buildpackage -us -uc -b), checks them with lintian, installs them,
# runs what they installed, and removes them again. Run by CI (.ci/run).
#
# The build runs in a copy of the tree under TMPDIR, since dpkg-buildpackage
# writes into the source's parent directory and into debian/; the working
# tree is never touched. The packages are purged at the end, pass or fail;
# if either is installed already, the script stops before building, since
# it could not leave the machine as it found it.
#
# DEB_TEST_CHECK=1 runs the unit tests inside the package build too (the
# suite runs them anyway, so CI leaves them out: DEB_BUILD_OPTIONS=nocheck).
# DEB_TEST_JOBS: parallel jobs (2). DEB_TEST_KEEP=1 keeps the build directory.
set -eu
cd "$(dirname "$0")/.."
source_dir=$PWD
sh scripts/deps.sh package

say() { echo "deb-test: $*" >&2; }
die()
{
        say "$*"
        exit 1
}

packages="scmp-super libscmp-super-client-dev"
for p in $packages; do
        if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
                die "$p is installed already; remove it first (this test installs and removes it)"
        fi
done
[ "$(id -u)" -eq 0 ] || die "installing the packages needs root"

top=$(mktemp -d "${TMPDIR:-/tmp}/scmp-super-deb.XXXXXX")
installed=""
cleanup()
{
        status=$?
        if [ -n "$installed" ]; then
                # shellcheck disable=SC2086 # several package names
                dpkg --purge $installed >"$top/purge.log" 2>&1 ||
                        {
                                cat "$top/purge.log" >&2
                                status=1
                        }
                for p in $installed; do
                        left=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
                        if [ -n "$left" ] && [ "$left" != not-installed ]; then
                                say "$p is left $left after dpkg --purge"
                                status=1
                        fi
                done
        fi
        if [ "${DEB_TEST_KEEP:-0}" = 1 ]; then
                say "kept $top"
        else
                rm -rf "$top"
        fi
        exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The tree as it is, uncommitted changes included, without build output.
src=$top/scmp-super
mkdir "$src"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        # Files deleted but not yet committed are left out.
        # shellcheck disable=SC2016 # expanded by the inner sh
        git ls-files -z --cached --others --exclude-standard |
                xargs -0 -r sh -c 'for f; do [ ! -e "$f" ] || printf "%s\0" "$f"; done' sh |
                tar --null -T - -cf - | tar -C "$src" -xf -
else
        tar --exclude='./build*' -cf - . | tar -C "$src" -xf -
fi

options="parallel=${DEB_TEST_JOBS:-2}"
[ "${DEB_TEST_CHECK:-0}" = 1 ] || options="$options nocheck"
say "dpkg-buildpackage -us -uc -b (DEB_BUILD_OPTIONS=$options)"
if ! (cd "$src" && DEB_BUILD_OPTIONS=$options dpkg-buildpackage -us -uc -b) \
        >"$top/build.log" 2>&1; then
        tail -60 "$top/build.log" >&2
        die "dpkg-buildpackage failed"
fi
# A warning in a packager's build is worth seeing, if not failing over.
grep -E 'warning:' "$top/build.log" | sort -u | sed 's/^/deb-test: build: /' >&2 || true

version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
arch=$(dpkg --print-architecture)
bin_deb=$top/scmp-super_${version}_$arch.deb
dev_deb=$top/libscmp-super-client-dev_${version}_$arch.deb
if [ ! -f "$bin_deb" ] || [ ! -f "$dev_deb" ]; then
        die "the .deb files are missing: $(ls "$top")"
fi

failed=0
check()
{ # check NAME COMMAND...: runs COMMAND, says ok or FAIL
        name=$1
        shift
        if "$@" >"$top/check.out" 2>&1; then
                echo "ok - $name"
        else
                echo "FAIL - $name"
                sed 's/^/    /' "$top/check.out" | head -20
                failed=$((failed + 1))
        fi
}

if command -v lintian >/dev/null; then
        lintian --tag-display-limit 0 "$top"/*.changes >"$top/lintian.log" 2>&1 || true
        sed 's/^/deb-test: lintian: /' "$top/lintian.log" >&2
        check "lintian reports no error" sh -c "! grep -q '^E:' '$top/lintian.log'"
fi

installed=$packages
check "dpkg -i installs both packages" dpkg -i "$bin_deb" "$dev_deb"

check "the installed binary says its version" \
        sh -c "/usr/bin/scmp-super --version | grep -qx 'scmp-super $version'"
check "the installed binary runs /bin/true under the built-in profile" \
        /usr/bin/scmp-super run -- /bin/true
check "the installed binary passes on a command's exit status" \
        sh -c '/usr/bin/scmp-super run -- /bin/sh -c "exit 3"; [ $? -eq 3 ]'
check "the installed binary checks an example profile" \
        /usr/bin/scmp-super check --quiet --policy "$source_dir/examples/default.json"
# Linked the way hardening=+all asks: position-independent, bind-now.
check "the binary is PIE" sh -c "readelf -h /usr/bin/scmp-super | grep -q 'Type:.*DYN'"
check "the binary is linked with -z now" \
        sh -c "readelf -d /usr/bin/scmp-super | grep -q 'BIND_NOW\|FLAGS_1.*NOW'"

dpkg -L scmp-super >"$top/bin.list"
dpkg -L libscmp-super-client-dev >"$top/dev.list"
check "dpkg -L scmp-super lists the binary" grep -qx /usr/bin/scmp-super "$top/bin.list"
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
for f in /usr/include/scmp-super/scmp_client.h /usr/lib/"$multiarch"/libscmp-super-client.a \
        /usr/lib/"$multiarch"/pkgconfig/scmp-super-client.pc; do
        check "dpkg -L libscmp-super-client-dev lists $f" grep -qx "$f" "$top/dev.list"
done
# What the tree has to install beside the binary is in the package once
# CMake installs it: each man page, the bash completion, each unit.
for page in "$source_dir"/man/*.[1-8]; do
        [ -e "$page" ] || continue
        name=$(basename "$page")
        check "the package has the man page $name" \
                grep -qx "/usr/share/man/man${name##*.}/$name.gz" "$top/bin.list"
done
if [ -e "$source_dir/contrib/bash-completion/scmp-super" ]; then
        check "the package has the bash completion" \
                grep -qx /usr/share/bash-completion/completions/scmp-super "$top/bin.list"
fi
if grep -q 'contrib/systemd' "$source_dir"/CMakeLists.txt "$source_dir"/cmake/*.cmake; then
        for unit in "$source_dir"/contrib/systemd/*.service "$source_dir"/contrib/systemd/*.socket; do
                [ -e "$unit" ] || continue
                check "the package has the unit $(basename "$unit")" \
                        grep -qx "/lib/systemd/system/$(basename "$unit")" "$top/bin.list"
        done
fi

# What an installed unit names as its documentation is there. (Paths and
# Documentation= entries are words: no spaces in them.)
# shellcheck disable=SC2013
for unit in $(grep '^/lib/systemd/system/' "$top/bin.list"); do
        # shellcheck disable=SC2013
        for doc in $(sed -n 's/^Documentation=//p' "$unit"); do
                case $doc in
                file://*) check "$(basename "$unit") names ${doc#file://}, which is installed" \
                        test -e "${doc#file://}" ;;
                esac
        done
done

# A program of someone else's, built against the installed package alone.
check "a client compiles with pkg-config's flags for the installed package" \
        sh -c "cc -Wall -Werror -o '$top/client_example' '$source_dir/tests/packaging/client_example.c' \
                \$(pkg-config --cflags --libs scmp-super-client)"
check "the client reports a missing socket" \
        sh -c "'$top/client_example' '$top/missing.sock' | grep -qx 'connect: No such file or directory'"

if [ "$failed" -ne 0 ]; then
        die "$failed check(s) failed"
fi
say "the packages build, install, run and are removed again"
