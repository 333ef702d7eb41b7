#!/bin/sh
# SPDX-License-Identifier: MIT
# A shell test: counts words in a file it writes, in a directory of its own.
set -eu
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf 'one two\nthree\n' >"$dir/words"
count=$(wc -w <"$dir/words")
[ "$count" -eq 3 ] || { echo "t_words: expected 3 words, counted $count" >&2; exit 1; }
echo "t_words: ok"
