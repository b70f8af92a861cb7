"""Source health: the operator hears once when a feed keeps failing and once when it recovers,
and `claimwatch feeds` shows where each feed stands."""

from __future__ import annotations

from pathlib import Path

from tests.receiver import Receiver
from tests.servers import LoopbackServer, Reply
from tests.test_end_to_end import claimwatch
from tests.test_faults import Clock, feed_row, monitor_settings, notifier_toml, running_monitor

EMPTY_FEED = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet wire</title>'
              b"<link>http://example.org/</link></channel></rss>")


def test_failing_feed_tells_health_notifiers_once_and_once_more_on_recovery(
    server: LoopbackServer, receiver: Receiver, tmp_path: Path
) -> None:
    """Three failures in a row (failure_alert_after = 3) send one "feed failing" notice to the
    health notifier and none to the other; further failures send nothing more; the first good
    poll sends one "feed recovered" notice."""
    other = Receiver().start()
    try:
        server.route("/feed.xml", Reply(status=500))
        url = server.url("/feed.xml")
        config = monitor_settings(
            tmp_path, [url], polling="failure_alert_after = 3",
            notifiers=[notifier_toml(receiver.url, name="ops"),
                       notifier_toml(other.url, name="newsroom", health=False)])
        clock = Clock()
        with running_monitor(config, clock) as monitor:
            for polls in range(1, 7):
                [result] = monitor.tick()
                assert result.status == "error"
                assert len(receiver.messages) == (0 if polls < 3 else 1), polls
                clock.now = feed_row(monitor, url).next_check_at
            [notice] = receiver.messages
            assert "feed failing" in notice["title"] and url in notice["message"]
            assert "HTTP 500" in notice["message"]

            server.route("/feed.xml", Reply(body=EMPTY_FEED))
            [result] = monitor.tick()
            assert result.status == "ok"
            clock.advance(3600)
            monitor.tick()
            assert [m["title"].split(": ")[0] for m in receiver.messages] == [
                "[claimwatch] feed failing", "[claimwatch] feed recovered"]
            assert other.messages == []
            assert feed_row(monitor, url).error_count == 0
    finally:
        other.stop()


def test_feeds_command_shows_state_failures_last_success_error_and_next_poll(
    server: LoopbackServer, tmp_path: Path
) -> None:
    """`claimwatch feeds` lists a healthy feed as ok with its last success and next poll, and a
    broken one as failing with its failure count and last error."""
    server.route("/good.xml", Reply(body=EMPTY_FEED))
    server.route("/bad.xml", Reply(status=503))
    good, bad = server.url("/good.xml"), server.url("/bad.xml")
    config = monitor_settings(tmp_path, [good, bad])
    clock = Clock()
    with running_monitor(config, clock) as monitor:
        for _ in range(2):
            clock.now = max(feed_row(monitor, u).next_check_at for u in (good, bad))
            monitor.tick()
        last_ok = feed_row(monitor, good).last_success_at
        next_bad = feed_row(monitor, bad).next_check_at
    assert last_ok is not None

    result = claimwatch(config, "feeds")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:5] == ["state", "fails", "last", "success", "next"]
    good_line = next(ln for ln in lines if ln.endswith(good))
    bad_line = next(ln for ln in lines if ln.endswith(bad))
    assert good_line.split()[:2] == ["ok", "0"]
    assert last_ok.strftime("%Y-%m-%d %H:%M:%S") in good_line
    assert bad_line.split()[:3] == ["failing", "2", "-"]  # never succeeded
    assert next_bad.strftime("%Y-%m-%d %H:%M:%S") in bad_line
    error_line = lines[lines.index(bad_line) + 1]
    assert "last error" in error_line and "HTTP 503" in error_line
