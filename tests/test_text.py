"""Sentence splitting and word normalisation (claimwatch.text)."""

from __future__ import annotations

import pytest

from claimwatch.text import content_tokens, fold, sentences, words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "KYIV, Dec 11 (Wire) - Russian troops took the U.S. base. "
            "Lt. Gen. Medvedev told Putin.",
            ["Russian troops took the U.S. base.", "Lt. Gen. Medvedev told Putin."],
            id="dateline-and-abbreviations",
        ),
        pytest.param(
            'MOSCOW (AP) — "We took it," he said. "It is ours." Kyiv denied it.',
            ['"We took it," he said.', '"It is ours."', "Kyiv denied it."],
            id="quotes",
        ),
        pytest.param(
            "ZAPORIZHZHIA, June 16, 2023 (Radio Europa) - The plant has enough water.",
            ["The plant has enough water."],
            id="dateline-with-year",
        ),
        pytest.param(
            "(Radio Europa, Nov 27) - Putin said Pokrovsk is surrounded.",
            ["Putin said Pokrovsk is surrounded."],
            id="agency-only-dateline",
        ),
        pytest.param(
            "КИЇВ, 6 жовтня (Укрінформ) – Росатом призначив директора. Енергоатом це засудив.",
            ["Росатом призначив директора.", "Енергоатом це засудив."],
            id="cyrillic-dateline",
        ),
        pytest.param(
            "Russia claims Siversk\n\n- Kyiv denies it\n* Fighting goes on\n1. Talks stall",
            ["Russia claims Siversk", "Kyiv denies it", "Fighting goes on", "Talks stall"],
            id="headline-and-bullets",
        ),
    ],
)
def test_sentences(text: str, expected: list[str]) -> None:
    """News text splits into the sentences a reader sees, without datelines or bullets."""
    assert sentences(text) == expected


def test_fold_matches_spellings_across_apostrophes() -> None:
    """Apostrophe variants of a name fold to one spelling (Купʼянськ, Kup'yansk)."""
    assert fold("Купʼянськ") == fold("Куп'янськ") == "купянськ"
    assert words(fold("Kup’yansk")) == ["kupyansk"]


def test_words_split_hyphenated_compounds() -> None:
    """'Russian-occupied' yields both words, so it matches 'occupied by Russia'."""
    assert words("Russian-occupied plant") == ["russian", "occupied", "plant"]


def test_content_tokens_fold_synonyms() -> None:
    """Synonyms and inflections compare equal: 'seized' is 'captured', 'Kremlin' is Russia."""
    assert content_tokens("The Kremlin seized the town") == content_tokens(
        "Russia captured the town"
    )
