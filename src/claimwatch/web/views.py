"""What the dashboard and the JSON API show, as plain dicts read from the store.

The HTML pages and the API render the same dicts, so they never disagree. Nothing here
judges anything: a pasted text goes through `Monitor.check`, the daemon's own judgement.
Notifiers appear by their safe label only (name, or scheme://host and a key), and delivery
errors are redacted again with the notifier's secrets before they are shown.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import QueryableAttribute, load_only
from sqlmodel import col, select

from claimwatch.models import Document
from claimwatch.notify import redact
from claimwatch.storage.store import aware
from claimwatch.storage.tables import AlertRow, AlertSourceRow, ArticleRow, ClaimRow, DeliveryRow

if TYPE_CHECKING:
    from claimwatch.monitor import Monitor

MAX_ALERTS = 500
MAX_CHECK_CHARS = 200_000


def _attr(field: object) -> QueryableAttribute[Any]:
    """A model field as the ORM attribute it is on the class (SQLModel types it as its
    value, `col()` as a column; `load_only` wants the attribute)."""
    assert isinstance(field, QueryableAttribute), field
    return field


def iso(dt: datetime | None) -> str | None:
    return aware(dt).isoformat() if dt else None


def alerts(monitor: Monitor, *, limit: int = 50, before: int | None = None) -> list[dict[str, Any]]:
    """The newest alerts (ids below `before`, if given), each with its claim, article,
    "also reported by" and delivery state per notifier."""
    limit = max(1, min(limit, MAX_ALERTS))
    with monitor.store.session() as s:
        q = select(AlertRow).order_by(col(AlertRow.id).desc()).limit(limit)
        if before is not None:
            q = q.where(col(AlertRow.id) < before)
        rows = list(s.exec(q).all())
        ids = [r.id for r in rows]
        claim_ids = [r.claim_id for r in rows if r.claim_id]
        article_ids = [r.article_id for r in rows if r.article_id]
        claims = {c.id: c for c in s.exec(select(ClaimRow).where(col(ClaimRow.id).in_(claim_ids)))}
        # Only the columns shown: an article's text and signature can be large.
        articles = {
            a.id: a for a in s.exec(
                select(ArticleRow).where(col(ArticleRow.id).in_(article_ids))
                .options(load_only(_attr(ArticleRow.url), _attr(ArticleRow.title),
                                   _attr(ArticleRow.source), _attr(ArticleRow.published))))
        }
        sources: dict[int, list[AlertSourceRow]] = {}
        for src in s.exec(select(AlertSourceRow).where(col(AlertSourceRow.alert_id).in_(ids))
                          .order_by(col(AlertSourceRow.id))):
            sources.setdefault(src.alert_id, []).append(src)
        deliveries: dict[int, list[DeliveryRow]] = {}
        for d in s.exec(select(DeliveryRow).where(col(DeliveryRow.alert_id).in_(ids))
                        .order_by(col(DeliveryRow.id))):
            deliveries.setdefault(d.alert_id, []).append(d)
    settings = monitor.settings
    out = []
    for r in rows:
        assert r.id is not None
        claim = claims.get(r.claim_id) if r.claim_id else None
        article = articles.get(r.article_id) if r.article_id else None
        topic = settings.topic(r.topic_id) if r.topic_id else None
        try:
            why = json.loads(r.why) if r.why else {}
        except ValueError:
            why = {}
        out.append({
            "id": r.id,
            "kind": r.kind,
            "topic": r.topic_id or None,
            "topic_name": topic.name if topic else (r.topic_id or None),
            "created_at": iso(r.created_at),
            "title": r.title,
            "body": r.body,
            "claim": claim.text if claim else None,
            "speaker": (claim.speaker or None) if claim else None,
            "stance": claim.stance if claim else None,
            "why": why,
            "article": {
                "url": article.url, "title": article.title, "source": article.source,
                "published": iso(article.published),
            } if article else None,
            "also_reported_by": [
                {"url": x.url, "title": x.title, "source": x.source, "added_at": iso(x.added_at)}
                for x in sources.get(r.id, [])
            ],
            "deliveries": [_delivery(monitor, d) for d in deliveries.get(r.id, [])],
        })
    return out


def _delivery(monitor: Monitor, d: DeliveryRow) -> dict[str, Any]:
    target = monitor.notifiers.targets.get(d.notifier)
    error = d.last_error
    if error:
        error = redact(error, target.secrets if target else ())
    return {
        "notifier": monitor.notifiers.label(d.notifier),
        "status": d.status,
        "attempts": d.attempts,
        "sent_at": iso(d.sent_at),
        "next_try_at": iso(d.next_try_at) if d.status == "pending" else None,
        "last_error": error,
    }


def feeds(monitor: Monitor) -> list[dict[str, Any]]:
    """Every feed the database knows, with its health."""
    out = []
    for r in monitor.store.feeds():
        if not r.enabled:
            state = "disabled"
        elif r.last_checked_at is None:
            state = "new"
        else:
            state = "failing" if r.error_count else "ok"
        out.append({
            "url": r.url,
            "name": r.name or None,
            "enabled": r.enabled,
            "state": state,
            "failures": r.error_count,
            "last_checked_at": iso(r.last_checked_at),
            "last_success_at": iso(r.last_success_at),
            "next_poll_at": iso(r.next_check_at) if r.enabled else None,
            "last_error": r.last_error,
            "last_error_at": iso(r.last_error_at),
        })
    return out


def topics(monitor: Monitor) -> list[dict[str, Any]]:
    """The topics as configured now (after any reload)."""
    return [t.model_dump(mode="json") for t in monitor.settings.topics]


def check(monitor: Monitor, text: str, title: str = "") -> dict[str, Any]:
    """What a pasted text would raise now: the same judgement as `claimwatch check`."""
    from claimwatch.cli import check_record

    text = text[:MAX_CHECK_CHARS]
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    doc = Document(url="pasted text", title=(title.strip() or first)[:300], text=text)
    evaluation = monitor.check(doc)
    record = check_record("pasted text", evaluation, monitor)
    record["known"] = [
        {"topic": topic_id, "similarity": round(n.score, 2), "claim": r.claim.text,
         "nearest_known": n.nearest.text if n.nearest else None, "reason": n.reason}
        for r in evaluation.claims if evaluation.duplicate_of is None
        for topic_id, n in r.novelty.items() if not n.is_new
    ]
    return record
