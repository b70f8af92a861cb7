"""Fuzzing the ingest path: no feed, page or text makes the processing of one entry raise.

The path is feed bytes -> `parse_feed` -> entries; page bytes -> `extract_html` -> Document
(or the feed's own text) -> `Analyzer.evaluate`. `parse_feed` may refuse bytes with
`FeedError`; nothing else on the path may raise. The strategies here are shared with the
long-running driver, `scripts/fuzz.py`, which runs the same `check_*` functions for as
long as it is asked to.
"""

from __future__ import annotations

import codecs
import functools
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimwatch.config import load_settings
from claimwatch.errors import FeedError
from claimwatch.extract import MIN_TEXT_CHARS, extract_html
from claimwatch.feeds import parse_feed
from claimwatch.models import Document, FeedEntry
from claimwatch.monitor import Monitor
from claimwatch.pipeline import Analyzer, Corpus, known_claims
from claimwatch.storage.tables import FeedRow

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
FEED_CORPUS = CORPORA / "feeds-feedparser"
HTML_CORPUS = CORPORA / "html-pages"
FEED_URL = "https://news.example.org/feed.xml"
PAGE_URL = "https://news.example.org/2025/01/article.html"

# Examples per property in the default suite (about 30-60 s in all); `--run-slow` runs more.
FAST = settings(
    max_examples=200, deadline=None, suppress_health_check=list(HealthCheck), print_blob=True
)
SLOW = settings(FAST, max_examples=3000)


# ------------------------------------------------------------------ shared state
@functools.cache
def analyzer() -> Analyzer:
    """The Analyzer with the shipped topics (built once: the gazetteer takes seconds)."""
    return Analyzer.build(load_settings(ROOT / "config" / "claimwatch.toml").topics)


@functools.cache
def topic_ids() -> frozenset[str]:
    return frozenset(t.id for t in analyzer().topics)


@functools.cache
def corpus_files(root: Path, suffixes: tuple[str, ...] = ()) -> tuple[Path, ...]:
    """Every file under `root` (sorted, so examples replay), or () when it is absent."""
    if not root.is_dir():
        return ()
    return tuple(
        sorted(p for p in root.rglob("*") if p.is_file() and (not suffixes or p.suffix in suffixes))
    )


# ------------------------------------------------------------------ the checks (one per target)
def check_parse_feed(body: bytes, content_type: str = "", url: str = FEED_URL) -> None:
    """parse_feed returns a title and well-formed entries, or raises FeedError; nothing else."""
    try:
        title, entries = parse_feed(body, url=url, content_type=content_type)
    except FeedError:
        return
    assert isinstance(title, str)
    for entry in entries:
        assert isinstance(entry, FeedEntry)
        assert isinstance(entry.key, str)
        assert entry.key
        assert isinstance(entry.title, str)
        assert isinstance(entry.summary, str)
        assert entry.link is None or entry.link.startswith(("http://", "https://"))
        assert entry.published is None or entry.published.tzinfo is not None


def check_extract(html: bytes | str, url: str = PAGE_URL) -> None:
    """extract_html returns a Document with enough text, or None; it never raises."""
    doc = extract_html(html, url=url)
    if doc is None:
        return
    assert isinstance(doc, Document)
    assert len(doc.text) >= MIN_TEXT_CHARS
    assert isinstance(doc.title, str)
    assert isinstance(doc.source, str)
    assert doc.published is None or doc.published.tzinfo is not None


def check_pipeline(doc: Document) -> None:
    """evaluate never raises; alerts name configured topics; a re-seen article is a copy."""
    a = analyzer()
    corpus = Corpus()
    evaluation = a.evaluate(doc, corpus)
    for result in evaluation.claims:
        assert {h.topic_id for h in result.hits} <= topic_ids()
        assert set(result.novelty) == {h.topic_id for h in result.hits}
    alerts = evaluation.alerts
    assert {draft.topic_id for draft in alerts} <= topic_ids()
    # Recorded as the monitor records it, the same article again is a copy and stays quiet.
    claim_ids = list(range(1, len(evaluation.claims) + 1))
    corpus.duplicates.add(1, doc.url, evaluation.fingerprint)
    corpus.claims.extend(known_claims(evaluation, claim_ids, only_topical=True))
    again = a.evaluate(doc, corpus)
    assert again.duplicate_of is not None
    assert again.alerts == []


