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
import argparse, collections, glob, re, subprocess, sys

parser = argparse.ArgumentParser()
parser.add_argument("--top", type=int, default=15)
parser.add_argument("prefix")
args = parser.parse_args()

files = sorted(glob.glob(args.prefix + ".*"), key=lambda f: int(f.rsplit(".", 1)[1]))
if not files:
    sys.exit(f"phases-report.py: no dumps {args.prefix}.N")


def trigger_and_total(path):
    trigger = total = None
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("desc: Trigger:"):
                trigger = "write" if line.rstrip().endswith("write") else "epoll"
            elif line.startswith("totals:"):
                total = int(line.split()[1])
                break
    return trigger, total or 0


dumps = [(f, *trigger_and_total(f)) for f in files]
cycle = ["before", "waiting", "answer", "after"]

# Parse every dump in order (callgrind's compressed names carry over from dump to dump): each dump's self costs and
# call edges.
names, objects, object_of = {}, {}, {}
per_dump = []


def resolve(table, text):
    m = re.match(r"\((\d+)\)(?: (.*))?", text)
    if not m:
        return text
    if m.group(2) is not None:
        table[m.group(1)] = m.group(2)
    return table.get(m.group(1), m.group(1))


for path, _, _ in dumps:
    own, calls = collections.Counter(), collections.defaultdict(collections.Counter)
    fn = ob = callee = pending = None
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("ob="):
                ob = resolve(objects, line[3:].rstrip("\n"))
            elif line.startswith("cob="):
                resolve(objects, line[4:].rstrip("\n"))
            elif line.startswith("fn="):
                fn = resolve(names, line[3:].rstrip("\n"))
                object_of.setdefault(fn, ob)
            elif line.startswith("cfn="):
                callee = resolve(names, line[4:].rstrip("\n"))
            elif line.startswith("calls="):
                pending = callee
            elif line[:1] in "0123456789+-*":
                parts = line.split()
                if len(parts) < 2:
                    continue
                cost = int(parts[1])
                if pending is not None:
                    calls[pending][fn] += cost
                    pending = None
                else:
                    own[fn] += cost
    per_dump.append((own, calls))

# Classify by content: the write that ends "answer" is the one whose dump wrote a response head
# (HTTP1ResponseEncoder, the gateway's own connection handler); the other request write ends "before". An epoll
# dump right after "before" is "waiting", right after "answer" is "after"; anything else is "other".
phase_of = []
previous = None
for (path, trigger, _), (own, _) in zip(dumps, per_dump):
    if trigger == "write":
        answered = any("HTTP1ResponseEncoder" in fn for fn in own)
        phase = "answer" if answered else "before"
    elif previous == "before":
        phase = "waiting"
    elif previous == "answer":
        phase = "after"
    else:
        phase = "other"
    phase_of.append(phase)
    previous = phase
requests = sum(1 for p in phase_of if p == "answer")
if requests == 0:
    sys.exit("phases-report.py: no response written in the dumps")
self_cost = {p: collections.Counter() for p in cycle + ["other"]}
edges = {p: collections.defaultdict(collections.Counter) for p in cycle + ["other"]}
for phase, (own, calls) in zip(phase_of, per_dump):
    self_cost[phase].update(own)
    for callee, callers in calls.items():
        edges[phase][callee].update(callers)


def module(fn):
    """The Swift module of a function of our binary; None for shared libraries and the standard library."""
    ob = object_of.get(fn) or ""
    if ".so" in ob.rsplit("/", 1)[-1] or fn.startswith(("$ss", "$sS")):
        return None
    m = re.match(r"\$s(\d+)([A-Za-z_]\w*)", fn)
    if m:
        return m.group(2)[: int(m.group(1))]
    return None if fn.startswith("$s") else "(C or unnamed)"


def charged(phase):
    owned, pending = collections.Counter(), collections.Counter()
    for fn, cost in self_cost[phase].items():
        (pending if module(fn) is None else owned)[fn] += cost
    for _ in range(30):
        nxt = collections.Counter()
        for fn, cost in pending.items():
            callers = edges[phase].get(fn)
            if not callers:
                owned["(unattributed)"] += cost
                continue
            total = sum(callers.values())
            for caller, weight in callers.items():
                if caller == fn:
                    continue
                (nxt if module(caller) is None else owned)[caller] += cost * weight / total
        pending = nxt
        if not pending:
            break
    owned["(unattributed)"] += sum(pending.values())
    return owned


def demangle(symbols):
    try:
        out = subprocess.run(["swift", "demangle", "--simplified", "--compact"], input="\n".join(symbols),
                             capture_output=True, text=True, check=True).stdout.split("\n")
        return out[: len(symbols)]
    except (OSError, subprocess.CalledProcessError):
        return symbols


print(f"{requests} requests; instructions per request by phase (all threads)")
totals = {p: sum(self_cost[p].values()) / requests for p in cycle}
for p in cycle:
    print(f"  {p:8} {totals[p]:10,.0f}")
print(f"  {'total':8} {sum(totals.values()):10,.0f}   (other dumps: {sum(self_cost['other'].values()):,} in all)")
for p in cycle:
    owned = charged(p)
    print(f"\n{p}: {totals[p]:,.0f} per request, by module (runtime and libc charged to callers)")
    by_module = collections.Counter()
    for fn, cost in owned.items():
        by_module[module(fn) if fn != "(unattributed)" else fn] += cost
    for name, cost in by_module.most_common(8):
        print(f"  {cost / requests:10,.0f}  {name}")
    top = owned.most_common(args.top)
    print(f"  top {args.top} functions:")
    for (fn, cost), shown in zip(top, demangle([fn for fn, _ in top])):
        print(f"  {cost / requests:10,.0f}  {shown[:140]}")
