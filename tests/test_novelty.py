"""Known or new: claims judged against the seeded corpus (claimwatch.novelty)."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from claimwatch.config import TopicConfig
from claimwatch.models import Document
from claimwatch.pipeline import Analyzer, Corpus, corpus_of, known_claims
from claimwatch.seeds import iter_files, read_document, seed_url

ROOT = Path(__file__).resolve().parents[1]
TERRITORY = "territorial-claims"
ZNPP = "zaporizhzhia-npp"


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    raw = tomllib.loads((ROOT / "config" / "claimwatch.toml").read_text("utf-8"))
    return Analyzer.build([TopicConfig.model_validate(t) for t in raw["topics"]])


@pytest.fixture(scope="module")
def corpus(analyzer: Analyzer) -> Corpus:
    docs = [read_document(p, url=seed_url(p)) for p in iter_files([ROOT / "seeds"])]
    return corpus_of(analyzer, docs)


def alerts(analyzer: Analyzer, corpus: Corpus, text: str) -> set[str]:
    doc = Document(url=f"test:{hash(text)}", title="", text=text)
    return {a.topic_id for a in analyzer.evaluate(doc, corpus).alerts}


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Kremlin: Siversk is fully under our control.", id="siversk-paraphrase"),
        pytest.param("Russian general tells Putin Seversk has fallen; Kyiv says it has not.",
                     id="seversk-spelling"),
        pytest.param("Putin says Krasnoarmeysk is encircled, Ukrainian units say they fight on.",
                     id="pokrovsk-old-name"),
        pytest.param("Russia controls about a fifth of Ukraine, including Crimea, which Moscow "
                     "annexed in 2014.", id="background-share-and-crimea"),
        pytest.param("Moscow wants to keep control of the idle Zaporozhye nuclear station, "
                     "while Kiev objects.", id="znpp-russian-spelling"),
        pytest.param("Zelensky said the Zaporizhzhia nuclear plant and the Donetsk territories "
                     "remain the two main points of disagreement.", id="znpp-disagreement"),
    ],
)
def test_paraphrases_of_known_claims_stay_silent(
    analyzer: Analyzer, corpus: Corpus, text: str
) -> None:
    """A rewording of a seeded claim, in any spelling, raises no alert."""
    assert alerts(analyzer, corpus, text) == set()


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        pytest.param("Russia says it captured Pokrovsk.", TERRITORY,
                     id="capture-after-encirclement"),
        pytest.param("Ukraine confirms withdrawal from Siversk.", TERRITORY,
                     id="changed-stance"),
        pytest.param("Russia's top general says Kupiansk has been taken.", TERRITORY,
                     id="new-place"),
        pytest.param("Минобороны России заявило о полном освобождении Купянска.", TERRITORY,
                     id="russian-text"),
        pytest.param("Shelling cut the last power line to the Zaporizhzhia nuclear plant, "
                     "Energoatom said.", ZNPP, id="znpp-event"),
        pytest.param("Запорізька АЕС вшосте втратила зовнішнє живлення, повідомив Енергоатом.",
                     ZNPP, id="znpp-ukrainian"),
    ],
)
def test_new_claims_alert(analyzer: Analyzer, corpus: Corpus, text: str, topic: str) -> None:
    """A claim the corpus does not hold alerts on its topic."""
    assert topic in alerts(analyzer, corpus, text)


def test_gaza_capture_is_not_territorial(analyzer: Analyzer, corpus: Corpus) -> None:
    """Territorial news from another war raises nothing."""
    assert alerts(analyzer, corpus, "Israel says it has taken control of Rafah in Gaza.") == set()


def test_decision_names_nearest_known_claim(analyzer: Analyzer, corpus: Corpus) -> None:
    """A known verdict is explained by the known claim that covers it and a score."""
    doc = Document(url="test:x", title="", text="Russian forces have surrounded Pokrovsk.")
    (result,) = analyzer.evaluate(doc, corpus).claims
    verdict = result.novelty[TERRITORY]
    assert not verdict.is_new
    assert verdict.nearest is not None
    assert "Pokrovsk" in verdict.nearest.text
    assert verdict.reason == "known event russia|encircle|pokrovsk|is"


def _known_corpus(analyzer: Analyzer, text: str, published: datetime) -> Corpus:
    seed = Document(url="seed:a", title="", text=text, published=published)
    corpus = Corpus()
    evaluation = analyzer.evaluate(seed, corpus)
    ids = list(range(1, len(evaluation.claims) + 1))
    corpus.claims.extend(known_claims(evaluation, ids, only_topical=False))
    return corpus


def _verdict(analyzer: Analyzer, corpus: Corpus, text: str, published: datetime, topic: str):
    doc = Document(url="test:x", title="", text=text, published=published)
    (result,) = analyzer.evaluate(doc, corpus).claims
    return result.novelty[topic]


def test_known_claims_never_expire(analyzer: Analyzer) -> None:
    """A restatement a year after the known claim is still known."""
    corpus = _known_corpus(analyzer, "Russian forces have surrounded Pokrovsk.",
                           datetime(2025, 1, 1, tzinfo=UTC))
    later = datetime(2026, 1, 20, tzinfo=UTC)
    assert not _verdict(analyzer, corpus, "Putin says Pokrovsk is encircled.", later,
                        TERRITORY).is_new


def test_a_change_of_state_happens_once(analyzer: Analyzer) -> None:
    """A later report of a known capture is known whatever day it names, unless the place
    changed hands again."""
    corpus = _known_corpus(analyzer, "Russia said on Monday its troops had captured Kupiansk.",
                           datetime(2025, 3, 3, tzinfo=UTC))
    later = datetime(2025, 11, 20, tzinfo=UTC)
    assert not _verdict(analyzer, corpus, "Russia says its forces captured Kupiansk on Thursday.",
                        later, TERRITORY).is_new
    again = _verdict(analyzer, corpus, "Russia says it has again captured Kupiansk.", later,
                     TERRITORY)
    assert again.is_new and "again" in again.reason


def test_a_new_occurrence_of_something_that_recurs_is_new(analyzer: Analyzer) -> None:
    """A new power loss months after a known one alerts; the same loss retold does not."""
    corpus = _known_corpus(
        analyzer,
        "The Zaporizhzhia nuclear power plant lost all external power on 23 September, the "
        "IAEA said.",
        datetime(2025, 9, 24, tzinfo=UTC),
    )
    december = datetime(2025, 12, 6, tzinfo=UTC)
    new = _verdict(analyzer, corpus,
                   "The Zaporizhzhia nuclear power plant lost all external power on Saturday, "
                   "the IAEA said.", december, ZNPP)
    assert new.is_new and new.reason == "new occurrence at another time"
    retold = _verdict(analyzer, corpus,
                      "The Zaporizhzhia nuclear power plant lost all external power on "
                      "September 23, the IAEA said.", december, ZNPP)
    assert not retold.is_new