def check_entry(body: bytes, content_type: str = "") -> None:
    """One feed through the path the monitor takes without page fetches: every entry's own
    text is evaluated, and only FeedError may come out."""
    try:
        _title, entries = parse_feed(body, url=FEED_URL, content_type=content_type)
    except FeedError:
        return
    feed = FeedRow(id=1, url=FEED_URL, name="fuzz")
    for entry in entries:
        doc = Monitor._feed_document(feed, entry)
        if doc is not None:
            evaluation = analyzer().evaluate(doc, Corpus())
            assert {d.topic_id for d in evaluation.alerts} <= topic_ids()


# ------------------------------------------------------------------ text strategies
NEWS_FRAGMENTS = (
    "Russian forces captured", "Ukrainian troops withdrew from", "the Zaporizhzhia nuclear plant",
    "Zaporizhzhia NPP", "ZNPP", "Enerhodar", "Pokrovsk", "Siversk", "Kupiansk", "Kup'yansk",
    "Huliaipole", "Kostiantynivka", "Myrnohrad", "Donetsk region", "Kherson", "Crimea", "Kursk",
    "Belgorod", "Kyiv", "Moscow", "the Kremlin", "U.S.", "U.S. envoy Steve Witkoff",
    "Lt. Gen.", "Gen. Valery Gerasimov", "Mr. Zelensky", "Dr.", "St. Petersburg", "No. 4",
    "Jan. 5", "Dec 11", "KYIV, Dec 11 (Wire Service) -", "MOSCOW (AP) —", "said", "told reporters",
    "denied", "confirmed", "according to the IAEA", "Rafael Grossi said", "claimed", "demanded",
    "a demilitarized zone", "a buffer zone", "free economic zone", "joint management",
    "the plant is idle", "reactors in cold shutdown", "\"We will not give up\", he said.",
    "«Мы освободили Покровск»", "Минобороны России заявило", "ЗСУ звільнили", "Запорізька АЕС",
    "Энергодар", "Покровську", "Купянска", "since 2022", "in 2014", "the first time since 2022",
    "occupied since March 2022", "took control of", "is ours", "not been captured",
    "encircled", "cauldron", "pushed into", "on the outskirts of", "annexed", "ceded territory",
    "Russia controls about 20% of", "one fifth of Ukraine", "?", "!", "...", "…", "—", "–",
    "(", ")", "\"", "“", "”", "«", "»", "'", "’", ";", ":", ",", ".",
)
_SEPARATORS = (" ", " ", " ", ". ", ", ", "; ", ": ", " — ", "\n", "\n\n", "\t", "\u00a0",
               "\r\n", "\u2028", "\x85", ".\n", "? ", "! ")
# Scripts and code points that trip text code: Cyrillic, RTL, combining marks, controls,
# invisible formatting, line separators, non-BMP, private use, unassigned, lone surrogates.
_HOSTILE = st.one_of(
    st.characters(min_codepoint=0x400, max_codepoint=0x4FF),
    st.characters(min_codepoint=0x590, max_codepoint=0x6FF),
    st.characters(min_codepoint=0x300, max_codepoint=0x36F),
    st.sampled_from(list("\u0306\u0308\u200b\u200c\u200d\u200e\u200f\u202a\u202e\u2066\u2069"
                         "\ufeff\u2028\u2029\x85\x00\x0b\x0c\x1c\x1d\x1e\u00ad\u0130\u0131"
                         "\u1e9e\ufb03\u2126\u212a\u0345\u03c2İ'’ʼ-.\n")),
    st.characters(categories=["Cc", "Cf", "Co", "Cn", "Cs"]),
    st.characters(min_codepoint=0x1F000, max_codepoint=0x1FAFF),
    st.characters(),
)
hostile_text = st.text(_HOSTILE, max_size=400)


