"""Article text -> claims: sentences that assert something, who asserts them, and how. Pure."""

from __future__ import annotations

import re

from claimwatch.models import Stance
from claimwatch.text import sentences

_SPEECH = (
    r"said|says|say|told|tells|stated|states|added|adds|noted|notes|claimed|claims|"
    r"announced|announces|reported|reports|wrote|writes|warned|warns|insisted|insists|"
    r"denied|denies|confirmed|confirms|acknowledged|acknowledges|admitted|admits|"
    r"demanded|demands|declared|declares|asserted|asserts|alleged|alleges|argued|argues|"
    r"stressed|stresses|explained|explains|revealed|reveals|dismissed|dismisses|rejected|"
    r"rejects|countered|counters|accused|accuses|posted|posts|urged|urges|indicated"
)
_NAME = r"(?:[A-Z][\w.'’-]*|of|the|for|and|de|von|al-)"
_WHO = rf"(?P<who>(?:[Tt]he\s+)?[A-Z][\w.'’-]*(?:\s+{_NAME}){{0,7}})"
# "X said ...", "X told reporters ..."
# A time may stand between them: "Russia on Monday declared ...".
_WHEN = (
    r"(?:(?:late|early)\s+)?(?:on|last|this)\s+[A-Z]?[a-z]+"
    r"(?:\s+(?:morning|evening|night))?,?\s+"
)
_LEAD = re.compile(
    rf"^{_WHO}\s+(?:{_WHEN})?(?:(?:has|had|have|also|later|again)\s+)?(?P<verb>{_SPEECH})\b"
)
# '..., X said.' / '..." X told Putin.'
_TRAIL = re.compile(rf"[,\"”]\s+{_WHO}\s+(?P<verb>{_SPEECH})\b[^,\"”]*[.!]?$")
# '..., said X.'
_INVERTED = re.compile(
    rf",\s+(?P<verb>said|says|added|adds|noted|notes|wrote|writes|claimed|claims)\s+{_WHO}[^,]*[.!]?$"
)
# 'according to X'
_ACCORDING = re.compile(rf"\b[Aa]ccording to\s+{_WHO}")
# Ukrainian and Russian: 'Минобороны России заявило ...', '..., повідомив Енергоатом.'
_SPEECH_CYR = (
    r"заяви\w*|сообщи\w*|повідоми\w*|сказа\w*|заяв\w*|подтверди\w*|підтверди\w*|"
    r"опроверг\w*|спростува\w*|заперечи\w*|отрица\w*|потребова\w*|потребу\w*|требу\w*"
)
_CYR_WHO = r"(?P<who>[А-ЯІЇЄҐЁ][\wʼ'-]*(?:\s+[\wʼ'-]+){0,3}?)"
_LEAD_CYR = re.compile(rf"^{_CYR_WHO}\s+(?P<verb>{_SPEECH_CYR})\b")
_INVERTED_CYR = re.compile(rf"[,—–-]\s+(?P<verb>{_SPEECH_CYR})\s+{_CYR_WHO}[^,]*[.!]?$")
_ACCORDING_CYR = re.compile(rf"(?:за словами|по словам|за даними|по данным)\s+{_CYR_WHO}")
# Headline style 'Kremlin: Siversk is ours'
_COLON = re.compile(r"^(?P<who>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})\s*:\s+\S")

_STANCES: tuple[tuple[Stance, re.Pattern[str]], ...] = (
    (Stance.DENIES, re.compile(
        r"\b(den(y|ied|ies|ial)|dismiss(ed|es)?|refut(e|ed|es)|reject(ed|s)? (the |these |those )?"
        r"(claim|report|assertion)|not been (captured|taken|seized)|false|fake)|"
        r"опроверг\w*|спростува\w*|заперечи\w*|отрица\w*", re.I)),
    (Stance.CONFIRMS, re.compile(
        r"\b(confirm(ed|s)?|acknowledg(ed|es)|admit(ted|s)?)\b|подтверди\w*|підтверди\w*",
        re.I)),
    (Stance.DEMANDS, re.compile(
        r"\b(demand(ed|s)?|must|insist(ed|s|ing)?|calls? for|called for|urg(ed|es)|"
        r"ultimatum)\b|потребува\w*|потребу\w*|требу\w*|должн\w*|повинн\w*", re.I)),
    (Stance.CLAIMS, re.compile(
        rf"\b({_SPEECH}|according to|claim(ed|s)?)\b|{_SPEECH_CYR}|за словами|по словам",
        re.I)),
)

