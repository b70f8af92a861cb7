"""The web interface of a real `claimwatch run`: pages, JSON API, health, metrics, systemd
notifications on a real unix datagram socket, and the dashboard in a real headless Chromium."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import ROOT, write_config
from tests.receiver import Receiver
from tests.servers import LoopbackServer
from tests.test_end_to_end import serve_site

# A notifier that is down, with a password and a token in its URL: neither may ever show.
DOWN_NOTIFIER = "json://user:hunter2@127.0.0.1:9/tok3n-abcdef"
NEW_CLAIM = ("Russia says its forces captured Kostiantynivka on Tuesday, the defence ministry said "
            "in a statement on Wednesday.")


class NotifySocket:
    """A unix datagram socket standing in for systemd's $NOTIFY_SOCKET."""

    def __init__(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="cw-", dir="/tmp")  # a short path: 108-byte limit
        self.path = os.path.join(self.dir, "notify")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.settimeout(0.2)
        self.messages: list[str] = []
        self._open = True
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        while self._open:
            try:
                self.messages.append(self.sock.recv(4096).decode())
            except TimeoutError:
                continue
            except OSError:
                return

    def count(self, line: str) -> int:
        return sum(line in m.splitlines() for m in list(self.messages))

    def close(self) -> None:
        self._open = False
        self._thread.join(2)
        self.sock.close()
        shutil.rmtree(self.dir, ignore_errors=True)


@dataclass
class Daemon:
    proc: subprocess.Popen[bytes]
    log: Path
    notify: NotifySocket
    url: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    def stderr(self) -> str:
        return self.log.read_text("utf-8", errors="replace")


def start_daemon(config: Path, log: Path, *, watchdog_usec: int = 0) -> Daemon:
    notify = NotifySocket()
    env = {**os.environ, "NOTIFY_SOCKET": notify.path}
    if watchdog_usec:
        env["WATCHDOG_USEC"] = str(watchdog_usec)
    with log.open("wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "claimwatch", "--config", str(config),
                                 "run"], stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=ROOT)
    daemon = Daemon(proc, log, notify)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and proc.poll() is None:
        found = re.search(r"web interface on (http://\S+/)", daemon.stderr())
        if found and notify.count("READY=1"):
            daemon.url = found.group(1).rstrip("/")
            return daemon
        time.sleep(0.1)
    stop_daemon(daemon)
    raise AssertionError(f"daemon did not become ready:\n{daemon.stderr()}")


def stop_daemon(daemon: Daemon) -> int:
    if daemon.proc.poll() is None:
        daemon.proc.send_signal(signal.SIGTERM)
        try:
            daemon.proc.wait(30)
        except subprocess.TimeoutExpired:
            daemon.proc.kill()
            daemon.proc.wait()
    daemon.notify.close()
    return daemon.proc.returncode


def wait_for(predicate, timeout: float = 60, what: str = "") -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):  # type: ignore[no-untyped-def]
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode()


def request(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None,
            method: str | None = None) -> Reply:
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return Reply(resp.status, {k.lower(): v for k, v in resp.headers.items()},
                         resp.read())
    except urllib.error.HTTPError as exc:
        return Reply(exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read())


@pytest.fixture(scope="module")
def daemon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Daemon]:
    """A daemon that has polled the end-to-end site once and delivered its two alerts."""
    tmp = tmp_path_factory.mktemp("web")
    receiver = Receiver().start()
    with LoopbackServer() as server:
        serve_site(server)
        config = write_config(tmp / "claimwatch.toml", feeds=[server.url("/feed.xml")],
                              notifiers=[receiver.url, DOWN_NOTIFIER],
                              extra='[web]\nlisten = "127.0.0.1:0"')
        d = start_daemon(config, tmp / "daemon.log")
        d.extra.update(receiver=receiver, feed=server.url("/feed.xml"))
        try:
            wait_for(lambda: len(receiver.messages) == 2, what="two alerts delivered")
            # Delivery is recorded just after the send: wait until the rows say so (and the
            # notifier that is down has failed once for each alert).
            wait_for(lambda: sorted(
                (dl["status"], dl["attempts"] > 0)
                for a in request(d.url + "/api/alerts").json() for dl in a["deliveries"]
            ) == [("pending", True)] * 2 + [("sent", True)] * 2, what="deliveries recorded")
            yield d
        finally:
            stop_daemon(d)
            receiver.stop()


