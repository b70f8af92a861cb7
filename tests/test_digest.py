"""Digests, quiet hours and the hourly limit: with an injected clock, a real SQLite file and
notifications posted to a loopback receiver. Nothing is lost, nothing is sent twice, also
when a new Monitor takes over the same database in the middle."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from claimwatch.config import NotifierConfig, load_settings
from claimwatch.digest import Policy
from claimwatch.monitor import Monitor
from tests.receiver import Receiver
from tests.servers import LoopbackServer, Reply
from tests.test_faults import Clock, monitor_settings, rss_items, serve_good_feed

# Each reports a new capture in its own words (similar texts would be copies of each other).
CAPTURES = {
    "Kostiantynivka": "Russia's defence ministry said on Monday that its forces had captured "
    "Kostiantynivka after months of fighting. The ministry released video of soldiers raising "
    "a flag over the town hall.",
    "Huliaipole": "Russia's army said on Tuesday it had captured Huliaipole after a three-week "
    "assault. Ukrainian officials said the town's defenders were still holding their lines.",
    "Orikhiv": "Russian forces took full control of Orikhiv on Wednesday, the Russian military "
    "claimed, after a winter offensive on the southern front that cost both armies dearly.",
    "Druzhkivka": "The Kremlin says Druzhkivka has been captured by its army. Officials in "
    "Kyiv dismissed the statement and said fighting continued on the town's northern edge.",
    "Lyman": "Russia claimed on Friday that its soldiers had captured Lyman, a railway hub "
    "retaken by Ukraine in 2022, though residents reported Ukrainian units still in the city.",
    "Kupiansk": "Russian commanders reported to Putin that Kupiansk had been taken, state "
    "television showed; the Ukrainian general staff published footage from the centre.",
}
TOWNS = tuple(CAPTURES)


def notifier(url: str, **options: object) -> str:
    lines = ["[[notifiers]]", f'url = "{url}"', 'name = "analysts"']
    for key, value in options.items():
        lines.append(f"{key} = {value!r}".replace("'", '"'))
    return "\n".join(lines) + "\n"


def clock_at(text: str) -> Clock:
    clock = Clock()
    clock.now = datetime.fromisoformat(text).astimezone(UTC)
    return clock


@contextmanager
def monitor(config: Path, clock: Clock) -> Iterator[Monitor]:
    """A Monitor on the config's SQLite file; a second one on the same file is a restart."""
    m = Monitor(load_settings(config), clock=clock)
    m.start()
    try:
        yield m
    finally:
        m.close()


def serve_captures(server: LoopbackServer, towns: tuple[str, ...] = TOWNS[:4]) -> str:
    """A feed whose entries each report a new capture (a new alert each), from feed text."""
    server.route("/captures.xml", Reply(body=rss_items(*(
        (f"capture-{town}", server.url(f"/news/{town}"), CAPTURES[town]) for town in towns))))
    return server.url("/captures.xml")


def deliver_until(m: Monitor, clock: Clock, end: datetime, step: float = 60) -> None:
    while clock.now < end:
        clock.advance(step)
        m.deliver()


# ---------------------------------------------------------------------- the policy alone
def test_quiet_hours_are_read_in_the_notifiers_time_zone_across_midnight() -> None:
    """22:00-07:00 in Kyiv (UTC+2 in winter) is 20:00-05:00 UTC; the quiet period that ended
    last is the night before."""
    policy = Policy.of(NotifierConfig(url="json://x", quiet_hours="22:00-07:00",
                                      timezone="Europe/Kyiv"))
    at = datetime.fromisoformat
    assert policy.in_quiet_hours(at("2026-11-30T20:30:00+00:00"))  # 22:30 in Kyiv
    assert policy.in_quiet_hours(at("2026-12-01T04:59:00+00:00"))  # 06:59
    assert not policy.in_quiet_hours(at("2026-12-01T05:00:00+00:00"))  # 07:00
    assert not policy.in_quiet_hours(at("2026-11-30T19:59:00+00:00"))  # 21:59
    assert policy.last_quiet(at("2026-12-01T09:00:00+00:00")) == (
        at("2026-11-30T20:00:00+00:00"), at("2026-12-01T05:00:00+00:00"))


def test_a_digest_period_closes_at_the_hour_or_at_digest_at_local_time() -> None:
    """An hourly digest closes at the top of each hour; a daily one at `digest_at` in the
    notifier's time zone (08:00 in Kyiv is 06:00 UTC in winter)."""
    at = datetime.fromisoformat
    hourly = Policy.of(NotifierConfig(url="json://x", mode="hourly"))
    assert hourly.period_end(at("2026-11-30T10:59:59+00:00")) == at("2026-11-30T10:00:00+00:00")
    daily = Policy.of(NotifierConfig(url="json://x", mode="daily", timezone="Europe/Kyiv"))
    assert daily.period_end(at("2026-11-30T06:00:00+00:00")) == at("2026-11-30T06:00:00+00:00")
    assert daily.period_end(at("2026-11-30T05:59:00+00:00")) == at("2026-11-29T06:00:00+00:00")


