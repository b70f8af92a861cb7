"""Command line: claimwatch [--config FILE] COMMAND. Commands only; the work is elsewhere."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claimwatch.config import Settings, default_config_path, load_settings
from claimwatch.errors import ClaimwatchError, ConfigError
from claimwatch.models import Document, Evaluation

if TYPE_CHECKING:
    from claimwatch.monitor import Monitor

log = logging.getLogger("claimwatch")


def main(argv: Sequence[str] | None = None) -> int:
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `claimwatch feeds | head` is fine
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    config_path = Path(args.config) if args.config else default_config_path()
    try:
        if args.command == "config":
            return _config_validate(Path(args.file) if args.file else config_path)
        settings = load_settings(config_path)
        _logging(args.log_level or settings.service.log_level)
        return int(COMMANDS[args.command](args, settings, config_path) or 0)
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"claimwatch: config error: {exc.source}: {problem}", file=sys.stderr)
        return 78  # EX_CONFIG: systemd does not restart-loop on it (RestartPreventExitStatus)
    except ClaimwatchError as exc:
        print(f"claimwatch: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="claimwatch",
        description="Watch news feeds; alert only on new claims that touch watched topics.",
    )
    p.add_argument("--config", "-c", help="config file (default: $CLAIMWATCH_CONFIG or "
                   "config/claimwatch.toml)")
    p.add_argument("--log-level", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("run", help="run the daemon until SIGTERM/SIGINT")
    sub.add_parser("once", help="poll every feed once, deliver the alerts, exit")
    s = sub.add_parser("seed", help="load seed articles into the corpus (idempotent)")
    s.add_argument("paths", nargs="*", help="files or directories (default: corpus.seeds)")
    c = sub.add_parser("check", help="what would these documents raise? (changes nothing)")
    c.add_argument("--json", action="store_true", help="one JSON object per document per line")
    c.add_argument("paths", nargs="+", help="HTML or text files, or directories of them")
    b = sub.add_parser("backtest", help="judge the stored articles again with the current "
                       "topics: what would have alerted (changes nothing)")
    b.add_argument("--since", default="30d",
                   help="articles stored within this long (e.g. 12h, 30d; default 30d)")
    b.add_argument("--topic", help="only this topic id")
    b.add_argument("--json", action="store_true", help="one JSON object per line")
    e = sub.add_parser("eval", help="precision/recall per topic on labelled documents")
    e.add_argument("file", help='JSONL: {"text" or "path", "alerts": [topic ids]} per line')
    e.add_argument("--db", action="store_true",
                   help="judge against the stored corpus instead of the seeds alone")
    e.add_argument("--stream", action="store_true",
                   help="replay in date order, the corpus growing; score per event")
    e.add_argument("--today", action="store_true",
                   help="with --stream: date every document today, as a feed read now would")
    e.add_argument("--part", help="only documents of this part (e.g. dev, aside)")
    e.add_argument("--lang", help="only documents in this language")
    e.add_argument("--since", metavar="YYYY-MM-DD", help="only documents published then or later")
    e.add_argument("--until", metavar="YYYY-MM-DD", help="only documents published before")
    e.add_argument("--quiet", action="store_true", help="scores only, no lists of documents")
    f = sub.add_parser("feeds", help="each feed's state, last success, last error, next poll; "
                       "feeds import FILE.opml; feeds export [FILE.opml]")
    f.add_argument("action", nargs="?", choices=["list", "import", "export"], default="list")
    f.add_argument("file", nargs="?", help="the OPML file to import, or to export to "
                   "(default: standard output)")
    a = sub.add_parser("alerts", help="list alerts, or show one with its sources")
    a.add_argument("action", nargs="?", choices=["list", "show"], default="list")
    a.add_argument("id", nargs="?", type=int)
    a.add_argument("--limit", type=int, default=30)
    cfg = sub.add_parser("config", help="config validate [FILE]")
    cfg.add_argument("action", choices=["validate"])
    cfg.add_argument("file", nargs="?")
    n = sub.add_parser("notify", help="notify test: send a test notification to every notifier")
    n.add_argument("action", choices=["test"])
    return p


def _logging(level: str) -> None:
    logging.basicConfig(
        level=level, stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # We capture Apprise's messages per attempt and log them once, redacted.
    logging.getLogger("apprise").propagate = False
    for noisy in ("apscheduler", "trafilatura", "htmldate", "courlan", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # trafilatura warns "discarding data: URL" for every page that is not an article; the
    # monitor says what it did with the entry in its own line.
    logging.getLogger("trafilatura").setLevel(logging.ERROR)


def _monitor(settings: Settings) -> Monitor:
    from claimwatch.monitor import Monitor

    return Monitor(settings)


# ---------------------------------------------------------------------- commands
def cmd_run(args: argparse.Namespace, settings: Settings, config_path: Path) -> int:
    from claimwatch.service import Service

    code = Service(settings, config_path).run()
    if [t for t in threading.enumerate() if t.is_alive() and not t.daemon
            and t is not threading.main_thread()]:
        # A fetch outlived the grace period; its article was not committed, so exiting
        # now loses nothing (it is fetched again next start).
        logging.shutdown()
        os._exit(code)
    return code


def cmd_once(args: argparse.Namespace, settings: Settings, config_path: Path) -> int:
    monitor = _monitor(settings)
    try:
        monitor.start()
        results = monitor.run_once()
        counts = monitor.store.delivery_counts()
    finally:
        monitor.close()
    errors = [r for r in results if r.status == "error"]
    alerts = sum(r.alerts for r in results)
    print(f"polled {len(results)} feed(s): {len(results) - len(errors)} ok, {len(errors)} "
          f"failed; {alerts} new alert(s); deliveries: "
          + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none"))
    return 0


def cmd_seed(args: argparse.Namespace, settings: Settings, config_path: Path) -> int:
    from claimwatch.progress import progress
    from claimwatch.seeds import iter_files

    paths = [Path(p) for p in args.paths] or list(settings.corpus.seeds)
    files = list(iter_files(paths))
    monitor = _monitor(settings)
    try:
        added, skipped = monitor.seed(progress(files, desc="seed", unit="file"))
    finally:
        monitor.close()
    print(f"seeded {added} article(s); {skipped} already in the corpus")
    return 0


class SeedsOnly:
    """The configured seeds held in memory, judged as the daemon judges: what `check` and
    `eval` use when there is no stored corpus. Nothing touches a database."""

    def __init__(self, settings: Settings) -> None:
        from claimwatch.pipeline import Analyzer, corpus_of
        from claimwatch.seeds import iter_files, read_document, seed_url

        self.settings = settings
        self.analyzer = Analyzer.build(
            settings.topics, duplicate_threshold=settings.corpus.duplicate_threshold
        )
        docs = [read_document(p, url=seed_url(p)) for p in iter_files(settings.corpus.seeds)]
        self.corpus = corpus_of(self.analyzer, docs)

    @staticmethod
    def clock() -> datetime:
        return datetime.now(UTC)

    def check(self, doc: Document) -> Evaluation:
        return self.analyzer.evaluate(doc, self.corpus)

    def close(self) -> None:
        pass


def _corpus_monitor(settings: Settings, *, use_db: bool) -> Monitor | SeedsOnly:
    """A monitor on the stored corpus, or (no database yet, or asked) on the seeds alone,
    held in memory so that nothing is written."""
    url = settings.database_url
    exists = not url.startswith("sqlite:///") or Path(url.split("///", 1)[1]).exists()
    if use_db and exists:
        from claimwatch.monitor import Monitor

        monitor = Monitor(settings)
        monitor.refresh_corpus()
        if monitor.store.article_count():
            return monitor
        monitor.close()
    return SeedsOnly(settings)


def cmd_check(args: argparse.Namespace, settings: Settings, config_path: Path) -> int:
    from claimwatch.seeds import iter_files, read_document

    monitor = _corpus_monitor(settings, use_db=True)
    status = 0
    try:
        for given in args.paths:
            path = Path(given)
            files = list(iter_files([path])) if path.is_dir() else [path]
            for f in files:
                shown = str(f) if path.is_dir() else given
                try:
                    evaluation = monitor.check(read_document(f, url=shown))
                except ClaimwatchError as exc:
                    print(f"claimwatch: {exc}", file=sys.stderr)
                    status = 1
                    continue
                except OSError as exc:
                    print(f"claimwatch: {shown}: {exc.strerror or exc}", file=sys.stderr)
                    status = 1
                    continue
                if args.json:
                    print(json.dumps(check_record(shown, evaluation, monitor), ensure_ascii=False))
                else:
                    print(_check_text(shown, evaluation, monitor))
    finally:
        monitor.close()
    return status


def check_record(
    document: str, evaluation: Evaluation, monitor: Monitor | SeedsOnly
) -> dict[str, Any]:
    """What `claimwatch check --json` prints for one document (the web's check adds to it)."""
    from claimwatch.notify import render_alert, why_text

    dup = evaluation.duplicate_of
    alerts = []
    for draft in evaluation.alerts:
        topic = monitor.settings.topic(draft.topic_id)
        if topic is None:  # as the daemon does: a draft needs its topic's config
            continue
        _title, _body, why = render_alert(topic, draft, evaluation.document)
        claim = draft.lead.claim
        alerts.append({
            "topic": draft.topic_id,
            "claim": claim.text,
            "why": why_text(why, topic.name),
            "speaker": claim.speaker or None,
            "stance": claim.stance.value,
            "nearest_known": why["nearest_known"],
            "similarity": why["similarity"],
            "other_new_claims": [r.claim.text for r in draft.others],
        })
    return {
        "document": document,
        "duplicate_of": dup.url if dup else None,
        "alerts": alerts,
    }


def _check_text(document: str, evaluation: Evaluation, monitor: Monitor | SeedsOnly) -> str:
    record = check_record(document, evaluation, monitor)
    lines = [f"{document}:"]
    if evaluation.duplicate_of:
        d = evaluation.duplicate_of
        lines.append(f"  copy of {d.url} ({d.containment:.0%} of its text is there): no alert")
    elif not record["alerts"]:
        lines.append("  no alert")
    for a in record["alerts"]:
        lines.append(f"  ALERT {a['topic']}: {a['claim']}")
        lines.append(f"    who: {a['speaker'] or 'not named'} ({a['stance']})")
        lines.append(f"    why: {a['why']}")
    if not evaluation.duplicate_of:
        for r in evaluation.claims:
            for t, n in r.novelty.items():
                if not n.is_new:
                    lines.append(f"  known ({t}, {n.score:.2f}): {r.claim.text[:100]}")
    return "\n".join(lines)


def cmd_backtest(args: argparse.Namespace, settings: Settings, config_path: Path) -> int:
    from datetime import timedelta

    from claimwatch.backtest import backtest
    from claimwatch.config import parse_duration
    from claimwatch.monitor import utcnow
    from claimwatch.progress import progress
    from claimwatch.storage import Store

    try:
        window = parse_duration(args.since)
    except ValueError as exc:
        print(f"claimwatch: --since: {exc}", file=sys.stderr)
        return 2
    if args.topic and settings.topic(args.topic) is None:
        print(f"claimwatch: --topic: no topic {args.topic!r} in {config_path}", file=sys.stderr)
        return 2
    url = settings.database_url
    if url.startswith("sqlite:///") and not Path(url.split("///", 1)[1]).exists():
        print("claimwatch: no database yet: nothing stored to backtest", file=sys.stderr)
        return 1
    since = utcnow() - timedelta(seconds=window)
    store = Store(url)
    try:
        result = backtest(settings, store, since=since, topic=args.topic,
                          progress=lambda items, n: progress(items, desc="backtest", total=n))
    finally:
        store.close()
    if args.json:
        for w in result.would:
            print(json.dumps({"topic": w.topic, "claim": w.claim, "speaker": w.speaker or None,
                              "why": w.why, "article": w.article_url, "title": w.article_title,
                              "stored_at": w.fetched_at.isoformat(),
                              "raised_then": w.raised_then}, ensure_ascii=False))
        for topic, title, article in result.no_longer:
            print(json.dumps({"topic": topic, "article": article, "title": title,
                              "no_longer": True}, ensure_ascii=False))
        return 0
    print(f"backtest of the articles stored since {_ts(since)} UTC with the current topics"
          + (f" (topic {args.topic})" if args.topic else "") + f": {result.judged} judged")
    for w in result.would:
        print(f"  ALERT {w.topic} ({'raised then' if w.raised_then else 'NEW'}) "
              f"{_ts(w.fetched_at)}: {w.claim}")
        print(f"    who: {w.speaker or 'not named'}; why: {w.why}")
        print(f"    article: {w.article_title or '(untitled)'} <{w.article_url}>")
    for topic, title, article in result.no_longer:
        print(f"  NO LONGER {topic}: {title} <{article}>")
    new = sum(not w.raised_then for w in result.would)
    print(f"{len(result.would)} alert(s) would be raised ({len(result.would) - new} as raised "
          f"then, {new} new); {len(result.no_longer)} raised then would not be. "
          "Nothing was changed.")
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings, config_path: Path) -> int:
    from claimwatch.evaluate import (
        by_language,
        format_scores,
        format_stream,
        load_labelled,
        score,
        stream,
    )
    from claimwatch.progress import progress

    items = load_labelled(Path(args.file))
    if args.part:
        items = [i for i in items if i.part == args.part]
    if args.lang:
        items = [i for i in items if i.lang == args.lang]
    if args.since or args.until:
        since = args.since or "0000-00-00"
        until = args.until or "9999-99-99"
        items = [i for i in items if i.published and
                 since <= i.published.date().isoformat() < until]
    monitor = _corpus_monitor(settings, use_db=args.db)
    topics = [t.id for t in settings.topics]
    name = f"{args.file}{f' [{args.part}]' if args.part else ''}"
    if args.since or args.until:
        name += f" [{args.since or '...'} to {args.until or '...'}]"
    try:
        if args.stream:
            now = monitor.clock() if args.today else None
            result = stream(monitor.analyzer, monitor.corpus, items, topics, now=now)
            dates = "feed dates of today" if args.today else "the articles' own dates"
            print(format_stream(f"stream of {name} ({len(items)} documents, {dates})", result))
            return 0
        for lang, group in by_language(items).items():
            ours = score(monitor.analyzer, monitor.corpus,
                         progress(group, desc=f"eval {lang}"), topics)
            base = score(monitor.analyzer, monitor.corpus, group, topics, keyword=True)
            fsd = score(monitor.analyzer, monitor.corpus, group, topics, fsd=True)
            print(format_scores(f"claimwatch on {name}, {lang} ({len(group)} documents)", ours,
                                details=not args.quiet))
            print(format_scores("keyword baseline (alert on every topic mention)", base,
                                details=False))
            print(format_scores("first-story detection (keyword + TF-IDF cosine < 0.3 to "
                                "every known sentence)", fsd, details=False))
            print()
    finally:
        monitor.close()
    return 0


