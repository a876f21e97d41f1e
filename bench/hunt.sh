#!/usr/bin/env bash
# Sigma hunting throughput: counterspy hunt vs rsigma 0.23.0 (crates.io, MIT;
# the newest release that builds with Rust 1.95), SigmaHQ's rules/ folder,
# one core each, in one run, on
#   (a) the EVTX attack-samples corpus as it is, and
#   (b) COPIES (10) copies of its files,
# plus `counterspy hunt --parse-only` on (b): read and normalise every event,
# evaluate nothing (our floor).
#
# rsigma as `cargo install`ed has no EVTX reader (its `evtx` feature is off
# by default), and even with it rsigma looks fields up from the root of the
# JSON object, so SigmaHQ's `Image` never matches evtx's nested
# Event.EventData.Image. Both tools therefore read the same JSONL export of
# the events (`evtx_dump -o jsonl`, evtx 0.15.1); rsigma flattens it itself
# with `--jq` (filter in bench/hunt_flatten.py), gets the builtin `sysmon`
# pipeline (category -> Sysmon EventID) and `--logsource-routing` with a
# static `product=windows` (without it SigmaHQ's zeek/cisco/macos rules with
# `condition: not ...` fire on every Windows event). For reference rsigma is
# also timed on a pre-flattened copy (its best case: no jq in the loop), and
# counterspy directly on the EVTX copies of (b).
#
# Prints wall seconds, peak MB, events/s and detections for each run, the
# ratios and the targets (issue 4): faster than rsigma on (a) and (b);
# >= 30,000 events/s per core on (b); within 3x of the parse-only floor.
# counterspy is timed building its rules from the files (cold, as rsigma
# always does) and, for (b), reading them from its rule cache (warm).
#
#   bash bench/hunt.sh [CORPUS] [SIGMA_RULES]
#     defaults: ../shared/corpora/evtx-attack-samples ../shared/corpora/sigma/rules
#     env: COPIES=10, KEEP=1 keeps the work directory, RUNS=3 rounds of
#          every run (interleaved), the fastest of each counted
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${1:-../shared/corpora/evtx-attack-samples}"
rules="${2:-../shared/corpora/sigma/rules}"
copies="${COPIES:-10}"
runs="${RUNS:-3}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/counterspy/target}"
tools="$HOME/.cache/counterspy/bench-tools"
rsigma="$tools/bin/rsigma"
evtx_dump="$tools/bin/evtx_dump"

[ -d "$corpus" ] || { echo "no corpus at $corpus" >&2; exit 2; }
[ -d "$rules" ] || { echo "no Sigma rules at $rules" >&2; exit 2; }

# The peer and the exporter, installed outside the project (never project
# dependencies). A cold build of rsigma takes ~15 minutes on 2 cores.
if [ ! -x "$rsigma" ]; then
  echo "installing rsigma 0.23.0 into $tools ..." >&2
  CARGO_TARGET_DIR=/tmp/tgt-rsigma cargo install --quiet rsigma --version 0.23.0 --locked --root "$tools"
fi
if [ ! -x "$evtx_dump" ]; then
  echo "installing evtx_dump (evtx 0.15.1) into $tools ..." >&2
  CARGO_TARGET_DIR=/tmp/tgt-evtx cargo install --quiet evtx --version 0.15.1 --locked --root "$tools"
fi

cargo build --quiet --release -p counterspy-cli
bin="$CARGO_TARGET_DIR/release/counterspy"

work=$(mktemp -d "${TMPDIR:-/tmp}/counterspy-hunt.XXXXXX")
if [ "${KEEP:-0}" = 1 ]; then
  echo "work directory: $work" >&2
else
  trap 'rm -rf "$work"' EXIT
fi

# (b): copies of the corpus files.
mkdir -p "$work/b"
for i in $(seq 1 "$copies"); do
  cp -r "$corpus" "$work/b/copy$i"
done

