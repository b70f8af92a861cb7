"""The web interface's HTTP server: the standard library's WSGI server, one thread per
request, run in a daemon thread beside the scheduler."""

from __future__ import annotations

import logging
import socket
import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

from claimwatch.config import listen_address
from claimwatch.web.app import WebApp

log = logging.getLogger("claimwatch.web")


class _Handler(WSGIRequestHandler):
    # A client that stops sending does not hold its thread for long.
    timeout = 30

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s %s", self.address_string(), format % args)


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _Server6(_Server):
    address_family = socket.AF_INET6


class WebServer:
    """Serve `app` on `listen` ("host:port") until `stop()`."""

    def __init__(self, app: WebApp, listen: str) -> None:
        host, port = listen_address(listen)
        cls = _Server6 if ":" in host else _Server
        self.httpd = cls((host, port), _Handler)  # binds now: OSError if it cannot
        self.httpd.set_app(app)
        self.address = f"{host}:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="web",
                                        kwargs={"poll_interval": 0.5}, daemon=True)

    def start(self) -> WebServer:
        self._thread.start()
        log.info("web interface on http://%s/", self.address)
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
