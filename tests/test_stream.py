"""A stream of today's news through the real daemon: copies and restatements of what the user
knows stay silent however old it is, each new event alerts once, and its other reports are
listed under it, never under another event's alert. Stories in our own words."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

from tests.conftest import ROOT, write_config
from tests.receiver import Receiver
from tests.servers import LoopbackServer, Reply
from tests.test_end_to_end import claimwatch

SEED_000 = (ROOT / "seeds" / "000_3cd9b8b991da72e6.txt").read_text("utf-8")

# (outlet, story id, event it reports or "" for known news, title, text)
STORIES = [
    ("a", "copy", "", "Zelenskyy: US still presses Ukraine on territory",
     # a verbatim excerpt of a seed: the first third of its text
     SEED_000[: len(SEED_000) // 3]),
    ("b", "siversk-restated", "", "Kremlin repeats that Siversk has fallen",
     "Russian commanders told President Vladimir Putin that their troops had taken Siversk. "
     "Ukrainian officials denied that the town had been captured."),
    ("a", "ultimatum-restated", "", "Putin: leave the territories or we take them by force",
     "Putin said Ukrainian troops must withdraw from the territories Russia claims, or Russian "
     "forces will take them by force. He said a US plan could be a basis for future deals."),
    ("a", "pokrovsk-1", "pokrovsk", "Russia says it has captured Pokrovsk",
     "Russia's defence ministry said on Monday its forces had captured Pokrovsk, the logistics "
     "hub in the Donetsk region they have assaulted for more than a year."),
    ("b", "pokrovsk-2", "pokrovsk", "Moscow claims full control of Pokrovsk",
     "Russia claimed full control of Pokrovsk on Monday. Kyiv did not comment on the claim "
     "about the town."),
    ("b", "avdiivka-1", "avdiivka", "Ukraine pulls its troops out of Avdiivka",
     "Ukraine's army chief said on Saturday that Ukrainian troops had withdrawn from Avdiivka "
     "to avoid encirclement."),
    ("a", "avdiivka-2", "avdiivka", "Ukrainian forces leave Avdiivka",
     "Ukrainian forces have withdrawn from the eastern town of Avdiivka, the commander in chief "
     "said on Saturday, after months of Russian assaults."),
    ("a", "znpp-power-1", "power", "Zaporizhzhia nuclear plant loses all external power",
     "The Zaporizhzhia nuclear power plant lost all external power on Sunday and switched to "
     "its emergency diesel generators, the IAEA said."),
    ("b", "znpp-power-2", "power", "Nuclear plant cut off from the grid again",
     "The Zaporizhzhia nuclear power plant was cut off from its last external power line on "
     "Sunday, and its diesel generators are running, IAEA chief Rafael Grossi said."),
]


def feed(server: LoopbackServer, outlet: str, now: datetime) -> bytes:
    items = "".join(
        f"<item><title>{escape(title)}</title>"
        f"<link>{server.url(f'/{outlet}/{story}')}</link><guid>{outlet}-{story}</guid>"
        f"<pubDate>{format_datetime(now - timedelta(minutes=n), usegmt=True)}</pubDate>"
        f"<description>{escape(text)}</description></item>"
        for n, (o, story, _event, title, text) in enumerate(STORIES)
        if o == outlet
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Outlet {outlet}</title><link>{server.url('/')}</link>{items}"
        "</channel></rss>"
    ).encode()


def test_todays_stream_alerts_each_new_event_once_with_its_other_reports(
    server: LoopbackServer, receiver: Receiver, tmp_path: Path
) -> None:
    """Copies and restatements of the seeds (a year old) raise nothing; three new events
    reported twice each raise three alerts, each listing its other report."""
    now = datetime.now(UTC)
    for outlet in ("a", "b"):
        server.route(f"/{outlet}.xml", Reply(body=feed(server, outlet, now),
                                             headers={"Content-Type": "application/rss+xml"}))
    config = write_config(
        tmp_path / "claimwatch.toml", feeds=[server.url("/a.xml"), server.url("/b.xml")],
        notifiers=[receiver.url], extra="fetch_pages = false",
    )
    result = claimwatch(config, "once")
    assert result.returncode == 0, result.stderr

    bodies = [m["message"] for m in receiver.messages]
    assert len(bodies) == 3, receiver.titles()
    by_event = {event: [b for b in bodies if any(f"/{story}" in b for _o, story, e, _t, _x
                                                 in STORIES if e == event)]
                for event in ("pokrovsk", "avdiivka", "power")}
    assert all(len(found) == 1 for found in by_event.values()), by_event

    db = sqlite3.connect(tmp_path / "data" / "claimwatch.db")
    rows = db.execute(
        "SELECT articles.url, alert_sources.url FROM alerts "
        "JOIN articles ON articles.id = alerts.article_id "
        "JOIN alert_sources ON alert_sources.alert_id = alerts.id"
    ).fetchall()
    event_of = {story: event for _o, story, event, _t, _x in STORIES}
    pairs = {(event_of[re.sub(r".*/", "", a)], event_of[re.sub(r".*/", "", s)]) for a, s in rows}
    # Every "also reported by" entry belongs to its alert's event, and each event has one.
    assert pairs == {("pokrovsk", "pokrovsk"), ("avdiivka", "avdiivka"), ("power", "power")}