# One JSONL export per input, records in file order (files sorted by path).
export_jsonl() { # DIR OUT
  find "$1" -type f -name '*.evtx' -print0 | sort -z |
    while IFS= read -r -d '' f; do
      "$evtx_dump" -o jsonl -t 1 "$f" 2>> "$work/evtx_dump.err" \
        || echo "evtx_dump failed on $f" >> "$work/evtx_dump.err"
    done > "$2"
}
export_jsonl "$corpus" "$work/a.jsonl"
export_jsonl "$work/b" "$work/b.jsonl"
: > "$work/empty.jsonl"
python3 bench/hunt_flatten.py "$work/a.jsonl" "$work/a.flat.jsonl" > /dev/null
python3 bench/hunt_flatten.py "$work/b.jsonl" "$work/b.flat.jsonl" > /dev/null
files_a=$(find "$corpus" -type f -name '*.evtx' | wc -l)
events_a=$(wc -l < "$work/a.jsonl")
events_b=$(wc -l < "$work/b.jsonl")
[ "$events_a" -gt 0 ] || { echo "evtx_dump exported no events" >&2; exit 2; }
export_errors=$(grep -c . "$work/evtx_dump.err" 2>/dev/null || true)

flat_jq=$(python3 bench/hunt_flatten.py --jq)
rs_opts=(engine eval -r "$rules" -p sysmon --logsource-routing
         --event-logsource product=windows --output-format ndjson)