# ---------------------------------------------------------------------- digests
def test_an_hourly_digest_sends_the_hours_alerts_in_one_message_grouped_by_topic(
    server: LoopbackServer, receiver: Receiver, tmp_path: Path
) -> None:
    """Two alerts on two topics raised at 10:20 wait; at 11:00 one message carries both,
    one section per topic; nothing more is sent afterwards."""
    config = monitor_settings(tmp_path, [serve_good_feed(server)],
                              notifiers=[notifier(receiver.url, mode="hourly")])
    clock = clock_at("2026-11-30T10:20:00+00:00")
    with monitor(config, clock) as m:
        [result] = m.tick()
        assert result.alerts == 2
        deliver_until(m, clock, datetime.fromisoformat("2026-11-30T10:59:00+00:00"))
        assert receiver.messages == []
        deliver_until(m, clock, datetime.fromisoformat("2026-11-30T11:00:00+00:00"))
        [digest] = receiver.messages
        assert digest["title"].startswith("[claimwatch] 2 new claims (hourly digest)")
        for topic in ("== Zaporizhzhia nuclear power plant (1) ==", "== Territorial claims (1) =="):
            assert topic in digest["message"], digest["message"]
        assert m.store.delivery_counts() == {"sent": 2}
        deliver_until(m, clock, datetime.fromisoformat("2026-11-30T14:00:00+00:00"))
    assert len(receiver.messages) == 1


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest) -> str:
    """The database the Monitors share: "" is the SQLite file in the data directory."""
    return "" if request.param == "sqlite" else str(request.getfixturevalue("postgres_url"))


def test_a_restart_before_the_digest_sends_it_once_and_after_it_sends_nothing(
    server: LoopbackServer, receiver: Receiver, tmp_path: Path, database: str
) -> None:
    """Alerts raised by one Monitor are sent in the daily digest by the next one on the same
    database; the digest that failed (receiver down) is retried by a third after a
    restart and arrives once; a fourth sends nothing."""
    config = monitor_settings(tmp_path, [serve_good_feed(server)],
                              notifiers=[notifier(receiver.url, mode="daily", digest_at="08:00",
                                                  timezone="Europe/Kyiv")])
    config.write_text(config.read_text().replace('url = ""', f'url = "{database}"', 1))
    clock = clock_at("2026-11-30T12:00:00+00:00")
    with monitor(config, clock) as m:
        assert m.tick()[0].alerts == 2
        m.deliver()
    receiver.down = True
    clock.now = datetime.fromisoformat("2026-12-01T06:00:00+00:00")  # 08:00 in Kyiv
    with monitor(config, clock) as m:
        m.deliver()  # the digest is formed, and its send fails
        assert receiver.refused == 1
        assert m.store.delivery_counts() == {"batched": 2}
    receiver.down = False
    clock.advance(60)
    with monitor(config, clock) as m:
        m.deliver()
        assert len(receiver.messages) == 1
        assert "2 new claims (daily digest)" in receiver.messages[0]["title"]
        assert m.store.delivery_counts() == {"sent": 2}
    clock.advance(86400)
    with monitor(config, clock) as m:
        m.deliver()
    assert len(receiver.messages) == 1


# ---------------------------------------------------------------------- quiet hours
def test_alerts_raised_in_quiet_hours_wait_for_the_end_and_come_as_one_message(
    server: LoopbackServer, receiver: Receiver, tmp_path: Path
) -> None:
    """At 23:30 in Kyiv two alerts are raised and nothing is sent; a restart at 03:00 sends
    nothing either; at 07:00 one message carries both; later alerts go one by one again."""
    feeds = [serve_good_feed(server), serve_captures(server, TOWNS[:1])]
    config = monitor_settings(tmp_path, feeds,
                              notifiers=[notifier(receiver.url, quiet_hours="22:00-07:00",
                                                  timezone="Europe/Kyiv")])
    clock = clock_at("2026-11-30T23:30:00+02:00")
    with monitor(config, clock) as m:
        good = next(f for f in m.store.feeds() if f.url.endswith("/feed.xml"))
        assert m.poll(good).alerts == 2
        m.deliver()
    assert receiver.messages == []
    clock.now = datetime.fromisoformat("2026-12-01T03:00:00+02:00")
    with monitor(config, clock) as m:
        deliver_until(m, clock, datetime.fromisoformat("2026-12-01T06:50:00+02:00"), step=600)
        assert receiver.messages == []
        deliver_until(m, clock, datetime.fromisoformat("2026-12-01T07:00:00+02:00"))
        [held] = receiver.messages
        assert "2 new claims (held during quiet hours)" in held["title"]
        captures = next(f for f in m.store.feeds() if f.url.endswith("/captures.xml"))
        assert m.poll(captures).alerts == 1
        m.deliver()
        assert len(receiver.messages) == 2
        assert "Kostiantynivka" in receiver.messages[1]["title"]
        assert m.store.delivery_counts() == {"sent": 3}


