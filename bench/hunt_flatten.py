#!/usr/bin/env python3
"""Flatten `evtx_dump -o jsonl` events for rsigma.

rsigma (0.23.0) looks fields up by exact key or dotted path from the root of
the JSON object, so a SigmaHQ rule's `Image` never matches the nested
`Event.EventData.Image` of an evtx_dump record. This helper holds the one
definition of the flattening used by bench/hunt.sh:

  python3 bench/hunt_flatten.py --jq           print the jq filter (given to
                                               `rsigma engine eval --jq`, so
                                               rsigma reads the same JSONL as
                                               counterspy and pays for it)
  python3 bench/hunt_flatten.py IN.jsonl OUT   write the flattened JSONL
                                               (rsigma's best case, no jq)

Flat event = EventData fields + the fields of UserData's inner object +
System's EventID (the `#text` when it carries Qualifiers), Channel, Computer,
Provider_Name, EventRecordID and TimeCreated (SystemTime, so rsigma's
correlation windows use event time). System fields win on a name clash.
"""
import json
import sys

JQ = (
    '.Event as $e | ($e.System // {}) as $s'
    ' | (($e.EventData // {}) | if type == "object" then . else {} end)'
    ' + (($e.UserData // {}) | if type == "object" then ([.[] | objects] | add // {}) else {} end)'
    ' + {EventID: ($s.EventID | if type == "object" then .["#text"] else . end),'
    ' Channel: $s.Channel, Computer: $s.Computer,'
    ' Provider_Name: $s.Provider["#attributes"].Name,'
    ' EventRecordID: $s.EventRecordID,'
    ' TimeCreated: $s.TimeCreated["#attributes"].SystemTime}'
)


def _get(d, *path):
    for p in path:
        if not isinstance(d, dict):
            return None
        d = d.get(p)
    return d


def flatten(rec):
    e = rec.get("Event") if isinstance(rec, dict) else None
    if not isinstance(e, dict):
        return rec
    s = e.get("System") if isinstance(e.get("System"), dict) else {}
    out = {}
    if isinstance(e.get("EventData"), dict):
        out.update(e["EventData"])
    if isinstance(e.get("UserData"), dict):
        for v in e["UserData"].values():
            if isinstance(v, dict):
                out.update(v)
    eid = s.get("EventID")
    if isinstance(eid, dict):
        eid = eid.get("#text")
    out.update({
        "EventID": eid,
        "Channel": s.get("Channel"),
        "Computer": s.get("Computer"),
        "Provider_Name": _get(s, "Provider", "#attributes", "Name"),
        "EventRecordID": s.get("EventRecordID"),
        "TimeCreated": _get(s, "TimeCreated", "#attributes", "SystemTime"),
    })
    return out


def main(argv):
    if argv[1:] == ["--jq"]:
        print(JQ)
        return 0
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    n = 0
    with open(argv[1], encoding="utf-8") as src, open(argv[2], "w", encoding="utf-8") as dst:
        for line in src:
            line = line.strip()
            if not line:
                continue
            dst.write(json.dumps(flatten(json.loads(line)), ensure_ascii=False, separators=(",", ":")))
            dst.write("\n")
            n += 1
    print(n)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
