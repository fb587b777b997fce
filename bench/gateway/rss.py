#!/usr/bin/env python3
"""Resident memory of a process and all its descendants, from /proc/PID/status VmRSS (kB).

  rss.py once PID            print the current total
  rss.py sample PID OUTFILE  sample every 0.2 s until SIGTERM (or the process is gone), then write
                             {"peak_kb": ..., "mean_kb": ..., "samples": ...} to OUTFILE
"""

import json
import os
import signal
import sys
import time


def children(pid: int):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def rss_kb(pid: int) -> int:
    total = 0
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
                    break
    except OSError:
        return 0
    for child in children(pid):
        total += rss_kb(child)
    return total


def main() -> None:
    mode, pid = sys.argv[1], int(sys.argv[2])
    if mode == "once":
        print(rss_kb(pid))
        return
    out = sys.argv[3]
    stop = False

    def on_term(signum, frame):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_term)
    samples = []
    while not stop and os.path.exists(f"/proc/{pid}"):
        value = rss_kb(pid)
        if value:
            samples.append(value)
        time.sleep(0.2)
    with open(out, "w") as f:
        json.dump({
            "peak_kb": max(samples) if samples else None,
            "mean_kb": round(sum(samples) / len(samples)) if samples else None,
            "samples": len(samples),
        }, f)


if __name__ == "__main__":
    main()
