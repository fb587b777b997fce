#!/usr/bin/env python3
"""Per-request legs at concurrency 1 from a machine-wide system-call trace (bench/gateway/legs.sh).

Reads `perf script -F pid,tid,time,event,trace` of raw_syscalls:sys_enter and sys_exit, and follows each request
through its seven legs: the client's write, the proxy's epoll_wait return, its write upstream, the upstream's
epoll_wait return, its write, the proxy's epoll_wait return, its write to the client, and the client's next return
from a call that is not a write. Prints the 25th, 50th and 75th percentiles of each leg, in microseconds.

  legs.py --proxy PIDS --upstream PIDS --client PID   (PIDS: comma-separated)
"""

import argparse
import re
import statistics
import sys

WRITES = {1, 20}  # write, writev
WAITS = {232, 281}  # epoll_wait, epoll_pwait
LINE = re.compile(r"^\s*(\d+)/\d+\s+([\d.]+):\s+raw_syscalls:sys_(enter|exit):\s+NR (\d+)")
LEGS = ["wake proxy (request)", "proxy before", "wake upstream", "upstream", "wake proxy (answer)", "proxy answer",
        "wake client"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--proxy", required=True)
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--client", required=True)
    args = parser.parse_args()
    role = {pid: "p" for pid in args.proxy.split(",") if pid}
    role.update({pid: "u" for pid in args.upstream.split(",") if pid})
    role[args.client] = "c"
    events = []
    for line in sys.stdin:
        match = LINE.match(line)
        if match and match.group(1) in role:
            pid, time, kind, number = match.groups()
            events.append((float(time) * 1e6, role[pid], kind, int(number)))
    events.sort()
    # Each step: (process, entry or exit, which calls); a request is the seven steps after the client's write.
    steps = [("p", "exit", WAITS), ("p", "enter", WRITES), ("u", "exit", WAITS), ("u", "enter", WRITES),
             ("p", "exit", WAITS), ("p", "enter", WRITES), ("c", "exit", None)]
    legs = {name: [] for name in LEGS + ["total"]}
    marks = None
    for time, who, kind, number in events:
        if marks is None:
            if who == "c" and kind == "enter" and number in WRITES:
                marks = [time]
            continue
        want_who, want_kind, calls = steps[len(marks) - 1]
        matches = who == want_who and kind == want_kind
        matches = matches and (number in calls if calls is not None else number not in WRITES)
        if not matches:
            continue
        marks.append(time)
        if len(marks) == len(steps) + 1:
            for index, name in enumerate(LEGS):
                legs[name].append(marks[index + 1] - marks[index])
            legs["total"].append(marks[-1] - marks[0])
            marks = None
    count = len(legs["total"])
    if count == 0:
        sys.exit("legs.py: no whole request in the trace")
    print(f"{count} requests traced; µs per leg: p25 / p50 / p75")
    for name, values in legs.items():
        values.sort()
        print(f"  {name:22s} {values[len(values) // 4]:6.1f} {statistics.median(values):6.1f} "
              f"{values[3 * len(values) // 4]:6.1f}")


if __name__ == "__main__":
    main()