@st.composite
def news_text(draw: st.DrawFn, max_pieces: int = 60) -> str:
    """Text built from news-like fragments, separators and the odd hostile run."""
    pieces = draw(st.lists(
        st.one_of(
            st.sampled_from(NEWS_FRAGMENTS),
            st.sampled_from(NEWS_FRAGMENTS).map(str.upper),
            st.sampled_from(NEWS_FRAGMENTS).map(str.lower),
            st.text(max_size=12),
            st.text(_HOSTILE, max_size=6),
        ),
        max_size=max_pieces,
    ))
    out = []
    for piece in pieces:
        out.append(piece)
        out.append(draw(st.sampled_from(_SEPARATORS)))
    text = "".join(out)
    extra = draw(st.sampled_from(["", "", "", "long-token", "newlines", "repeat"]))
    if extra == "long-token":
        text += " " + draw(st.sampled_from(["a", "Я", "x.", "-", "'", "1", "A."])) * draw(
            st.integers(500, 20_000)
        )
    elif extra == "newlines":
        text = text.replace(" ", "\n" * draw(st.integers(1, 50)))
    elif extra == "repeat":
        text = text * draw(st.integers(2, 30))
    return text


any_text = st.one_of(news_text(), hostile_text, st.text(max_size=300))

_TIMEZONES = st.sampled_from([None, UTC, timezone(timedelta(hours=14)),
                              timezone(-timedelta(hours=23, minutes=59))])
documents = st.builds(
    Document,
    url=st.one_of(st.just(PAGE_URL), st.text(max_size=40)),
    title=st.one_of(st.just(""), news_text(max_pieces=8), hostile_text),
    text=any_text,
    source=st.text(max_size=20),
    published=st.one_of(st.none(), st.datetimes(
        min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=_TIMEZONES
    )),
)


# ------------------------------------------------------------------ feed strategies
_URLS = st.one_of(
    st.sampled_from([
        "https://news.example.org/a?utm_source=x&id=1&fbclid=y#frag", "/relative/path", "//host/p",
        "?q=1", "javascript:alert(1)", "http://[::1", "http://[abc]/", "http://[::1]:99999/x",
        "https://[v7.zz]/", "http://a:b@c:-1/", "mailto:x@example.org", "", " ", "\t\n",
        "http://exa mple.org/", "https://пример.рф/статья?ид=1", "data:text/html,<b>x</b>",
        "\x00http://x/", "http://%zz/", "https://example.org/" + "a" * 3000, "HTTP://EXAMPLE.ORG",
        "http://example.org:80:80/", "file:///etc/passwd", "urn:uuid:1234",
    ]),
    st.text(max_size=60),
    st.builds("{}://{}/{}".format, st.sampled_from(["http", "https", "HTTPS", "ftp", ""]),
              st.text(max_size=15), st.text(max_size=20)),
)
_DATES = st.one_of(
    st.sampled_from([
        "Mon, 01 Jan 9999 23:59:59 -1200", "Fri, 31 Dec 9999 23:59:59 -1400",
        "0000-00-00T00:00:00Z",
        "2024-02-30T25:61:61+99:99", "1969-12-31T23:59:59Z", "Thu, 01 Jan 1970 00:00:00 GMT",
        "2024-13-01", "-0001-01-01", "99999-01-01T00:00:00Z", "yesterday", "", "0001-01-01",
        "Sun, 31 Dec 1899 23:59:59 +2400", "2025-01-01T00:00:00.999999999999Z", "1e308",
        "Вт, 11 дек 2025 10:00:00 +0300", "2025-W01-1", "20250101T000000Z",
    ]),
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)).map(
        lambda d: d.strftime("%a, %d %b %Y %H:%M:%S +0000")
    ),
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)).map(
        lambda d: d.isoformat() + "Z"
    ),
    st.text(max_size=40),
)
_ENTITIES = st.sampled_from([
    "&amp;", "&lt;", "&gt;", "&quot;", "&nbsp;", "&mdash;", "&#0;", "&#xD800;", "&#xDFFF;",
    "&#x110000;", "&#99999999999999999999;", "&#x;", "&#;", "&foo;", "&", "&#8212;", "&#x202E;",
    "&amp;lt;script&amp;gt;", "&lt;![CDATA[", "&#65", "&AElig", "&lol;",
])
_MARKUP = st.sampled_from([
    "<b>", "</b>", "<p>", "</p>", "<br>", "<br/>", "<script>alert(1)</script>",
    "<style>p{}</style>", "<![CDATA[", "]]>", "<!--", "-->", "<", ">", "<?pi x?>",
    "<img src=x onerror=alert(1)>", "<div><div><div>", "</div></div>", "<a href='/x'>",
    "<svg><foreignObject><p>", "<table><tr><td>", "<iframe srcdoc='<p>x'>",
])


