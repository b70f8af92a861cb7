"""The monitor: wires fetch, parse, extract, the pipeline, storage and notification.

One poll of one feed: fetch (conditional GET) -> parse -> new entries only -> page fetch
and extraction (or the feed's own text) -> evaluate against the corpus -> record the
article, its claims, alerts and outbox rows in one transaction -> add to the corpus.
Evaluating and recording are one serialised step (`_judging`): across the workers of this
process and, on PostgreSQL, across every instance sharing the database, so two reports of
one new claim can never both be judged new.
Delivery reads the outbox separately, so a notifier that is down never holds up polling;
`alert_raised` is set whenever an alert commits, to wake a delivery worker.
"""

from __future__ import annotations

import logging
import random
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import Session

from claimwatch import digest, metrics
from claimwatch.config import Settings
from claimwatch.dedup import DuplicateIndex
from claimwatch.errors import FeedError, FetchError
from claimwatch.extract import ExtractPool
from claimwatch.feeds import parse_feed
from claimwatch.fetch import Fetcher
from claimwatch.models import Document, Evaluation, FeedEntry, Fingerprint
from claimwatch.notify import CONSOLE, Notifiers, record_context, render_alert
from claimwatch.pipeline import Analyzer, Corpus
from claimwatch.seeds import iter_files, read_document, seed_url
from claimwatch.storage import NewAlert, Store, alert_key, outbox
from claimwatch.storage.tables import FeedRow

log = logging.getLogger("claimwatch")

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class PollResult:
    feed: str
    status: str  # "ok", "not-modified", "error"
    entries: int = 0
    new: int = 0
    alerts: int = 0
    error: str = ""


