#!/bin/bash
# shellcheck disable=SC2016 # ${HOME} in single quotes is the profile's, not the shell's
# SPDX-License-Identifier: MIT
# examples/agent.json, the profile README.md offers for running an AI
# coding agent or any untrusted tool: the project directory (the one run
# starts in) writable, secrets under a home refused, other writes and
# connections beyond loopback asked about (refused when nobody answers),
# io_uring refused. Home and project live on a tmpfs of the test's own
# mount namespace, outside /tmp (which the profile lets anyone write), and
# the connections stay in a network namespace of its own.
. "$(dirname "$0")/lib.sh"

require_cmd unshare ip
if [ "$(id -u)" != 0 ]; then
        skip "a network and mount namespace of the test's own need root; this runs as uid $(id -u)"
fi
in_own_net_namespace "$@"
# Not loopback, yet reachable only inside this namespace.
FAR=10.0.0.1
ip addr add "$FAR/32" dev lo || skip "ip addr add $FAR/32 dev lo failed"

AGENT=$SOURCE_DIR/examples/agent.json
# A tmpfs over /mnt, seen only in this mount namespace: nothing to clean
# up on the machine whatever happens to the test.
ROOT=/mnt
mount -t tmpfs tmpfs "$ROOT" || skip "cannot mount a tmpfs on $ROOT in the test's namespace"
FAKE_HOME=$ROOT/home
PROJECT=$ROOT/project
mkdir -p "$PROJECT/src" "$FAKE_HOME/.config/editor"
echo 'int main(void) { return 0; }' >"$PROJECT/src/main.c"
echo 'theme = dark' >"$FAKE_HOME/.config/editor/settings"
SECRETS=(.ssh/id_ed25519 .aws/credentials .gnupg/private-keys-v1.d/key.key
        .config/gh/hosts.yml .config/gcloud/credentials.db .kube/config
        .netrc .git-credentials .docker/config.json
        .mozilla/firefox/abc.default/cookies.sqlite
        .config/google-chrome/Default/Cookies .config/chromium/Default/Login\ Data)
for s in "${SECRETS[@]}"; do
        mkdir -p "$FAKE_HOME/$(dirname "$s")"
        echo secret >"$FAKE_HOME/$s"
done

# agent ARGS...: try ARGS under the agent profile, in the project, with
# the fake home, nobody to answer prompts.
agent()
{
        HOME=$FAKE_HOME RUN_CWD=$PROJECT run_sup run --prompt none --policy "$AGENT" -- "$TRY" "$@"
}

run_sup check --strict --policy "$AGENT"
assert_exit "check --strict passes on examples/agent.json" 0
assert_contains "policy OK" "policy OK" "$OUT"

for s in "${SECRETS[@]}"; do
        agent open "$FAKE_HOME/$s"
        expect "reading ~/$s is refused" 0 "open: EACCES"
done
agent open "$FAKE_HOME/.ssh/id_ed25519" wronly
expect "writing a key is refused too" 0 "open: EACCES"
agent rename "$FAKE_HOME/.ssh/id_ed25519" "$PROJECT/stolen"
expect "moving a key into the project is refused" 0 "rename: EACCES"
agent open "$FAKE_HOME/.ssh"
expect "listing ~/.ssh is refused" 0 "open: EACCES"
agent open "$FAKE_HOME/.config/editor/settings"
expect "other configuration stays readable" 0 "open: OK"

agent open "$PROJECT/src/main.c" rdwr -- open "$PROJECT/out.o" wronly\|creat \
        -- mkdir "$PROJECT/build" -- rename "$PROJECT/out.o" "$PROJECT/build/out.o" \
        -- unlink "$PROJECT/build/out.o"
expect "the project is readable and writable" 0 \
        "$(printf '%s\n' "open: OK" "open: OK" "mkdir: OK" "rename: OK" "unlink: OK")"
agent open "$FAKE_HOME/notes.txt" wronly\|creat -- mkdir "$ROOT/elsewhere"
expect "a write outside the project is asked about, and refused with nobody to answer" 0 \
        "$(printf '%s\n' "open: EACCES" "mkdir: EACCES")"
assert_eq "and nothing was made" "absent absent" \
        "$(exists "$FAKE_HOME/notes.txt") $(exists "$ROOT/elsewhere")"

agent io-uring-setup 1
expect "io_uring_setup is refused as missing" 0 "io-uring-setup: ENOSYS"

# A closed port: ECONNREFUSED means the connect reached the kernel.
agent connect 127.0.0.1:9 -- sendto 127.0.0.1:9
expect "loopback connects and sends go through" 0 "$(printf '%s\n' "connect: ECONNREFUSED" "sendto: OK")"
agent connect "$FAR:9" -- sendto "$FAR:9"
expect "any other address is asked about, and refused with nobody to answer" 0 \
        "$(printf '%s\n' "connect: EACCES" "sendto: EACCES")"
# Without --prompt and without a terminal the prompt waits on the control
# socket for its deadline, then refuses.
HOME=$FAKE_HOME RUN_CWD=$PROJECT run_sup run --prompt-timeout 0.2 --policy "$AGENT" -- \
        "$TRY" connect "$FAR:9"
expect "with no terminal and no answer the prompt times out: refused" 0 "connect: EACCES"

# ${HOME} is the invoking user's: without a HOME the profile does not load.
HOME= RUN_CWD=$PROJECT run_sup run --policy "$AGENT" -- "$TRY" exit 0
assert_exit "no HOME: the profile does not load (125)" 125
assert_contains "and says why" '${HOME} (the invoking user'"'"'s home) is not known here' "$ERR"
# The daemon serves many users: a profile naming ${HOME} does not load
# there, even with a HOME set, and the daemon does not start.
HOME=$FAKE_HOME run_sup daemon --socket "$TMP/agent.sock" --control "$TMP/control.sock" \
        --policy "$AGENT"
assert_exit "the daemon refuses a profile with \${HOME} (1, not started)" 1
assert_contains "and says why" "or this is the daemon, which serves many users" "$ERR"
# A HOME reached through a symlink is the home it leads to: rules match
# files' true names.
ln -s "$FAKE_HOME" "$ROOT/home-link"
HOME=$ROOT/home-link RUN_CWD=$PROJECT run_sup run --prompt none --policy "$AGENT" -- \
        "$TRY" open "$FAKE_HOME/.ssh/id_ed25519"
expect "HOME through a symlink: the key is still refused" 0 "open: EACCES"

finish
