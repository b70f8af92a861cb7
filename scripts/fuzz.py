#!/usr/bin/env python
"""Long-running fuzzer for the ingest path: feed parsing, page extraction, the claim pipeline.

    python scripts/fuzz.py --minutes 10                 # every target, time split evenly
    python scripts/fuzz.py --minutes 5 --targets pipeline,entry
    python scripts/fuzz.py --minutes 10 --engine atheris   # coverage-guided, if installed

The targets and strategies are those of tests/test_fuzz.py (one property per target); this
script only runs them for longer. The hypothesis engine runs batches of examples until the
time is up, and reports per target the examples tried (including shrinking), the slowest
example, and every distinct failure with a reproducer: the shrunk example and a
`@reproduce_failure` blob for the matching test. A failure already reported is counted,
not re-shrunk. An example that runs longer than --timeout seconds is a failure too: one
entry that hangs holds up its feed. Full reports are written under --out.

The atheris engine runs each target in a child process under libFuzzer, which feeds its
coverage-guided bytes to the hypothesis strategy (`fuzz_one_input`); it stops a target at
its first failure and leaves the crashing input under --out.

Exit status: 0 when no target failed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

if sys.argv[1:2] == ["--atheris-child"]:
    # Instrument only the code under test (instrumenting everything takes minutes).
    import atheris

    with atheris.instrument_imports(include=["claimwatch", "feedparser", "trafilatura"]):
        from tests import test_fuzz as tf
else:
    from tests import test_fuzz as tf


@dataclass(frozen=True)
class Target:
    name: str
    test: str  # the test in tests/test_fuzz.py a @reproduce_failure blob applies to
    strategy: st.SearchStrategy[Any]
    check: Callable[[Any], None]
    about: str


def _feed(value: tuple[bytes, str] | bytes) -> None:
    if isinstance(value, bytes):
        tf.check_parse_feed(value)
    else:
        tf.check_parse_feed(*value)


def _targets() -> list[Target]:
    out = [
        Target("bytes-feed", "test_parse_feed_arbitrary_bytes", st.binary(max_size=20_000),
               tf.check_parse_feed, "parse_feed on arbitrary bytes"),
        Target("structured-feed", "test_parse_feed_structured", tf.structured_feeds(), _feed,
               "parse_feed on generated RSS/Atom/RDF with hostile fields and encodings"),
        Target("pages", "test_extract_html_never_raises", tf.pages, tf.check_extract,
               "extract_html on arbitrary text/bytes and hostile pages"),
        Target("pipeline", "test_pipeline_never_raises", tf.documents, tf.check_pipeline,
               "Analyzer.evaluate on arbitrary and news-like unicode text"),
        Target("entry", "test_entry_path_never_raises", tf.structured_feeds(),
               lambda feed: tf.check_entry(*feed),
               "parse_feed then evaluate of each entry's own text"),
    ]
    feeds = tf.corpus_files(tf.FEED_CORPUS)
    if feeds:
        out.insert(2, Target("mutated-feed", "test_parse_feed_mutated_fixtures",
                             tf.mutated_files(feeds), tf.check_parse_feed,
                             f"parse_feed on mutations of {len(feeds)} files in {tf.FEED_CORPUS}"))
    else:
        print(f"skip mutated-feed: no corpus at {tf.FEED_CORPUS}")
    pages = tf.corpus_files(tf.HTML_CORPUS, (".html",))
    if pages:
        out.insert(4, Target("mutated-page", "test_extract_html_mutated_pages",
                             tf.mutated_files(pages, max_bytes=5_000_000), tf.check_extract,
                             f"extract_html on mutations of {len(pages)} pages"))
    else:
        print(f"skip mutated-page: no corpus at {tf.HTML_CORPUS}")
    return out


class ExampleTimeout(Exception):
    """One example ran longer than --timeout seconds."""


def _on_alarm(signum: int, frame: object) -> None:
    raise ExampleTimeout("example exceeded the time limit")


def _signature(exc: BaseException) -> str:
    """Where an exception comes from: its type and innermost project frame (else the last).

    Project frames are claimwatch's and the tests'; an exception from a library is placed at
    the claimwatch line that called into it, which is where a fix would go."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/claimwatch/" in f.filename or "/tests/" in f.filename]
    where = (ours or frames)[-1:]
    loc = f"{where[0].filename}:{where[0].lineno}" if where else "?"
    return f"{type(exc).__name__} at {loc}"


