"""Quality measurement on labelled documents: precision, recall and F1 per topic.

Two ways to replay a labelled set:
- isolation: each document judged alone against the same corpus (the seeds), as
  `claimwatch check` would judge it;
- stream: documents in date order, each judged against the seeds plus every document before
  it, as the daemon would; scored per real-world event (alerts per new event, events missed,
  false alerts, and "also reported by" entries that belong to another event).

Two references are scored beside claimwatch:
- keyword: alert whenever a sentence touches a topic (a plain keyword alert);
- first-story detection (FSD): a topical sentence alerts when its TF-IDF cosine to every
  known sentence is below 0.3, the classic baseline for "is this news new?".
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from claimwatch.errors import ClaimwatchError
from claimwatch.models import LEAD_SENTENCES, Document, Evaluation
from claimwatch.pipeline import Analyzer, Corpus
from claimwatch.seeds import read_document, text_document
from claimwatch.text import _STOP, fold, stem, words

FSD_THRESHOLD = 0.3
_STREAM_IDS = 1_000_000_000  # article ids of replayed documents, clear of the seeds'


@dataclass(frozen=True)
class Labelled:
    name: str
    document: Document
    expected: frozenset[str]
    unscored: frozenset[str] = frozenset()
    lang: str = "en"
    published: datetime | None = None  # the label's date (stream order), not the text's
    events: dict[str, str] = field(default_factory=dict)  # topic -> real-world event id
    part: str = ""


@dataclass
class TopicScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    false_alerts: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def load_labelled(path: Path) -> list[Labelled]:
    """Read `{"text" | "path" | "file", "alerts": [...]}` lines; paths relative to the file.

    Optional keys: `unscored` (topics not scored for this document), `lang`, `published`
    (YYYY-MM-DD), `events` (topic -> event id), `part`.
    """
    items = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            alerts = frozenset(row["alerts"])
            published = _date(row.get("published"))
        except (ValueError, KeyError, TypeError) as exc:
            raise ClaimwatchError(f"{path}:{n}: not a labelled document: {exc}") from exc
        name = str(row.get("id") or row.get("path") or row.get("file") or f"line {n}")
        if "text" in row:
            doc = text_document(str(row["text"]), url=f"eval:{name}")
        elif "path" in row or "file" in row:
            doc = read_document(path.parent / str(row.get("path") or row.get("file")))
        else:
            raise ClaimwatchError(f"{path}:{n}: needs a \"text\" or a \"path\"")
        items.append(Labelled(
            name, doc, alerts, frozenset(row.get("unscored") or ()), str(row.get("lang") or "en"),
            published, dict(row.get("events") or {}), str(row.get("part") or ""),
        ))
    return items


def _date(value: object) -> datetime | None:
    if not value:
        return None
    return datetime.strptime(str(value)[:10], "%Y-%m-%d").replace(tzinfo=UTC)


def predicted(evaluation: Evaluation, *, keyword: bool = False) -> set[str]:
    if keyword:
        return {h.topic_id for r in evaluation.claims for h in r.hits}
    return {a.topic_id for a in evaluation.alerts}


class FirstStory:
    """TF-IDF first-story detection over the corpus's known sentences (a reference)."""

    def __init__(self, known: Iterable[str]) -> None:
        docs = [_terms(s) for s in known]
        df = Counter(t for d in docs for t in set(d))
        self.idf = {t: math.log((1 + len(docs)) / (1 + n)) + 1 for t, n in df.items()}
        self.default_idf = math.log(1 + len(docs)) + 1
        self.vectors: list[dict[str, float]] = [self._vector(d) for d in docs]

    def _vector(self, terms: list[str]) -> dict[str, float]:
        tf = Counter(terms)
        v = {t: n * self.idf.get(t, self.default_idf) for t, n in tf.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return {t: x / norm for t, x in v.items()}

    def is_new(self, sentence: str, threshold: float = FSD_THRESHOLD) -> bool:
        v = self._vector(_terms(sentence))
        best = max(
            (sum(w * k.get(t, 0.0) for t, w in v.items()) for k in self.vectors), default=0.0
        )
        return best < threshold

    def predicted(self, evaluation: Evaluation) -> set[str]:
        return {
            h.topic_id for r in evaluation.claims for h in r.hits if self.is_new(r.claim.text)
        }


def _terms(sentence: str) -> list[str]:
    return [stem(w) for w in words(fold(sentence)) if w not in _STOP and len(w) > 1]


def score(
    analyzer: Analyzer,
    corpus: Corpus,
    items: Iterable[Labelled],
    topics: Sequence[str],
    *,
    keyword: bool = False,
    fsd: bool = False,
) -> dict[str, TopicScore]:
    """Each document alone against `corpus`: claimwatch, or a reference method."""
    first_story = FirstStory(corpus.claims.texts()) if fsd else None
    scores = {t: TopicScore() for t in topics}
    for item in items:
        evaluation = analyzer.evaluate(item.document, corpus)
        if first_story is not None:
            got = first_story.predicted(evaluation)
        else:
            got = predicted(evaluation, keyword=keyword)
        tally(scores, item, got)
    return scores


def tally(scores: dict[str, TopicScore], item: Labelled, got: set[str]) -> None:
    for t, s in scores.items():
        if t in item.unscored:
            continue
        if t in got and t in item.expected:
            s.tp += 1
        elif t in got:
            s.fp += 1
            s.false_alerts.append(item.name)
        elif t in item.expected:
            s.fn += 1
            s.misses.append(item.name)


def format_scores(title: str, scores: dict[str, TopicScore], *, details: bool = True) -> str:
    lines = [title, f"  {'topic':<22} {'prec':>6} {'recall':>6} {'F1':>6}   tp  fp  fn"]
    for topic, s in scores.items():
        lines.append(
            f"  {topic:<22} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}  "
            f"{s.tp:3d} {s.fp:3d} {s.fn:3d}"
        )
        if details and s.false_alerts:
            lines.append(f"    false alerts: {', '.join(s.false_alerts)}")
        if details and s.misses:
            lines.append(f"    misses: {', '.join(s.misses)}")
    return "\n".join(lines)


# ---------------------------------------------------------------------- stream
@dataclass
class StreamTopic:
    """One topic's outcome over a replayed stream."""

    events: dict[str, int] = field(default_factory=dict)  # new event -> alerts raised for it
    caught_alone: set[str] = field(default_factory=set)  # events isolation mode alerts on
    false_alerts: list[str] = field(default_factory=list)
    also: int = 0  # "also reported by" entries
    also_wrong: list[str] = field(default_factory=list)  # entries of another event

    @property
    def found(self) -> int:
        return sum(1 for n in self.events.values() if n)

    @property
    def alerts_per_event(self) -> float:
        return sum(self.events.values()) / self.found if self.found else 0.0

    @property
    def missed(self) -> list[str]:
        return sorted(e for e, n in self.events.items() if not n)


def stream(
    analyzer: Analyzer, seeds: Corpus, items: Sequence[Labelled], topics: Sequence[str],
    *, now: datetime | None = None,
) -> dict[str, StreamTopic]:
    """Replay `items` in date order, the corpus growing as the daemon's does.

    With `now`, every document is dated `now` plus its rank in seconds (a feed read today
    that carries all of them), the way a user starting the daemon today would see them.
    Each alert lists as "also reported by" the later documents whose claims the alert's
    claims made known, as the store does.
    """
    ordered = sorted(items, key=lambda i: (i.published or datetime.min.replace(tzinfo=UTC)))
    corpus = seeds.copy()
    out = {t: StreamTopic() for t in topics}
    alerted: dict[int, dict[str, str]] = {}  # known claim id -> topic -> alerting doc's name
    event_of: dict[str, dict[str, str]] = {}  # doc name -> topic -> event id
    next_claim = corpus.claims.next_id()
    for rank, item in enumerate(ordered):
        when = (now.timestamp() + rank) if now else None
        published = datetime.fromtimestamp(when, UTC) if when else item.published
        doc = Document(item.document.url, item.document.title, item.document.text,
                       item.document.source, published)
        alone = predicted(analyzer.evaluate(item.document, seeds))
        evaluation = analyzer.evaluate(doc, corpus)
        got = predicted(evaluation)
        event_of[item.name] = dict(item.events)
        for t in topics:
            if t in item.unscored:
                continue
            result = out[t]
            event = item.events.get(t) or item.name
            if t in item.expected:
                result.events.setdefault(event, 0)
                if t in got:
                    result.events[event] += 1
                if t in alone:
                    result.caught_alone.add(event)
            elif t in got:
                result.false_alerts.append(item.name)
        # "also reported by": a known claim whose root an earlier alert announced.
        linked: set[tuple[str, str]] = set()
        for r in evaluation.claims:
            if r.claim.index >= LEAD_SENTENCES:
                continue  # as the store links: what the headline and lead report
            for t, n in r.novelty.items():
                if n.is_new or n.nearest is None or t not in out:
                    continue
                source = alerted.get(n.nearest.id, {}).get(t)
                if source and (source, t) not in linked:
                    linked.add((source, t))
                    out[t].also += 1
                    want = event_of[source].get(t, "")
                    if item.events.get(t, "") != want:
                        out[t].also_wrong.append(f"{item.name} under {source}")
        ids = list(range(next_claim, next_claim + len(evaluation.claims)))
        next_claim += len(evaluation.claims)
        if evaluation.duplicate_of is None:
            corpus.learn(evaluation, article_id=_STREAM_IDS + rank, claim_ids=ids,
                         only_topical=True)
            for draft in evaluation.alerts:
                # As the store links: a later report of the alert's headline or lead.
                for r, cid in zip(evaluation.claims, ids, strict=True):
                    if r.claim.index < LEAD_SENTENCES:
                        alerted.setdefault(cid, {})[draft.topic_id] = item.name
            # A claim made known by an earlier alert's claim carries that alert on.
            for r, cid in zip(evaluation.claims, ids, strict=True):
                for t, n in r.novelty.items():
                    if not n.is_new and n.nearest is not None:
                        src = alerted.get(n.nearest.id, {}).get(t)
                        if src:
                            alerted.setdefault(cid, {}).setdefault(t, src)
        else:
            corpus.duplicates.add(_STREAM_IDS + rank, doc.url, evaluation.fingerprint)
    return out


def format_stream(title: str, result: dict[str, StreamTopic]) -> str:
    lines = [title, f"  {'topic':<22} {'events':>6} {'found':>6} {'alerts/ev':>9} "
             f"{'false':>6} {'also':>5} {'wrong':>5}"]
    for topic, s in result.items():
        lines.append(
            f"  {topic:<22} {len(s.events):6d} {s.found:6d} {s.alerts_per_event:9.2f} "
            f"{len(s.false_alerts):6d} {s.also:5d} {len(s.also_wrong):5d}"
        )
        lost = [e for e in s.missed if e in s.caught_alone]
        if s.missed:
            lines.append(f"    missed events: {', '.join(s.missed)}")
        if lost:
            lines.append(f"    missed in stream but caught alone: {', '.join(lost)}")
        repeated = sorted(e for e, n in s.events.items() if n > 1)
        if repeated:
            lines.append("    alerted more than once: "
                         + ", ".join(f"{e} x{s.events[e]}" for e in repeated))
        if s.false_alerts:
            lines.append(f"    false alerts: {', '.join(s.false_alerts)}")
        if s.also_wrong:
            lines.append(f"    also-reported-by of another event: {'; '.join(s.also_wrong)}")
    return "\n".join(lines)


def by_language(items: Sequence[Labelled]) -> dict[str, list[Labelled]]:
    groups: dict[str, list[Labelled]] = defaultdict(list)
    for item in items:
        groups[item.lang].append(item)
    return dict(sorted(groups.items(), key=lambda kv: (kv[0] != "en", kv[0])))
