"""The whole path, for real: a feed and pages on loopback, the CLI, SQLite or PostgreSQL,
Apprise posting to a loopback receiver."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT, write_config
from tests.receiver import Receiver
from tests.servers import LoopbackServer, Reply, Request

PAGES = ("syndicated-copy", "znpp-new-claim", "territory-new-claim", "off-topic")
ETAG = '"feed-v1"'
LAST_MODIFIED = format_datetime(datetime(2026, 11, 20, 8, 0, tzinfo=UTC), usegmt=True)


def rss(server: LoopbackServer, pages: tuple[str, ...] = PAGES, guid_prefix: str = "") -> bytes:
    items = "".join(
        f"<item><title>{p}</title><link>{server.url(f'/news/{p}.html')}</link>"
        f"<guid>{guid_prefix}{p}</guid><pubDate>Fri, 20 Nov 2026 08:00:00 GMT</pubDate></item>"
        for p in pages
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Test wire</title><link>{server.url('/')}</link>{items}</channel></rss>"
    ).encode()


def serve_site(server: LoopbackServer, feed: bytes | None = None) -> None:
    body = feed or rss(server)

    def feed_handler(req: Request) -> Reply:
        if req.headers.get("if-none-match") == ETAG:
            return Reply(status=304, headers={"ETag": ETAG})
        return Reply(body=body, headers={"Content-Type": "application/rss+xml",
                                         "ETag": ETAG, "Last-Modified": LAST_MODIFIED})

    server.route("/feed.xml", feed_handler)
    for p in PAGES:
        html = (FIXTURES / "site" / f"{p}.html").read_bytes()
        server.route(f"/news/{p}.html", Reply(body=html,
                                              headers={"Content-Type": "text/html; charset=utf-8"}))


def claimwatch(config: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "claimwatch", "--config", str(config), *args],
        capture_output=True, text=True, timeout=timeout, cwd=ROOT,
    )


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'data' / 'claimwatch.db'}"
    return request.getfixturevalue("postgres_url")


def test_once_alerts_exactly_on_new_claims_and_second_run_is_silent(
    server: LoopbackServer, receiver: Receiver, tmp_path: Path, database_url: str
) -> None:
    """Seeded corpus + a feed with a copy, two new claims and an off-topic story: exactly two
    notifications, one per topic; a second run sends nothing and polls conditionally."""
    serve_site(server)
    config = write_config(tmp_path / "claimwatch.toml", feeds=[server.url("/feed.xml")],
                          notifiers=[receiver.url], database_url=database_url)

    first = claimwatch(config, "once")
    assert first.returncode == 0, first.stderr
    titles = receiver.titles()
    assert len(titles) == 2, titles
    bodies = [m["message"] for m in receiver.messages]
    assert any("(zaporizhzhia-npp)" in b and "znpp-new-claim.html" in b for b in bodies), bodies
    assert any("(territorial-claims)" in b and "territory-new-claim.html" in b for b in bodies)
    # Each notification says who made the claim and why it fired.
    assert all("Who:" in b and "Why: On " in b and "Nearest known claim" in b for b in bodies)
    # ... in plain words: no internal event keys such as "russia|capture|pokrovsk|is".
    assert not any(re.search(r"\w\|\w+\|", b) for b in bodies), bodies
    assert "feed ok url=" in first.stderr

    second = claimwatch(config, "once")
    assert second.returncode == 0, second.stderr
    assert len(receiver.messages) == 2
    feed_requests = server.requests_for("/feed.xml")
    assert len(feed_requests) == 2
    assert feed_requests[1].headers.get("if-none-match") == ETAG
    assert feed_requests[1].headers.get("if-modified-since") == LAST_MODIFIED
    assert "feed not-modified" in second.stderr
    # Pages were fetched once each: the second run had nothing new to read.
    assert len(server.requests_for("/news/znpp-new-claim.html")) == 1


def test_rewritten_guids_do_not_realert(
    server: LoopbackServer, receiver: Receiver, tmp_path: Path
) -> None:
    """A feed that rewrites every GUID (same links) raises no alert a second time."""
    serve_site(server)
    config = write_config(tmp_path / "claimwatch.toml", feeds=[server.url("/feed.xml")],
                          notifiers=[receiver.url])
    assert claimwatch(config, "once").returncode == 0
    assert len(receiver.messages) == 2
    serve_site(server, feed=rss(server, guid_prefix="v2-"))
    server.route("/feed.xml", Reply(body=rss(server, guid_prefix="v2-"),
                                    headers={"Content-Type": "application/rss+xml"}))
    result = claimwatch(config, "once")
    assert result.returncode == 0, result.stderr
    assert len(receiver.messages) == 2


def test_check_json_reports_alerts_and_copies_without_changing_anything(tmp_path: Path) -> None:
    """`check --json` prints one object per document: alerts with claim and why; a copy names
    its original; the database is not created or changed."""
    config = write_config(tmp_path / "claimwatch.toml")
    result = claimwatch(config, "check", "--json", str(FIXTURES / "site"))
    assert result.returncode == 0, result.stderr
    rows = {Path(r["document"]).stem: r for r in map(json.loads, result.stdout.splitlines())}
    assert set(rows) == set(PAGES)
    assert rows["syndicated-copy"]["duplicate_of"] == "seed:004_86501c3626ceb459.txt"
    assert rows["syndicated-copy"]["alerts"] == []
    assert rows["off-topic"]["alerts"] == []
    assert [a["topic"] for a in rows["znpp-new-claim"]["alerts"]] == ["zaporizhzhia-npp"]
    assert [a["topic"] for a in rows["territory-new-claim"]["alerts"]] == ["territorial-claims"]
    alert = rows["territory-new-claim"]["alerts"][0]
    assert "Kupiansk" in alert["claim"] and "capture" in alert["why"]
    assert not (tmp_path / "data").exists()


def test_seed_is_idempotent(tmp_path: Path) -> None:
    """Seeding twice stores the seed articles once."""
    config = write_config(tmp_path / "claimwatch.toml")
    first = claimwatch(config, "seed")
    second = claimwatch(config, "seed")
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert "seeded 2 article(s)" in first.stdout
    assert "seeded 0 article(s); 2 already" in second.stdout


def test_invalid_config_names_key_and_line_and_refuses_to_start(tmp_path: Path) -> None:
    """A typo'd key and a bad value are reported with their dotted key and line; exit 78."""
    config = write_config(tmp_path / "claimwatch.toml", feeds=["https://example.org/rss"])
    text = config.read_text().replace('tick = "1s"', 'tick = "often"\ntik = 3')
    config.write_text(text)
    result = claimwatch(config, "run", timeout=60)
    assert result.returncode == 78
    assert "service.tick (line 3)" in result.stderr
    assert "service.tik (line 4): unknown key" in result.stderr
    validate = claimwatch(config, "config", "validate")
    assert validate.returncode == 78 and "service.tick" in validate.stderr