# ---------------------------------------------------------------------- the hourly limit
def test_past_the_hourly_limit_alerts_are_folded_into_one_message(
    server: LoopbackServer, receiver: Receiver, tmp_path: Path
) -> None:
    """With max_per_hour = 2, four new captures at once make two messages: the first alert,
    then one carrying the other three. Two more raised ten minutes later wait until the
    first two messages are an hour old, then go one by one."""
    url = serve_captures(server)
    config = monitor_settings(tmp_path, [url], pages=False,
                              notifiers=[notifier(receiver.url, max_per_hour=2)])
    clock = clock_at("2026-11-30T10:00:00+00:00")
    with monitor(config, clock) as m:
        assert m.tick()[0].alerts == 4
        assert len(receiver.messages) == 2
        first, folded = receiver.messages
        assert "Kostiantynivka" in first["title"]
        assert "3 new claims (more than the hourly limit)" in folded["title"]
        for town in TOWNS[1:4]:
            assert town in folded["message"]
        assert m.store.delivery_counts() == {"sent": 4}

        serve_captures(server, ("Lyman", "Kupiansk"))  # the same feed, two more entries
        clock.advance(600)
        [result] = m.tick()
        assert result.alerts == 2
        deliver_until(m, clock, datetime.fromisoformat("2026-11-30T10:59:00+00:00"))
        assert len(receiver.messages) == 2  # the hour's two messages are spent
        deliver_until(m, clock, datetime.fromisoformat("2026-11-30T11:00:00+00:00"))
        assert len(receiver.messages) == 4
        assert "Lyman" in receiver.messages[2]["title"]
        assert "Kupiansk" in receiver.messages[3]["title"]
        assert m.store.delivery_counts() == {"sent": 6}


def test_digest_and_instant_notifiers_are_served_side_by_side(
    server: LoopbackServer, receiver: Receiver, tmp_path: Path
) -> None:
    """An instant notifier gets each alert at once while an hourly one waits for its digest."""
    instant = Receiver().start()
    try:
        config = monitor_settings(tmp_path, [serve_good_feed(server)], notifiers=[
            notifier(receiver.url, mode="hourly"),
            notifier(instant.url).replace('name = "analysts"', 'name = "desk"')])
        clock = clock_at("2026-11-30T10:20:00+00:00")
        with monitor(config, clock) as m:
            m.tick()
            assert len(instant.messages) == 2 and receiver.messages == []
            clock.now += timedelta(minutes=40)
            m.deliver()
            assert len(receiver.messages) == 1 and len(instant.messages) == 2
    finally:
        instant.stop()


def test_a_delivery_is_carried_by_one_digest_only(
    server: LoopbackServer, tmp_path: Path, database: str
) -> None:
    """Two rounds (two instances) that try to batch the same pending deliveries: the first
    forms its digest, the second forms none and changes nothing."""
    from claimwatch.storage import outbox

    config = monitor_settings(tmp_path, [serve_good_feed(server)],
                              notifiers=[notifier("json://127.0.0.1:9/hook", mode="hourly")])
    config.write_text(config.read_text().replace('url = ""', f'url = "{database}"', 1))
    clock = clock_at("2026-11-30T10:20:00+00:00")
    with monitor(config, clock) as m:
        assert m.tick()[0].alerts == 2
        pending = outbox.waiting(m.store, "analysts")
        ids, alerts = [w.id for w in pending], tuple(sorted(w.alert_id for w in pending))
        assert len(ids) == 2
        assert outbox.form_digest(m.store, "analysts", ids, "hourly", clock.now) is not None
        assert outbox.form_digest(m.store, "analysts", ids[:1], "hourly", clock.now) is None
        assert [d.alert_ids for d in outbox.due_digests(m.store, clock.now)] == [alerts]
        assert m.store.delivery_counts() == {"batched": 2}


def test_quiet_hours_and_the_hourly_limit_together_never_exceed_the_limit(
    server: LoopbackServer, receiver: Receiver, tmp_path: Path
) -> None:
    """With quiet hours and max_per_hour = 2: four alerts raised at night come as one
    message at 07:00; two more at 07:05 come as one message (the hour's last); nothing
    else in that hour, and every alert is delivered once."""
    url = serve_captures(server)
    config = monitor_settings(tmp_path, [url], pages=False, notifiers=[notifier(
        receiver.url, quiet_hours="22:00-07:00", timezone="UTC", max_per_hour=2)])
    clock = clock_at("2026-11-30T23:00:00+00:00")
    with monitor(config, clock) as m:
        assert m.tick()[0].alerts == 4
        deliver_until(m, clock, datetime.fromisoformat("2026-12-01T07:00:00+00:00"), step=900)
        [night] = receiver.messages
        assert "4 new claims (held during quiet hours)" in night["title"]
        serve_captures(server, ("Lyman", "Kupiansk"))
        clock.advance(300)
        feed = m.store.feeds()[0]
        assert m.poll(feed).alerts == 2
        deliver_until(m, clock, datetime.fromisoformat("2026-12-01T08:00:00+00:00"))
        assert len(receiver.messages) == 2
        assert "2 new claims (more than the hourly limit)" in receiver.messages[1]["title"]
        assert m.store.delivery_counts() == {"sent": 6}
