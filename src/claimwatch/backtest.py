"""Backtest: judge the stored articles again with the current topics, changing nothing.

The stored articles are replayed in the order they were stored into an in-memory corpus
built with the current topics, exactly as the daemon would have learnt them: seeds and
articles older than the window are learnt silently; each article in the window is judged
(`Analyzer.evaluate`, the daemon's own judgement) and then learnt. What it would raise is
compared with the alerts that were raised then, so a topic edit can be tried before it goes
live. The database is only read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select

from claimwatch.config import Settings
from claimwatch.models import Document
from claimwatch.pipeline import Analyzer, Corpus
from claimwatch.storage import Store
from claimwatch.storage.store import aware
from claimwatch.storage.tables import AlertRow, ArticleRow

Progress = Callable[[Iterable["Stored"], int], Iterable["Stored"]]


@dataclass(frozen=True)
class Stored:
    id: int
    document: Document
    fetched_at: datetime
    is_seed: bool


@dataclass(frozen=True)
class WouldAlert:
    topic: str
    claim: str
    speaker: str
    why: str
    article_url: str
    article_title: str
    fetched_at: datetime
    raised_then: bool  # an alert on this topic was raised for this article at the time


@dataclass(frozen=True)
class Result:
    judged: int  # articles in the window
    would: list[WouldAlert]
    no_longer: list[tuple[str, str, str]]  # (topic, title, article url) raised then, not now


def backtest(settings: Settings, store: Store, *, since: datetime, topic: str | None = None,
             progress: Progress | None = None) -> Result:
    from claimwatch.notify import render_alert, why_text

    analyzer = Analyzer.build(settings.topics,
                              duplicate_threshold=settings.corpus.duplicate_threshold)
    corpus = Corpus()
    raised = _raised(store)
    would: list[WouldAlert] = []
    judged_ids: set[int] = set()
    next_claim = 1
    total = _count(store)
    articles = _articles(store)
    for art in progress(articles, total) if progress else articles:
        evaluation = analyzer.evaluate(art.document, corpus)
        in_window = not art.is_seed and art.fetched_at >= since
        if in_window:
            judged_ids.add(art.id)
            for draft in evaluation.alerts:
                cfg = settings.topic(draft.topic_id)
                if cfg is None or (topic and draft.topic_id != topic):
                    continue
                _title, _body, why = render_alert(cfg, draft, art.document)
                claim = draft.lead.claim
                would.append(WouldAlert(
                    draft.topic_id, claim.text, claim.speaker, why_text(why), art.document.url,
                    art.document.title, art.fetched_at,
                    (art.id, draft.topic_id) in raised,
                ))
        ids = list(range(next_claim, next_claim + len(evaluation.claims)))
        next_claim += len(evaluation.claims)
        if evaluation.duplicate_of is None:
            corpus.learn(evaluation, article_id=art.id, claim_ids=ids,
                         only_topical=not art.is_seed)
        else:
            corpus.duplicates.add(art.id, art.document.url, evaluation.fingerprint)
    now = {(w.article_url, w.topic) for w in would}
    no_longer = [
        (t, title, url) for (aid, t), (title, url) in sorted(raised.items())
        if aid in judged_ids and (url, t) not in now and (not topic or t == topic)
    ]
    return Result(len(judged_ids), would, no_longer)


def _count(store: Store) -> int:
    with store.session() as s:
        return int(s.exec(select(func.count()).select_from(ArticleRow)).one())


def _articles(store: Store, batch: int = 200) -> Iterator[Stored]:
    """Every stored article in the order it was stored, a batch at a time (texts are big)."""
    last = 0
    while True:
        with store.session() as s:
            rows = s.exec(select(ArticleRow).where(col(ArticleRow.id) > last)
                          .order_by(col(ArticleRow.id)).limit(batch)).all()
        if not rows:
            return
        for r in rows:
            assert r.id is not None
            fetched = aware(r.fetched_at)
            assert fetched is not None
            yield Stored(r.id, Document(url=r.url, title=r.title, text=r.text, source=r.source,
                                        published=aware(r.published)), fetched, r.is_seed)
        last = rows[-1].id or last


def _raised(store: Store) -> dict[tuple[int, str], tuple[str, str]]:
    """(article id, topic) -> (alert title, article url) of claim alerts raised then."""
    with store.session() as s:
        q = (select(AlertRow.article_id, AlertRow.topic_id, AlertRow.title, ArticleRow.url)
             .join(ArticleRow, col(ArticleRow.id) == col(AlertRow.article_id))
             .where(AlertRow.kind == "claim"))
        return {(aid, t): (title, url) for aid, t, title, url in s.exec(q) if aid is not None}
