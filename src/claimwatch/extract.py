"""HTML -> Document with trafilatura: the article's main text and metadata. Pure."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import trafilatura

from claimwatch.models import Document
from claimwatch.text import clean

log = logging.getLogger(__name__)

# Pages larger than this are not worth parsing as one article (and could be hostile).
MAX_HTML_BYTES = 5_000_000
MIN_TEXT_CHARS = 200


def extract_html(html: bytes | str, *, url: str) -> Document | None:
    """The article in a page, or None when the page holds no article text."""
    if isinstance(html, bytes) or len(html) > MAX_HTML_BYTES:
        html = html[:MAX_HTML_BYTES]
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            favor_precision=True,
            # Not deduplicate=True: its cache is process-wide, so after a few pages with the
            # same paragraphs (a wire story and its copies, a page fetched again) it returns
            # nothing, and copies went unrecognised as "no article text".
            deduplicate=False,
        )
    except Exception as exc:
        log.debug("trafilatura failed on %s: %s", url, exc)
        return None
    if doc is None:
        return None
    text = clean(getattr(doc, "text", None) or "").strip()
    if len(text) < MIN_TEXT_CHARS:
        return None
    return Document(
        url=url,
        title=clean(getattr(doc, "title", None) or "").strip(),
        text=text,
        source=clean(getattr(doc, "sitename", None) or "").strip(),
        published=_date(getattr(doc, "date", None)),
    )


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment (a feed's summary or content)."""
    if "<" not in html:
        return clean(html).strip()
    try:
        import lxml.html

        root = lxml.html.fragment_fromstring(html, create_parent="div")
        for bad in root.xpath("//script|//style"):
            bad.drop_tree()
        for block in root.xpath("//p|//br|//div|//li|//h1|//h2|//h3|//h4"):
            block.tail = "\n" + (block.tail or "")
        return clean(root.text_content()).strip()
    except Exception:
        return clean(html).strip()


def _date(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        dt = datetime.fromisoformat(value[:19] if "T" in value else value[:10])
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)