def cmd_feeds(args: argparse.Namespace, settings: Settings, config_path: Path) -> int:
    if args.action == "import":
        return _feeds_import(args, config_path)
    if args.action == "export":
        from claimwatch.opml import write_opml

        data = write_opml(settings.feeds)
        if args.file:
            Path(args.file).write_bytes(data)
            print(f"exported {len(settings.feeds)} feed(s) to {args.file}", file=sys.stderr)
        else:
            sys.stdout.buffer.write(data)
        return 0
    from claimwatch.monitor import utcnow
    from claimwatch.storage import Store

    store = Store(settings.database_url)
    try:
        store.sync_feeds(settings.feeds, utcnow())
        rows = store.feeds()
    finally:
        store.close()
    print(f"{'state':<9} {'fails':>5}  {'last success':<20} {'next poll':<20} feed / last error")
    for r in rows:
        state = "disabled" if not r.enabled else ("failing" if r.error_count else "ok")
        if r.enabled and r.last_checked_at is None:
            state = "new"
        print(f"{state:<9} {r.error_count:>5}  {_ts(r.last_success_at):<20} "
              f"{_ts(r.next_check_at) if r.enabled else '-':<20} {r.name or r.url}")
        if r.name:
            print(f"{'':<58} {r.url}")
        if r.last_error:
            print(f"{'':<58} last error ({_ts(r.last_error_at)}): {r.last_error}")
    return 0


