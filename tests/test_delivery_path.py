"""Delivery on its own path, for real: `claimwatch run` beside hostile feeds and a notifier
that refuses its first posts. No feed holds back an alert, and none holds back polling."""

from __future__ import annotations

import gzip
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ROOT, write_config
from tests.receiver import Receiver
from tests.servers import LoopbackServer, Reply
from tests.test_end_to_end import serve_site

DRIP_SECONDS = 40  # the fetch's total timeout: how long the drip feed holds its worker


def _wait_for(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


def test_a_dripping_feed_holds_back_neither_alerts_nor_polling(
    server: LoopbackServer, tmp_path: Path
) -> None:
    """While a feed drips one byte a second for its whole total timeout (beside a gzip bomb and
    a 429), the good feed's two alerts reach a notifier that refused its first two posts,
    each exactly once, the good feed is polled again on schedule, and no tick is skipped."""
    serve_site(server)
    server.route("/drip", Reply(body=b"<" * 600, trickle=1.0))
    server.route("/bomb", Reply(body=gzip.compress(b"\0" * (64 << 20), compresslevel=9),
                                headers={"Content-Encoding": "gzip"}))
    server.route("/busy", Reply(status=429, headers={"Retry-After": "3600"}))
    good, drip = server.url("/feed.xml"), server.url("/drip")
    receiver = Receiver(refuse_first=2).start()
    config = write_config(
        tmp_path / "claimwatch.toml", feeds=[drip, server.url("/bomb"), server.url("/busy"), good],
        notifiers=[receiver.url],
        extra='max_bytes = 262144\n[polling]\njitter = 0\ndefault_interval = "2s"\n'
        '[delivery]\nretry_initial = "1s"\nretry_max = "2s"\n',
    )
    config.write_text(config.read_text().replace('total_timeout = "5s"',
                                                 f'total_timeout = "{DRIP_SECONDS}s"'))
    log = tmp_path / "claimwatch.log"
    with log.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "claimwatch", "--config", str(config), "run"],
            stdout=subprocess.DEVNULL, stderr=err, cwd=ROOT,
        )
    try:
        arrived = _wait_for(lambda: len(receiver.messages) >= 2
                            and len(server.requests_for("/feed.xml")) >= 3, 90)
        during = log.read_text()
        assert arrived, during
        # The drip feed was being read all along: its fetch had begun and not yet given up.
        assert server.requests_for("/drip")
        assert f"feed error url={drip}" not in during
        assert "maximum number of running instances" not in during
        assert receiver.refused == 2
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        receiver.stop()
    titles = receiver.titles()
    assert len(titles) == 2 and len(set(titles)) == 2, titles
