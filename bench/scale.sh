#!/usr/bin/env bash
# Scale-out of `counterspy worker` on NATS JetStream: N small distinct
# mails (inert plain text; every tenth shaped like the demo case's
# spear-phishing) are published once with `counterspy submit`; then 1,
# then 2 worker processes (each analysing one message at a time) drain
# the same work from a fresh JetStream server, and the script prints the
# time, the analyses per second and the per-worker efficiency
# (throughput with 2 workers / (2 x throughput with 1)). On this 2-core
# machine 2 workers can at best double the throughput; the efficiency
# shows what the queue costs. Every run checks that each submission was
# stored exactly once.
#
#   bash bench/scale.sh            env: N=mails (default 2000), KEEP=1
#
# Needs Debian's nats-server (installed with apt-get when missing),
# python3. No peer: the workers are our own pipeline on JetStream.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/counterspy/target}"
n="${N:-2000}"

command -v nats-server >/dev/null || [ -x /usr/sbin/nats-server ] || {
    sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get install -y -qq nats-server >/dev/null
}
nats_bin="$(command -v nats-server || echo /usr/sbin/nats-server)"
cargo build -q --release -p counterspy-cli --bin counterspy
bin="$CARGO_TARGET_DIR/release/counterspy"

work="$(mktemp -d)"
cleanup() {
    [ "${KEEP:-0}" = 1 ] && echo "work directory: $work" || rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/mails"
python3 - "$work/mails" "$n" <<'PY'
import sys, pathlib
out, n = pathlib.Path(sys.argv[1]), int(sys.argv[2])
for i in range(n):
    phish = i % 10 == 0
    sender = "a.petrova@kbzenlt.ru" if phish else f"news{i}@example.org"
    body = ("Направляем замечания по проекту Гранит-М." if phish
            else "Weekly newsletter of the engineering society.")
    (out / f"{i:06}.eml").write_text(
        f"From: <{sender}>\r\nTo: <i.ivanov@kbzenit.ru>\r\nSubject: Note {i}\r\n"
        f"Message-ID: <{i}@bench>\r\nDate: Tue, 14 Jun 2022 09:00:00 +0300\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body} #{i}\r\n",
        encoding="utf-8")
PY

count() {
    python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from submissions').fetchone()[0])" "$1" 2>/dev/null || echo 0
}
max_completions() {
    python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select coalesce(max(completions),0) from submissions').fetchone()[0])" "$1"
}

# run WORKERS: fresh server, submit, then time the workers draining it.
run() {
    local workers="$1" dir="$work/run-$1"
    mkdir -p "$dir"
    # run() is a subshell ($(run N)): it stops its own server and workers.
    mine=()
    trap 'kill "${mine[@]}" 2>/dev/null; wait 2>/dev/null' EXIT
    local port
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    "$nats_bin" -js -a 127.0.0.1 -p "$port" -sd "$dir/js" >"$dir/nats.log" 2>&1 &
    mine+=($!)
    local url="nats://127.0.0.1:$port"
    for _ in $(seq 100); do (echo >/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.1; done
    "$bin" submit --nats "$url" --org kbzenit --case bench "$work/mails" >"$dir/ids" 2>"$dir/submit.log"
    local start end
    start=$(date +%s.%N)
    for w in $(seq "$workers"); do
        "$bin" worker --nats "$url" --case examples/case/case.toml --concurrency 1 \
            --name "w$w" --db "$dir/case.db" >/dev/null 2>"$dir/worker-$w.log" &
        mine+=($!)
    done
    while [ "$(count "$dir/case.db")" -lt "$n" ]; do sleep 0.2; done
    end=$(date +%s.%N)
    kill "${mine[@]}" 2>/dev/null || true
    wait "${mine[@]}" 2>/dev/null || true
    [ "$(max_completions "$dir/case.db")" = 1 ] || { echo "a submission completed twice" >&2; exit 1; }
    python3 -c "print(f'{float(\"$end\") - float(\"$start\"):.2f}')"
}

echo "counterspy worker scale-out: $n mails, one message at a time per worker"
t1="$(run 1)"
t2="$(run 2)"
python3 - "$n" "$t1" "$t2" <<'PY'
import sys
n, t1, t2 = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
r1, r2 = n / t1, n / t2
print(f"{'workers':>8} {'seconds':>9} {'analyses/s':>11}")
print(f"{1:>8} {t1:>9.2f} {r1:>11.1f}")
print(f"{2:>8} {t2:>9.2f} {r2:>11.1f}")
print(f"speed-up x{r2 / r1:.2f}; per-worker efficiency {r2 / (2 * r1):.0%}")
PY