def _feeds_import(args: argparse.Namespace, config_path: Path) -> int:
    """Add an OPML file's feeds to the config file, keeping its comments; the running
    daemon picks the edit up like any other."""
    import tempfile

    from claimwatch.opml import add_feeds, read_opml

    if not args.file:
        print("claimwatch: feeds import needs an OPML file", file=sys.stderr)
        return 2
    try:
        feeds = read_opml(Path(args.file).read_bytes(), source=args.file)
        text, added = add_feeds(config_path.read_text("utf-8"), feeds, source=str(config_path))
        if added:
            # Written whole or not at all: the daemon may be watching this file.
            fd, tmp = tempfile.mkstemp(dir=config_path.parent, prefix=".claimwatch-")
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            os.chmod(tmp, config_path.stat().st_mode & 0o7777)
            os.replace(tmp, config_path)
    except OSError as exc:
        print(f"claimwatch: {exc.filename or args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"added {len(added)} feed(s) to {config_path}; "
          f"{len(feeds) - len(added)} already configured")
    for feed in added:
        print(f"  + {feed.url}" + (f"  ({feed.name})" if feed.name else ""))
    return 0


def cmd_alerts(args: argparse.Namespace, settings: Settings, config_path: Path) -> int:
    from claimwatch.storage import Store

    store = Store(settings.database_url)
    try:
        if args.action == "show":
            if args.id is None:
                print("claimwatch: alerts show needs an alert id", file=sys.stderr)
                return 2
            found = store.alert(args.id)
            if found is None:
                print(f"claimwatch: no alert {args.id}", file=sys.stderr)
                return 1
            alert, sources, deliveries = found
            print(f"alert {alert.id} ({alert.kind}, {alert.topic_id or '-'}) "
                  f"raised {_ts(alert.created_at)}")
            print(alert.title)
            print(alert.body)
            print(f"also reported by ({len(sources)}):")
            for src in sources:
                print(f"  {_ts(src.added_at)}  {src.title or '(untitled)'}  {src.url}")
            print("deliveries:")
            for d in deliveries:
                print(f"  {d.notifier:<20} {d.status:<8} attempts={d.attempts} "
                      f"{'sent ' + _ts(d.sent_at) if d.sent_at else ''}"
                      f"{' last error: ' + d.last_error if d.last_error else ''}")
            return 0
        for alert in store.alerts(args.limit):
            print(f"{alert.id:>5}  {_ts(alert.created_at)}  {alert.topic_id or alert.kind:<20} "
                  f"{alert.title}")
    finally:
        store.close()
    return 0


