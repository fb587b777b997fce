#!/usr/bin/env python3
"""Where a proxied request's instructions fall, phase by phase (bench/gateway/callgrind.sh --phases).

Reads the dumps callgrind wrote with `--dump-before=epoll_wait --dump-after=write` while sequential keep-alive
requests ran (instrumentation on for the counted requests only). On the event loop that serves them, one request is
four dumps in a row:

  write    the client's request read, parsed, authenticated, decided, and the upstream request written  ("before")
  epoll    the rest of that turn of the loop, until it waits for the upstream                            ("waiting")
  write    the upstream's answer read, and the client's response written                                 ("answer")
  epoll    what runs after the response, until the loop waits for the next request                      ("after")

At concurrency 1 the client waits for "before" and "answer"; "after" overlaps its next request's trip, as long as
it is shorter. A write dump is "answer" when it wrote a response head (the gateway's own connection handler,
HTTP1ResponseEncoder), else "before"; an epoll dump is "waiting" or "after" by the write before it, and "other"
(another thread's turn, such as a timer) after another epoll dump. Self instructions of the Swift runtime, libc and the loader are charged to their nearest caller
in our binary (proportionally to the calls' inclusive cost), then summed per Swift module and per function.

  phases-report.py [--top K] DUMP_PREFIX      (DUMP_PREFIX: the callgrind.out.PID the dumps are numbered after)
"""
import argparse
import collections
import glob
import importlib.util
import os
import re
import sys

# The callgrind parser and the demangler are callgrind-report.py's (a file name with a hyphen: loaded by path).
_spec = importlib.util.spec_from_file_location(
    "callgrind_report", os.path.join(os.path.dirname(os.path.abspath(__file__)), "callgrind-report.py"))
callgrind_report = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(callgrind_report)

parser = argparse.ArgumentParser()
parser.add_argument("--top", type=int, default=15)
parser.add_argument("prefix")
args = parser.parse_args()

files = sorted(glob.glob(args.prefix + ".*"), key=lambda f: int(f.rsplit(".", 1)[1]))
if not files:
    sys.exit(f"phases-report.py: no dumps {args.prefix}.N")
cycle = ["before", "waiting", "answer", "after"]

# Every dump in order, with one table of names: callgrind defines a compressed name in the first dump that uses it.
tables: dict = {}
dumps = []
for path in files:
    dump = callgrind_report.Dump(path, tables=tables, edges=True)
    with open(path, errors="replace") as f:
        trigger = next((line for line in f if line.startswith("desc: Trigger:")), "")
    dumps.append(("write" if trigger.rstrip().endswith("write") else "epoll", dump))

# Classify by content: the write that ends "answer" is the one whose dump wrote a response head
# (HTTP1ResponseEncoder, the gateway's own connection handler); the other request write ends "before". An epoll
# dump right after "before" is "waiting", right after "answer" is "after"; anything else is "other".
phase_of = []
previous = None
for trigger, dump in dumps:
    if trigger == "write":
        phase = "answer" if any("HTTP1ResponseEncoder" in fn for (_, fn) in dump.self_cost) else "before"
    elif previous in ("before", "answer"):
        phase = "waiting" if previous == "before" else "after"
    else:
        phase = "other"
    phase_of.append(phase)
    previous = phase
requests = phase_of.count("answer")
if requests == 0:
    sys.exit("phases-report.py: no response written in the dumps")
self_cost = {p: collections.Counter() for p in cycle + ["other"]}
edges = {p: collections.defaultdict(collections.Counter) for p in cycle + ["other"]}
for phase, (_, dump) in zip(phase_of, dumps):
    self_cost[phase].update(dump.self_cost)
    for callee, callers in dump.calls.items():
        edges[phase][callee].update(callers)


def module(function):
    """The Swift module of a function (object, name) of our binary; None for shared libraries, the standard library
    and the Swift runtime."""
    ob, fn = function
    if ".so" in ob.rsplit("/", 1)[-1] or fn.startswith(("$ss", "$sS")):
        return None
    # The Swift runtime linked into the binary (the release build's --static-swift-stdlib): charged like the library.
    if fn.startswith(("swift_", "_swift_", "(anonymous namespace)::")) or "swift::" in fn:
        return None
    m = re.match(r"\$s(\d+)([A-Za-z_]\w*)", fn)
    if m:
        return m.group(2)[: int(m.group(1))]
    return None if fn.startswith("$s") else "(C or unnamed)"


def charged(phase):
    """Self cost per function of our binary, with the runtime's and libc's charged to their callers in proportion to
    the calls' inclusive cost (through runtime callers, up to our code)."""
    owned, pending = collections.Counter(), collections.Counter()
    for function, cost in self_cost[phase].items():
        (pending if module(function) is None else owned)[function] += cost
    for _ in range(30):
        nxt = collections.Counter()
        for function, cost in pending.items():
            callers = edges[phase].get(function)
            if not callers:
                owned[("", "(unattributed)")] += cost
                continue
            total = sum(callers.values())
            for caller, weight in callers.items():
                if caller == function:
                    continue
                (nxt if module(caller) is None else owned)[caller] += cost * weight / total
        pending = nxt
        if not pending:
            break
    owned[("", "(unattributed)")] += sum(pending.values())
    return owned


print(f"{requests} requests; instructions per request by phase (all threads)")
totals = {p: sum(self_cost[p].values()) / requests for p in cycle}
for p in cycle:
    print(f"  {p:8} {totals[p]:10,.0f}")
print(f"  {'total':8} {sum(totals.values()):10,.0f}   (other dumps: {sum(self_cost['other'].values()):,} in all)")
for p in cycle:
    owned = charged(p)
    print(f"\n{p}: {totals[p]:,.0f} per request, by module (runtime and libc charged to callers)")
    by_module = collections.Counter()
    for function, cost in owned.items():
        by_module[module(function) if function[1] != "(unattributed)" else "(unattributed)"] += cost
    for name, cost in by_module.most_common(8):
        print(f"  {cost / requests:10,.0f}  {name}")
    top = owned.most_common(args.top)
    names = callgrind_report.demangle([fn for (_, fn), _ in top])
    print(f"  top {args.top} functions:")
    for (_, fn), cost in top:
        print(f"  {cost / requests:10,.0f}  {names.get(fn, fn)[:140]}")
