"""The HTTP adapter against real, misbehaving servers on loopback.

The `server` fixture (a LoopbackServer on 127.0.0.1) comes from conftest.py.
"""

from __future__ import annotations

import email.utils
import functools
import gzip
import ipaddress
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from claimwatch.config import FetchSettings
from claimwatch.errors import (
    BlockedAddressError,
    FetchError,
    PermanentFetchError,
    TransientFetchError,
)
from claimwatch.fetch import Fetcher, Response, public_only
from tests.servers import LoopbackServer, Reply, Request

RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
SECRET_BODY = b"internal stack trace: do not show me"


def make_settings(**overrides: Any) -> FetchSettings:
    values: dict[str, Any] = {
        "connect_timeout": 1.0,
        "read_timeout": 1.0,
        "total_timeout": 3.0,
        "max_bytes": 1_000_000,
        "max_redirects": 3,
        "user_agent": "claimwatch-test/1.0",
        "allow_private_addresses": True,
    }
    values.update(overrides)
    return FetchSettings(**values)


def only(*allowed: str) -> Callable[[ipaddress.IPv4Address | ipaddress.IPv6Address], bool]:
    """An address policy admitting exactly these addresses."""
    admitted = {ipaddress.ip_address(a) for a in allowed}
    return lambda ip: ip in admitted


def resolving(mapping: dict[str, list[str]]) -> Callable[..., list[Any]]:
    """A getaddrinfo stand-in that answers from `mapping` (and fails for other names)."""

    def resolve(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        if host not in mapping:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (addr, port))
            for addr in mapping[host]
        ]

    return resolve


@pytest.fixture
def server2() -> Iterator[LoopbackServer]:
    """A second server on 127.0.0.2, an address the tests' policies can forbid."""
    with LoopbackServer("127.0.0.2") as s:
        yield s


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(make_settings()) as f:
        yield f


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port whose kernel completes the handshake but whose owner never answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        yield int(s.getsockname()[1])


@pytest.fixture
def header_trickler() -> Iterator[int]:
    """A port that answers with a status line, then one header byte every 0.2 s for 5 s."""
    stop = threading.Event()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.settimeout(0.1)

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            with conn:
                try:
                    conn.recv(65536)
                    conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                    # Give up after 5 s so a regression fails the test instead of hanging.
                    for _ in range(25):
                        if stop.wait(0.2):
                            break
                        conn.sendall(b"a")
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield int(listener.getsockname()[1])
    stop.set()
    thread.join(timeout=5)
    listener.close()


