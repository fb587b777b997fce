#!/usr/bin/env python3
"""The link order of the release build (scripts/link-order.txt): the functions a proxied request runs, hottest first.

The release build compiles every function into a section of its own (`-function-sections`) and has lld place the
functions this file names first, in its order (`--symbol-ordering-file`), so that the code a request runs through
sits together instead of spread over the binary's 37 MB of code: the lines and pages of code fetched for a request
hold code that runs, rather than the functions beside it (bench/results/gateway-2026-12-05-session21.md).

Reads callgrind dumps of the gateway serving requests (bench/gateway/link-order.sh makes them), sums each
function's own instructions over the dumps, and writes the names that the binary defines, hottest first, one per line.
Callgrind shows C++ names (the Swift runtime's) demangled; they are mapped back to the binary's symbols through
`c++filt`. Functions of shared libraries (libc) are not the binary's to place: they are left out, as is any name the
binary does not define.

Usage: link-order.py --binary PATH --out FILE DUMP [DUMP ...]
"""

import argparse
import importlib.util
import os
import subprocess
import sys
from collections import defaultdict

_spec = importlib.util.spec_from_file_location(
    "callgrind_report", os.path.join(os.path.dirname(os.path.abspath(__file__)), "callgrind-report.py"))
callgrind_report = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(callgrind_report)


def defined_functions(binary: str) -> tuple[set[str], dict[str, str]]:
    """The binary's function symbols, and its C++ ones by their demangled names."""
    listing = subprocess.run(["nm", "--defined-only", binary], capture_output=True, text=True, check=True).stdout
    names = {parts[2] for parts in (line.split() for line in listing.splitlines())
             if len(parts) == 3 and parts[1] in "tTwW"}
    mangled = sorted(name for name in names if name.startswith("_Z"))
    demangled = subprocess.run(["c++filt"], input="\n".join(mangled), capture_output=True, text=True,
                               check=True).stdout.splitlines()
    return names, dict(zip(demangled, mangled))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("dumps", nargs="+")
    args = parser.parse_args()

    cost: dict[str, int] = defaultdict(int)
    for path in args.dumps:
        for (_, fn), value in callgrind_report.Dump(path).self_cost.items():
            cost[fn] += value
    names, cplusplus = defined_functions(args.binary)
    order: list[str] = []
    seen: set[str] = set()
    for fn, value in sorted(cost.items(), key=lambda item: -item[1]):
        if value <= 0:
            continue
        symbol = fn if fn in names else cplusplus.get(fn)
        if symbol is None or symbol in seen:
            continue
        seen.add(symbol)
        order.append(symbol)
    with open(args.out, "w") as out:
        out.write("\n".join(order) + "\n")
    print(f"link-order.py: {len(order)} functions of {len(cost)} executed written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