def _leaves(exc: BaseException) -> Iterator[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        for sub in exc.exceptions:
            yield from _leaves(sub)
    else:
        yield exc


@dataclass
class Stats:
    calls: int = 0
    seconds: float = 0.0
    slowest: float = 0.0
    slowest_input: str = ""
    over_1s: int = 0
    failures: dict[str, str] = field(default_factory=dict)  # signature -> report
    repeats: dict[str, int] = field(default_factory=dict)  # signature -> hits after the first


def run_hypothesis(target: Target, budget: float, timeout: float, out: Path) -> Stats:
    stats = Stats()

    def body(value: Any) -> None:
        stats.calls += 1
        t0 = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            target.check(value)
        except Exception as exc:
            sig = _signature(exc)
            if sig in stats.failures:  # known: count it, let the search go on
                stats.repeats[sig] = stats.repeats.get(sig, 0) + 1
                return
            raise
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            dt = time.perf_counter() - t0
            stats.seconds += dt
            stats.over_1s += dt > 1.0
            if dt > stats.slowest:
                stats.slowest = dt
                stats.slowest_input = repr(value)

    end = time.monotonic() + budget
    batch = 50
    while (left := end - time.monotonic()) > 1:
        before, t0 = stats.calls, time.monotonic()
        run = settings(
            max_examples=batch, deadline=None, database=None, print_blob=True,
            suppress_health_check=list(HealthCheck),
            phases=(Phase.generate, Phase.target, Phase.shrink),
        )(given(target.strategy)(body))
        try:
            run()
        except Exception as group:  # every failure is reported, none stops the run
            for exc in _leaves(group):
                sig = _signature(exc)
                if sig in stats.failures:
                    continue
                notes = "\n".join(getattr(exc, "__notes__", ()))
                notes = notes.replace("on your test function",
                                      f"on {target.test} in tests/test_fuzz.py")
                tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
                report = f"{sig}\n{notes}\n{tb}"
                stats.failures[sig] = report
                print(f"\n[{target.name}] FAILURE {sig}\n{notes}\n{tb}", flush=True)
        rate = (stats.calls - before) / max(time.monotonic() - t0, 1e-3)
        left = end - time.monotonic()
        batch = max(1, min(5000, int(rate * min(left, 20))))
    (out / f"{target.name}.slowest.txt").write_text(stats.slowest_input, "utf-8")
    if stats.failures:
        (out / f"{target.name}.failures.txt").write_text("\n\n".join(stats.failures.values()),
                                                         "utf-8")
    return stats


def run_atheris(target: Target, budget: float, timeout: float, out: Path) -> str:
    """Run one target under libFuzzer in a child process; return its last status line."""
    cmd = [sys.executable, __file__, "--atheris-child", target.name,
           f"-max_total_time={int(budget)}", f"-timeout={int(timeout)}",
           f"-artifact_prefix={out}/{target.name}-", "-print_final_stats=1", "-rss_limit_mb=4096"]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    log = out / f"{target.name}.atheris.log"
    log.write_text(proc.stdout + proc.stderr, "utf-8")
    done = [ln for ln in (proc.stdout + proc.stderr).splitlines()
            if ln.startswith(("Done ", "stat::new_units_added", "stat::slowest_unit_time_sec"))]
    status = " ".join(done) if done else "(no libFuzzer summary)"
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-40:])
        print(f"\n[{target.name}] FAILURE (exit {proc.returncode}); log {log}\n{tail}", flush=True)
        status += " FAILED"
    return status


def _atheris_child(name: str, libfuzzer_args: list[str]) -> None:
    import atheris

    target = next(t for t in _targets() if t.name == name)

    def check(value: Any) -> None:
        target.check(value)

    test = settings(deadline=None, database=None, suppress_health_check=list(HealthCheck))(
        given(target.strategy)(check)
    )
    atheris.Setup([sys.argv[0], *libfuzzer_args], test.hypothesis.fuzz_one_input)
    atheris.Fuzz()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--atheris-child"]:
        _atheris_child(argv[1], argv[2:])
        return 0
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--minutes", type=float, default=10.0, help="total time, split over targets")
    p.add_argument("--targets", default="", help="comma-separated names (default: all)")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds one example may take")
    p.add_argument("--engine", choices=("hypothesis", "atheris"), default="hypothesis")
    p.add_argument("--out", type=Path, default=Path("/tmp/claimwatch-fuzz"))
    p.add_argument("--list", action="store_true", help="list the targets and exit")
    args = p.parse_args(argv)

    targets = _targets()
    if args.list:
        for t in targets:
            print(f"{t.name:16} {t.about}")
        return 0
    if args.targets:
        wanted = args.targets.split(",")
        unknown = set(wanted) - {t.name for t in targets}
        if unknown:
            p.error(f"unknown targets: {', '.join(sorted(unknown))}")
        targets = [t for t in targets if t.name in wanted]
    args.out.mkdir(parents=True, exist_ok=True)
    budget = args.minutes * 60 / len(targets)
    print(f"engine={args.engine} targets={len(targets)} budget={budget:.0f}s each "
          f"out={args.out}", flush=True)
    t0 = time.time()
    tf.analyzer()  # load the gazetteer before any clock starts
    print(f"analyzer ready in {time.time() - t0:.1f}s", flush=True)

    failed = False
    rows = []
    for target in targets:
        print(f"--- {target.name}: {target.about}", flush=True)
        if args.engine == "atheris":
            status = run_atheris(target, budget, args.timeout, args.out)
            failed |= status.endswith("FAILED")
            rows.append(f"{target.name:16} {status}")
            continue
        signal.signal(signal.SIGALRM, _on_alarm)
        s = run_hypothesis(target, budget, args.timeout, args.out)
        failed |= bool(s.failures)
        rate = s.calls / s.seconds if s.seconds else 0.0
        rows.append(
            f"{target.name:16} examples={s.calls:>7} in {s.seconds:6.0f}s ({rate:7.1f}/s) "
            f"slowest={s.slowest:5.2f}s over_1s={s.over_1s} failures={len(s.failures)}"
            + "".join(f"\n{'':16}   {sig} (seen {n + 1}x)"
                      for sig, n in ((sig, s.repeats.get(sig, 0)) for sig in s.failures))
        )
        print(rows[-1], flush=True)
    print(f"\n=== summary ({(time.time() - t0) / 60:.1f} min, engine={args.engine})")
    print("\n".join(rows))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
