"""Crash trials: kill -9 the daemon at random moments, restart it, count what arrives.

    python scripts/crashtest.py [--trials 30] [--articles 24] [--seed 1] [--json FILE]

One feed of new-claim, copied and off-topic articles is served on loopback, with two
Apprise json:// receivers (two notifiers). A reference run without crashes gives the
alerts that should exist. Each trial then starts `claimwatch run` on a fresh database,
SIGKILLs it after a random delay (up to the reference run's duration, so kills land while
fetching, evaluating, committing and delivering), possibly several times, and finally lets
`claimwatch once` finish. It then checks, per notifier, that every expected alert arrived
exactly once, and that the database is consistent (integrity check, one alert per key,
every delivery sent, every entry's article stored once).
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import write_config  # noqa: E402
from tests.receiver import Receiver  # noqa: E402
from tests.servers import LoopbackServer, Reply  # noqa: E402

TOWNS = [
    "Kupiansk", "Lyman", "Siversk", "Kostiantynivka", "Huliaipole", "Orikhiv", "Vovchansk",
    "Toretsk", "Chasiv Yar", "Kurakhove", "Vuhledar", "Avdiivka", "Myrnohrad", "Selydove",
    "Ukrainsk", "Hirnyk", "Novohrodivka", "Krasnohorivka", "Marinka", "Bilohorivka",
    "Stepnohirsk", "Kamianske", "Sviatohirsk", "Izium",
]
ZNPP = [
    "The Zaporizhzhia nuclear power plant lost its last external power line on {d}, and "
    "twenty diesel generators started, the IAEA said.",
    "Russian drones struck the training centre next to the Zaporizhzhia nuclear plant on {d}, "
    "Energoatom said, without damage to the reactors.",
    "The cooling pond of the Zaporizhzhia nuclear plant has fallen to a record low after the "
    "Kakhovka dam was destroyed, IAEA chief Rafael Grossi said on {d}.",
    "Rosatom said on {d} it had received a Russian operating licence for the first unit of "
    "the Zaporizhzhia nuclear power plant.",
]


def page(title: str, paras: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paras)
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body><article><h1>{title}</h1>{body}</article></body></html>").encode()


def build_site(server: LoopbackServer, n: int, rng: random.Random) -> None:
    items = []
    for i in range(n):
        kind = i % 6
        if kind in (0, 1, 2, 3):
            town = TOWNS[i % len(TOWNS)]
            title = f"Russia says its forces captured {town}"
            paras = [
                f"Russia's defence ministry said on Tuesday that its troops had captured {town} "
                "after weeks of fighting, a claim Ukraine's General Staff did not confirm.",
                f"The ministry published video it said showed soldiers raising a flag in {town}.",
                "Independent verification of the claim was not possible, analysts said, and "
                "fighting continued in the surrounding villages.",
            ]
        elif kind == 4:
            fact = ZNPP[(i // 6) % len(ZNPP)].format(d=f"day {i}")
            title = "Zaporizhzhia nuclear plant: " + fact.split(",")[0][:60]
            paras = [fact, "The plant has been under Russian control since March 2022, and its "
                     "six reactors have been in cold shutdown for more than a year.",
                     "Kyiv and Moscow have repeatedly accused each other of endangering it."]
        else:
            title = f"Regional weather update {i}"
            paras = [f"Forecasters expect rain and wind across the region on day {i}, with "
                     "temperatures a little below the seasonal average and fog in the valleys.",
                     "Drivers are advised to take care on mountain roads overnight."]
        path = f"/a/{i}.html"
        server.route(path, Reply(body=page(title, paras),
                                 headers={"Content-Type": "text/html; charset=utf-8"}))
        items.append(f"<item><title>{title}</title><link>{server.url(path)}</link>"
                     f"<guid>g{i}</guid></item>")
    rng.shuffle(items)  # not in the order written, but the same order every poll
    feed = ("<?xml version='1.0'?><rss version='2.0'><channel><title>crash wire</title>"
            + "".join(items) + "</channel></rss>").encode()
    server.route("/feed.xml", Reply(body=feed, headers={"Content-Type": "application/rss+xml"}))


def claimwatch(config: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "claimwatch", "--config", str(config), *args],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def start_daemon(config: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "claimwatch", "--config", str(config), "run"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
                            cwd=ROOT)


def consistency(db: Path, notifiers: int) -> list[str]:
    problems = []
    con = sqlite3.connect(db)
    try:
        if con.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            problems.append("integrity_check failed")
        dup = con.execute("SELECT key, COUNT(*) FROM alerts GROUP BY key HAVING COUNT(*) > 1")
        problems += [f"alert key {k} stored {c} times" for k, c in dup]
        unsent = con.execute("SELECT COUNT(*) FROM deliveries WHERE status != 'sent'").fetchone()
        if unsent[0]:
            problems.append(f"{unsent[0]} deliveries not sent")
        n_alerts = con.execute("SELECT COUNT(*) FROM alerts").fetchone()[0]
        n_deliv = con.execute("SELECT COUNT(*) FROM deliveries").fetchone()[0]
        if n_deliv != n_alerts * notifiers:
            problems.append(f"{n_deliv} deliveries for {n_alerts} alerts x {notifiers} notifiers")
        orphan = con.execute(
            "SELECT COUNT(*) FROM entries e LEFT JOIN articles a ON a.id = e.article_id "
            "WHERE e.article_id IS NOT NULL AND a.id IS NULL").fetchone()[0]
        if orphan:
            problems.append(f"{orphan} entries point to missing articles")
    finally:
        con.close()
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=30)
    ap.add_argument("--articles", type=int, default=24)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-kills", type=int, default=3, help="kills per trial (1..N, random)")
    ap.add_argument("--json", help="write the results here")
    args = ap.parse_args()
    rng = random.Random(args.seed)

    with LoopbackServer() as server, tempfile.TemporaryDirectory() as tmp:
        build_site(server, args.articles, rng)
        receivers = [Receiver().start(), Receiver().start()]
        try:
            def fresh_config(name: str) -> Path:
                d = Path(tmp) / name
                d.mkdir()
                return write_config(d / "claimwatch.toml", feeds=[server.url("/feed.xml")],
                                    notifiers=[r.url for r in receivers],
                                    extra='[polling]\ndefault_interval = "1s"\n')

            # Reference: no crash.
            started = time.monotonic()
            ref = claimwatch(fresh_config("reference"), "once")
            reference_seconds = time.monotonic() - started
            if ref.returncode != 0:
                print(ref.stderr, file=sys.stderr)
                return 1
            expected = Counter(receivers[0].titles())
            if Counter(receivers[1].titles()) != expected or not expected:
                print("reference run: receivers disagree or nothing alerted", file=sys.stderr)
                return 1
            print(f"reference: {sum(expected.values())} alerts per notifier, "
                  f"{reference_seconds:.1f} s for a full pass")

            totals = Counter()
            failures = []
            for trial in range(1, args.trials + 1):
                for r in receivers:
                    r.messages.clear()
                config = fresh_config(f"trial{trial}")
                kills = rng.randint(1, args.max_kills)
                for _ in range(kills):
                    proc = start_daemon(config)
                    time.sleep(rng.uniform(0.2, reference_seconds + 1.0))
                    proc.send_signal(signal.SIGKILL)
                    proc.wait()
                finish = claimwatch(config, "once")
                problems = []
                if finish.returncode != 0:
                    problems.append(f"final once exited {finish.returncode}")
                lost = dup = 0
                for i, r in enumerate(receivers):
                    got = Counter(r.titles())
                    missing = expected - got
                    extra = got - expected
                    lost += sum(missing.values())
                    dup += sum(extra.values())
                    if missing:
                        problems.append(f"notifier {i}: lost {sorted(missing)}")
                    if extra:
                        problems.append(f"notifier {i}: duplicated {sorted(extra)}")
                broken = consistency(config.parent / "data" / "claimwatch.db", len(receivers))
                problems += broken
                totals.update(trials=1, kills=kills, inconsistent=int(bool(broken)),
                              expected=sum(expected.values()) * len(receivers),
                              delivered=sum(len(r.messages) for r in receivers),
                              lost=lost, duplicated=dup)
                status = "ok" if not problems else "FAIL: " + "; ".join(problems)
                print(f"trial {trial:>3}: {kills} kill(s) -> {status}", flush=True)
                if problems:
                    failures.append({"trial": trial, "problems": problems})
        finally:
            for r in receivers:
                r.stop()

    summary = dict(totals) | {"failed_trials": len(failures), "seed": args.seed,
                              "articles": args.articles}
    print(json.dumps(summary))
    if args.json:
        Path(args.json).write_text(json.dumps({"summary": summary, "failures": failures},
                                              indent=2))
    return 0 if not failures else 1


if __name__ == "__main__":
    raise SystemExit(main())