def test_pages_render_alerts_feeds_topics_with_a_strict_csp(daemon: Daemon) -> None:
    """Every page answers 200 as HTML with a Content-Security-Policy that allows no script;
    the alerts page shows each claim, who made it, why it fired, the nearest known claim and
    its delivery state; the feeds page shows the feed as ok."""
    for path in ("/", "/feeds", "/topics", "/check"):
        reply = request(daemon.url + path)
        assert reply.status == 200, path
        assert reply.headers["content-type"].startswith("text/html")
        csp = reply.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src" not in csp
        assert reply.headers["x-content-type-options"] == "nosniff"
    page = request(daemon.url + "/").text
    assert page.count('class="alert claim"') == 2
    assert "Kupiansk" in page and "Zaporizhzhia" in page
    assert "Who</dt>" in page and "Nearest known claim</dt>" in page and "matched" in page
    assert page.count('class="delivery-sent"') == 2
    assert page.count('class="delivery-pending"') == 2
    feeds = request(daemon.url + "/feeds").text
    assert daemon.extra["feed"] in feeds and '<td class="state">ok</td>' in feeds
    topics = request(daemon.url + "/topics").text
    assert 'id="topic-zaporizhzhia-npp"' in topics and 'id="topic-territorial-claims"' in topics


def test_api_gives_alerts_newest_first_with_deliveries_feeds_and_topics(daemon: Daemon) -> None:
    """/api/alerts lists the two alerts newest first with claim, why, article and a sent
    delivery to the notifier (shown by its safe label); /api/feeds and /api/topics match the
    config."""
    alerts = request(daemon.url + "/api/alerts").json()
    assert [a["id"] for a in alerts] == sorted((a["id"] for a in alerts), reverse=True)
    assert {a["topic"] for a in alerts} == {"zaporizhzhia-npp", "territorial-claims"}
    for a in alerts:
        assert a["claim"] and a["why"]["matched"] and a["article"]["url"].startswith("http")
        assert a["article"]["title"] and a["article"]["source"]
        sent, down = sorted(a["deliveries"], key=lambda dl: dl["status"] != "sent")
        assert sent["status"] == "sent" and sent["attempts"] == 1 and sent["sent_at"]
        assert "/hook" not in sent["notifier"]  # the path, where tokens live, is not shown
        assert down["status"] == "pending" and down["last_error"] and down["next_try_at"]
    assert request(daemon.url + "/api/alerts?limit=1").json()[0]["id"] == alerts[0]["id"]
    [feed] = request(daemon.url + "/api/feeds").json()
    assert feed["url"] == daemon.extra["feed"] and feed["state"] == "ok"
    assert feed["last_success_at"] and feed["next_poll_at"]
    topics = request(daemon.url + "/api/topics").json()
    assert [t["id"] for t in topics] == ["zaporizhzhia-npp", "territorial-claims"]


def test_check_judges_a_pasted_text_and_changes_nothing(daemon: Daemon) -> None:
    """POST /api/check and the check page say a new Kostiantynivka capture claim would alert on
    territorial claims; no alert is stored or sent for it."""
    before = request(daemon.url + "/api/alerts").json()
    reply = request(daemon.url + "/api/check", data=json.dumps({"text": NEW_CLAIM}).encode(),
                    headers={"Content-Type": "application/json"})
    assert reply.status == 200
    [alert] = reply.json()["alerts"]
    assert alert["topic"] == "territorial-claims" and "Kostiantynivka" in alert["claim"]
    page = request(daemon.url + "/check", data=b"text=" + NEW_CLAIM.replace(" ", "+").encode())
    assert page.status == 200 and "territorial-claims" in page.text
    bad = request(daemon.url + "/api/check", data=b"not json")
    assert bad.status == 400
    assert request(daemon.url + "/api/alerts").json() == before
    assert len(daemon.extra["receiver"].messages) == 2  # type: ignore[attr-defined]


