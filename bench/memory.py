"""Peak memory and start-up time of the claimwatch commands, measured as a user runs them.

    python bench/memory.py [--scale-db PATH] [--pages DIR] [--json]

Each command runs as its own process (the real CLI) against a fresh data directory:
- `seed`: load the shipped seeds into an empty database.
- `check FILE`: one seed text and one saved HTML page, against the stored corpus.
- `run`: the daemon with one loopback feed holding every page of DIR (default
  ../shared/corpora/html-pages), until it has read them all and polled the feed again
  (a 304); then SIGTERM.
- `run` on a database with many stored articles (`--scale-db`, built by
  bench/scale_db.py; skipped without it): until its first poll, then SIGTERM. The time
  to that poll is the start-up time on a large corpus.

Peak RSS is the kernel's high-water mark for the main process (wait4). For `run`, the
extraction worker processes are reported apart: their own peak RSS (sampled) and the peak
of the whole tree's proportional set size (PSS: shared pages counted once), which is what
the daemon costs the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import LoopbackServer, Reply, Request  # noqa: E402

ETAG = '"bench-v1"'


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale-db", type=Path, help="database from bench/scale_db.py")
    ap.add_argument("--pages", type=Path, default=ROOT.parent / "shared/corpora/html-pages")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="cw-mem-") as tmp, LoopbackServer() as server:
        work = Path(tmp)
        pages = sorted(args.pages.glob("*.html"))
        _serve(server, pages)
        config = _config(work / "claimwatch.toml", work / "data", [server.url("/feed.xml")])

        results["seed"] = _measure([*_cli(config), "seed"])
        seed = str(ROOT / "seeds" / "000_3cd9b8b991da72e6.txt")
        results["check_text"] = _measure([*_cli(config), "check", seed])
        results["check_html"] = _measure([*_cli(config), "check", str(pages[0])])
        results["run"] = _measure([*_cli(config), "run"], until=re.compile(
            r"feed not-modified"), timeout=600)
        results["run"]["pages"] = len(pages)

        if args.scale_db:
            scale = work / "scale"
            (scale / "data").mkdir(parents=True)
            shutil.copy(args.scale_db, scale / "data" / "claimwatch.db")
            big = _config(scale / "claimwatch.toml", scale / "data", [server.url("/empty.xml")])
            results["run_scale"] = _measure([*_cli(big), "run"], until=re.compile(
                r"feed (ok|not-modified) url=\S+/empty.xml"), timeout=1800)
            results["run_scale"]["database"] = str(args.scale_db)

    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    for name, r in results.items():
        line = (f"{name:<11} peak RSS {r['peak_rss_mb']:6.1f} MB, "
                f"{r['seconds']:6.2f} s to {r['until']}")
        if r.get("workers"):
            line += (f"; {r['workers']} extraction workers, each at most "
                     f"{r['worker_peak_rss_mb']:.1f} MB; whole tree PSS at most "
                     f"{r['tree_peak_pss_mb']:.1f} MB")
        print(line)
    return 0


def _cli(config: Path) -> list[str]:
    return [sys.executable, "-m", "claimwatch", "--config", str(config)]


def _config(path: Path, data: Path, feeds: list[str]) -> Path:
    shipped = (ROOT / "config" / "claimwatch.toml").read_text("utf-8")
    head, _, rest = shipped.partition("# " + "-" * 64 + " feeds")
    topics = rest[rest.index("[[topics]]"):]
    topics = topics[: topics.find("# ----") if "# ----" in topics else None]
    head = (head.replace('data_dir = "data"', f'data_dir = "{data}"')
            .replace('seeds = ["seeds"]', f'seeds = ["{ROOT / "seeds"}"]')
            .replace('tick = "10s"', 'tick = "1s"')
            .replace("allow_private_addresses = false", "allow_private_addresses = true"))
    feeds_toml = "".join(f'[[feeds]]\nurl = "{u}"\ninterval = "1s"\n' for u in feeds)
    path.write_text(head + feeds_toml + topics, "utf-8")
    return path


def _serve(server: LoopbackServer, pages: list[Path]) -> None:
    items = "".join(
        f"<item><title>{p.stem}</title><link>{server.url('/p/' + p.name)}</link>"
        f"<guid>{p.name}</guid><pubDate>Tue, 01 Dec 2026 08:00:00 GMT</pubDate></item>"
        for p in pages)
    feed = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>bench'
            f"</title>{items}</channel></rss>").encode()

    def conditional(body: bytes) -> Any:
        def handler(req: Request) -> Reply:
            if req.headers.get("if-none-match") == ETAG:
                return Reply(status=304, headers={"ETag": ETAG})
            return Reply(body=body, headers={"Content-Type": "application/rss+xml",
                                             "ETag": ETAG})
        return handler

    server.route("/feed.xml", conditional(feed))
    server.route("/empty.xml", conditional(
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>e</title></channel></rss>'))
    for p in pages:
        server.route("/p/" + p.name, Reply(body=p.read_bytes(),
                                           headers={"Content-Type": "text/html"}))


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            continue
        for c in map(int, children):
            out.append(c)
            todo.append(c)
    return out


def _kb(pid: int, path: str, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/{path}").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _measure(cmd: list[str], *, until: re.Pattern[str] | None = None,
             timeout: float = 300) -> dict[str, Any]:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=ROOT)
    done = threading.Event()
    seen = {"workers": set(), "worker_peak": 0, "tree_pss": 0}
    log: list[str] = []

    def sample() -> None:
        while not done.wait(0.05):
            kids = _descendants(proc.pid)
            pss = _kb(proc.pid, "smaps_rollup", "Pss") + sum(
                _kb(k, "smaps_rollup", "Pss") for k in kids)
            seen["tree_pss"] = max(seen["tree_pss"], pss)
            for k in kids:
                seen["workers"].add(k)
                seen["worker_peak"] = max(seen["worker_peak"], _kb(k, "status", "VmHWM"))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    reached = "exit"
    if until is not None:
        assert proc.stderr is not None
        deadline = time.monotonic() + timeout
        for line in proc.stderr:
            log.append(line)
            if until.search(line):
                reached = until.pattern
                break
            if time.monotonic() > deadline:
                reached = "timeout"
                break
        elapsed = time.perf_counter() - start
        proc.send_signal(signal.SIGTERM)
    _, status, usage = os.wait4(proc.pid, 0)
    if until is None:
        elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    rest = proc.stderr.read() if proc.stderr else ""
    if status != 0 and until is None:
        print("".join(log) + rest, file=sys.stderr)
    # The fork server is a descendant too; it is not an extraction worker.
    workers = max(0, len(seen["workers"]) - 1) if seen["workers"] else 0
    return {
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "seconds": round(elapsed, 2),
        "until": reached,
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "workers": workers,
        "worker_peak_rss_mb": round(seen["worker_peak"] / 1024, 1),
        "tree_peak_pss_mb": round(seen["tree_pss"] / 1024, 1),
    }


if __name__ == "__main__":
    raise SystemExit(main())
