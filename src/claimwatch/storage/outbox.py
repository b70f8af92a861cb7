"""Outbox queries for batched delivery: digests, quiet hours and the rate limit.

A digest is its own outbox entry. Forming one moves its deliveries from `pending` to
`batched` and links them (`digest_items.delivery_id` UNIQUE) in one transaction, so a
delivery is carried by one message only, even with two instances racing. Sending it marks
the digest and every delivery it carries `sent` in one transaction: after a crash either
all of them are pending in the digest (and it is sent again, the at-least-once window of
docs/reliability.md) or all are sent.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from claimwatch.storage.store import Store, aware, to_db
from claimwatch.storage.tables import (
    AlertRow,
    AlertSourceRow,
    ArticleRow,
    ClaimRow,
    DeliveryRow,
    DigestItemRow,
    DigestRow,
)


@dataclass(frozen=True)
class Waiting:
    """A pending delivery not yet in a digest."""

    id: int
    alert_id: int
    attempts: int
    created_at: datetime
    next_try_at: datetime


@dataclass(frozen=True)
class PendingDigest:
    id: int
    notifier: str
    reason: str
    attempts: int
    created_at: datetime
    alert_ids: tuple[int, ...]


@dataclass(frozen=True)
class AlertRecord:
    """What a notification is rendered from: the alert and what was stored around it."""

    id: int
    kind: str
    topic_id: str
    title: str
    body: str
    why: dict[str, Any]
    created_at: datetime
    article: dict[str, Any]
    claim: dict[str, Any]
    sources: list[dict[str, Any]]


def waiting(store: Store, notifier: str) -> list[Waiting]:
    """The notifier's pending deliveries that no digest carries, oldest first."""
    with store.session() as s:
        q = (select(DeliveryRow).where(col(DeliveryRow.notifier) == notifier)
             .where(col(DeliveryRow.status) == "pending").order_by(col(DeliveryRow.id)))
        return [Waiting(d.id or 0, d.alert_id, d.attempts, aware(d.created_at) or d.created_at,
                        aware(d.next_try_at) or d.next_try_at) for d in s.exec(q).all()]


def form_digest(
    store: Store, notifier: str, delivery_ids: Sequence[int], reason: str, now: datetime
) -> int | None:
    """One digest carrying these deliveries; None if another round took any of them."""
    if not delivery_ids:
        return None
    ids = sorted(set(delivery_ids))
    with store.session() as s:
        digest = DigestRow(notifier=notifier, reason=reason, next_try_at=to_db(now),
                           created_at=to_db(now))
        s.add(digest)
        s.flush()
        assert digest.id is not None
        moved = s.connection().execute(
            update(DeliveryRow).where(col(DeliveryRow.id).in_(ids))
            .where(col(DeliveryRow.status) == "pending").values(status="batched")
        )
        if moved.rowcount != len(ids):
            s.rollback()
            return None
        for delivery_id in ids:
            s.add(DigestItemRow(digest_id=digest.id, delivery_id=delivery_id))
        try:
            s.commit()
        except IntegrityError:
            s.rollback()
            return None
        return digest.id


def due_digests(store: Store, now: datetime) -> list[PendingDigest]:
    with store.session() as s:
        rows = s.exec(select(DigestRow).where(col(DigestRow.status) == "pending")
                      .where(col(DigestRow.next_try_at) <= to_db(now))
                      .order_by(col(DigestRow.id))).all()
        out = []
        for d in rows:
            alert_ids = s.exec(
                select(col(DeliveryRow.alert_id))
                .join(DigestItemRow, col(DigestItemRow.delivery_id) == col(DeliveryRow.id))
                .where(col(DigestItemRow.digest_id) == d.id).order_by(col(DeliveryRow.alert_id))
            ).all()
            out.append(PendingDigest(d.id or 0, d.notifier, d.reason, d.attempts,
                                     aware(d.created_at) or now, tuple(alert_ids)))
        return out


# How long a digest being sent is kept from other instances. A send takes seconds (the
# notifier's own timeouts); an instance that dies mid-send leaves the digest to another
# instance after this.
DIGEST_LEASE = 120.0


def claim_digest(store: Store, digest_id: int, now: datetime) -> bool:
    """Take a due digest for sending, so that no other instance sends it too; False when it
    is no longer due (sent, or taken by another instance). Its outcome (`digest_sent`,
    `digest_failed`) replaces the lease."""
    with store.session() as s:
        taken = s.connection().execute(
            update(DigestRow).where(col(DigestRow.id) == digest_id)
            .where(col(DigestRow.status) == "pending")
            .where(col(DigestRow.next_try_at) <= to_db(now))
            .values(next_try_at=to_db(now + timedelta(seconds=DIGEST_LEASE)))
        )
        s.commit()
        return bool(taken.rowcount)


