"""A notification receiver on loopback: what Apprise's json:// posts land in."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Receiver:
    """Records every JSON notification; `down = True` makes it answer 503 (an outage), and
    `refuse_first = N` refuses the first N posts that way (a notifier that is slow to come up).
    `arrived` holds the monotonic time each accepted message arrived."""

    def __init__(self, refuse_first: int = 0) -> None:
        self.messages: list[dict[str, Any]] = []
        self.arrived: list[float] = []
        self.refused = 0
        self.down = False
        self.refuse_first = refuse_first
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with owner._lock:
                    if owner.down or owner.refused < owner.refuse_first:
                        owner.refused += 1
                        status = 503
                    else:
                        owner.messages.append(json.loads(body or b"{}"))
                        owner.arrived.append(time.monotonic())
                        status = 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self._server.server_address[1]}/hook"

    def start(self) -> Receiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def titles(self) -> list[str]:
        with self._lock:
            return [str(m.get("title", "")) for m in self.messages]