@st.composite
def _field(draw: st.DrawFn) -> str:
    """A text field as feeds write them: escaped, raw, CDATA, entity-laden or HTML."""
    parts = draw(st.lists(
        st.one_of(any_text, _ENTITIES, _MARKUP, st.sampled_from(NEWS_FRAGMENTS)), max_size=8
    ))
    text = "".join(parts)
    mode = draw(st.sampled_from(["escape", "raw", "cdata", "html", "double"]))
    if mode == "escape":
        return escape(text)
    if mode == "cdata":
        return f"<![CDATA[{text}]]>"
    if mode == "html":
        return escape(f"<p>{text}</p>")
    if mode == "double":
        return escape(escape(text))
    return text


_QUOT = {'"': "&quot;"}
_ENCODINGS = ("utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1251",
              "koi8-r", "shift_jis", "gb18030", "iso-2022-jp", "utf-7", "ascii", "cp1252")


@st.composite
def _item(draw: st.DrawFn, kind: str) -> str:
    tags = []
    for name in draw(st.lists(
        st.sampled_from(["title", "link", "guid", "date", "summary", "content", "author", "junk"]),
        max_size=8,
    )):
        value = draw(_URLS if name in ("link", "guid") else _DATES if name == "date" else _field())
        if name == "date":
            tag = {"rss": "pubDate", "atom": "updated", "rdf": "dc:date"}[kind]
            tags.append(f"<{tag}>{value}</{tag}>")
        elif name == "link" and kind == "atom":
            rel = draw(st.sampled_from(["", " rel='alternate'", " rel='enclosure'"]))
            tags.append(f'<link{rel} href="{escape(value, _QUOT)}"/>')
        elif name == "guid":
            tag = "id" if kind == "atom" else "guid"
            tags.append(f"<{tag}>{escape(value)}</{tag}>")
        elif name == "summary":
            tag = {"rss": "description", "atom": "summary", "rdf": "description"}[kind]
            tags.append(f"<{tag}>{value}</{tag}>")
        elif name == "content":
            tag = "content type='html'" if kind == "atom" else "content:encoded"
            tags.append(f"<{tag}>{value}</{tag.split()[0]}>")
        elif name == "author":
            tags.append(f"<author><name>{value}</name></author>" if kind == "atom"
                        else f"<dc:creator>{value}</dc:creator>")
        elif name == "link":
            tags.append(f"<link>{escape(value)}</link>")
        else:
            tags.append(f"<{name}>{value}</{name}>")
    body = "".join(tags)
    depth = draw(st.integers(0, 3))
    if depth:  # nesting: entries inside entries, or inside unknown elements
        wrapper = draw(st.sampled_from(["x:wrap", "item", "entry", "div", "channel"]))
        body = f"<{wrapper}>" * depth + body + f"</{wrapper}>" * depth
    tag = "entry" if kind == "atom" else "item"
    return f"<{tag}>{body}</{tag}>"


