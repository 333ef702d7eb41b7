#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A DNS server that knows one name, for test_net_bypass.sh.

    dns_responder.py ADDR PORT NAME IPV4

Answers UDP queries on ADDR:PORT: an A query for NAME gets IPV4, any
other question for NAME an empty answer, any other name NXDOMAIN. Prints
"ready" once bound, then "query NAME TYPE" per question. Runs until
killed. Only for the test's own network namespace.
"""
import socket
import struct
import sys

TYPE_A = 1
CLASS_IN = 1


def parse_question(packet):
    """(name, qtype, end offset of the question) of a query's first question."""
    labels, pos = [], 12
    while True:
        length = packet[pos]
        pos += 1
        if length == 0:
            break
        if length > 63:
            raise ValueError("compressed or bad label")
        labels.append(packet[pos:pos + length].decode("ascii", "replace"))
        pos += length
    qtype, _ = struct.unpack("!HH", packet[pos:pos + 4])
    return ".".join(labels).lower(), qtype, pos + 4


def answer(packet, name, address):
    ident, flags = struct.unpack("!HH", packet[:4])
    qname, qtype, end = parse_question(packet)
    question = packet[12:end]
    rd = flags & 0x0100
    if qname != name:
        header = struct.pack("!HHHHHH", ident, 0x8000 | rd | 0x0080 | 3, 1, 0, 0, 0)
        return qname, qtype, header + question
    answers = b""
    count = 0
    if qtype == TYPE_A:
        # A pointer to the question's name, then type, class, TTL, data.
        answers = struct.pack("!HHHIH", 0xC00C, TYPE_A, CLASS_IN, 60, 4) + socket.inet_aton(address)
        count = 1
    header = struct.pack("!HHHHHH", ident, 0x8000 | 0x0400 | rd | 0x0080, 1, count, 0, 0)
    return qname, qtype, header + question + answers


def main():
    addr, port, name, address = sys.argv[1], int(sys.argv[2]), sys.argv[3].lower(), sys.argv[4]
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((addr, port))
    print("ready", flush=True)
    while True:
        packet, peer = sock.recvfrom(4096)
        try:
            qname, qtype, reply = answer(packet, name, address)
        except (ValueError, IndexError, struct.error):
            continue
        print("query %s %d" % (qname, qtype), flush=True)
        sock.sendto(reply, peer)


if __name__ == "__main__":
    main()
