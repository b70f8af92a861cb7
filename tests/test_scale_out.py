"""Several instances on one PostgreSQL, for real: three `claimwatch run` processes poll feeds
that carry the same news in other words, one is killed with SIGKILL mid-work, and each new
claim still gives exactly one alert, with the other reports under "also reported by"."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import ROOT, write_config
from tests.receiver import Receiver
from tests.servers import LoopbackServer, Reply, Request

# Each story told three ways, one per outlet. Judged one after the other, in any order, the
# second and third are known; judged each alone they would each be new, with their own key,
# so only serialised judging gives one alert per story.
STORIES = [
    ("The Zaporizhzhia nuclear power plant lost its last external power line on Monday, and "
     "its diesel generators started, the IAEA said.",
     "The Zaporizhzhia nuclear power plant lost its last external power line on Monday and "
     "its emergency diesel generators started, the IAEA said.",
     "Zaporizhzhia nuclear power plant lost its last external power line on Monday, and "
     "diesel generators started, the IAEA said on Monday."),
    ("Russian drones struck the training centre next to the Zaporizhzhia nuclear plant on "
     "Sunday, Energoatom said, without damage to the reactors.",
     "Russian drones hit the training centre next to the Zaporizhzhia nuclear plant on Sunday, "
     "Energoatom said, without damage to the reactors.",
     "Energoatom said Russian drones struck the training centre next to the Zaporizhzhia "
     "nuclear plant on Sunday, without damage to the reactors."),
    ("Ukraine's General Staff said its forces had withdrawn from Siversk to avoid encirclement.",
     "Ukrainian forces have withdrawn from Siversk to avoid encirclement, Ukraine's General "
     "Staff said.",
     "Ukraine's General Staff said on Wednesday that Ukrainian forces withdrew from Siversk to "
     "avoid encirclement."),
    ("Russia's defence ministry said its troops had captured Kupiansk after weeks of fighting.",
     "Russian troops have captured Kupiansk after weeks of fighting, Russia's defence ministry "
     "said.",
     "Russia's defence ministry said on Tuesday that Russian troops captured Kupiansk after "
     "weeks of fighting."),
]
OUTLETS = 3
MEET_TIMEOUT = 5.0  # seconds a page waits for a second outlet's request for the same story


def _page(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body><article><h1>{title}</h1>{body}</article></body></html>").encode()


class _Together:
    """Holds the pages of a story until two outlets' pages of it have been asked for (or a
    few seconds have passed), then answers them at once: two instances then judge two
    reports of one claim at the same moment, the race serialised judging must win."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._asked: Counter[int] = Counter()
        self._met = {story: threading.Event() for story in range(len(STORIES))}

    def page(self, story: int, reply: Reply) -> object:
        def handler(_req: Request) -> Reply:
            with self._lock:
                self._asked[story] += 1
                if self._asked[story] >= 2:
                    self._met[story].set()
            self._met[story].wait(MEET_TIMEOUT)
            return reply
        return handler


def serve_outlets(server: LoopbackServer) -> list[str]:
    """One feed per outlet, each with every story in its own words; the feed URLs."""
    feeds = []
    together = _Together()
    for outlet in range(OUTLETS):
        items = []
        for story, tellings in enumerate(STORIES):
            path = f"/outlet{outlet}/story{story}.html"
            claim = tellings[outlet]
            server.route(path, together.page(story, Reply(body=_page(claim, [claim]), headers={
                "Content-Type": "text/html; charset=utf-8"})))  # type: ignore[arg-type]
            # A one-sentence page is not an article to trafilatura: the feed's text is used.
            items.append(f"<item><title>{claim}</title><link>{server.url(path)}</link>"
                         f"<description>{claim}</description><guid>{path}</guid></item>")
        feed = ("<?xml version='1.0'?><rss version='2.0'><channel><title>outlet</title>"
                + "".join(items) + "</channel></rss>").encode()
        server.route(f"/outlet{outlet}/feed.xml", Reply(body=feed, headers={
            "Content-Type": "application/rss+xml"}))
        feeds.append(server.url(f"/outlet{outlet}/feed.xml"))
    return feeds


def _instance_id(log: Path) -> str | None:
    found = re.search(r"instance ([0-9a-f]{12})", log.read_text())
    return found.group(1) if found else None