def digests_due(store: Store, notifier: str, now: datetime) -> int:
    with store.session() as s:
        return int(s.exec(
            select(func.count()).select_from(DigestRow)
            .where(col(DigestRow.notifier) == notifier)
            .where(col(DigestRow.status) == "pending")
            .where(col(DigestRow.next_try_at) <= to_db(now))
        ).one())


def digest_sent(store: Store, digest_id: int, now: datetime) -> None:
    """The digest and every delivery it carries are sent: one transaction."""
    with store.session() as s:
        digest = s.get(DigestRow, digest_id)
        if digest is None:
            return
        digest.status, digest.sent_at = "sent", to_db(now)
        digest.attempts += 1
        digest.last_error = None
        s.add(digest)
        items = select(col(DigestItemRow.delivery_id)).where(
            col(DigestItemRow.digest_id) == digest_id)
        s.execute(update(DeliveryRow).where(col(DeliveryRow.id).in_(items))
                  .values(status="sent", sent_at=to_db(now),
                          attempts=col(DeliveryRow.attempts) + 1, last_error=None))
        s.commit()


def digest_failed(
    store: Store, digest_id: int, error: str, *, next_try_at: datetime, give_up: bool
) -> None:
    with store.session() as s:
        digest = s.get(DigestRow, digest_id)
        if digest is None:
            return
        digest.attempts += 1
        digest.last_error = error[:1000]
        digest.next_try_at = to_db(next_try_at)
        items = select(col(DigestItemRow.delivery_id)).where(
            col(DigestItemRow.digest_id) == digest_id)
        values: dict[str, Any] = {"attempts": col(DeliveryRow.attempts) + 1,
                                  "last_error": error[:1000]}
        if give_up:
            digest.status = "failed"
            values["status"] = "failed"
        s.add(digest)
        s.execute(update(DeliveryRow).where(col(DeliveryRow.id).in_(items))
                  .values(**values))
        s.commit()


def messages_since(store: Store, notifier: str, since: datetime) -> int:
    """Messages the notifier was sent after `since`: single deliveries plus digests."""
    with store.session() as s:
        in_digest = select(col(DigestItemRow.delivery_id))
        singles = s.exec(
            select(func.count()).select_from(DeliveryRow)
            .where(col(DeliveryRow.notifier) == notifier).where(col(DeliveryRow.status) == "sent")
            .where(col(DeliveryRow.sent_at) > to_db(since))
            .where(col(DeliveryRow.id).not_in(in_digest))
        ).one()
        digests = s.exec(
            select(func.count()).select_from(DigestRow)
            .where(col(DigestRow.notifier) == notifier).where(col(DigestRow.status) == "sent")
            .where(col(DigestRow.sent_at) > to_db(since))
        ).one()
        return int(singles) + int(digests)


def alert_records(store: Store, alert_ids: Sequence[int]) -> dict[int, AlertRecord]:
    """The alerts, with their article, claim and "also reported by", by id."""
    if not alert_ids:
        return {}
    out: dict[int, AlertRecord] = {}
    with store.session() as s:
        alerts = s.exec(select(AlertRow).where(col(AlertRow.id).in_(set(alert_ids)))).all()
        for a in alerts:
            assert a.id is not None
            article = s.get(ArticleRow, a.article_id) if a.article_id else None
            claim = s.get(ClaimRow, a.claim_id) if a.claim_id else None
            sources = s.exec(select(AlertSourceRow).where(col(AlertSourceRow.alert_id) == a.id)
                             .order_by(col(AlertSourceRow.id))).all()
            try:
                why = json.loads(a.why) if a.why else {}
            except ValueError:
                why = {}
            out[a.id] = AlertRecord(
                id=a.id, kind=a.kind, topic_id=a.topic_id, title=a.title, body=a.body,
                why=why if isinstance(why, dict) else {},
                created_at=aware(a.created_at) or a.created_at,
                article=({"title": article.title, "url": article.url, "source": article.source,
                          "published": article.published.strftime("%Y-%m-%d")
                          if article.published else ""} if article else {}),
                claim=({"text": claim.text, "speaker": claim.speaker, "stance": claim.stance}
                       if claim else {}),
                sources=[{"title": r.title, "url": r.url, "source": r.source} for r in sources],
            )
    return out


def article_brief(store: Store, url: str) -> dict[str, Any] | None:
    """Title, source, date and seed flag of a stored article (for "nearest known claim")."""
    with store.session() as s:
        row = s.exec(select(ArticleRow).where(col(ArticleRow.url) == url)).first()
        if row is None:
            return None
        return {"title": row.title, "source": row.source, "seed": row.is_seed,
                "published": row.published.strftime("%Y-%m-%d") if row.published else ""}
