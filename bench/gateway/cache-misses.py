#!/usr/bin/env python3
"""Simulated cache misses per request, by Swift module and shared library (bench/gateway/callgrind.sh --cache-sim).

callgrind's cache simulation (--cache-sim=yes) counts, beside the instructions (Ir), the first-level instruction
cache misses (I1mr) and data cache misses (D1mr + D1mw) of every function. A miss is an instruction or data line
that was not in the simulated 32 KB first-level cache when it was needed: the cost that an instruction count does
not show. A proxied request that runs through more distinct code than the cache holds misses on most of its code
lines every time, however few instructions each line holds.

  cache-misses.py MODE:REQUESTS:DUMP [...]

Functions of the gateway's binary are grouped by the Swift module in their mangled names (`$s16SwitchyardServer...`,
`$s7NIOCore...`); the standard library's generic code specialised into the binary (`$ss...`, `$sSa...`) and C functions
(BoringSSL, SQLite) each form a group; functions of shared libraries (libc, and the Swift runtime in a build that links
it dynamically) are grouped by library. The release build links the Swift runtime and standard library statically
(`scripts/build-release.sh`): the runtime's own functions (`swift_retain`, `swift::…`) are then a group of their own,
and the standard library's code, specialised or not, is one group.
"""

import collections
import re
import sys

NAME = re.compile(r"\((\d+)\)(?: (.*))?")
MODULE = re.compile(r"\$s(\d+)([A-Za-z_][A-Za-z0-9_]*)")
# Events as callgrind --cache-sim=yes writes them: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw.
IR, I1MR, D1MR, D1MW = 0, 3, 4, 5


def group(function, library):
    if library != "switchyard":
        return library
    match = MODULE.match(function)
    if match:
        return match.group(2)[: int(match.group(1))]
    if function.startswith("$s"):
        return "standard library, specialised"
    if function.startswith(("swift_", "swift::", "_swift_", "(anonymous namespace)::")) or "swift::" in function:
        return "Swift runtime, linked in"
    return "C (BoringSSL, SQLite, shims)"


def read(path):
    """Self Ir, I1 misses and D1 misses per group."""
    names, objects = {}, {}

    def compressed(token, table):
        match = NAME.match(token)
        if not match:
            return token
        if match.group(2):
            table[match.group(1)] = match.group(2)
        return table[match.group(1)]

    totals = collections.defaultdict(lambda: [0, 0, 0])
    function = library = None
    current_object = None
    after_calls = False
    for line in open(path):
        if line.startswith("ob="):
            current_object = compressed(line[3:].strip(), objects)
        elif line.startswith("fn="):
            function = compressed(line[3:].strip(), names)
            library = (current_object or "?").rsplit("/", 1)[-1]
        elif line.startswith("cfn="):
            compressed(line[4:].strip(), names)
        elif line.startswith("cob="):
            compressed(line[4:].strip(), objects)
        elif line.startswith("calls="):
            after_calls = True
        elif line[:1].isdigit() or line[:1] in "+-*":
            if after_calls:  # the inclusive cost of a call, not this function's own
                after_calls = False
                continue
            values = [int(v) for v in line.split()[1:]] + [0] * 9
            entry = totals[group(function, library)]
            entry[0] += values[IR]
            entry[1] += values[I1MR]
            entry[2] += values[D1MR] + values[D1MW]
    return totals


def main():
    for spec in sys.argv[1:]:
        mode, requests, path = spec.split(":", 2)
        requests = int(requests)
        totals = read(path)
        ir = sum(v[0] for v in totals.values()) / requests
        i1 = sum(v[1] for v in totals.values()) / requests
        d1 = sum(v[2] for v in totals.values()) / requests
        print(f"{mode}: per request {ir:,.0f} instructions, {i1:,.0f} I1 misses ({i1 * 64 / 1024:,.0f} KB of code"
              f" lines fetched), {d1:,.0f} D1 misses (simulated 32 KB, 8-way, 64-byte lines)")
        print(f"  {'module or library':30} {'instructions':>12} {'I1 misses':>10} {'D1 misses':>10}")
        for name, (gir, gi1, gd1) in sorted(totals.items(), key=lambda item: -item[1][1])[:20]:
            print(f"  {name:30} {gir / requests:12,.0f} {gi1 / requests:10,.0f} {gd1 / requests:10,.0f}")
        print()


if __name__ == "__main__":
    main()
