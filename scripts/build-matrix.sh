#!/bin/sh
# Compiles scmp-super the ways packagers do, with -Werror on, and runs
# nothing: Release with gcc, Release with clang, and RelWithDebInfo with
# Debian's hardening flags (dpkg-buildflags, hardening=+all), as
# debhelper's cmake build passes them (CPPFLAGS joined to CFLAGS, since
# CMake reads no CPPFLAGS). Each build goes to a directory of its own under
# TMPDIR, removed afterwards. Exits non-zero at the first build that fails.
# BUILD_MATRIX_JOBS: parallel jobs (2).
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh fuzz # clang
command -v dpkg-buildflags >/dev/null || sh scripts/deps.sh package
jobs=${BUILD_MATRIX_JOBS:-2}
top=$(mktemp -d "${TMPDIR:-/tmp}/scmp-super-matrix.XXXXXX")
trap 'rm -rf "$top"' EXIT

# build NAME COMPILER TYPE [CFLAGS LDFLAGS]
build()
{
        echo "build-matrix: $1 ($2, $3)" >&2
        CC=$2 CFLAGS=${4:-} LDFLAGS=${5:-} cmake -S . -B "$top/$1" -DCMAKE_BUILD_TYPE="$3" \
                -DSCMP_SUPER_WERROR=ON >"$top/$1.log" 2>&1 ||
                {
                        cat "$top/$1.log" >&2
                        exit 1
                }
        # Only what fails is worth reading.
        cmake --build "$top/$1" -j"$jobs" >"$top/$1.log" 2>&1 || {
                grep -E 'error|warning' "$top/$1.log" | head -40 >&2
                echo "build-matrix: $1 failed" >&2
                exit 1
        }
        rm -rf "${top:?}/$1"
}

build release-gcc gcc Release
build release-clang clang Release
flags=$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get CFLAGS)
cppflags=$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get CPPFLAGS)
ldflags=$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get LDFLAGS)
build relwithdebinfo-dpkg gcc RelWithDebInfo "$flags $cppflags" "$ldflags"
echo "build-matrix: all builds compiled without a warning" >&2
