"""The HTTP adapter: the only module that fetches feeds and pages.

Feed URLs come from configuration and article links from untrusted feeds, so a fetch
is treated as hostile input:

* only http/https, and every address a host name resolves to is vetted at connect
  time, for the first request and after every redirect, so neither a redirect nor a
  DNS answer that changes between checks (rebinding) reaches a private address;
* connect, per-read and whole-fetch deadlines, so a server that trickles bytes (in
  the headers or the body) cannot hold a worker thread;
* a cap on the decoded body, enforced while decompressing, so a gzip bomb is refused
  after inflating at most one read's worth past the cap;
* every failure is a `FetchError` whose one-line message names the URL and never
  quotes the body: `TransientFetchError` when retrying later can help, otherwise
  `PermanentFetchError` (`BlockedAddressError` for forbidden schemes and addresses).

One `Fetcher` is shared by all worker threads; urllib3's pools are thread-safe and
per-fetch state lives on the calling thread's stack (or its thread-local).
"""

from __future__ import annotations

import contextlib
import email.utils
import functools
import http.client
import ipaddress
import socket
import ssl
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import (
    ConnectTimeoutError,
    DecodeError,
    HTTPError,
    LocationValueError,
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)
from urllib3.util.connection import allowed_gai_family
from urllib3.util.timeout import _DEFAULT_TIMEOUT

from claimwatch.config import FetchSettings
from claimwatch.errors import (
    BlockedAddressError,
    FetchError,
    PermanentFetchError,
    TransientFetchError,
)

