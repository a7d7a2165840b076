#!/usr/bin/env python3
"""A slow link for bench/reliability.sh: runs PROGRAM (the agent's nc or curl) with its stdin
fed from ours at RATE bytes per second, so that a real agent's upload lasts long enough for the
server to be killed or stopped in the middle of it. Its stdout and stderr are the program's own.

The agent's stall watchdog watches the I/O counters of the process it started: this one reads
and writes as the bytes go, so the watchdog sees progress exactly as with the bare program.

Usage: slow-link.py RATE PROGRAM [ARGS...]   exit status: the program's
"""
import os
import signal
import subprocess
import sys
import time

CHUNK = 16 * 1024


def main():
    rate = int(sys.argv[1])
    child = subprocess.Popen(sys.argv[2:], stdin=subprocess.PIPE)
    src = sys.stdin.buffer.raw
    start = time.monotonic()
    sent = 0
    try:
        while True:
            data = src.read(CHUNK)
            if not data:
                break
            child.stdin.write(data)
            child.stdin.flush()
            sent += len(data)
            wait = start + sent / rate - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        child.stdin.close()
    except BrokenPipeError:
        pass  # the connection died (server killed): the program's exit status says so
    rc = child.wait()
    # a program killed by a signal: the same death for our caller (the agent reads 141 as SIGPIPE)
    if rc < 0:
        signal.signal(-rc, signal.SIG_DFL)
        os.kill(os.getpid(), -rc)
    sys.exit(rc)


if __name__ == "__main__":
    main()
