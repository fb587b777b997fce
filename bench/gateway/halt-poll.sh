#!/usr/bin/env bash
# Runs a command with the guest's halt polling set to NS nanoseconds, and puts the old value back afterwards (also on
# failure or Ctrl-C). For telling how much of a figure is the VM's idle policy rather than the code measured.
#
#   bench/gateway/halt-poll.sh NS COMMAND [ARGS...]      (needs root; e.g. 200000, Linux's default for the driver)
#   e.g. bench/gateway/halt-poll.sh 200000 bench/gateway/ab.sh -r 10 -c 1 sy=bin=.build-release/release/switchyard relay=relay
#
# On a KVM guest with the cpuidle-haltpoll driver, an idle vCPU polls for up to guest_halt_poll_ns before it halts.
# A halt exits to the host, and waking a halted vCPU is a round trip through the host. The machine this benchmark
# runs on sets it to 0, so every idle vCPU halts. At concurrency 1 a request changes processes
# (wrk → proxy → nginx → proxy → wrk) and leaves a vCPU idle several times, and each time costs a halt and a wake-up.
# With 200,000 ns, against the run just before with 0 (bench/results/gateway-2026-12-05-session23.md):
#   - nginx directly: 16 µs at p50, against 61 µs;
#   - the gateway: +48 µs, against +108 µs;
#   - the relay: +18 µs, and nginx as a proxy +20 µs.
#
# Not the setup, which is the machine as it is: the figures come from bench/run.sh without this. The
# setting is the machine's, for every process on it, and costs host CPU while vCPUs poll. Switchyard does not poll in
# its place.
set -euo pipefail
if (($# < 2)); then sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2; fi
NS=$1
shift
PARAM=/sys/module/haltpoll/parameters/guest_halt_poll_ns
[[ -w $PARAM ]] || { echo "halt-poll.sh: $PARAM is missing or not writable (not a KVM guest with cpuidle-haltpoll, or not root)" >&2; exit 2; }
[[ $NS =~ ^[0-9]+$ ]] || { echo "halt-poll.sh: NS must be a number of nanoseconds" >&2; exit 2; }
OLD=$(cat "$PARAM")
trap 'echo "$OLD" >"$PARAM"; echo "halt-poll.sh: guest_halt_poll_ns back to $OLD" >&2' EXIT
trap 'exit 130' INT TERM
echo "$NS" >"$PARAM"
echo "halt-poll.sh: guest_halt_poll_ns $OLD -> $NS" >&2
"$@"
