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
    LEAD_SENTENCES,
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

# Verdicts "new" by wording alone (not by a new event or a new occurrence).
_WORDING_REASONS = frozenset({"no known claim this close"})
# Wording this close to a known claim leaves no doubt that a lead retells it.
SURELY_KNOWN = 0.6


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
        if published is not None and published.year < 2:
            # A placeholder at the calendar's start (0001-01-01 from a broken feed): its
            # "yesterday" or "in March" would fall before year 1, so the claim gets no time.
            published = None
        speaker, stance = attribute(sentence)
        folded = folded_tokens(sentence)
        recurring = frozenset().union(*(t.recurs(folded) for t in self.topics))
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
        self, claim_id: int, sentence: str, article_url: str, published: datetime | None,
        index: int = 0,
    ) -> KnownClaim:
        """A stored claim re-read with the current topics (the index is derived, not stored)."""
        published = _aware(published)
        c = self.claim(sentence, index, published=published,
                       year=published.year if published else None)
        folded = folded_tokens(sentence)
        topics = frozenset(
            t.id for t in self.topics
            if t.hit(folded, c.events, article_names_topic=False) is not None
        )
        return KnownClaim(claim_id, sentence, c.tokens, c.events, article_url, published,
                          topics=topics, when=c.when, recurring=c.recurring, index=index)

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
                if judged.is_new and topic.in_passing(tokens, claim.text):
                    judged = Novelty(False, judged.score, judged.nearest,
                                     "named in passing, in a list")
                if historical and judged.is_new and not judged.reason.startswith("new event"):
                    # "occupied since March 2022", "in 2014": background, not news.
                    judged = Novelty(
                        False, judged.score, judged.nearest, "background: told as history"
                    )
                novelty[topic.id] = judged
            results.append(ClaimResult(claim, tuple(hits), novelty))
        results = self._same_story(results, corpus, published)
        return Evaluation(doc, fp, duplicate, tuple(_known_story(results)))

    def _same_story(
        self, results: list[ClaimResult], corpus: Corpus, published: datetime | None
    ) -> list[ClaimResult]:
        """Another outlet's report of a story told in the last days is not news again.

        Reports of one fire or one power loss share few words sentence by sentence, but their
        headlines and leads together tell the same story. Such an article's claims are
        known, unless they carry a new territorial event or a new occurrence.
        """
        for topic in self.topics:
            lead = frozenset().union(*(
                r.claim.tokens for r in results
                if r.claim.index < LEAD_SENTENCES and topic.id in r.novelty
            ))
            story = corpus.claims.same_story(
                topic.id, lead, published, topic.config.new_occurrence_after
            )
            if story is None:
                continue
            score, first = story
            reason = f"same story as {first.article_url} ({score:.2f})"
            results = [
                ClaimResult(r.claim, r.hits, {
                    **r.novelty,
                    topic.id: Novelty(False, r.novelty[topic.id].score, first, reason),
                })
                if topic.id in r.novelty and r.novelty[topic.id].is_new
                and r.novelty[topic.id].reason in _WORDING_REASONS
                else r
                for r in results
            ]
        return results


def _known_story(results: list[ClaimResult]) -> list[ClaimResult]:
    """A retelling of a known story keeps quiet about its context, topic by topic.

    News states its news in the headline and lead. When the lead's claims on a topic are all
    surely known (a known event, the same occurrence, or close wording), the article retells
    a story we have, and the body's extra context (where the plant stands, what an official
    added) is not what it reports. An article whose lead is new on a topic, or only loosely
    like something known, is judged sentence by sentence.
    """
    quiet_topics = set()
    for topic in {t for r in results for t in r.novelty}:
        lead = [r.novelty[topic] for r in results
                if r.claim.index < LEAD_SENTENCES and topic in r.novelty]
        if lead and all(_surely_known(n) for n in lead):
            quiet_topics.add(topic)
    if not quiet_topics:
        return results
    out = []
    for r in results:
        if r.claim.index >= LEAD_SENTENCES and any(
            n.is_new for t, n in r.novelty.items() if t in quiet_topics
        ):
            r = ClaimResult(r.claim, r.hits, {
                t: Novelty(False, n.score, n.nearest, "context in a retelling of a known story")
                if n.is_new and t in quiet_topics else n
                for t, n in r.novelty.items()
            })
        out.append(r)
    return out


def _surely_known(n: Novelty) -> bool:
    return not n.is_new and (
        n.score >= SURELY_KNOWN or n.reason.startswith(("known event", "same occurrence"))
    )


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
                recurring=result.claim.recurring,
                index=result.claim.index,
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