@functools.cache
def gzip_bomb() -> bytes:
    """200 MB of zeros, gzip-compressed to about 200 KB."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1 << 20)
    parts = [compressor.compress(block) for _ in range(200)]
    parts.append(compressor.flush())
    return b"".join(parts)


def assert_one_line_naming(error: FetchError, url: str) -> None:
    message = str(error)
    assert url in message
    assert "\n" not in message
    assert SECRET_BODY.decode() not in message


# --- success --------------------------------------------------------------------------


def test_plain_200_returns_body_headers_and_sends_our_headers(
    server: LoopbackServer, fetcher: Fetcher
) -> None:
    """A normal feed comes back with its body, lower-cased headers and validators."""
    server.route(
        "/feed.xml",
        Reply(
            body=RSS,
            headers={
                "Content-Type": "application/rss+xml; charset=utf-8",
                "ETag": '"v1"',
                "Last-Modified": "Wed, 01 Jan 2025 00:00:00 GMT",
                "X-Custom": "yes",
            },
        ),
    )
    response = fetcher.get(server.url("/feed.xml?x=1"), accept="application/rss+xml")
    assert response == Response(
        url=server.url("/feed.xml?x=1"), status=200, body=RSS, headers=response.headers
    )
    assert not response.not_modified
    assert response.etag == '"v1"'
    assert response.last_modified == "Wed, 01 Jan 2025 00:00:00 GMT"
    assert response.content_type == "application/rss+xml; charset=utf-8"
    assert response.headers["x-custom"] == "yes"
    sent = server.requests_for("/feed.xml")[0]
    assert sent.method == "GET"
    assert sent.path == "/feed.xml?x=1"
    assert sent.headers["user-agent"] == "claimwatch-test/1.0"
    assert sent.headers["accept"] == "application/rss+xml"
    assert sent.headers["accept-encoding"] == "gzip, deflate"
    assert "if-none-match" not in sent.headers
    assert "if-modified-since" not in sent.headers


def test_missing_headers_read_as_none_or_empty(server: LoopbackServer, fetcher: Fetcher) -> None:
    """A response without validators or Content-Type reports None / "" rather than failing."""
    server.route("/bare", Reply(status=204))
    response = fetcher.get(server.url("/bare"))
    assert (response.status, response.body) == (204, b"")
    assert response.etag is None
    assert response.last_modified is None
    assert response.content_type == ""
    assert server.requests_for("/bare")[0].headers["accept"] == "*/*"


def test_conditional_get_sends_validators_and_returns_304(
    server: LoopbackServer, fetcher: Fetcher
) -> None:
    """An unchanged feed costs a 304 with an empty body when we send its validators."""

    def handler(request: Request) -> Reply:
        if request.headers.get("if-none-match") == '"v1"':
            return Reply(status=304, headers={"ETag": '"v1"'})
        return Reply(body=RSS, headers={"ETag": '"v1"'})

    server.route("/feed.xml", handler)
    response = fetcher.get(
        server.url("/feed.xml"), etag='"v1"', last_modified="Wed, 01 Jan 2025 00:00:00 GMT"
    )
    assert response.not_modified
    assert response.status == 304
    assert response.body == b""
    assert response.etag == '"v1"'
    sent = server.requests_for("/feed.xml")[0].headers
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Wed, 01 Jan 2025 00:00:00 GMT"


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_compressed_body_is_decoded(
    server: LoopbackServer, fetcher: Fetcher, encoding: str
) -> None:
    """A gzip- or deflate-encoded feed arrives as its plain bytes."""
    encoded = gzip.compress(RSS) if encoding == "gzip" else zlib.compress(RSS)
    server.route("/feed.xml", Reply(body=encoded, headers={"Content-Encoding": encoding}))
    assert fetcher.get(server.url("/feed.xml")).body == RSS


def test_corrupt_gzip_body_is_permanent(server: LoopbackServer, fetcher: Fetcher) -> None:
    """A body that claims gzip but is not is reported, not retried forever."""
    server.route("/feed.xml", Reply(body=SECRET_BODY, headers={"Content-Encoding": "gzip"}))
    url = server.url("/feed.xml")
    with pytest.raises(PermanentFetchError, match="Content-Encoding") as info:
        fetcher.get(url)
    assert_one_line_naming(info.value, url)


def test_chunked_body_is_read(server: LoopbackServer, fetcher: Fetcher) -> None:
    """A body sent with chunked transfer encoding arrives whole."""
    body = RSS * 2000
    server.route("/feed.xml", Reply(body=body, headers={"Transfer-Encoding": "chunked"}))
    assert fetcher.get(server.url("/feed.xml")).body == body


def test_one_fetcher_serves_many_threads(server: LoopbackServer, fetcher: Fetcher) -> None:
    """Worker threads sharing one Fetcher each get their own, correct response."""
    for i in range(8):
        server.route(f"/feed/{i}", Reply(body=f"feed {i}".encode() * 100))
    results: dict[tuple[int, int], bytes] = {}
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for j in range(5):
                results[i, j] = fetcher.get(server.url(f"/feed/{i}")).body
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert errors == []
    assert len(results) == 40
    assert all(body == f"feed {i}".encode() * 100 for (i, _), body in results.items())


# --- failures that may heal: transient ------------------------------------------------


def test_connection_refused_is_transient_and_names_the_url(
    fetcher: Fetcher, closed_port: int
) -> None:
    """A feed whose server is down is retried later, and the log names that feed."""
    url = f"http://127.0.0.1:{closed_port}/feed.xml"
    with pytest.raises(TransientFetchError) as info:
        fetcher.get(url)
    assert info.value.url == url
    assert "refused" in info.value.reason
    assert_one_line_naming(info.value, url)


def test_dns_failure_is_transient() -> None:
    """A host name that does not resolve is retried later."""
    fetcher = Fetcher(make_settings(), resolver=resolving({}))
    with pytest.raises(TransientFetchError, match="DNS"):
        fetcher.get("http://nowhere.example.test/feed.xml")


def test_server_that_never_answers_times_out(silent_port: int) -> None:
    """A server that accepts but never answers frees the worker after the read timeout."""
    fetcher = Fetcher(make_settings(read_timeout=0.5, total_timeout=10))
    url = f"http://127.0.0.1:{silent_port}/feed.xml"
    started = time.monotonic()
    with pytest.raises(TransientFetchError) as info:
        fetcher.get(url)
    assert time.monotonic() - started < 2
    assert "timed out" in info.value.reason
    assert_one_line_naming(info.value, url)


def test_body_trickling_one_byte_per_second_hits_total_timeout(server: LoopbackServer) -> None:
    """A server sending one byte per second cannot hold a worker past total_timeout."""
    server.route("/slow", Reply(body=b"x" * 60, trickle=1.0))
    fetcher = Fetcher(make_settings(read_timeout=3, total_timeout=2))
    started = time.monotonic()
    with pytest.raises(TransientFetchError) as info:
        fetcher.get(server.url("/slow"))
    elapsed = time.monotonic() - started
    assert 1.5 < elapsed < 3
    assert "timed out after 2s" in info.value.reason


def test_headers_trickling_hit_total_timeout(header_trickler: int) -> None:
    """A server dribbling its headers cannot hold a worker past total_timeout either."""
    fetcher = Fetcher(make_settings(read_timeout=1, total_timeout=1.5))
    started = time.monotonic()
    with pytest.raises(TransientFetchError, match="timed out"):
        fetcher.get(f"http://127.0.0.1:{header_trickler}/feed.xml")
    assert time.monotonic() - started < 2.5


def test_stop_event_interrupts_a_fetch_in_progress(server: LoopbackServer) -> None:
    """Shutting down does not wait for a slow download to finish."""
    server.route("/slow", Reply(body=b"x" * 60, trickle=2.0))
    stop = threading.Event()
    fetcher = Fetcher(make_settings(read_timeout=5, total_timeout=30), stop=stop)
    timer = threading.Timer(0.3, stop.set)
    timer.start()
    started = time.monotonic()
    with pytest.raises(TransientFetchError, match="shutting down"):
        fetcher.get(server.url("/slow"))
    # Well before the next byte (2 s) would let a between-reads check notice.
    assert time.monotonic() - started < 1.0
    timer.join()


def test_no_fetch_once_stop_is_set(server: LoopbackServer) -> None:
    """After shutdown has begun no new request goes out."""
    server.route("/feed.xml", Reply(body=RSS))
    stop = threading.Event()
    stop.set()
    with pytest.raises(TransientFetchError):
        Fetcher(make_settings(), stop=stop).get(server.url("/feed.xml"))
    assert server.requests == []


def _in_two_minutes() -> str:
    return email.utils.formatdate(time.time() + 120, usegmt=True)


@pytest.mark.parametrize(
    ("status", "retry_after", "expected"),
    [
        (500, None, None),
        (502, "bogus", None),
        (408, None, None),
        (503, "120", 120.0),
        (503, "0", 0.0),
        (503, "-5", None),
        (503, "9999999999", 86_400.0),
        (429, "HTTP-DATE", 120.0),
        (429, "Wed, 01 Jan 2020 00:00:00 GMT", 0.0),
    ],
)
def test_server_trouble_is_transient_with_retry_after(
    server: LoopbackServer,
    fetcher: Fetcher,
    status: int,
    retry_after: str | None,
    expected: float | None,
) -> None:
    """5xx, 408 and 429 are retried later, as soon as the server's Retry-After allows."""
    headers = {}
    if retry_after is not None:
        headers["Retry-After"] = _in_two_minutes() if retry_after == "HTTP-DATE" else retry_after
    server.route("/feed.xml", Reply(status=status, body=SECRET_BODY, headers=headers))
    url = server.url("/feed.xml")
    with pytest.raises(TransientFetchError) as info:
        fetcher.get(url)
    assert info.value.reason == f"HTTP {status}"
    if expected is None:
        assert info.value.retry_after is None
    else:
        assert info.value.retry_after == pytest.approx(expected, abs=3)
    assert_one_line_naming(info.value, url)


