"""Notifications: render alerts as text, send them with Apprise, one notifier at a time.

Apprise logs failures instead of raising; we capture its log per attempt so the outbox
records why a delivery failed, with secrets in URLs masked (Apprise's privacy URL form).
Bodies are sent as TEXT: Apprise escapes them for HTML and Markdown services, so article
text cannot inject markup into a notification.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

import apprise

from claimwatch.config import NotifierConfig, TopicConfig
from claimwatch.models import AlertDraft, Document

log = logging.getLogger(__name__)

CONSOLE = "console"  # the pseudo-notifier used when none is configured: the log
_SECRETISH = re.compile(r"(?i)([a-z][a-z0-9+.-]*://)([^/@\s]+)@")
_MAX_CLAIM = 600
_MAX_OTHERS = 4


@dataclass(frozen=True)
class Target:
    key: str
    label: str  # safe to log: the name, or the URL with secrets masked
    config: NotifierConfig
    apprise: apprise.Apprise | None
    secrets: tuple[str, ...] = ()  # parts of the URL that must never be shown


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
            self.targets[key] = Target(key, label, cfg, a, url_secrets(cfg.url))

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

    def send(self, key: str, title: str, body: str) -> tuple[bool, str]:
        """Send one notification; (delivered, error line). Never raises."""
        if key == CONSOLE:
            log.warning("ALERT %s\n%s", title, body)
            return True, ""
        target = self.targets.get(key)
        if target is None or target.apprise is None:
            # The notifier was removed from the config: the delivery cannot happen.
            return False, f"notifier {key!r} is no longer configured"
        with apprise.LogCapture(level=logging.WARNING) as captured:
            try:
                ok = bool(target.apprise.notify(title=title, body=body,
                                                body_format=apprise.NotifyFormat.TEXT))
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
    topic: TopicConfig, draft: AlertDraft, doc: Document
) -> tuple[str, str, dict[str, object]]:
    """Title, body and a structured explanation of one alert."""
    result = draft.lead
    claim = result.claim
    hit = next(h for h in result.hits if h.topic_id == topic.id)
    novelty = result.novelty[topic.id]
    why: dict[str, object] = {
        "matched": list(hit.matched),
        "novelty": novelty.reason,
        "nearest_known": novelty.nearest.text if novelty.nearest else None,
        "nearest_source": novelty.nearest.article_url if novelty.nearest else None,
        "similarity": novelty.score,
    }
    who = claim.speaker or "not named in the text"
    text = _one_line(claim.text)[:_MAX_CLAIM]
    lines = [
        f"Topic: {topic.name} ({topic.id})",
        f"New claim: {text}",
        f"Who: {who} ({claim.stance.value})",
        f"Article: {_one_line(doc.title) or '(untitled)'}",
        f"URL: {doc.url}",
        f"Why: matched {', '.join(hit.matched)}; {novelty.reason}",
    ]
    if novelty.nearest is not None:
        lines.append(
            f"Nearest known claim ({novelty.score:.2f} similar, {novelty.nearest.article_url}): "
            f"{_one_line(novelty.nearest.text)[:300]}"
        )
    else:
        lines.append("Nearest known claim: none")
    if draft.others:
        lines.append("Also new in this article:")
        lines += [f"- {_one_line(r.claim.text)[:300]}" for r in draft.others[:_MAX_OTHERS]]
        if len(draft.others) > _MAX_OTHERS:
            lines.append(f"- and {len(draft.others) - _MAX_OTHERS} more")
    title = f"[claimwatch] {topic.name}: {_inert(_one_line(text)[:120])}"
    return title, "\n".join(lines), why


def why_text(why: dict[str, object]) -> str:
    nearest = why.get("nearest_known")
    out = f"matched {', '.join(map(str, why.get('matched') or []))}; {why.get('novelty')}"
    if nearest:
        out += f"; nearest known claim ({why.get('similarity')}): {nearest}"
    return out


# Apprise escapes a TEXT body for HTML and Markdown targets, but passes the title through
# as it is, and some services render it: article text in a title must not form markup.
_INERT = str.maketrans({"<": "‹", ">": "›", "[": "(", "]": ")"})


def _inert(text: str) -> str:
    return text.translate(_INERT)


def _one_line(text: str) -> str:
    return " ".join(text.split())
