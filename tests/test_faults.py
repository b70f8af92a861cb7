"""Misbehaving feeds and pages, for real: each fault stays with its feed or entry, is named in
one log line, and is retried with backoff, while the other feeds of the tick still alert.

The helpers here (Clock, monitor_settings, running_monitor, serve_good_feed) are shared with
the other hardening tests.
"""

from __future__ import annotations

import gzip
import logging
import re
import socket
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from claimwatch.config import Settings, load_settings
from claimwatch.monitor import Monitor, PollResult
from claimwatch.storage.tables import FeedRow
from tests.conftest import FIXTURES, write_config
from tests.receiver import Receiver
from tests.servers import LoopbackServer, Reply, Request
from tests.test_end_to_end import serve_site

FEEDS = FIXTURES / "feeds"
SITE = FIXTURES / "site"
INTERVAL = 60  # seconds; the feeds' polling interval in these tests


class Clock:
    """An injected clock that only moves when a test says so."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def notifier_toml(url: str, *, name: str = "", health: bool = True) -> str:
    lines = ["[[notifiers]]", f'url = "{url}"', f"health = {str(health).lower()}"]
    if name:
        lines.append(f'name = "{name}"')
    return "\n".join(lines) + "\n"


def monitor_settings(
    tmp_path: Path,
    feeds: Sequence[str] = (),
    *,
    notifiers: Sequence[str] = (),
    fetch: str = "",
    polling: str = "",
    delivery: str = "",
    workers: int = 4,
    pages: bool = True,
) -> Path:
    """A config file with small timeouts, no jitter and a one-minute interval."""
    extra = "\n".join([
        f"fetch_pages = {str(pages).lower()}", fetch,
        "[polling]", "jitter = 0", f'default_interval = "{INTERVAL}s"', 'max_backoff = "1h"',
        polling,
        "[delivery]", delivery,
    ])
    path = write_config(tmp_path / "claimwatch.toml", feeds=list(feeds), extra=extra)
    text = (path.read_text("utf-8")
            .replace('tick = "1s"', f'tick = "1s"\nworkers = {workers}')
            .replace('read_timeout = "3s"', 'read_timeout = "1s"')
            .replace('total_timeout = "5s"', 'total_timeout = "2s"'))
    path.write_text(text + "".join(notifiers), "utf-8")
    return path


@contextmanager
def running_monitor(config: Path | Settings, clock: Clock) -> Iterator[Monitor]:
    settings = config if isinstance(config, Settings) else load_settings(config)
    monitor = Monitor(settings, clock=clock)
    monitor.start()
    try:
        yield monitor
    finally:
        monitor.close()


def serve_good_feed(server: LoopbackServer) -> str:
    """The end-to-end site: a feed whose first poll raises exactly two alerts."""
    serve_site(server)
    return server.url("/feed.xml")


def feed_row(monitor: Monitor, url: str) -> FeedRow:
    return next(f for f in monitor.store.feeds() if f.url == url)


def lines_naming(
    caplog: pytest.LogCaptureFixture, url: str, level: int = logging.DEBUG
) -> list[str]:
    """Log lines that name exactly this URL (not a longer URL that starts with it)."""
    pattern = re.compile(re.escape(url) + r"(?![\w/.%-])")
    return [r.getMessage() for r in caplog.records
            if r.levelno >= level and pattern.search(r.getMessage())]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def by_url(results: Sequence[PollResult]) -> dict[str, PollResult]:
    return {r.feed: r for r in results}


def rss_items(*items: tuple[str, str, str]) -> bytes:
    """An RSS document of (guid, link, description) items."""
    body = "".join(
        f"<item><title>{guid}</title><link>{link}</link><guid>{guid}</guid>"
        f"<description><![CDATA[{text}]]></description></item>"
        for guid, link, text in items
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Test</title><link>http://example.org/</link>{body}</channel></rss>").encode()


# ---------------------------------------------------------------------- one tick, many faults
def _slow(seconds: float) -> object:
    def handler(_req: Request) -> Reply:
        time.sleep(seconds)
        return Reply(body=b"<rss/>")
    return handler


FAULTS: dict[str, str] = {
    # path on the server -> what the one log line must say
    "/refused": "connection refused",
    "/silent": "timed out",
    "/trickle": "timed out",
    "/error-500": "HTTP 500",
    "/busy-429": "HTTP 429",
    "/busy-503": "HTTP 503",
    "/loop-a": "redirect loop",
    "/huge": "body over",
    "/gzip-bomb": "body over",
    "/garbage": "not a feed",
    "/homepage": "not a feed",
}


def serve_faults(server: LoopbackServer) -> dict[str, str]:
    """Route every fault; return {feed url: expected reason}."""
    big = b"<rss><channel><title>big</title>" + b"<!-- padding -->" * 65536  # 1 MB
    bomb = gzip.compress(b"\0" * (64 << 20), compresslevel=9)  # 64 MB inflated, ~64 KB sent
    later = format_datetime(datetime.now(UTC) + timedelta(hours=3), usegmt=True)
    server.route("/silent", _slow(2.5))  # type: ignore[arg-type]
    server.route("/trickle", Reply(body=(SITE / "off-topic.html").read_bytes(), trickle=1.0))
    server.route("/error-500", Reply(status=500, body=b"oops"))
    server.route("/busy-429", Reply(status=429, headers={"Retry-After": "7200"}))
    server.route("/busy-503", Reply(status=503, headers={"Retry-After": later}))
    server.route("/loop-a", Reply(status=302, headers={"Location": "/loop-b"}))
    server.route("/loop-b", Reply(status=302, headers={"Location": "/loop-a"}))
    server.route("/huge", Reply(body=big, headers={"Transfer-Encoding": "chunked"}))
    server.route("/gzip-bomb", Reply(body=bomb, headers={"Content-Encoding": "gzip",
                                                        "Content-Type": "application/rss+xml"}))
    server.route("/garbage", Reply(body=(FEEDS / "not-xml-garbage.xml").read_bytes(),
                                   headers={"Content-Type": "application/rss+xml"}))
    server.route("/homepage", Reply(body=(SITE / "off-topic.html").read_bytes(),
                                    headers={"Content-Type": "text/html; charset=utf-8"}))
    urls = {server.url(path): reason for path, reason in FAULTS.items() if path != "/refused"}
    urls[f"http://127.0.0.1:{closed_port()}/refused"] = FAULTS["/refused"]
    return urls


def test_each_fault_stays_with_its_feed_is_logged_once_and_backs_off(
    server: LoopbackServer, receiver: Receiver, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Eleven broken feeds in one tick: the good feed still alerts, each broken one is named in
    exactly one log line with its reason, and is retried later and later as failures repeat
    (never before a Retry-After)."""
    caplog.set_level(logging.INFO)
    good = serve_good_feed(server)
    faults = serve_faults(server)
    config = monitor_settings(tmp_path, [good, *faults], notifiers=[notifier_toml(receiver.url)],
                              fetch="max_bytes = 262144", workers=6)
    clock = Clock()
    with running_monitor(config, clock) as monitor:
        results = by_url(monitor.tick())
        assert results[good].status == "ok" and results[good].alerts == 2
        assert len(receiver.messages) == 2
        delays: dict[str, list[float]] = {}
        for url, reason in faults.items():
            assert results[url].status == "error", url
            lines = lines_naming(caplog, url)
            assert len(lines) == 1, (url, lines)
            assert reason in lines[0], (url, lines[0])
            delays[url] = [(feed_row(monitor, url).next_check_at - clock.now).total_seconds()]

        # Retry-After is honoured; every other fault waits one interval after one failure.
        assert delays[server.url("/busy-429")][0] >= 7200
        assert delays[server.url("/busy-503")][0] >= 3 * 3600 - 120
        backing_off = [u for u in faults if "/busy-" not in u]
        assert all(delays[u][0] == INTERVAL for u in backing_off), delays

        # Two more failures: the wait doubles each time; the busy feeds are not asked again.
        for _ in range(2):
            clock.now = max(feed_row(monitor, u).next_check_at for u in backing_off)
            caplog.clear()
            results = by_url(monitor.tick())
            for url in backing_off:
                assert results[url].status == "error"
                assert len(lines_naming(caplog, url)) == 1
                row = feed_row(monitor, url)
                delays[url].append((row.next_check_at - clock.now).total_seconds())
        for url in backing_off:
            assert delays[url] == [INTERVAL, 2 * INTERVAL, 4 * INTERVAL], (url, delays[url])
            assert feed_row(monitor, url).error_count == 3
        assert len(server.requests_for("/busy-429")) == 1
        assert len(server.requests_for("/busy-503")) == 1
        assert len(receiver.messages) == 2  # the good feed did not alert twice


