#!/usr/bin/env python3
"""Per-request legs at concurrency 1 from a machine-wide system-call trace (bench/gateway/legs.sh).

Reads `perf script -F pid,tid,time,event,trace` of raw_syscalls:sys_enter and sys_exit, and follows each request
through its seven legs: the client's write, the proxy's epoll_wait return, its write upstream, the upstream's
epoll_wait return, its write, the proxy's epoll_wait return, its write to the client, and the client's next return
from a call that is not a write. Prints the 25th, 50th and 75th percentiles of each leg, in microseconds.

Then two figures about what follows the answer: the time from the proxy's answer to the next epoll_wait of the
thread that wrote it ("answer to next wait"), and how often the client's next request was written before that. A
proxy with nothing to do after its answer (bench/floor's relay) returns to epoll_wait at once unless it is not
running: when the client, woken by the answer, is put on the proxy's vCPU and runs first (a synchronous wake-up on
loopback), the relay's figure is the client's turn, and the share is near 100%. That is how the whole request runs
on one vCPU at a time at concurrency 1 (bench/results/gateway-2026-12-05-session23.md).

  legs.py --proxy PIDS --upstream PIDS --client PID   (PIDS: comma-separated)
"""

import argparse
import re
import statistics
import sys

WRITES = {1, 20}  # write, writev
WAITS = {232, 281}  # epoll_wait, epoll_pwait
LINE = re.compile(r"^\s*(\d+)/(\d+)\s+([\d.]+):\s+raw_syscalls:sys_(enter|exit):\s+NR (\d+)")
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
            pid, tid, time, kind, number = match.groups()
            events.append((float(time) * 1e6, role[pid], kind, int(number), tid))
    events.sort()
    # Each step: (process, entry or exit, which calls); a request is the seven steps after the client's write.
    steps = [("p", "exit", WAITS), ("p", "enter", WRITES), ("u", "exit", WAITS), ("u", "enter", WRITES),
             ("p", "exit", WAITS), ("p", "enter", WRITES), ("c", "exit", None)]
    legs = {name: [] for name in LEGS + ["total"]}
    marks = None
    afters, early = [], []
    answer_tid = None
    for index_event, (time, who, kind, number, tid) in enumerate(events):
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
        if len(marks) == 7:
            answer_tid = tid
        if len(marks) == len(steps) + 1:
            for index, name in enumerate(LEGS):
                legs[name].append(marks[index + 1] - marks[index])
            legs["total"].append(marks[-1] - marks[0])
            back_to_wait(events, index_event + 1, marks[6], answer_tid, afters, early)
            marks = None
    count = len(legs["total"])
    if count == 0:
        sys.exit("legs.py: no whole request in the trace")
    print(f"{count} requests traced; µs per leg: p25 / p50 / p75")
    for name, values in legs.items():
        values.sort()
        print(f"  {name:22s} {values[len(values) // 4]:6.1f} {statistics.median(values):6.1f} "
              f"{values[3 * len(values) // 4]:6.1f}")
    if afters:
        afters.sort()
        print(f"  {'answer to next wait':22s} {afters[len(afters) // 4]:6.1f} {statistics.median(afters):6.1f} "
              f"{afters[3 * len(afters) // 4]:6.1f}")
        print(f"  next request written before the proxy's next epoll_wait: {100 * sum(early) / len(early):.0f}%")


def back_to_wait(events, start, answered, tid, afters, early):
    """After the proxy's answer: when the answering thread next enters epoll_wait, and whether the client's next
    request was written before that."""
    wait_enter = next_write = None
    for index in range(start, len(events)):
        time, who, kind, number, event_tid = events[index]
        if wait_enter is None and event_tid == tid and kind == "enter" and number in WAITS:
            wait_enter = time
        if next_write is None and who == "c" and kind == "enter" and number in WRITES:
            next_write = time
        if wait_enter is not None and next_write is not None:
            afters.append(wait_enter - answered)
            early.append(next_write < wait_enter)
            return


if __name__ == "__main__":
    main()
