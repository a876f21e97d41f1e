#!/usr/bin/env bash
# Mail triage throughput: counterspy scan vs Python's standard `email`
# package (parse every mail, decode every part), same corpus, one core
# each, in one run. Prints mails/s, MB/s and the ratios, for the full
# scan and for `--parse-only` (parse and decode only: the same work as
# the Python side). Each side runs RUNS times (default 3), interleaved;
# the fastest run of each counts (this host's speed swings between runs).
#
#   [RUNS=N] bash bench/scan-mail.sh [CORPUS]   (default ../shared/corpora/mail)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${1:-../shared/corpora/mail}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/counterspy/target}"

cargo build --quiet --release -p counterspy-cli
cargo build --quiet --release -p counterspy-engine --example hash_rate
bin="$CARGO_TARGET_DIR/release/counterspy"
mails=$(find "$corpus" -type f | wc -l)
bytes=$(find "$corpus" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')

# Warm the page cache for both.
cat $(find "$corpus" -type f) > /dev/null

# Seconds for one single-core counterspy run; extra flags in "$@".
run_ours() {
  local start end rc
  start=$(date +%s.%N)
  set +e
  taskset -c 0 "$bin" scan --threads 1 --no-progress --jsonl "$@" "$corpus" \
    > /tmp/counterspy-bench.jsonl
  rc=$?
  set -e
  end=$(date +%s.%N)
  [ "$rc" -le 1 ] || { echo "counterspy failed ($rc)" >&2; exit 1; }
  echo "$end - $start" | bc -l
}
# shellcheck source=bench/scan-common.sh
source bench/scan-common.sh

floor= ours= py_secs=
for _ in $(seq "${RUNS:-3}"); do
  floor=$(min "$floor" "$(run_ours --parse-only)")
  ours=$(min "$ours" "$(run_ours)")
  read -r py_mails py_bytes secs py_parts py_decoded \
    < <(taskset -c 0 python3 bench/py_email_parse.py "$corpus")
  py_secs=$(min "$py_secs" "$secs")
done

awk -v m="$mails" -v b="$bytes" -v ours="$ours" -v py="$py_secs" -v floor="$floor" \
    -v pm="$py_mails" -v pp="$py_parts" -v runs="${RUNS:-3}" 'BEGIN {
  printf "corpus: %d mails, %.1f MB; the fastest of %d runs each\n", m, b / 1e6, runs
  printf "%-22s %10s %10s %10s\n", "tool", "seconds", "mails/s", "MB/s"
  printf "%-22s %10.3f %10.0f %10.2f\n", "counterspy scan (1 core)", ours, m / ours, b / 1e6 / ours
  printf "%-22s %10.3f %10.0f %10.2f\n", "python email (1 core)", py, pm / py, b / 1e6 / py
  printf "%-22s %10.3f %10.0f %10.2f\n", "counterspy --parse-only", floor, m / floor, b / 1e6 / floor
  printf "ratio: counterspy scan is %.1fx Python email (target: 20x)\n", py / ours
  printf "ratio: counterspy --parse-only (same work as Python) is %.1fx\n", py / floor
}'

hash_floor "$corpus" "$py_secs" "Python email"