@st.composite
def structured_feeds(draw: st.DrawFn) -> tuple[bytes, str]:
    """RSS 2.0, Atom or RSS 1.0 with random fields, declared and actual encodings."""
    kind = draw(st.sampled_from(["rss", "atom", "rdf"]))
    items = "".join(draw(st.lists(_item(kind), max_size=5)))
    title = draw(_field())
    ns = ('xmlns:content="http://purl.org/rss/1.0/modules/content/" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/"')
    if kind == "rss":
        doc = f'<rss version="2.0" {ns}><channel><title>{title}</title>{items}</channel></rss>'
    elif kind == "atom":
        doc = f'<feed xmlns="http://www.w3.org/2005/Atom"><title>{title}</title>{items}</feed>'
    else:
        doc = (f'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
               f'xmlns="http://purl.org/rss/1.0/" {ns}><channel><title>{title}</title>'
               f'</channel>{items}</rdf:RDF>')
    prolog = draw(st.sampled_from([
        "", "<!DOCTYPE rss SYSTEM 'http://my.netscape.com/publish/formats/rss-0.91.dtd'>",
        '<!DOCTYPE x [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>',
        '<!DOCTYPE x [<!ENTITY ext SYSTEM "file:///etc/passwd">]>',
        "<?xml-stylesheet href='x.xsl'?>",
    ]))
    declared = draw(st.sampled_from(["", *_ENCODINGS, "bogus-enc", "utf-8\x00"]))
    decl = f'<?xml version="1.0" encoding="{declared}"?>' if declared else ""
    actual = draw(st.sampled_from(_ENCODINGS))
    text = decl + prolog + doc
    errors = draw(st.sampled_from(["replace", "ignore", "xmlcharrefreplace"]))
    body = text.encode(actual, errors=errors)
    if draw(st.booleans()):
        body = draw(st.sampled_from([codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE,
                                     codecs.BOM_UTF32_LE, b"\x00", b" \n"])) + body
    content_type = draw(st.sampled_from([
        "", "application/rss+xml", "text/xml", "application/atom+xml; charset=utf-8",
        f"text/xml; charset={draw(st.sampled_from(_ENCODINGS))}", "text/html", "text/plain",
        "application/xml; charset=bogus", "text/xml; charset=\"utf-16\"",
    ]))
    return body, content_type


_SPLICES = (
    b"<", b">", b"&", b"]]>", b"<![CDATA[", b"&#xD800;", b"&#0;", b"\x00", b"\xff\xfe",
    b"\xef\xbb\xbf", b"\xc3\x28", b"\xed\xa0\x80", b"<item>", b"</item>", b"<entry>",
    b"</channel>", b"<link>http://[::1</link>", b"<link href='http://[x]'/>",
    b"<pubDate>Fri, 31 Dec 9999 23:59:59 -1400</pubDate>", b"<!--", b'"', b"'",
    b'<?xml version="1.0" encoding="utf-16"?>', b"<!DOCTYPE x [<!ENTITY a 'b'>]>", b"&a;",
    b"<div>" * 200, b"\r\n",
)


@st.composite
def mutate(draw: st.DrawFn, data: bytes) -> bytes:
    """Byte-level mutations: flips, deletions, insertions, duplications, splices, truncation."""
    buf = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["flip", "delete", "insert", "dup", "splice", "truncate"]))
        pos = draw(st.integers(0, len(buf)))
        size = draw(st.integers(1, 64))
        if op == "flip" and pos < len(buf):
            buf[pos] ^= 1 << draw(st.integers(0, 7))
        elif op == "delete":
            del buf[pos : pos + size]
        elif op == "insert":
            buf[pos:pos] = draw(st.binary(min_size=1, max_size=size))
        elif op == "dup":
            buf[pos:pos] = buf[pos : pos + size] * draw(st.integers(1, 20))
        elif op == "splice":
            buf[pos:pos] = draw(st.sampled_from(_SPLICES))
        elif op == "truncate":
            del buf[pos:]
    return bytes(buf)


def mutated_files(files: tuple[Path, ...], max_bytes: int = 200_000) -> st.SearchStrategy[bytes]:
    return st.sampled_from(files).map(lambda p: p.read_bytes()[:max_bytes]).flatmap(mutate)


