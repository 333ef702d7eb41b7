#!/bin/sh
# Builds scmp-super and runs a real program under examples/demo.json: some
# calls decided in the kernel, the rest by the supervisor, per call.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh demo
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
echo "== scmp-super check --policy examples/demo.json"
./build/scmp-super check --quiet --policy examples/demo.json
echo "== scmp-super run --policy examples/demo.json --log build/demo-log.jsonl --summary -- sh examples/demo-workload.sh"
./build/scmp-super run --policy examples/demo.json --log build/demo-log.jsonl --summary \
        -- sh examples/demo-workload.sh
echo "== the decisions, one JSON line each, are in build/demo-log.jsonl"
