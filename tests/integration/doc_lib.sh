# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# Sourced by the test_doc_*.sh tests, after lib.sh: what the binary's own
# help says (its commands, each command's options) and what the man page
# says, in the same shape, so that a test can compare them.

# Used by the scripts that source this file.
# shellcheck disable=SC2034
MAN_DIR=$SOURCE_DIR/man

# help_commands: the commands 'scmp-super help' lists, one a line.
help_commands()
{
        "$SCMP_SUPER" help | awk '/^Commands:/ { on = 1; next }
                on && /^$/ { exit }
                on && /^  [a-z]/ { print $1 }'
}

# help_options CMD: the options in the option list of 'scmp-super CMD --help',
# one a line: "--long" or "--long -s" when it has a short form too.
help_options()
{
        "$SCMP_SUPER" "$1" --help | sed -nE \
                -e 's/^ {1,8}(-[A-Za-z0-9]), (--[a-z0-9][a-z0-9-]*).*/\2 \1/p' \
                -e 's/^ {1,8}(--[a-z0-9][a-z0-9-]*).*/\1/p' | sort -u
}

# help_mentions CMD: every long option anywhere in CMD's help (empty CMD:
# the top-level help), prose included, one a line.
help_mentions()
{
        "$SCMP_SUPER" ${1:+"$1"} --help | grep -oE -- '--[a-z0-9][a-z0-9-]*' | sort -u
}

# man_text PAGE: the page's source with the escapes that hide options and
# names undone: \- is -, \% \& and font changes are gone.
man_text()
{
        sed -E -e 's/\\-/-/g' -e 's/\\[%&]//g' -e 's/\\f[BIRP]//g' -e 's/\\f\(..//g' "$1"
}

# man_commands PAGE: the .SS headings of the COMMANDS section, one a line.
man_commands()
{
        man_text "$1" | awk '/^\.SH/ { on = ($2 == "COMMANDS"); next }
                on && /^\.SS/ { sub(/^\.SS +/, ""); gsub(/"/, ""); print }'
}

# man_options PAGE CMD: the options tagged (.TP) in CMD's section of
# COMMANDS, in help_options' shape.
man_options()
{
        man_text "$1" | awk -v cmd="$2" '
                /^\.SH/ { on = ($2 == "COMMANDS"); here = 0; next }
                on && /^\.SS/ { s = $0; sub(/^\.SS +/, "", s); gsub(/"/, "", s); here = (s == cmd); next }
                here && /^\.TP/ { tag = 1; next }
                here && tag {
                        tag = 0; long = ""; short = ""
                        n = split($0, w, /[ "]+/)
                        for (i = 1; i <= n; i++) {
                                if (w[i] ~ /^--[a-z0-9][a-z0-9-]*$/) long = w[i]
                                else if (w[i] ~ /^-[A-Za-z0-9]$/) short = w[i]
                        }
                        if (long != "") print long (short != "" ? " " short : "")
                }' | sort -u
}

# man_check PAGE: compares PAGE with the binary; prints each difference and
# returns 1 if there is any. Every command 'help' lists has a section and
# nothing else has one; each section tags exactly the options of its
# command's --help, short forms included; every option any help mentions
# is somewhere in the page.
man_check()
{
        local page=$1 bad=0 cmd opt commands sections want have text
        commands=$(help_commands | sort)
        sections=$(man_commands "$page" | sort)
        for cmd in $commands; do
                grep -qx -- "$cmd" <<<"$sections" || {
                        echo "$cmd: a command of 'scmp-super help' with no section in COMMANDS"
                        bad=1
                }
        done
        for cmd in $sections; do
                grep -qx -- "$cmd" <<<"$commands" || {
                        echo "$cmd: a section of COMMANDS that 'scmp-super help' does not list"
                        bad=1
                }
        done
        text=$(man_text "$page")
        for cmd in $commands; do
                case $cmd in help | version) continue ;; esac
                want=$(help_options "$cmd")
                have=$(man_options "$page" "$cmd")
                while read -r opt; do
                        [ -n "$opt" ] || continue
                        grep -qxF -- "$opt" <<<"$have" || {
                                echo "$cmd: option \"$opt\" of its --help is not tagged in its section"
                                bad=1
                        }
                done <<<"$want"
                while read -r opt; do
                        # Every command takes --help; groups' help lists no options.
                        if [ -z "$opt" ] || [ "$opt" = "--help -h" ]; then
                                continue
                        fi
                        grep -qxF -- "$opt" <<<"$want" || {
                                echo "$cmd: the page tags \"$opt\", which its --help does not list"
                                bad=1
                        }
                done <<<"$have"
                for opt in $(help_mentions "$cmd"); do
                        grep -qE -- "$opt([^a-z0-9-]|\$)" <<<"$text" || {
                                echo "$cmd: --help mentions $opt, which the page never does"
                                bad=1
                        }
                done
        done
        for opt in $(help_mentions ""); do
                grep -qE -- "$opt([^a-z0-9-]|\$)" <<<"$text" || {
                        echo "scmp-super --help mentions $opt, which the page never does"
                        bad=1
                }
        done
        return $bad
}
