"""Rebuild the real-article set's texts from saved search answers, joined with our labels.

The labels (`tests/data/realset/labels.jsonl`) are ours and committed; the articles are
third-party text and never are. Each label names the search answer it came from (`raw`),
saved verbatim under `.cache/realset/raw/` (git-ignored), and the query that produced it, so
anyone can run the query again and rebuild the cache. This script joins the two and writes
eval files into `.cache/realset/`:

    dev.jsonl     the part we look at and tune on
    aside.jsonl   the part kept aside: never tuned on, reported beside the other
    all.jsonl     both, for stream replays

The split is fixed by a rule chosen before any article was labelled: an article is aside
when the SHA-1 of its URL, read as a number, is divisible by 5 (about one in five).

    python scripts/realset.py            # build, print counts
    python scripts/realset.py --check    # also fail if a labelled URL has no cached text
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "tests" / "data" / "realset" / "labels.jsonl"
CACHE = ROOT / ".cache" / "realset"
TOPICS = {"znpp": "zaporizhzhia-npp", "territory": "territorial-claims"}


def is_aside(url: str) -> bool:
    return int(hashlib.sha1(url.encode()).hexdigest(), 16) % 5 == 0


def load_labels(path: Path = LABELS) -> list[dict[str, object]]:
    rows = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except ValueError as exc:
                raise SystemExit(f"{path}:{n}: {exc}") from exc
    return rows


def load_answers(raw_dir: Path) -> dict[str, str]:
    """url -> excerpt over every saved answer (the first answer holding a URL wins)."""
    texts: dict[str, str] = {}
    for f in sorted(raw_dir.glob("*.json")):
        try:
            answer = json.loads(f.read_text("utf-8"))
        except ValueError as exc:
            print(f"skipping {f.name}: not JSON ({exc})", file=sys.stderr)
            continue
        for r in answer.get("results", []):
            if r.get("url") and r.get("excerpt"):
                texts.setdefault(r["url"], r["excerpt"])
    return texts


def eval_row(label: dict[str, object], text: str) -> dict[str, object]:
    """A line of `claimwatch eval` input: the text, the topics it must alert, the unscored."""
    return {
        "id": str(label["url"]),
        "text": text,
        "lang": label.get("lang", "en"),
        "published": label.get("published") or None,
        "alerts": [t for k, t in TOPICS.items() if label.get(k) == "N"],
        "unscored": [t for k, t in TOPICS.items() if label.get(k) not in ("N", "K")],
        "events": {t: label.get(f"{k}_group") or "" for k, t in TOPICS.items()
                   if label.get(k) == "N"},
        "part": "aside" if is_aside(str(label["url"])) else "dev",
    }


def build(labels: list[dict[str, object]], texts: dict[str, str]) -> tuple[dict, list[str]]:
    parts: dict[str, list[dict[str, object]]] = {"dev": [], "aside": []}
    missing = []
    for label in labels:
        text = texts.get(str(label["url"]))
        if text is None:
            missing.append(str(label["url"]))
            continue
        row = eval_row(label, text)
        parts[str(row["part"])].append(row)
    return parts, missing


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--labels", type=Path, default=LABELS)
    ap.add_argument("--raw", type=Path, default=CACHE / "raw")
    ap.add_argument("--out", type=Path, default=CACHE)
    ap.add_argument("--check", action="store_true", help="fail when a text is missing")
    args = ap.parse_args(argv)

    labels = load_labels(args.labels)
    urls = Counter(str(r["url"]) for r in labels)
    dupes = [u for u, n in urls.items() if n > 1]
    if dupes:
        print(f"{len(dupes)} URLs labelled twice, e.g. {dupes[0]}", file=sys.stderr)
    parts, missing = build(labels, load_answers(args.raw))
    args.out.mkdir(parents=True, exist_ok=True)
    for name, rows in (*parts.items(), ("all", parts["dev"] + parts["aside"])):
        with (args.out / f"{name}.jsonl").open("w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
    for name, rows in parts.items():
        langs = Counter(str(r["lang"]) for r in rows)
        per_topic = {
            t: Counter("N" if t in r["alerts"] else "S" if t in r["unscored"] else "K"
                       for r in rows)
            for t in TOPICS.values()
        }
        print(f"{name}: {len(rows)} articles; languages {dict(langs)}; "
              + "; ".join(f"{t} {dict(c)}" for t, c in per_topic.items()))
    if missing:
        print(f"{len(missing)} labelled URLs have no cached text (run their queries again "
              f"and save the answers under {args.raw})", file=sys.stderr)
        if args.check:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