# ------------------------------------------------------------------ page strategies
@st.composite
def hostile_pages(draw: st.DrawFn) -> bytes | str:
    """Pages built to break extractors, around enough article text to be kept."""
    paragraphs = draw(st.lists(news_text(max_pieces=25), max_size=6))
    article = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    head = "<title>" + escape(draw(st.text(max_size=40))) + "</title>"
    date = draw(_DATES)
    head += draw(st.sampled_from([
        f'<meta property="article:published_time" content="{escape(date)}">',
        f'<meta name="date" content="{escape(date)}">',
        f'<script type="application/ld+json">{{"datePublished": "{date}"}}</script>', "",
    ]))
    shape = draw(st.sampled_from([
        "plain", "deep", "huge-attr", "script-only", "nul", "unclosed", "comment", "foreign",
    ]))
    if shape == "deep":
        tag = draw(st.sampled_from(["div", "span", "b", "table", "ul", "p", "a", "section"]))
        n = draw(st.integers(100, 5000))
        article = f"<{tag}>" * n + article + f"</{tag}>" * draw(st.integers(0, n))
    elif shape == "huge-attr":
        value = draw(st.sampled_from(["a", "\"", "&", "<", "€", "\x00"])) * draw(
            st.integers(10_000, 300_000)
        )
        article = f'<div class="{value}" data-x={value}>{article}</div>'
    elif shape == "script-only":
        article = "<script>" + escape("".join(paragraphs)) * 5 + "</script>"
    elif shape == "nul":
        article = article.replace(" ", draw(st.sampled_from(["\x00", " \x00", "\x00\x00"])))
    elif shape == "unclosed":
        article = article.replace("</p>", "") + "<p><div><table><td"
    elif shape == "comment":
        article = "<!--" + article if draw(st.booleans()) else article + "<![CDATA[" + article
    elif shape == "foreign":
        article = f"<svg><foreignObject><math><mtext>{article}</mtext></math></svg>"
    html = f"<html><head>{head}</head><body><article>{article}</article></body></html>"
    charset = draw(st.sampled_from(["", *_ENCODINGS, "bogus", "x-user-defined"]))
    if charset:
        html = html.replace("<head>", f'<head><meta charset="{charset}">', 1)
    as_bytes = draw(st.sampled_from(["str", "utf-8", *_ENCODINGS, "broken"]))
    if as_bytes == "str":
        return html
    if as_bytes == "broken":
        raw = bytearray(html.encode())
        for _ in range(draw(st.integers(1, 20))):
            raw.insert(draw(st.integers(0, len(raw))), draw(st.sampled_from([0x80, 0xFF, 0xC3])))
        return bytes(raw)
    return html.encode(as_bytes, errors="replace")


pages = st.one_of(st.binary(max_size=2000), st.text(max_size=2000), hostile_pages())


# ------------------------------------------------------------------ properties (default suite)
@FAST
@given(body=st.binary(max_size=4000), content_type=st.sampled_from(["", "text/xml", "text/html"]))
def test_parse_feed_arbitrary_bytes(body: bytes, content_type: str) -> None:
    """Arbitrary bytes give entries or FeedError, never another exception."""
    check_parse_feed(body, content_type)


@FAST
@given(feed=structured_feeds())
def test_parse_feed_structured(feed: tuple[bytes, str]) -> None:
    """RSS/Atom/RDF with hostile fields, entities, CDATA, nesting and encodings parse safely."""
    check_parse_feed(*feed)


@FAST
@given(data=st.data())
def test_parse_feed_mutated_fixtures(data: st.DataObject) -> None:
    """Byte-level mutations of feedparser's own test feeds parse safely."""
    files = corpus_files(FEED_CORPUS)
    if not files:
        pytest.skip(f"feed corpus absent: {FEED_CORPUS}")
    check_parse_feed(data.draw(mutated_files(files)))


@FAST
@given(page=pages)
def test_extract_html_never_raises(page: bytes | str) -> None:
    """Arbitrary and hostile pages give a Document or None."""
    check_extract(page)


