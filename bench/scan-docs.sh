#!/usr/bin/env bash
# Document triage throughput: counterspy scan vs oletools (rtfobj on RTFs,
# olevba on Office files, one long-lived process), the same >= 200 MB batch
# built from the corpus, one core each, in one run. Each side runs RUNS
# times (default 3), interleaved; the fastest run of each counts (this
# host's speed swings between runs).
#
#   [RUNS=N] bash bench/scan-docs.sh [CORPUS] [MIN_BYTES]
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${1:-../shared/corpora/office}"
min_bytes="${2:-200000000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/counterspy/target}"
venv="$HOME/.cache/counterspy/bench-venv"

# The peer, installed outside the project.
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c 'import oletools' 2>/dev/null \
  || "$venv/bin/pip" install --quiet oletools

cargo build --quiet --release -p counterspy-cli
cargo build --quiet --release -p counterspy-engine --example hash_rate
bin="$CARGO_TARGET_DIR/release/counterspy"

batch=/tmp/counterspy-docs-batch
list=/tmp/counterspy-docs-batch.list
read -r files bytes distinct < <(python3 bench/make_docs_batch.py \
  "$corpus" "$batch" "$list" "$min_bytes")
cat "$batch"/* > /dev/null

# Seconds for one single-core counterspy run; extra flags in "$@".
run_ours() {
  local start end rc
  start=$(date +%s.%N)
  set +e
  taskset -c 0 "$bin" scan --threads 1 --no-progress --jsonl "$@" "$batch" \
    > /tmp/counterspy-docs.jsonl
  rc=$?
  set -e
  end=$(date +%s.%N)
  [ "$rc" -le 1 ] || { echo "counterspy failed ($rc)" >&2; exit 1; }
  echo "$end - $start" | bc -l
}
# shellcheck source=bench/scan-common.sh
source bench/scan-common.sh

floor= ours= o_secs=
for _ in $(seq "${RUNS:-3}"); do
  floor=$(min "$floor" "$(run_ours --parse-only)")
  ours=$(min "$ours" "$(run_ours)")
  read -r o_files o_bytes secs o_objects o_macros o_errors \
    < <(taskset -c 0 "$venv/bin/python" bench/oletools_batch.py "$list")
  o_secs=$(min "$o_secs" "$secs")
done
our_findings=$(grep -c '"type":"finding"' /tmp/counterspy-docs.jsonl || true)

awk -v f="$files" -v b="$bytes" -v d="$distinct" -v ours="$ours" \
    -v py="$o_secs" -v of="$o_files" -v oe="$o_errors" \
    -v fi="$our_findings" -v floor="$floor" -v runs="${RUNS:-3}" 'BEGIN {
  printf "batch: %d files (%d distinct documents), %.1f MB; the fastest of %d runs each\n", f, d, b / 1e6, runs
  printf "%-28s %9s %9s %9s\n", "tool", "seconds", "files/s", "MB/s"
  printf "%-28s %9.2f %9.0f %9.2f  (%d findings)\n", "counterspy scan (1 core)", ours, f / ours, b / 1e6 / ours, fi
  printf "%-28s %9.2f %9.0f %9.2f  (%d files raised)\n", "oletools rtfobj+olevba", py, of / py, b / 1e6 / py, oe
  printf "%-28s %9.2f %9.0f %9.2f  (parse and decode only)\n", "counterspy --parse-only", floor, f / floor, b / 1e6 / floor
  printf "ratio: counterspy scan is %.1fx oletools (target: 20x)\n", py / ours
  printf "ratio: counterspy --parse-only is %.1fx oletools\n", py / floor
}'

hash_floor "$batch" "$o_secs" "oletools"
