#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Misbehaving clients of the daemon's agent socket, for test_daemon_*.sh.

    daemon_client.py MODE SOCKET [ARGS]
    daemon_client.py answer CONTROL_SOCKET CONTAINER READY_FILE DECISION...
    daemon_client.py crowd SOCKET CLIENTS N READY_FILE STOP_FILE

Each mode connects, sends something the daemon must refuse, then waits
(at most 30 s) for the daemon to close the connection and prints what it
saw: "closed" when the daemon closed it. A mode never needs a real seccomp
listener: where a descriptor is wanted, a pipe stands in for one.
"""
import json
import os
import socket
import sys
import time


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s


def send_with_fds(s, data, fds):
    s.sendmsg([data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                        b"".join(fd.to_bytes(4, sys.byteorder) for fd in fds))] if fds else [])


def wait_closed(s, limit=30.0):
    """Reads until end of file; True if the daemon closed within limit."""
    s.settimeout(limit)
    try:
        while s.recv(65536):
            pass
    except (ConnectionResetError, BrokenPipeError):
        pass
    except socket.timeout:
        return False
    return True


def message(fd_names, pid=None, metadata=""):
    return json.dumps({
        "ociVersion": "1.0.2",
        "fds": fd_names,
        "pid": pid or os.getpid(),
        "metadata": metadata,
        "state": {"ociVersion": "1.0.2", "id": "misbehaving", "status": "creating",
                  "pid": pid or os.getpid(), "bundle": "/nonexistent"},
    }).encode()


def answer(path, container, decisions, ready_file):
    """Answers the prompts of one target through the control socket.

    Connects, says so in ready_file, then for each request from container
    ("-" for none) asks for status first (to show the call is pending
    there), prints what it saw, and replies with the next decision: "allow"
    or "deny:ERRNO" (once the file $ANSWER_AFTER exists, if that is set).
    Ends after the last decision, or after 60 s.
    """
    s = connect(path)
    s.settimeout(60)
    f = s.makefile("r")
    with open(ready_file, "w") as ready:
        ready.write("connected\n")
    want = None if container == "-" else container
    while decisions:
        msg = json.loads(f.readline())
        if msg.get("type") == "request" and msg["target"]["container"] == want:
            print("request container=%s syscall=%s" % (container, msg["syscall"]))
            s.sendall(b'{"v":1,"type":"status"}\n')
            while True:
                st = json.loads(f.readline())
                if st.get("type") == "status":
                    break
            for t in st["targets"]:
                if t["container"] == want:
                    for call in t["pending"]:
                        print("pending container=%s syscall=%s paths=%s" %
                              (container, call["syscall"], ",".join(call["paths"])))
            # Hold the answer until the test says so, if it asks to.
            go = os.environ.get("ANSWER_AFTER")
            deadline = time.monotonic() + 30
            while go and not os.path.exists(go) and time.monotonic() < deadline:
                time.sleep(0.02)
            decision, _, errno_name = decisions.pop(0).partition(":")
            reply = {"v": 1, "type": "reply", "id": msg["id"], "decision": decision}
            if errno_name:
                reply["errno"] = errno_name
            s.sendall(json.dumps(reply).encode() + b"\n")
    print("answered")


def count_closed(conns):
    """How many of conns the daemon has closed (end of file or reset)."""
    closed = 0
    for s in conns:
        s.setblocking(False)
        try:
            if s.recv(1) == b"":
                closed += 1
        except BlockingIOError:
            pass
        except ConnectionResetError:
            closed += 1
    return closed


def crowd(path, clients, n, ready_file, stop_file):
    """Slowloris from many processes: CLIENTS processes (each a peer of its
    own to the daemon) open N connections each and send half a message on
    each. Once all have, READY_FILE says "ready"; they hold on until
    STOP_FILE exists (at most 60 s), then print how many of the CLIENTS * N
    connections the daemon had closed."""
    pipes = []
    for _ in range(clients):
        r, w = os.pipe()
        if os.fork() == 0:
            os.close(r)
            conns = []
            for _ in range(n):
                s = connect(path)
                try:
                    s.send(b"{")
                except (BrokenPipeError, ConnectionResetError):
                    pass
                conns.append(s)
            os.write(w, b"x")
            deadline = time.monotonic() + 60
            while not os.path.exists(stop_file) and time.monotonic() < deadline:
                time.sleep(0.02)
            os.write(w, b"%d\n" % count_closed(conns))
            os._exit(0)
        os.close(w)
        pipes.append(r)
    for r in pipes:
        os.read(r, 1)
    with open(ready_file, "w") as f:
        f.write("ready\n")
    closed = 0
    for r in pipes:
        data = b""
        while not data.endswith(b"\n"):
            chunk = os.read(r, 64)
            if not chunk:
                break
            data += chunk
        closed += int(data or b"0")
        os.wait()
    print("closed %d of %d" % (closed, clients * n))


def main():
    mode, path = sys.argv[1], sys.argv[2]
    if mode == "crowd":
        crowd(path, int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6])
        return
    if mode == "answer":
        answer(path, sys.argv[3], sys.argv[5:], sys.argv[4])
        return
    if mode == "flood":
        # Opens N connections that each send half a message and stall; says
        # how many the daemon closed at once (beyond its limit) while it
        # keeps the others waiting for their deadline.
        n = int(sys.argv[3])
        conns = []
        for _ in range(n):
            s = connect(path)
            try:
                s.send(b"{")
            except (BrokenPipeError, ConnectionResetError):
                pass  # closed already: counted below
            conns.append(s)
        # The daemon refuses the excess as it accepts them; give it until
        # the count stops changing for half a second (bounded by 10 s).
        deadline = time.monotonic() + 10
        closed, last_change, last = 0, time.monotonic(), -1
        while time.monotonic() < deadline:
            closed = count_closed(conns)
            if closed != last:
                last, last_change = closed, time.monotonic()
            elif time.monotonic() - last_change > 0.5:
                break
            time.sleep(0.02)
        print("closed-at-once %d" % closed)
        for s in conns:
            s.close()
        return
    s = connect(path)
    r, w = os.pipe()
    try:
        if mode == "garbage":
            s.send(b"GET / HTTP/1.0\r\n\r\n")
        elif mode == "nofds":
            s.send(message(["seccompFd"]))
        elif mode == "wrongname":
            send_with_fds(s, message(["listenerFd"]), [w])
        elif mode == "notlistener":
            send_with_fds(s, message(["seccompFd"]), [w])
        elif mode == "manyfds":
            send_with_fds(s, message(["seccompFd"] * 17), [w] * 17)
        elif mode == "big":
            # 2 MiB that never ends the object; the daemon stops reading at
            # its limit and closes, which ends our sending with an error.
            send_with_fds(s, b"{\"x\":\"", [w])
            chunk = b"a" * 65536
            try:
                for _ in range(32):
                    s.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif mode == "stall":
            # Half a message, then nothing: the daemon must not wait on us.
            s.send(b"{\"ociVersion\":")
            with open(sys.argv[3], "w") as f:
                f.write("connected\n")
        else:
            sys.exit("unknown mode " + mode)
    except (BrokenPipeError, ConnectionResetError):
        pass
    print("closed" if wait_closed(s) else "still open")


if __name__ == "__main__":
    main()
