"""Watch topics compiled from config, and which sentences touch them. Pure.

A term is a phrase matched on whole words, case- and accent-insensitively; a trailing `*`
matches any ending ("reactor*" matches "reactors"). A near rule needs a term from each of
its groups within a few words ("Zaporozhye" ... "nuclear").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from claimwatch.config import TopicConfig
from claimwatch.models import Event, TopicHit
from claimwatch.text import fold, words

Phrase = tuple[str, ...]


def _compile(term: str) -> Phrase:
    return tuple(words(fold(term.replace("*", "WILDCARDSTAR")).replace("wildcardstar", "*")))


def _matches_at(tokens: Sequence[str], i: int, phrase: Phrase) -> bool:
    if i + len(phrase) > len(tokens):
        return False
    for tok, pat in zip(tokens[i : i + len(phrase)], phrase, strict=True):
        if pat.endswith("*"):
            if not tok.startswith(pat[:-1]):
                return False
        elif tok != pat:
            return False
    return True


def _find(tokens: Sequence[str], phrases: Iterable[tuple[str, Phrase]]) -> list[tuple[int, str]]:
    """(position, original term) of every phrase occurrence."""
    out = []
    index: dict[str, list[int]] | None = None  # token -> positions, built on first need
    for original, phrase in phrases:
        if not phrase:
            continue
        first = phrase[0]
        starts: Iterable[int]
        if first.endswith("*"):
            prefix = first[:-1]
            starts = [i for i, tok in enumerate(tokens) if tok.startswith(prefix)]
        else:
            if index is None:
                index = {}
                for i, tok in enumerate(tokens):
                    index.setdefault(tok, []).append(i)
            starts = index.get(first, ())
        for i in starts:
            if len(phrase) == 1 or _matches_at(tokens, i, phrase):
                out.append((i, original))
    return out


@dataclass(frozen=True)
class Topic:
    """A watch topic ready to match sentences."""

    config: TopicConfig
    terms: tuple[tuple[str, Phrase], ...]
    near: tuple[tuple[tuple[tuple[str, Phrase], ...], ...], ...]
    windows: tuple[int, ...]
    context: tuple[tuple[str, Phrase], ...]
    exclude: tuple[tuple[str, Phrase], ...]
    # Each kind of recurring occurrence ("lost power | blackout*") with its wordings.
    recurring: tuple[tuple[tuple[str, Phrase], ...], ...] = ()

    @classmethod
    def from_config(cls, config: TopicConfig) -> Topic:
        def compiled(terms: Iterable[str]) -> tuple[tuple[str, Phrase], ...]:
            return tuple((t, _compile(t)) for t in terms)

        return cls(
            config=config,
            terms=compiled(config.terms),
            near=tuple(tuple(compiled(g) for g in rule.groups) for rule in config.near),
            windows=tuple(rule.window for rule in config.near),
            context=compiled(config.context_terms),
            exclude=compiled(config.exclude),
            recurring=tuple(
                compiled(w.strip() for w in kind.split("|") if w.strip())
                for kind in config.recurring
            ),
        )

    @property
    def id(self) -> str:
        return self.config.id

    def in_passing(self, tokens: Sequence[str], sentence: str) -> bool:
        """Is the topic named only as one item of a list ("sanctions, guarantees and the
        Zaporizhzhia plant"), with none of its context words: a mention, not a claim?"""
        if "," not in sentence or _find(tokens, self.context) or self.config.event_actions:
            return False
        starts = [i for i, _ in _find(tokens, self.terms)]
        for groups in self.near:
            starts += [min(i for i, _ in found) for found in (_find(tokens, g) for g in groups)
                       if found][:1]
        if not starts:
            return False
        for i in starts:
            j = i - 1
            while j >= 0 and tokens[j] in ("the", "russian-occupied", "occupied"):
                j -= 1
            if j < 0 or tokens[j] not in ("and", "or"):
                return False
        return True

    def recurs(self, tokens: Sequence[str]) -> frozenset[str]:
        """The kinds of recurring occurrence (a power loss, a strike) the sentence tells, as
        "topic#kind" keys."""
        return frozenset(
            f"{self.id}#{n}" for n, kind in enumerate(self.recurring) if _find(tokens, kind)
        )

    def names(self, tokens: Sequence[str]) -> list[str]:
        """The terms and near rules by which a sentence names this topic outright."""
        found = [t for _, t in _find(tokens, self.terms)]
        for groups, window in zip(self.near, self.windows, strict=True):
            positions = [_find(tokens, group) for group in groups]
            if all(positions) and _within(positions, window):
                found.append(" ~ ".join(p[0][1] for p in positions))
        return found

    def hit(
        self, tokens: Sequence[str], events: Sequence[Event], *, article_names_topic: bool
    ) -> TopicHit | None:
        """Does a sentence (folded tokens, its events) touch this topic?"""
        excluded = [t for _, t in _find(tokens, self.exclude)]
        named = self.names(tokens)
        matched: list[str] = []
        if named:
            matched += named
        elif article_names_topic and not excluded:
            matched += [t for _, t in _find(tokens, self.context)]
        if self.config.event_actions and not excluded:
            actions = set(self.config.event_actions)
            matched += [e.key for e in events if e.action in actions]
        if not matched:
            return None
        return TopicHit(self.id, tuple(dict.fromkeys(matched)))


def _within(positions: list[list[tuple[int, str]]], window: int) -> bool:
    """Some choice of one position per group spans at most `window` words."""
    first, *rest = positions
    return any(
        all(any(abs(q - p) <= window for q, _ in group) for group in rest) for p, _ in first
    )


def compile_topics(configs: Iterable[TopicConfig]) -> tuple[Topic, ...]:
    return tuple(Topic.from_config(c) for c in configs)


def folded_tokens(sentence: str) -> list[str]:
    return words(fold(sentence))
