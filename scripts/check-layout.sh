#!/bin/sh
# The layout's habits, checked (HACKING.md, "Where new code goes"): every
# .c file of policy/, supervisor/ and client/ opens with its SPDX line and
# a line saying what it is for, and is named in docs/ARCHITECTURE.md; no
# source folder holds more than 24 files; no .c file is over 900 lines.
# Prints each breach and exits 1 if there is any.
set -eu
cd "$(dirname "$0")/.."
bad=0
say() {
        echo "check-layout: $*" >&2
        bad=1
}
files=$(git ls-files 'policy/*.c' 'supervisor/*.c' 'client/*.c' 2>/dev/null ||
        find policy supervisor client -name '*.c')
for f in $files; do
        first=$(sed -n 1p "$f")
        second=$(sed -n 2p "$f")
        case $first in
        "/* SPDX-License-Identifier: MIT */") ;;
        *) say "$f: the first line is not the SPDX line" ;;
        esac
        name=${f#supervisor/}
        case $second in
        "/* $name: "* | "/* $(basename "$f"): "*) ;;
        *) say "$f: line 2 should be '/* $name: what it is for. */'" ;;
        esac
        grep -q "^  $(basename "$f") " docs/ARCHITECTURE.md ||
                say "$f: not in docs/ARCHITECTURE.md's tree; add a line for it"
        lines=$(wc -l <"$f")
        [ "$lines" -le 900 ] || say "$f: $lines lines; split it along a seam (at most 900)"
done
for d in policy client supervisor supervisor/*/; do
        d=${d%/}
        n=$(find "$d" -maxdepth 1 -type f -name '*.[ch]' | wc -l)
        [ "$n" -le 24 ] || say "$d: $n source files; split the folder (at most 24)"
done
exit $bad
