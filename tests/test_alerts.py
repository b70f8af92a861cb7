"""One alert per new claim across sources, with the others recorded as "also reported by"."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from claimwatch.config import load_settings
from claimwatch.monitor import Monitor
from tests.conftest import ROOT, write_config
from tests.receiver import Receiver
from tests.servers import LoopbackServer, Reply

OUTLETS = {
    "wire-a": (
        "Russia says its troops captured Kostiantynivka",
        "Russia's defence ministry said on Monday that its forces had captured the town of "
        "Kostiantynivka in the Donetsk region after months of fighting. The ministry released "
        "video it said showed troops in the town centre. Ukraine's army did not comment.",
    ),
    "paper-b": (
        "Moscow claims Kostiantynivka has fallen",
        "The Russian military claimed on Monday to have taken full control of Kostiantynivka, a "
        "town north of Donetsk that Ukraine has defended for months. Kyiv gave no immediate "
        "response and the claim could not be verified, our correspondent reports.",
    ),
    "blog-c": (
        "Kostiantynivka: Russian MoD announces capture",
        "Russian troops have seized Kostiantynivka, the defence ministry in Moscow announced, "
        "publishing footage of soldiers with a flag. Ukrainian officials have not confirmed the "
        "loss of the town, which lies on a key road in the Donetsk region.",
    ),
}


def _page(title: str, text: str) -> bytes:
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>{text}</p><p>{text}</p></article></body></html>").encode()


def _serve(server: LoopbackServer, names: list[str]) -> None:
    items = ""
    for name in names:
        title, text = OUTLETS[name]
        server.route(f"/{name}.html", Reply(body=_page(title, text),
                                            headers={"Content-Type": "text/html"}))
        items += (f"<item><title>{title}</title><link>{server.url(f'/{name}.html')}</link>"
                  f"<guid>{name}</guid></item>")
    server.route(f"/{names[0]}.xml", Reply(
        body=f"<rss version='2.0'><channel><title>{names[0]}</title>{items}</channel></rss>"
        .encode(), headers={"Content-Type": "application/rss+xml"}))


def test_same_new_claim_from_three_outlets_notifies_once_and_lists_the_others(
    server: LoopbackServer, receiver: Receiver, tmp_path: Path
) -> None:
    """Three outlets report one new capture claim: one notification; `alerts show` lists
    the two later reports under "also reported by"."""
    for name in OUTLETS:
        _serve(server, [name])
    config = write_config(tmp_path / "claimwatch.toml",
                          feeds=[server.url(f"/{n}.xml") for n in OUTLETS],
                          notifiers=[receiver.url])
    monitor = Monitor(load_settings(config))
    try:
        monitor.start()
        for feed in monitor.store.feeds():  # one feed after another: a stable order
            monitor.poll(feed)
        monitor.deliver()
        alerts = monitor.store.alerts()
    finally:
        monitor.close()
    assert len(receiver.messages) == 1, receiver.titles()
    assert len(alerts) == 1
    shown = subprocess.run(
        [sys.executable, "-m", "claimwatch", "--config", str(config), "alerts", "show",
         str(alerts[0].id)], capture_output=True, text=True, cwd=ROOT, timeout=60,
    )
    assert shown.returncode == 0, shown.stderr
    assert "also reported by (2):" in shown.stdout
    assert "paper-b.html" in shown.stdout and "blog-c.html" in shown.stdout
    assert "sent" in shown.stdout
