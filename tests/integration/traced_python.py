# SPDX-License-Identifier: MIT
"""The python3 program the container recordings run (test_daemon_trace_python.sh,
test_podman_trace.sh), at /prog.py in the container: it reads /etc/greeting,
sends it to a busybox child through pipes to count its words, squares numbers
on a thread pool, prints one JSON line and exits 3."""
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

greeting = open("/etc/greeting").read().strip()
words = subprocess.run(["/bin/busybox", "wc", "-w"], input=greeting,
                       capture_output=True, text=True, check=True).stdout.split()[0]
with ThreadPoolExecutor(max_workers=2) as pool:
    squares = sorted(pool.map(lambda n: n * n, range(6)))
print(json.dumps({"greeting": greeting.upper(), "words": int(words),
                  "squares": squares, "bin": sorted(os.listdir("/bin"))[:3]}))
sys.stdout.flush()
sys.exit(3)
