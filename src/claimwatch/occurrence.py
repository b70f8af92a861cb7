"""When did what a sentence tells happen? Its own time, read against the article's date. Pure.

What the user knows never expires; what recurs (a power loss, a strike, a round of talks)
is new again when it happens again. So a claim carries the time it speaks of: an explicit
date ("on 23 September", "Sept. 23, 2025"), a day relative to the article ("on Saturday",
"overnight", "yesterday"), a month or a year ("in March", "in 2022"). Times are intervals
of dates, since "in September" covers a month and "on Saturday" one day.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta

Span = tuple[date, date]

_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            "", "january jan", "february feb", "march mar", "april apr", "may",
            "june jun", "july jul", "august aug", "september sep sept",
            "october oct", "november nov", "december dec",
        ]
    )
    for name in names.split()
}
_WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
_MONTH = r"(january|february|march|april|may|june|july|august|september|october|november|" \
    r"december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+(\d{{4}}))?\b",
                        re.I)
_MONTH_DAY = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?", re.I)
_ISO = re.compile(r"\b(20\d\d)-(\d\d)-(\d\d)\b")
_IN_MONTH = re.compile(rf"\b(?:in|since|during|by|early|late|mid-?)\s+{_MONTH}(?:\s+(\d{{4}}))?\b",
                       re.I)
_IN_YEAR = re.compile(r"\b(?:in|since|during|throughout)\s+(?:early\s+|late\s+|mid-?)?(20\d\d)\b",
                      re.I)
_WEEKDAY = re.compile(r"\b(?:on|late|early|last|this)?\s*(monday|tuesday|wednesday|thursday|"
                      r"friday|saturday|sunday)\b", re.I)
_TODAY = re.compile(r"\b(today|tonight|this morning|this afternoon|this evening|overnight|"
                    r"earlier today|last night|on the night of)\b", re.I)
_YESTERDAY = re.compile(r"\byesterday\b", re.I)


def claim_time(sentence: str, published: datetime | None) -> Span | None:
    """The interval of dates `sentence` speaks of, or None when it names no time."""
    ref = published.date() if published else None
    if m := _ISO.search(sentence):
        d = _date(int(m[1]), int(m[2]), int(m[3]))
        if d:
            return d, d
    for rx, day_group, month_group in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        if m := rx.search(sentence):
            month = _MONTHS[m[month_group].lower().rstrip(".")]
            year = int(m[3]) if m[3] else _year_of(month, ref)
            d = _date(year, month, int(m[day_group])) if year else None
            if d:
                return d, d
    if ref is not None:
        if m := _WEEKDAY.search(sentence):
            back = (ref.weekday() - _WEEKDAYS[m[1].lower()]) % 7
            d = ref - timedelta(days=back)
            return d, d
        if _YESTERDAY.search(sentence):
            d = ref - timedelta(days=1)
            return d, d
        if _TODAY.search(sentence):
            return ref - timedelta(days=1), ref
    if m := _IN_MONTH.search(sentence):
        month = _MONTHS[m[1].lower().rstrip(".")]
        year = int(m[2]) if m[2] else _year_of(month, ref)
        if year:
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    if m := _IN_YEAR.search(sentence):
        year = int(m[1])
        return date(year, 1, 1), date(year, 12, 31)
    return None


def apart(a: Span, b: Span, gap: float) -> bool:
    """Are two times more than `gap` seconds apart (no overlap within the gap)?"""
    slack = timedelta(seconds=gap)
    return a[0] - b[1] > slack or b[0] - a[1] > slack


def _year_of(month: int, ref: date | None) -> int | None:
    """A month named without a year is the latest one not after the article's date."""
    if ref is None:
        return None
    return ref.year if month <= ref.month else ref.year - 1


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
