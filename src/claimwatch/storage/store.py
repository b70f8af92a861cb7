"""The database adapter: every query claimwatch makes, behind one class.

Times are stored and returned as aware UTC (SQLModel's UTCDateTime column type).
Each article is recorded in one transaction together with its claims, alerts and outbox
rows, so a crash leaves either all of it or none of it (and then the entry is processed
again on restart).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import overload

from sqlalchemy import event, func, or_, text, update
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import Session, SQLModel, col, create_engine, select

from claimwatch.config import FeedConfig
from claimwatch.models import LEAD_SENTENCES, Evaluation, Event, Fingerprint
from claimwatch.storage.tables import (
    AlertRow,
    AlertSourceRow,
    ArticleRow,
    ClaimRow,
    DeliveryRow,
    EntryRow,
    FeedRow,
)


@overload
def to_db(dt: datetime) -> datetime: ...
@overload
def to_db(dt: None) -> None: ...
def to_db(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    return dt.astimezone(UTC) if dt.tzinfo else dt.replace(tzinfo=UTC)


@overload
def aware(dt: datetime) -> datetime: ...
@overload
def aware(dt: None) -> None: ...
def aware(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt


@dataclass(frozen=True)
class NewAlert:
    """An alert the pipeline raised, ready to store with its outbox rows."""

    key: str
    topic_id: str
    claim_index: int  # which claim of the evaluation (ClaimResult.claim.index)
    title: str
    body: str
    why: dict[str, object]
    notifiers: tuple[str, ...]


@dataclass(frozen=True)
class Recorded:
    article_id: int
    claim_ids: list[int]
    alerts_created: list[int]
    also_reported: list[int]  # existing alerts this article was added to as a source


@dataclass(frozen=True)
class PendingDelivery:
    id: int
    alert_id: int
    notifier: str
    attempts: int
    title: str
    body: str
    created_at: datetime


class DeliveryClaim:
    """The outcome of one delivery attempt, written to its held outbox row."""

    def __init__(self, row: DeliveryRow) -> None:
        self.row = row
        self.decided = False

    def sent(self, now: datetime) -> None:
        self.row.status, self.row.sent_at = "sent", to_db(now)
        self.row.attempts += 1
        self.row.last_error = None
        self.decided = True

    def failed(self, error: str, *, next_try_at: datetime, give_up: bool) -> None:
        self.row.attempts += 1
        self.row.last_error = error[:1000]
        self.row.next_try_at = to_db(next_try_at)
        if give_up:
            self.row.status = "failed"
        self.decided = True


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            _private_file(Path(path))
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(conn: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
            cur = conn.cursor()
            # WAL: readers never block the writer; NORMAL is durable across process crashes.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=8)


def _private_file(path: Path) -> None:
    """Create the database's directory (0700) and file (0600) before SQLite does."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    elif path.stat().st_mode & 0o077:
        path.chmod(0o600)  # the database is ours: no one else reads it


# The key of the PostgreSQL advisory lock that serialises judging and recording: any fixed
# 64-bit number no other application on the database uses ("claimwa" in ASCII).
JUDGE_LOCK = 0x636C61696D7761


