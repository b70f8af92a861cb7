"""One document through every pure stage: claims, topics, novelty, duplicates.

The daemon, `claimwatch check` and `claimwatch eval` all call `Analyzer.evaluate`, so what a
check prints is what the daemon would do.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from claimwatch.claims import attribute, claim_sentences, is_historical, reference_year
from claimwatch.config import TopicConfig
from claimwatch.dedup import DuplicateIndex, fingerprint
from claimwatch.events import extract_events
from claimwatch.gazetteer import Gazetteer, default_gazetteer
from claimwatch.models import (
    Claim,
    ClaimResult,
    Document,
    Evaluation,
    KnownClaim,
    Novelty,
)
from claimwatch.novelty import ClaimIndex
from claimwatch.occurrence import claim_time
from claimwatch.text import _STOP, stem
from claimwatch.topics import Topic, compile_topics, folded_tokens

# The headline and the first sentences: where news states what it reports.
LEAD_SENTENCES = 4


@dataclass
class Corpus:
    """What the user already knows: articles (for copies) and claims (for novelty)."""

    duplicates: DuplicateIndex = field(default_factory=DuplicateIndex)
    claims: ClaimIndex = field(default_factory=ClaimIndex)

    def copy(self) -> Corpus:
        """An independent copy (a replay grows it without touching the original)."""
        return copy.deepcopy(self)

    def learn(
        self, evaluation: Evaluation, *, article_id: int, claim_ids: Sequence[int],
        only_topical: bool,
    ) -> None:
        """Add an evaluated document (its stored ids given) to what is known."""
        self.duplicates.add(article_id, evaluation.document.url, evaluation.fingerprint)
        self.claims.extend(known_claims(evaluation, claim_ids, only_topical=only_topical))


@dataclass(frozen=True)
class Analyzer:
    topics: tuple[Topic, ...]
    gazetteer: Gazetteer
    duplicate_threshold: float = 0.7

    @classmethod
    def build(
        cls,
        topics: Sequence[TopicConfig],
        *,
        duplicate_threshold: float = 0.7,
        gazetteer: Gazetteer | None = None,
    ) -> Analyzer:
        return cls(compile_topics(topics), gazetteer or default_gazetteer(), duplicate_threshold)

    @property
    def _place_sets(self) -> frozenset[str]:
        sets: set[str] = set()
        for t in self.topics:
            sets.update(t.config.event_places)
        return frozenset(sets)

    def claims(self, doc: Document) -> list[Claim]:
        """Every asserting sentence of the document (the title first), normalised."""
        text = doc.text
        if doc.title and not text.lstrip().startswith(doc.title.strip()):
            text = f"{doc.title}\n{text}"
        published = _aware(doc.published)
        year = reference_year(text, published.year if published else None)
        return [
            self.claim(sentence, i, year=year, published=published)
            for i, sentence in enumerate(claim_sentences(text))
        ]

    def claim(
        self, sentence: str, index: int = 0, *, year: int | None = None,
        published: datetime | None = None,
    ) -> Claim:
        """One sentence as a claim: speaker, stance, content tokens, events, its time.

        `year` is the year the article reports from: events it dates earlier are background.
        """
        speaker, stance = attribute(sentence)
        folded = folded_tokens(sentence)
        recurring = frozenset(t.id for t in self.topics if t.recurs(folded))
        events = extract_events(
            sentence, self.gazetteer, self._place_sets, historical=is_historical(sentence, year)
        )
        when = claim_time(sentence, published)
        if when is None and (recurring or events) and published and index < LEAD_SENTENCES:
            # The lead tells what just happened: its time is the article's.
            when = (published.date() - timedelta(days=1), published.date())
        return Claim(
            text=sentence,
            index=index,
            speaker=speaker,
            stance=stance,
            tokens=self._content(folded),
            events=events,
            when=when,
            recurring=recurring,
        )

    def known(
        self, claim_id: int, sentence: str, article_url: str, published: datetime | None
    ) -> KnownClaim:
        """A stored claim re-read with the current topics (the index is derived, not stored)."""
        published = _aware(published)
        c = self.claim(sentence, published=published,
                       year=published.year if published else None)
        return KnownClaim(claim_id, sentence, c.tokens, c.events, article_url, published,
                          when=c.when)

    def _content(self, tokens: list[str]) -> frozenset[str]:
        """Content tokens: topic names and places as one token each, synonyms folded."""
        out: set[str] = set()
        drop: set[str] = set()
        for topic in self.topics:
            if topic.names(tokens):
                out.add(f"#{topic.id}")
                drop.update(_name_words(topic))
        kept = [t for t in tokens if t not in drop]
        covered: set[int] = set()
        for start, end, place in self.gazetteer.find(kept):
            out.add(f"@{place.id}")
            covered.update(range(start, end))
        for i, tok in enumerate(kept):
            if i in covered or tok in _STOP or len(tok) < 2:
                continue
            s = stem(tok)
            if s not in _STOP:
                out.add(s)
        return frozenset(out)

    def evaluate(
        self, doc: Document, corpus: Corpus, *, claims: list[Claim] | None = None
    ) -> Evaluation:
        """What `doc` would raise against `corpus` (which it does not change)."""
        fp = fingerprint(doc.text)
        duplicate = corpus.duplicates.best_match(fp, self.duplicate_threshold)
        claims = self.claims(doc) if claims is None else claims
        folded = [folded_tokens(c.text) for c in claims]
        named = {t.id: any(t.names(tokens) for tokens in folded) for t in self.topics}
        published = _aware(doc.published)
        year = reference_year(doc.text, published.year if published else None)
        results = []
        for claim, tokens in zip(claims, folded, strict=True):
            historical = is_historical(claim.text, year)
            hits = []
            novelty: dict[str, Novelty] = {}
            for topic in self.topics:
                hit = topic.hit(tokens, claim.events, article_names_topic=named[topic.id])
                if hit is None:
                    continue
                hits.append(hit)
                cfg = topic.config
                judged = corpus.claims.assess(
                    claim,
                    threshold=cfg.novelty_threshold,
                    topic_id=topic.id,
                    new_occurrence_after=cfg.new_occurrence_after,
                    event_actions=frozenset(cfg.event_actions),
                )
                if historical and judged.is_new and not judged.reason.startswith("new event"):
                    # "occupied since March 2022", "in 2014": background, not news.
                    judged = Novelty(
                        False, judged.score, judged.nearest, "background: told as history"
                    )
                novelty[topic.id] = judged
            results.append(ClaimResult(claim, tuple(hits), novelty))
        return Evaluation(doc, fp, duplicate, tuple(results))


def known_claims(
    evaluation: Evaluation, ids: Sequence[int], *, only_topical: bool
) -> list[KnownClaim]:
    """The claims of an evaluated document as the corpus will hold them."""
    out = []
    for result, claim_id in zip(evaluation.claims, ids, strict=True):
        if only_topical and not result.hits:
            continue
        out.append(
            KnownClaim(
                id=claim_id,
                text=result.claim.text,
                tokens=result.claim.tokens,
                events=result.claim.events,
                article_url=evaluation.document.url,
                published=_aware(evaluation.document.published),
                topics=frozenset(h.topic_id for h in result.hits),
                when=result.claim.when,
            )
        )
    return out


def _name_words(topic: Topic) -> set[str]:
    words: set[str] = set()
    for _, phrase in topic.terms:
        if len(phrase) == 1 and not phrase[0].endswith("*"):
            words.add(phrase[0])
    for groups in topic.near:
        for group in groups:
            for _, phrase in group:
                if len(phrase) == 1 and not phrase[0].endswith("*"):
                    words.add(phrase[0])
    return words


def _aware(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def corpus_of(analyzer: Analyzer, documents: Iterable[Document]) -> Corpus:
    """An in-memory corpus of documents learnt in order (for eval, benchmarks and tests)."""
    corpus = Corpus()
    next_id = 1
    for n, doc in enumerate(documents, 1):
        evaluation = analyzer.evaluate(doc, corpus)
        ids = list(range(next_id, next_id + len(evaluation.claims)))
        next_id += len(evaluation.claims)
        corpus.learn(evaluation, article_id=n, claim_ids=ids, only_topical=False)
    return corpus
