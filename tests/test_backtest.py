"""Backtest: the stored articles judged again with the current topics; the database is
left exactly as it was."""

from __future__ import annotations

import json
import signal
import sqlite3
from pathlib import Path

import pytest

from claimwatch.cli import main
from tests.conftest import shipped_topics, write_config
from tests.servers import LoopbackServer
from tests.test_end_to_end import claimwatch, serve_site

IAEA_TOPIC = """
[[topics]]
id = "iaea"
name = "IAEA statements"
terms = ["IAEA"]
"""


def dump(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return "\n".join(conn.iterdump())


def test_backtest_shows_what_a_topic_edit_would_change_and_changes_nothing(
    server: LoopbackServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """After a poll raised two alerts, backtest lists the same two as raised then; with a new
    topic added it also lists that topic's alert as new; with a topic removed its alert is
    listed as no longer raised; `--topic` narrows it, `--since 0s` judges nothing; the
    database is byte for byte the same."""
    serve_site(server)
    feeds = [server.url("/feed.xml")]
    config = write_config(tmp_path / "claimwatch.toml", feeds=feeds)
    assert claimwatch(config, "once").returncode == 0
    db = tmp_path / "data" / "claimwatch.db"
    before = dump(db)

    def backtest(*args: str) -> str:
        """The command in this process (the gazetteer is built once), its standard output."""
        capsys.readouterr()
        sigpipe = signal.getsignal(signal.SIGPIPE)
        try:
            assert main(["--config", str(config), "backtest", *args]) == 0
        finally:
            signal.signal(signal.SIGPIPE, sigpipe)  # main() sets the CLI's own
        return capsys.readouterr().out

    rows = [json.loads(line) for line in backtest("--json").splitlines()]
    assert sorted(r["topic"] for r in rows) == ["territorial-claims", "zaporizhzhia-npp"]
    assert all(r["raised_then"] for r in rows)

    write_config(config, feeds=feeds, topics=shipped_topics() + IAEA_TOPIC)
    rows = [json.loads(line) for line in backtest("--json").splitlines()]
    new = [r for r in rows if not r["raised_then"]]
    assert [r["topic"] for r in new] == ["iaea"]
    assert "IAEA" in new[0]["claim"] and new[0]["article"].endswith("znpp-new-claim.html")
    assert len(rows) == 3

    text = backtest("--topic", "iaea")
    assert "ALERT iaea (NEW)" in text and "territorial-claims" not in text
    assert "1 alert(s) would be raised (0 as raised then, 1 new)" in text

    only_znpp = shipped_topics().split('[[topics]]\nid = "territorial-claims"')[0]
    write_config(config, feeds=feeds, topics=only_znpp)
    text = backtest()
    assert "NO LONGER territorial-claims" in text
    assert "1 raised then would not be" in text

    assert "0 judged" in backtest("--since", "0s")
    assert dump(db) == before


def test_backtest_without_a_database_says_so(tmp_path: Path) -> None:
    """Before anything was stored, backtest says there is nothing to judge and creates
    nothing."""
    config = write_config(tmp_path / "claimwatch.toml")
    result = claimwatch(config, "backtest")
    assert result.returncode == 1 and "no database yet" in result.stderr
    assert not (tmp_path / "data").exists()
