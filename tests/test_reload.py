"""Config edits while `claimwatch run` is running: a valid edit is used without a restart; an
invalid one is refused in one log line naming the key, and the last good config keeps working."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.conftest import ROOT, write_config
from tests.receiver import Receiver
from tests.servers import LoopbackServer, Reply
from tests.test_end_to_end import rss, serve_site

POLLING = '[polling]\njitter = 0\ndefault_interval = "1s"'


def wait_for(what: str, condition: Callable[[], bool], timeout: float = 45) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def replace_file(path: Path, text: str) -> None:
    """Write the new config the way editors and config managers do: all at once."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, "utf-8")
    os.replace(tmp, path)


def test_edits_apply_while_running_and_a_bad_edit_keeps_the_last_good_config(
    server: LoopbackServer, receiver: Receiver, tmp_path: Path
) -> None:
    """Adding a feed and a notifier to the file of a running daemon makes it poll the feed and
    notify the new notifier; a bad value then is refused in one log line naming the key and
    why, and the daemon goes on polling and delivering to both notifiers; with the file watch
    off, SIGHUP applies an edit."""
    serve_site(server)
    feed_a, feed_b = server.url("/a.xml"), server.url("/b.xml")
    server.route("/a.xml", Reply(body=rss(server, ("off-topic",))))
    server.route("/b.xml", Reply(body=rss(server, ("znpp-new-claim",))))
    second = Receiver().start()
    path = tmp_path / "claimwatch.toml"
    write_config(path, feeds=[feed_a], notifiers=[receiver.url], extra=POLLING)
    stderr = tmp_path / "stderr.log"
    with stderr.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "claimwatch", "--config", str(path), "run"],
            stdout=subprocess.DEVNULL, stderr=err, text=True, cwd=ROOT,
        )
    log = lambda: stderr.read_text("utf-8")  # noqa: E731
    try:
        wait_for("the first poll", lambda: f"feed ok url={feed_a}" in log())
        assert receiver.messages == []

        # 1. A new feed and a new notifier, by editing the file: no signal, no restart.
        write_config(path.with_name("next.toml"), feeds=[feed_a, feed_b],
                     notifiers=[receiver.url, second.url], extra=POLLING)
        replace_file(path, path.with_name("next.toml").read_text("utf-8"))
        wait_for("the new notifier", lambda: len(second.messages) == 1)
        wait_for("the old notifier", lambda: len(receiver.messages) == 1)
        assert "zaporizhzhia-npp" in second.messages[0]["message"]
        assert "config reloaded" in log()

        # 2. An invalid edit: one line naming the key and the reason; nothing else changes.
        good = path.read_text("utf-8")
        replace_file(path, good.replace('tick = "1s"', 'tick = "often"'))
        wait_for("the refusal", lambda: "config reload refused" in log())
        time.sleep(1.5)  # a few more ticks: the refusal is not repeated
        naming = [ln for ln in log().splitlines() if "service.tick" in ln]
        assert len(naming) == 1, naming
        assert "expected a duration" in naming[0] and "keeping the last good config" in naming[0]

        # 3. Still polling (feed A has news now) and delivering to both notifiers.
        server.route("/a.xml", Reply(body=rss(server, ("territory-new-claim",))))
        wait_for("delivery after the refused edit",
                 lambda: len(receiver.messages) == 2 and len(second.messages) == 2)
        assert "territorial-claims" in second.messages[1]["message"]
        assert proc.poll() is None

        # 4. With the file watch turned off (itself an edit), SIGHUP is what applies an edit.
        reloads = lambda: log().count("config reloaded")  # noqa: E731
        before = reloads()
        grace = 'shutdown_grace = "3s"'
        unwatched = good.replace(grace, grace + "\nwatch_config = false")
        replace_file(path, unwatched)
        wait_for("the watch to be turned off", lambda: reloads() == before + 1)
        replace_file(path, unwatched.replace(feed_b, server.url("/c.xml")))
        time.sleep(2.5)
        assert reloads() == before + 1  # not watched any more
        proc.send_signal(signal.SIGHUP)
        wait_for("the SIGHUP reload", lambda: reloads() == before + 2)
        assert proc.poll() is None

        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        assert "claimwatch stopped" in log()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        second.stop()
