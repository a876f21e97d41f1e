#!/usr/bin/env python3
"""Cross-check our own Sigma rules (rules/sigma) with rsigma 0.23.0.

For every rule file RULE.yml, runs rsigma over
rules/sigma/samples/RULE/match.jsonl and nomatch.jsonl (evtx_dump shape,
flattened by bench/hunt_flatten.py's jq filter, builtin `sysmon` pipeline) and
checks:
  - detection rule: every match event fires the rule, no nomatch event does;
  - correlation file: the correlation fires at least once on match and never
    on nomatch (its base rules may fire on both).
Exit 0 when every check passes, 1 otherwise.

  python3 bench/hunt_rules_check.py [RSIGMA] [RULES_DIR]
"""
import json
import os
import subprocess
import sys

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hunt_flatten import JQ  # noqa: E402

root = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
rsigma = sys.argv[1] if len(sys.argv) > 1 else os.path.expanduser("~/.cache/counterspy/bench-tools/bin/rsigma")
rules_dir = sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, "rules", "sigma")


def run(rule, events):
    p = subprocess.run(
        [rsigma, "engine", "eval", "-r", rule, "-p", "sysmon", "--jq", JQ,
         "-e", "@" + events, "--output-format", "ndjson", "-q"],
        capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"rsigma rc={p.returncode}: {p.stderr.strip()}")
    return [json.loads(l) for l in p.stdout.splitlines() if l.strip()]


failed = 0
print(f"{'rule file':62} {'kind':12} {'match':>13} {'nomatch':>9}  result")
for name in sorted(os.listdir(rules_dir)):
    if not name.endswith((".yml", ".yaml")):
        continue
    stem = name.rsplit(".", 1)[0]
    path = os.path.join(rules_dir, name)
    docs = [d for d in yaml.safe_load_all(open(path, encoding="utf-8")) if d]
    corr = [d for d in docs if "correlation" in d]
    sdir = os.path.join(rules_dir, "samples", stem)
    m, n = os.path.join(sdir, "match.jsonl"), os.path.join(sdir, "nomatch.jsonl")
    if not (os.path.isfile(m) and os.path.isfile(n)):
        print(f"{name:62} missing samples")
        failed += 1
        continue
    n_match = sum(1 for l in open(m) if l.strip())
    n_nomatch = sum(1 for l in open(n) if l.strip())
    for f in (m, n):  # samples must stay in evtx_dump shape
        for l in open(f):
            if l.strip():
                ev = json.loads(l)["Event"]
                assert "System" in ev and "EventData" in ev, f
    if corr:
        ids = {d["id"] for d in corr}
        hit = lambda out: sum(1 for r in out if r.get("rule_id") in ids and "correlation_type" in r)
        hm, hn = hit(run(path, m)), hit(run(path, n))
        ok = hm >= 1 and hn == 0
        kind, ms = "correlation", f"{hm} alerts"
    else:
        rid = docs[0]["id"]
        hit = lambda out: sum(1 for r in out if r.get("rule_id") == rid)
        hm, hn = hit(run(path, m)), hit(run(path, n))
        ok = hm == n_match and hn == 0
        kind, ms = "detection", f"{hm}/{n_match}"
    failed += not ok
    print(f"{name:62} {kind:12} {ms:>13} {hn:>4}/{n_nomatch:<4}  {'ok' if ok else 'FAIL'}")
print("all rules behave as their samples say" if not failed else f"{failed} rule file(s) failed")
sys.exit(1 if failed else 0)
