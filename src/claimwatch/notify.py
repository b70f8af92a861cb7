"""Notifications: render alerts with each notifier's templates, send them with Apprise.

Apprise logs failures instead of raising; we capture its log per attempt so the outbox
records why a delivery failed, with secrets in URLs masked (Apprise's privacy URL form).
A body is rendered in the format its templates are written in (by default the notifier's
own: Markdown for Slack, HTML for e-mail, text for ntfy) and sent declaring that format;
templates.py escapes article text for it, so article text cannot inject markup.
Alerts are rendered when they are sent, from what the store holds then (so "also reported
by" is as complete as it can be); the text rendering stored with the alert is what
`alerts show` prints and what a notifier gets if its template fails.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from claimwatch.alertview import ArticleLookup, alert_context, explain
from claimwatch.config import NotifierConfig, TopicConfig
from claimwatch.models import AlertDraft, Document
from claimwatch.templates import Templates, digest_context

if TYPE_CHECKING:
    import apprise

log = logging.getLogger(__name__)

CONSOLE = "console"  # the pseudo-notifier used when none is configured: the log
_SECRETISH = re.compile(r"(?i)([a-z][a-z0-9+.-]*://)([^/@\s]+)@")
HEALTH_GROUP = "claimwatch notices"


@dataclass(frozen=True)
class Target:
    key: str
    label: str  # safe to log: the name, or the URL with secrets masked
    config: NotifierConfig
    apprise: apprise.Apprise | None
    secrets: tuple[str, ...] = ()  # parts of the URL that must never be shown
    templates: Templates = field(default_factory=lambda: Templates.build("text"))


def native_format(service: Any) -> str:
    """The body format Apprise uses for this service when not told otherwise (its ?format=,
    else the service's first format): "text", "markdown" or "html"."""
    resolve = getattr(service, "resolve_format", None)
    fmt = resolve(None) if resolve else service.notify_format
    if isinstance(fmt, tuple | list):
        fmt = fmt[0]
    value = str(getattr(fmt, "value", fmt))
    return value if value in ("text", "markdown", "html") else "text"


def notifier_key(config: NotifierConfig) -> str:
    """Stable id of a notifier for the outbox; never the URL itself (it may hold secrets)."""
    if config.name:
        return config.name
    return "n-" + hashlib.sha256(config.url.encode()).hexdigest()[:12]


def redact(text: str, secrets: Sequence[str] = ()) -> str:
    """Mask credentials in any URL inside `text`, and each of `secrets`."""
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "****")
    return _SECRETISH.sub(lambda m: f"{m.group(1)}****@", text)