def test_retry_after_feed_is_polled_again_once_the_server_allows(
    server: LoopbackServer, tmp_path: Path
) -> None:
    """A feed answering 503 with Retry-After: 600 is not asked before ten minutes have passed,
    and is asked right after."""
    server.route("/feed.xml", Reply(status=503, headers={"Retry-After": "600"}))
    url = server.url("/feed.xml")
    clock = Clock()
    with running_monitor(monitor_settings(tmp_path, [url]), clock) as monitor:
        monitor.tick()
        for _ in range(9):
            clock.advance(60)
            assert monitor.tick() == []
        clock.advance(60)
        assert [r.feed for r in monitor.tick()] == [url]
    assert len(server.requests_for("/feed.xml")) == 2


# ---------------------------------------------------------------------- hostile or odd XML
def _stored_text(tmp_path: Path) -> str:
    with sqlite3.connect(tmp_path / "data" / "claimwatch.db") as db:
        rows = db.execute("SELECT title || ' ' || text FROM articles WHERE is_seed = 0").fetchall()
    return "\n".join(r[0] for r in rows)


@pytest.mark.parametrize("fixture", ["xxe-external-entity.xml", "billion-laughs.xml"])
def test_entity_tricks_neither_expand_nor_read_files(
    fixture: str, server: LoopbackServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A feed declaring an external entity (file:///etc/passwd, a URL) or nested entities (a
    billion laughs) is read without reading the file, fetching the URL or expanding anything."""
    caplog.set_level(logging.INFO)
    server.route("/feed.xml", Reply(body=(FEEDS / fixture).read_bytes(),
                                    headers={"Content-Type": "application/rss+xml"}))
    url = server.url("/feed.xml")
    config = monitor_settings(tmp_path, [url], pages=False)
    started = time.monotonic()
    with running_monitor(config, Clock()) as monitor:
        [result] = monitor.tick()
    assert time.monotonic() - started < 30
    assert result.status in ("ok", "error")
    stored = _stored_text(tmp_path)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "root:" not in stored + logged
    assert "lollollol" not in stored + logged
    assert len(stored) < 10_000
    assert [r.path for r in server.requests] == ["/feed.xml"]


@pytest.mark.parametrize(("fixture", "content_type", "title"), [
    ("charset-cp1251-declared-in-prolog.xml", "application/rss+xml",
     "Запорізька АЕС знову без зовнішнього живлення"),
    ("charset-utf8-undeclared.xml", "application/xml", "Kyiv – Київ: “quotes” and dashes"),
    ("charset-latin1-labelled-utf8.xml", "application/rss+xml; charset=utf-8", None),
])
def test_wrong_or_missing_charsets_are_read_or_refused_in_one_line(
    fixture: str, content_type: str, title: str | None, server: LoopbackServer, tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A feed in a declared legacy charset or undeclared UTF-8 is decoded correctly; one whose
    header lies about its charset still gives its entries or one line naming the feed."""
    caplog.set_level(logging.INFO)
    server.route("/feed.xml", Reply(body=(FEEDS / fixture).read_bytes(),
                                    headers={"Content-Type": content_type}))
    url = server.url("/feed.xml")
    config = monitor_settings(tmp_path, [url], pages=False)
    with running_monitor(config, Clock()) as monitor:
        [result] = monitor.tick()
        problems = lines_naming(caplog, url, logging.WARNING)
        assert len(problems) == (1 if result.status == "error" else 0), problems
        if result.status == "error":
            assert title is None and "not a feed" in result.error
            return
        assert result.entries == 1
        from claimwatch.feeds import parse_feed
        _feed_title, [entry] = parse_feed((FEEDS / fixture).read_bytes(), url=url,
                                          content_type=content_type)
        if title is not None:
            assert entry.title == title
        else:
            assert "nucl" in entry.title and "\ufffd" not in entry.title


# ---------------------------------------------------------------------- odd entries
def test_entries_without_links_or_dates_alert_from_the_feed_text_once(
    server: LoopbackServer, tmp_path: Path
) -> None:
    """An entry with no link, GUID or date still alerts from the feed's own text (once, even
    when polled again); an entry with only a headline is skipped quietly."""
    server.route("/feed.xml", Reply(body=(FEEDS / "entries-without-links-or-dates.xml")
                                    .read_bytes(), headers={"Content-Type": "application/rss+xml"}))
    url = server.url("/feed.xml")
    clock = Clock()
    with running_monitor(monitor_settings(tmp_path, [url]), clock) as monitor:
        [first] = monitor.tick()
        assert (first.status, first.entries, first.alerts) == ("ok", 2, 1)
        [alert] = [a for a in monitor.store.alerts() if a.kind == "claim"]
        assert f"URL: {url}#h:" in alert.body
        clock.advance(INTERVAL)
        [second] = monitor.tick()
        assert (second.status, second.new, second.alerts) == ("ok", 0, 0)


def _serve_templated(server: LoopbackServer, fixture: str) -> str:
    body = (FEEDS / fixture).read_text("utf-8").replace("{base}", server.url("")[:-1])
    server.route("/feed.xml", Reply(body=body.encode(),
                                    headers={"Content-Type": "application/rss+xml"}))
    return server.url("/feed.xml")


def test_duplicate_guids_within_a_feed_lose_no_story_and_log_no_error(
    server: LoopbackServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A feed that gives two different stories the same GUID (and repeats one item) gets both
    stories read and alerted once each, without an error in the log."""
    caplog.set_level(logging.INFO)
    serve_site(server)
    url = _serve_templated(server, "duplicate-guids.xml")
    clock = Clock()
    with running_monitor(monitor_settings(tmp_path, [url]), clock) as monitor:
        [result] = monitor.tick()
        assert result.status == "ok" and result.alerts == 2, result
        clock.advance(INTERVAL)
        [again] = monitor.tick()
        assert again.alerts == 0 and again.new == 0
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(server.requests_for("/news/znpp-new-claim.html")) == 1


def test_page_that_is_not_an_article_falls_back_to_the_feed_text_or_is_skipped(
    server: LoopbackServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """An entry whose link is an index page alerts from the feed's summary; one whose summary
    is too short to judge is skipped with one log line naming it."""
    caplog.set_level(logging.INFO)
    with daemon_logging():
        _run_index_page_feed(server, tmp_path, caplog)


@contextmanager
def daemon_logging() -> Iterator[None]:
    """The daemon's logger levels for a while (pytest's capture handler stays in place)."""
    from claimwatch.cli import _logging

    names = ("", "apprise", "apscheduler", "trafilatura", "htmldate", "courlan", "urllib3")
    saved = [(logging.getLogger(n), logging.getLogger(n).level, logging.getLogger(n).propagate)
             for n in names]
    _logging("INFO")
    try:
        yield
    finally:
        for logger, level, propagate in saved:
            logger.setLevel(level)
            logger.propagate = propagate


def _run_index_page_feed(
    server: LoopbackServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    page = Reply(body=(FEEDS / "page-not-an-article.html").read_bytes(),
                 headers={"Content-Type": "text/html; charset=utf-8"})
    server.route("/index/znpp", page)
    server.route("/index/gallery", page)
    url = _serve_templated(server, "links-to-non-article-pages.xml")
    with running_monitor(monitor_settings(tmp_path, [url]), Clock()) as monitor:
        [result] = monitor.tick()
        assert (result.status, result.new, result.alerts) == ("ok", 2, 1)
        [alert] = [a for a in monitor.store.alerts() if a.kind == "claim"]
        assert f"URL: {server.url('/index/znpp')}" in alert.body
    skipped = lines_naming(caplog, server.url("/index/gallery"))
    assert len(skipped) == 1 and "no article text" in skipped[0]


def test_a_story_carried_by_many_outlets_is_read_every_time(
    server: LoopbackServer, tmp_path: Path
) -> None:
    """Six outlets carrying the same wire story give one alert with the five others listed
    under it: the page is read each time, not dropped after a few as "no article text"."""
    page = Reply(body=(SITE / "znpp-new-claim.html").read_bytes(),
                 headers={"Content-Type": "text/html; charset=utf-8"})
    items = []
    for n in range(6):
        server.route(f"/outlet-{n}/story.html", page)
        items.append((f"outlet-{n}", server.url(f"/outlet-{n}/story.html"), "Wire story."))
    server.route("/feed.xml", Reply(body=rss_items(*items)))
    url = server.url("/feed.xml")
    with running_monitor(monitor_settings(tmp_path, [url]), Clock()) as monitor:
        [result] = monitor.tick()
        assert (result.new, result.alerts) == (6, 1)
        [alert] = monitor.store.alerts()
        found = monitor.store.alert(alert.id)
        assert found is not None
        _alert, sources, _deliveries = found
    assert sorted(s.url for s in sources) == [i[1] for i in items[1:]]


def test_page_faults_stay_with_their_entry_and_a_transient_one_is_retried(
    server: LoopbackServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Of three entries, one page is a gzip bomb (judged on the feed's text instead), one
    answers 503 (left for the next poll, even though the feed itself then answers 304 Not
    Modified) and one is fine; each fault is one log line naming the page, and the 503 story
    alerts once its page is back."""
    caplog.set_level(logging.INFO)
    serve_site(server)  # /feed.xml answers 304 to a matching If-None-Match
    bomb = gzip.compress(b"\0" * (64 << 20), compresslevel=9)
    server.route("/news/off-topic.html", Reply(body=bomb, headers={"Content-Encoding": "gzip"}))
    server.route("/news/znpp-new-claim.html", Reply(status=503))
    url = server.url("/feed.xml")
    clock = Clock()
    config = monitor_settings(tmp_path, [url], fetch="max_bytes = 262144")
    with running_monitor(config, clock) as monitor:
        [first] = monitor.tick()
        assert (first.status, first.alerts) == ("ok", 1)  # the territorial story
        for page, words in (("off-topic", "using the feed's text"), ("znpp-new-claim", "retry")):
            [line] = lines_naming(caplog, server.url(f"/news/{page}.html"), logging.WARNING)
            assert words in line, line

        server.route("/news/znpp-new-claim.html", Reply(
            body=(SITE / "znpp-new-claim.html").read_bytes(),
            headers={"Content-Type": "text/html; charset=utf-8"}))
        clock.advance(INTERVAL)
        [second] = monitor.tick()
        assert (second.status, second.new, second.alerts) == ("ok", 1, 1), second
        clock.advance(INTERVAL)
        [third] = monitor.tick()
        assert third.status == "not-modified"
    assert len(server.requests_for("/news/znpp-new-claim.html")) == 2
