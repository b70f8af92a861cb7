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

import heapq
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from claimwatch.models import LEAD_SENTENCES, Claim, Event, KnownClaim, Novelty
from claimwatch.occurrence import apart

MIN_WEIGHT_SHARE = 0.5  # a known claim must cover this share before it is a candidate
# Each of two merged known sentences must cover this share of the new claim's weight.
MERGE_SHARE = 0.2
_TOP = 6
# Past this many known claims holding a word, it no longer brings candidates (see _overlap).
COMMON_MIN = 1000
TOPIC_NAME_WEIGHT = 0.25
# Share of the novelty threshold that makes two reports of one kind of occurrence at the
# same time the same occurrence.
OCCURRENCE_SHARE = 0.6
# Cosine of two articles' headline-and-lead words at which they tell the same story.
STORY_SIMILARITY = 0.3
_GENERAL_PLACES = frozenset({"", "ukraine"})
# Positions in talks: who demands, offers or refuses which territory.
_POSITION_ACTIONS = frozenset({"capture", "control", "cede", "withdraw", "annex", "zone",
                               "enter", "retake", "recognize"})
_BROAD_AREAS = frozenset({"", "ukraine"})
# Ways of telling that a place changed hands.
_HANDS = frozenset({"capture", "retake", "withdraw"})
# Modes that say something happened, against those that deny it or only seek it.
_REALIS = {"is": True, "was": True, "not": False, "aim": False}
# A place that changes hands again: "claimed to have again captured Kupiansk".
_AGAIN = re.compile(r"\b(again|once more|anew|for a second time|re-?captured|retook)\b", re.I)