def url_secrets(url: str) -> tuple[str, ...]:
    """What in a notifier URL may be a secret: the password, and every path segment and
    query value long enough to be a token (webhooks carry theirs in either place)."""
    try:
        parts = urlsplit(url)
        password = parts.password or ""
    except ValueError:
        return ()
    found = [unquote(seg) for seg in parts.path.split("/")]
    found += [v for _k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return tuple({s for s in found if len(s) >= 6} | ({password} - {""}))


def safe_label(service_url: str, key: str) -> str:
    """scheme://host (Apprise's privacy form, credentials masked), never path or query:
    those are where webhook tokens live. The key tells two notifiers on one host apart."""
    scheme, _, rest = service_url.partition("://")
    host = redact(f"{scheme}://{rest.split('/', 1)[0].split('?', 1)[0]}")
    return f"{host} ({key})"


class Notifiers:
    """The configured Apprise targets; with none configured, alerts go to the log."""

    def __init__(self, configs: Sequence[NotifierConfig]) -> None:
        self.targets: dict[str, Target] = {}
        self.problems: list[str] = []
        for i, cfg in enumerate(configs):
            key = notifier_key(cfg)
            import apprise  # here, not at import: `check` and `eval` never send

            service = apprise.Apprise.instantiate(cfg.url)
            if service is None:
                # Only the scheme: the rest of a URL Apprise cannot read may still be a secret.
                scheme = cfg.url.split("://", 1)[0][:20] if "://" in cfg.url else "(none)"
                self.problems.append(
                    f"notifiers[{i}].url: Apprise does not understand this {scheme}:// URL"
                )
                continue
            a = apprise.Apprise()
            a.add(service)
            label = cfg.name or safe_label(service.url(privacy=True), key)
            fmt = native_format(service) if cfg.format == "auto" else cfg.format
            templates = Templates.build(fmt, title=cfg.title, body=cfg.body,
                                        digest_title=cfg.digest_title,
                                        digest_body=cfg.digest_body)
            self.targets[key] = Target(key, label, cfg, a, url_secrets(cfg.url), templates)

    @property
    def console(self) -> bool:
        return not self.targets

    def for_topic(self, topic_id: str) -> tuple[str, ...]:
        if self.console:
            return (CONSOLE,)
        return tuple(
            k for k, t in self.targets.items() if not t.config.topics or topic_id in t.config.topics
        )

    def for_health(self) -> tuple[str, ...]:
        if self.console:
            return (CONSOLE,)
        return tuple(k for k, t in self.targets.items() if t.config.health)

    def label(self, key: str) -> str:
        t = self.targets.get(key)
        return t.label if t else key

    def render(
        self, key: str, alerts: Sequence[Mapping[str, Any]], reason: str = ""
    ) -> tuple[str, str, str]:
        """(title, body, format) of one alert, or of a digest when `reason` is given, with
        the notifier's templates; the shipped text templates if those fail."""
        target = self.targets.get(key)
        templates = target.templates if target else Templates.build("text")
        single = not reason and len(alerts) == 1
        if single and alerts[0]["kind"] != "claim":
            return alerts[0]["title"], alerts[0]["body"], "text"  # an operator notice
        try:
            if single:
                return (*templates.render(alerts[0]), templates.fmt)
            return (*templates.render_digest(digest_context(alerts, reason)), templates.fmt)
        except Exception as exc:
            log.error("template error for notifier %s: %s: %s (sent with the default)",
                      self.label(key), type(exc).__name__, exc)
            fallback = Templates.build("text")
            if single:
                return (*fallback.render(alerts[0]), "text")
            return (*fallback.render_digest(digest_context(alerts, reason)), "text")

    def send(self, key: str, title: str, body: str, body_format: str = "text") -> tuple[bool, str]:
        """Send one notification; (delivered, error line). Never raises."""
        if key == CONSOLE:
            log.warning("ALERT %s\n%s", title, body)
            return True, ""
        target = self.targets.get(key)
        if target is None or target.apprise is None:
            # The notifier was removed from the config: the delivery cannot happen.
            return False, f"notifier {key!r} is no longer configured"
        import apprise

        with apprise.LogCapture(level=logging.WARNING) as captured:
            try:
                ok = bool(target.apprise.notify(title=title, body=body,
                                                body_format=apprise.NotifyFormat(body_format)))
            except Exception as exc:
                ok, captured_text = False, f"{type(exc).__name__}: {exc}"
            else:
                captured_text = captured.getvalue()
        if ok:
            return True, ""
        lines = [ln.split(" - ", 2)[-1] for ln in captured_text.strip().splitlines() if ln]
        # A plugin may quote its URL (token and all) in what it logs.
        return False, redact(lines[-1] if lines else "notification failed", target.secrets)


# ---------------------------------------------------------------------- rendering
def render_alert(
    topic: TopicConfig, draft: AlertDraft, doc: Document, *,
    place_names: Mapping[str, str] | None = None, lookup: ArticleLookup | None = None,
) -> tuple[str, str, dict[str, object]]:
    """Title and body (the shipped text templates) and the stored record of one alert."""
    why = explain(topic, draft, doc, place_names=place_names, lookup=lookup)
    ctx = alert_context(why, alert_id=None, created="", topic_id=topic.id,
                        topic_name=topic.name)
    title, body = Templates.build("text").render(ctx)
    return title, body, why


def why_text(why: Mapping[str, Any], topic_name: str = "") -> str:
    """Why an alert fired, in plain words (no internal keys)."""
    return str(alert_context(why, alert_id=None, created="", topic_id="",
                             topic_name=topic_name or "the topic")["why"])


def record_context(record: Any, topic_name: Callable[[str], str]) -> dict[str, Any]:
    """The template fields of a stored alert (storage.outbox.AlertRecord)."""
    health = record.kind != "claim"
    return alert_context(
        record.why, alert_id=record.id, kind=record.kind,
        created=record.created_at.strftime("%Y-%m-%d %H:%M UTC"),
        topic_id=record.topic_id,
        topic_name=HEALTH_GROUP if health else topic_name(record.topic_id),
        sources=record.sources, title=record.title, body=record.body,
        article=record.article, claim=record.claim,
    )
