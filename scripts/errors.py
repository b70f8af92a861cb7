"""List claimwatch's misses and false alerts on a labelled set, with what it decided and why.

    python scripts/errors.py .cache/realset/dev.jsonl [--topic territorial-claims] [--lang en]

For each wrong document: the label's note (from tests/data/realset/labels.jsonl), then the
claims that alerted (false alerts) or every claim that touched the topic (misses) with its
verdict. Reading these, not the scores, is how failure classes are found.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from claimwatch.config import load_settings
from claimwatch.evaluate import load_labelled
from claimwatch.monitor import Monitor
from claimwatch.storage import Store

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("file", type=Path)
    ap.add_argument("--topic", action="append")
    ap.add_argument("--lang", default="en")
    ap.add_argument("--config", type=Path, default=ROOT / "config" / "claimwatch.toml")
    args = ap.parse_args()
    notes = {}
    labels = ROOT / "tests" / "data" / "realset" / "labels.jsonl"
    if labels.exists():
        for line in labels.read_text("utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                notes[row["url"]] = row.get("note", "")
    settings = load_settings(args.config)
    monitor = Monitor(settings, store=Store("sqlite://"))
    monitor.seed(settings.corpus.seeds)
    topics = args.topic or [t.id for t in settings.topics]
    for item in load_labelled(args.file):
        if args.lang and item.lang != args.lang:
            continue
        ev = monitor.analyzer.evaluate(item.document, monitor.corpus)
        got = {a.topic_id for a in ev.alerts}
        for t in topics:
            if t in item.unscored or ((t in got) == (t in item.expected)):
                continue
            kind = "FALSE ALERT" if t in got else "MISS"
            print(f"=== {kind} {t} {item.name}")
            print(f"  label: {notes.get(item.name, '')}")
            if ev.duplicate_of:
                print(f"  duplicate of {ev.duplicate_of.url}")
            for r in ev.claims:
                hit = next((h for h in r.hits if h.topic_id == t), None)
                if hit is None:
                    continue
                n = r.novelty[t]
                mark = "NEW " if n.is_new else "known"
                print(f"  [{mark}] #{r.claim.index} {r.claim.text[:220]}")
                print(f"         matched={list(hit.matched)[:4]} {n.reason} ({n.score:.2f})"
                      + (f" ~ {n.nearest.text[:120]}" if n.nearest and not n.is_new else ""))
            if kind == "MISS":
                print("  sentences:")
                for r in ev.claims[:6]:
                    print(f"    #{r.claim.index} {r.claim.text[:200]}")
    monitor.close()


if __name__ == "__main__":
    main()
