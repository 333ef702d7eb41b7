#!/bin/bash
# SPDX-License-Identifier: MIT
# The README's command synopsis says what the binary takes: a line for every
# command 'scmp-super help' lists, and on it exactly the long options the
# command's --help lists, both ways. The checker itself is shown to catch a
# synopsis that lost an option, gained one, or lost a command.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/doc_lib.sh"

README=$SOURCE_DIR/README.md
require_file "$README"

assert_eq "the synopsis has a line for each command" \
        "$(help_commands | grep -vx -e help -e version | sort | tr '\n' ' ')" \
        "$(readme_commands "$README" | tr '\n' ' ')"
out=$(readme_check "$README")
assert_eq "the README's synopsis shows every option of every command, and no other" "" "$out"

# The checker, on a README fallen behind the binary in each way it looks
# for: an option gone (trace --paths), one invented (status --watch), a
# command gone (groups), and one of two lines of a command gone (profile
# diff stays, profile merge --output goes).
sed -e '/^scmp-super trace /s/ \[--paths\]//' \
        -e 's/^scmp-super status \[--control PATH\]/& [--watch]/' \
        -e '/^scmp-super groups /d' \
        -e '/^scmp-super profile merge /d' \
        "$README" >"$TMP/behind.md"
out=$(readme_check "$TMP/behind.md")
assert_eq "the checker fails on that README" 1 "$?"
assert_contains "a synopsis without trace's --paths: caught" \
        "trace: option \"--paths\" of its --help is missing from the README's synopsis" "$out"
assert_contains "a synopsis with an option status does not take: caught" \
        "status: the README's synopsis shows \"--watch\", which its --help does not list" "$out"
assert_contains "a synopsis without the groups command: caught" \
        "groups: a command of 'scmp-super help' missing from the README's synopsis" "$out"
assert_contains "a synopsis without profile merge's --output: caught" \
        "profile: option \"--output\" of its --help is missing from the README's synopsis" "$out"
assert_eq "the altered README differs in four lines" 4 \
        "$(diff "$README" "$TMP/behind.md" | grep -c '^<')"

finish
