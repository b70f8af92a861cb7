"""A real HTTP server on loopback for claimwatch tests (no mocks of the HTTP layer).

    with LoopbackServer() as server:
        server.route("/feed.xml", Reply(body=b"<rss/>", headers={"ETag": '"v1"'}))
        server.route("/slow", Reply(body=b"x" * 100, trickle=1.0))
        server.route("/echo", lambda req: Reply(body=req.headers["user-agent"].encode()))
        fetch(server.url("/feed.xml"))
        assert server.requests_for("/feed.xml")[0].headers["accept-encoding"]

How a Reply's body is framed:
  * by default with Content-Length (a Content-Length in `headers` is sent as given, so a
    test can lie about it);
  * with `Transfer-Encoding: chunked` in `headers`, in chunks (no Content-Length);
  * with `trickle > 0`, one byte every `trickle` seconds and then the connection is
    closed (no Content-Length).
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit

__all__ = ["LoopbackServer", "Reply", "Request"]

_CHUNK = 16 * 1024
_NO_BODY_STATUSES = frozenset({204, 304})


@dataclass
class Reply:
    """What the server answers; see the module docstring for how the body is framed."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    trickle: float = 0.0  # if > 0: send the body one byte every `trickle` seconds


@dataclass
class Request:
    """A request as the server received it."""

    method: str
    path: str  # as sent, query string included
    headers: dict[str, str]  # lower-case names


Handler = Reply | Callable[[Request], Reply]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Tests start many servers; a lingering TIME_WAIT must not block a new bind.
    allow_reuse_address = True
    # Many workers connect at once: the default backlog of 5 drops connections on a loaded
    # machine, and the client's 1 s connect timeout then fails a test for no real reason.
    request_queue_size = 128

    def __init__(self, owner: LoopbackServer, address: tuple[str, int]) -> None:
        self.owner = owner
        super().__init__(address, _RequestHandler)

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that hangs up mid-reply is normal in these tests: stay quiet.
        pass


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    # An idle keep-alive connection does not hold a thread forever.
    timeout = 10

    def setup(self) -> None:
        super().setup()
        self.server.owner._track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.owner._untrack(self.connection)

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def _serve(self, *, send_body: bool) -> None:
        owner = self.server.owner
        request = Request(
            method=self.command,
            path=self.path,
            headers={name.lower(): value for name, value in self.headers.items()},
        )
        owner._record(request)
        handler = owner._handler_for(urlsplit(self.path).path)
        if handler is None:
            reply = Reply(status=404, body=b"not found")
        elif isinstance(handler, Reply):
            reply = handler
        else:
            try:
                reply = handler(request)
            except Exception as e:  # a broken test handler shows up as a 500
                reply = Reply(status=500, body=f"handler failed: {e!r}".encode())
        try:
            self._send(reply, send_body=send_body)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True

    def _send(self, reply: Reply, *, send_body: bool) -> None:
        names = {name.lower() for name in reply.headers}
        chunked = any(
            name.lower() == "transfer-encoding" and value.strip().lower() == "chunked"
            for name, value in reply.headers.items()
        )
        has_body = reply.status not in _NO_BODY_STATUSES
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.trickle > 0 and has_body:
            # Close-delimited: the only framing that lets bytes dribble out freely.
            self.send_header("Connection", "close")
            self.close_connection = True
        elif has_body and not chunked and "content-length" not in names:
            self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if not (send_body and has_body):
            return
        if reply.trickle > 0:
            stopping = self.server.owner._stopping
            for i in range(len(reply.body)):
                self.wfile.write(reply.body[i : i + 1])
                self.wfile.flush()
                if stopping.wait(reply.trickle):
                    return
        elif chunked:
            for i in range(0, len(reply.body), _CHUNK):
                piece = reply.body[i : i + _CHUNK]
                self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.wfile.write(reply.body)
        self.wfile.flush()


class LoopbackServer:
    """A threaded HTTP/1.1 server on an ephemeral port of `host`."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.requests: list[Request] = []
        self._routes: dict[str, Handler] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._open: set[socket.socket] = set()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("server not started")
        return int(self._server.server_address[1])

    def start(self) -> LoopbackServer:
        self._stopping.clear()
        self._server = _Server(self, (self.host, 0))
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"loopback-server-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop promptly, even with a trickle or an idle keep-alive connection open."""
        if self._server is None:
            return
        self._stopping.set()
        self._server.shutdown()
        with self._lock:
            open_sockets = list(self._open)
        for sock in open_sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def url(self, path: str = "/") -> str:
        if not path.startswith("/"):
            path = "/" + path
        return f"http://{self.host}:{self.port}{path}"

    def route(self, path: str, handler: Handler) -> None:
        """Answer requests for exactly `path` (query string ignored) with `handler`."""
        with self._lock:
            self._routes[path] = handler

    def requests_for(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if urlsplit(r.path).path == path]

    # Called from handler threads.

    def _handler_for(self, path: str) -> Handler | None:
        with self._lock:
            return self._routes.get(path)

    def _record(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)

    def _track(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.add(sock)

    def _untrack(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.discard(sock)
