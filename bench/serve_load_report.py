#!/usr/bin/env python3
"""The second half of bench/serve-load.sh: after wrk's load, wait until
every accepted submission of the case is final (done or failed), then
print the summary and exit 1 if the run missed the target.

    serve_load_report.py WRK_OUTPUT BASE_URL CASE TIMEOUT_SECONDS
      env: SERVE_LOAD_TOKEN (API token)

WRK_OUTPUT holds the `serve-load KEY VALUE...` lines printed by
bench/serve-load.lua's done().
"""
import collections
import datetime
import json
import os
import re
import sys
import time
import urllib.request


def wrk_results(path):
    r = {"status": {}}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) < 3 or parts[0] != "serve-load":
                continue
            key, vals = parts[1], [int(float(v)) for v in parts[2:]]
            if key == "status":
                r["status"][vals[0]] = vals[1]
            else:
                r[key] = vals if len(vals) > 1 else vals[0]
    for key in ("sent", "responses", "duration_us", "latency_us"):
        if key not in r:
            sys.exit(f"serve-load: no {key!r} in wrk's output ({path})")
    return r


def get(base, path, token):
    req = urllib.request.Request(
        base + path, headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.read().decode("utf-8")


def submissions(base, case, token):
    rows, offset = {}, 0
    while True:
        page = json.loads(
            get(base, f"/api/submissions?case={case}&limit=1000&offset={offset}", token)
        )
        for s in page:
            rows[s["id"]] = s
        if len(page) < 1000:
            return list(rows.values())
        offset += len(page)


def when(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def main():
    wrk_out, base, case, timeout = sys.argv[1:5]
    token = os.environ["SERVE_LOAD_TOKEN"]
    w = wrk_results(wrk_out)
    accepted = w["status"].get(202, 0)
    failures = []

    # Wait for the queue to drain.
    t0 = time.monotonic()
    deadline = t0 + float(timeout)
    last_note = t0
    while True:
        rows = submissions(base, case, token)
        by = collections.Counter(s["status"] for s in rows)
        pending = by["queued"] + by["running"]
        if pending == 0 and len(rows) >= accepted:
            break
        now = time.monotonic()
        if now > deadline:
            failures.append(
                f"after {timeout}s, {pending} submission(s) not final "
                f"({by['queued']} queued, {by['running']} running; "
                f"{len(rows)} listed of {accepted} accepted)"
            )
            break
        if now - last_note >= 30:
            print(
                f"  ... waiting: {by['done'] + by['failed']}/{len(rows)} final "
                f"({by['queued']} queued, {by['running']} running)",
                flush=True,
            )
            last_note = now
        time.sleep(0.5)
    drained = time.monotonic() - t0

    metrics = get(base, "/metrics", token)

    # Checks.
    non_202 = {s: n for s, n in w["status"].items() if s != 202}
    if w["sent"] != w["responses"]:
        failures.append(f"{w['sent']} requests sent but {w['responses']} answered")
    if non_202:
        failures.append(f"non-202 responses: {non_202}")
    if "socket_errors" in w and any(w["socket_errors"]):
        c, r, wr, t = w["socket_errors"]
        failures.append(f"socket errors: connect {c}, read {r}, write {wr}, timeout {t}")
    if len(rows) != accepted:
        failures.append(f"{accepted} accepted (202) but {len(rows)} submissions listed")
    not_once = [s for s in rows if s["status"] in ("done", "failed") and s["completions"] != 1]
    if not_once:
        failures.append(
            f"{len(not_once)} final submission(s) with completions != 1, e.g. "
            + ", ".join(f"{s['id']}={s['completions']}" for s in not_once[:3])
        )
    if by["failed"]:
        errs = collections.Counter(s.get("error", "?") for s in rows if s["status"] == "failed")
        failures.append(f"{by['failed']} analyses failed: {dict(errs.most_common(3))}")

    # Throughput from the server's own timestamps.
    final = [s for s in rows if s["status"] in ("done", "failed") and s.get("finished")]
    rate = span = work_span = None
    if rows and final:
        first_received = min(when(s["received"]) for s in rows)
        first_started = min(when(s["started"]) for s in final if s.get("started"))
        last_finished = max(when(s["finished"]) for s in final)
        span = (last_finished - first_received).total_seconds()
        work_span = (last_finished - first_started).total_seconds()
        rate = accepted / span if span > 0 else float("inf")
    verdicts = collections.Counter(s.get("verdict", "-") for s in rows if s["status"] == "done")
    attempts = collections.Counter(s["attempts"] for s in rows)

    def metric(name):
        m = re.findall(rf"^{re.escape(name)}(?:\{{[^}}]*\}})? (\S+)$", metrics, re.M)
        return m

    outcomes = dict(
        re.findall(r'^counterspy_analyses_total\{outcome="([^"]+)"\} (\S+)$', metrics, re.M)
    )
    p50, p90, p99, pmax, mean = (v / 1000 for v in w["latency_us"])
    load_s = w["duration_us"] / 1e6

    print()
    print(f"{'requests sent':<34} {w['sent']}")
    print(f"{'accepted (202)':<34} {accepted}")
    print(f"{'non-202 by status':<34} {non_202 or 'none'}")
    print(f"{'submit latency p50 / p99 (ms)':<34} {p50:.1f} / {p99:.1f}   (p90 {p90:.1f}, max {pmax:.1f}, mean {mean:.1f})")
    print(f"{'load duration (s)':<34} {load_s:.2f}")
    print(f"{'submits per second':<34} {w['responses'] / load_s:.1f}")
    print(f"{'analyses done / failed':<34} {by['done']} / {by['failed']}   (queued {by['queued']}, running {by['running']})")
    print(f"{'completions == 1':<34} {len(final) - len(not_once)} of {len(final)}   (attempts: {dict(sorted(attempts.items()))})")
    if rate is not None:
        print(f"{'first received -> last finished':<34} {span:.2f} s")
        print(f"{'analyses per second':<34} {rate:.1f}   (first started -> last finished: {len(final) / work_span:.1f}/s)")
    print(f"{'verdicts':<34} " + ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items())))
    print(f"{'drain wait after load (s)':<34} {drained:.1f}")
    print(
        f"{'/metrics':<34} accepted {metric('counterspy_submissions_accepted_total') or ['?']}, "
        f"depth {metric('counterspy_queue_depth') or ['?']}, analyses {outcomes}"
    )
    print()
    if failures:
        for f in failures:
            print(f"FAIL: {f}")
        return 1
    print("PASS: no errors, every accepted submission final, each completed exactly once")
    return 0


if __name__ == "__main__":
    sys.exit(main())
