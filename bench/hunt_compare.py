#!/usr/bin/env python3
"""Per-rule hit counts of counterspy hunt and rsigma on the same events.

    python3 bench/hunt_compare.py RSIGMA.ndjson COUNTERSPY.jsonl

Both files are the tools' JSON-lines output (bench/hunt.sh keeps them with
KEEP=1: rs_a.out and cs_a.out). rsigma's lines carry no record id, so the
comparison is by rule: prints every rule where counterspy fires less than
rsigma, then every rule where it fires more, with both counts.
"""
import collections
import json
import sys


def counts(path, key):
    c = collections.Counter()
    titles = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            rid, title = key(d)
            if rid is None:
                continue
            c[rid] += 1
            titles[rid] = title
    return c, titles


def rsigma_key(d):
    return d.get("rule_id") or d.get("rule_title"), d.get("rule_title")


def counterspy_key(d):
    if d.get("type") != "detection":
        return None, None
    return d["rule"]["id"], d["rule"]["title"]


def main(rs_path, cs_path):
    rs, rs_titles = counts(rs_path, rsigma_key)
    cs, cs_titles = counts(cs_path, counterspy_key)
    titles = {**rs_titles, **cs_titles}
    less = sorted((r for r in rs if cs[r] < rs[r]), key=lambda r: titles[r])
    more = sorted((r for r in cs if cs[r] > rs[r]), key=lambda r: titles[r])
    print(f"hits: counterspy {sum(cs.values())}, rsigma {sum(rs.values())}; "
          f"rules firing: counterspy {len(cs)}, rsigma {len(rs)}")
    print(f"\ncounterspy fires less on {len(less)} rules:")
    for r in less:
        print(f"  {cs[r]:>5} vs {rs[r]:>5}  {titles[r]} ({r})")
    print(f"\ncounterspy fires more on {len(more)} rules:")
    for r in more:
        print(f"  {cs[r]:>5} vs {rs[r]:>5}  {titles[r]} ({r})")


if __name__ == "__main__":
    main(*sys.argv[1:3])
