"""feedparser's own test corpus (2,100 odd, broken and hostile feeds) through claimwatch's
ingest: every file gives its entries or one one-line FeedError, and no entry makes the
monitor stumble.

The corpus lives outside the repository, in ../shared/corpora/feeds-feedparser.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from pathlib import Path

import pytest

from claimwatch.errors import FeedError
from claimwatch.feeds import parse_feed
from tests.conftest import SHARED
from tests.servers import LoopbackServer, Reply
from tests.test_faults import (
    Clock,
    by_url,
    feed_row,
    lines_naming,
    monitor_settings,
    running_monitor,
)

CORPUS = SHARED / "corpora" / "feeds-feedparser"
# These directories are served over loopback with the headers each file asks for; the rest
# (well-formed feeds, 1,700 of them) go through parse_feed and entry processing directly.
SERVED = ("encoding", "illformed", "entities")

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not found at {CORPUS}")


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*.xml") if p.is_file())


def declared_headers(body: bytes) -> dict[str, str]:
    """Headers (lower-case names) a corpus file declares in its leading comment ("Header: ...")."""
    head = body[:2000].decode("latin-1")
    return {m.group(1).lower(): m.group(2).strip()
            for m in re.finditer(r"(?m)^Header:\s*([\w-]+):\s*(.+)$", head)}


def test_every_corpus_feed_gives_entries_or_one_line_feed_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Each feed of the corpus parses (to its usable entries, possibly none) or fails with a
    one-line FeedError naming it, and each entry is then processed without an error."""
    caplog.set_level(logging.INFO)
    files = [p for p in corpus_files() if p.relative_to(CORPUS).parts[0] not in SERVED]
    assert len(files) > 1000
    url = "http://127.0.0.1:9/corpus.xml"  # a feed row to hang entries on; never fetched
    outcomes = {"entries": 0, "empty": 0, "error": 0}
    with running_monitor(monitor_settings(tmp_path, [url], pages=False), Clock()) as monitor:
        row = feed_row(monitor, url)
        for n, path in enumerate(files):
            body = path.read_bytes()
            where = f"http://127.0.0.1:9/{path.relative_to(CORPUS)}"
            try:
                _title, entries = parse_feed(
                    body, url=where, content_type=declared_headers(body).get("content-type", ""))
            except FeedError as exc:
                message = str(exc)
                outcomes["error"] += 1
            else:
                message = ""
            if message:
                assert "\n" not in message and message.startswith(where), (path, message)
                continue
            # A feed may hold no usable entry (say, only an author): that is no error.
            outcomes["entries" if entries else "empty"] += 1
            for entry in entries:
                # Files share GUIDs; keep them apart as if each file were its own feed.
                monitor._entry(row, replace(entry, key=f"{n}:{entry.key}"))
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []
    assert outcomes["entries"] > 300 and outcomes["error"] > 0, outcomes


def test_odd_encodings_and_entities_survive_a_real_poll(
    server: LoopbackServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The corpus's encoding, entity and ill-formed feeds, served over HTTP with the headers
    they declare, are each either read or refused in one log line naming the feed."""
    caplog.set_level(logging.INFO)
    files = [p for p in corpus_files() if p.relative_to(CORPUS).parts[0] in SERVED]
    assert len(files) > 300
    urls = []
    for n, path in enumerate(files):
        body = path.read_bytes()
        headers = {k: v for k, v in declared_headers(body).items()
                   if k.lower() in ("content-type", "content-language")}
        server.route(f"/{n}.xml", Reply(body=body, headers=headers))
        urls.append(server.url(f"/{n}.xml"))
    config = monitor_settings(tmp_path, urls, pages=False, workers=4)
    with running_monitor(config, Clock()) as monitor:
        results = by_url(monitor.tick())
    assert set(results) == set(urls)
    for url, path in zip(urls, files, strict=True):
        result = results[url]
        assert result.status in ("ok", "error"), (path, result)
        if result.status == "error":
            assert result.error.startswith("not a feed"), (path, result)
            assert len(lines_naming(caplog, url, logging.WARNING)) == 1, path
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert sum(r.status == "ok" for r in results.values()) > len(files) // 2
