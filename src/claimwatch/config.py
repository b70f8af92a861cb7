"""Configuration: one TOML file, validated once into frozen, typed settings.

Every later stage trusts these values. A problem is reported with the dotted key
(`feeds[2].interval`) and, where the key appears in the file, its line number.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from claimwatch.errors import ConfigError

DEFAULT_CONFIG = Path("config/claimwatch.toml")

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")


def parse_duration(value: object) -> float:
    """Seconds from a number or a string such as "90s", "15m", "2h", "1d"."""
    if isinstance(value, bool):
        raise ValueError("expected a duration such as 300, \"5m\" or \"2h\"")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str) and (m := _DURATION.match(value)):
        seconds = float(m.group(1)) * _UNITS[m.group(2) or "s"]
    else:
        raise ValueError(f"expected a duration such as 300, \"5m\" or \"2h\", got {value!r}")
    if seconds < 0:
        raise ValueError("a duration cannot be negative")
    return seconds


Duration = Annotated[float, BeforeValidator(parse_duration)]


def _http_url(value: str) -> str:
    if not re.match(r"^https?://[^\s/]+", value, re.IGNORECASE):
        raise ValueError(f"expected an http:// or https:// URL, got {value!r}")
    if "@" in value.split("://", 1)[1].split("/", 1)[0]:
        # A feed URL would be logged and shown; credentials do not belong in it.
        raise ValueError("credentials in a feed URL are not supported (they would be logged)")
    return value


HttpUrl = Annotated[str, AfterValidator(_http_url)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ServiceSettings(_Frozen):
    data_dir: Path = Path("data")
    tick: Duration = 10.0
    workers: int = Field(4, ge=1, le=64)
    # Pages are extracted (trafilatura) in this many worker processes; 0: in the pollers.
    extract_processes: int = Field(0, ge=0, le=64)
    shutdown_grace: Duration = 5.0
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # Watch the config file and apply edits without a restart (SIGHUP works too).
    watch_config: bool = True


class DatabaseSettings(_Frozen):
    # Empty means SQLite in `service.data_dir`.
    url: str = ""

    @field_validator("url")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        if value and not value.startswith(("sqlite:", "postgresql")):
            raise ValueError("expected sqlite:///PATH or postgresql+psycopg://...")
        return value


class CorpusSettings(_Frozen):
    seeds: tuple[Path, ...] = (Path("seeds"),)
    # Share of an article's shingles found in a known article that makes it a copy.
    duplicate_threshold: float = Field(0.7, gt=0, le=1)


class FetchSettings(_Frozen):
    connect_timeout: Duration = 10.0
    read_timeout: Duration = 20.0
    # A whole fetch, slow trickles included, never takes longer than this.
    total_timeout: Duration = 45.0
    max_bytes: int = Field(5_000_000, ge=1024)
    max_redirects: int = Field(5, ge=0, le=20)
    user_agent: str = "claimwatch/0.1 (+https://github.com/claimwatch/claimwatch)"
    allow_private_addresses: bool = False
    # Fetch each entry's page for its full text; otherwise use the feed's own content.
    fetch_pages: bool = True


class PollingSettings(_Frozen):
    default_interval: Duration = 900.0
    # Each poll is moved by up to this share of the interval so feeds do not fire in step.
    jitter: float = Field(0.1, ge=0, le=0.5)
    max_backoff: Duration = 6 * 3600.0
    # After this many failures in a row the operator is told once (and again on recovery).
    failure_alert_after: int = Field(5, ge=1)
    # At most this many new entries of one feed are processed per poll (the rest next time).
    max_entries_per_poll: int = Field(50, ge=1)


class DeliverySettings(_Frozen):
    retry_initial: Duration = 30.0
    retry_max: Duration = 3600.0
    # A delivery still failing after this long is marked failed and reported.
    give_up_after: Duration = 3 * 86400.0


class WebSettings(_Frozen):
    """The read-only dashboard, JSON API, health and metrics endpoints."""

    # host:port (port 0: any free port, logged at start); empty turns the interface off.
    listen: str = "127.0.0.1:8080"
    # Required when `listen` is not a loopback address: sent as `Authorization: Bearer
    # TOKEN`, or as the password of HTTP Basic auth (what a browser asks for).
    token: str = ""

    @field_validator("listen")
    @classmethod
    def _host_port(cls, value: str) -> str:
        if value:
            listen_address(value)
        return value

    @model_validator(mode="after")
    def _token_off_loopback(self) -> WebSettings:
        if self.listen and not _is_loopback(listen_address(self.listen)[0]) and (
            len(self.token) < 16
        ):
            raise ValueError(
                f"listening on {self.listen} (not loopback) needs web.token, at least 16 "
                "characters"
            )
        return self


def listen_address(value: str) -> tuple[str, int]:
    """("host", port) from "host:port" or "[v6]:port"."""
    host, sep, port = value.strip().rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) < 65536:
        raise ValueError(f"expected host:port such as 127.0.0.1:8080, got {value!r}")
    return host, int(port)


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class FeedConfig(_Frozen):
    url: HttpUrl
    name: str = ""
    interval: Duration | None = None
    enabled: bool = True


class NearRule(_Frozen):
    """A term from every group within `window` words of each other."""

    groups: tuple[tuple[str, ...], ...] = Field(min_length=2)
    window: int = Field(6, ge=1, le=30)


EVENT_ACTIONS = (
    "capture", "encircle", "enter", "advance", "withdraw", "retake",
    "annex", "cede", "zone", "control", "recognize",
)
EventAction = Literal[
    "capture", "encircle", "enter", "advance", "withdraw", "retake",
    "annex", "cede", "zone", "control", "recognize",
]


class TopicConfig(_Frozen):
    id: Slug
    name: str
    description: str = ""
    # A sentence naming one of these touches the topic.
    terms: tuple[str, ...] = ()
    near: tuple[NearRule, ...] = ()
    # Count only in an article that also names the topic by a term or near rule
    # ("the plant", "reactor" after the plant has been named).
    context_terms: tuple[str, ...] = ()
    # A sentence with one of these does not touch the topic through context terms alone,
    # and not at all unless it names the topic by a `terms` entry.
    exclude: tuple[str, ...] = ()
    # Territorial events (actor, action, place) that touch the topic.
    event_actions: tuple[EventAction, ...] = ()
    # Gazetteer place sets that count for events: "ukraine", "russia-border", or
    # extra place names given here.
    event_places: tuple[str, ...] = ("ukraine", "russia-border")
    # Similarity to a known claim (0..1) at or above which a claim is not new.
    novelty_threshold: float = Field(0.55, gt=0, le=1)
    # What the user knows never expires. A claim about something that recurs (any of
    # these terms: a power loss, a strike, a round of talks) is a new occurrence when the
    # time it speaks of lies more than `new_occurrence_after` from the known claim's.
    recurring: tuple[str, ...] = ()
    new_occurrence_after: Duration = 2 * 86400.0

    @model_validator(mode="before")
    @classmethod
    def _no_recency_window(cls, data: object) -> object:
        if isinstance(data, dict) and "recency_window" in data:
            raise ValueError(
                "recency_window was removed: known claims never expire; list what recurs "
                "in `recurring` and set `new_occurrence_after` instead"
            )
        return data

    @model_validator(mode="after")
    def _has_a_trigger(self) -> TopicConfig:
        if not (self.terms or self.near or self.event_actions):
            raise ValueError("a topic needs at least one of terms, near or event_actions")
        return self


_CLOCK_TIME = r"(?:[01]\d|2[0-3]):[0-5]\d"


def _zone(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r} (an IANA name such as "
                         "\"Europe/Kyiv\" or \"UTC\")") from None
    return value


def _template(kind: str) -> AfterValidator:
    def check(value: str) -> str:
        if value:
            from claimwatch.templates import check_template

            check_template(value, kind)  # raises ValueError naming the problem and its line
        return value

    return AfterValidator(check)


class NotifierConfig(_Frozen):
    url: str = Field(min_length=3)
    name: str = ""
    # Topic ids this notifier receives; empty means all topics.
    topics: tuple[str, ...] = ()
    # Receive operator notices (a feed keeps failing, and recovers).
    health: bool = True
    # "instant": one message per alert; "hourly" / "daily": one digest per period.
    mode: Literal["instant", "hourly", "daily"] = "instant"
    # When the daily digest goes out, in `timezone`.
    digest_at: Annotated[str, Field(pattern=rf"^{_CLOCK_TIME}$")] = "08:00"
    # "22:00-07:00": nothing is sent then; alerts wait for the end (or the next digest).
    quiet_hours: Annotated[str, Field(pattern=rf"^(?:{_CLOCK_TIME}-{_CLOCK_TIME})?$")] = ""
    timezone: Annotated[str, AfterValidator(_zone)] = "UTC"
    # At most this many messages in any hour; past it, waiting alerts are folded into one.
    max_per_hour: int | None = Field(None, ge=1)
    # The markup the body templates are written in; "auto": the shipped templates in the
    # notifier's own format (Apprise's default for the service, or its ?format=).
    format: Literal["auto", "text", "markdown", "html"] = "auto"
    # Jinja2 templates (see docs/notifications.md); empty: the shipped default.
    title: Annotated[str, _template("title")] = ""
    body: Annotated[str, _template("body")] = ""
    digest_title: Annotated[str, _template("digest_title")] = ""
    digest_body: Annotated[str, _template("digest_body")] = ""

    @model_validator(mode="after")
    def _format_for_templates(self) -> NotifierConfig:
        if (self.body or self.digest_body) and self.format == "auto":
            raise ValueError("format: say which markup the body template is written in "
                             "(\"text\", \"markdown\" or \"html\")")
        return self

    @property
    def label(self) -> str:
        return self.name or _redacted_scheme(self.url)


def _redacted_scheme(url: str) -> str:
    return url.split("://", 1)[0] + "://…" if "://" in url else "notifier"


class Settings(_Frozen):
    service: ServiceSettings = ServiceSettings()
    database: DatabaseSettings = DatabaseSettings()
    corpus: CorpusSettings = CorpusSettings()
    fetch: FetchSettings = FetchSettings()
    polling: PollingSettings = PollingSettings()
    delivery: DeliverySettings = DeliverySettings()
    web: WebSettings = WebSettings()
    feeds: tuple[FeedConfig, ...] = ()
    topics: tuple[TopicConfig, ...] = ()
    notifiers: tuple[NotifierConfig, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        ids = [t.id for t in self.topics]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"topic ids must be unique: {', '.join(dupes)}")
        urls = [f.url for f in self.feeds]
        dupes = sorted({u for u in urls if urls.count(u) > 1})
        if dupes:
            raise ValueError(f"feed urls must be unique: {', '.join(dupes)}")
        for i, n in enumerate(self.notifiers):
            unknown = [t for t in n.topics if t not in ids]
            if unknown:
                raise ValueError(f"notifiers[{i}].topics: unknown topic id {unknown[0]!r}")
        return self

    @property
    def database_url(self) -> str:
        return self.database.url or f"sqlite:///{self.service.data_dir / 'claimwatch.db'}"

    def topic(self, topic_id: str) -> TopicConfig | None:
        return next((t for t in self.topics if t.id == topic_id), None)


def load_settings(path: Path | str | None = None) -> Settings:
    """Read and validate a config file; raise ConfigError naming every bad key."""
    path = Path(path) if path else default_config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(str(path), [f"cannot read: {exc.strerror or exc}"]) from exc
    return parse_settings(text, source=str(path))


def default_config_path() -> Path:
    return Path(os.environ.get("CLAIMWATCH_CONFIG", DEFAULT_CONFIG))


def parse_settings(text: str, source: str = "<config>") -> Settings:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(source, [f"not valid TOML: {exc}"]) from exc
    _environment(raw)
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(source, _describe(exc, text)) from exc


# Secrets and per-deployment addresses from the environment (containers, systemd
# EnvironmentFile=) rather than the config file; they are validated like the file's values.
ENVIRONMENT = {
    "CLAIMWATCH_DATABASE_URL": ("database", "url"),
    "CLAIMWATCH_WEB_LISTEN": ("web", "listen"),
    "CLAIMWATCH_WEB_TOKEN": ("web", "token"),
}


def _environment(raw: dict[str, Any]) -> None:
    for name, (table, key) in ENVIRONMENT.items():
        value = os.environ.get(name)
        if value is not None and isinstance(raw.setdefault(table, {}), dict):
            raw[table][key] = value


def _describe(exc: ValidationError, text: str) -> list[str]:
    problems = []
    for err in exc.errors():
        loc = _dotted(err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key (typo?)"
        line = _line_of(text, err["loc"])
        where = f"{loc} (line {line})" if line else (loc or "top level")
        problems.append(f"{where}: {msg}")
    return problems


def _dotted(loc: Sequence[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not str(part).startswith("function-"):
            out += f".{part}" if out else str(part)
    return out


def _line_of(text: str, loc: Sequence[Any]) -> int | None:
    """Best-effort line number of a key path in TOML text (tables and arrays of tables)."""
    lines = text.splitlines()
    start, end = 0, len(lines)
    parts = [p for p in loc if not str(p).startswith("function-")]
    table = ""
    i = 0
    while i < len(parts):
        part = parts[i]
        nxt = parts[i + 1] if i + 1 < len(parts) else None
        if isinstance(part, str) and isinstance(nxt, int):
            # [[table]] number nxt
            name = f"{table}.{part}" if table else part
            header = re.compile(rf"^\s*\[\[\s*{re.escape(name)}\s*\]\]")
            found = [n for n in range(start, end) if header.match(lines[n])]
            if nxt < len(found):
                start = found[nxt] + 1
                end = _section_end(lines, start, end)
                table = name
                i += 2
                continue
            return None
        if isinstance(part, str):
            name = f"{table}.{part}" if table else part
            header = re.compile(rf"^\s*\[\s*{re.escape(name)}\s*\]")
            found = [n for n in range(start, end) if header.match(lines[n])]
            if found and i < len(parts) - 1:
                start = found[0] + 1
                end = _section_end(lines, start, len(lines))
                table = name
                i += 1
                continue
            key = re.compile(rf"^\s*{re.escape(part)}\s*=")
            for n in range(start, end):
                if key.match(lines[n]):
                    return n + 1
            return found[0] + 1 if found else None
        i += 1
    return start if start else None


def _section_end(lines: list[str], start: int, end: int) -> int:
    for n in range(start, end):
        if re.match(r"^\s*\[", lines[n]):
            return n
    return end
