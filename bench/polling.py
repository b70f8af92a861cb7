"""Polling at scale: N feeds on loopback that answer 304 Not Modified.

    python bench/polling.py [--feeds 10000] [--hosts 100] [--workers 4 16]
                            [--database URL] [--json]

A small asyncio server in its own process answers every request with 304 at once, on
`hosts` loopback addresses (127.0.1.1, 127.0.1.2, ...) so the fetcher's per-host
connection pools work as they would across many sites. claimwatch's Monitor (the daemon's
own code: due feeds from the database with leases, conditional GET, one database update
and one log line per feed) polls every feed once per `tick()`. Reported: feeds polled per
second, and CPU milliseconds per poll in the claimwatch process (the server's CPU is
not counted). The database is a fresh SQLite file unless --database names another (e.g.
the PostgreSQL test database).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import logging
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from claimwatch.config import load_settings  # noqa: E402
from claimwatch.monitor import Monitor  # noqa: E402

REPLY = b'HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\nContent-Length: 0\r\n\r\n'


class _NotModified(asyncio.Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            _, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            self.transport.write(REPLY)  # type: ignore[attr-defined]


def _serve(hosts: list[str], port: int, ready: Any) -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        for h in hosts:
            await loop.create_server(_NotModified, h, port, reuse_address=True)
        ready.set()
        await asyncio.Event().wait()

    asyncio.run(main())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--feeds", type=int, default=10_000)
    ap.add_argument("--hosts", type=int, default=100)
    ap.add_argument("--workers", type=int, nargs="+", default=[4, 16])
    ap.add_argument("--port", type=int, default=18080)
    ap.add_argument("--database", default="")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    hosts = [f"127.0.1.{i + 1}" for i in range(args.hosts)]
    ready = multiprocessing.Event()
    server = multiprocessing.Process(target=_serve, args=(hosts, args.port, ready), daemon=True)
    server.start()
    ready.wait(30)
    results: list[dict[str, Any]] = []
    try:
        for workers in args.workers:
            results.append(_run(args, hosts, workers))
    finally:
        server.terminate()
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for r in results:
            print(f"{r['feeds']} feeds on {r['hosts']} hosts, {r['workers']} workers, "
                  f"{r['database']}: {r['feeds_per_second']} feeds/s, "
                  f"{r['cpu_ms_per_poll']} ms CPU per poll ({r['not_modified']} answered 304)")
    return 0


def _run(args: argparse.Namespace, hosts: list[str], workers: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="cw-poll-") as tmp:
        config = Path(tmp) / "claimwatch.toml"
        feeds = "".join(
            f'[[feeds]]\nurl = "http://{hosts[i % len(hosts)]}:{args.port}/feed/{i}.xml"\n'
            for i in range(args.feeds))
        config.write_text(
            f'[service]\ndata_dir = "{tmp}"\nworkers = {workers}\n'
            f'[database]\nurl = "{args.database}"\n'
            '[fetch]\nallow_private_addresses = true\n' + feeds, "utf-8")
        settings = load_settings(config)
        if args.database:
            _clean(args.database)
        # The daemon's log line per poll is part of its cost: formatted, written, discarded.
        handler = logging.StreamHandler(io.StringIO())
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
        monitor = Monitor(settings)
        try:
            monitor.start(seed_if_empty=False)
            wall, cpu = time.perf_counter(), time.process_time()
            polled = monitor.tick()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        finally:
            monitor.close()
            handler.stream = io.StringIO()
    n = len(polled)
    return {
        "feeds": args.feeds, "hosts": len(hosts), "workers": workers,
        "database": "PostgreSQL" if args.database.startswith("postgres") else "SQLite",
        "polled": n, "not_modified": sum(r.status == "not-modified" for r in polled),
        "seconds": round(wall, 2), "feeds_per_second": round(n / wall),
        "cpu_ms_per_poll": round(1000 * cpu / max(n, 1), 2),
    }


def _clean(url: str) -> None:
    from sqlalchemy import create_engine
    from sqlmodel import SQLModel

    import claimwatch.storage.tables  # noqa: F401 - registers the tables

    engine = create_engine(url)
    SQLModel.metadata.drop_all(engine)
    engine.dispose()


if __name__ == "__main__":
    raise SystemExit(main())