class Store:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.is_postgres = not url.startswith("sqlite")
        with self.engine.begin() as conn:
            if self.is_postgres:
                # Instances starting together on an empty database would race to create
                # the same tables; one at a time, the others find them there.
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": JUDGE_LOCK})
            SQLModel.metadata.create_all(conn)

    def close(self) -> None:
        self.engine.dispose()

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    # ------------------------------------------------------------------ feeds
    def sync_feeds(self, feeds: Sequence[FeedConfig], now: datetime) -> None:
        """Make the feed rows match the config: add new ones, disable removed ones."""
        wanted = {f.url: f for f in feeds}
        with self.serialised() as s:  # instances starting together add each feed once
            rows = {r.url: r for r in s.exec(select(FeedRow)).all()}
            for url, cfg in wanted.items():
                row = rows.get(url)
                if row is None:
                    s.add(FeedRow(url=url, name=cfg.name, enabled=cfg.enabled,
                                  next_check_at=to_db(now)))
                elif row.enabled != cfg.enabled or row.name != cfg.name:
                    row.enabled, row.name = cfg.enabled, cfg.name
                    s.add(row)
            for url, row in rows.items():
                if url not in wanted and row.enabled:
                    row.enabled = False
                    s.add(row)
            s.commit()

    def feeds(self) -> list[FeedRow]:
        with self.session() as s:
            return [_feed_aware(r) for r in s.exec(select(FeedRow).order_by(col(FeedRow.id))).all()]

    def due_feeds(
        self, now: datetime, owner: str, lease_seconds: float, *, limit: int | None = None,
        exclude: Sequence[int] = (),
    ) -> list[FeedRow]:
        """Claim the enabled feeds whose time has come (a lease keeps other instances off):
        at most `limit`, none of `exclude` (the feeds this instance is polling already)."""
        until = to_db(now + timedelta(seconds=lease_seconds))
        with self.session() as s:
            q = (
                select(FeedRow)
                .where(col(FeedRow.enabled) == True)  # noqa: E712 - SQL expression
                .where(col(FeedRow.next_check_at) <= to_db(now))
                .where(or_(col(FeedRow.lease_until) == None, col(FeedRow.lease_until) < to_db(now)))  # noqa: E711
                .order_by(col(FeedRow.next_check_at))
            )
            if exclude:
                q = q.where(col(FeedRow.id).not_in(list(exclude)))
            if limit is not None:
                q = q.limit(limit)
            if self.is_postgres:
                q = q.with_for_update(skip_locked=True)
            rows = s.exec(q).all()
            for r in rows:
                r.lease_owner, r.lease_until = owner, until
                s.add(r)
            s.commit()
            return [_feed_aware(r) for r in rows]

    def feed_succeeded(
        self, feed_id: int, *, etag: str | None, last_modified: str | None,
        next_check_at: datetime, now: datetime,
    ) -> bool:
        """Record a good poll; True when the feed was reported failing and has recovered."""
        with self.session() as s:
            row = s.get(FeedRow, feed_id)
            if row is None:
                return False
            recovered = row.failing_notified
            row.etag, row.last_modified = etag, last_modified
            row.next_check_at = to_db(next_check_at)
            row.last_checked_at = row.last_success_at = to_db(now)
            row.error_count, row.failing_notified = 0, False
            row.lease_owner = row.lease_until = None
            s.add(row)
            s.commit()
            return recovered

    def feed_failed(
        self, feed_id: int, error: str, *, next_check_at: datetime, now: datetime,
        notify_after: int,
    ) -> tuple[int, bool]:
        """Record a failed poll; returns (failures in a row, operator should be told now)."""
        with self.session() as s:
            row = s.get(FeedRow, feed_id)
            if row is None:
                return 0, False
            row.error_count += 1
            row.last_error, row.last_error_at = error[:1000], to_db(now)
            row.last_checked_at = to_db(now)
            row.next_check_at = to_db(next_check_at)
            row.lease_owner = row.lease_until = None
            tell = row.error_count >= notify_after and not row.failing_notified
            if tell:
                row.failing_notified = True
            s.add(row)
            s.commit()
            return row.error_count, tell

    def renew_lease(self, feed_id: int, owner: str, until: datetime) -> None:
        """Extend a lease this instance holds (a long poll); a lease it lost stays lost."""
        with self.session() as s:
            s.exec(update(FeedRow)
                   .where(col(FeedRow.id) == feed_id)
                   .where(col(FeedRow.lease_owner) == owner)
                   .values(lease_until=to_db(until)))
            s.commit()

    def release_feed(self, feed_id: int) -> None:
        with self.session() as s:
            row = s.get(FeedRow, feed_id)
            if row is not None:
                row.lease_owner = row.lease_until = None
                s.add(row)
                s.commit()

    # ------------------------------------------------------------------ entries
    def seen_keys(self, feed_id: int, keys: Sequence[str]) -> set[str]:
        if not keys:
            return set()
        with self.session() as s:
            rows = s.exec(
                select(col(EntryRow.key)).where(col(EntryRow.feed_id) == feed_id)
                .where(col(EntryRow.key).in_(list(keys)))
            ).all()
            return set(rows)

    def article_id(self, url: str) -> int | None:
        with self.session() as s:
            return s.exec(select(col(ArticleRow.id)).where(col(ArticleRow.url) == url)).first()

    def mark_entry(self, feed_id: int, key: str, url: str | None, article_id: int | None) -> None:
        """Remember an entry that needs no processing (its article is already known)."""
        with self.session() as s:
            s.add(EntryRow(feed_id=feed_id, key=key, url=url, article_id=article_id))
            try:
                s.commit()
            except IntegrityError:
                s.rollback()

    # ------------------------------------------------------------------ corpus
    def article_count(self) -> int:
        with self.session() as s:
            return int(s.exec(select(func.count()).select_from(ArticleRow)).one())

    def corpus_articles(self, after_id: int = 0) -> Iterator[tuple[int, str, Fingerprint]]:
        """(article id, url, fingerprint) of every stored article after `after_id`."""
        with self.session() as s:
            # SQLAlchemy's select: SQLModel's is typed for at most four columns.
            q = (
                sa_select(col(ArticleRow.id), col(ArticleRow.url), col(ArticleRow.content_hash),
                          col(ArticleRow.signature), col(ArticleRow.shingles))
                .where(col(ArticleRow.id) > after_id)
                .order_by(col(ArticleRow.id))
            )
            # Streamed: a corpus of 100,000 articles is not held as rows at once.
            for aid, url, h, sig, n in s.execute(q.execution_options(yield_per=2000)):
                signature = tuple(map(int, sig.split())) if sig else ()
                if signature:
                    yield aid, url, Fingerprint(h, signature, n)

    def article_url_text(self, article_id: int) -> tuple[str, str] | None:
        with self.session() as s:
            row = s.exec(
                select(ArticleRow.url, ArticleRow.text).where(ArticleRow.id == article_id)
            ).first()
            return None if row is None else (row[0], row[1])

    def corpus_claims(
        self, after_id: int = 0
    ) -> Iterator[tuple[int, str, str, datetime | None, int]]:
        """(claim id, sentence, article url, published, position in the article) of every
        stored claim after `after_id`."""
        with self.session() as s:
            q = (
                sa_select(col(ClaimRow.id), col(ClaimRow.text), col(ArticleRow.url),
                          col(ClaimRow.published), col(ClaimRow.idx))
                .join(ArticleRow, col(ArticleRow.id) == col(ClaimRow.article_id))
                .where(col(ClaimRow.id) > after_id)
                .order_by(col(ClaimRow.id))
                .execution_options(yield_per=2000)
            )
            for cid, sentence, url, published, idx in s.execute(q):
                assert cid is not None  # a stored row has its id
                yield cid, sentence, url, aware(published), idx

    @contextmanager
    def serialised(self) -> Iterator[Session]:
        """A transaction in which judging and recording happen one at a time across every
        instance sharing the database; pass it to `record_article`, which commits it.

        On PostgreSQL a transaction-scoped advisory lock, released by the commit or rollback
        that ends the transaction (so by a crash too: the connection drops). On SQLite one
        process writes the file and the monitor's own lock serialises its workers.
        """
        with self.session() as s:
            if self.is_postgres:
                s.connection().execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                       {"key": JUDGE_LOCK})
            yield s

    def record_article(
        self,
        evaluation: Evaluation,
        *,
        session: Session | None = None,
        feed_id: int | None = None,
        entry_key: str | None = None,
        feed_url: str | None = None,
        is_seed: bool = False,
        only_topical: bool = True,
        alerts: Sequence[NewAlert] = (),
        now: datetime,
    ) -> Recorded | None:
        """Store an article with its claims, alerts and outbox rows in one transaction.

        Returns None when the article's URL is already stored (a replay after a crash or a
        race with another instance): nothing is written twice. `session` is the transaction
        of `serialised()` when the caller judged the article inside it.
        """
        doc, fp = evaluation.document, evaluation.fingerprint
        original = evaluation.duplicate_of
        with session or self.session() as s:
            article = ArticleRow(
                url=doc.url, title=doc.title[:1000], source=doc.source[:300],
                feed_url=feed_url, published=to_db(doc.published), fetched_at=to_db(now),
                text=doc.text, content_hash=fp.content_hash,
                signature=" ".join(map(str, fp.signature)), shingles=fp.shingles,
                duplicate_of=original.article_id if original else None,
                is_seed=is_seed,
            )
            s.add(article)
            try:
                s.flush()
            except IntegrityError:
                s.rollback()
                if feed_id is not None and entry_key is not None:
                    self.mark_entry(feed_id, entry_key, doc.url, self.article_id(doc.url))
                return None
            assert article.id is not None
            if feed_id is not None and entry_key is not None:
                s.add(EntryRow(feed_id=feed_id, key=entry_key, url=doc.url, article_id=article.id))

            claim_ids: list[int] = []
            by_index: dict[int, ClaimRow] = {}
            if evaluation.duplicate_of is None:
                for result in evaluation.claims:
                    if only_topical and not result.hits:
                        claim_ids.append(0)
                        continue
                    c = result.claim
                    known = [n for n in result.novelty.values() if not n.is_new and n.nearest]
                    row = ClaimRow(
                        article_id=article.id, idx=c.index, text=c.text, speaker=c.speaker[:200],
                        stance=c.stance.value,
                        events=" ".join(e.key for e in c.events),
                        topics=" ".join(h.topic_id for h in result.hits),
                        published=to_db(doc.published or now),
                        known_as=known[0].nearest.id if known and known[0].nearest else None,
                        score=max((n.score for n in result.novelty.values()), default=None),
                    )
                    s.add(row)
                    by_index[c.index] = row
                s.flush()
                claim_ids = [
                    (by_index[r.claim.index].id or 0) if r.claim.index in by_index else 0
                    for r in evaluation.claims
                ]

            created: list[int] = []
            for alert in alerts:
                claim_row = by_index.get(alert.claim_index)
                alert_row = AlertRow(
                    key=alert.key, kind="claim", topic_id=alert.topic_id,
                    claim_id=claim_row.id if claim_row else None, article_id=article.id,
                    title=alert.title, body=alert.body, why=json.dumps(alert.why),
                    created_at=to_db(now),
                )
                nested = s.begin_nested()
                s.add(alert_row)
                try:
                    s.flush()
                except IntegrityError:
                    # Another article (or instance) raised this alert first: add a source.
                    nested.rollback()
                    existing = s.exec(
                        select(AlertRow).where(col(AlertRow.key) == alert.key)
                    ).first()
                    if existing is not None and existing.id is not None:
                        self._add_source(s, existing.id, article)
                    continue
                nested.commit()
                assert alert_row.id is not None
                created.append(alert_row.id)
                for notifier in alert.notifiers:
                    s.add(DeliveryRow(alert_id=alert_row.id, notifier=notifier,
                                      next_try_at=to_db(now), created_at=to_db(now)))

            also: list[int] = []
            if evaluation.duplicate_of is None:
                also = self._link_known(s, evaluation, by_index, article)
            else:
                also = self._link_duplicate(s, evaluation.duplicate_of.article_id, article)
            s.commit()
            return Recorded(article.id, claim_ids, created, also)

    def _link_known(
        self, s: Session, evaluation: Evaluation, by_index: dict[int, ClaimRow],
        article: ArticleRow,
    ) -> list[int]:
        """Known claims that an earlier alert announced: record this article as a source."""
        out: list[int] = []
        for result in evaluation.claims:
            if result.claim.index >= LEAD_SENTENCES:
                continue  # an article reports what its headline and lead say
            for topic_id, novelty in result.novelty.items():
                if novelty.is_new or novelty.nearest is None:
                    continue
                root = s.get(ClaimRow, self._root_claim(s, novelty.nearest.id))
                if root is None or root.idx >= LEAD_SENTENCES:
                    continue
                # The alert on the article whose headline or lead told this claim: an
                # article that only shares background with it is not a report of it.
                alert = s.exec(
                    select(AlertRow).where(col(AlertRow.article_id) == root.article_id)
                    .where(col(AlertRow.topic_id) == topic_id)
                ).first()
                if (alert is not None and alert.id is not None and alert.id not in out
                        and self._add_source(s, alert.id, article)):
                    out.append(alert.id)
        return out

    def _link_duplicate(self, s: Session, original_id: int, article: ArticleRow) -> list[int]:
        """A copy: record it as a source of the alerts its original raised, going back to
        the first original (a copy of a copy), and of the alerts on the articles whose
        headline or lead told the claims its original's lead repeated (as `_link_known`)."""
        seen: set[int] = set()
        while original_id not in seen:  # a copy of a copy: go back to the first
            seen.add(original_id)
            row = s.get(ArticleRow, original_id)
            if row is None or row.duplicate_of is None:
                break
            original_id = row.duplicate_of
        repeats = (
            select(col(ClaimRow.known_as)).where(col(ClaimRow.article_id) == original_id)
            .where(col(ClaimRow.known_as).is_not(None))
            .where(col(ClaimRow.idx) < LEAD_SENTENCES)
        )
        articles = {original_id}
        for known_as in s.exec(repeats):
            root = s.get(ClaimRow, self._root_claim(s, known_as)) if known_as else None
            if root is not None and root.idx < LEAD_SENTENCES:
                articles.add(root.article_id)
        q = (
            select(AlertRow)
            .where(col(AlertRow.article_id).in_(sorted(articles)))
            .order_by(col(AlertRow.id))
        )
        out: list[int] = []
        for alert in s.exec(q).all():
            if alert.id is not None and alert.id not in out and self._add_source(
                s, alert.id, article
            ):
                out.append(alert.id)
        return out

    @staticmethod
    def _root_claim(s: Session, claim_id: int) -> int:
        seen = set()
        while claim_id not in seen:
            seen.add(claim_id)
            row = s.get(ClaimRow, claim_id)
            if row is None or row.known_as is None:
                break
            claim_id = row.known_as
        return claim_id

    @staticmethod
    def _add_source(s: Session, alert_id: int, article: ArticleRow) -> bool:
        assert article.id is not None
        exists = s.exec(
            select(col(AlertSourceRow.id)).where(col(AlertSourceRow.alert_id) == alert_id)
            .where(col(AlertSourceRow.article_id) == article.id)
        ).first()
        if exists is not None:
            return False
        s.add(AlertSourceRow(alert_id=alert_id, article_id=article.id, url=article.url,
                             title=article.title, source=article.source))
        return True

    # ------------------------------------------------------------------ alerts
    def add_health_alert(
        self, key: str, title: str, body: str, notifiers: Sequence[str], now: datetime
    ) -> int | None:
        with self.session() as s:
            row = AlertRow(key=key, kind="health", title=title, body=body,
                           created_at=to_db(now))
            s.add(row)
            try:
                s.flush()
            except IntegrityError:
                s.rollback()
                return None
            assert row.id is not None
            for n in notifiers:
                s.add(DeliveryRow(alert_id=row.id, notifier=n, next_try_at=to_db(now),
                                  created_at=to_db(now)))
            s.commit()
            return row.id

    def alerts(self, limit: int = 50) -> list[AlertRow]:
        with self.session() as s:
            q = select(AlertRow).order_by(col(AlertRow.id).desc()).limit(limit)
            return list(s.exec(q).all())

    def alert(
        self, alert_id: int
    ) -> tuple[AlertRow, list[AlertSourceRow], list[DeliveryRow]] | None:
        with self.session() as s:
            row = s.get(AlertRow, alert_id)
            if row is None:
                return None
            sources = s.exec(select(AlertSourceRow).where(col(AlertSourceRow.alert_id) == alert_id)
                             .order_by(col(AlertSourceRow.id))).all()
            deliveries = s.exec(select(DeliveryRow).where(col(DeliveryRow.alert_id) == alert_id)
                                .order_by(col(DeliveryRow.id))).all()
            return row, list(sources), list(deliveries)

    def article_url(self, article_id: int | None) -> str | None:
        if article_id is None:
            return None
        with self.session() as s:
            q = select(col(ArticleRow.url)).where(col(ArticleRow.id) == article_id)
            return s.exec(q).first()

    # ------------------------------------------------------------------ outbox
    def due_deliveries(self, now: datetime, limit: int = 100) -> list[PendingDelivery]:
        with self.session() as s:
            q = (
                select(DeliveryRow, AlertRow)
                .join(AlertRow, col(AlertRow.id) == col(DeliveryRow.alert_id))
                .where(col(DeliveryRow.status) == "pending")
                .where(col(DeliveryRow.next_try_at) <= to_db(now))
                .order_by(col(DeliveryRow.id))
                .limit(limit)
            )
            return [
                PendingDelivery(d.id or 0, d.alert_id, d.notifier, d.attempts, a.title, a.body,
                                aware(a.created_at) or now)
                for d, a in s.exec(q).all()
            ]

    @contextmanager
    def claim_delivery(self, delivery_id: int, now: datetime) -> Iterator[DeliveryClaim | None]:
        """Hold one due delivery while it is sent, so that no other instance sends it too;
        the outcome set on the claim is committed when the block ends.

        On PostgreSQL the row stays locked (FOR UPDATE SKIP LOCKED) until then; an instance
        that dies mid-send drops its connection, which frees the row for another. Yields
        None when the delivery is no longer due or another instance holds it.
        """
        with self.session() as s:
            q = (
                select(DeliveryRow).where(col(DeliveryRow.id) == delivery_id)
                .where(col(DeliveryRow.status) == "pending")
                .where(col(DeliveryRow.next_try_at) <= to_db(now))
            )
            if self.is_postgres:
                q = q.with_for_update(skip_locked=True)
            row = s.exec(q).first()
            if row is None:
                yield None
                return
            claim = DeliveryClaim(row)
            yield claim
            if claim.decided:
                s.add(row)
                s.commit()

    def delivery_sent(self, delivery_id: int, now: datetime) -> None:
        with self.session() as s:
            row = s.get(DeliveryRow, delivery_id)
            if row is not None:
                DeliveryClaim(row).sent(now)
                s.add(row)
                s.commit()

    def delivery_failed(
        self, delivery_id: int, error: str, *, next_try_at: datetime, give_up: bool
    ) -> None:
        with self.session() as s:
            row = s.get(DeliveryRow, delivery_id)
            if row is not None:
                DeliveryClaim(row).failed(error, next_try_at=next_try_at, give_up=give_up)
                s.add(row)
                s.commit()

    def next_delivery_at(
        self, notifiers: Sequence[str], *, after: datetime | None = None
    ) -> datetime | None:
        """When the earliest pending delivery to one of `notifiers` is due (the earliest
        after `after`, if given)."""
        if not notifiers:
            return None
        with self.session() as s:
            q = (
                select(func.min(col(DeliveryRow.next_try_at)))
                .where(col(DeliveryRow.status) == "pending")
                .where(col(DeliveryRow.notifier).in_(list(notifiers)))
            )
            if after is not None:
                q = q.where(col(DeliveryRow.next_try_at) > to_db(after))
            return aware(s.exec(q).one())

    def delivery_counts(self) -> dict[str, int]:
        with self.session() as s:
            q = select(col(DeliveryRow.status), func.count()).group_by(col(DeliveryRow.status))
            return {status: int(n) for status, n in s.exec(q).all()}

    def ping(self) -> None:
        with self.session() as s:
            s.connection().execute(text("SELECT 1"))


def _feed_aware(row: FeedRow) -> FeedRow:
    for name in ("next_check_at", "last_checked_at", "last_success_at", "last_error_at",
                 "lease_until"):
        setattr(row, name, aware(getattr(row, name)))
    return row


def alert_key(topic_id: str, tokens: frozenset[str], events: Sequence[Event]) -> str:
    """The identity of an alert: its topic and what its claim says (not its wording)."""
    basis = " ".join(sorted(e.key for e in events)) or " ".join(sorted(tokens))
    return f"{topic_id}:{hashlib.sha256(basis.encode()).hexdigest()[:32]}"
