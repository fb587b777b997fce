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

# start_nginx_proxy DIR PORT UPSTREAM_PORT: nginx as a plain reverse proxy on PORT for the upstream on 127.0.0.1,
# with keep-alive upstream connections and one worker, in the background ($! is its master's PID). The brief's bar
# for what a proxy adds.
start_nginx_proxy() {
    mkdir -p "$1/logs"
    cat >"$1/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $1/nginx.pid;
error_log $1/nginx-error.log warn;
events { worker_connections 16384; }
http {
    access_log off;
    client_body_temp_path $1/client_body;
    proxy_temp_path $1/proxy;
    fastcgi_temp_path $1/fastcgi;
    uwsgi_temp_path $1/uwsgi;
    scgi_temp_path $1/scgi;
    keepalive_timeout 300s;
    keepalive_requests 100000000;
    upstream up { server 127.0.0.1:$3; keepalive 64; keepalive_requests 100000000; }
    server {
        listen 127.0.0.1:$2 backlog=8192;
        location / {
            proxy_pass http://up;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_buffering off;
        }
    }
}
CONF
    nginx -p "$1" -c "$1/nginx.conf" -e "$1/nginx-error.log" >"$1/nginx.out" 2>&1 &
}
