"""Asserting sentences, who makes a claim and how (claimwatch.claims)."""

from __future__ import annotations

import pytest

from claimwatch.claims import attribute, claim_sentences, is_historical, reference_year
from claimwatch.models import Stance


@pytest.mark.parametrize(
    ("sentence", "speaker", "stance"),
    [
        pytest.param("Peskov said Ukraine must leave the regions.", "Peskov", Stance.DEMANDS,
                     id="lead-demand"),
        pytest.param("According to Energoatom, the plant lost power.", "Energoatom",
                     Stance.CLAIMS, id="according-to"),
        pytest.param("The General Staff denied that Siversk had fallen.", "General Staff",
                     Stance.DENIES, id="denial"),
        pytest.param("Russian troops have taken Siversk, Lt. Gen. Sergei Medvedev told Putin.",
                     "Lt. Gen. Sergei Medvedev", Stance.CLAIMS, id="trailing-speaker"),
        pytest.param("Ukraine confirms withdrawal from Siversk", "Ukraine", Stance.CONFIRMS,
                     id="confirmation"),
        pytest.param("Kremlin: Siversk is fully under our control", "Kremlin", Stance.CLAIMS,
                     id="headline-colon"),
        pytest.param("Russia on Monday declared that its forces had seized Kupiansk.", "Russia",
                     Stance.CLAIMS, id="time-between-speaker-and-verb"),
        pytest.param("Запорізька АЕС втратила живлення, повідомив Енергоатом.", "Енергоатом",
                     Stance.CLAIMS, id="ukrainian-inverted"),
        pytest.param("Минобороны России заявило об освобождении Купянска.", "Минобороны России",
                     Stance.CLAIMS, id="russian-lead"),
        pytest.param("Shelling damaged a power line near the plant.", "", Stance.REPORTS,
                     id="unattributed"),
    ],
)
def test_attribute(sentence: str, speaker: str, stance: Stance) -> None:
    """The speaker and stance of a sentence are read from its reporting frame."""
    assert attribute(sentence) == (speaker, stance)


def test_claim_sentences_drop_questions_bylines_and_stubs() -> None:
    """Questions, bylines and short stubs are not claims."""
    text = "By Jane Doe\nWhy does it matter?\nUpdated.\nRussia says it has captured Selydove."
    assert claim_sentences(text) == ["Russia says it has captured Selydove."]


@pytest.mark.parametrize(
    ("sentence", "year", "historical"),
    [
        ("Moscow annexed Crimea in 2014.", 2025, True),
        ("The plant has been occupied by Russian troops since March 2022.", None, True),
        ("The plant lost power for the first time since 2022.", 2025, False),
        ("On Aug 25, 2022 the plant was cut off from the grid.", 2022, False),
        ("Russia says it captured Pokrovsk.", 2025, False),
    ],
)
def test_is_historical(sentence: str, year: int | None, historical: bool) -> None:
    """Dated background and "since 2022" states are history; this year's events are not."""
    assert is_historical(sentence, year) is historical


def test_reference_year_prefers_publication_then_latest_year_named() -> None:
    """An article reports from its publication year, else the latest year it names."""
    assert reference_year("KYIV, Aug 25, 2022 - annexed in 2014", None) == 2022
    assert reference_year("annexed in 2014", 2025) == 2025
    assert reference_year("no dates here", None) is None
