"""The daemon's two independent paths: polling on a worker pool, delivery on its own thread.

    tick (APScheduler) ─► Poller.tick: lease due feeds for the free workers ─► pool
    alert commits ─► monitor.alert_raised ─► DeliveryWorker: deliver what is due

The tick only claims and hands over, so it never waits for a feed: a feed that drips one
byte a second holds one worker for its total timeout and nothing else. A feed already in
flight is never submitted again. Delivery is woken the moment an alert commits, and on a
timer for retries and for alerts other instances raised; it never waits for a poll, and a
poll never waits for a notifier.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import UTC, datetime
from functools import partial

from claimwatch.monitor import Monitor, PollResult

log = logging.getLogger("claimwatch")

# The pool's ceiling; how many polls run at once is `service.workers`, read at each tick so
# a reload applies (ThreadPoolExecutor only starts threads it needs).
MAX_WORKERS = 64
# Delivery sleeps at least this long between rounds that sent nothing, so it never spins.
MIN_DELIVERY_PAUSE = 0.25


class Poller:
    """Claims due feeds for free workers and polls them without waiting for them."""

    def __init__(self, monitor: Monitor) -> None:
        self.monitor = monitor
        self._pool = ThreadPoolExecutor(MAX_WORKERS, thread_name_prefix="poll")
        # Reentrant: a future that is already done runs its callback (which ticks) at once.
        self._lock = threading.RLock()
        self._in_flight: dict[int, Future[PollResult]] = {}
        self._closed = False

    def tick(self) -> int:
        """Hand the due feeds to free workers; how many were handed over. Returns at once."""
        with self._lock:
            if self._closed or self.monitor.stopping.is_set():
                return 0
            free = self.monitor.settings.service.workers - len(self._in_flight)
            if free <= 0:
                return 0
            feeds = self.monitor.claim_due(limit=free, exclude=list(self._in_flight))
            for feed in feeds:
                assert feed.id is not None
                future = self._pool.submit(self.monitor.poll, feed)
                self._in_flight[feed.id] = future
                future.add_done_callback(partial(self._done, feed.id))
            return len(feeds)

    def _done(self, feed_id: int, _future: Future[PollResult]) -> None:
        with self._lock:
            self._in_flight.pop(feed_id, None)
        # A worker is free: take the next due feed now rather than at the next tick.
        try:
            self.tick()
        except Exception:
            log.exception("claiming due feeds failed")

    @property
    def in_flight(self) -> int:
        with self._lock:
            return len(self._in_flight)

    def shutdown(self, deadline: float) -> bool:
        """Stop taking feeds and wait for polls in flight until `deadline` (monotonic);
        True when all finished. The monitor's stop event cuts their fetches short."""
        with self._lock:
            self._closed = True
            in_flight = dict(self._in_flight)
        self._pool.shutdown(wait=False, cancel_futures=True)
        for feed_id, future in in_flight.items():
            if future.cancelled():  # never started: let another instance have it now
                self.monitor.store.release_feed(feed_id)
        _done, pending = wait(in_flight.values(), timeout=max(0.0, deadline - time.monotonic()))
        return not pending


class DeliveryWorker:
    """Delivers pending alerts on its own thread, woken when an alert commits."""

    def __init__(self, monitor: Monitor) -> None:
        self.monitor = monitor
        self._thread = threading.Thread(target=self._run, name="delivery", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        monitor = self.monitor
        while not monitor.stopping.is_set():
            monitor.alert_raised.clear()  # what is committed by now, this round sends
            try:
                sent, failed = monitor.deliver()
            except Exception:
                log.exception("delivery round failed")
                sent = failed = 0
            monitor.alert_raised.wait(self._pause(busy=bool(sent or failed)))

    def _pause(self, *, busy: bool) -> float:
        """After a round that sent something, none (there may be more); otherwise until the
        next retry falls due, at most one tick (alerts other instances raised, digests).

        Deliveries already due that a round did not send are held back (quiet hours, a
        digest, the hourly limit, another instance sending them): the loop does not spin on
        them; the tick looks again."""
        if busy:
            return 0.0
        longest = self.monitor.settings.service.tick
        now = datetime.now(UTC)
        try:
            due = self.monitor.next_delivery_at(after=now)
        except Exception:
            log.exception("reading the outbox failed")
            return longest
        if due is None:
            return longest
        return min(longest, max((due - now).total_seconds(), MIN_DELIVERY_PAUSE))

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def join(self, deadline: float) -> bool:
        self.monitor.alert_raised.set()  # wake it to see the stop
        self._thread.join(max(0.0, deadline - time.monotonic()))
        return not self._thread.is_alive()
