"""Extraction in worker processes: the same articles, on both cores, surviving a crash."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from claimwatch.extract import ExtractPool, extract_html
from tests.conftest import FIXTURES, write_config
from tests.receiver import Receiver
from tests.servers import LoopbackServer
from tests.test_end_to_end import claimwatch, serve_site

PAGES = sorted((FIXTURES / "site").glob("*.html"))


def test_workers_extract_what_the_caller_would() -> None:
    """A page extracted in a worker process gives the same article as in-process."""
    with ExtractPool(2) as pool:
        futures = [(p, pool.submit(p.read_bytes(), url=f"test:{p.name}")) for p in PAGES]
        for page, future in futures:
            assert future.result() == extract_html(page.read_bytes(), url=f"test:{page.name}")


def test_a_killed_worker_loses_no_page() -> None:
    """When a worker process dies, the next page is extracted by a fresh one."""
    page = PAGES[0].read_bytes()
    with ExtractPool(1) as pool:
        assert pool.extract(page, url="test:first") is not None
        for pid in pool.worker_pids():
            os.kill(pid, signal.SIGKILL)
        assert pool.extract(page, url="test:second") is not None


def test_daemon_with_extraction_processes_alerts_as_without(
    server: LoopbackServer, receiver: Receiver, tmp_path: Path
) -> None:
    """`once` with two extraction processes raises the same two alerts (one per topic)."""
    serve_site(server)
    config = write_config(tmp_path / "claimwatch.toml", feeds=[server.url("/feed.xml")],
                          notifiers=[receiver.url])
    config.write_text(config.read_text("utf-8").replace(
        'tick = "1s"', 'tick = "1s"\nextract_processes = 2'), "utf-8")
    run = claimwatch(config, "once")
    assert run.returncode == 0, run.stderr
    bodies = [m["message"] for m in receiver.messages]
    assert len(bodies) == 2, bodies
    assert any("znpp-new-claim.html" in b for b in bodies)
    assert any("territory-new-claim.html" in b for b in bodies)