def test_hostile_text_is_escaped_on_the_check_page(daemon: Daemon) -> None:
    """Markup in a pasted text comes back as text, never as a tag."""
    hostile = '<script>alert(1)</script><img src=x onerror=alert(2)> ' + NEW_CLAIM
    body = urllib.parse.urlencode({"text": hostile, "title": "<b>t</b>"}).encode()
    page = request(daemon.url + "/check", data=body).text
    assert "<script>" not in page and "<img" not in page and "<b>t</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_health_and_readiness(daemon: Daemon) -> None:
    """/healthz says the process is up; /readyz says ready (database reachable, scheduler
    running); an unknown path is 404 and a wrong method 405."""
    assert request(daemon.url + "/healthz").json() == {"status": "ok"}
    ready = request(daemon.url + "/readyz")
    assert ready.status == 200 and ready.json() == {"status": "ready"}
    assert request(daemon.url + "/nope").status == 404
    assert request(daemon.url + "/api/alerts", data=b"{}").status == 405


def test_metrics_parse_and_count_polls_alerts_deliveries_and_corpus(daemon: Daemon) -> None:
    """/metrics parses with the Prometheus parser and counts the ok poll, one alert per
    topic, two sent deliveries (none pending), the corpus and timings of each stage."""
    text = request(daemon.url + "/metrics").text
    samples = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    assert samples[("claimwatch_polls_total", (("outcome", "ok"),))] >= 1
    for topic in ("zaporizhzhia-npp", "territorial-claims"):
        assert samples[("claimwatch_alerts_total", (("kind", "claim"), ("topic", topic)))] == 1
    sent = [v for (name, labels), v in samples.items()
            if name == "claimwatch_deliveries" and ("status", "sent") in labels]
    assert sent == [2]
    assert samples[("claimwatch_pending_deliveries", ())] == 2  # the notifier that is down
    assert samples[("claimwatch_corpus_articles", ())] >= 6  # 2 seeds + 4 pages
    assert samples[("claimwatch_corpus_claims", ())] > 0
    assert samples[("claimwatch_articles_total", (("result", "alerted"),))] == 2
    for stage in ("fetch_feed", "fetch_page", "extract", "evaluate", "record", "deliver"):
        assert samples[("claimwatch_stage_seconds_count", (("stage", stage),))] >= 1, stage
    assert samples[("claimwatch_feeds", (("state", "ok"),))] == 1
    assert samples[("claimwatch_database_up", ())] == 1


def test_notifier_secrets_never_show(daemon: Daemon) -> None:
    """The down notifier's password and token appear on no page, in no API answer and in no
    metric, though its failed deliveries are listed with their error."""
    for path in ("/", "/feeds", "/topics", "/api/alerts", "/api/feeds", "/api/topics",
                 "/metrics"):
        text = request(daemon.url + path).text
        assert "hunter2" not in text and "tok3n-abcdef" not in text, path
    assert "127.0.0.1:9" in request(daemon.url + "/").text


def test_requests_for_another_host_name_are_refused(daemon: Daemon) -> None:
    """Without a token the interface answers only loopback host names (no DNS rebinding)."""
    reply = request(daemon.url + "/api/alerts", headers={"Host": "attacker.example:8080"})
    assert reply.status == 421


def test_dashboard_in_headless_chromium(daemon: Daemon, tmp_path: Path) -> None:
    """Real Chromium shows the two alerts and the feed's health, with the page's own
    stylesheet allowed by the CSP; the check form, submitted without any script, shows
    what a pasted text would raise; a screenshot of each page is written."""
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    driver = chromium()
    try:
        driver.get(daemon.url + "/")
        cards = driver.find_elements("css selector", "article.alert")
        assert len(cards) == 2
        text = driver.find_element("tag name", "main").text
        assert "Kupiansk" in text and "Nearest known claim" in text and "sent" in text
        # The stylesheet loaded (the CSP allows 'self'): the header is laid out as flex.
        header = driver.find_element("tag name", "header")
        assert header.value_of_css_property("display") == "flex"
        driver.save_screenshot(str(tmp_path / "alerts.png"))
        driver.get(daemon.url + "/feeds")
        state = driver.find_element("css selector", "tr.feed-ok td.state")
        assert state.text == "ok"
        driver.save_screenshot(str(tmp_path / "feeds.png"))
        driver.get(daemon.url + "/check")
        driver.find_element("name", "text").send_keys(NEW_CLAIM)
        driver.find_element("css selector", "form button[type=submit]").click()
        # The answer is a new page: wait for it (the check waits for the judging step,
        # which a poll may hold), rather than read the form page still showing.
        result = WebDriverWait(driver, 60).until(
            expected_conditions.presence_of_element_located(("css selector", "section.result"))
        )
        assert "territorial-claims" in result.text and "Kostiantynivka" in result.text
        driver.save_screenshot(str(tmp_path / "check.png"))
        logs = [e for e in driver.get_log("browser") if "Content Security Policy" in e["message"]]
        assert logs == []
    finally:
        driver.quit()
    assert (tmp_path / "alerts.png").stat().st_size > 10_000


