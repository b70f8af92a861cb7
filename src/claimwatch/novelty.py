"""Is a claim new, or does the corpus already hold it? Explainable, paraphrase-tolerant.

Two judgements, structure first:
- Territorial events are compared as (side, action, place, mode). A claim whose events are
  all known is known, however it is worded; one new event makes it new, however close its
  wording ("surrounded Pokrovsk" is not "captured Pokrovsk").
- Other claims are compared on normalised content words (synonyms folded, places and
  entity names as one token each), weighted by rarity in the corpus: the score is the share
  of the new claim's weight that the nearest known claim (or two claims of one known
  article, for a sentence that merges them) already holds.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from claimwatch.models import Claim, Event, KnownClaim, Novelty

MIN_WEIGHT_SHARE = 0.5  # a known claim must cover this share before it is a candidate
# Each of two merged known sentences must cover this share of the new claim's weight.
MERGE_SHARE = 0.2
_TOP = 6
TOPIC_NAME_WEIGHT = 0.25
_GENERAL_PLACES = frozenset({"", "ukraine"})
# Modes that say something happened, against those that deny it or only seek it.
_REALIS = {"is": True, "was": True, "not": False, "aim": False}


@dataclass
class ClaimIndex:
    """The known claims, with an inverted index on their content tokens and events."""

    _claims: dict[int, KnownClaim] = field(default_factory=dict)
    _postings: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    _events: dict[tuple[str, str], list[tuple[Event, int]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def __len__(self) -> int:
        return len(self._claims)

    def add(self, known: KnownClaim) -> None:
        if known.id in self._claims:
            return
        self._claims[known.id] = known
        for tok in known.tokens:
            self._postings[tok].append(known.id)
        for ev in known.events:
            self._events[(ev.action, ev.place)].append((ev, known.id))

    def extend(self, known: Iterable[KnownClaim]) -> None:
        for k in known:
            self.add(k)

    def weight(self, token: str) -> float:
        df = len(self._postings.get(token, ()))
        return math.log((len(self._claims) + 1) / (df + 1)) + 1.0

    def assess(
        self,
        claim: Claim,
        *,
        threshold: float,
        window: float,
        published: datetime | None,
        event_actions: frozenset[str] = frozenset(),
    ) -> Novelty:
        """Judge `claim` against the known claims visible within the recency window."""
        score, nearest = self.nearest(claim, window=window, published=published)
        relevant = [e for e in claim.events if e.action in event_actions]
        if relevant:
            first_known: tuple[Event, KnownClaim] | None = None
            for ev in relevant:
                if ev.mode == "was":
                    continue  # settled background: "Russia annexed Crimea in 2014"
                match = self._known_event(ev, window, published)
                if match is None:
                    return Novelty(True, score, nearest, f"new event {ev.key}")
                first_known = first_known or (ev, match)
            if first_known is None:
                return Novelty(False, score, nearest, "background: events told as history")
            ev, known = first_known
            return Novelty(False, 1.0, known, f"known event {ev.key}")
        if nearest is not None and score >= threshold:
            return Novelty(False, score, nearest, "same claim in close wording")
        return Novelty(True, score, nearest, "no known claim this close")

    def nearest(
        self, claim: Claim, *, window: float = 0.0, published: datetime | None = None
    ) -> tuple[float, KnownClaim | None]:
        # A topic's own name ("#zaporizhzhia-npp") says what a claim is about, not what it
        # claims: it counts for little, or short new claims would look known.
        weights = {t: self.weight(t) * (TOPIC_NAME_WEIGHT if t[:1] == "#" else 1.0)
                   for t in claim.tokens}
        total = sum(weights.values())
        if not total:
            return 0.0, None
        overlap: dict[int, float] = defaultdict(float)
        for tok, w in weights.items():
            for cid in self._postings.get(tok, ()):
                overlap[cid] += w
        ranked = sorted(overlap.items(), key=lambda kv: -kv[1])
        visible = [
            (cid, w) for cid, w in ranked if self._visible(self._claims[cid], window, published)
        ][:_TOP]
        if not visible:
            return 0.0, None
        best_id, best = visible[0]
        score = best / total
        # A paraphrase may merge two sentences of one known article; each must carry a fair
        # share of it, or any two long sentences of a seed would cover a short new claim.
        for i, (a, wa) in enumerate(visible):
            for b, wb in visible[i + 1 :]:
                ka, kb = self._claims[a], self._claims[b]
                if ka.article_url != kb.article_url or min(wa, wb) < MERGE_SHARE * total:
                    continue
                union = sum(w for t, w in weights.items() if t in ka.tokens or t in kb.tokens)
                merged = 0.95 * union / total
                if merged > score:
                    score, best_id = merged, a
        return round(min(score, 1.0), 3), self._claims[best_id]

    def _known_event(
        self, ev: Event, window: float, published: datetime | None
    ) -> KnownClaim | None:
        """A visible known claim with the same event.

        Same action and place, and the same kind of mode: what happened ("is", "was") or
        what did not or is only sought ("not", "aim"). The side is not compared: it is the
        part of an event most often left implicit or misread, and for one action and place
        a change of side is rare, while a change of action ("surrounded" -> "captured",
        "captured" -> "withdrew") is what makes news. An event about territory in general
        (no place, or Ukraine as a whole) matches the same action at any place.
        """
        if ev.place in _GENERAL_PLACES:
            candidates = [
                pair for (action, _place), pairs in self._events.items()
                if action == ev.action for pair in pairs
            ]
        else:
            candidates = list(self._events.get((ev.action, ev.place), ()))
        for known, cid in candidates:
            # Zones are proposals by nature; whether one is "floated" or "created" is read
            # too unreliably to tell two mentions apart.
            if ev.action != "zone" and _REALIS.get(known.mode) != _REALIS.get(ev.mode):
                continue
            claim = self._claims[cid]
            if self._visible(claim, window, published):
                return claim
        return None

    @staticmethod
    def _visible(known: KnownClaim, window: float, published: datetime | None) -> bool:
        """A known claim suppresses only within the recency window (when dates are known)."""
        if not window or published is None or known.published is None:
            return True
        return published - _aware(known.published) <= timedelta(seconds=window)


def _aware(dt: datetime) -> datetime:
    from datetime import UTC

    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)
