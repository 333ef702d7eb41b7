# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# Sourced by the test_doc_*.sh tests, after lib.sh: what the binary's own
# help says (its commands, each command's options) and what the man page
# says, in the same shape, so that a test can compare them.

# Used by the scripts that source this file.
# shellcheck disable=SC2034
MAN_DIR=$SOURCE_DIR/man

# help_text [CMD]: 'scmp-super [CMD] --help', run once per test and kept.
declare -A HELP_TEXT
help_text()
{
        local key=${1:-.}
        if [[ -z ${HELP_TEXT[$key]+set} ]]; then
                HELP_TEXT[$key]=$("$SCMP_SUPER" ${1:+"$1"} --help)
        fi
        printf '%s\n' "${HELP_TEXT[$key]}"
}

# help_commands: the commands 'scmp-super help' lists, one a line.
help_commands()
{
        help_text | awk '/^Commands:/ { on = 1; next }
                on && /^$/ { exit }
                on && /^  [a-z]/ { print $1 }'
}

# help_options CMD: the options in the option list of 'scmp-super CMD --help',
# one a line: "--long" or "--long -s" when it has a short form too.
help_options()
{
        help_text "$1" | sed -nE \
                -e 's/^ {1,8}(-[A-Za-z0-9]), (--[a-z0-9][a-z0-9-]*).*/\2 \1/p' \
                -e 's/^ {1,8}(--[a-z0-9][a-z0-9-]*).*/\1/p' | sort -u
}

# help_mentions [CMD]: every long option anywhere in CMD's help (without
# CMD: the top-level help), prose included, one a line.
help_mentions()
{
        help_text "$@" | grep -oE -- '--[a-z0-9][a-z0-9-]*' | sort -u
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
        local page=$1 cmd opt commands mentioned out=""
        commands=$(help_commands | sort)
        out+=$(comm -23 <(echo "$commands") <(man_commands "$page" | sort) |
                sed "s/.*/&: a command of 'scmp-super help' with no section in COMMANDS/")$'\n'
        out+=$(comm -13 <(echo "$commands") <(man_commands "$page" | sort) |
                sed "s/.*/&: a section of COMMANDS that 'scmp-super help' does not list/")$'\n'
        mentioned=$(man_text "$page" | grep -oE -- '--[a-z0-9][a-z0-9-]*' | sort -u)
        for cmd in $commands; do
                case $cmd in help | version) continue ;; esac
                # Every command takes --help; groups' help lists no options.
                out+=$(comm -23 <(help_options "$cmd") <(man_options "$page" "$cmd") |
                        sed "s/.*/$cmd: option \"&\" of its --help is not tagged in its section/")$'\n'
                out+=$(comm -13 <(help_options "$cmd") \
                        <(man_options "$page" "$cmd" | grep -vx -- '--help -h') |
                        sed "s/.*/$cmd: the page tags \"&\", which its --help does not list/")$'\n'
                out+=$(comm -23 <(help_mentions "$cmd") <(echo "$mentioned") |
                        sed "s/.*/$cmd: --help mentions &, which the page never does/")$'\n'
        done
        out+=$(comm -23 <(help_mentions) <(echo "$mentioned") |
                sed "s/.*/scmp-super --help mentions &, which the page never does/")
        out=$(sed '/^$/d' <<<"$out")
        [ -z "$out" ] && return 0
        echo "$out"
        return 1
}

# readme_synopsis FILE: the "## Commands" section's code block of FILE (the
# README), one command a line: "CMD OPTION...", its continuation lines
# joined, every long option it shows ("--" alone, which ends the options,
# left out). A command shown on two lines (run, and run --connect) gives two.
readme_synopsis()
{
        awk '/^## / { on = ($0 == "## Commands"); next }
                on && /^```/ { if (block) exit; block = 1; next }
                on && block' "$1" |
                awk '/^scmp-super / { if (line != "") print line; line = $2; rest = $0; sub(/^scmp-super [a-z]+/, "", rest) }
                        /^ / { rest = $0 }
                        {
                                while (match(rest, /--[a-z0-9][a-z0-9-]*/)) {
                                        line = line " " substr(rest, RSTART, RLENGTH)
                                        rest = substr(rest, RSTART + RLENGTH)
                                }
                        }
                        END { if (line != "") print line }'
}

# readme_commands FILE: the commands its synopsis shows, one a line.
readme_commands()
{
        readme_synopsis "$1" | awk '{ print $1 }' | sort -u
}

# readme_options FILE CMD: the long options the synopsis shows for CMD.
readme_options()
{
        readme_synopsis "$1" | awk -v cmd="$2" '$1 == cmd { for (i = 2; i <= NF; i++) print $i }' |
                sort -u
}

# readme_check FILE: compares the README's synopsis with the binary; prints
# each difference and returns 1 if there is any. Every command 'help' lists
# (but help and version) has a line and nothing else has one; each shows
# exactly the long options of its command's --help, --help itself aside.
readme_check()
{
        local readme=$1 cmd commands out=""
        commands=$(help_commands | grep -vx -e help -e version | sort)
        out+=$(comm -23 <(echo "$commands") <(readme_commands "$readme") |
                sed "s/.*/&: a command of 'scmp-super help' missing from the README's synopsis/")$'\n'
        out+=$(comm -13 <(echo "$commands") <(readme_commands "$readme") |
                sed "s/.*/&: in the README's synopsis, but not a command of 'scmp-super help'/")$'\n'
        for cmd in $commands; do
                out+=$(comm -23 <(help_options "$cmd" | awk '{ print $1 }' | grep -vx -- --help) \
                        <(readme_options "$readme" "$cmd") |
                        sed "s/.*/$cmd: option \"&\" of its --help is missing from the README's synopsis/")$'\n'
                out+=$(comm -13 <(help_options "$cmd" | awk '{ print $1 }') \
                        <(readme_options "$readme" "$cmd") |
                        sed "s/.*/$cmd: the README's synopsis shows \"&\", which its --help does not list/")$'\n'
        done
        out=$(sed '/^$/d' <<<"$out")
        [ -z "$out" ] && return 0
        echo "$out"
        return 1
}
