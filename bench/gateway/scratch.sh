# shellcheck shell=bash
# Sourced by ab.sh and window.sh: a scratch directory, the processes started into it stopped by PID on exit, and free
# loopback ports.
#
# start_scratch PREFIX: makes WORK (a temporary directory that nginx's unprivileged workers can traverse, as they must
# when the master runs as root), empties PIDS (append each process started), and on exit stops them by PID and removes
# WORK (KEEP_WORK=1 keeps it).
start_scratch() {
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
    chmod 755 "$WORK"
    PIDS=()
    trap stop_scratch EXIT
}

stop_scratch() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    [[ -n ${KEEP_WORK:-} ]] && echo "kept $WORK" >&2 || rm -rf "$WORK"
}

# port: a free TCP port on 127.0.0.1.
port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
