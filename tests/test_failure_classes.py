"""One case in our own words for each class of error found on the real-article set
(tests/data/realset, `python scripts/errors.py`), judged alone against the shipped seeds."""

from __future__ import annotations

import pytest

from claimwatch.models import Document
from claimwatch.pipeline import Analyzer, Corpus
from tests.test_novelty import analyzer, corpus  # noqa: F401 - shared fixtures

TERRITORY = "territorial-claims"
ZNPP = "zaporizhzhia-npp"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Restated positions: another verb or another list of places, the same area.
        pytest.param("Moscow wants all of Donbas, the Kremlin said, while Kyiv says it will not "
                     "cede land.", set(), id="restated-position-donbas"),
        pytest.param("Russia demands that Ukraine hand over Kramatorsk and Sloviansk, the rest "
                     "of the Donetsk region it still holds.", set(),
                     id="restated-position-towns-in-a-known-region"),
        pytest.param("The Zaporizhzhia nuclear plant remains one of the two sticking points in "
                     "the talks, Zelenskyy said.", set(), id="restated-sticking-point"),
        # Paraphrases that share few words.
        pytest.param("Washington has floated shared management of the Zaporizhzhia nuclear "
                     "plant, Zelenskyy said.", set(), id="paraphrase-joint-format"),
        pytest.param("The Kremlin said the withdrawal of Ukrainian troops from Donbas remains a "
                     "key condition for any deal.", set(), id="position-told-as-a-noun"),
        pytest.param("Peskov said the battlefield speaks for itself, pointing to Russia's "
                     "continued advances in Donbas.", set(), id="advance-in-a-whole-region"),
        # Real news that was missed.
        pytest.param("Russian President Vladimir Putin signed treaties on Friday to annex four "
                     "Ukrainian regions.", {TERRITORY}, id="annexation-treaties"),
        pytest.param("The State Duma ratified the treaties incorporating the four regions into "
                     "Russia.", {TERRITORY}, id="annexation-ratified"),
        pytest.param("Russia's defence ministry said its troops had captured a large part of "
                     "Kupiansk.", {TERRITORY}, id="partial-capture"),
        pytest.param("Russian forces now hold about 80% of the Zaporizhzhia region, the governor "
                     "said.", {TERRITORY}, id="quantified-control"),
        pytest.param("Russian troops advanced near the village of Zelene Pole in the Donetsk "
                     "region, the ministry said.", {TERRITORY}, id="advance-near-village"),
        pytest.param("Russia said on Sunday its forces had taken Novopavlivka, Zvanivka and "
                     "Dachne.", {TERRITORY}, id="round-up-of-places"),
        pytest.param("At the new round of talks Russia demanded that Ukraine also give up the "
                     "Kherson and Zaporizhzhia regions.", {TERRITORY}, id="new-demands"),
        pytest.param("Ukraine's army confirmed on Monday that its troops had withdrawn from "
                     "Siversk.", {TERRITORY}, id="confirmation-after-denial"),
        pytest.param("Under the leaked draft, the United States would recognise Crimea as "
                     "Russian.", {TERRITORY}, id="recognition-in-a-plan"),
        # The plant named in passing.
        pytest.param("A Russian missile strike on the city of Zaporizhzhia, home to Europe's "
                     "largest nuclear plant, killed three people.", set(), id="city-strike"),
        pytest.param("The talks covered security guarantees, sanctions and the Zaporizhzhia "
                     "nuclear plant, diplomats said.", set(), id="plant-in-a-list"),
        # Descriptions and background, not claims.
        pytest.param("Energoatom said two engineers were detained at the Russian-occupied "
                     "Zaporizhzhia nuclear plant in the occupied city of Enerhodar.", {ZNPP},
                     id="occupied-as-adjective"),
        pytest.param("Ukrainian troops withdrew from Avdiivka to avoid encirclement.",
                     {TERRITORY}, id="avoided-encirclement-is-no-event"),
        pytest.param("Earlier this month Russia said it had taken Siversk, and Ukraine denied "
                     "it.", set(), id="earlier-news-is-background"),
        pytest.param("Russia has given no indication that it will agree to any withdrawal from "
                     "land it has seized.", set(), id="territory-in-general"),
    ],
)
def test_failure_class(analyzer: Analyzer, corpus: Corpus, text: str, expected: set[str]) -> None:  # noqa: F811
    """Each class of error seen on real articles is judged right in a case of our own."""
    doc = Document(url=f"test:{hash(text)}", title="", text=text)
    evaluation = analyzer.evaluate(doc, corpus)
    assert {a.topic_id for a in evaluation.alerts} == expected, [
        (r.claim.text, {t: n.reason for t, n in r.novelty.items()}) for r in evaluation.claims
    ]


def test_avoided_encirclement_alerts_only_the_withdrawal(
    analyzer: Analyzer, corpus: Corpus  # noqa: F811
) -> None:
    """Withdrawing "to avoid encirclement" reports a withdrawal, not an encirclement."""
    doc = Document(url="test:avdiivka", title="",
                   text="Ukrainian troops withdrew from Avdiivka to avoid encirclement.")
    (result,) = analyzer.evaluate(doc, corpus).claims
    assert [e.action for e in result.claim.events] == ["withdraw"]
