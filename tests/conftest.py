"""Shared fixtures: real servers on loopback, real databases, configs written to disk."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.receiver import Receiver
from tests.servers import LoopbackServer

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
POSTGRES_URL = os.environ.get(
    "CLAIMWATCH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", help="run soak and long fuzz tests")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as s:
        yield s


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver().start()
    yield r
    r.stop()


def shipped_topics() -> str:
    """The [[topics]] tables of the shipped config, as TOML text."""
    text = (ROOT / "config" / "claimwatch.toml").read_text("utf-8")
    start = text.index("[[topics]]")
    end = text.find("# ----", start)
    return text[start : end if end != -1 else None]


def write_config(
    path: Path,
    *,
    feeds: list[str] = (),  # type: ignore[assignment]
    notifiers: list[str] = (),  # type: ignore[assignment]
    database_url: str = "",
    extra: str = "",
    topics: str | None = None,
) -> Path:
    """A complete config for a test: loopback allowed, fast timeouts, the shipped topics."""
    data = path.parent / "data"
    lines = [
        "[service]",
        f'data_dir = "{data}"',
        'tick = "1s"',
        'shutdown_grace = "3s"',
        "[database]",
        f'url = "{database_url}"',
        "[corpus]",
        f'seeds = ["{ROOT / "seeds"}"]',
        "[fetch]",
        "allow_private_addresses = true",
        'connect_timeout = "2s"',
        'read_timeout = "3s"',
        'total_timeout = "5s"',
        extra,
    ]
    for url in feeds:
        lines += ["[[feeds]]", f'url = "{url}"']
    lines.append(topics if topics is not None else shipped_topics())
    for url in notifiers:
        lines += ["[[notifiers]]", f'url = "{url}"']
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


@pytest.fixture
def postgres_url() -> str:
    """A clean PostgreSQL database, or a skip that says why (a failure in CI)."""
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(POSTGRES_URL)
        with engine.begin() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        if os.environ.get("CLAIMWATCH_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL required but unreachable at {POSTGRES_URL}: {exc}")
        pytest.skip(f"PostgreSQL unreachable at {POSTGRES_URL}: {str(exc).splitlines()[0]}")
    from sqlmodel import SQLModel

    import claimwatch.storage.tables  # noqa: F401 - registers the tables

    SQLModel.metadata.drop_all(engine)
    engine.dispose()
    return POSTGRES_URL


def redact_numbers(text: str) -> str:
    return re.sub(r"\d+", "N", text)
