"""Domain values passed between the pure stages. Immutable, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed, as the feed describes it."""

    key: str  # stable identity within the feed: GUID, else link, else a content hash
    link: str | None
    title: str
    published: datetime | None
    summary: str  # the feed's own text (content or summary), HTML stripped
    author: str = ""


@dataclass(frozen=True)
class Document:
    """An article's text and metadata, whatever it came from (page, feed, file)."""

    url: str
    title: str
    text: str
    source: str = ""
    published: datetime | None = None


# The headline and the first sentences: where news states what it reports.
LEAD_SENTENCES = 4

# Areas too broad to tell one territorial claim from another.
_GENERAL_AREAS = frozenset({"", "ukraine", "demilitarized-zone", "free-economic-zone",
                            "buffer-zone", "neutral-zone"})


class Stance(StrEnum):
    CLAIMS = "claims"
    DENIES = "denies"
    CONFIRMS = "confirms"
    REPORTS = "reports"
    DEMANDS = "demands"


@dataclass(frozen=True, slots=True)
class Event:
    """A territorial event: who did what to which place, as one sentence tells it."""

    action: str  # one of config.EVENT_ACTIONS
    place: str  # gazetteer id ("ua:pokrovsk"), or "" for territory in general
    side: str = ""  # "russia", "ukraine" or "" when the text does not say
    # "is": it happened; "not": it is denied; "aim": it is sought, demanded or proposed.
    mode: str = "is"
    # The place and the larger areas it lies in ("pokrovsk", "donetsk", "donbas"); a zone's
    # kind stands for its place when it names none.
    areas: frozenset[str] = field(default=frozenset(), compare=False)

    @property
    def general(self) -> bool:
        """About territory in general ("cede territory", "a buffer zone"): no place named."""
        return not (self.areas - _GENERAL_AREAS)

    @property
    def key(self) -> str:
        return f"{self.side or '?'}|{self.action}|{self.place or '*'}|{self.mode}"


@dataclass(frozen=True, slots=True)
class Claim:
    """A sentence that asserts something, with who asserts it and how."""

    text: str
    index: int  # position in the document
    speaker: str = ""
    stance: Stance = Stance.REPORTS
    tokens: frozenset[str] = frozenset()  # normalised content words (see text.py)
    events: tuple[Event, ...] = ()
    # The dates the claim speaks of (see occurrence.py), and the kinds of recurring
    # occurrence it tells ("topic#kind": a power loss, a strike): new again at another time.
    when: tuple[date, date] | None = None
    recurring: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class KnownClaim:
    """A claim already in the corpus, as the novelty index holds it."""

    id: int
    text: str
    tokens: frozenset[str]
    events: tuple[Event, ...]
    article_url: str
    published: datetime | None
    topics: frozenset[str] = frozenset()
    when: tuple[date, date] | None = None
    recurring: frozenset[str] = frozenset()
    index: int = 0  # position in its article: the headline and lead come first


@dataclass(frozen=True)
class TopicHit:
    topic_id: str
    matched: tuple[str, ...]  # the terms, rules or events that matched


@dataclass(frozen=True)
class Novelty:
    is_new: bool
    score: float  # similarity to the nearest known claim, 0..1
    nearest: KnownClaim | None = None
    reason: str = ""


@dataclass(frozen=True)
class ClaimResult:
    claim: Claim
    hits: tuple[TopicHit, ...]
    novelty: dict[str, Novelty] = field(default_factory=dict)  # per topic id

    def alerting_topics(self) -> list[str]:
        return [h.topic_id for h in self.hits if self.novelty[h.topic_id].is_new]


@dataclass(frozen=True)
class Fingerprint:
    content_hash: str
    signature: tuple[int, ...]
    shingles: int
    # The sorted distinct shingle hashes (numpy uint64), for the exact overlap with
    # candidates; not stored (the database keeps the text they come from).
    hashes: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class DuplicateMatch:
    article_id: int
    url: str
    containment: float


@dataclass(frozen=True)
class Evaluation:
    """What one document would raise against the corpus it was shown."""

    document: Document
    fingerprint: Fingerprint
    duplicate_of: DuplicateMatch | None
    claims: tuple[ClaimResult, ...]

    @property
    def alerts(self) -> list[AlertDraft]:
        """One alert per topic: its first new claim leads, the others come with it."""
        if self.duplicate_of is not None:
            return []
        by_topic: dict[str, list[ClaimResult]] = {}
        for result in self.claims:
            for topic_id in result.alerting_topics():
                texts = {r.claim.text for r in by_topic.get(topic_id, [])}
                if result.claim.text not in texts:
                    by_topic.setdefault(topic_id, []).append(result)
        return [AlertDraft(t, rs[0], tuple(rs[1:])) for t, rs in by_topic.items()]


@dataclass(frozen=True)
class AlertDraft:
    topic_id: str
    lead: ClaimResult
    others: tuple[ClaimResult, ...] = ()
