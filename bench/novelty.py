"""Novelty lookup cost as the corpus of known claims grows (to 1,000,000 by default).

    python bench/novelty.py [--sizes 10000 100000 1000000] [--json]

Known claims are real ones re-read by the analyser (`Analyzer.known`, as the daemon loads
its corpus) from the seeds, tests/data/devset.jsonl and the saved pages, then multiplied:
each copy keeps its events and a part of its words and takes others from a Zipf-drawn
vocabulary of 50,000 words, so the index holds a million distinct claims with the word
frequencies of news (a few words in very many claims, most in few).

The queries are the claims of the devset articles, judged with `Analyzer.evaluate` (the
daemon's path). Reported per size: the evaluation time per article, and per claim judged
for novelty (a claim that touches a topic): the time of `ClaimIndex.nearest` alone (the
lookup: candidates from the token postings, ranked), mean and 95th percentile; and the
process's RSS.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from claimwatch.config import load_settings  # noqa: E402
from claimwatch.extract import extract_html  # noqa: E402
from claimwatch.models import Claim, Document, KnownClaim  # noqa: E402
from claimwatch.pipeline import Analyzer, Corpus  # noqa: E402
from claimwatch.seeds import iter_files, read_document  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--pages", type=Path, default=ROOT.parent / "shared/corpora/html-pages")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    settings = load_settings(ROOT / "config/claimwatch.toml")
    analyzer = Analyzer.build(settings.topics)

    texts = [read_document(p).text for p in iter_files([ROOT / p for p in settings.corpus.seeds])]
    queries = [json.loads(line) for line in (ROOT / "tests/data/devset.jsonl").open()]
    texts += [q["text"] for q in queries]
    for page in sorted(args.pages.glob("*.html")):
        doc = extract_html(page.read_bytes(), url=page.name)
        if doc is not None:
            texts.append(doc.text)
    base: list[KnownClaim] = []
    for t in texts:
        for c in analyzer.claims(Document(url="bench:base", title="", text=t)):
            base.append(analyzer.known(len(base) + 1, c.text, "bench:base", None))
    docs = [Document(url=f"bench:q{i}", title=q["text"].splitlines()[0], text=q["text"])
            for i, q in enumerate(queries)]
    print(f"{len(base)} real claims as templates; {len(docs)} query articles", file=sys.stderr)

    corpus = Corpus()
    empty = _time(analyzer, Corpus(), docs)
    rng = np.random.default_rng(1)
    vocabulary = [f"w{i}" for i in range(50_000)]
    results: list[dict[str, Any]] = []
    built = 0
    for size in sorted(args.sizes):
        start = time.perf_counter()
        batch = []
        while built < size:
            template = base[built % len(base)]
            tokens = [t for t in template.tokens if t[:1] in "#@" or rng.random() < 0.6]
            tokens += [vocabulary[min(int(z), 49_999)] for z in rng.zipf(1.3, size=3)]
            built += 1
            batch.append(dataclasses.replace(
                template, id=built, tokens=frozenset(tokens), article_url=f"bench:{built // 5}"))
            if len(batch) >= 10_000:
                corpus.claims.extend(batch)
                batch = []
        corpus.claims.extend(batch)
        fill = time.perf_counter() - start
        timed = _time(analyzer, corpus, docs)
        lookups = _lookups(corpus, timed["claims"])
        results.append({
            "known_claims": len(corpus.claims),
            "judged_claims": len(lookups),
            "evaluate_ms_per_article": round(1000 * statistics.mean(timed["seconds"]), 2),
            "evaluate_ms_per_article_empty_corpus": round(
                1000 * statistics.mean(empty["seconds"]), 2),
            "nearest_ms_per_judged_claim": round(1000 * statistics.mean(lookups), 3),
            "nearest_p95_ms": round(1000 * statistics.quantiles(lookups, n=20)[18], 3),
            "fill_seconds": round(fill, 1),
            "rss_mb": round(_rss_mb(), 1),
        })
        if not args.json:
            r = results[-1]
            print(f"{r['known_claims']:>9} known claims: lookup {r['nearest_ms_per_judged_claim']}"
                  f" ms per judged claim (p95 {r['nearest_p95_ms']}), {r['judged_claims']} "
                  f"judged; evaluate {r['evaluate_ms_per_article']} ms per article (empty "
                  f"corpus {r['evaluate_ms_per_article_empty_corpus']}); RSS {r['rss_mb']} MB",
                  flush=True)
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


def _time(analyzer: Analyzer, corpus: Corpus, docs: list[Document]) -> dict[str, list[Any]]:
    """Per article: best-of-2 evaluation time; the claims judged for novelty."""
    seconds, claims = [], []
    for doc in docs:
        best = float("inf")
        for _ in range(2):
            start = time.perf_counter()
            evaluation = analyzer.evaluate(doc, corpus)
            best = min(best, time.perf_counter() - start)
        seconds.append(best)
        claims += [r.claim for r in evaluation.claims if r.novelty]
    return {"seconds": seconds, "claims": claims}


def _lookups(corpus: Corpus, claims: list[Claim]) -> list[float]:
    """Seconds of `ClaimIndex.nearest` for each claim (best of two)."""
    out = []
    for claim in claims:
        best = float("inf")
        for _ in range(2):
            start = time.perf_counter()
            corpus.claims.nearest(claim)
            best = min(best, time.perf_counter() - start)
        out.append(best)
    return out


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


if __name__ == "__main__":
    raise SystemExit(main())
