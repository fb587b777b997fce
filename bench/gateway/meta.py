#!/usr/bin/env python3
"""Print the run's metadata (date, machine, versions, command, settings) as JSON; settings come from run.sh's
environment."""

import json
import os
import platform
import subprocess


def run(*cmd: str) -> str:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        return (done.stdout + done.stderr).strip()
    except (OSError, subprocess.SubprocessError) as error:
        return f"unavailable ({error})"


def read(path: str) -> str | None:
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return None


def cpu_idle() -> dict:
    """How an idle vCPU waits: the cpuidle driver and governor, and the guest's halt polling (KVM's cpuidle-haltpoll:
    how long an idle vCPU polls before it halts, which exits to the host). At 0 every idle halts, and every wake-up
    is a round trip through the host: at concurrency 1 that is most of the latency of every target
    (bench/results/gateway-2026-12-05-session23.md)."""
    base = "/sys/devices/system/cpu/cpuidle"
    poll = read("/sys/module/haltpoll/parameters/guest_halt_poll_ns")
    return {"driver": read(f"{base}/current_driver"), "governor": read(f"{base}/current_governor_ro"),
            "guest_halt_poll_ns": int(poll) if poll is not None and poll.isdigit() else None}


def main() -> None:
    env = os.environ
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) // 1024} MB"
                break
    meta = {
        "date": run("date", "-u", "+%Y-%m-%d %H:%M:%S UTC"),
        "command": env["COMMAND"],
        "machine": {"nproc": int(run("nproc")), "cpu": cpu, "memory": memory, "kernel": platform.release(),
                    "load_average_start": env.get("LOAD_START"), "load_average_end": env.get("LOAD_END"),
                    "cpu_idle": cpu_idle()},
        "versions": {
            "switchyard": env["SOURCE_DESC"],
            "swift": run("swift", "--version").splitlines()[0],
            "nginx": run("nginx", "-v").replace("nginx version: ", "").replace("nginx/", ""),
            "wrk": run("wrk", "-v").splitlines()[0].split(" Copyright")[0],
            "litellm": env.get("LITELLM_VERSION") or "not run",
            "python": platform.python_version(),
        },
        "settings": {
            "targets": env["TARGETS"].split(),
            "duration_s": int(env["DURATION"]),
            "warmup_s": int(env["WARMUP"]),
            "concurrency": [int(c) for c in env["CONCURRENCY"].split()],
            "wrk_threads": int(env["THREADS"]),
            "wrk_timeout": env["WRK_TIMEOUT"],
            "modes": env["MODES"].split(),
            "nginx_workers": int(env["NGINX_WORKERS"]),
            "switchyard_log_level": env["SY_LOG_LEVEL"],
            "litellm_workers": [int(w) for w in env["LITELLM_WORKERS"].split()],
            "ttfb_requests": int(env["TTFB_COUNT"]),
        },
    }
    print(json.dumps(meta, indent=2))


if __name__ == "__main__":
    main()