# --- failures that will not heal by themselves: permanent ------------------------------


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410])
def test_client_errors_are_permanent(server: LoopbackServer, fetcher: Fetcher, status: int) -> None:
    """A feed that is gone or forbidden is reported, not hammered."""
    server.route("/feed.xml", Reply(status=status, body=SECRET_BODY))
    url = server.url("/feed.xml")
    with pytest.raises(PermanentFetchError) as info:
        fetcher.get(url)
    assert not info.value.transient
    assert info.value.reason == f"HTTP {status}"
    assert_one_line_naming(info.value, url)


def test_unknown_path_is_permanent_404(server: LoopbackServer, fetcher: Fetcher) -> None:
    """A feed URL the server does not know is a permanent 404."""
    with pytest.raises(PermanentFetchError, match="HTTP 404"):
        fetcher.get(server.url("/nope"))


def test_redirect_loop_is_permanent(server: LoopbackServer, fetcher: Fetcher) -> None:
    """A feed whose redirects go round in a circle fails at once instead of spinning."""
    server.route("/a", Reply(status=302, headers={"Location": "/b"}))
    server.route("/b", Reply(status=302, headers={"Location": "/a"}))
    url = server.url("/a")
    with pytest.raises(PermanentFetchError, match="redirect loop") as info:
        fetcher.get(url)
    assert info.value.url == url
    assert len(server.requests) == 2


