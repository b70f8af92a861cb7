"""The daemon: APScheduler drives the monitor; signals stop or reload it.

One `tick` job asks the database for due feeds (the schedule lives in the feed rows, not in
one scheduler job per feed) and hands them to the poll workers without waiting for them;
a delivery worker sends alerts as they commit (claimwatch.workers). Signal handlers only
set flags; the main thread acts on them. Shutdown is bounded: work in flight gets
`shutdown_grace` seconds, and anything cut short is safe, because each article is one
transaction and each delivery stays pending until it is sent.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from claimwatch import systemd
from claimwatch.config import Settings, load_settings
from claimwatch.errors import ConfigError
from claimwatch.monitor import Monitor, utcnow
from claimwatch.workers import DeliveryWorker, Poller

if TYPE_CHECKING:
    from claimwatch.web import WebServer

log = logging.getLogger("claimwatch")


class State(Enum):
    STARTING = "starting"
    RUNNING = "running"
    STOPPING = "stopping"
    STOPPED = "stopped"


class Service:
    def __init__(self, settings: Settings, config_path: Path | None) -> None:
        self.config_path = config_path
        self.monitor = Monitor(settings)
        self.poller = Poller(self.monitor)
        self.delivery = DeliveryWorker(self.monitor)
        self.state = State.STARTING
        self._stop = threading.Event()
        self._reload = threading.Event()
        self._config_mtime = _mtime(config_path)
        self._tick_started: float | None = None  # monotonic time of the tick in flight
        self.web: WebServer | None = None  # the web interface's server, when [web] listen is set
        self.scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(1)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 30},
            timezone="UTC",
        )

    def run(self) -> int:
        """Run until SIGTERM/SIGINT; returns the process exit code."""
        signal.signal(signal.SIGTERM, self._on_stop)
        signal.signal(signal.SIGINT, self._on_stop)
        if hasattr(signal, "SIGHUP"):
            signal.signal(signal.SIGHUP, self._on_reload)
        code = 0
        try:
            self.monitor.start()
            settings = self.monitor.settings
            self.scheduler.add_job(self._tick, "interval", seconds=settings.service.tick,
                                   id="tick", next_run_time=utcnow())
            self.scheduler.start()
            self.delivery.start()
            self._start_web(settings)
            self.state = State.RUNNING
            log.info("claimwatch running: instance %s, %d feed(s), %d topic(s), notifiers: %s",
                     self.monitor.instance, len(settings.feeds), len(settings.topics),
                     ", ".join(self.monitor.notifiers.label(k)
                               for k in self.monitor.notifiers.targets) or "log only")
            systemd.notify("READY=1", f"STATUS=watching {len(settings.feeds)} feed(s)")
            ping_every, last_ping = systemd.watchdog_interval(), 0.0
            while not self._stop.is_set():
                self._stop.wait(min(1.0, ping_every or 1.0))
                if ping_every and time.monotonic() - last_ping >= ping_every * 0.9:
                    # Only a healthy scheduler is vouched for: systemd restarts a silent one.
                    problems = self.health()
                    if not problems:
                        systemd.notify("WATCHDOG=1")
                        last_ping = time.monotonic()
                    else:
                        log.warning("not pinging the systemd watchdog: %s", "; ".join(problems))
                if self._reload.is_set() or self._config_changed():
                    self._reload.clear()
                    self.reload()
        except Exception:
            log.exception("claimwatch crashed")
            code = 1
        finally:
            self.state = State.STOPPING
            systemd.notify("STOPPING=1")
            self.monitor.stopping.set()
            self._shutdown()
            self.state = State.STOPPED
            log.info("claimwatch stopped" if code == 0 else "claimwatch stopped after a crash")
        return code

    def _tick(self) -> None:
        self._tick_started = time.monotonic()
        try:
            self.poller.tick()
        except Exception:
            log.exception("tick failed")
        finally:
            self._tick_started = None

    def _start_web(self, settings: Settings) -> None:
        if not settings.web.listen:
            return
        from claimwatch.web import WebApp, WebServer

        try:
            self.web = WebServer(WebApp(self.monitor, self.ready), settings.web.listen).start()
        except OSError as exc:
            # The monitoring goes on: the dashboard is a window on it, not a part of it.
            log.error("web interface off: cannot listen on %s: %s", settings.web.listen,
                      exc.strerror or exc)

    def health(self) -> list[str]:
        """What is wrong with the scheduler (empty when it is healthy)."""
        thread = getattr(self.scheduler, "_thread", None)
        if not self.scheduler.running or thread is None or not thread.is_alive():
            return ["scheduler not running"]
        if not self.delivery.alive:
            return ["delivery worker not running"]
        started = self._tick_started
        # A tick only claims feeds (a database query): one longer than a feed's lease is
        # stuck, not busy.
        limit = self.monitor.lease_seconds
        if started is not None and time.monotonic() - started > limit:
            return [f"tick running for over {int(limit)}s"]
        return []

    def ready(self) -> list[str]:
        """What keeps the daemon from being ready (empty when it is): /readyz."""
        if self.state is not State.RUNNING:
            return [f"service {self.state.value}"]
        problems = self.health()
        try:
            self.monitor.store.ping()
        except Exception as exc:
            problems.append(f"database unreachable: {type(exc).__name__}")
        return problems

    def _shutdown(self) -> None:
        grace = self.monitor.settings.service.shutdown_grace
        if self.web is not None:
            self.web.stop()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        deadline = time.monotonic() + grace
        # Polls and a delivery in flight get the grace; after it they are abandoned (each
        # article is one transaction; an unsent delivery stays pending).
        polls_done = self.poller.shutdown(deadline)
        delivery_done = self.delivery.join(deadline)
        if not (polls_done and delivery_done):
            log.warning("stopping with work still in flight after %ss (it is safe: it will be "
                        "done again)", grace)
        self.monitor.close()

    def reload(self) -> None:
        """Re-read the config file; keep running on the last good one if it is invalid."""
        if self.config_path is None:
            return
        self._config_mtime = _mtime(self.config_path)
        try:
            settings = load_settings(self.config_path)
        except ConfigError as exc:
            for problem in exc.problems:
                log.error("config reload refused: %s: %s (keeping the last good config)",
                          exc.source, problem)
            return
        old_tick = self.monitor.settings.service.tick
        if settings.web.listen != self.monitor.settings.web.listen:
            log.warning("web.listen changed: it applies at the next start (the token applies "
                        "now)")
        self.monitor.apply(settings)
        if settings.service.tick != old_tick and self.scheduler.running:
            self.scheduler.reschedule_job("tick", trigger="interval", seconds=settings.service.tick)
        logging.getLogger().setLevel(settings.service.log_level)
        log.info("config reloaded from %s: %d feed(s), %d topic(s), %d notifier(s)",
                 self.config_path, len(settings.feeds), len(settings.topics),
                 len(settings.notifiers))

    def _config_changed(self) -> bool:
        if not self.monitor.settings.service.watch_config or self.config_path is None:
            return False
        return _mtime(self.config_path) != self._config_mtime

    def _on_stop(self, signum: int, _frame: object) -> None:
        if self._stop.is_set():
            return
        log.info("received %s, stopping", signal.Signals(signum).name)
        self._stop.set()
        self.monitor.stopping.set()

    def _on_reload(self, _signum: int, _frame: object) -> None:
        self._reload.set()


def _mtime(path: Path | None) -> int | None:
    try:
        return path.stat().st_mtime_ns if path else None
    except OSError:
        return None