def chromium():  # type: ignore[no-untyped-def]
    """Debian's chromium through its chromedriver, or a skip (a failure in CI)."""
    binary, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if not binary or not driver_path:
        if os.environ.get("CI"):
            pytest.fail("chromium and chromium-driver must be installed (.ci/run does it)")
        pytest.skip("chromium / chromedriver not installed (apt-get install chromium "
                    "chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--window-size=1280,1600"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(driver_path), options=options)


def test_systemd_ready_watchdog_and_stopping(tmp_path: Path) -> None:
    """`run` under a notify socket sends READY=1 once started (readyz already answers ready),
    WATCHDOG=1 again and again at half the watchdog timeout, and STOPPING=1 on SIGTERM."""
    config = write_config(tmp_path / "claimwatch.toml", extra='[web]\nlisten = "127.0.0.1:0"')
    d = start_daemon(config, tmp_path / "daemon.log", watchdog_usec=2_000_000)
    try:
        assert d.notify.count("READY=1") == 1
        assert request(d.url + "/readyz").status == 200
        wait_for(lambda: d.notify.count("WATCHDOG=1") >= 3, timeout=30, what="watchdog pings")
    finally:
        code = stop_daemon(d)
    assert code == 0, d.stderr()
    assert d.notify.count("STOPPING=1") == 1
    assert any(m.startswith("READY=1\nSTATUS=") for m in d.notify.messages)


def test_token_is_required_when_set(tmp_path: Path) -> None:
    """With `[web] token`, pages and API answer 401 without it and 200 with it as a Bearer
    token or a Basic password; /healthz stays open for probes."""
    token = "s3cret-token-0123456789"
    config = write_config(tmp_path / "claimwatch.toml",
                          extra=f'[web]\nlisten = "127.0.0.1:0"\ntoken = "{token}"')
    d = start_daemon(config, tmp_path / "daemon.log")
    try:
        assert request(d.url + "/api/alerts").status == 401
        denied = request(d.url + "/")
        assert denied.status == 401 and "Basic" in denied.headers["www-authenticate"]
        wrong = request(d.url + "/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status == 401
        bearer = request(d.url + "/metrics", headers={"Authorization": f"Bearer {token}"})
        assert bearer.status == 200
        basic = base64.b64encode(f"me:{token}".encode()).decode()
        assert request(d.url + "/", headers={"Authorization": f"Basic {basic}"}).status == 200
        assert request(d.url + "/healthz").status == 200
        assert token not in d.stderr()
    finally:
        stop_daemon(d)


def test_api_and_metrics_on_postgresql(tmp_path: Path, postgres_url: str) -> None:
    """On PostgreSQL the daemon is ready, and the API and the metrics read the database."""
    config = write_config(tmp_path / "claimwatch.toml", database_url=postgres_url,
                          extra='[web]\nlisten = "127.0.0.1:0"')
    d = start_daemon(config, tmp_path / "daemon.log")
    try:
        assert request(d.url + "/readyz").json() == {"status": "ready"}
        assert request(d.url + "/api/alerts").json() == []
        metrics = {s.name: s.value for f in text_string_to_metric_families(
            request(d.url + "/metrics").text) for s in f.samples if not s.labels}
        assert metrics["claimwatch_database_up"] == 1
        assert metrics["claimwatch_corpus_articles"] == 2  # the two seeds
    finally:
        assert stop_daemon(d) == 0


def test_non_loopback_listen_without_token_is_a_config_error(tmp_path: Path) -> None:
    """Listening beyond loopback without a token is refused at start with the key named."""
    from tests.test_end_to_end import claimwatch

    config = write_config(tmp_path / "claimwatch.toml", extra='[web]\nlisten = "0.0.0.0:8080"')
    result = claimwatch(config, "config", "validate")
    assert result.returncode == 78
    assert "web (line" in result.stderr and "needs web.token" in result.stderr


if os.name != "posix":  # pragma: no cover
    pytestmark = pytest.mark.skip("unix sockets and signals are POSIX")
