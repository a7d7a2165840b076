#!/usr/bin/env python3
"""Load generator for bench/tcp-bench.sh: N concurrent TCP senders of one stream file, in one
process, each with sendfile(2) from the page cache.

Why not N socat processes: on 2 cores, 128 socat senders cost the receivers the CPU they
measure (a read and a write copy per byte, 128 processes forked inside the timed window);
"128 socat -> socat > file" ran at a third of one socat's rate. One process that opens every
connection first and then feeds them all from the page cache with one copy per byte is the
same load for every receiver, single or 128, vmcored or socat | makedumpfile -R.

Usage: send-streams.py FILE HOST PORT N [--port-per-sender]
  --port-per-sender: sender i (1..N) connects to PORT + i (one listener per pipeline).
Prints the seconds from the first byte sent to the last connection closed.
"""
import os
import selectors
import socket
import sys
import time

CHUNK = 4 << 20


def main():
    path, host, port, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    per_sender = "--port-per-sender" in sys.argv[5:]
    size = os.stat(path).st_size
    fd = os.open(path, os.O_RDONLY)
    sel = selectors.DefaultSelector()
    socks = []
    for i in range(1, n + 1):
        s = socket.create_connection((host, port + i if per_sender else port))
        s.setblocking(False)
        socks.append(s)
    t0 = time.monotonic()
    for s in socks:
        sel.register(s, selectors.EVENT_WRITE, [0])
    left = n
    while left:
        for key, _ in sel.select():
            s, sent = key.fileobj, key.data
            try:
                k = os.sendfile(s.fileno(), fd, sent[0], min(CHUNK, size - sent[0]))
            except BlockingIOError:
                continue
            sent[0] += k
            if sent[0] >= size:
                sel.unregister(s)
                s.shutdown(socket.SHUT_WR)
                s.close()
                left -= 1
    print(f"{time.monotonic() - t0:.3f}")


if __name__ == "__main__":
    main()
