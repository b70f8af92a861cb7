"""The read-only web interface as a small WSGI application.

Pages are rendered on the server (Jinja2, autoescaped) and work without JavaScript. Every
response carries a strict Content-Security-Policy (no scripts at all, styles from our own
stylesheet only): article text comes from hostile pages. With `[web] token` set every route
but /healthz, /readyz and the stylesheet needs it (Bearer, or HTTP Basic with the token as
password, which a browser asks for); without one the interface is loopback-only (the config
refuses otherwise) and answers only requests whose Host is a loopback name, so a web page
cannot reach it through DNS rebinding.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import ipaddress
import json
import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from importlib.resources import files
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape
from prometheus_client.exposition import choose_encoder

from claimwatch.web import views
from claimwatch.web.metrics import registry_for

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

    from claimwatch.monitor import Monitor

log = logging.getLogger("claimwatch.web")

CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
SECURITY_HEADERS = [
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-store"),
]
MAX_BODY = 1_000_000
OPEN_PATHS = {"/healthz", "/readyz", "/static/style.css"}

Ready = Callable[[], list[str]]  # what keeps the daemon from being ready; empty when ready


class Response:
    def __init__(self, body: str | bytes, status: str = "200 OK",
                 content_type: str = "text/html; charset=utf-8",
                 headers: list[tuple[str, str]] | None = None) -> None:
        self.body = body.encode() if isinstance(body, str) else body
        self.status = status
        self.headers = [("Content-Type", content_type), *(headers or [])]


def _json(data: object, status: str = "200 OK") -> Response:
    return Response(json.dumps(data, ensure_ascii=False, indent=1), status,
                    "application/json; charset=utf-8")


class WebApp:
    """WSGI callable. `monitor` supplies settings, store, notifiers and `check`."""

    def __init__(self, monitor: Monitor, ready: Ready) -> None:
        self.monitor = monitor
        self.ready = ready
        self.registry = registry_for(monitor)
        self.env = Environment(
            loader=PackageLoader("claimwatch.web", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True, lstrip_blocks=True,
        )
        self.env.filters["when"] = _when
        self.env.filters["href"] = _href
        self.css = files("claimwatch.web").joinpath("static/style.css").read_bytes()
        self.routes: dict[tuple[str, str], Callable[[WSGIEnvironment], Response]] = {
            ("GET", "/"): self.page_alerts,
            ("GET", "/feeds"): self.page_feeds,
            ("GET", "/topics"): self.page_topics,
            ("GET", "/check"): self.page_check,
            ("POST", "/check"): self.page_check,
            ("GET", "/api/alerts"): self.api_alerts,
            ("GET", "/api/feeds"): lambda e: _json(views.feeds(self.monitor)),
            ("GET", "/api/topics"): lambda e: _json(views.topics(self.monitor)),
            ("POST", "/api/check"): self.api_check,
            ("GET", "/healthz"): lambda e: _json({"status": "ok"}),
            ("GET", "/readyz"): self.readyz,
            ("GET", "/metrics"): self.metrics,
            ("GET", "/static/style.css"): lambda e: Response(
                self.css, content_type="text/css; charset=utf-8"),
        }

    # ------------------------------------------------------------------ WSGI
    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        try:
            response = self._dispatch(environ)
        except Exception:
            log.exception("web error %s %s", environ.get("REQUEST_METHOD"),
                          environ.get("PATH_INFO"))
            response = Response("internal error\n", "500 Internal Server Error",
                                "text/plain; charset=utf-8")
        headers = [*response.headers, *SECURITY_HEADERS,
                   ("Content-Length", str(len(response.body)))]
        start_response(response.status, headers)
        return [b"" if environ.get("REQUEST_METHOD") == "HEAD" else response.body]

    def _dispatch(self, environ: WSGIEnvironment) -> Response:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "/") or "/"
        token = self.monitor.settings.web.token
        if not token and not _loopback_host(environ.get("HTTP_HOST", "")):
            return Response("misdirected request: use a loopback address\n",
                            "421 Misdirected Request", "text/plain; charset=utf-8")
        if token and path not in OPEN_PATHS and not _authorized(environ, token):
            return Response("authorization required\n", "401 Unauthorized",
                            "text/plain; charset=utf-8",
                            [("WWW-Authenticate", 'Basic realm="claimwatch", charset="UTF-8"')])
        handler = self.routes.get(("GET" if method == "HEAD" else method, path))
        if handler is None:
            if any(p == path for _m, p in self.routes):
                allowed = ", ".join(sorted(m for m, p in self.routes if p == path))
                return Response("method not allowed\n", "405 Method Not Allowed",
                                "text/plain; charset=utf-8", [("Allow", allowed)])
            return self._page("error.html", "404 Not Found", message="No such page.")
        return handler(environ)

    # ------------------------------------------------------------------ pages
    def _page(self, template: str, status: str = "200 OK", **context: Any) -> Response:
        html = self.env.get_template(template).render(
            settings=self.monitor.settings, **context)
        return Response(html, status)

    def page_alerts(self, environ: WSGIEnvironment) -> Response:
        limit, before = _paging(environ)
        rows = views.alerts(self.monitor, limit=limit, before=before)
        older = rows[-1]["id"] if len(rows) == limit else None
        return self._page("alerts.html", alerts=rows, older=older, limit=limit)

    def page_feeds(self, environ: WSGIEnvironment) -> Response:
        return self._page("feeds.html", feeds=views.feeds(self.monitor))

    def page_topics(self, environ: WSGIEnvironment) -> Response:
        return self._page("topics.html", topics=views.topics(self.monitor))

    def page_check(self, environ: WSGIEnvironment) -> Response:
        if environ.get("REQUEST_METHOD") != "POST":
            return self._page("check.html", result=None, text="", title="")
        body = _body(environ)
        if body is None:
            return self._page("error.html", "413 Content Too Large",
                              message=f"The text is over {MAX_BODY} bytes.")
        form = parse_qs(body.decode("utf-8", errors="replace"))
        text = form.get("text", [""])[0]
        title = form.get("title", [""])[0]
        result = views.check(self.monitor, text, title) if text.strip() else None
        return self._page("check.html", result=result, text=text, title=title)

    # ------------------------------------------------------------------ API
    def api_alerts(self, environ: WSGIEnvironment) -> Response:
        limit, before = _paging(environ)
        return _json(views.alerts(self.monitor, limit=limit, before=before))

    def api_check(self, environ: WSGIEnvironment) -> Response:
        body = _body(environ)
        if body is None:
            return _json({"error": f"body over {MAX_BODY} bytes"}, "413 Content Too Large")
        try:
            data = json.loads(body or b"{}")
        except ValueError as exc:
            return _json({"error": f"not JSON: {exc}"}, "400 Bad Request")
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            return _json({"error": 'expected {"text": "...", "title": "..." (optional)}'},
                         "400 Bad Request")
        title = data.get("title") if isinstance(data.get("title"), str) else ""
        return _json(views.check(self.monitor, data["text"], title or ""))

    def readyz(self, environ: WSGIEnvironment) -> Response:
        problems = self.ready()
        if problems:
            return _json({"status": "not ready", "problems": problems},
                         "503 Service Unavailable")
        return _json({"status": "ready"})

    def metrics(self, environ: WSGIEnvironment) -> Response:
        encoder, content_type = choose_encoder(environ.get("HTTP_ACCEPT", ""))
        return Response(encoder(self.registry), content_type=content_type)


# ---------------------------------------------------------------------- helpers
def _paging(environ: WSGIEnvironment) -> tuple[int, int | None]:
    query = parse_qs(environ.get("QUERY_STRING", ""))

    def number(name: str) -> int | None:
        value = query.get(name, [""])[0]
        return int(value) if value.isdigit() else None

    return min(number("limit") or 50, views.MAX_ALERTS), number("before")


def _body(environ: WSGIEnvironment) -> bytes | None:
    """The request body, or None when it is larger than we accept."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY:
        return None
    return environ["wsgi.input"].read(length) if length > 0 else b""


def _authorized(environ: WSGIEnvironment, token: str) -> bool:
    header = environ.get("HTTP_AUTHORIZATION", "")
    scheme, _, value = header.partition(" ")
    given = ""
    if scheme.lower() == "bearer":
        given = value.strip()
    elif scheme.lower() == "basic":
        try:
            given = base64.b64decode(value.strip(), validate=True).decode().partition(":")[2]
        except (binascii.Error, UnicodeDecodeError):
            return False
    return bool(given) and hmac.compare_digest(given.encode(), token.encode())


def _loopback_host(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    name = name.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _when(value: str | None) -> str:
    if not value:
        return "-"
    return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M UTC")


def _href(url: str | None) -> str | None:
    """Only http(s) URLs become links: a `javascript:` URL from a feed stays text."""
    if not url:
        return None
    return url if urlsplit(url).scheme.lower() in ("http", "https") else None