def test_too_many_redirects_is_permanent(server: LoopbackServer, fetcher: Fetcher) -> None:
    """A redirect chain longer than max_redirects fails after max_redirects hops."""
    for i in range(6):
        server.route(f"/r{i}", Reply(status=301, headers={"Location": f"/r{i + 1}"}))
    with pytest.raises(PermanentFetchError, match="more than 3 redirects"):
        fetcher.get(server.url("/r0"))
    assert len(server.requests) == 4


def test_exactly_max_redirects_is_followed(server: LoopbackServer, fetcher: Fetcher) -> None:
    """A chain of exactly max_redirects hops still reaches the feed."""
    for i in range(3):
        server.route(f"/r{i}", Reply(status=308, headers={"Location": f"/r{i + 1}"}))
    server.route("/r3", Reply(body=RSS))
    assert fetcher.get(server.url("/r0")).url == server.url("/r3")


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_relative_redirect_is_followed(
    server: LoopbackServer, fetcher: Fetcher, status: int
) -> None:
    """A moved feed is fetched from its new place and the final URL is reported."""
    server.route("/old/feed.xml", Reply(status=status, headers={"Location": "../new/feed.xml"}))
    server.route("/new/feed.xml", Reply(body=RSS))
    response = fetcher.get(server.url("/old/feed.xml"), etag='"v1"')
    assert response.url == server.url("/new/feed.xml")
    assert response.body == RSS
    followed = server.requests_for("/new/feed.xml")[0]
    assert followed.method == "GET"
    assert followed.headers["if-none-match"] == '"v1"'


def test_redirect_without_location_is_permanent(server: LoopbackServer, fetcher: Fetcher) -> None:
    """A redirect that does not say where to is a broken feed, not a retry."""
    server.route("/feed.xml", Reply(status=302))
    with pytest.raises(PermanentFetchError, match="without Location"):
        fetcher.get(server.url("/feed.xml"))


def test_redirect_to_file_scheme_is_blocked(server: LoopbackServer, fetcher: Fetcher) -> None:
    """A redirect cannot make us read a local file."""
    server.route("/feed.xml", Reply(status=302, headers={"Location": "file:///etc/passwd"}))
    url = server.url("/feed.xml")
    with pytest.raises(BlockedAddressError, match="scheme 'file'") as info:
        fetcher.get(url)
    assert info.value.url == url


def test_body_over_cap_with_content_length_is_refused(server: LoopbackServer) -> None:
    """An oversized page announced by Content-Length is refused before it is downloaded."""
    server.route("/big", Reply(body=b"x" * 5000))
    url = server.url("/big")
    with pytest.raises(PermanentFetchError) as info:
        Fetcher(make_settings(max_bytes=4096)).get(url)
    assert info.value.reason == "body over 4096 bytes"
    assert_one_line_naming(info.value, url)


def test_body_over_cap_without_content_length_is_refused(server: LoopbackServer) -> None:
    """An oversized page sent without Content-Length is cut off at the cap."""
    server.route("/big", Reply(body=b"x" * 300_000, headers={"Transfer-Encoding": "chunked"}))
    with pytest.raises(PermanentFetchError, match="body over 100000 bytes"):
        Fetcher(make_settings(max_bytes=100_000)).get(server.url("/big"))


def test_body_exactly_at_cap_is_accepted(server: LoopbackServer) -> None:
    """A page of exactly max_bytes is still accepted."""
    server.route("/edge", Reply(body=b"x" * 4096, headers={"Transfer-Encoding": "chunked"}))
    assert len(Fetcher(make_settings(max_bytes=4096)).get(server.url("/edge")).body) == 4096


