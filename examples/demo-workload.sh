#!/bin/sh
# The demo's workload: ordinary programs doing ordinary and less ordinary
# things. Each line says what it tried and what happened.
try() {
        what=$1
        shift
        if out=$("$@" 2>&1); then
                echo "  allowed: $what"
        else
                echo "  refused: $what: ${out##*: }"
        fi
}
dir=$(mktemp -d)
try "cat /etc/hostname" cat /etc/hostname
try "cat /etc/shadow" cat /etc/shadow
try "mkdir $dir/new" mkdir "$dir/new"
try "mkdir /var/demo-not-allowed" mkdir /var/demo-not-allowed
try "python3 connect 127.0.0.1:9 (closed port)" python3 -c '
import socket, sys
s = socket.socket()
try:
    s.connect(("127.0.0.1", 9))
except ConnectionRefusedError:
    pass  # reached the kernel: the supervisor allowed it
'
try "python3 connect 192.0.2.1:80" python3 -c '
import socket
socket.create_connection(("192.0.2.1", 80), timeout=2)
'
# The profile that governs this run (scmp-super's built-in rules).
try "append to examples/demo.json" sh -c 'echo "{}" >>examples/demo.json'
rm -rf "$dir"
