"""OPML in and out: the feed lists of feed readers.

`read_opml` takes every outline with an `xmlUrl` (categories nest them); `write_opml`
writes the configured feeds; `add_feeds` adds feeds to the config file's text with tomlkit,
so its comments, order and layout stay as the operator wrote them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import tomlkit
from lxml import etree

from claimwatch.config import FeedConfig, parse_settings
from claimwatch.errors import ClaimwatchError

log = logging.getLogger("claimwatch")


@dataclass(frozen=True)
class OpmlFeed:
    url: str
    name: str = ""


def read_opml(data: bytes, *, source: str = "<opml>") -> list[OpmlFeed]:
    """The feeds of an OPML document, in order, each URL once. An outline whose URL is not
    a usable feed URL is skipped with one log line naming it."""
    # No entities, no network, no huge trees: an OPML file may come from anywhere.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                             load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ClaimwatchError(f"{source}: not valid OPML (XML): {exc}") from exc
    if root is None or etree.QName(root).localname != "opml":
        raise ClaimwatchError(f"{source}: not an OPML document (no <opml> root)")
    found: dict[str, OpmlFeed] = {}
    for outline in root.iter("{*}outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not url:
            continue
        name = (outline.get("title") or outline.get("text") or "").strip()
        try:
            FeedConfig(url=url, name=name)
        except ValueError as exc:
            reason = exc.errors()[0]["msg"] if hasattr(exc, "errors") else str(exc)
            log.warning("opml %s: outline %r skipped: %s", source, name or url[:80],
                        reason.removeprefix("Value error, "))
            continue
        found.setdefault(url, OpmlFeed(url, name))
    return list(found.values())


def write_opml(feeds: Sequence[FeedConfig], *, title: str = "claimwatch feeds") -> bytes:
    """An OPML 2.0 document of `feeds`."""
    opml = etree.Element("opml", version="2.0")
    head = etree.SubElement(opml, "head")
    etree.SubElement(head, "title").text = title
    body = etree.SubElement(opml, "body")
    for feed in feeds:
        name = feed.name or feed.url
        etree.SubElement(body, "outline", type="rss", text=name, title=name, xmlUrl=feed.url)
    return bytes(etree.tostring(opml, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def add_feeds(config_text: str, feeds: Sequence[OpmlFeed], *, source: str = "<config>"
              ) -> tuple[str, list[OpmlFeed]]:
    """The config text with `feeds` added as [[feeds]] tables (those not configured yet),
    and the feeds added. The result is validated: an edit that would not load is refused."""
    doc = tomlkit.parse(config_text)
    existing = doc.get("feeds")
    if existing is None:
        existing = tomlkit.aot()
        doc["feeds"] = existing
    known = {str(t.get("url", "")) for t in existing}
    # tomlkit keeps the comments after the last feed (the next section's heading) inside
    # that feed's table: move them behind the feeds we add, where they belong.
    trailing = _trailing_trivia(existing[-1]) if len(existing) else []
    added = []
    for feed in feeds:
        if feed.url in known:
            continue
        table = tomlkit.table()
        table["url"] = feed.url
        if feed.name:
            table["name"] = feed.name
        table.add(tomlkit.nl())
        existing.append(table)
        known.add(feed.url)
        added.append(feed)
    if len(existing):
        existing[-1].value.body.extend(trailing)
    text = tomlkit.dumps(doc)
    parse_settings(text, source=source)  # raises ConfigError: nothing is written
    return text, added


def _trailing_trivia(
    table: tomlkit.items.Table,
) -> list[tuple[tomlkit.items.Key | None, tomlkit.items.Item]]:
    """Remove and return the comments and blank lines that end `table`."""
    body = table.value.body
    trailing: list[tuple[tomlkit.items.Key | None, tomlkit.items.Item]] = []
    while body and body[-1][0] is None:
        trailing.insert(0, body.pop())
    # The blank lines before those comments stay: they part the old feeds from the new.
    while trailing and isinstance(trailing[0][1], tomlkit.items.Whitespace):
        body.append(trailing.pop(0))
    return trailing