def test_gzip_bomb_is_refused_without_inflating_it(server: LoopbackServer) -> None:
    """A 200 KB gzip that inflates to 200 MB is refused quickly and in little memory."""
    bomb = gzip_bomb()
    assert len(bomb) < 1_000_000  # so Content-Length alone cannot refuse it
    server.route("/bomb", Reply(body=bomb, headers={"Content-Encoding": "gzip"}))
    fetcher = Fetcher(make_settings(max_bytes=1_000_000, total_timeout=10))
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(PermanentFetchError, match="body over 1000000 bytes"):
            fetcher.get(server.url("/bomb"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 5
    assert peak < 8_000_000


# --- what we refuse to talk to ---------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["ftp://127.0.0.1/feed.xml", "file:///etc/passwd", "gopher://example.test/"]
)
def test_other_schemes_are_blocked(fetcher: Fetcher, url: str) -> None:
    """Only http and https URLs are fetched; anything else is refused and named."""
    with pytest.raises(BlockedAddressError) as info:
        fetcher.get(url)
    assert info.value.url == url
    assert_one_line_naming(info.value, url)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://user:secret@127.0.0.1/feed.xml", "credentials"),
        ("http:///feed.xml", "no host"),
        ("http://[::1/feed.xml", "malformed"),
        ("http://127.0.0.1:99999/feed.xml", "malformed"),
        ("http://127.0.0.1/feed\n.xml", "malformed"),
        ("/feed.xml", "absolute"),
    ],
)
def test_unusable_urls_are_permanent(fetcher: Fetcher, url: str, reason: str) -> None:
    """A URL with credentials, no host or bad syntax is reported as a config problem."""
    with pytest.raises(PermanentFetchError, match=reason) as info:
        fetcher.get(url)
    assert not isinstance(info.value, BlockedAddressError)
    assert "secret" not in str(info.value)
    assert "\n" not in str(info.value)


def test_loopback_is_blocked_by_default(server: LoopbackServer) -> None:
    """With default settings a feed pointing at this machine is refused before connecting."""
    server.route("/feed.xml", Reply(body=RSS))
    url = server.url("/feed.xml")
    with pytest.raises(BlockedAddressError) as info:
        Fetcher(make_settings(allow_private_addresses=False)).get(url)
    assert info.value.url == url
    assert "127.0.0.1" in info.value.reason
    assert server.requests == []


@pytest.mark.parametrize("host", ["127.1", "2130706433", "0x7f.0.0.1", "[::1]", "localhost"])
def test_disguised_loopback_is_blocked(server: LoopbackServer, host: str) -> None:
    """Spelling loopback differently does not get past the guard, which checks addresses."""
    url = f"http://{host}:{server.port}/feed.xml"
    with pytest.raises(BlockedAddressError, match="forbidden address"):
        Fetcher(make_settings(allow_private_addresses=False)).get(url)
    assert server.requests == []


def test_https_to_loopback_is_blocked_by_default() -> None:
    """The guard covers https too, before any TLS handshake."""
    with pytest.raises(BlockedAddressError):
        Fetcher(make_settings(allow_private_addresses=False)).get("https://127.0.0.1:9/feed.xml")


def test_https_to_a_plain_http_server_fails_transiently(server: LoopbackServer) -> None:
    """Speaking TLS to a server that does not is a fetch failure, not a crash."""
    with pytest.raises(TransientFetchError, match="TLS"):
        Fetcher(make_settings()).get(f"https://127.0.0.1:{server.port}/feed.xml")


def test_loopback_is_allowed_when_private_addresses_are(server: LoopbackServer) -> None:
    """allow_private_addresses=True lets a local feed through."""
    server.route("/feed.xml", Reply(body=RSS))
    fetcher = Fetcher(make_settings(allow_private_addresses=True))
    assert fetcher.get(server.url("/feed.xml")).body == RSS


def test_redirect_to_forbidden_address_is_blocked(
    server: LoopbackServer, server2: LoopbackServer
) -> None:
    """A permitted feed cannot redirect us to an address the policy forbids."""
    server2.route("/internal", Reply(body=SECRET_BODY))
    server.route("/feed.xml", Reply(status=302, headers={"Location": server2.url("/internal")}))
    url = server.url("/feed.xml")
    fetcher = Fetcher(
        make_settings(allow_private_addresses=False), address_allowed=only("127.0.0.1")
    )
    with pytest.raises(BlockedAddressError) as info:
        fetcher.get(url)
    assert info.value.url == url
    assert "127.0.0.2" in info.value.reason
    assert server2.requests == []
    assert_one_line_naming(info.value, url)


