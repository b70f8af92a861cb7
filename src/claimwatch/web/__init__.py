"""Read-only web interface: dashboard, JSON API, health and Prometheus metrics."""

from claimwatch.web.app import WebApp
from claimwatch.web.server import WebServer

__all__ = ["WebApp", "WebServer"]
