"""How long an alert waits between being raised and being handed to the notifier, beside
hostile feeds.

    python bench/delivery_latency.py [--refuse N] [--runs 3] [--json]

Serves, on loopback, one good feed (two new claims, the end-to-end site) beside eight
hostile ones: a feed that drips one byte a second for the whole total timeout (45 s, the
default), a gzip bomb, a 60 MB body, a redirect loop, a feed that never answers, HTML, 500
and 429. Starts `claimwatch run` (default workers and timeouts, SQLite) and reads its log:
for each alert, the time from "alert raised" to "delivered" (logged once the notifier
accepted it). `--refuse N` makes the receiver refuse its first N posts, so the retries
(`retry_initial = 1s`) are part of the wait. Also reports whether the drip feed was still
being read when the last alert was delivered.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import write_config  # noqa: E402
from tests.receiver import Receiver  # noqa: E402
from tests.servers import LoopbackServer, Reply, Request  # noqa: E402
from tests.test_end_to_end import serve_site  # noqa: E402

STAMP = r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3})"


def _never(_req: Request) -> Reply:
    time.sleep(60)
    return Reply(body=b"<rss/>")


def serve_hostile(server: LoopbackServer) -> list[str]:
    server.route("/drip", Reply(body=b"<" * 600, trickle=1.0))
    server.route("/bomb", Reply(body=gzip.compress(b"\0" * (64 << 20), compresslevel=9),
                                headers={"Content-Encoding": "gzip"}))
    server.route("/huge", Reply(body=b"<rss>" + b" " * (60 << 20)))
    server.route("/loop-a", Reply(status=302, headers={"Location": "/loop-b"}))
    server.route("/loop-b", Reply(status=302, headers={"Location": "/loop-a"}))
    server.route("/never", _never)  # type: ignore[arg-type]
    server.route("/html", Reply(body=b"<html><body><p>not a feed</p></body></html>",
                                headers={"Content-Type": "text/html"}))
    server.route("/e500", Reply(status=500))
    server.route("/e429", Reply(status=429, headers={"Retry-After": "3600"}))
    return [server.url(p) for p in ("/drip", "/bomb", "/huge", "/loop-a", "/never", "/html",
                                    "/e500", "/e429")]


def _at(stamp: str) -> float:
    return datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f").timestamp()


def one_run(refuse: int) -> dict[str, object]:
    with LoopbackServer() as server, tempfile.TemporaryDirectory() as tmp:
        serve_site(server)
        hostile = serve_hostile(server)
        receiver = Receiver(refuse_first=refuse).start()
        config = write_config(Path(tmp) / "claimwatch.toml",
                              feeds=[*hostile, server.url("/feed.xml")],
                              notifiers=[receiver.url],
                              extra='[delivery]\nretry_initial = "1s"\nretry_max = "4s"\n')
        # The shipped timeouts, not the tests' short ones.
        text = config.read_text()
        for key in ("connect_timeout", "read_timeout", "total_timeout"):
            text = re.sub(rf'{key} = "\d+s"\n', "", text)
        config.write_text(text)
        log = Path(tmp) / "claimwatch.log"
        with log.open("w") as err:
            proc = subprocess.Popen(
                [sys.executable, "-m", "claimwatch", "--config", str(config), "run"],
                stdout=subprocess.DEVNULL, stderr=err, cwd=ROOT)
        try:
            deadline = time.monotonic() + 120
            while len(receiver.messages) < 2 and time.monotonic() < deadline:
                time.sleep(0.1)
            out = log.read_text()
        finally:
            proc.terminate()
            proc.wait(timeout=30)
            receiver.stop()
    raised = {m[2]: _at(m[1]) for m in re.finditer(STAMP + r".*alert raised id=(\d+)", out)}
    sent = {m[2]: _at(m[1]) for m in re.finditer(STAMP + r".*delivered alert=(\d+)", out)}
    latencies = [round(sent[a] - raised[a], 3) for a in raised if a in sent]
    drip_failed = re.search(STAMP + r".*feed error url=\S+/drip", out)
    return {
        "alerts": len(raised), "delivered": len(latencies), "latency_s": latencies,
        "drip_still_reading": drip_failed is None,
        "ticks_skipped": out.count("maximum number of running instances"),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--refuse", type=int, default=0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    runs = [one_run(args.refuse) for _ in range(args.runs)]
    every = [x for r in runs for x in r["latency_s"]]  # type: ignore[attr-defined]
    summary = {"refuse": args.refuse, "runs": runs,
               "max_latency_s": max(every) if every else None,
               "median_latency_s": statistics.median(every) if every else None}
    print(json.dumps(summary, indent=None if not args.json else 2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