@settings(FAST, max_examples=15)
@given(data=st.data())
def test_extract_html_mutated_pages(data: st.DataObject) -> None:
    """Byte-level mutations of real article pages give a Document or None."""
    files = corpus_files(HTML_CORPUS, (".html",))
    if not files:
        pytest.skip(f"html corpus absent: {HTML_CORPUS}")
    check_extract(data.draw(mutated_files(files, max_bytes=5_000_000)))


@FAST
@given(doc=documents)
def test_pipeline_never_raises(doc: Document) -> None:
    """Any text, in any script, evaluates; alerts only name configured topics."""
    check_pipeline(doc)


@FAST
@given(feed=structured_feeds())
def test_entry_path_never_raises(feed: tuple[bytes, str]) -> None:
    """A generated feed goes through parse and evaluation of each entry's own text."""
    check_entry(*feed)


# ------------------------------------------------------------------ regressions found by fuzzing
def test_invalid_ipv6_link_drops_the_link_not_the_feed() -> None:
    """An entry link with a broken IPv6 host ("http://[::1") loses its link; the feed parses."""
    body = (b"<rss><channel><title>t</title>"
            b"<item><title>bad</title><link>http://[::1</link></item>"
            b"<item><title>bad too</title><link>http://[abc]/</link></item>"
            b"<item><title>good</title><link>https://example.org/a</link></item>"
            b"</channel></rss>")
    _title, entries = parse_feed(body, url=FEED_URL)
    assert [(e.title, e.link) for e in entries] == [
        ("bad", None), ("bad too", None), ("good", "https://example.org/a"),
    ]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"<rss><channel><title>t</title><item><title>&#x110000;</title></item>"
                     b"</channel></rss>", id="charref-beyond-unicode"),
        pytest.param(b"<rss><channel><title>t</title><item><title>&#xD800;</title></item>"
                     b"</channel></rss>", id="charref-surrogate"),
        pytest.param(b'<?xml version="1.0" encoding="utf-8\x00"?><rss><channel><title>t'
                     b"</title></channel></rss>", id="nul-in-encoding-name"),
    ],
)
def test_feedparser_crash_becomes_feed_error(body: bytes) -> None:
    """Bytes on which feedparser itself raises are refused with FeedError."""
    with pytest.raises(FeedError, match="not a feed"):
        parse_feed(body, url=FEED_URL)


def test_overlong_author_is_cut_before_feedparser_scans_it() -> None:
    """A 60 KB <author> (the fuzzer's slow feed: feedparser's e-mail regex is quadratic in
    it) is cut to 512 characters, so the feed parses at once instead of holding a worker."""
    body = (b"<rss><channel><title>t</title><item><title>x</title><author>"
            + b"a." * 30_000 + b"</author></item></channel></rss>")
    _title, entries = parse_feed(body, url=FEED_URL)
    assert len(entries) == 1
    assert 0 < len(entries[0].author) <= 512


# ------------------------------------------------------------------ long runs (--run-slow)
@pytest.mark.slow
@SLOW
@given(feed=st.one_of(structured_feeds(), st.binary(max_size=20_000)))
def test_parse_feed_long(feed: tuple[bytes, str] | bytes) -> None:
    """The feed properties, many more examples."""
    if isinstance(feed, bytes):
        check_parse_feed(feed)
    else:
        check_parse_feed(*feed)


@pytest.mark.slow
@SLOW
@given(page=pages)
def test_extract_html_long(page: bytes | str) -> None:
    """The page property, many more examples."""
    check_extract(page)


@pytest.mark.slow
@SLOW
@given(doc=documents)
def test_pipeline_long(doc: Document) -> None:
    """The pipeline property, many more examples."""
    check_pipeline(doc)


@pytest.mark.slow
@SLOW
@given(feed=structured_feeds())
def test_entry_path_long(feed: tuple[bytes, str]) -> None:
    """The whole-entry property, many more examples."""
    check_entry(*feed)
