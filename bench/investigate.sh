#!/usr/bin/env bash
# Cost growth of `counterspy investigate` on the demo case scaled x1, x10
# and x100 (every organisation cloned by testkit's `gen-case --scale N`):
# wall time, peak memory (GNU time's maximum resident set), files, events,
# and time per event relative to x1, so that the growth of cost is visible.
# Target (issue 5): linear or better, and x100 under 2 GB of memory.
#
#   bash bench/investigate.sh [SCALES...]     (default: 1 10 100)
#     env: KEEP=1 keeps the work directory, THREADS=N (default: all cores),
#          REPEAT=N runs of each scale, the fastest counted (default 3)
#
# There is no peer: no open tool does this end to end.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/counterspy/target}"
scales=("${@:-1 10 100}")
read -r -a scales <<<"${scales[*]}"
threads="${THREADS:-0}"
repeat="${REPEAT:-3}"

cargo build -q --release -p counterspy-cli -p counterspy-testkit --bin counterspy --bin gen-case
bin="$CARGO_TARGET_DIR/release"
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }

work="$(mktemp -d)"
[ "${KEEP:-0}" = 1 ] && echo "work directory: $work" || trap 'rm -rf "$work"' EXIT

printf '%-6s %8s %9s %10s %10s %10s %12s %10s\n' \
    scale orgs files events seconds peak_MB us/event growth
base=""
for n in "${scales[@]}"; do
    case_dir="$work/case-x$n"
    "$bin/gen-case" --scale "$n" "$case_dir" >/dev/null
    args=(investigate "$case_dir" -o "$work/out-x$n" --no-progress)
    [ "$threads" != 0 ] && args+=(-j "$threads")
    secs=""; kb=0
    for _ in $(seq "$repeat"); do
        set +e
        /usr/bin/time -f '%e %M' -o "$work/time-x$n" "$bin/counterspy" "${args[@]}" >"$work/summary-x$n" 2>"$work/err-x$n"
        rc=$?
        set -e
        if [ "$rc" -gt 1 ]; then
            echo "x$n failed (exit $rc):" >&2; cat "$work/err-x$n" >&2; exit 1
        fi
        # GNU time says "Command exited with non-zero status 1" first: exit 1
        # means "incidents found".
        read -r s k < <(tail -1 "$work/time-x$n")
        if [ -z "$secs" ] || python3 -c "import sys; sys.exit(not $s < $secs)"; then secs="$s"; fi
        [ "$k" -gt "$kb" ] && kb="$k"
    done
    line="$(head -1 "$work/summary-x$n")"
    orgs="$(sed -E 's/.*: ([0-9]+) organisations.*/\1/' <<<"$line")"
    files="$(sed -E 's/.* ([0-9]+) files scanned.*/\1/' <<<"$line")"
    events="$(sed -E 's/.*\(([0-9]+) events\).*/\1/' <<<"$line")"
    per_event="$(python3 -c "print(f'{$secs*1e6/max($events,1):.1f}')")"
    [ -z "$base" ] && base="$per_event"
    growth="$(python3 -c "print(f'{$per_event/$base:.2f}x')")"
    printf '%-6s %8s %9s %10s %10s %10s %12s %10s\n' \
        "x$n" "$orgs" "$files" "$events" "$secs" "$((kb / 1024))" "$per_event" "$growth"
done
echo
echo "growth = time per event relative to x1 (1.00x or less: linear or better)"
echo "target: linear or better; x100 peak memory < 2048 MB"
