#!/usr/bin/env python3
"""Instructions per request from callgrind dumps (bench/gateway/callgrind.sh).

For each mode the gateway served R phases of N requests, each phase between `callgrind_control --zero` and
`--dump`. Instructions per request = the median over the phases of Ir / N (with the spread of the phases). Where
they go: self cost per function and per object file (the binary, libswiftCore, libc, ...) in the median phase,
Swift names demangled with `swift demangle`.

Usage: callgrind-report.py [--top K] [--json OUT] [--idle DUMP SECONDS] [--meta KEY=VALUE] MODE:N:DUMP[,DUMP...] ...
Prints a plain-text report; --json also writes a summary for bench/run.sh's results.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
from collections import defaultdict

NAME = re.compile(r"^\((\d+)\)(?: (.*))?$")
RECURSION = re.compile(r"'\d+$")  # callgrind's suffix for a recursion level of the same function


class Dump:
    """Self cost (Ir) per (object, function) from one callgrind output file (any --dump-instr / compression).

    With `edges`, also the inclusive cost of each call, as `calls[(callee object, callee)][(caller object, caller)]`.
    `tables` carries callgrind's compressed names from dump to dump: the dumps of one run (`--dump-before`, ...)
    define a name once, in the first dump that uses it; pass the same dictionary to each, in order.
    """

    def __init__(self, path: str, tables: dict | None = None, edges: bool = False) -> None:
        self.total = 0
        self.summary = None
        self.self_cost: dict[tuple[str, str], int] = defaultdict(int)
        self.calls: dict[tuple[str, str], dict[tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))
        tables = tables if tables is not None else {}
        for kind in ("ob", "fn", "fl"):
            tables.setdefault(kind, {})
        kind_table = {"ob": "ob", "cob": "ob", "fn": "fn", "cfn": "fn", "fl": "fl", "fi": "fl", "fe": "fl",
                      "cfi": "fl", "cfl": "fl"}

        def resolve(kind: str, value: str) -> str:
            table = tables[kind_table[kind]]
            m = NAME.match(value)
            if not m:
                return value
            if m.group(2) is not None:
                table[m.group(1)] = m.group(2)
                return m.group(2)
            return table.get(m.group(1), value)

        ob = fn = "???"
        callee_ob = callee = None
        call_pending = False  # the cost line after calls= is the call's inclusive cost, not self cost
        with open(path, errors="replace") as f:
            for line in f:
                c = line[:1]
                if c.isdigit() or c in "+-*":
                    parts = line.split()
                    if call_pending:
                        call_pending = False
                        if edges and len(parts) > 1 and callee is not None:
                            self.calls[(callee_ob or ob, callee)][(ob, fn)] += int(parts[1])
                        callee_ob = None
                        continue
                    if len(parts) > 1:
                        cost = int(parts[1])
                        self.self_cost[(ob, fn)] += cost
                        self.total += cost
                    continue
                key, sep, value = line.rstrip("\n").partition("=")
                if sep and key in kind_table:
                    name = resolve(key, value)
                    if key == "ob":
                        ob = name
                    elif key == "fn":
                        fn = RECURSION.sub("", name)
                    elif key == "cob":
                        callee_ob = name
                    elif key == "cfn":
                        callee = RECURSION.sub("", name)
                elif key == "calls" and sep:
                    call_pending = True
                elif line.startswith("summary:") or line.startswith("totals:"):
                    self.summary = int(line.split()[1])
        if self.summary is None:
            self.summary = self.total


def demangle(names: list[str]) -> dict[str, str]:
    """Swift symbols ($s...) through `swift demangle --simplified` when the toolchain is there."""
    swift = shutil.which("swift")
    mangled = sorted({n for n in names if n.startswith(("$s", "_$s", "$S", "_T"))})
    if not swift or not mangled:
        return {}
    try:
        out = subprocess.run([swift, "demangle", "--simplified", "--compact"], input="\n".join(mangled) + "\n",
                             capture_output=True, text=True, timeout=120).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        return {}
    return dict(zip(mangled, out)) if len(out) == len(mangled) else {}


def short_object(path: str) -> str:
    return os.path.basename(path) if path else "???"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--json")
    ap.add_argument("--idle", nargs=2, metavar=("DUMP", "SECONDS"))
    ap.add_argument("--meta", action="append", default=[], metavar="KEY=VALUE")
    ap.add_argument("phases", nargs="+", metavar="MODE:N:DUMP[,DUMP...]")
    args = ap.parse_args()

    summary: dict[str, object] = {}
    for item in args.meta:
        key, _, value = item.partition("=")
        summary[key] = value
    results = []
    for phase in args.phases:
        mode, n, paths = phase.split(":", 2)
        n = int(n)
        dumps = [Dump(p) for p in paths.split(",")]
        # The headline uses each dump's `summary:` line (callgrind_annotate's PROGRAM TOTALS); the breakdown uses
        # the cost lines, whose sum (`totals:`) can differ slightly from it for the first dump after a zero.
        per = sorted(d.summary / n for d in dumps)
        median = statistics.median(per)
        middle = min(dumps, key=lambda d: abs(d.summary / n - median))
        objects = defaultdict(int)
        for (obj, _), cost in middle.self_cost.items():
            objects[short_object(obj)] += cost
        results.append((mode, n, dumps, per, median, middle, objects))

    names = demangle([fn for r in results for (_, fn) in r[5].self_cost])
    text: list[str] = []
    for mode, n, dumps, per, median, middle, objects in results:
        spread = (per[-1] - per[0]) / median if median else 0.0
        breakdown = sum(middle.self_cost.values()) or 1
        text.append(f"{mode}: {median:,.0f} instructions per request (median of {len(dumps)} phases of {n} requests: "
                    f"{', '.join(f'{d.summary / n:,.0f}' for d in dumps)}; spread {100 * spread:.2f}%)")
        text.append("")
        text.append(f"  {mode}: self instructions per request by object file (median phase)")
        by_object = []
        for obj, cost in sorted(objects.items(), key=lambda kv: -kv[1]):
            if cost / n >= 500:
                by_object.append(f"{cost / n:>12,.0f}  {100 * cost / breakdown:5.1f}%  {obj}")
        text.extend("  " + line for line in by_object)
        text.append("")
        text.append(f"  {mode}: top {args.top} functions by self instructions per request (median phase)")
        top_lines = []
        for (obj, fn), cost in sorted(middle.self_cost.items(), key=lambda kv: -kv[1])[: args.top]:
            top_lines.append(f"{cost / n:>12,.0f}  {100 * cost / breakdown:5.1f}%  {names.get(fn, fn)}  "
                             f"[{short_object(obj)}]")
        text.extend("  " + line[:220] for line in top_lines)
        text.append("")
        summary[f"{mode} instructions per request"] = round(median)
        summary[f"{mode} phases (instructions per request)"] = [round(d.summary / n) for d in dumps]
        summary[f"{mode} requests per phase"] = n
        summary[f"{mode} spread of the phases (%)"] = round(100 * spread, 2)
        summary[f"{mode} by object file (self instructions per request)"] = by_object
        summary[f"{mode} top functions (self instructions per request)"] = top_lines
    if args.idle:
        idle = Dump(args.idle[0])
        seconds = float(args.idle[1])
        text.append(f"idle: {idle.summary / seconds:,.0f} instructions per second with no requests "
                    f"({idle.summary:,} in {seconds:g} s)")
        summary["idle instructions per second"] = round(idle.summary / seconds)
    print("\n".join(text))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(summary, f, indent=1)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
