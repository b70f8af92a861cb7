"""Territorial events (side, action, place, mode) and the gazetteer behind them."""

from __future__ import annotations

import pytest

from claimwatch.events import extract_events
from claimwatch.gazetteer import Gazetteer, default_gazetteer
from claimwatch.text import fold, words

PLACE_SETS = frozenset({"ukraine", "russia-border"})


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return default_gazetteer()


def keys(sentence: str, gazetteer: Gazetteer, *, historical: bool = False) -> set[str]:
    events = extract_events(sentence, gazetteer, PLACE_SETS, historical=historical)
    return {e.key for e in events}


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param("Russian troops have taken the city of Siversk, a general told Putin.",
                     {"russia|capture|siversk|is"}, id="siversk-taken"),
        pytest.param("Kremlin: Siversk is fully under our control",
                     {"russia|capture|siversk|is"}, id="siversk-control"),
        pytest.param("Russian forces have surrounded Pokrovsk.",
                     {"russia|encircle|pokrovsk|is"}, id="pokrovsk-surrounded"),
        pytest.param("Russia says it captured Krasnoarmeysk.",
                     {"russia|capture|pokrovsk|is"}, id="krasnoarmeysk-is-pokrovsk"),
        pytest.param("Ukrainian officials denied Siversk had been captured.",
                     {"ukraine|capture|siversk|not"}, id="denial"),
        pytest.param("Ukraine confirms withdrawal from Siversk",
                     {"ukraine|withdraw|siversk|is"}, id="withdrawal"),
        pytest.param("Russia is pushing to take all of Donetsk and neighbouring Luhansk.",
                     {"russia|capture|donetsk|aim", "russia|capture|luhansk|aim"}, id="aim"),
        pytest.param("Russia took Siversk in the Donetsk region of eastern Ukraine.",
                     {"russia|capture|siversk|is"}, id="locating-places-are-not-targets"),
        pytest.param("Минобороны России заявило о полном освобождении Купянска.",
                     {"russia|capture|kupyansk|is"}, id="russian-inflected"),
        pytest.param("Russia occupies about 20% of Ukraine.",
                     {"russia|control|ukraine|is"}, id="quantified-control"),
        pytest.param("Putin ordered a buffer zone along the border with Ukraine.",
                     {"russia|zone|buffer-zone|is"}, id="zone-kind"),
    ],
)
def test_extract_events(sentence: str, expected: set[str], gazetteer: Gazetteer) -> None:
    """Each sentence yields the territorial events a reader would list."""
    assert keys(sentence, gazetteer) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param("Israeli forces captured Rafah and took control of the Morag corridor.",
                     id="gaza"),
        pytest.param("The Zaporizhzhia nuclear plant was cut off from the grid.", id="plant"),
        pytest.param("Customers in Zaporizhzhia and surrounding districts lost power.",
                     id="surrounding-is-an-adjective"),
        pytest.param("Metalurh Zaporizhzhia took control of the match.", id="football-club"),
        pytest.param("IAEA experts saw mines in a buffer zone between the perimeter fences.",
                     id="zone-without-territory"),
    ],
)
def test_no_event(sentence: str, gazetteer: Gazetteer) -> None:
    """Other wars, plants, clubs and ordinary words yield no Russia-Ukraine event."""
    assert keys(sentence, gazetteer) == set()


def test_historical_sentence_events_are_background(gazetteer: Gazetteer) -> None:
    """Events told as history ("annexed in 2014") get mode "was"."""
    assert keys("Moscow annexed Crimea in 2014.", gazetteer, historical=True) == {
        "russia|annex|crimea|was"
    }


@pytest.mark.parametrize(
    ("spellings", "place"),
    [
        (["Kupiansk", "Kupyansk", "Купʼянськ", "Купянск"], "kupyansk"),
        (["Pokrovsk", "Krasnoarmeysk", "Покровськ"], "pokrovsk"),
        (["Vovchansk", "Volchansk", "Вовчанськ"], "vovchansk"),
        (["Bakhmut", "Artyomovsk", "Артемовск"], "bakhmut"),
        # geonames lists some of these among the alternate names of Nikopol
        (["Sloviansk", "Slovyansk", "Slavyansk", "Славянск"], "slovyansk"),
        (["Nikopol", "Нікополь"], "nikopol"),
    ],
)
def test_gazetteer_spellings(spellings: list[str], place: str, gazetteer: Gazetteer) -> None:
    """Latin, Ukrainian and Russian spellings and wartime names are one place."""
    for name in spellings:
        found = gazetteer.find(words(fold(name)))
        assert [p.id for _s, _e, p in found] == [place], name
