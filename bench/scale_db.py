"""Build a claimwatch SQLite database with N stored articles, for the memory and start-up
benchmarks (`bench/memory.py`).

    python bench/scale_db.py DB_PATH [--articles 100000] [--claims-per-article 2]

Articles are made from the seeds and the saved HTML pages (../shared/corpora/html-pages),
each with some words replaced so that every article is distinct (its own content hash,
MinHash signature and text), as a corpus a daemon builds over months: seeds in full, and
for fetched articles the sentences that touched a topic (`claims-per-article` of them,
taken from the seeds' topical sentences with a place or number changed). Rows are written
with bulk inserts, through the real tables, so `claimwatch run` loads them as its own.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from sqlalchemy import insert  # noqa: E402

from claimwatch.config import load_settings  # noqa: E402
from claimwatch.dedup import fingerprint  # noqa: E402
from claimwatch.extract import extract_html  # noqa: E402
from claimwatch.pipeline import Analyzer  # noqa: E402
from claimwatch.seeds import iter_files, read_document  # noqa: E402
from claimwatch.storage import Store  # noqa: E402
from claimwatch.storage.tables import ArticleRow, ClaimRow  # noqa: E402

PLACES = ["Pokrovsk", "Kupiansk", "Siversk", "Huliaipole", "Myrnohrad", "Kostiantynivka",
          "Lyman", "Vovchansk", "Orikhiv", "Kurakhove", "Chasiv Yar", "Toretsk"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", type=Path)
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--claims-per-article", type=int, default=2)
    ap.add_argument("--pages", default=str(ROOT.parent / "shared/corpora/html-pages"))
    args = ap.parse_args()
    if args.db.exists():
        print(f"{args.db} exists; remove it first", file=sys.stderr)
        return 1
    rng = random.Random(42)
    settings = load_settings(ROOT / "config/claimwatch.toml")
    analyzer = Analyzer.build(settings.topics)
    seeds = [read_document(p) for p in iter_files([ROOT / p for p in settings.corpus.seeds])]
    bases = [d.text for d in seeds]
    for page in sorted(Path(args.pages).glob("*.html")):
        doc = extract_html(page.read_bytes(), url=page.name)
        if doc is not None:
            bases.append(doc.text)
    topical = [c.text for d in seeds for c in analyzer.claims(d)
               if any(t.names(c.text.lower().split()) for t in analyzer.topics) or c.events]
    vocabulary = sorted({w for t in bases for w in t.split() if w.isalpha()})
    print(f"{len(bases)} base texts, {len(topical)} topical seed sentences")

    store = Store(f"sqlite:///{args.db}")
    start = time.perf_counter()
    day0 = datetime(2025, 1, 1, tzinfo=UTC)
    batch_a: list[dict[str, object]] = []
    batch_c: list[dict[str, object]] = []
    claim_id = 0
    with store.engine.begin() as conn:
        for n in range(1, args.articles + 1):
            words = bases[n % len(bases)].split(" ")
            for _ in range(max(3, len(words) // 20)):
                words[rng.randrange(len(words))] = rng.choice(vocabulary)
            text = " ".join(words)
            fp = _fingerprint(text, rng)
            published = day0 + timedelta(minutes=7 * n)
            batch_a.append(dict(  # noqa: C408 - column names read better as keywords
                id=n, url=f"https://news.example/{n}", title=text[:80], source="bench",
                feed_url="https://news.example/feed", published=published, fetched_at=published,
                text=text, content_hash=fp[0], signature=fp[1], shingles=fp[2],
                duplicate_of=None, is_seed=False,
            ))
            for k in range(args.claims_per_article):
                claim_id += 1
                sentence = rng.choice(topical)
                for place in PLACES:
                    if place in sentence:
                        sentence = sentence.replace(place, rng.choice(PLACES))
                        break
                else:
                    sentence = f"{sentence} ({rng.randint(1, 10_000)} reported on day {n})"
                batch_c.append(dict(  # noqa: C408
                    id=claim_id, article_id=n, idx=k, text=sentence, speaker="", stance="reports",
                    events="", topics="territorial-claims", published=published, known_as=None,
                    score=None,
                ))
            if len(batch_a) >= 5000:
                conn.execute(insert(ArticleRow), batch_a)
                conn.execute(insert(ClaimRow), batch_c)
                batch_a, batch_c = [], []
                print(f"  {n} articles, {claim_id} claims, {time.perf_counter() - start:.0f} s",
                      flush=True)
        if batch_a:
            conn.execute(insert(ArticleRow), batch_a)
            conn.execute(insert(ClaimRow), batch_c)
    store.close()
    size = args.db.stat().st_size / 1e6
    print(f"wrote {args.articles} articles and {claim_id} claims to {args.db} ({size:.0f} MB) "
          f"in {time.perf_counter() - start:.0f} s")
    return 0


def _fingerprint(text: str, rng: random.Random) -> tuple[str, str, int]:
    """A real fingerprint for one article in fifty; the others get a random signature of the
    same shape (computing 100,000 real ones takes minutes and changes no memory figure)."""
    if rng.random() < 0.02:
        fp = fingerprint(text)
        return fp.content_hash, " ".join(map(str, fp.signature)), fp.shingles
    sig = " ".join(str(rng.getrandbits(61)) for _ in range(64))
    return f"{rng.getrandbits(256):064x}", sig, len(text) // 6


if __name__ == "__main__":
    raise SystemExit(main())
