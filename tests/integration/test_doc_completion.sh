#!/bin/bash
# SPDX-License-Identifier: MIT
# contrib/bash-completion/scmp-super, sourced into this bash and called as
# readline would call it (COMP_WORDS, COMP_CWORD): it offers every command
# and, for each command, exactly the long options of its --help; an
# option's argument as the option takes it (files, directories, a few
# words, nothing for a number); a group name to groups; and the command to
# run after run's options.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/doc_lib.sh"

COMPLETION=$SOURCE_DIR/contrib/bash-completion/scmp-super
# shellcheck source=../../contrib/bash-completion/scmp-super
. "$COMPLETION"

assert_eq "the completion is registered for scmp-super" \
        "complete -F _scmp_super scmp-super" "$(complete -p scmp-super)"

# complete WORD...: what the completion offers for the command line
# "scmp-super WORD...", the cursor at the end of the last WORD (give "" to
# complete a new word); sorted, one a line.
complete_words()
{
        COMP_WORDS=("$SCMP_SUPER" "$@")
        COMP_CWORD=$#
        COMP_LINE="${COMP_WORDS[*]}"
        COMP_POINT=${#COMP_LINE}
        COMPREPLY=()
        _scmp_super
        printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort
}

assert_eq "a first word: every command of 'scmp-super help'" \
        "$(help_commands | sort)" "$(complete_words "")"
assert_eq "\"ru\": run" "run" "$(complete_words ru)"
assert_eq "\"--\" first: --help and --version" \
        "$(printf '%s\n' --help --version)" "$(complete_words --)"

for cmd in $(help_commands); do
        case $cmd in help | version) continue ;; esac
        want=$(help_options "$cmd" | awk '{ print $1 }')
        case $cmd in run | trace) want+=$'\n--' ;; esac
        assert_eq "$cmd --: exactly the long options of its --help" \
                "$(sort <<<"$want")" "$(complete_words "$cmd" --)"
done
assert_eq "daemon --po: --policy and --policy-dir" \
        "$(printf '%s\n' --policy --policy-dir)" "$(complete_words daemon --po)"

mkdir -p "$TMP/profiles" "$TMP/pdir"
touch "$TMP/profile.json" "$TMP/plain"
assert_eq "run --policy: files and directories" \
        "$(printf '%s\n' "$TMP/pdir" "$TMP/plain" "$TMP/profile.json" "$TMP/profiles")" \
        "$(complete_words run --policy "$TMP/p")"
assert_eq "run -p (short form): files too" \
        "$TMP/profile.json" "$(complete_words run -p "$TMP/profile.")"
assert_eq "trace --output: files" \
        "$TMP/profile.json" "$(complete_words trace --output "$TMP/profile.")"
assert_eq "daemon --policy-dir: directories only" \
        "$(printf '%s\n' "$TMP/pdir" "$TMP/profiles")" \
        "$(complete_words daemon --policy-dir "$TMP/p")"
assert_eq "daemon --decision-timeout: a number, nothing offered" \
        "" "$(complete_words daemon --decision-timeout "")"
assert_eq "run --prompt: tty, socket, none" \
        "$(printf '%s\n' none socket tty)" "$(complete_words run --prompt "")"
assert_eq "trace -f j: json, junit" \
        "$(printf '%s\n' json junit)" "$(complete_words trace -f j)"
assert_eq "trace --format=j, one word: json, junit" \
        "$(printf '%s\n' json junit)" "$(complete_words trace --format=j)"
assert_eq "trace --format = j, as bash splits it: json, junit" \
        "$(printf '%s\n' json junit)" "$(complete_words trace --format = j)"
assert_eq "an option without an argument: no files after it" \
        "" "$(complete_words check --quiet "$TMP/p")"

assert_eq "profile: merge and diff" "$(printf '%s\n' diff merge)" "$(complete_words profile "")"
assert_eq "profile merge: files" "$TMP/profile.json" \
        "$(complete_words profile merge "$TMP/profile.")"
assert_eq "groups @net: @network-io" "@network-io" "$(complete_words groups @net)"

mkdir -p "$TMP/bin"
printf '#!/bin/sh\n' >"$TMP/bin/scmpsupertestcmd"
chmod +x "$TMP/bin/scmpsupertestcmd"
PATH=$TMP/bin:$PATH
assert_eq "run -p FILE -- scmpsupertest: the command to run" \
        "scmpsupertestcmd" \
        "$(complete_words run -p "$TMP/profile.json" -- scmpsupertest)"
assert_eq "run -p FILE scmpsupertest (no --): the command to run" \
        "scmpsupertestcmd" "$(complete_words run -p "$TMP/profile.json" scmpsupertest)"
assert_eq "run --prompt = none scmpsupertest: the command to run" \
        "scmpsupertestcmd" "$(complete_words run --prompt = none scmpsupertest)"
assert_eq "run -- CMD ARG: the command's arguments are files" \
        "$TMP/profile.json" "$(complete_words run -- scmpsupertestcmd "$TMP/profile.")"
assert_eq "run -- CMD --p: options go to the command, not to run" \
        "" "$(complete_words run -- scmpsupertestcmd --pol)"

finish