# Warm the page cache for everyone.
cat "$work"/*.jsonl > /dev/null
find "$work/b" -type f -name '*.evtx' -exec cat {} + > /dev/null

# measure NAME CMD... : one core, wall time, peak RSS, stdout lines.
# Appends "NAME RC SECONDS PEAK_KB LINES" to $work/results.
measure() {
  local name=$1 t0 t1 rc kb lines
  shift
  t0=$(date +%s.%N)
  set +e
  /usr/bin/time -v -o "$work/$name.time" taskset -c 0 "$@" \
    > "$work/$name.out" 2> "$work/$name.err"
  rc=$?
  set -e
  t1=$(date +%s.%N)
  kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/$name.time")
  lines=$(grep -vc '"type":"stats"' "$work/$name.out" || true)
  echo "$name $rc $(echo "$t1 - $t0" | bc -l) ${kb:-0} $lines" >> "$work/results"
  if [ "$rc" -gt 1 ]; then
    echo "$name failed (rc $rc): $(grep -v '^\s*$' "$work/$name.err" | head -3 | tr '\n' ' ')" >&2
  fi
}

: > "$work/results"
# One round: every run once. Rounds interleave the runs, so a noisy
# moment on a shared machine costs one sample of each, not one run.
round() {
  measure rs_load   "$rsigma" "${rs_opts[@]}" -e @"$work/empty.jsonl"
  measure rs_a      "$rsigma" "${rs_opts[@]}" --jq "$flat_jq" -e @"$work/a.jsonl"
  measure rs_b      "$rsigma" "${rs_opts[@]}" --jq "$flat_jq" -e @"$work/b.jsonl"
  measure rs_flat_a "$rsigma" "${rs_opts[@]}" -e @"$work/a.flat.jsonl"
  measure rs_flat_b "$rsigma" "${rs_opts[@]}" -e @"$work/b.flat.jsonl"
  # Cold: rules built from the files (--no-rule-cache), as rsigma does every
  # time. Warm: the same rules read from counterspy's rule cache, which the
  # first warm run writes (untimed).
  cs_opts=(--no-default-rules --sigma "$rules" --threads 1 --no-progress --jsonl)
  export COUNTERSPY_CACHE_DIR="$work/cache"
  measure cs_load   "$bin" hunt "$work/empty.jsonl" --no-rule-cache "${cs_opts[@]}"
  measure cs_a      "$bin" hunt "$work/a.jsonl" --no-rule-cache "${cs_opts[@]}"
  measure cs_b      "$bin" hunt "$work/b.jsonl" --no-rule-cache "${cs_opts[@]}"
  measure cs_parse_b "$bin" hunt "$work/b.jsonl" --parse-only --threads 1 --no-progress
  measure cs_evtx_b "$bin" hunt "$work/b" --no-rule-cache "${cs_opts[@]}"
  measure cs_parse_evtx_b "$bin" hunt "$work/b" --parse-only --threads 1 --no-progress
  "$bin" hunt "$work/empty.jsonl" "${cs_opts[@]}" > /dev/null 2>&1 || true
  measure cs_load_warm "$bin" hunt "$work/empty.jsonl" "${cs_opts[@]}"
  measure cs_b_warm "$bin" hunt "$work/b.jsonl" "${cs_opts[@]}"
  measure cs_evtx_b_warm "$bin" hunt "$work/b" "${cs_opts[@]}"
}
for _ in $(seq "$runs"); do round; done

# rsigma's own event count, as a check on the input.
rs_seen_b=$(grep -o 'Processed [0-9]* events' "$work/rs_b.err" | awk '{print $2}' | tail -1)

awk -v fa="$files_a" -v ea="$events_a" -v eb="$events_b" -v copies="$copies" -v runs="$runs" \
    -v xerr="${export_errors:-0}" -v rsseen="${rs_seen_b:-?}" '
function row(label, k, ev, load,   r) {
  if (!(k in rc)) return
  if (rc[k] > 1) { printf "%-40s %8s  failed (rc %d)\n", label, "", rc[k]; return }
  r = (ev > 0) ? sprintf("%10.0f", ev / secs[k]) : sprintf("%10s", "-")
  printf "%-40s %8.2f %8.0f %s", label, secs[k], kb[k] / 1024, r
  if (ev > 0 && load != "" && (load in secs) && rc[load] <= 1 && secs[k] > secs[load])
    printf " %12.0f", ev / (secs[k] - secs[load])
  else
    printf " %12s", "-"
  printf " %11s\n", (ev > 0 || k ~ /load/) ? lines[k] : "-"
}
function ok(k) { return (k in rc) && rc[k] <= 1 }
function verdict(c) { return c ? "PASS" : "FAIL" }
{
  if (!($1 in rc) || $2 > rc[$1]) rc[$1] = $2
  if (!($1 in secs) || $3 < secs[$1]) { secs[$1] = $3; kb[$1] = $4; lines[$1] = $5 }
}
END {
  printf "corpus (a): %d EVTX files, %d events; (b): %d copies, %d events (rsigma saw %s)\n", fa, ea, copies, eb, rsseen
  if (xerr > 0) printf "evtx_dump reported %d error lines (see evtx_dump.err with KEEP=1)\n", xerr
  printf "one core each (taskset -c 0); the fastest of %d rounds; wall time includes loading the rules\n\n", runs
  printf "%-40s %8s %8s %10s %12s %11s\n", "run", "seconds", "peak MB", "events/s", "excl. load", "detections"
  row("rsigma: rule load only", "rs_load", 0, "")
  row("rsigma (a) same JSONL, --jq flatten", "rs_a", ea, "rs_load")
  row("rsigma (b) same JSONL, --jq flatten", "rs_b", eb, "rs_load")
  row("rsigma (a) pre-flattened [best case]", "rs_flat_a", ea, "rs_load")
  row("rsigma (b) pre-flattened [best case]", "rs_flat_b", eb, "rs_load")
  row("counterspy: rule load only", "cs_load", 0, "")
  row("counterspy hunt (a) JSONL", "cs_a", ea, "cs_load")
  row("counterspy hunt (b) JSONL", "cs_b", eb, "cs_load")
  row("counterspy hunt --parse-only (b) JSONL", "cs_parse_b", eb, "")
  row("counterspy hunt (b) EVTX files", "cs_evtx_b", eb, "cs_load")
  row("counterspy hunt --parse-only (b) EVTX", "cs_parse_evtx_b", eb, "")
  row("counterspy, rule cache: load only", "cs_load_warm", 0, "")
  row("counterspy, rule cache: (b) JSONL", "cs_b_warm", eb, "cs_load_warm")
  row("counterspy, rule cache: (b) EVTX", "cs_evtx_b_warm", eb, "cs_load_warm")
  printf "\n"
  if (ok("cs_a") && ok("rs_a")) {
    printf "counterspy vs rsigma on (a): %.2fx faster (vs pre-flattened rsigma: %.2fx)   target > 1x: %s\n",
      secs["rs_a"] / secs["cs_a"], ok("rs_flat_a") ? secs["rs_flat_a"] / secs["cs_a"] : 0, verdict(secs["cs_a"] < secs["rs_a"])
  } else printf "counterspy vs rsigma on (a): n/a (a run failed)\n"
  if (ok("cs_b") && ok("rs_b")) {
    printf "counterspy vs rsigma on (b): %.2fx faster (vs pre-flattened rsigma: %.2fx)   target > 1x: %s\n",
      secs["rs_b"] / secs["cs_b"], ok("rs_flat_b") ? secs["rs_flat_b"] / secs["cs_b"] : 0, verdict(secs["cs_b"] < secs["rs_b"])
    printf "counterspy on (b): %.0f events/s on one core                       target >= 30000: %s\n",
      eb / secs["cs_b"], verdict(eb / secs["cs_b"] >= 30000)
  } else printf "counterspy vs rsigma on (b): n/a (a run failed)\n"
  if (ok("cs_b") && ok("cs_parse_b"))
    printf "counterspy hunt vs its parse-only floor on (b): %.2fx                target <= 3x: %s\n",
      secs["cs_b"] / secs["cs_parse_b"], verdict(secs["cs_b"] <= 3 * secs["cs_parse_b"])
  else printf "counterspy hunt vs its parse-only floor on (b): n/a (a run failed)\n"
  if (ok("cs_b") && ok("cs_parse_b") && ok("cs_load") && secs["cs_b"] > secs["cs_load"])
    printf "  the same, rule loading left out (per-event cost): %.2fx\n",
      (secs["cs_b"] - secs["cs_load"]) / secs["cs_parse_b"]
  if (ok("cs_evtx_b") && ok("cs_parse_evtx_b"))
    printf "counterspy hunt vs its parse-only floor on (b) as EVTX files: %.2fx  target <= 3x: %s\n",
      secs["cs_evtx_b"] / secs["cs_parse_evtx_b"], verdict(secs["cs_evtx_b"] <= 3 * secs["cs_parse_evtx_b"])
  if (ok("cs_evtx_b"))
    printf "counterspy on (b) as EVTX files: %.0f events/s on one core           target >= 30000: %s\n",
      eb / secs["cs_evtx_b"], verdict(eb / secs["cs_evtx_b"] >= 30000)
  printf "with the rule cache (the rules read from the cache a first run wrote):\n"
  if (ok("cs_b_warm") && ok("cs_parse_b"))
    printf "  vs the parse-only floor on (b) JSONL: %.2fx                      target <= 3x: %s\n",
      secs["cs_b_warm"] / secs["cs_parse_b"], verdict(secs["cs_b_warm"] <= 3 * secs["cs_parse_b"])
  if (ok("cs_evtx_b_warm") && ok("cs_parse_evtx_b"))
    printf "  vs the parse-only floor on (b) as EVTX files: %.2fx              target <= 3x: %s\n",
      secs["cs_evtx_b_warm"] / secs["cs_parse_evtx_b"], verdict(secs["cs_evtx_b_warm"] <= 3 * secs["cs_parse_evtx_b"])
  if (ok("cs_evtx_b_warm"))
    printf "  on (b) as EVTX files: %.0f events/s on one core                  target >= 30000: %s\n",
      eb / secs["cs_evtx_b_warm"], verdict(eb / secs["cs_evtx_b_warm"] >= 30000)
  printf "chainsaw 2.16.4 (figures from the issue: 16 s on a, 163 s on b): counterspy %.1fx on (a) (target 10x), %.1fx on (b) (target 30x)\n",
    16 / secs["cs_a"], 163 / secs["cs_b"]
  if (ok("cs_a") && ok("rs_a"))
    printf "detections on (a): counterspy %d, rsigma %d\n", lines["cs_a"], lines["rs_a"]
  if (ok("cs_b") && ok("rs_b"))
    printf "detections on (b): counterspy %d, rsigma %d\n", lines["cs_b"], lines["rs_b"]
}' "$work/results"

# A failed run (exit code > 1) fails the benchmark.
if awk '$2 > 1 { bad = 1 } END { exit !bad }' "$work/results"; then
  exit 1
fi
