"""Crash safety: kill -9 at random moments never loses or duplicates an alert.

The full 30-trial run is scripts/crashtest.py (about 10 minutes); the default suite runs
three trials so every CI run exercises the outbox after real SIGKILLs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def _trials(n: int, tmp_path: Path) -> dict[str, int]:
    out = tmp_path / "crash.json"
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "crashtest.py"), "--trials", str(n),
         "--articles", "12", "--json", str(out)],
        capture_output=True, text=True, timeout=60 * n + 120, cwd=ROOT,
    )
    assert out.exists(), result.stdout + result.stderr
    report = json.loads(out.read_text())
    assert report["failures"] == [], report["failures"]
    return report["summary"]


def test_three_kill9_trials_deliver_every_alert_exactly_once(tmp_path: Path) -> None:
    """After SIGKILLs mid-cycle and a restart, each notifier got every alert exactly once."""
    summary = _trials(3, tmp_path)
    assert summary["lost"] == 0
    assert summary["duplicated"] == 0
    assert summary["delivered"] == summary["expected"] > 0


@pytest.mark.slow
def test_thirty_kill9_trials(tmp_path: Path) -> None:
    """Thirty trials of one to three SIGKILLs each: nothing lost, nothing duplicated."""
    summary = _trials(30, tmp_path)
    assert summary["lost"] == 0
    assert summary["duplicated"] == 0
