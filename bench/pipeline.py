"""Pipeline throughput over a directory of saved HTML pages.

    python bench/pipeline.py [DIR] [--repeat N] [--json]

DIR defaults to ../shared/corpora/html-pages. Each page goes through what the daemon does
after fetching it: trafilatura extraction, fingerprinting, claim extraction, and the
evaluation against a corpus that starts with the seeds and grows with every page (as in the
daemon). Reports articles per second and the share of time in each stage. Shares are
ratios within one run, so they are comparable across noisy machines; absolute rates are not.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from claimwatch.config import load_settings  # noqa: E402
from claimwatch.dedup import fingerprint  # noqa: E402
from claimwatch.extract import extract_html  # noqa: E402
from claimwatch.pipeline import Analyzer, Corpus, corpus_of  # noqa: E402
from claimwatch.seeds import iter_files, read_document, seed_url  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", nargs="?", default=str(ROOT.parent / "shared/corpora/html-pages"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    pages = sorted(p for p in Path(args.dir).iterdir() if p.suffix in (".html", ".htm"))
    if not pages:
        print(f"no HTML pages in {args.dir}", file=sys.stderr)
        return 1
    raw = [p.read_bytes() for p in pages]
    settings = load_settings(ROOT / "config/claimwatch.toml")
    analyzer = Analyzer.build(settings.topics)

    runs = []
    for _ in range(args.repeat):
        corpus, next_id = _seeded(analyzer, settings)
        t = {"extract": 0.0, "fingerprint": 0.0, "claims": 0.0, "evaluate": 0.0}
        articles = sentences = 0
        start = time.perf_counter()
        for i, html in enumerate(raw):
            t0 = time.perf_counter()
            doc = extract_html(html, url=f"bench:{i}")
            t1 = time.perf_counter()
            t["extract"] += t1 - t0
            if doc is None:
                continue
            fingerprint(doc.text)
            t2 = time.perf_counter()
            t["fingerprint"] += t2 - t1
            claims = analyzer.claims(doc)
            t3 = time.perf_counter()
            t["claims"] += t3 - t2
            evaluation = analyzer.evaluate(doc, corpus, claims=claims)
            t4 = time.perf_counter()
            # evaluate() fingerprints again; count only its topic and novelty work here.
            t["evaluate"] += (t4 - t3) - (t2 - t1)
            ids = list(range(next_id, next_id + len(claims)))
            next_id += len(claims)
            corpus.learn(evaluation, article_id=10_000 + i, claim_ids=ids, only_topical=False)
            articles += 1
            sentences += len(claims)
        total = time.perf_counter() - start
        runs.append({"total": total, "pages": len(raw), "articles": articles,
                     "sentences": sentences, **t})

    best = min(runs, key=lambda r: r["total"])
    report = {
        "pages": best["pages"],
        "articles_extracted": best["articles"],
        "sentences": best["sentences"],
        "pages_per_second": round(best["pages"] / best["total"], 1),
        "median_pages_per_second": round(
            statistics.median(r["pages"] / r["total"] for r in runs), 1),
        "share": {k: round(best[k] / best["total"], 3)
                  for k in ("extract", "fingerprint", "claims", "evaluate")},
        "claim_stage_ms_per_article": round(
            1000 * (best["claims"] + best["evaluate"]) / max(best["articles"], 1), 2),
        "extract_ms_per_page": round(1000 * best["extract"] / best["pages"], 2),
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"{report['pages']} pages ({report['articles_extracted']} with article text, "
              f"{report['sentences']} sentences), best of {args.repeat}:")
        print(f"  {report['pages_per_second']} pages/s "
              f"(median {report['median_pages_per_second']})")
        for k, v in report["share"].items():
            print(f"  {k:<12} {v:6.1%} of the time")
        print(f"  trafilatura: {report['extract_ms_per_page']} ms/page; claim stage "
              f"(claims + topics + novelty): {report['claim_stage_ms_per_article']} ms/article")
    return 0


def _seeded(analyzer: Analyzer, settings) -> tuple[Corpus, int]:  # type: ignore[no-untyped-def]
    paths = iter_files([ROOT / p for p in settings.corpus.seeds])
    corpus = corpus_of(analyzer, [read_document(p, url=seed_url(p)) for p in paths])
    return corpus, 1_000_000  # claim ids above the seeds'


if __name__ == "__main__":
    raise SystemExit(main())
