"""Text primitives: sentence splitting, word tokens, normalised content words. Pure."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import lru_cache

# Abbreviations that end with a period but not a sentence.
_ABBREVIATIONS = frozenset(
    [
        "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "cpt", "sgt", "cpl",
        "adm", "cmdr", "gov", "sen", "rep", "pres", "st", "sr", "jr", "no", "vol", "fig", "co",
        "corp", "inc", "ltd", "dept", "est", "approx", "etc", "vs", "al", "jan", "feb", "mar",
        "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed",
        "thu", "thur", "thurs", "fri", "sat", "sun", "mt", "ft", "rev", "hon",
    ]
)
_WORD_CHARS = re.compile(r"\w+")
_SPACE = re.compile(r"[ \t\u00a0\u2009\u202f]+")
_BULLET = re.compile(r"^\s*(?:[-*•–—▪●]|\d{1,2}[.)])\s+")
# "KYIV, Dec 11 (Wire Service) - " and "MOSCOW (AP) — " at the start of a paragraph.
_MONTH_DAY = (
    r"(?:[A-ZА-ЯІЇЄ][a-zа-яіїєё]{2,9}\.?\s+\d{1,2}|\d{1,2}\s+[A-Za-zА-Яа-яІіЇїЄєё]{3,10})"
    r"(?:,?\s+\d{4})?"
)
_DATELINE = re.compile(
    r"^(?:[A-ZА-ЯІЇЄ][A-ZА-ЯІЇЄ .,'’/-]{2,40}"
    # "KYIV, Ukraine (AP) —": a place in capitals, then its country or state
    r"(?:,\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)?"
    rf"(?:,?\s+{_MONTH_DAY})?"
    r"\s*(?:\([^)]{1,60}\))?|\([^)]{1,60}\))\s*[-–—]{1,2}\s+"
)
# Candidate sentence ends: terminal punctuation, optional closing quotes/brackets, space.
_END = re.compile(r"([.!?…]+)([\"'”’»)\]]*)\s+")


def _char_class(keep: Callable[[str], bool]) -> str:
    """A regex character class of the Basic Multilingual Plane's characters that `keep`
    selects, as ranges (built once at import: about 10 ms)."""
    ranges: list[list[int]] = []
    for cp in range(0x10000):
        if not keep(chr(cp)):
            continue
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return "".join(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges)


def _is_control(ch: str) -> bool:
    return ch not in "\n\t" and unicodedata.category(ch)[0] == "C"


def _is_accent(ch: str) -> bool:
    # й and ї decompose into a base letter and a mark that is part of the letter.
    return bool(unicodedata.combining(ch)) and ch not in "\u0306\u0308"


# Characters beyond the Basic Multilingual Plane are rare in news: they are checked one by
# one, the others by one regex pass.
_ASTRAL = "|[\\U00010000-\\U0010ffff]"
_CONTROL = re.compile(f"[{_char_class(_is_control)}]+{_ASTRAL}")


def _drop_control(m: re.Match[str]) -> str:
    ch = m.group()
    return ch if len(ch) == 1 and not _is_control(ch) else ""


def clean(text: str) -> str:
    """NFC, unified quotes and spaces, no control characters; keeps line breaks."""
    text = _CONTROL.sub(_drop_control, unicodedata.normalize("NFC", text))
    return _SPACE.sub(" ", text)


def sentences(text: str) -> list[str]:
    """Split news text into sentences: one line may hold several; headlines stand alone."""
    out: list[str] = []
    for line in clean(text).split("\n"):
        line = _BULLET.sub("", line).strip()
        if not line:
            continue
        line = _DATELINE.sub("", line, count=1)
        out.extend(_split_line(line))
    return out


def _split_line(line: str) -> Iterator[str]:
    start = 0
    for m in _END.finditer(line):
        end = m.end(2)
        nxt = line[m.end() : m.end() + 1]
        if not nxt or not (nxt.isupper() or nxt.isdigit() or nxt in "\"'“‘«("):
            continue  # '"...," he said' or a lower-case continuation
        if m.group(1) == "." and _is_abbreviation(line[start : m.start()]):
            continue
        piece = line[start:end].strip()
        if piece:
            yield piece
        start = m.end()
    rest = line[start:].strip()
    if rest:
        yield rest


def _is_abbreviation(before: str) -> bool:
    word = before.rsplit(None, 1)[-1] if before.strip() else ""
    word = word.lstrip("\"'“‘(«")
    if not word:
        return False
    if word.lower() in _ABBREVIATIONS:
        return True
    # Initials and dotted acronyms: "U.S", "J", "D.C"
    return bool(re.fullmatch(r"(?:[A-Za-z]\.)*[A-Za-z]", word))


def words(text: str) -> list[str]:
    """Lower-case word tokens with apostrophes folded ("Kup'yansk" -> "kupyansk") and
    hyphenated compounds split ("Russian-occupied" -> "russian", "occupied")."""
    # The same as finding [\w'’-]+, dropping the apostrophes and splitting at hyphens.
    return _WORD_CHARS.findall(text.lower().replace("'", "").replace("’", ""))


def fold(text: str) -> str:
    """Lower-case, accents removed (Latin only), apostrophes dropped: for alias matching."""
    if text.isascii():
        return text.lower().replace("'", "")
    text = _ACCENT.sub(_drop_accent, unicodedata.normalize("NFKD", text.lower()))
    return unicodedata.normalize("NFC", text).replace("'", "").replace("’", "").replace("ʼ", "")


_ACCENT = re.compile(f"[{_char_class(_is_accent)}]+{_ASTRAL}")


def _drop_accent(m: re.Match[str]) -> str:
    ch = m.group()
    return ch if len(ch) == 1 and not _is_accent(ch) else ""


# Words that carry no claim content: function words, reporting verbs, calendar words.
_STOP = frozenset(
    [
        "a", "an", "the", "and", "or", "but", "if", "of", "to", "in", "on", "at", "by", "for",
        "with", "from", "into", "onto", "about", "as", "is", "are", "was", "were", "be", "been",
        "being", "has", "have", "had", "do", "does", "did", "will", "would", "shall", "should",
        "can", "could", "may", "might", "must", "this", "that", "these", "those", "it", "its",
        "it's", "their", "there", "they", "them", "he", "she", "his", "her", "him", "we", "our",
        "us", "you", "your", "i", "me", "my", "which", "who", "whom", "whose", "what", "when",
        "where", "while", "than", "then", "so", "such", "not", "no", "nor", "also", "very", "more",
        "most", "much", "many", "some", "any", "all", "each", "other", "another", "over", "under",
        "after", "before", "since", "during", "between", "through", "against", "up", "down", "out",
        "off", "again", "further", "once", "only", "own", "same", "too", "just", "said", "says",
        "say", "saying", "told", "tell", "telling", "according", "added", "adding", "noted",
        "stated", "statement", "reported", "reporting", "report", "reports", "announced", "claimed",
        "claims", "claim", "asserted", "insisted", "monday", "tuesday", "wednesday", "thursday",
        "friday", "saturday", "sunday", "today", "yesterday", "tonight", "week", "weekend", "month",
        "year", "years", "day", "days", "january", "february", "march", "april", "may", "june",
        "july", "august", "september", "october", "november", "december", "jan", "feb", "mar",
        "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mr", "mrs", "ms", "dr",
        "news", "agency", "reporters", "reporter", "journalists", "official", "officials",
        "spokesman", "spokeswoman", "spokesperson", "via", "per", "one", "two", "its", "still",
        "already", "however", "meanwhile", "later", "earlier", "now", "currently", "recently",
        "latest", "new",
    ]
)

# Words of equal meaning for the claims we watch, mapped to one representative.
_SYNONYMS: dict[str, str] = {}
for _canon, _forms in {
    "russia": "russia russian russians moscow kremlin rf",
    "ukraine": "ukraine ukrainian ukrainians kyiv kiev київ украина україна",
    "usa": "us u.s usa america american americans washington",
    "capture": "capture captured captures capturing seize seized seizes seizing take took "
    "taken takes taking fell fall falls overran overrun conquer conquered occupy occupied "
    "liberate liberated liberation control controls controlled",
    "encircle": "encircle encircled encircles encirclement surround surrounded surrounds "
    "surrounding besiege besieged",
    "withdraw": "withdraw withdrew withdrawn withdrawal withdrawing retreat retreated "
    "retreating pullout pull pulled pulling leave left abandon abandoned exit",
    "retake": "retake retook retaken recapture recaptured regain regained",
    "want": "want wants wanted seek seeks seeking intend intends intention aim aims wish "
    "wishes desire desires keen",
    "keep": "keep keeps kept retain retains retained retaining hold holds held holding "
    "maintain maintains",
    "oppose": "oppose opposes opposed opposition reject rejects rejected objects object "
    "refuse refuses refused resist resists",
    "cede": "cede ceded ceding cession surrender surrendered give giving gave hand handing "
    "relinquish concession concessions",
    "propose": "propose proposed proposes proposal suggest suggested suggests suggestion "
    "floated float floats offer offered put forward idea",
    "idle": "idle shutdown shut inactive offline",
    "work": "work works working function functions functioning",
    "plant": "plant station facility npp aes аес аэс",
    "nuclear": "nuclear atomic",
    "joint": "joint jointly shared together",
    "manage": "manage management managing manages run running operate operating operated "
    "operation operations",
    "talks": "talks negotiations negotiation negotiators negotiator talk negotiating mediator "
    "mediators mediated mediation brokered",
    "deal": "deal agreement settlement accord",
    "deny": "deny denied denies denial dismissed dismiss rejected",
    "disagreement": "disagreement disagreements dispute disputes disputed sticking contentious "
    "unresolved divide divides divided differences",
    "issue": "issue issues question questions point points topic topics matter matters",
    "key": "key main central principal major chief",
    "future": "future fate status",
    "big": "big biggest large largest",
    "world": "world worlds planet globe",
    "10": "ten",
    "20": "twenty fifth",
    "format": "format arrangement arrangements formula mechanism",
    "troops": "troops forces army soldiers units military",
    "territory": "territory territories land lands",
}.items():
    for _form in _forms.split():
        _SYNONYMS[_form] = _canon


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light English stemmer: enough to equate "captures", "captured", "capturing"."""
    if word in _SYNONYMS:
        return _SYNONYMS[word]
    if not word.isascii() or len(word) <= 4:
        return word
    for suffix, keep in (
        ("ations", 3), ("ation", 3), ("ments", 3), ("ment", 3), ("ingly", 3), ("ings", 3),
        ("ing", 3), ("edly", 3), ("ies", 3), ("ied", 3), ("ed", 3), ("es", 4), ("s", 3),
        ("ly", 4),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= keep:
            base = word[: -len(suffix)]
            if suffix in ("ies", "ied"):
                base += "y"
            return _SYNONYMS.get(base, base)
    return word


def content_tokens(text: str, aliases: dict[str, str] | None = None) -> frozenset[str]:
    """The normalised content words of a sentence: what its claim is about.

    `aliases` maps folded multi-word names (places, entities) to one token each, so
    "Zaporozhye NPP" and "ZNPP" compare equal.
    """
    folded = " " + " ".join(words(fold(text))) + " "
    found: set[str] = set()
    if aliases:
        for name, token in aliases.items():
            needle = f" {name} "
            if needle in folded:
                found.add(token)
                folded = folded.replace(needle, " ")
    for w in folded.split():
        if w in _STOP or len(w) < 2:
            continue
        s = stem(w)
        if s not in _STOP:
            found.add(s)
    return frozenset(found)
