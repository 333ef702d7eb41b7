#!/bin/bash
# SPDX-License-Identifier: MIT
# The man pages in man/ render without a single warning from mandoc's lint,
# groff and man-db, and scmp-super(1) says what the binary does: a section
# for every command 'scmp-super help' lists, and in it exactly the options
# the command's --help lists. The checker itself is shown to catch a page
# that lost an option, gained one, or lost a command.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/doc_lib.sh"

require_cmd mandoc groff man

PAGES=$(ls "$MAN_DIR"/*.[1-8])
assert_eq "man/ holds scmp-super.1 and scmp-super-profile.5" \
        "scmp-super-profile.5 scmp-super.1" "$(cd "$MAN_DIR" && echo *.[1-8])"

for page in $PAGES; do
        name=$(basename "$page")
        # -W style: mandoc's strictest level, style hints included.
        out=$(mandoc -T lint -W style "$page" 2>&1)
        assert_eq "$name: mandoc -T lint is silent" "" "$out"
        out=$(groff -mandoc -ww -z "$page" 2>&1)
        assert_eq "$name: groff -mandoc -ww is silent" "" "$out"
        out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>&1 >"$TMP/rendered")
        assert_eq "$name: man --warnings -l is silent" "" "$out"
        assert_contains "$name: man -l renders its NAME section" "NAME" "$(cat "$TMP/rendered")"
        # A line too long to break shows up as a rendered line over the width.
        long=$(LC_ALL=C.UTF-8 bash -c 'while IFS= read -r l; do
                [ "${#l}" -le 80 ] || printf "%s\n" "$l"; done' <"$TMP/rendered")
        assert_eq "$name: no rendered line over 80 columns" "" "$long"
done

page=$MAN_DIR/scmp-super.1
out=$(man_check "$page")
assert_eq "scmp-super.1 documents every command and option, and no other" "" "$out"

# The checker, on a page fallen behind the binary in each way it looks for: an
# option gone (--strict, from run and check), one invented (run
# --kconnect), a command renamed (status), a short form lost (run -p).
sed -e '/^\.B \\-\\-strict$/d' \
        -e 's/^\.BR \\-\\-connect " \\fIpath\\fR"$/.BR \\-\\-connect ", " \\-\\-kconnect " \\fIpath\\fR"/' \
        -e 's/^\.SS status$/.SS state/' \
        -e 's/^\.BR \\-p ", " \\-\\-policy " \\fIfile\\fR"$/.BR \\-\\-policy " \\fIfile\\fR"/' \
        "$page" >"$TMP/behind.1"
out=$(man_check "$TMP/behind.1")
assert_eq "the checker fails on that page" 1 "$?"
assert_contains "a page without run's --strict: caught" \
        'run: option "--strict" of its --help is not tagged in its section' "$out"
assert_contains "a page without check's --strict: caught" \
        'check: option "--strict" of its --help is not tagged in its section' "$out"
assert_contains "a page with an option run does not take: caught" \
        'run: the page tags "--kconnect", which its --help does not list' "$out"
assert_contains "a page without the status command: caught" \
        "status: a command of 'scmp-super help' with no section in COMMANDS" "$out"
assert_contains "a page with a command the binary lacks: caught" \
        "state: a section of COMMANDS that 'scmp-super help' does not list" "$out"
assert_contains "a page that lost -p of --policy: caught" \
        'run: option "--policy -p" of its --help is not tagged in its section' "$out"
# Every sed expression above changed something.
assert_eq "the altered page differs from man/ in five lines or more" yes \
        "$(if [ "$(diff "$page" "$TMP/behind.1" | grep -c '^<')" -ge 5 ]; then echo yes; else echo no; fi)"

finish
