"""Sentence splitting and word normalisation (claimwatch.text)."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimwatch.text import clean, content_tokens, fold, sentences, words


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


_TEXT = st.text(
    alphabet=st.sampled_from(list("ab Z'’ʼ-\n\t\u00a0\u200b\u00adКиївйёÉéü\u0301\u0306\u0308.,"))
    | st.characters(exclude_categories=("Cs",)),
    max_size=60,
)


@given(_TEXT)
def test_words_are_runs_of_word_characters_without_apostrophes(text: str) -> None:
    """words() finds [\\w'’-]+, drops apostrophes and splits at hyphens (its fast form)."""
    expected = []
    for w in re.findall(r"[\w’'-]+", text.lower()):
        w = w.replace("'", "").replace("’", "")
        expected.extend(part for part in w.split("-") if part)
    assert words(text) == expected


@given(_TEXT)
def test_clean_and_fold_drop_exactly_controls_and_accents(text: str) -> None:
    """clean() drops category-C characters but line breaks and tabs; fold() drops combining
    accents but the marks of й and ї (their fast forms match the character-by-character rule)."""
    kept = "".join(ch for ch in unicodedata.normalize("NFC", text)
                   if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    assert clean(text) == re.sub(r"[ \t\u00a0\u2009\u202f]+", " ", kept)
    decomposed = unicodedata.normalize("NFKD", text.lower())
    bare = "".join(ch for ch in decomposed
                   if not unicodedata.combining(ch) or ch in "\u0306\u0308")
    expected = unicodedata.normalize("NFC", bare)
    assert fold(text) == expected.replace("'", "").replace("’", "").replace("ʼ", "")