_MIN_WORDS = 5
# Pronouns and generic words that are not a speaker's name.
_NOT_SPEAKERS = frozenset(
    {"He", "She", "It", "They", "We", "This", "That", "There", "The", "But", "And", "In",
     "On", "At", "As", "If", "When", "While", "A", "An", "Both", "Neither"}
)


def claim_sentences(text: str) -> list[str]:
    """The sentences of a text that assert something (not questions, bylines or stubs)."""
    out = []
    for s in sentences(text):
        if s.endswith("?") or len(s.split()) < _MIN_WORDS:
            continue
        if re.match(r"^(By|Photo|Image|Video|Read more|Copyright|©)\b", s):
            continue
        out.append(s)
    return out


def attribute(sentence: str) -> tuple[str, Stance]:
    """Who makes the claim (where the sentence says so) and its stance."""
    speaker = ""
    for pattern in (
        _LEAD, _TRAIL, _INVERTED, _ACCORDING, _INVERTED_CYR, _ACCORDING_CYR, _LEAD_CYR, _COLON
    ):
        m = pattern.search(sentence)
        if m and m.group("who").strip() not in _NOT_SPEAKERS:
            speaker = _tidy(m.group("who"))
            break
    for stance, pattern in _STANCES:
        if pattern.search(sentence):
            return speaker, stance
    # A named source without a verb ("Kremlin: Siversk is ours") still makes a claim.
    return speaker, Stance.CLAIMS if speaker else Stance.REPORTS


def _tidy(who: str) -> str:
    who = who.strip(" ,.\"'”“")
    return re.sub(r"^(?:[Tt]he)\s+", "", who)


_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)(?:s\b)?")
# A state that has held since some time ago: background, not news.
_SINCE = re.compile(
    r"\b(?:since|from)\s+(?:(?:early|late|mid-?)\s*)?(?:(?:[A-Z][a-z]+|\d{1,2})\s+){0,2}"
    r"(?:19|20)\d\d\b|\bsince the (?:start|beginning|outset|first days?|early days) of\b|"
    r"\bsince (?:it|they) (?:was|were) (?:seized|captured|occupied|taken)\b",
    re.I,
)
# Told as earlier news: "Earlier this month, Russia claimed to have taken Pokrovsk".
_EARLIER = re.compile(
    r"\b(?:earlier this (?:month|year)|last (?:month|year)|in recent months|months ago|"
    r"a year ago|previously|had earlier|over the past (?:months|year)|"
    # a state that has lasted: "shut down for more than two years"
    r"for (?:more than |over |nearly |almost |about )?(?:two|three|four|several|many|\d+) "
    r"(?:years|months))\b",
    re.I,
)
_FIRST_SINCE = re.compile(r"\b(?:first|time|longest|highest|lowest|biggest|worst)\b[^,.;]{0,25}"
                          r"\bsince\b", re.I)


def reference_year(text: str, published_year: int | None = None) -> int | None:
    """The year an article reports from: its publication year, else the latest year it
    names (datelines often carry it), else None."""
    if published_year:
        return published_year
    years = [int(m.group(1)) for m in _YEAR.finditer(text) if not m.group(0).endswith("s")]
    return max(years) if years else None


def is_historical(sentence: str, year: int | None) -> bool:
    """Does the sentence tell settled background rather than news?

    It does when everything it dates lies in a year before the article's own (`year`), or
    when it describes a state that has held "since 2022" / "since the start of the war".
    "The first time since 2022" is news, not background.
    """
    if _FIRST_SINCE.search(sentence):
        return False
    if _SINCE.search(sentence) or _EARLIER.search(sentence):
        return True
    years = [int(m.group(1)) for m in _YEAR.finditer(sentence) if not m.group(0).endswith("s")]
    return bool(years) and year is not None and max(years) < year