__all__ = ["AddressPolicy", "Fetcher", "Response", "public_only"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
AddressPolicy = Callable[[IPAddress], bool]

# We only send GET, so 303's "switch to GET" and 307/308's "keep the method" agree.
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# 408 and every 5xx are the server's trouble, 429 is ours for asking too often:
# all three get better by waiting.
_TRANSIENT_STATUSES = frozenset({408, 429})
# Decoded bytes asked for per read. urllib3 inflates at most this much per call, so a
# bomb costs one chunk past the cap, not its full expansion.
_CHUNK = 64 * 1024
# A Retry-After further out than this is a misconfiguration, not a plan.
_MAX_RETRY_AFTER = 86_400.0
# How often the watchdog looks at the stop event while a fetch runs.
_WATCH_INTERVAL = 0.1
_ALLOWED_SCHEMES = ("http", "https")

_CGNAT = ipaddress.IPv4Network("100.64.0.0/10")
# NAT64 well-known prefix: the low 32 bits are an IPv4 address a gateway will reach.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


# --- responses ---------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    """A successful (2xx) or not-modified (304) answer."""

    url: str  # final URL after redirects
    status: int  # 200..299, or 304
    body: bytes  # content-decoded; b"" on 304
    headers: Mapping[str, str]  # lower-case names

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


# --- the address guard ---------------------------------------------------------------


def public_only(ip: IPAddress) -> bool:
    """True only for globally routable unicast addresses.

    Refuses private, loopback, link-local, multicast, reserved, unspecified and
    carrier-grade NAT (100.64/10) addresses, and IPv6 forms that embed such an
    IPv4 address (IPv4-mapped, 6to4, NAT64).
    """
    if isinstance(ip, ipaddress.IPv6Address):
        # Check the embedded IPv4 address: the kernel connects ::ffff:127.0.0.1 to
        # loopback, and 6to4/NAT64 gateways forward to the embedded address.
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return public_only(embedded)
        if ip.is_site_local:
            return False
    elif ip in _CGNAT:
        return False
    # is_global alone is not enough: it is True for multicast, and its tables
    # changed between Python patch releases.
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def _any_address(ip: IPAddress) -> bool:
    return True


@dataclass(frozen=True)
class _Guard:
    """What a connection needs to vet the addresses it connects to."""

    resolver: Callable[..., list[Any]]
    allowed: AddressPolicy


class _FetchState:
    """One fetch in progress, shared between its thread and its watchdog."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.lock = threading.Lock()
        self.sock: socket.socket | None = None
        self.finished = False
        self.aborted: str | None = None  # why the watchdog cut the connection
        self.done = threading.Event()

    def attach(self, sock: socket.socket | None) -> None:
        with self.lock:
            self.sock = sock
            if self.aborted:  # the watchdog fired before there was a socket to cut
                self._cut()

    def abort(self, reason: str) -> None:
        """Cut the connection so a read blocked in http.client or ssl returns now."""
        with self.lock:
            if self.finished:
                return
            self.aborted = reason
            self._cut()

    def _cut(self) -> None:
        if self.sock is None:
            return
        # The plain socket method: SSLSocket.shutdown would also drop its SSL object
        # under the reading thread's feet. A socket closed in the meantime has no
        # descriptor left, so this cannot hit one reused by another connection.
        with contextlib.suppress(OSError):
            socket.socket.shutdown(self.sock, socket.SHUT_RDWR)

    def finish(self) -> None:
        with self.lock:
            self.finished = True
            self.sock = None
        self.done.set()


class _Watchdog:
    """Cuts every fetch of one Fetcher at its deadline, or all of them when asked to stop.

    Per-read timeouts cannot bound a server that sends one byte per read timeout, and
    http.client reads headers in a loop we cannot interrupt; closing the socket from here
    is what makes `total_timeout` and `stop` hold everywhere. One thread for all fetches
    (started with the first): a thread per fetch cost more than the fetch of a feed that
    answers 304.
    """

    def __init__(self, stop: threading.Event | None, timeout_reason: str) -> None:
        self._stop = stop
        self._timeout_reason = timeout_reason
        self._cond = threading.Condition()
        self._active: set[_FetchState] = set()
        self._thread: threading.Thread | None = None
        self._closed = False
        self._wake_at = 0.0  # when the thread looks next (monotonic)

    def watch(self, state: _FetchState) -> None:
        with self._cond:
            self._active.add(state)
            if self._thread is None or not self._thread.is_alive():
                self._closed = False
                self._thread = threading.Thread(
                    target=self._run, daemon=True, name="claimwatch-fetch-watchdog")
                self._thread.start()
            elif state.deadline < self._wake_at:
                self._cond.notify()  # only when it would otherwise look too late

    def release(self, state: _FetchState) -> None:
        with self._cond:
            self._active.discard(state)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify()

    def _run(self) -> None:
        while True:
            cut: list[tuple[_FetchState, str]] = []
            with self._cond:
                if self._closed and not self._active:
                    self._thread = None
                    return
                now = time.monotonic()
                stopping = self._stop is not None and self._stop.is_set()
                for state in list(self._active):
                    if stopping or state.deadline <= now:
                        self._active.discard(state)
                        reason = "stopped: shutting down" if stopping else self._timeout_reason
                        cut.append((state, reason))
                if not cut:
                    wait = min((s.deadline for s in self._active), default=now + 60) - now
                    if self._stop is not None and self._active:
                        wait = min(wait, _WATCH_INTERVAL)
                    self._wake_at = now + max(wait, 0.0)
                    self._cond.wait(max(wait, 0.0))
                    continue
            for state, reason in cut:
                state.abort(reason)


# The fetch running on this thread, so connections (created deep inside urllib3) can
# report themselves to its watchdog and bound their connect attempts by its deadline.
_current = threading.local()


def _current_state() -> _FetchState | None:
    return getattr(_current, "state", None)


if TYPE_CHECKING:
    # What the mixin is mixed into, so that `self` is a connection to the type checker;
    # at run time it stays a plain mixin ahead of HTTPConnection or HTTPSConnection.
    _ConnectionBase = HTTPConnection
else:
    _ConnectionBase = object


class _GuardedConnectionMixin(_ConnectionBase):
    """Resolve, vet every answer, then connect to a vetted address.

    The hook is `_new_conn`: both HTTPConnection.connect and HTTPSConnection.connect
    obtain their socket from it and nothing else, and HTTPSConnection then wraps that
    socket with `server_hostname=self.host`, so SNI and certificate checks still use
    the host name while the TCP connection goes to the address we checked. Because it
    runs on every (re)connect, a redirect or a DNS answer that changed since the last
    fetch is vetted again. Pooled connections were vetted when they were opened.
    """

    # urllib3 keeps its _DEFAULT_TIMEOUT sentinel here; http.client's stub says float | None.
    timeout: Any

    def __init__(self, *args: Any, guard: _Guard, **kwargs: Any) -> None:
        self._guard = guard
        super().__init__(*args, **kwargs)

    def _new_conn(self) -> socket.socket:
        host = self.host.strip("[]")
        try:
            answers = self._guard.resolver(
                host, self.port, allowed_gai_family(), socket.SOCK_STREAM
            )
        except (OSError, UnicodeError) as e:
            gai = e if isinstance(e, socket.gaierror) else socket.gaierror(str(e))
            raise NameResolutionError(host, self, gai) from e
        if not answers:
            raise NameResolutionError(host, self, socket.gaierror("no addresses"))
        # Every answer, not just the one we will use: a resolver may reorder them, and
        # a name that mixes public and private addresses is not one we trust.
        for *_, sockaddr in answers:
            try:
                ip = ipaddress.ip_address(sockaddr[0])
            except (ValueError, TypeError, IndexError):
                raise BlockedAddressError(host, f"unusable address {sockaddr!r}") from None
            if not self._guard.allowed(ip):
                named = "" if host == str(ip) else f"{host} resolves to "
                raise BlockedAddressError(host, f"{named}forbidden address {ip}")
        state = _current_state()
        err: OSError | None = None
        for family, socktype, proto, _canon, sockaddr in answers:
            timeout = self.timeout
            if state is not None:
                remaining = state.deadline - time.monotonic()
                if remaining <= 0:
                    break
                if timeout is _DEFAULT_TIMEOUT or timeout is None or timeout > remaining:
                    timeout = remaining
            sock = socket.socket(family, socktype, proto)
            try:
                for opt in self.socket_options or ():
                    sock.setsockopt(*opt)
                if timeout is not _DEFAULT_TIMEOUT:
                    sock.settimeout(timeout)
                if self.source_address:
                    sock.bind(self.source_address)
                sock.connect(sockaddr)
            except OSError as e:
                sock.close()
                err = e
                continue
            sys.audit("http.client.connect", self, self.host, self.port)
            return sock
        if err is None or isinstance(err, TimeoutError):
            raise ConnectTimeoutError(self, f"connect to {host} timed out")
        raise NewConnectionError(self, f"failed to connect: {err}") from err

    def request(self, *args: Any, **kwargs: Any) -> None:
        # Called for every request, on a fresh or a pooled connection: the watchdog
        # learns which socket to cut if the fetch overruns. The socket itself, not
        # the connection: http.client drops `conn.sock` once a response that ends
        # with the connection has begun, but keeps reading from the socket.
        super().request(*args, **kwargs)
        state = _current_state()
        if state is not None:
            state.attach(self.sock)


class _GuardedHTTPConnection(_GuardedConnectionMixin, HTTPConnection):
    pass


class _GuardedHTTPSConnection(_GuardedConnectionMixin, HTTPSConnection):
    pass


class _GuardedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection

    def __init__(self, host: str, port: int | None = None, *, guard: _Guard, **kw: Any) -> None:
        super().__init__(host, port, **kw)
        self.conn_kw["guard"] = guard


class _GuardedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection

    def __init__(self, host: str, port: int | None = None, *, guard: _Guard, **kw: Any) -> None:
        super().__init__(host, port, **kw)
        self.conn_kw["guard"] = guard


# --- helpers --------------------------------------------------------------------------


def _check_url(url: str) -> None:
    """Refuse what we will not fetch before any network activity."""
    if any(c.isspace() or not c.isprintable() for c in url):
        raise PermanentFetchError(_clip(url), "malformed URL")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise PermanentFetchError(url, "malformed URL") from None
    shown = _without_credentials(url) if "@" in parts.netloc else url
    scheme = parts.scheme.lower()
    if not scheme:
        raise PermanentFetchError(shown, "not an absolute http(s) URL")
    if scheme not in _ALLOWED_SCHEMES:
        raise BlockedAddressError(shown, f"scheme {scheme!r} is not allowed")
    if "@" in parts.netloc:
        raise PermanentFetchError(shown, "URL contains credentials")
    if not url[len(scheme) :].startswith("://") or not parts.hostname:
        raise PermanentFetchError(shown, "URL has no host")


def _without_credentials(url: str) -> str:
    # Never put a password in a log line.
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]
    return parts._replace(netloc=f"***@{netloc}").geturl()


def _clip(text: str, limit: int = 300) -> str:
    """One printable line of at most `limit` characters."""
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After value (delta-seconds or HTTP-date), capped at a day."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), _MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # "-0000" per RFC 5322: treat as UTC, as HTTP-dates are
        when = when.replace(tzinfo=UTC)
    delta = (when - datetime.now(UTC)).total_seconds()
    return min(max(delta, 0.0), _MAX_RETRY_AFTER)


def _content_length(headers: Mapping[str, str]) -> int | None:
    value = headers.get("content-length")
    if value is None:
        return None
    try:
        return int(value.split(",")[0].strip())
    except ValueError:
        return None


def _describe(exc: BaseException) -> tuple[type[FetchError], str]:
    """Our error class and a short reason for a urllib3 / socket failure."""
    # Order matters: NameResolutionError < NewConnectionError < ConnectTimeoutError.
    if isinstance(exc, NameResolutionError):
        return TransientFetchError, "DNS lookup failed"
    if isinstance(exc, NewConnectionError):
        cause = exc.__cause__
        if isinstance(cause, ConnectionRefusedError):
            return TransientFetchError, "connection refused"
        if isinstance(cause, OSError) and cause.strerror:
            return TransientFetchError, f"cannot connect: {cause.strerror}"
        return TransientFetchError, "cannot connect"
    if isinstance(exc, ConnectTimeoutError):
        return TransientFetchError, "connect timed out"
    if isinstance(exc, ReadTimeoutError | TimeoutError):
        return TransientFetchError, "read timed out"
    if isinstance(exc, SSLError):
        inner = exc.args[0] if exc.args else None
        if isinstance(inner, ssl.SSLCertVerificationError | ssl.CertificateError):
            return PermanentFetchError, "TLS certificate not accepted"
        return TransientFetchError, "TLS handshake failed"
    if isinstance(exc, DecodeError):
        return PermanentFetchError, "body does not match its Content-Encoding"
    if isinstance(exc, LocationValueError):
        return PermanentFetchError, "malformed URL"
    if isinstance(exc, ProtocolError):
        inner = exc.args[1] if len(exc.args) > 1 else None
        if isinstance(inner, ConnectionResetError):
            return TransientFetchError, "connection reset"
        if isinstance(inner, http.client.RemoteDisconnected):
            return TransientFetchError, "server closed the connection without answering"
        if isinstance(inner, http.client.IncompleteRead):
            return TransientFetchError, "body cut short"
        return TransientFetchError, "connection broken"
    if isinstance(exc, http.client.HTTPException):
        return TransientFetchError, f"bad HTTP response ({type(exc).__name__})"
    return TransientFetchError, f"connection error ({type(exc).__name__})"


# --- the fetcher ----------------------------------------------------------------------


class Fetcher:
    """GETs feeds and pages under `FetchSettings`; share one between threads."""

    def __init__(
        self,
        settings: FetchSettings,
        *,
        stop: threading.Event | None = None,
        address_allowed: AddressPolicy | None = None,
        resolver: Callable[..., list[Any]] = socket.getaddrinfo,
    ) -> None:
        """`resolver` is called like `socket.getaddrinfo(host, port, family, type)`
        and answers in the same shape; tests inject one to simulate DNS.
        """
        self.settings = settings
        self._stop = stop
        if address_allowed is None:
            address_allowed = _any_address if settings.allow_private_addresses else public_only
        guard = _Guard(resolver=resolver, allowed=address_allowed)
        # maxsize: connections kept per host; more threads on one host still work,
        # their extra connections are just not kept.
        self._pool = urllib3.PoolManager(num_pools=32, maxsize=16, retries=False)
        # PoolManager hands its kwargs to its pool-key normaliser, which rejects
        # unknown keys, so the guard reaches the connections via the pool classes.
        pool_classes: dict[str, Any] = {
            "http": functools.partial(_GuardedHTTPConnectionPool, guard=guard),
            "https": functools.partial(_GuardedHTTPSConnectionPool, guard=guard),
        }
        self._pool.pool_classes_by_scheme = pool_classes
        self._headers = {
            "User-Agent": settings.user_agent,
            "Accept-Encoding": "gzip, deflate",
        }
        self._watchdog = _Watchdog(stop, f"timed out after {settings.total_timeout:g}s")

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close pooled connections (a later `get` opens new ones)."""
        self._pool.clear()
        self._watchdog.close()

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = "*/*",
    ) -> Response:
        """GET `url`, following redirects; raise a `FetchError` unless 2xx or 304."""
        _check_url(url)
        headers = dict(self._headers, Accept=accept)
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if self._stop is not None and self._stop.is_set():
            raise TransientFetchError(url, "not fetched: shutting down")

        state = _FetchState(time.monotonic() + self.settings.total_timeout)
        _current.state = state
        self._watchdog.watch(state)
        try:
            return self._follow(url, headers, state)
        finally:
            _current.state = None
            state.finish()
            self._watchdog.release(state)

    def _follow(self, url: str, headers: dict[str, str], state: _FetchState) -> Response:
        current = url
        seen = {url}
        for _hop in range(self.settings.max_redirects + 1):
            result = self._once(url, current, headers, state)
            if isinstance(result, Response):
                return result
            nxt = result
            try:
                _check_url(nxt)
            except FetchError as e:
                raise type(e)(url, f"redirect to {e.url}: {e.reason}") from None
            if nxt in seen:
                raise PermanentFetchError(url, f"redirect loop at {_clip(nxt)}")
            seen.add(nxt)
            current = nxt
        raise PermanentFetchError(url, f"more than {self.settings.max_redirects} redirects")

    def _fail(
        self,
        cls: type[FetchError],
        url: str,
        current: str,
        reason: str,
        retry_after: float | None = None,
    ) -> FetchError:
        # Name the URL the caller asked for; mention the hop if a redirect led there.
        if current != url:
            reason = f"after redirect to {_clip(current)}: {reason}"
        return cls(url, reason, retry_after=retry_after)

    def _timeouts(self, state: _FetchState) -> urllib3.Timeout:
        remaining = state.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        return urllib3.Timeout(
            connect=min(self.settings.connect_timeout, remaining),
            read=min(self.settings.read_timeout, remaining),
        )

    def _interrupted(self, state: _FetchState) -> str | None:
        if state.aborted:
            return state.aborted
        if self._stop is not None and self._stop.is_set():
            return "stopped: shutting down"
        if time.monotonic() >= state.deadline:
            return f"timed out after {self.settings.total_timeout:g}s"
        return None

    def _once(
        self, url: str, current: str, headers: dict[str, str], state: _FetchState
    ) -> Response | str:
        """One request: a Response, or the absolute URL a redirect points to."""
        resp: urllib3.BaseHTTPResponse | None = None
        result: Response | str | None = None
        try:
            resp = self._pool.urlopen(
                "GET",
                current,
                headers=headers,
                redirect=False,
                retries=False,
                preload_content=False,
                decode_content=True,
                timeout=self._timeouts(state),
            )
            result = self._handle(url, current, resp, state)
            return result
        except BlockedAddressError as e:
            # Raised by the connection, which knows the host but not the URL.
            raise self._fail(BlockedAddressError, url, current, e.reason) from None
        except FetchError:
            raise
        except (HTTPError, OSError, http.client.HTTPException, ValueError) as e:
            if reason := self._interrupted(state):
                raise self._fail(TransientFetchError, url, current, reason) from None
            cls, reason = _describe(e)
            raise self._fail(cls, url, current, reason) from None
        finally:
            # From here the watchdog must not touch the socket: it may go back to
            # the pool and on to another thread's fetch.
            state.attach(None)
            if resp is not None:
                if not isinstance(result, Response) or state.aborted:
                    # Unread (redirect, error) or cut-off body: the connection
                    # cannot carry another request.
                    resp.close()
                resp.release_conn()

    def _handle(
        self, url: str, current: str, resp: urllib3.BaseHTTPResponse, state: _FetchState
    ) -> Response | str:
        status = resp.status
        hdrs = MappingProxyType({k.lower(): resp.headers[k] for k in resp.headers})
        if status in _REDIRECTS:
            location = hdrs.get("location", "").strip()
            if not location:
                raise self._fail(PermanentFetchError, url, current, f"{status} without Location")
            return urljoin(current, location)
        if status == 304:
            return Response(url=current, status=304, body=b"", headers=hdrs)
        if status in _TRANSIENT_STATUSES or 500 <= status <= 599:
            raise self._fail(
                TransientFetchError,
                url,
                current,
                f"HTTP {status}",
                retry_after=_retry_after(hdrs.get("retry-after")),
            )
        if not 200 <= status <= 299:
            raise self._fail(PermanentFetchError, url, current, f"HTTP {status}")

        cap = self.settings.max_bytes
        # Content-Length counts encoded bytes, which decode to at least about as many.
        declared = _content_length(hdrs)
        if declared is not None and declared > cap:
            raise self._fail(PermanentFetchError, url, current, f"body over {cap} bytes")
        chunks: list[bytes] = []
        size = 0
        while True:
            if reason := self._interrupted(state):
                raise self._fail(TransientFetchError, url, current, reason)
            # read1: at most one socket read per call, so the deadline is checked
            # between reads, and at most _CHUNK bytes inflated per call.
            chunk = resp.read1(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > cap:
                raise self._fail(PermanentFetchError, url, current, f"body over {cap} bytes")
            chunks.append(chunk)
        # A connection cut by the watchdog looks like the end of a body that has no
        # Content-Length.
        if state.aborted:
            raise self._fail(TransientFetchError, url, current, state.aborted)
        return Response(url=current, status=status, body=b"".join(chunks), headers=hdrs)
