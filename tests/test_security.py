"""Security: no fetches of this machine's network by default, only http(s), no secrets in
any output, no markup from articles in notifications, a private data directory."""

from __future__ import annotations

import logging
import os
import re
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from claimwatch.config import load_settings
from claimwatch.errors import ConfigError
from tests.conftest import ROOT, write_config
from tests.receiver import Receiver
from tests.servers import LoopbackServer, Reply
from tests.test_end_to_end import claimwatch, serve_site
from tests.test_faults import (
    FEEDS,
    Clock,
    closed_port,
    feed_row,
    lines_naming,
    monitor_settings,
    notifier_toml,
    rss_items,
    running_monitor,
)
from tests.test_reload import wait_for

ZNPP_TEXT = (
    "<p>The Zaporizhzhia nuclear power plant lost its last remaining external power line early "
    "on Tuesday and is running on emergency diesel generators, the International Atomic Energy "
    "Agency said.</p>"
)


def test_feeds_on_loopback_are_refused_by_default_in_one_line_each(
    server: LoopbackServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """With allow_private_addresses left at its default, a feed on this machine is not fetched:
    one log line names it and says why, and the daemon carries on (and retries later)."""
    caplog.set_level(logging.INFO)
    server.route("/feed.xml", Reply(body=b"<rss/>"))
    urls = [server.url("/feed.xml"), f"http://localhost:{server.port}/feed.xml"]
    config = monitor_settings(tmp_path, urls)
    config.write_text(config.read_text().replace("allow_private_addresses = true\n", ""))
    assert load_settings(config).fetch.allow_private_addresses is False
    clock = Clock()
    with running_monitor(config, clock) as monitor:
        results = monitor.tick()
        assert [r.status for r in results] == ["error", "error"]
        for url in urls:
            [line] = lines_naming(caplog, url)
            assert "forbidden address" in line
        assert all(feed_row(monitor, u).next_check_at > clock.now for u in urls)
    assert server.requests == []


def test_only_http_and_https_feeds_are_accepted(tmp_path: Path) -> None:
    """A feed URL with another scheme (file:, ftp:) is refused when the config is read, naming
    the key."""
    for url in ("file:///etc/passwd", "ftp://example.org/feed.xml"):
        config = write_config(tmp_path / "claimwatch.toml", feeds=[url])
        with pytest.raises(ConfigError) as info:
            load_settings(config)
        assert any(p.startswith("feeds[0].url") for p in info.value.problems), info.value


def test_entry_links_with_other_schemes_are_never_followed(
    server: LoopbackServer, tmp_path: Path
) -> None:
    """Entries linking to file:///etc/passwd or javascript: are judged on the feed's own text;
    the link is not read and does not appear in the alert."""
    server.route("/feed.xml", Reply(body=rss_items(
        ("local-file", "file:///etc/passwd", ZNPP_TEXT),
        ("script", "javascript:alert(1)", ZNPP_TEXT.replace("Tuesday", "Friday")),
    )))
    url = server.url("/feed.xml")
    with running_monitor(monitor_settings(tmp_path, [url]), Clock()) as monitor:
        [result] = monitor.tick()
        assert result.status == "ok" and result.alerts >= 1
        bodies = "\n".join(a.body for a in monitor.store.alerts())
    assert "root:" not in bodies and "file:" not in bodies and "javascript:" not in bodies
    assert f"URL: {url}#local-file" in bodies
    assert [r.path for r in server.requests] == ["/feed.xml"]


def test_article_text_cannot_inject_markup_into_notifications(
    server: LoopbackServer, receiver: Receiver, tmp_path: Path
) -> None:
    """An article whose text holds <script>, <a href> and a Markdown link reaches an HTML
    notifier escaped and a Markdown notifier with the link syntax escaped, in the title too."""
    markdown = Receiver().start()
    try:
        serve_site(server)
        server.route("/news/markup.html", Reply(
            body=(FEEDS / "page-markup-injection.html").read_bytes(),
            headers={"Content-Type": "text/html; charset=utf-8"}))
        server.route("/markup.xml", Reply(body=rss_items(
            ("markup", server.url("/news/markup.html"), "See the page."))))
        url = server.url("/markup.xml")
        config = monitor_settings(tmp_path, [url], notifiers=[
            notifier_toml(receiver.url + "?format=html"),
            notifier_toml(markdown.url + "?format=markdown")])
        with running_monitor(config, Clock()) as monitor:
            [result] = monitor.tick()
        assert result.alerts == 1
        [html] = receiver.messages
        [md] = markdown.messages
    finally:
        markdown.stop()
    text = html["message"].replace("&nbsp;", " ")  # Apprise keeps runs of spaces this way
    assert "&lt;script&gt;" in text and "&lt;a href=" in text, text
    for field in ("title", "message"):
        # The only links are the ones claimwatch makes, to the article itself.
        assert "<script" not in html[field] and "evil.example" not in _hrefs(html[field])
    assert "\\[official statement\\]\\(http" in md["message"], md["message"]
    for field in ("title", "message"):
        # Escaping ">" is enough to keep CommonMark from reading a tag ("<script\\>" is text).
        assert "[official statement](http" not in md[field]
        assert "<script>" not in md[field] and 'phish">' not in md[field], md[field]


def test_secrets_in_notifier_urls_never_appear_in_logs_errors_or_cli_output(
    server: LoopbackServer, tmp_path: Path
) -> None:
    """A notifier whose URL carries a password, a token in its path and a token parameter is
    down: the daemon's log, `notify test`, `feeds`, `alerts list` and `alerts show` say that
    it failed without showing any of the three; the data directory is private (0700, 0600)."""
    serve_site(server)
    secret_url = (f"json://user:s3cret@127.0.0.1:{closed_port()}/hook/Tok3nInPath"
                  "?-token=Tok3nInQuery")
    config = write_config(tmp_path / "claimwatch.toml", feeds=[server.url("/feed.xml")],
                          notifiers=[secret_url])
    stderr = tmp_path / "stderr.log"
    with stderr.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "claimwatch", "--config", str(config), "run"],
            stdout=subprocess.DEVNULL, stderr=err, text=True, cwd=ROOT,
            preexec_fn=lambda: os.umask(0o022),
        )
    try:
        wait_for("a failed delivery", lambda: "delivery failed" in stderr.read_text("utf-8"))
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    outputs = {"run": stderr.read_text("utf-8")}
    for args in (("notify", "test"), ("feeds",), ("alerts", "list"), ("alerts", "show", "1")):
        result = claimwatch(config, *args)
        outputs[" ".join(args)] = result.stdout + result.stderr
    assert "notifiers: json://****@127.0.0.1" in outputs["run"]
    assert "FAILED" in outputs["notify test"]
    assert "last error: A Connection error" in outputs["alerts show 1"]
    for name, text in outputs.items():
        for secret in ("s3cret", "Tok3nInPath", "Tok3nInQuery"):
            assert secret not in text, (name, secret)

    data = tmp_path / "data"
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    for path in data.iterdir():  # the database and its -wal / -shm files
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert (data / "claimwatch.db").exists()


def _hrefs(html: str) -> str:
    return " ".join(re.findall(r'<a\s[^>]*href="([^"]*)"', html))
