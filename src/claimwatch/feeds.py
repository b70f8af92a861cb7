"""Feed bytes -> entries, with feedparser. Pure: no fetching here.

feedparser is lenient (it reads ill-formed XML with its loose parser) and never raises on
bad input; it sets `bozo`. We accept what it recovers, and call the bytes "not a feed" only
when it recovers no entries and no feed title at all.
"""

from __future__ import annotations

import calendar
import hashlib
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import feedparser
import feedparser.mixin

from claimwatch.errors import FeedError
from claimwatch.extract import html_to_text
from claimwatch.models import FeedEntry

_TRACKING = ("utm_", "fbclid", "gclid", "mc_", "ref", "cmpid", "ocid", "at_medium", "at_campaign")


# feedparser looks for an e-mail address in an author name with a regex whose time grows
# with the square of the name's length (found by fuzzing: a 40 KB name takes 9 s), so one
# hostile feed could hold a worker for hours. No real author name is this long.
_MAX_AUTHOR = 512


def _bounded_author(sync_author: Callable[[Any, str], Any]) -> Callable[..., Any]:
    """feedparser's `_sync_author_detail`, given an author name cut to `_MAX_AUTHOR`."""

    def bounded_sync_author(self: Any, key: str = "author") -> Any:
        context = self._get_context()
        value = context.get(key)
        if isinstance(value, str) and len(value) > _MAX_AUTHOR:
            context[key] = value[:_MAX_AUTHOR]
        return sync_author(self, key)

    return bounded_sync_author


_sync_author = getattr(feedparser.mixin._FeedParserMixin, "_sync_author_detail", None)
if _sync_author is not None:
    feedparser.mixin._FeedParserMixin._sync_author_detail = _bounded_author(_sync_author)


def canonical_url(url: str) -> str:
    """The URL without fragment and tracking parameters, host lower-cased."""
    parts = urlsplit(url.strip())
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING)
    ]
    return urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", urlencode(query), "")
    )


def parse_feed(body: bytes, *, url: str, content_type: str = "") -> tuple[str, list[FeedEntry]]:
    """The feed's title and entries; FeedError when the bytes hold no feed."""
    headers = {"content-type": content_type} if content_type else {}
    # Passing bytes (not a URL) keeps feedparser from doing any I/O of its own.
    try:
        parsed = feedparser.parse(body, response_headers=headers, sanitize_html=False,
                                  resolve_relative_uris=False)
    except Exception as exc:
        # feedparser does raise on some bytes: "&#x110000;" (ValueError from chr), "&#xD800;"
        # (UnicodeEncodeError), a NUL in the declared encoding name (ValueError). Such bytes
        # are not a usable feed; the error must not escape as something else.
        raise FeedError(url, f"not a feed: {type(exc).__name__}: {str(exc)[:200]}") from exc
    title = str(parsed.feed.get("title", "") or "")
    if not parsed.entries and not title:
        reason = parsed.get("bozo_exception") or "no feed entries found"
        raise FeedError(url, f"not a feed: {str(reason)[:200]}")
    entries = []
    for e in parsed.entries:
        entry = _entry(e, base=url)
        if entry is not None:
            entries.append(entry)
    return title, _distinct(entries)


def _distinct(entries: list[FeedEntry]) -> list[FeedEntry]:
    """One entry per key. A GUID that a feed gives to different links identifies nothing:
    those entries are keyed by GUID and link, so no story is lost; exact repeats go."""
    links: dict[str, set[str | None]] = {}
    for e in entries:
        links.setdefault(e.key, set()).add(e.link)
    out, seen = [], set()
    for e in entries:
        if len(links[e.key]) > 1:
            e = replace(e, key=f"{e.key}|{e.link or ''}"[:2000])
        if e.key not in seen:
            seen.add(e.key)
            out.append(e)
    return out


def _entry(e: feedparser.FeedParserDict, base: str) -> FeedEntry | None:
    link = e.get("link") or ""
    try:
        if link:
            link = urljoin(base, link)
            if urlsplit(link).scheme not in ("http", "https"):
                link = ""
        link = canonical_url(link) if link else None
    except ValueError:
        # Found by fuzzing: urlsplit raises on a broken IPv6 host ("http://[::1",
        # "http://[abc]/"). One entry's unusable link must not fail the whole feed.
        link = None
    title = html_to_text(str(e.get("title", "") or ""))
    content = ""
    if e.get("content"):
        content = max((c.get("value", "") for c in e["content"]), key=len, default="")
    summary = html_to_text(content or str(e.get("summary", "") or ""))
    if not (link or title or summary):
        return None
    guid = str(e.get("id") or "").strip()
    key = guid or link or "h:" + hashlib.sha256(f"{title}\n{summary}".encode()).hexdigest()
    return FeedEntry(
        key=key[:2000],
        link=link,
        title=title,
        published=_when(e),
        summary=summary,
        author=str(e.get("author", "") or ""),
    )


def _when(e: feedparser.FeedParserDict) -> datetime | None:
    for field in ("published_parsed", "updated_parsed", "created_parsed"):
        value = e.get(field)
        if value:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
            except (OverflowError, ValueError, TypeError):
                continue
    return None
