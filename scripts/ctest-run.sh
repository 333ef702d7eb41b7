#!/bin/sh
# Runs ctest in the build directory given, then repeats, loudly, why each
# skipped test was skipped (ctest itself lists only their names). Exits with
# ctest's status.
set -u
cd "$1"
status=0
ctest --output-on-failure -j"${TEST_JOBS:-2}" || status=$?
log=Testing/Temporary/LastTest.log
if [ -r "$log" ] && grep -q '^SKIPPED: ' "$log"; then
        echo "Skipped, because this machine lacks what they need:"
        grep '^SKIPPED: ' "$log" | sed 's/^/  /'
fi
exit "$status"