def test_redirect_to_permitted_address_is_followed(
    server: LoopbackServer, server2: LoopbackServer
) -> None:
    """The same cross-host redirect works when the policy admits the target."""
    server2.route("/moved", Reply(body=RSS))
    server.route("/feed.xml", Reply(status=301, headers={"Location": server2.url("/moved")}))
    fetcher = Fetcher(make_settings(), address_allowed=only("127.0.0.1", "127.0.0.2"))
    response = fetcher.get(server.url("/feed.xml"))
    assert (response.url, response.body) == (server2.url("/moved"), RSS)


def test_name_resolving_to_forbidden_address_is_blocked(server2: LoopbackServer) -> None:
    """A public-looking host name whose DNS answer is loopback is refused."""
    server2.route("/feed.xml", Reply(body=RSS))
    fetcher = Fetcher(
        make_settings(allow_private_addresses=False),
        resolver=resolving({"feeds.example.test": ["127.0.0.2"]}),
    )
    url = f"http://feeds.example.test:{server2.port}/feed.xml"
    with pytest.raises(BlockedAddressError) as info:
        fetcher.get(url)
    assert info.value.url == url
    assert "127.0.0.2" in info.value.reason
    assert server2.requests == []


def test_name_resolving_to_permitted_address_is_fetched_with_its_host(
    server: LoopbackServer,
) -> None:
    """A host name is connected to at its vetted address and still sent as Host."""
    server.route("/feed.xml", Reply(body=RSS))
    fetcher = Fetcher(
        make_settings(allow_private_addresses=False),
        address_allowed=only("127.0.0.1"),
        resolver=resolving({"feeds.example.test": ["127.0.0.1"]}),
    )
    url = f"http://feeds.example.test:{server.port}/feed.xml"
    response = fetcher.get(url)
    assert (response.url, response.body) == (url, RSS)
    assert server.requests[0].headers["host"] == f"feeds.example.test:{server.port}"


def test_any_forbidden_address_in_the_dns_answer_blocks(server: LoopbackServer) -> None:
    """A name that resolves to a mix of permitted and forbidden addresses is refused."""
    server.route("/feed.xml", Reply(body=RSS))
    fetcher = Fetcher(
        make_settings(),
        address_allowed=only("127.0.0.1"),
        resolver=resolving({"feeds.example.test": ["127.0.0.1", "127.0.0.2"]}),
    )
    with pytest.raises(BlockedAddressError, match=r"127\.0\.0\.2"):
        fetcher.get(f"http://feeds.example.test:{server.port}/feed.xml")
    assert server.requests == []


def test_dns_rebinding_is_caught_on_the_next_connection(server: LoopbackServer) -> None:
    """A name that resolved to a permitted address once and a forbidden one later is refused."""
    server.route("/feed.xml", Reply(body=RSS, headers={"Connection": "close"}))
    answers = iter([["127.0.0.1"], ["127.0.0.2"]])
    calls: list[str] = []

    def rebinding(host: str, port: int, *args: Any) -> list[Any]:
        calls.append(host)
        return resolving({host: next(answers)})(host, port)

    fetcher = Fetcher(make_settings(), address_allowed=only("127.0.0.1"), resolver=rebinding)
    url = f"http://feeds.example.test:{server.port}/feed.xml"
    assert fetcher.get(url).body == RSS
    with pytest.raises(BlockedAddressError, match=r"127\.0\.0\.2"):
        fetcher.get(url)
    assert calls == ["feeds.example.test", "feeds.example.test"]


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("10.0.0.1", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("127.0.0.1", False),
        ("169.254.169.254", False),
        ("::1", False),
        ("fe80::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("::", False),
        ("224.0.0.1", False),
        ("255.255.255.255", False),
        ("fc00::1", False),
        ("ff02::1", False),
        ("2002:7f00:1::", False),  # 6to4 wrapping 127.0.0.1
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 wrapping 169.254.169.254
        ("8.8.8.8", True),
        ("1.1.1.1", True),
        ("2001:4860:4860::8888", True),
        ("::ffff:8.8.8.8", True),
    ],
)
def test_public_only(address: str, allowed: bool) -> None:
    """The default policy admits public unicast addresses and nothing internal."""
    assert public_only(ipaddress.ip_address(address)) is allowed