def test_daemon_polls_alerts_and_stops_cleanly_on_sigterm(
    server: LoopbackServer, receiver: Receiver, tmp_path: Path
) -> None:
    """`run` seeds, polls on its own schedule, delivers, and exits 0 within seconds of SIGTERM."""
    serve_site(server)
    config = write_config(tmp_path / "claimwatch.toml", feeds=[server.url("/feed.xml")],
                          notifiers=[receiver.url])
    proc = subprocess.Popen(
        [sys.executable, "-m", "claimwatch", "--config", str(config), "run"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 90
        while len(receiver.messages) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(receiver.messages) == 2
        proc.send_signal(signal.SIGTERM)
        started = time.monotonic()
        _out, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err
        assert time.monotonic() - started < 10
        assert "claimwatch stopped" in err
    finally:
        if proc.poll() is None:
            proc.kill()


def test_notify_test_reports_each_notifier(receiver: Receiver, tmp_path: Path) -> None:
    """`notify test` says ok for a working notifier and FAILED for one that is down."""
    config = write_config(tmp_path / "claimwatch.toml",
                          notifiers=[receiver.url, "json://user:hunter2@127.0.0.1:9/down"])
    result = claimwatch(config, "notify", "test")
    assert result.returncode == 1
    assert len(receiver.messages) == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("ok")
    assert lines[1].startswith("FAILED")
    assert "hunter2" not in result.stdout + result.stderr


if os.name != "posix":  # pragma: no cover
    pytestmark = pytest.mark.skip("signals and file modes are POSIX")
