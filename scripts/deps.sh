#!/bin/sh
# Installs what scmp-super needs to build and test, on Debian 12, only when
# something is missing (apt-get update is slow and needs the network).
set -eu

BUILD="cmake gcc make pkg-config libseccomp-dev libuv1-dev libcjson-dev libcmocka-dev"
# The tests run real programs and real container runtimes, and load
# Docker's and Podman's default profiles from their Debian packages.
# test_prompt_pty.sh runs vim and less on a pty, and finds processes with
# procps's pgrep and ps. test_doc_man.sh lints the man pages with mandoc and
# renders them with man-db (and its groff). test_containerd.sh starts a
# containerd of its own and drives it with ctr. test_daemon_metrics.sh
# checks the metrics file with prometheus_client's OpenMetrics parser too.
# test_podman*.sh run Podman; test_container_examples.sh parses the
# Kubernetes manifest and test_recipes.sh the CI jobs of examples/ci with
# python3-yaml.
TEST="python3 git jq strace tmux util-linux busybox-static crun runc
clang-format golang-github-docker-docker-dev
golang-github-containers-common-dev vim less procps man-db mandoc containerd
python3-prometheus-client podman python3-yaml"
# scripts/fuzz.sh: clang with libFuzzer and the sanitizer runtimes, and the
# static analyser.
FUZZ="clang libclang-rt-14-dev clang-tidy"
# scripts/build-matrix.sh reads Debian's hardening flags; scripts/deb-test.sh
# builds the package from debian/ and checks it with lintian.
PACKAGE="dpkg-dev debhelper lintian"

case "${1:-build}" in
build) wanted="$BUILD" ;;
demo) wanted="$BUILD python3" ;; # examples/demo-workload.sh dials out with python3
test) wanted="$BUILD $TEST" ;;
package) wanted="$BUILD $PACKAGE" ;;
fuzz) wanted="$BUILD $TEST $FUZZ $PACKAGE" ;; # everything CI runs
*) echo "usage: scripts/deps.sh [build|demo|test|package|fuzz]" >&2; exit 2 ;;
esac

missing=""
for p in $wanted; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
                missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "scmp-super: installing:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
        SUDO=""
elif command -v sudo >/dev/null; then
        SUDO="sudo"
else
        echo "scmp-super: need root (or sudo) to install:$missing" >&2
        exit 1
fi
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