@pytest.mark.postgres
def test_three_instances_one_killed_alert_each_new_claim_exactly_once(
    server: LoopbackServer, receiver: Receiver, tmp_path: Path, postgres_url: str
) -> None:
    """Three instances share the feeds; the one polling first is SIGKILLed mid-poll. Its feeds
    are finished by the others once its lease runs out: every report is stored, each story
    raised one alert listing the two other outlets as "also reported by", and the notifier
    got every alert (a resend only if the kill fell between a send and its commit)."""
    feeds = serve_outlets(server)
    config = write_config(tmp_path / "claimwatch.toml", feeds=feeds, notifiers=[receiver.url],
                          database_url=postgres_url,
                          extra='[polling]\njitter = 0\ndefault_interval = "1h"\n')
    # One worker each: the three instances share the three feeds.
    config.write_text(config.read_text().replace('tick = "1s"', 'tick = "1s"\nworkers = 1'))
    engine = create_engine(postgres_url)
    procs: list[tuple[subprocess.Popen[bytes], Path]] = []
    try:
        for n in range(3):
            log = tmp_path / f"instance{n}.log"
            with log.open("w") as err:
                procs.append((subprocess.Popen(
                    [sys.executable, "-m", "claimwatch", "--config", str(config), "run"],
                    stdout=subprocess.DEVNULL, stderr=err, cwd=ROOT), log))
        ids: dict[subprocess.Popen[bytes], str | None] = {}
        deadline = time.monotonic() + 120
        victim = None
        while victim is None and time.monotonic() < deadline:
            for proc, log in procs:
                ids[proc] = ids.get(proc) or _instance_id(log)
            owners = _lease_owners(engine)
            victim = next((p for p, i in ids.items() if i is not None and i in owners), None)
            time.sleep(0.1)
        assert victim is not None, "no instance ever leased a feed"
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)

        expected_reports = OUTLETS * len(STORIES)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not (
            _count(engine, "SELECT COUNT(*) FROM entries") >= expected_reports
            and _count(engine, "SELECT COUNT(*) FROM deliveries WHERE status = 'pending'") == 0
        ):
            time.sleep(0.25)
        for proc, _log in procs:
            if proc is not victim:
                proc.send_signal(signal.SIGTERM)
        for proc, _log in procs:
            if proc is not victim:
                assert proc.wait(timeout=30) == 0
    finally:
        for proc, _log in procs:
            if proc.poll() is None:
                proc.kill()

    with engine.connect() as conn:
        stored = {row[0] for row in conn.execute(text("SELECT url FROM articles"))}
        alerts = conn.execute(text(
            "SELECT a.id, a.title, ar.url FROM alerts a JOIN articles ar ON ar.id = a.article_id "
            "WHERE a.kind = 'claim'")).all()
        sources = conn.execute(text("SELECT alert_id, url FROM alert_sources")).all()
        unsent = conn.execute(text("SELECT COUNT(*) FROM deliveries WHERE status != 'sent'"))
        unsent_count = unsent.scalar_one()
    engine.dispose()
    logs = "\n".join(log.read_text()[-3000:] for _proc, log in procs)

    reports = {server.url(f"/outlet{o}/story{s}.html")
               for o in range(OUTLETS) for s in range(len(STORIES))}
    assert reports <= stored, (sorted(reports - stored), logs)  # nothing lost
    by_story = Counter(_story(url) for _id, _title, url in alerts)
    assert by_story == Counter(range(len(STORIES))), (alerts, logs)  # one alert per story
    for alert_id, _title, url in alerts:
        covered = {url} | {u for a, u in sources if a == alert_id}
        assert {u for u in reports if _story(u) == _story(url)} == covered, (alert_id, covered)
    assert unsent_count == 0
    got = Counter(receiver.titles())
    assert set(got) == {title for _id, title, _url in alerts}
    assert sum(got.values()) - len(alerts) <= 1, got  # the one window a kill can hit


def _story(url: str) -> int:
    found = re.search(r"story(\d+)\.html$", url)
    assert found, url
    return int(found.group(1))


def _lease_owners(engine: object) -> set[str]:
    try:
        with engine.connect() as conn:  # type: ignore[attr-defined]
            rows = conn.execute(text(
                "SELECT lease_owner FROM feeds WHERE lease_owner IS NOT NULL")).all()
    except Exception:  # the tables may not exist yet
        return set()
    return {r[0] for r in rows if r[0]}


def _count(engine: object, sql: str) -> int:
    with engine.connect() as conn:  # type: ignore[attr-defined]
        return int(conn.execute(text(sql)).scalar_one())