@dataclass
class ClaimIndex:
    """The known claims, with an inverted index on their content tokens and events."""

    _claims: dict[int, KnownClaim] = field(default_factory=dict)
    _postings: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    _events: dict[tuple[str, str], list[tuple[Event, int]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    # Positions (demanded, proposed, refused: "aim" and "not") by every area they concern.
    _positions: dict[str, list[tuple[Event, int]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    # Stories: the headline and lead of each known article (not the seeds), per topic.
    _stories: dict[tuple[str, str], _Story] = field(default_factory=dict)
    _story_postings: dict[str, set[tuple[str, str]]] = field(
        default_factory=lambda: defaultdict(set)
    )

    def __len__(self) -> int:
        return len(self._claims)

    def add(self, known: KnownClaim) -> None:
        if known.id in self._claims:
            return
        self._claims[known.id] = known
        for tok in known.tokens:
            self._postings[tok].append(known.id)
        if known.index < LEAD_SENTENCES and not known.article_url.startswith("seed:"):
            for topic in known.topics:
                story = self._stories.setdefault(
                    (known.article_url, topic), _Story(known, known.published)
                )
                story.tokens |= known.tokens
                for tok in known.tokens:
                    self._story_postings[tok].add((known.article_url, topic))
        for ev in known.events:
            self._events[(ev.action, ev.place)].append((ev, known.id))
            if _is_position(ev):
                for area in ev.areas:
                    self._positions[area].append((ev, known.id))

    def same_story(
        self, topic: str, tokens: frozenset[str], published: datetime | None, window: float
    ) -> tuple[float, KnownClaim] | None:
        """A known article of the last `window` seconds whose headline and lead on `topic`
        tell the same story as `tokens` (the new article's), by weighted cosine."""
        if published is None or not tokens:
            return None
        weights = {t: self.weight(t) ** 2 for t in tokens if t[:1] != "#"}
        norm = math.sqrt(sum(weights.values()))
        shared: dict[tuple[str, str], float] = defaultdict(float)
        for tok, w in weights.items():
            for key in self._story_postings.get(tok, ()):
                if key[1] == topic:
                    shared[key] += w
        best: tuple[float, KnownClaim] | None = None
        for key, dot in shared.items():
            story = self._stories[key]
            if story.published is None or abs(
                (published - story.published).total_seconds()
            ) > window:
                continue
            other = math.sqrt(sum(self.weight(t) ** 2 for t in story.tokens if t[:1] != "#"))
            score = dot / (norm * other) if norm and other else 0.0
            if score >= STORY_SIMILARITY and (best is None or score > best[0]):
                best = (round(score, 3), story.first)
        return best

    def texts(self) -> list[str]:
        return [k.text for k in self._claims.values()]

    def next_id(self) -> int:
        return max(self._claims, default=0) + 1

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
        topic_id: str = "",
        new_occurrence_after: float = 2 * 86400.0,
        event_actions: frozenset[str] = frozenset(),
    ) -> Novelty:
        """Judge `claim` against every known claim: what the user knows never expires.

        A change of state (a capture, a withdrawal) happens once: a later report of a known
        one is known, whatever day it names, unless it says the place changed hands again.
        Something that recurs (`claim.recurring`) is new when the time it speaks of lies
        apart from the known claim's.
        """
        score, nearest = self.nearest(claim)
        relevant = [e for e in claim.events if e.action in event_actions]
        if relevant and all(e.general for e in relevant):
            # "cede territory", "a buffer zone", "Russian-held land": with no place named, a
            # territorial claim is the war's general background, not news about territory.
            return Novelty(False, score, nearest,
                           f"territory in general, no place named ({relevant[0].key})")
        relevant = [e for e in relevant if not e.general]
        if relevant:
            first_known: tuple[Event, KnownClaim] | None = None
            for ev in relevant:
                if ev.mode == "was":
                    continue  # settled background: "Russia annexed Crimea in 2014"
                match = self._known_event(ev)
                if match is None:
                    return Novelty(True, score, nearest, f"new event {ev.key}")
                if _AGAIN.search(claim.text) and _apart(claim, match, new_occurrence_after):
                    return Novelty(True, score, match, f"changed hands again {ev.key}")
                first_known = first_known or (ev, match)
            if first_known is None:
                return Novelty(False, score, nearest, "background: events told as history")
            ev, known = first_known
            return Novelty(False, 1.0, known, f"known event {ev.key}")
        kinds = {k for k in claim.recurring if k.startswith(f"{topic_id}#")}
        if nearest is not None and score >= threshold:
            if kinds and _apart(claim, nearest, new_occurrence_after):
                return Novelty(True, score, nearest, "new occurrence at another time")
            figures = _figures(claim.text) - _figures(nearest.text)
            if figures:
                # "a 50/50 split", "33% each": the figures are the news in a known frame
                return Novelty(True, score, nearest, f"new figures ({', '.join(sorted(figures))})")
            return Novelty(False, score, nearest, "same claim in close wording")
        if kinds and claim.when is not None:
            # Outlets tell one fire or one power loss in words that share little; the same
            # kind of occurrence at the same time, in words not far apart, is that one.
            same = self._same_occurrence(claim, kinds, threshold * OCCURRENCE_SHARE,
                                         new_occurrence_after)
            if same is not None:
                return Novelty(False, same[0], same[1], "same occurrence at the same time")
        return Novelty(True, score, nearest, "no known claim this close")

    def _same_occurrence(
        self, claim: Claim, kinds: set[str], floor: float, gap: float
    ) -> tuple[float, KnownClaim] | None:
        weights = self._weights(claim)
        total = sum(weights.values())
        if not total:
            return None
        overlap = self._overlap(weights)
        for cid, w in heapq.nlargest(_TOP * 4, overlap.items(), key=lambda kv: kv[1]):
            if w / total < floor:
                break
            known = self._claims[cid]
            if known.recurring & kinds and known.when is not None and claim.when is not None \
                    and not apart(claim.when, known.when, gap):
                return round(w / total, 3), known
        return None

    def _overlap(self, weights: dict[str, float]) -> dict[int, float]:
        """Known claim id -> the weight of the tokens it shares with a claim.

        Candidates come from the claim's rarer tokens: walking the postings of words that
        a large share of a big corpus holds ("russia", a topic's name) costs more than
        everything else and finds no candidate the rarer words miss that could win.
        Those words still count in the score of every candidate.
        """
        common_df = COMMON_MIN
        rare = {t: w for t, w in weights.items()
                if len(self._postings.get(t, ())) <= common_df}
        common = {t: w for t, w in weights.items() if t not in rare}
        overlap: dict[int, float] = defaultdict(float)
        for tok, w in (rare or weights).items():
            for cid in self._postings.get(tok, ()):
                overlap[cid] += w
        if rare and common:
            for cid in overlap:
                tokens = self._claims[cid].tokens
                overlap[cid] += sum(w for t, w in common.items() if t in tokens)
        return overlap

    def _weights(self, claim: Claim) -> dict[str, float]:
        # A topic's own name ("#zaporizhzhia-npp") says what a claim is about, not what it
        # claims: it counts for little, or short new claims would look known.
        return {t: self.weight(t) * (TOPIC_NAME_WEIGHT if t[:1] == "#" else 1.0)
                for t in claim.tokens}

    def nearest(self, claim: Claim) -> tuple[float, KnownClaim | None]:
        weights = self._weights(claim)
        total = sum(weights.values())
        if not total:
            return 0.0, None
        overlap = self._overlap(weights)
        visible = heapq.nlargest(_TOP, overlap.items(), key=lambda kv: kv[1])
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

    def _known_event(self, ev: Event) -> KnownClaim | None:
        """A known claim with the same event.

        Same action and place, and the same kind of mode: what happened ("is", "was") or
        what did not or is only sought ("not", "aim"). The side is not compared: it is the
        part of an event most often left implicit or misread, and for one action and place
        a change of side is rare, while a change of action ("surrounded" -> "captured",
        "captured" -> "withdrew") is what makes news. An event about territory in general
        (no place, or Ukraine as a whole) matches the same action at any place.
        """
        if _is_position(ev):
            # A demand, offer or refusal is known when a known position concerns the same
            # area, whatever its verb: "Russia wants all of Donbas", "Ukraine must withdraw
            # from Donetsk" and "Kyiv will not cede Kramatorsk" restate one position.
            for area in ev.areas - _BROAD_AREAS or ev.areas:
                for _known, cid in self._positions.get(area, ()):
                    return self._claims[cid]
        if ev.place in _GENERAL_PLACES:
            candidates = [
                pair for (action, _place), pairs in self._events.items()
                if action == ev.action for pair in pairs
            ]
        else:
            candidates = list(self._events.get((ev.action, ev.place), ()))
            if ev.action in _HANDS and _REALIS.get(ev.mode):
                # A town that changed hands is one event, told as a capture, a retaking or
                # a withdrawal ("Ukraine retook Lyman" = "Russia left Lyman"); unless the
                # change was denied, when the other side's confirmation is news.
                same = [pair for action in _HANDS - {ev.action}
                        for pair in self._events.get((action, ev.place), ())]
                denied = any(not _REALIS.get(k.mode, True) for k, _ in candidates + same)
                if not denied:
                    candidates += same
        for known, cid in candidates:
            # Zones are proposals by nature; whether one is "floated" or "created" is read
            # too unreliably to tell two mentions apart.
            if ev.action != "zone" and _REALIS.get(known.mode) != _REALIS.get(ev.mode):
                continue
            return self._claims[cid]
        return None


def _is_position(ev: Event) -> bool:
    return ev.action in _POSITION_ACTIONS and (ev.mode in ("aim", "not") or ev.action == "zone")


_FIGURE = re.compile(r"\b(\d+(?:[.,]\d+)?)\s*(%|percent|per cent|/\s*\d+)?", re.I)
_DATE_NEAR = re.compile(
    r"^(?:st|nd|rd|th)?\s*(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", re.I
)


def _figures(text: str) -> set[str]:
    """Numbers a claim states, not its dates: "50%", "33", "6,000"."""
    out = set()
    for m in _FIGURE.finditer(text):
        number = m.group(1)
        before = text[max(0, m.start() - 10) : m.start()].lower()
        if (len(number) == 4 and number.startswith(("19", "20"))) or _DATE_NEAR.match(
            text[m.end(1) :].lstrip()
        ) or re.search(r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\.?\s*$", before):
            continue
        out.add(number.replace(",", ""))
    return out


@dataclass
class _Story:
    first: KnownClaim  # the first lead claim: what an alert on the story announced
    published: datetime | None
    tokens: set[str] = field(default_factory=set)


def _apart(claim: Claim, known: KnownClaim, gap: float) -> bool:
    """Do the claim and the known claim speak of times apart (both times known)?"""
    return claim.when is not None and known.when is not None and apart(claim.when, known.when, gap)
