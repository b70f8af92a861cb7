"""When a notifier may be sent what: digests, quiet hours and the hourly limit.

`Policy` is pure: given a time, it says whether the notifier is in its quiet hours, when
the last quiet period ended and which digest period has just closed. `plan()` applies the
policies to the outbox once per delivery round:

- hourly / daily: the pending deliveries raised before the latest digest time (the top of
  the hour, or `digest_at`, in the notifier's time zone) become one digest;
- quiet hours: nothing is sent to the notifier; when they end, the alerts raised during
  them go as one message (or as themselves, if only one waited), and a digest-mode
  notifier sends the digest that fell due meanwhile;
- max_per_hour: at most that many messages in any 60 minutes; when more alerts wait than
  messages remain, the last message left carries all the rest.

Nothing here remembers anything between rounds: what is pending, batched and sent is in
the database, so a restart (or another instance) picks up exactly where this one stopped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from claimwatch.config import DeliverySettings, NotifierConfig
from claimwatch.storage import Store, outbox

HOUR = timedelta(hours=1)
UTC_ZONE = ZoneInfo("UTC")
REASONS = {
    "hourly": "hourly digest",
    "daily": "daily digest",
    "quiet": "held during quiet hours",
    "folded": "more than the hourly limit",
}


def _clock_time(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


@dataclass(frozen=True)
class Policy:
    mode: str = "instant"
    tz: ZoneInfo = UTC_ZONE
    digest_at: time = time(8, 0)
    quiet: tuple[time, time] | None = None
    max_per_hour: int | None = None

    @classmethod
    def of(cls, cfg: NotifierConfig) -> Policy:
        quiet = None
        if cfg.quiet_hours:
            start, end = (_clock_time(t) for t in cfg.quiet_hours.split("-"))
            quiet = (start, end) if start != end else None
        return cls(cfg.mode, ZoneInfo(cfg.timezone), _clock_time(cfg.digest_at), quiet,
                   cfg.max_per_hour)

    @property
    def plain(self) -> bool:
        """Every alert is sent as it comes, as before there were policies."""
        return self.mode == "instant" and self.quiet is None and self.max_per_hour is None

    def _at(self, day: date, t: time) -> datetime:
        return datetime.combine(day, t, tzinfo=self.tz).astimezone(UTC)

    def in_quiet_hours(self, now: datetime) -> bool:
        if self.quiet is None:
            return False
        start, end = self.quiet
        t = now.astimezone(self.tz).time()
        return start <= t < end if start < end else (t >= start or t < end)

    def last_quiet(self, now: datetime) -> tuple[datetime, datetime] | None:
        """The latest quiet period that has ended by `now`, as UTC (start, end)."""
        if self.quiet is None:
            return None
        start, end = self.quiet
        today = now.astimezone(self.tz).date()
        for day in (today, today - timedelta(days=1)):
            ends = self._at(day, end)
            if ends <= now:
                begins = self._at(day if start < end else day - timedelta(days=1), start)
                return begins, ends
        return None

    def period_end(self, now: datetime) -> datetime:
        """The latest digest time at or before `now`: what was raised before it is due."""
        local = now.astimezone(self.tz)
        if self.mode == "hourly":
            return local.replace(minute=0, second=0, microsecond=0).astimezone(UTC)
        today = self._at(local.date(), self.digest_at)
        return today if today <= now else self._at(local.date() - timedelta(days=1),
                                                    self.digest_at)


def plan(store: Store, policies: dict[str, Policy], now: datetime) -> dict[str, int | None]:
    """Form the digests that are due; return how many messages each notifier may be sent in
    this round (None: no limit, 0: none). Notifiers without a policy are not listed."""
    allowance: dict[str, int | None] = {}
    for key, policy in policies.items():
        if policy.plain:
            continue
        if policy.in_quiet_hours(now):
            allowance[key] = 0
            continue
        budget = None
        if policy.max_per_hour is not None:
            budget = max(0, policy.max_per_hour - outbox.messages_since(store, key, now - HOUR))
        allowance[key] = budget
        pending = outbox.waiting(store, key)
        if policy.mode != "instant":
            closed = policy.period_end(now)
            outbox.form_digest(store, key, [w.id for w in pending if w.created_at < closed],
                               policy.mode, now)
            continue  # its single deliveries wait for a digest: see digest_notifiers()
        quiet = policy.last_quiet(now)
        if quiet is not None:
            held = [w.id for w in pending
                    if w.attempts == 0 and quiet[0] <= w.created_at < quiet[1]]
            if len(held) > 1 and outbox.form_digest(store, key, held, "quiet", now):
                pending = [w for w in pending if w.id not in set(held)]
        due = [w for w in pending if w.next_try_at <= now]
        if budget is None or len(due) < 2:
            continue
        # Digests already waiting (a retry, the quiet hours' one) take their messages first.
        room = budget - outbox.digests_due(store, key, now)
        if 1 <= room < len(due):
            # room - 1 alerts go as themselves, the last message left carries the rest.
            # With no message left they all wait, and are folded when one is free again.
            outbox.form_digest(store, key, [w.id for w in due[room - 1:]], "folded", now)
    return allowance


def digest_notifiers(policies: dict[str, Policy]) -> set[str]:
    return {k for k, p in policies.items() if p.mode != "instant"}


Send = Callable[[str, tuple[int, ...], str], tuple[bool, str]]


def send_digests(
    store: Store, send: Send, *, now: Callable[[], datetime], allowance: dict[str, int | None],
    policies: dict[str, Policy], configured: Iterable[str], settings: DeliverySettings,
    stopping: Callable[[], bool], on_result: Callable[[outbox.PendingDigest, bool, str, bool,
                                                       float], None],
) -> tuple[int, int]:
    """Send the digests that are due; (sent, failed attempts). `send(notifier, alert_ids,
    reason)` renders and sends one message."""
    sent = failed = 0
    known = set(configured)
    down: dict[str, str] = {}
    for d in outbox.due_digests(store, now()):
        if stopping():
            break
        if d.notifier not in known:
            continue  # removed from the config: kept in case it comes back
        policy = policies.get(d.notifier)
        if policy is not None and policy.in_quiet_hours(now()):
            continue
        left = allowance.get(d.notifier)
        if left is not None and left <= 0:
            continue
        if d.notifier in down:
            ok, error = False, down[d.notifier]
        elif not outbox.claim_digest(store, d.id, now()):
            continue  # sent or being sent by another instance
        else:
            ok, error = send(d.notifier, d.alert_ids, d.reason)
        at = now()
        if ok:
            outbox.digest_sent(store, d.id, at)
            if left is not None:
                allowance[d.notifier] = left - 1
            sent += 1
            on_result(d, True, "", False, 0.0)
            continue
        down[d.notifier] = error
        delay = min(settings.retry_max, settings.retry_initial * (2 ** min(d.attempts, 16)))
        give_up = (at - d.created_at).total_seconds() > settings.give_up_after
        outbox.digest_failed(store, d.id, error, next_try_at=at + timedelta(seconds=delay),
                             give_up=give_up)
        failed += 1
        on_result(d, False, error, give_up, delay)
    return sent, failed