class Monitor:
    """Everything the daemon does, callable one step at a time (tests, `once`, `check`)."""

    def __init__(
        self,
        settings: Settings,
        *,
        store: Store | None = None,
        clock: Clock = utcnow,
        fetcher: Fetcher | None = None,
    ) -> None:
        self.clock = clock
        self.stopping = threading.Event()
        self.instance = uuid.uuid4().hex[:12]
        self.store = store or Store(settings.database_url)
        self._own_fetcher = fetcher is None
        self._lock = threading.RLock()  # one article at a time meets the corpus
        self._delivering = threading.Lock()  # one delivery round at a time in this process
        self.alert_raised = threading.Event()  # set when an alert commits
        self._names_of: dict[str, str] | None = None  # gazetteer names, for _place_names
        self._names_for: Analyzer | None = None
        self.settings = settings
        self.fetcher = fetcher or Fetcher(settings.fetch, stop=self.stopping)
        self.extractor = ExtractPool(settings.service.extract_processes)
        self.analyzer = Analyzer.build(
            settings.topics, duplicate_threshold=settings.corpus.duplicate_threshold
        )
        self.notifiers = Notifiers(settings.notifiers)
        self.corpus = self._new_corpus()
        self._claims_upto = 0
        self._articles_upto = 0

    # ------------------------------------------------------------------ lifecycle
    def start(self, *, seed_if_empty: bool = True) -> None:
        for problem in self.notifiers.problems:
            log.error("config: %s", problem)
        self.store.sync_feeds(self.settings.feeds, self.clock())
        if seed_if_empty and self.store.article_count() == 0:
            added, _ = self.seed(self.settings.corpus.seeds)
            log.info("seeded the corpus with %d article(s) from %s", added,
                     ", ".join(map(str, self.settings.corpus.seeds)))
        self.refresh_corpus()

    def close(self) -> None:
        self.stopping.set()
        if self._own_fetcher:
            self.fetcher.close()
        self.extractor.close()
        self.store.close()

    def apply(self, settings: Settings) -> None:
        """Use a new, already validated configuration (a reload while running)."""
        with self._lock:
            rebuild = settings.topics != self.settings.topics or (
                settings.corpus != self.settings.corpus
            )
            if settings.fetch != self.settings.fetch and self._own_fetcher:
                old, self.fetcher = self.fetcher, Fetcher(settings.fetch, stop=self.stopping)
                old.close()
            self.extractor.resize(settings.service.extract_processes)
            self.settings = settings
            self.notifiers = Notifiers(settings.notifiers)
            for problem in self.notifiers.problems:
                log.error("config: %s", problem)
            if rebuild:
                self.analyzer = Analyzer.build(
                    settings.topics, duplicate_threshold=settings.corpus.duplicate_threshold
                )
                self.corpus, self._claims_upto, self._articles_upto = self._new_corpus(), 0, 0
                self.refresh_corpus()
            self.store.sync_feeds(settings.feeds, self.clock())

    # ------------------------------------------------------------------ corpus
    def _new_corpus(self) -> Corpus:
        # Known articles' texts stay in the database; a likely copy's is read from there.
        return Corpus(duplicates=DuplicateIndex(self.store.article_url_text))

    def refresh_corpus(self) -> None:
        """Bring the in-memory corpus up to date with the database (other instances too)."""
        with self._lock:
            # In batches: the first call loads the whole stored corpus.
            self.corpus.duplicates.add_many(self._new_articles())
            for cid, sentence, url, published, idx in self.store.corpus_claims(
                self._claims_upto
            ):
                self.corpus.claims.add(self.analyzer.known(cid, sentence, url, published, idx))
                self._claims_upto = max(self._claims_upto, cid)

    def _new_articles(self) -> Iterator[tuple[int, str, Fingerprint]]:
        for aid, url, fp in self.store.corpus_articles(self._articles_upto):
            self._articles_upto = max(self._articles_upto, aid)
            yield aid, url, fp

    def seed(self, paths: Iterable[Path]) -> tuple[int, int]:
        """Load seed files into the corpus; (added, already there). Idempotent."""
        added = skipped = 0
        for path in iter_files(paths):
            doc = read_document(path, url=seed_url(path))
            if self.store.article_id(doc.url) is not None:
                skipped += 1
                continue
            with self._judging() as session:
                evaluation = self.analyzer.evaluate(doc, self.corpus)
                # A seed is knowledge even when it copies another seed.
                evaluation = Evaluation(doc, evaluation.fingerprint, None, evaluation.claims)
                if self._record(evaluation, session=session, is_seed=True) is not None:
                    added += 1
                else:
                    skipped += 1  # another instance seeded it meanwhile
        return added, skipped

    @contextmanager
    def _judging(self) -> Iterator[Session]:
        """The serialised step: hold it from refreshing the corpus to recording the outcome.

        Threads of this process wait on `_lock` first, so at most one of them holds a
        database connection waiting for the lock other instances hold. Inside, the corpus is
        refreshed with what other instances recorded meanwhile, so the judgement sees every
        claim recorded before it; the caller records in the yielded transaction, whose commit
        releases the lock.
        """
        with self._lock, self.store.serialised() as session:
            self.refresh_corpus()
            yield session

    def check(self, doc: Document) -> Evaluation:
        """What `doc` would raise now, changing nothing."""
        with self._lock:
            self.refresh_corpus()
            return self.analyzer.evaluate(doc, self.corpus)

    # ------------------------------------------------------------------ polling
    def tick(self) -> list[PollResult]:
        """Poll the feeds that are due (in parallel), then deliver what is pending.

        The step-by-step form for tests and tools; the daemon claims and polls feeds
        without waiting for them (`claimwatch.workers`) and delivers on its own thread.
        """
        results = self._poll_all(self.claim_due())
        self.deliver()
        return results

    @property
    def lease_seconds(self) -> float:
        """How long a claimed feed stays ours without news from its poll. The poll renews
        it before each entry, so it only has to cover one fetch and one judgement; a lease
        that runs out anyway costs a wasted poll elsewhere, never a second alert."""
        return 3 * self.settings.fetch.total_timeout

    def claim_due(self, limit: int | None = None, exclude: Sequence[int] = ()) -> list[FeedRow]:
        """Lease up to `limit` due feeds (not those in `exclude`) to this instance."""
        return self.store.due_feeds(self.clock(), self.instance, self.lease_seconds,
                                    limit=limit, exclude=exclude)

    def run_once(self) -> list[PollResult]:
        """Poll every enabled feed now, as if all were due, and deliver."""
        feeds = [f for f in self.store.feeds() if f.enabled]
        results = self._poll_all(feeds)
        self.deliver()
        return results

    def _poll_all(self, feeds: Sequence[FeedRow]) -> list[PollResult]:
        if not feeds:
            return []
        workers = min(self.settings.service.workers, len(feeds))
        with ThreadPoolExecutor(workers, thread_name_prefix="poll") as pool:
            return list(pool.map(self.poll, feeds))

    def poll(self, feed: FeedRow) -> PollResult:
        """Poll one feed; every fault is contained here and logged in one line."""
        assert feed.id is not None
        try:
            result = self._poll(feed)
        except (FetchError, FeedError) as exc:
            result = self._failed(feed, exc.reason, getattr(exc, "retry_after", None))
        except Exception as exc:
            log.exception("feed error url=%s unexpected %s", feed.url, type(exc).__name__)
            result = self._failed(feed, f"internal error: {type(exc).__name__}: {exc}", None)
        metrics.POLLS.labels(result.status).inc()
        return result

    def _poll(self, feed: FeedRow) -> PollResult:
        assert feed.id is not None
        with metrics.timed("fetch_feed"):
            resp = self.fetcher.get(
                feed.url, etag=feed.etag, last_modified=feed.last_modified,
                accept="application/rss+xml, application/atom+xml, application/xml;q=0.9, "
                "text/xml;q=0.8, */*;q=0.5",
            )
        now = self.clock()
        if resp.not_modified:
            self._succeeded(feed, feed.etag, feed.last_modified, now)
            log.info("feed not-modified url=%s", feed.url)
            return PollResult(feed.url, "not-modified")
        _title, entries = parse_feed(resp.body, url=resp.url, content_type=resp.content_type)
        seen = self.store.seen_keys(feed.id, [e.key for e in entries])
        fresh = [e for e in entries if e.key not in seen]
        limit = self.settings.polling.max_entries_per_poll
        alerts = processed = deferred = 0
        for entry in fresh[:limit]:
            if self.stopping.is_set():
                break
            self.store.renew_lease(feed.id, self.instance,
                                   self.clock() + timedelta(seconds=self.lease_seconds))
            found = self._entry(feed, entry)
            if found is None:
                deferred += 1
            else:
                alerts += found
            processed += 1
        # Only a complete poll moves the validators on; otherwise the rest come next time.
        # An entry left for later (its page is down) keeps them too: a 304 would hide it.
        complete = processed == len(fresh) and not deferred
        self._succeeded(feed, resp.etag if complete else None,
                        resp.last_modified if complete else None, now,
                        soon=processed < len(fresh))
        log.info("feed ok url=%s entries=%d new=%d alerts=%d", feed.url, len(entries),
                 processed, alerts)
        return PollResult(feed.url, "ok", len(entries), processed, alerts)

    def _entry(self, feed: FeedRow, entry: FeedEntry) -> int | None:
        """Process one new entry: its alert count, or None when it is left for the next poll
        (its page failed transiently). Any other fault is logged and the entry skipped."""
        assert feed.id is not None
        try:
            known = self.store.article_id(entry.link) if entry.link else None
            if known is not None:
                # Same article under a new GUID (a feed that rewrote its ids): not new.
                self.store.mark_entry(feed.id, entry.key, entry.link, known)
                return 0
            doc = self._document(feed, entry)
            if doc is None:
                self.store.mark_entry(feed.id, entry.key, entry.link, None)
                log.info("entry skipped feed=%s entry=%s: no article text", feed.url,
                         entry.link or entry.key)
                return 0
            return self._process(doc, feed=feed, entry_key=entry.key)
        except FetchError as exc:
            if exc.transient:
                # Leave it unmarked: the next poll tries the page again.
                log.warning("entry page failed feed=%s url=%s: %s (will retry)", feed.url,
                            exc.url, exc.reason)
                return None
            log.warning("entry page failed feed=%s url=%s: %s (using the feed's text)",
                        feed.url, exc.url, exc.reason)
            doc = self._feed_document(feed, entry)
            if doc is None:
                self.store.mark_entry(feed.id, entry.key, entry.link, None)
                return 0
            return self._process(doc, feed=feed, entry_key=entry.key)
        except Exception as exc:
            log.exception("entry error feed=%s entry=%s: %s", feed.url, entry.link or entry.key,
                          type(exc).__name__)
            self.store.mark_entry(feed.id, entry.key, entry.link, None)
            return 0

    def _document(self, feed: FeedRow, entry: FeedEntry) -> Document | None:
        if entry.link and self.settings.fetch.fetch_pages:
            with metrics.timed("fetch_page"):
                resp = self.fetcher.get(entry.link,
                                        accept="text/html,application/xhtml+xml,*/*;q=0.5")
            if resp.body:
                with metrics.timed("extract"):
                    doc = self.extractor.extract(resp.body, url=entry.link)
                if doc is not None:
                    return Document(
                        url=entry.link,
                        title=entry.title or doc.title,
                        text=doc.text,
                        source=doc.source or feed.name,
                        published=entry.published or doc.published,
                    )
        return self._feed_document(feed, entry)

    @staticmethod
    def _feed_document(feed: FeedRow, entry: FeedEntry) -> Document | None:
        if len(entry.summary) < 40:
            return None
        url = entry.link or f"{feed.url}#{entry.key}"
        return Document(url=url, title=entry.title, text=entry.summary,
                        source=feed.name or feed.url, published=entry.published)

    def process(
        self, doc: Document, *, feed: FeedRow | None = None, entry_key: str | None = None
    ) -> int:
        """Judge and record one document in the serialised step; the alerts it raised."""
        with self._judging() as session:
            with metrics.timed("evaluate"):
                evaluation = self.analyzer.evaluate(doc, self.corpus)
            with metrics.timed("record"):
                recorded = self._record(evaluation, session=session, feed=feed,
                                        entry_key=entry_key)
            result = ("replay" if recorded is None else "alerted" if recorded
                      else "duplicate" if evaluation.duplicate_of else "quiet")
            metrics.ARTICLES.labels(result).inc()
            return len(recorded) if recorded is not None else 0

    def _process(self, doc: Document, *, feed: FeedRow, entry_key: str) -> int:
        return self.process(doc, feed=feed, entry_key=entry_key)

    def _record(
        self, evaluation: Evaluation, *, session: Session, feed: FeedRow | None = None,
        entry_key: str | None = None, is_seed: bool = False,
    ) -> list[int] | None:
        now = self.clock()
        alerts = [] if is_seed else self._alerts(evaluation)
        recorded = self.store.record_article(
            evaluation, session=session, feed_id=feed.id if feed else None, entry_key=entry_key,
            feed_url=feed.url if feed else None, is_seed=is_seed, only_topical=not is_seed,
            alerts=alerts, now=now,
        )
        if recorded is None:
            return None
        if evaluation.duplicate_of is None:
            self.corpus.learn(evaluation, article_id=recorded.article_id,
                              claim_ids=recorded.claim_ids, only_topical=not is_seed)
        else:
            # A copy stores no claims (claim_ids is empty, which learn() rejects): only
            # its fingerprint is new knowledge.
            self.corpus.duplicates.add(recorded.article_id, evaluation.document.url,
                                       evaluation.fingerprint)
        # Everything below these ids was refreshed before the judgement (the serialised step
        # makes sure no other writer can commit a lower id later).
        self._claims_upto = max([self._claims_upto, *recorded.claim_ids])
        self._articles_upto = max(self._articles_upto, recorded.article_id)
        for alert_id in recorded.alerts_created:
            log.info("alert raised id=%d article=%s", alert_id, evaluation.document.url)
        if recorded.alerts_created:
            self.alert_raised.set()
        return recorded.alerts_created

    def _alerts(self, evaluation: Evaluation) -> list[NewAlert]:
        out = []
        for draft in evaluation.alerts:
            topic = self.settings.topic(draft.topic_id)
            if topic is None:
                continue
            title, body, why = render_alert(
                topic, draft, evaluation.document, place_names=self._place_names(),
                lookup=lambda url: outbox.article_brief(self.store, url))
            claim = draft.lead.claim
            relevant = [e for e in claim.events if e.action in topic.event_actions]
            out.append(NewAlert(
                key=alert_key(topic.id, claim.tokens, relevant),
                topic_id=topic.id, claim_index=claim.index, title=title, body=body,
                why=why, notifiers=self.notifiers.for_topic(topic.id),
            ))
        return out

    def _place_names(self) -> dict[str, str]:
        """Gazetteer ids to names, for events told in plain words."""
        if self._names_of is None or self._names_for is not self.analyzer:
            self._names_of = {p.id: p.name for p in self.analyzer.gazetteer.names.values()}
            self._names_for = self.analyzer
        return self._names_of

    # ------------------------------------------------------------------ feed health
    def _succeeded(self, feed: FeedRow, etag: str | None, last_modified: str | None,
                   now: datetime, *, soon: bool = False) -> None:
        assert feed.id is not None
        interval = 0.0 if soon else self._interval(feed)
        recovered = self.store.feed_succeeded(
            feed.id, etag=etag, last_modified=last_modified,
            next_check_at=now + timedelta(seconds=self._jitter(interval)), now=now,
        )
        if recovered:
            log.warning("feed recovered url=%s", feed.url)
            self._health_alert(
                f"health:recovered:{feed.url}:{now.isoformat()}",
                f"[claimwatch] feed recovered: {feed.name or feed.url}",
                f"Feed {feed.url} is being polled successfully again.", now,
            )

    def _failed(self, feed: FeedRow, reason: str, retry_after: float | None) -> PollResult:
        assert feed.id is not None
        now = self.clock()
        failures = feed.error_count + 1
        # One interval after the first failure, doubling after each further one.
        backoff = min(self.settings.polling.max_backoff,
                      self._interval(feed) * 2 ** min(failures - 1, 16))
        if retry_after is not None:
            backoff = max(backoff, retry_after)  # the server said when; never sooner
        count, tell = self.store.feed_failed(
            feed.id, reason, next_check_at=now + timedelta(seconds=self._jitter(backoff)), now=now,
            notify_after=self.settings.polling.failure_alert_after,
        )
        log.warning("feed error url=%s error=%s failures=%d retry_in=%ds", feed.url, reason,
                    count, int(backoff))
        if tell:
            self._health_alert(
                f"health:failing:{feed.url}:{now.isoformat()}",
                f"[claimwatch] feed failing: {feed.name or feed.url}",
                f"Feed {feed.url} has failed {count} times in a row.\nLast error: {reason}\n"
                "claimwatch keeps retrying with backoff and will say when it recovers.", now,
            )
        return PollResult(feed.url, "error", error=reason)

    def _health_alert(self, key: str, title: str, body: str, now: datetime) -> None:
        if self.store.add_health_alert(key, title, body, self.notifiers.for_health(), now):
            self.alert_raised.set()

    def _interval(self, feed: FeedRow) -> float:
        cfg = next((f for f in self.settings.feeds if f.url == feed.url), None)
        if cfg is not None and cfg.interval is not None:
            return cfg.interval
        return self.settings.polling.default_interval

    def _jitter(self, seconds: float) -> float:
        j = self.settings.polling.jitter
        return max(0.0, seconds * (1 + random.uniform(-j, j))) if seconds else 0.0

    # ------------------------------------------------------------------ delivery
    def deliver(self) -> tuple[int, int]:
        """Send what the outbox holds and is due; (sent, failed attempts).

        Each notifier's policy (digest mode, quiet hours, hourly limit; see digest.py)
        first turns what is due into digests and says what may be sent in this round.
        One round at a time in this process; across instances each delivery is claimed
        (`Store.claim_delivery`) while it is sent, so two instances never send it both.
        """
        with self._delivering:
            return self._deliver()

    def _deliver(self) -> tuple[int, int]:
        now = self.clock()
        policies = {k: digest.Policy.of(t.config) for k, t in self.notifiers.targets.items()}
        allowance = digest.plan(self.store, policies, now)
        batched_only = digest.digest_notifiers(policies)
        sent, failed = self._deliver_single(now, allowance, batched_only)
        more, fails = digest.send_digests(
            self.store, self._send_digest, now=self.clock, allowance=allowance,
            policies=policies, configured=self.notifiers.targets,
            settings=self.settings.delivery, stopping=self.stopping.is_set,
            on_result=self._digest_logged,
        )
        return sent + more, failed + fails

    def _deliver_single(
        self, now: datetime, allowance: dict[str, int | None], batched_only: set[str]
    ) -> tuple[int, int]:
        sent = failed = 0
        cfg = self.settings.delivery
        notifiers = self.notifiers  # a reload may swap it: one round uses one set
        down: dict[str, str] = {}  # notifiers that failed in this round, with the error
        due = self.store.due_deliveries(now)
        records = outbox.alert_records(self.store, sorted({d.alert_id for d in due}))
        for d in due:
            if self.stopping.is_set():
                break
            if d.notifier != CONSOLE and d.notifier not in notifiers.targets:
                continue  # removed from the config: kept pending in case it comes back
            left = allowance.get(d.notifier)
            if d.notifier in batched_only or (left is not None and left <= 0):
                continue  # it waits for a digest, the end of quiet hours or the hourly limit
            with self.store.claim_delivery(d.id, now) as claim:
                if claim is None:
                    continue  # sent or held by another instance since the list was read
                tried = d.notifier not in down
                if tried:
                    title, body, fmt = self._rendered(d.notifier, d.title, d.body,
                                                      records.get(d.alert_id))
                    with metrics.timed("deliver"):
                        ok, error = notifiers.send(d.notifier, title, body, fmt)
                    metrics.DELIVERIES.labels(notifiers.label(d.notifier),
                                              "sent" if ok else "failed").inc()
                else:
                    # It just failed: its other alerts wait for its next round instead of
                    # each paying another timeout now (and holding back the other notifiers).
                    ok, error = False, down[d.notifier]
                now = self.clock()
                if ok:
                    claim.sent(now)
                    if left is not None:
                        allowance[d.notifier] = left - 1
                    sent += 1
                    log.info("delivered alert=%d to=%s", d.alert_id, notifiers.label(d.notifier))
                    continue
                down[d.notifier] = error
                delay = min(cfg.retry_max, cfg.retry_initial * (2 ** min(d.attempts, 16)))
                give_up = (now - d.created_at).total_seconds() > cfg.give_up_after
                claim.failed(error, next_try_at=now + timedelta(seconds=delay), give_up=give_up)
            if not tried and not give_up:
                continue
            failed += 1
            log.warning("delivery failed alert=%d to=%s attempt=%d: %s%s", d.alert_id,
                        notifiers.label(d.notifier), d.attempts + 1, error,
                        " (giving up)" if give_up else f" (retry in {int(delay)}s)")
        return sent, failed

    def next_delivery_at(self, after: datetime | None = None) -> datetime | None:
        """When the earliest pending delivery to a configured notifier is due (the earliest
        after `after`, if given)."""
        notifiers = self.notifiers
        keys = [CONSOLE] if notifiers.console else list(notifiers.targets)
        return self.store.next_delivery_at(keys, after=after)

    def _topic_name(self, topic_id: str) -> str:
        topic = self.settings.topic(topic_id)
        return topic.name if topic else topic_id

    def _rendered(
        self, notifier: str, title: str, body: str, record: outbox.AlertRecord | None
    ) -> tuple[str, str, str]:
        """The notifier's rendering of a stored alert (the stored text if it is gone)."""
        if notifier == CONSOLE or record is None:
            return title, body, "text"
        return self.notifiers.render(notifier, [record_context(record, self._topic_name)])

    def _send_digest(self, notifier: str, alert_ids: tuple[int, ...], reason: str
                     ) -> tuple[bool, str]:
        records = outbox.alert_records(self.store, alert_ids)
        alerts = [record_context(records[i], self._topic_name) for i in alert_ids if i in records]
        if len(alerts) == 1 and reason == "quiet":
            title, body, fmt = self.notifiers.render(notifier, alerts)  # one alert waited
        else:
            title, body, fmt = self.notifiers.render(notifier, alerts,
                                                     digest.REASONS.get(reason, reason))
        return self.notifiers.send(notifier, title, body, fmt)

    def _digest_logged(self, d: outbox.PendingDigest, ok: bool, error: str, give_up: bool,
                       delay: float) -> None:
        label = self.notifiers.label(d.notifier)
        if ok:
            log.info("delivered %s digest=%d alerts=%d to=%s", d.reason, d.id,
                     len(d.alert_ids), label)
        else:
            log.warning("delivery failed %s digest=%d alerts=%d to=%s attempt=%d: %s%s",
                        d.reason, d.id, len(d.alert_ids), label, d.attempts + 1, error,
                        " (giving up)" if give_up else f" (retry in {int(delay)}s)")