def _config_validate(path: Path) -> int:
    settings = load_settings(path)
    from claimwatch.notify import Notifiers

    problems = Notifiers(settings.notifiers).problems
    for p in problems:
        print(f"claimwatch: config error: {path}: {p}", file=sys.stderr)
    if problems:
        return 78
    print(f"{path}: valid ({len(settings.feeds)} feed(s), {len(settings.topics)} topic(s), "
          f"{len(settings.notifiers)} notifier(s))")
    return 0


def cmd_notify(args: argparse.Namespace, settings: Settings, config_path: Path) -> int:
    from claimwatch.notify import Notifiers

    notifiers = Notifiers(settings.notifiers)
    for p in notifiers.problems:
        print(f"FAILED  {p}")
    if not notifiers.targets:
        print("no notifiers configured: alerts are written to the log")
        return 1 if notifiers.problems else 0
    failed = bool(notifiers.problems)
    for key, target in notifiers.targets.items():
        ok, error = notifiers.send(key, "[claimwatch] test notification",
                                   "This is a test from claimwatch notify test.")
        print(f"{'ok' if ok else 'FAILED':<7} {target.label}" + (f": {error}" if error else ""))
        failed |= not ok
    return 1 if failed else 0


def _ts(dt: datetime | None) -> str:
    return dt.strftime("%Y-%m-%d %H:%M:%S") if dt else "-"


COMMANDS = {
    "run": cmd_run,
    "once": cmd_once,
    "seed": cmd_seed,
    "check": cmd_check,
    "eval": cmd_eval,
    "backtest": cmd_backtest,
    "feeds": cmd_feeds,
    "alerts": cmd_alerts,
    "notify": cmd_notify,
}
