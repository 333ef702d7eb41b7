# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# bench/bench_lib.sh: what the standalone benchmarks (ci_trace.sh,
# fairness.sh, explain.sh) share. Sourced, not run.

# say WORDS...: progress and errors, on stderr.
say() { printf '%s\n' "$*" >&2; }

# median FILE: the median of the numbers in FILE, one a line.
median() {
        sort -g "$1" | awk '{ v[NR] = $1 }
                END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# line CELLS...: one row of the results table, as Markdown when MARKDOWN
# is 1, else through the caller's printf format FMT.
line() {
        if ((MARKDOWN)); then
                printf '|'
                printf ' %s |' "$@"
                printf '\n'
        else
                # shellcheck disable=SC2059
                printf "$FMT" "$@"
        fi
}
