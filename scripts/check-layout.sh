#!/bin/sh
# The layout's habits, checked (HACKING.md, "Where new code goes"): every
# .c file of policy/, supervisor/ and client/ opens with its SPDX line and
# a line saying what it is for; docs/ARCHITECTURE.md's tree names every
# .c file and header-only .h under its folder, and nothing that is gone;
# no folder holds more than 24 .c files; no .c file is over 900 lines.
# Prints each breach and exits 1 if there is any.
set -eu
cd "$(dirname "$0")/.."
doc=docs/ARCHITECTURE.md
bad=0
say() {
        echo "check-layout: $*" >&2
        bad=1
}
files=$(git ls-files 'policy/*.[ch]' 'supervisor/*.[ch]' 'client/*.[ch]' 2>/dev/null ||
        find policy supervisor client -name '*.[ch]')
# The tree as "folder/file" lines: a folder's heading ("supervisor/core/  (...)")
# then its files, indented by two spaces.
listed=$(awk '/^## The tree/ { t = 1 } t && /^```/ { n++; next } t && n == 1 {
        if ($0 ~ /^[a-z]/) { dir = $1; sub(/\/$/, "", dir) }
        else if ($0 ~ /^  [A-Za-z_0-9]+\.[ch] /) print dir "/" $1 }' "$doc")
expected=""
for f in $files; do
        case $f in
        *.h) [ -e "${f%.h}.c" ] && continue ;;
        esac
        expected="$expected $f"
        echo "$listed" | grep -qx "$f" ||
                say "$f: not in $doc's tree under $(dirname "$f")/; add a line for it"
        case $f in *.h) continue ;; esac
        case $(sed -n 1p "$f") in
        "/* SPDX-License-Identifier: MIT */") ;;
        *) say "$f: the first line is not the SPDX line" ;;
        esac
        name=${f#supervisor/}
        case $(sed -n 2p "$f") in
        "/* $name: "*) ;;
        *) say "$f: line 2 should be '/* $name: what it is for. */'" ;;
        esac
        lines=$(wc -l <"$f")
        [ "$lines" -le 900 ] || say "$f: $lines lines; split it along a seam (at most 900)"
done
for l in $listed; do
        case " $expected " in
        *" $l "*) ;;
        *) say "$doc names $l, which is not there (or has a .c beside it)" ;;
        esac
done
for d in policy client supervisor supervisor/*/; do
        d=${d%/}
        n=$(find "$d" -maxdepth 1 -type f -name '*.c' | wc -l)
        [ "$n" -le 24 ] || say "$d: $n .c files; split the folder (at most 24)"
done
exit $bad
