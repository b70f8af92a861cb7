"""Notifiers that are down or hang: their alerts wait in the outbox, are retried with backoff
over (simulated) minutes, and arrive exactly once after recovery; other notifiers are not
held back."""

from __future__ import annotations

import threading
from pathlib import Path

from tests.receiver import Receiver
from tests.servers import LoopbackServer, Reply, Request
from tests.test_faults import (
    Clock,
    monitor_settings,
    notifier_toml,
    running_monitor,
    serve_good_feed,
)

RETRIES = 'retry_initial = "30s"\nretry_max = "2m"'


def test_alerts_for_a_notifier_that_is_down_are_retried_with_backoff_and_sent_once(
    server: LoopbackServer, receiver: Receiver, tmp_path: Path
) -> None:
    """While one notifier answers 503 for eight minutes, the other gets both alerts at once;
    the one that is down is asked once per round, at growing intervals (30 s, 1 min, 2 min,
    2 min ...), and receives each alert exactly once when it is back."""
    working = Receiver().start()
    try:
        receiver.down = True
        url = serve_good_feed(server)
        config = monitor_settings(tmp_path, [url], delivery=RETRIES, notifiers=[
            notifier_toml(receiver.url, name="down"), notifier_toml(working.url, name="up")])
        clock = Clock()
        with running_monitor(config, clock) as monitor:
            start = clock.now
            [result] = monitor.tick()
            assert result.alerts == 2
            assert len(working.messages) == 2  # not held back by the other
            attempts_at: list[float] = []
            refused = receiver.refused
            for _ in range(8 * 6):  # eight minutes in ten-second steps
                clock.advance(10)
                monitor.deliver()
                if receiver.refused > refused:
                    attempts_at.append((clock.now - start).total_seconds())
                    refused = receiver.refused
            # One request per round: after it fails, the second alert waits with the first.
            assert attempts_at == [30, 90, 210, 330, 450], attempts_at
            assert receiver.refused == 1 + len(attempts_at)
            assert receiver.messages == []

            receiver.down = False
            for _ in range(3 * 6):
                clock.advance(10)
                monitor.deliver()
            assert sorted(receiver.titles()) == sorted(working.titles())
            assert len(receiver.messages) == 2 and len(working.messages) == 2
            assert monitor.store.delivery_counts() == {"sent": 4}
    finally:
        working.stop()


def test_a_notifier_that_hangs_times_out_and_is_delivered_once_it_answers(
    server: LoopbackServer, receiver: Receiver, tmp_path: Path
) -> None:
    """A webhook that accepts the connection but does not answer within its read timeout is
    counted as a failed attempt (the other notifier is served), and gets each alert once
    after it answers again."""
    hook = LoopbackServer().start()
    recovered = threading.Event()
    answered: list[Request] = []

    def slow_hook(req: Request) -> Reply:
        if not recovered.is_set():
            recovered.wait(timeout=3)  # longer than the notifier's 1 s read timeout
            return Reply(status=200)
        answered.append(req)
        return Reply(status=200)

    try:
        hook.route("/hook", slow_hook)
        slow_url = f"json://127.0.0.1:{hook.port}/hook?rto=1&cto=1"
        url = serve_good_feed(server)
        config = monitor_settings(tmp_path, [url], delivery=RETRIES, notifiers=[
            notifier_toml(slow_url, name="slow"), notifier_toml(receiver.url, name="fast")])
        clock = Clock()
        with running_monitor(config, clock) as monitor:
            [result] = monitor.tick()
            assert result.alerts == 2
            assert len(receiver.messages) == 2
            assert monitor.store.delivery_counts() == {"sent": 2, "pending": 2}
            # One timeout for the round, not one per alert.
            assert len(hook.requests_for("/hook")) == 1
            recovered.set()  # it answers from now on
            for _ in range(6):
                clock.advance(10)
                monitor.deliver()
            assert len(answered) == 2
            assert monitor.store.delivery_counts() == {"sent": 4}
            clock.advance(3600)
            monitor.deliver()
        assert len(answered) == 2 and len(receiver.messages) == 2
    finally:
        recovered.set()
        hook.stop()
