"""Progress on long work: plain lines when standard error is a file or pipe, a progress bar
on a terminal; standard output keeps only the result."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

from tests.conftest import ROOT, write_config
from tests.test_end_to_end import claimwatch


def seed_dir(path: Path, n: int = 25) -> Path:
    path.mkdir()
    for i in range(n):
        (path / f"{i:03}.txt").write_text(
            f"Report {i}\nOfficials in region {i} said on Monday that bridge {i} had reopened "
            f"after repairs that took {i + 2} weeks.\n", "utf-8")
    return path


def test_seed_of_a_directory_reports_progress_in_plain_lines_when_not_a_terminal(
    tmp_path: Path,
) -> None:
    """Seeding 25 files into a pipe prints a line every tenth of the way and a last line
    saying it is done, on standard error; the result stays alone on standard output."""
    config = write_config(tmp_path / "claimwatch.toml")
    result = claimwatch(config, "seed", str(seed_dir(tmp_path / "many")))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "seeded 25 article(s); 0 already in the corpus"
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith("seed: ")]
    assert lines[0] == "seed: 2/25 files" and lines[-1] == "seed: 25/25 files, done"
    assert len(lines) == 13
    assert "\r" not in result.stderr


def test_seed_on_a_terminal_draws_a_progress_bar(tmp_path: Path) -> None:
    """With standard error on a terminal (a pseudo-terminal here) seeding draws a tqdm bar
    that redraws itself in place instead of printing lines."""
    config = write_config(tmp_path / "claimwatch.toml")
    primary, secondary = pty.openpty()
    # A terminal has a size (a fresh pseudo-terminal has 0 columns): 100 x 30.
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "claimwatch", "--config", str(config), "seed",
         str(seed_dir(tmp_path / "many"))],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=secondary, cwd=ROOT,
    )
    os.close(secondary)
    screen = b""
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        screen += chunk
    out, _ = proc.communicate(timeout=120)
    os.close(primary)
    assert proc.returncode == 0
    assert b"seeded 25 article(s)" in out
    text = screen.decode(errors="replace")
    assert "seed:" in text and "%|" in text and "/25 " in text and "\r" in text
    assert "files, done" not in text
