"""Quality measurement on labelled documents: precision, recall and F1 per topic.

Each document is judged alone against the same corpus, as `claimwatch check` would. The
keyword baseline alerts whenever a sentence touches a topic, known or not: the behaviour
of a plain keyword alert, which claimwatch has to beat.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from claimwatch.errors import ClaimwatchError
from claimwatch.models import Document, Evaluation
from claimwatch.pipeline import Analyzer, Corpus
from claimwatch.seeds import read_document


@dataclass(frozen=True)
class Labelled:
    name: str
    document: Document
    expected: frozenset[str]


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
    """Read `{"text" | "path" | "file", "alerts": [...]}` lines; paths relative to the file."""
    items = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            alerts = frozenset(row["alerts"])
        except (ValueError, KeyError, TypeError) as exc:
            raise ClaimwatchError(f"{path}:{n}: not a labelled document: {exc}") from exc
        name = str(row.get("id") or row.get("path") or row.get("file") or f"line {n}")
        if "text" in row:
            text = str(row["text"])
            title = text.strip().splitlines()[0] if text.strip() else ""
            doc = Document(url=f"eval:{name}", title=title, text=text)
        elif "path" in row or "file" in row:
            doc = read_document(path.parent / str(row.get("path") or row.get("file")))
        else:
            raise ClaimwatchError(f"{path}:{n}: needs a \"text\" or a \"path\"")
        items.append(Labelled(name, doc, alerts))
    return items


def predicted(evaluation: Evaluation, *, keyword: bool = False) -> set[str]:
    if keyword:
        return {h.topic_id for r in evaluation.claims for h in r.hits}
    return {a.topic_id for a in evaluation.alerts}


def score(
    analyzer: Analyzer,
    corpus: Corpus,
    items: Iterable[Labelled],
    topics: Sequence[str],
    *,
    keyword: bool = False,
) -> dict[str, TopicScore]:
    scores = {t: TopicScore() for t in topics}
    for item in items:
        got = predicted(analyzer.evaluate(item.document, corpus), keyword=keyword)
        for t in topics:
            s = scores[t]
            if t in got and t in item.expected:
                s.tp += 1
            elif t in got:
                s.fp += 1
                s.false_alerts.append(item.name)
            elif t in item.expected:
                s.fn += 1
                s.misses.append(item.name)
    return scores


def format_scores(title: str, scores: dict[str, TopicScore]) -> str:
    lines = [title, f"  {'topic':<22} {'prec':>6} {'recall':>6} {'F1':>6}   tp  fp  fn"]
    for topic, s in scores.items():
        lines.append(
            f"  {topic:<22} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}  "
            f"{s.tp:3d} {s.fp:3d} {s.fn:3d}"
        )
        if s.false_alerts:
            lines.append(f"    false alerts: {', '.join(s.false_alerts)}")
        if s.misses:
            lines.append(f"    misses: {', '.join(s.misses)}")
    return "\n".join(lines)
