"""Throughput of the serialised judge-and-record step with one and with several instances.

    python bench/serialised.py --postgres postgresql+psycopg://postgres@127.0.0.1/DB \\
        [--instances 1 3] [--pages DIR] [--repeat 2] [--json]

The pages (default ../shared/corpora/html-pages) are extracted once, up front, so that only
the step itself is measured: wait for the lock, refresh the corpus with what other instances
recorded, evaluate, record in the same transaction (`Monitor.process`). Each instance is a
separate process with its own Monitor on the same database (which is emptied first), and
takes its own share of the pages; all start together. Reports articles per second over all
instances (wall time from the common start to the last one done) and, per article, the time
spent waiting for the lock, the time holding it, and the part of that spent refreshing the
corpus with what the other instances recorded. With SQLite (`--sqlite`) only one
instance is meaningful: one process writes one SQLite file.

DESTRUCTIVE: it drops every claimwatch table in the database it is given.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from claimwatch.config import DatabaseSettings, load_settings  # noqa: E402
from claimwatch.extract import extract_html  # noqa: E402
from claimwatch.models import Document  # noqa: E402


def _worker(url: str, docs: list[Document], ready: Any, start: Any, out: Any) -> None:
    from claimwatch.monitor import Monitor

    settings = load_settings(ROOT / "config/claimwatch.toml")
    settings = settings.model_copy(update={"database": DatabaseSettings(url=url), "feeds": ()})
    monitor = Monitor(settings)
    monitor.start(seed_if_empty=False)
    waits: list[float] = []
    refreshes: list[float] = []
    holds: list[float] = []
    ready.put(1)
    start.wait()
    t_begin = time.perf_counter()
    for doc in docs:
        # What Monitor.process does (its _judging step), timed in parts.
        t0 = time.perf_counter()
        with monitor._lock, monitor.store.serialised() as session:
            t1 = time.perf_counter()
            monitor.refresh_corpus()
            t2 = time.perf_counter()
            evaluation = monitor.analyzer.evaluate(doc, monitor.corpus)
            monitor._record(evaluation, session=session)
        t3 = time.perf_counter()
        waits.append(t1 - t0)
        refreshes.append(t2 - t1)
        holds.append(t3 - t1)
    out.put({"start": t_begin, "end": time.perf_counter(), "waits": waits, "holds": holds,
             "refreshes": refreshes})
    monitor.close()


def run(url: str, docs: list[Document], instances: int) -> dict[str, float]:
    from claimwatch.monitor import Monitor
    from claimwatch.storage import Store

    if url.startswith("postgresql"):
        from sqlmodel import SQLModel

        store = Store(url)
        SQLModel.metadata.drop_all(store.engine)
        store.close()
    settings = load_settings(ROOT / "config/claimwatch.toml")
    settings = settings.model_copy(update={"database": DatabaseSettings(url=url), "feeds": ()})
    seeder = Monitor(settings)
    seeder.start()  # the seeds, once, before the clock starts
    seeder.close()

    ctx = mp.get_context("spawn")
    ready, start, out = ctx.Queue(), ctx.Event(), ctx.Queue()
    shares = [docs[i::instances] for i in range(instances)]
    procs = [ctx.Process(target=_worker, args=(url, share, ready, start, out)) for share in shares]
    for p in procs:
        p.start()
    for _ in procs:  # everyone built its analyzer and loaded the corpus
        ready.get(timeout=600)
    begin = time.perf_counter()
    start.set()
    results = [out.get(timeout=600) for _ in procs]
    for p in procs:
        p.join()
    wall = max(r["end"] for r in results) - begin
    waits = [w for r in results for w in r["waits"]]
    holds = [h for r in results for h in r["holds"]]
    refreshes = [h for r in results for h in r["refreshes"]]
    return {
        "instances": instances,
        "articles": len(docs),
        "articles_per_s": round(len(docs) / wall, 2),
        "wait_ms_mean": round(1000 * statistics.mean(waits), 1),
        "hold_ms_mean": round(1000 * statistics.mean(holds), 1),
        "refresh_ms_mean": round(1000 * statistics.mean(refreshes), 1),
        "hold_ms_p95": round(1000 * sorted(holds)[int(0.95 * (len(holds) - 1))], 1),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    db = ap.add_mutually_exclusive_group(required=True)
    db.add_argument("--postgres", help="a PostgreSQL URL (its claimwatch tables are dropped)")
    db.add_argument("--sqlite", action="store_true", help="a temporary SQLite file")
    ap.add_argument("--instances", type=int, nargs="+", default=[1, 3])
    ap.add_argument("--pages", default=str(ROOT.parent / "shared/corpora/html-pages"))
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    pages = sorted(p for p in Path(args.pages).iterdir() if p.suffix in (".html", ".htm"))
    docs = [d for i, p in enumerate(pages)
            if (d := extract_html(p.read_bytes(), url=f"bench:{i}:{p.name}")) is not None]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.instances:
            for r in range(args.repeat):
                url = args.postgres or f"sqlite:///{tmp}/bench-{n}-{r}.db"
                rows.append(run(url, docs, n))
                if not args.json:
                    print(rows[-1], flush=True)
    if args.json:
        print(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
