"""Progress of long work (seed, backtest, eval): a tqdm bar on a terminal, plain lines
otherwise (a log or a pipe gets a line every tenth of the way, not a stream of bars).
Both go to standard error, so standard output stays the command's result."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sized
from typing import TextIO, TypeVar

from tqdm import tqdm

T = TypeVar("T")

# Work shorter than this is over before a progress report would help.
MIN_ITEMS = 20


def progress(items: Iterable[T], *, desc: str, total: int | None = None, unit: str = "doc",
             stream: TextIO | None = None) -> Iterator[T]:
    """Yield `items`, reporting how far along they are."""
    out = stream or sys.stderr
    if total is None:
        total = len(items) if isinstance(items, Sized) else None
    if total is not None and total < MIN_ITEMS:
        yield from items
        return
    if out.isatty():
        yield from tqdm(items, desc=desc, total=total, unit=unit, file=out, leave=False,
                        dynamic_ncols=True)
        return
    step = max(1, total // 10) if total else 100
    done = 0
    for done, item in enumerate(items, 1):
        yield item
        if done % step == 0 and done != total:
            print(f"{desc}: {done}/{total or '?'} {unit}s", file=out, flush=True)
    print(f"{desc}: {done}/{total if total is not None else done} {unit}s, done", file=out,
          flush=True)
