"""Seed articles from files: plain text or saved HTML, with optional TOML metadata."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

from claimwatch.errors import ClaimwatchError
from claimwatch.extract import extract_html, html_to_text
from claimwatch.models import Document

ARTICLE_SUFFIXES = {".txt", ".text", ".md", ".html", ".htm"}


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named, and the article files in directories named, in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.iterdir()
                if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES and p.name != "README.md"
            )
        elif path.is_file():
            yield path
        else:
            raise ClaimwatchError(f"{path}: no such file or directory")


def read_document(path: Path, *, url: str | None = None) -> Document:
    """A document from a file: HTML is extracted, text is taken as it is."""
    raw = path.read_bytes()
    meta = _metadata(path)
    if path.suffix.lower() in {".html", ".htm"} or raw.lstrip()[:15].lower().startswith(
        (b"<!doctype html", b"<html")
    ):
        where = str(url or meta.get("url") or path.resolve().as_uri())
        doc = extract_html(raw, url=where)
        if doc is None:
            # Not an article by trafilatura's measure (short, or mostly navigation): judge
            # the page's visible text rather than nothing.
            text = html_to_text(raw.decode("utf-8", errors="replace"))
            if not text.strip():
                raise ClaimwatchError(f"{path}: no text found in the HTML")
            doc = Document(url=where, title=text.strip().splitlines()[0][:300], text=text)
    else:
        doc = text_document(raw.decode("utf-8", errors="replace"),
                            url=url or path.resolve().as_uri())
    return Document(
        url=url or str(meta.get("url") or doc.url),
        title=str(meta.get("title") or doc.title),
        text=doc.text,
        source=str(meta.get("source") or doc.source),
        published=_as_datetime(meta.get("published")) or doc.published,
    )


# Saved pages and clippings often open with their date: "date 2025-11-20 Russian army says".
_DATE_LINE = re.compile(r"^\s*(?:date|published|dated?)\s*:?\s*(\d{4})-(\d{2})-(\d{2})\b\s*",
                        re.IGNORECASE)


def text_document(text: str, *, url: str) -> Document:
    """A document from plain text: the first line is its title; a leading date line
    ("date 2025-11-20") is its publication date, not part of its text."""
    published = None
    m = _DATE_LINE.match(text)
    if m:
        try:
            published = datetime(int(m[1]), int(m[2]), int(m[3]), tzinfo=UTC)
            text = text[m.end():]
        except ValueError:
            published = None
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return Document(url=url, title=first[:300], text=text, published=published)


def seed_url(path: Path) -> str:
    return f"seed:{path.name}"


def _metadata(path: Path) -> dict[str, object]:
    side = path.with_suffix(".toml")
    if not side.is_file():
        return {}
    try:
        return tomllib.loads(side.read_text("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ClaimwatchError(f"{side}: not valid TOML: {exc}") from exc


def _as_datetime(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return None
