#!/usr/bin/env python3
"""Connection load for bench/reliability.sh: on each given port, IDLE connections that send
nothing, and SLOW senders that send a real request one byte every INTERVAL seconds (an upload's
request line and stream on the TCP ingest port, an HTTP PUT's head on the HTTP port, the
identification line of an SSH client on the SSH port), all from this one process.

Prints "ready OPEN" once every connection is open, then keeps them until SIGTERM/SIGINT;
then prints "end OPEN_STILL CLOSED_BY_SERVER SLOW_BYTES" and exits.

Usage: idle-load.py IDLE SLOW INTERVAL STREAM KIND:PORT...   KIND = tcp | http | ssh
  STREAM: a flattened stream whose first bytes the slow TCP senders send
"""
import errno
import selectors
import signal
import socket
import sys
import time


def request(kind, i, stream):
    if kind == "tcp":
        # a real upload's request line, then a real flattened stream
        return f"VMCORED/1 PUT host=slow{i} dump=slow-{i} offset=0 level=31 compress=lzo\n".encode() + stream
    if kind == "http":
        return (f"PUT /api/v1/dumps/slow{i}?dump=slow-{i} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Transfer-Encoding: chunked\r\nUser-Agent: slow-sender\r\n\r\n").encode()
    return b"SSH-2.0-OpenSSH_9.2p1 slow-sender\r\n"


def connect(port):
    # a full accept queue delays the SYN-ACK: retry for a while instead of failing the load
    for attempt in range(50):
        s = socket.socket()
        try:
            s.connect(("127.0.0.1", port))
            return s
        except OSError as e:
            s.close()
            if e.errno not in (errno.ECONNREFUSED, errno.EAGAIN, errno.ETIMEDOUT):
                raise
            time.sleep(0.1 * (attempt + 1))
    raise OSError(f"cannot connect to port {port}")


def main():
    idle, slow, interval = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    with open(sys.argv[4], "rb") as f:
        stream = f.read(65536)
    targets = [(t.split(":")[0], int(t.split(":")[1])) for t in sys.argv[5:]]
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    sel = selectors.DefaultSelector()
    socks = []
    senders = []  # [socket, request bytes, next index]
    for kind, port in targets:
        for i in range(idle + slow):
            s = connect(port)
            socks.append(s)
            if i >= idle:
                senders.append([s, request(kind, i, stream), 0])
            if i % 100 == 99:
                time.sleep(0.02)  # paced: the listeners' accept queues are 128 to 1024 deep
    for s in socks:
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
    print(f"ready {len(socks)}", flush=True)
    closed = set()
    slow_bytes = 0
    next_tick = time.monotonic()
    while not stop:
        timeout = max(0.0, next_tick - time.monotonic())
        for key, _ in sel.select(timeout):
            s = key.fileobj
            try:
                data = s.recv(65536)  # the server's banner or answers: read and drop
            except OSError:
                data = b""
            if not data:
                sel.unregister(s)
                closed.add(s)
        if time.monotonic() >= next_tick:
            next_tick += interval
            for snd in senders:
                s, req, k = snd
                if s in closed or k >= len(req):
                    continue
                try:
                    s.send(req[k:k + 1])
                    snd[2] += 1
                    slow_bytes += 1
                except OSError:
                    sel.unregister(s)
                    closed.add(s)
    print(f"end {len(socks) - len(closed)} {len(closed)} {slow_bytes}", flush=True)
    for s in socks:
        s.close()


if __name__ == "__main__":
    main()
