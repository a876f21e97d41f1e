#!/usr/bin/env bash
# Load on `counterspy serve`: wrk submits REQUESTS distinct small mails
# (inert plain-text RFC 5322, some shaped like spear-phishing against the
# demo case's organisations; see bench/serve-load.lua) from CONNECTIONS
# concurrent clients to a fresh server on 127.0.0.1 (release build,
# examples/case/case.toml, default workers: one per core), waits until
# every accepted submission is final, and prints requests sent, 202s,
# non-202s by status, p50/p99 latency of the submit call, submits/s, the
# analyses done/failed and per second (accepted / (last `finished` -
# first `received`), from the submissions API) and the verdicts.
# Target (issue 6): 1,000 mails from 50 clients, no errors, every accepted
# submission final and completed exactly once. Exit 1 when missed.
#
#   bash bench/serve-load.sh
#     env: KEEP=1 keeps the work directory (data dir, server log, wrk output),
#          REQUESTS=N (default 1000), CONNECTIONS=N (default 50),
#          THREADS=N wrk threads (default 2), WORKERS=N server workers
#          (default: one per core), DRAIN_TIMEOUT=seconds to wait for the
#          analyses after the load (default 600), MAX_LOAD=seconds wrk may
#          run at most (default 300; it stops itself after REQUESTS)
#
# Needs wrk (Debian's; installed with apt-get when missing), curl, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/counterspy/target}"
requests="${REQUESTS:-1000}"
connections="${CONNECTIONS:-50}"
threads="${THREADS:-2}"
drain_timeout="${DRAIN_TIMEOUT:-600}"
max_load="${MAX_LOAD:-300}"
case_key="serve-load"

if ! command -v wrk >/dev/null; then
    echo "installing wrk (apt-get)" >&2
    sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get install -y -q wrk >/dev/null
fi
for tool in curl python3; do
    command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 2; }
done

cargo build -q --release -p counterspy-cli --bin counterspy
bin="$CARGO_TARGET_DIR/release/counterspy"

work="$(mktemp -d)"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [ "${KEEP:-0}" = 1 ]; then
        echo "work directory: $work" >&2
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT

data="$work/data"
token="$("$bin" serve --data "$data" token create serve-load 2>/dev/null)"
[ -n "$token" ] || { echo "no token created" >&2; exit 1; }

args=(serve --data "$data" --listen 127.0.0.1:0 --case examples/case/case.toml)
[ -n "${WORKERS:-}" ] && args+=(--workers "$WORKERS")
"$bin" "${args[@]}" >"$work/server.log" 2>&1 &
server_pid=$!

# The server says where it listens once it does (port 0: the kernel picks).
addr=""
for _ in $(seq 300); do
    addr="$(sed -nE 's|^counterspy serve: http://([^/]+)/.*|\1|p' "$work/server.log" | head -1)"
    [ -n "$addr" ] && break
    kill -0 "$server_pid" 2>/dev/null || { echo "server exited:" >&2; cat "$work/server.log" >&2; exit 1; }
    sleep 0.1
done
[ -n "$addr" ] || { echo "server not ready after 30 s:" >&2; cat "$work/server.log" >&2; exit 1; }
curl -fsS "http://$addr/healthz" | grep -q '"ok"' || { echo "healthz failed" >&2; exit 1; }
base="http://$addr"

echo "counterspy serve on $addr ($(nproc) cores, workers ${WORKERS:-default}); wrk $("wrk" -v 2>&1 | head -1 | awk '{print $2}')"
echo "load: $requests mails, $connections connections, $threads threads"

export SERVE_LOAD_TOKEN="$token" SERVE_LOAD_REQUESTS="$requests" \
    SERVE_LOAD_THREADS="$threads" SERVE_LOAD_CASE="$case_key" \
    SERVE_LOAD_RUN="$(date +%s)-$$" SERVE_LOAD_DIR="$work/wrk-marks"
mkdir "$SERVE_LOAD_DIR"
set +e
wrk -t "$threads" -c "$connections" -d "${max_load}s" --timeout 120s --latency \
    -s bench/serve-load.lua "$base/api/submissions" >"$work/wrk.out" 2>&1
rc=$?
set -e
if [ "$rc" != 0 ] || ! grep -q '^serve-load latency_us' "$work/wrk.out"; then
    echo "wrk failed (exit $rc):" >&2; cat "$work/wrk.out" >&2; exit 1
fi

set +e
python3 bench/serve_load_report.py "$work/wrk.out" "$base" "$case_key" "$drain_timeout"
status=$?
set -e

if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "FAIL: the server is gone; its log:" >&2; tail -40 "$work/server.log" >&2
    status=1
fi
# tracing may colour its levels: strip the escapes before looking.
sed 's/\x1b\[[0-9;]*m//g' "$work/server.log" >"$work/server.txt"
problems="$(grep -cE '\b(ERROR|WARN)\b|panicked' "$work/server.txt" || true)"
echo "server log: $(wc -l <"$work/server.txt") lines, $problems ERROR/WARN/panic"
if [ "$problems" != 0 ]; then
    grep -E '\b(ERROR|WARN)\b|panicked' "$work/server.txt" | head -10
fi
exit "$status"
