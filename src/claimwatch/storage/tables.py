"""SQLModel tables. The unique keys are what make alerts exactly-once across restarts.

    feeds ─┬─ entries (feed_id, key) UNIQUE        what each feed has shown us
           └─ articles (url UNIQUE) ── claims       the corpus
    alerts (key UNIQUE) ─┬─ alert_sources          "also reported by"
                         └─ deliveries (alert_id, notifier) UNIQUE   the outbox
    digests ── digest_items (delivery_id UNIQUE)    one message for several deliveries
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class FeedRow(SQLModel, table=True):
    __tablename__ = "feeds"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(index=True, unique=True, max_length=2000)
    name: str = ""
    enabled: bool = True
    etag: str | None = None
    last_modified: str | None = None
    next_check_at: datetime = Field(default_factory=utcnow, index=True)
    last_checked_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    error_count: int = 0  # failures in a row
    failing_notified: bool = False  # the operator has been told it is failing
    # Multi-instance: who is polling it right now, and until when.
    lease_owner: str | None = None
    lease_until: datetime | None = None


class EntryRow(SQLModel, table=True):
    __tablename__ = "entries"
    __table_args__ = (UniqueConstraint("feed_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    feed_id: int = Field(foreign_key="feeds.id", index=True)
    key: str = Field(max_length=2000)
    url: str | None = Field(default=None, max_length=2000)
    article_id: int | None = Field(default=None, foreign_key="articles.id")
    seen_at: datetime = Field(default_factory=utcnow)


class ArticleRow(SQLModel, table=True):
    __tablename__ = "articles"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(index=True, unique=True, max_length=2000)
    title: str = ""
    source: str = ""
    feed_url: str | None = None
    published: datetime | None = None
    fetched_at: datetime = Field(default_factory=utcnow)
    text: str = Field(default="", sa_column=Column(Text))
    content_hash: str = Field(index=True, max_length=64)
    signature: str = Field(default="", sa_column=Column(Text))  # MinHash, space-separated
    shingles: int = 0
    duplicate_of: int | None = Field(default=None, foreign_key="articles.id")
    is_seed: bool = False


class ClaimRow(SQLModel, table=True):
    __tablename__ = "claims"

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="articles.id", index=True)
    idx: int = 0
    text: str = Field(sa_column=Column(Text))
    speaker: str = ""
    stance: str = "reports"
    # Tokens and events are derived from the text with the current topics when the
    # corpus is loaded, so a topic edit or a better analyser applies to old claims too.
    events: str = Field(default="", sa_column=Column(Text))  # as found when stored (display)
    topics: str = ""  # topic ids it touched when stored, space-separated
    published: datetime | None = None
    known_as: int | None = Field(default=None, foreign_key="claims.id")
    score: float | None = None


class AlertRow(SQLModel, table=True):
    __tablename__ = "alerts"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(index=True, unique=True, max_length=500)
    kind: str = "claim"  # "claim" or "health"
    topic_id: str = ""
    claim_id: int | None = Field(default=None, foreign_key="claims.id", index=True)
    article_id: int | None = Field(default=None, foreign_key="articles.id")
    title: str = ""
    body: str = Field(default="", sa_column=Column(Text))  # rendered once, sent as stored
    why: str = Field(default="", sa_column=Column(Text))  # JSON explanation
    created_at: datetime = Field(default_factory=utcnow, index=True)


class AlertSourceRow(SQLModel, table=True):
    """Another article that reported an alert's claim: 'also reported by'."""

    __tablename__ = "alert_sources"
    __table_args__ = (UniqueConstraint("alert_id", "article_id"),)

    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = Field(foreign_key="alerts.id", index=True)
    article_id: int = Field(foreign_key="articles.id")
    url: str = ""
    title: str = ""
    source: str = ""
    added_at: datetime = Field(default_factory=utcnow)


class DeliveryRow(SQLModel, table=True):
    """One alert to one notifier: the outbox row that makes delivery survive crashes."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("alert_id", "notifier"),)

    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = Field(foreign_key="alerts.id", index=True)
    notifier: str = Field(max_length=200)
    status: str = Field(default="pending", index=True)  # pending | sent | failed
    attempts: int = 0
    next_try_at: datetime = Field(default_factory=utcnow, index=True)
    last_error: str | None = None
    sent_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class DigestRow(SQLModel, table=True):
    """One message covering several deliveries to one notifier (a digest, the alerts held
    by quiet hours, or those folded by the rate limit): its own outbox entry."""

    __tablename__ = "digests"

    id: int | None = Field(default=None, primary_key=True)
    notifier: str = Field(max_length=200, index=True)
    reason: str = ""  # "hourly", "daily", "quiet", "folded"
    status: str = Field(default="pending", index=True)  # pending | sent | failed
    attempts: int = 0
    next_try_at: datetime = Field(default_factory=utcnow, index=True)
    last_error: str | None = None
    sent_at: datetime | None = Field(default=None, index=True)
    created_at: datetime = Field(default_factory=utcnow)


class DigestItemRow(SQLModel, table=True):
    """A delivery carried by a digest; a delivery is in at most one digest."""

    __tablename__ = "digest_items"

    id: int | None = Field(default=None, primary_key=True)
    digest_id: int = Field(foreign_key="digests.id", index=True)
    delivery_id: int = Field(foreign_key="deliveries.id", unique=True)
