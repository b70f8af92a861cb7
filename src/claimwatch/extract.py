"""HTML -> Document with trafilatura: the article's main text and metadata. Pure.

Extraction is the most expensive stage and pure Python under the GIL: `ExtractPool` runs it
in worker processes, so the daemon and the benchmark use every core.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import threading
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime
from types import TracebackType

from claimwatch.models import Document
from claimwatch.text import clean

log = logging.getLogger(__name__)

# Pages larger than this are not worth parsing as one article (and could be hostile).
MAX_HTML_BYTES = 5_000_000
MIN_TEXT_CHARS = 200


def extract_html(html: bytes | str, *, url: str) -> Document | None:
    """The article in a page, or None when the page holds no article text."""
    # Imported here: a daemon with extraction processes, and `check` or `seed` of text
    # files, never load it (0.2 s and 15 MB).
    import trafilatura

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


class ExtractPool:
    """`extract_html` in `processes` worker processes (0: in the calling thread).

    Workers are forked from a fork server that has imported trafilatura once, so a worker
    that dies (a crash in a C parser on hostile HTML) is replaced quickly. A page whose
    extraction kills the workers twice is logged and treated as holding no article, like
    any other page trafilatura rejects.
    """

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._closed = False

    def resize(self, processes: int) -> None:
        """Use `processes` workers from the next page on (a config reload)."""
        if processes != self.processes:
            self.processes = processes
            self._discard()

    def submit(self, html: bytes | str, *, url: str) -> Future[Document | None]:
        if self.processes <= 0 or self._closed:
            done: Future[Document | None] = Future()
            done.set_result(extract_html(html, url=url))
            return done
        return self._executor().submit(extract_html, html, url=url)

    def extract(self, html: bytes | str, *, url: str) -> Document | None:
        for attempt in (1, 2):
            try:
                return self.submit(html, url=url).result()
            except CancelledError:
                continue  # the pool was resized or closed under it: the page is done again
            except BrokenProcessPool:
                # A worker died: on this page, or on another one in flight. A fresh pool
                # tries once more; a page that kills it twice is given up.
                self._discard()
                if attempt == 2:
                    log.warning("extraction process died twice on url=%s; page skipped", url)
        return None

    def worker_pids(self) -> list[int]:
        """The worker processes' ids (for resource accounting)."""
        with self._lock:
            processes = getattr(self._pool, "_processes", None) or {}
            return list(processes)

    def close(self) -> None:
        """Stop the workers; pages still asked for are extracted in the calling thread."""
        self._closed = True
        self._discard()

    def __enter__(self) -> ExtractPool:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                # Not fork: the daemon has threads (scheduler, pollers) that a fork would
                # copy mid-flight. The fork server imports trafilatura once for all workers.
                ctx = multiprocessing.get_context("forkserver")
                ctx.set_forkserver_preload(["claimwatch.extract", "trafilatura"])
                self._pool = ProcessPoolExecutor(
                    self.processes, mp_context=ctx, initializer=_worker_init
                )
            return self._pool

    def _discard(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


def _worker_init() -> None:
    # The parent handles Ctrl-C and SIGTERM and shuts the pool down; trafilatura's
    # "discarding data" warnings would go to stderr unformatted (the parent logs instead).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
