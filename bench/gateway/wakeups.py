#!/usr/bin/env python3
"""How the hand-overs of a c=1 run woke their processes (bench/gateway/placement.sh --trace).

Reads `perf script -F comm,pid,tid,cpu,time,event,trace` of sched:sched_switch, sched:sched_wakeup and
ipi:ipi_send_cpu on standard input. A request is one sleep of the client (wrk switching out in state S). Per request:

  woke another vCPU   an IPI sent by ttwu_queue_wakelist: the wakee was queued on the other vCPU, which the IPI
                      wakes (from a halt, when it idles with guest halt polling off)
  stayed              a wake-up whose wakee was put on the waker's own vCPU

by the waker's command name (wrk, nginx, the proxy's threads).

  wakeups.py --name NAME [--client wrk] < perf-script-output
"""
import argparse
import collections
import re
import sys

parser = argparse.ArgumentParser()
parser.add_argument("--name", required=True)
parser.add_argument("--client", default="wrk")
args = parser.parse_args()

line_re = re.compile(r"^\s*(.+?)\s+(\d+)/(\d+)\s+\[(\d+)\]\s+[\d.]+:\s+(\S+):\s*(.*)$")
requests = 0
remote = collections.Counter()
local = collections.Counter()
for line in sys.stdin:
    m = line_re.match(line)
    if not m:
        continue
    comm, _pid, _tid, cpu, event, rest = m.groups()
    if event == "sched:sched_switch":
        if f"prev_comm={args.client} " in rest and re.search(r"prev_state=S\b", rest):
            requests += 1
    elif event == "ipi:ipi_send_cpu":
        if "ttwu_queue_wakelist" in rest:
            remote[comm] += 1
    elif event == "sched:sched_wakeup":
        target = re.search(r"target_cpu=(\d+)", rest)
        if comm != "swapper" and target and int(target.group(1)) == int(cpu):
            local[comm] += 1

if requests == 0:
    sys.exit("wakeups.py: no request in the trace")
print(f"{args.name}: {requests} requests traced; hand-overs per request")
for comm in sorted(set(remote) | set(local), key=lambda c: -(remote[c] + local[c])):
    if (remote[comm] + local[comm]) / requests < 0.05:
        continue
    print(f"  {comm:>16}  woke another vCPU {remote[comm] / requests:5.2f}  stayed {local[comm] / requests:5.2f}")
print(f"  {'all':>16}  woke another vCPU {sum(remote.values()) / requests:5.2f}  "
      f"stayed {sum(local.values()) / requests:5.2f}")
