"""Notification templates: Jinja2, escaped for the format the body is written in.

Article text comes from hostile pages. Each body format has its own environment, so every
`{{ ... }}` is escaped for it without the template author's help:

- html: Jinja2 autoescape (markupsafe);
- markdown: every expression is backslash-escaped for CommonMark (the characters Apprise
  itself escapes when it turns text into Markdown), unless a helper such as `link()` built it;
- text: nothing to escape here; Apprise escapes text for HTML and Markdown services.

Titles are always plain text, on one line, with the characters some services read as markup
in a title replaced by look-alikes. The sandbox keeps templates from calling into Python.
The fields a template sees are documented in docs/notifications.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import quote

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

FORMATS = ("text", "markdown", "html")
# What can make markup inside a line: emphasis, code, links, images, autolinks and HTML,
# strikethrough, entities. Escaping only these keeps "2025-12-11." free of backslashes,
# which Slack's mrkdwn would show.
_MD_INLINE = re.compile(r"([\\`*_\[\]()<>~!]|&(?=#?[0-9A-Za-z]{1,32};))")
# What makes a block at the start of a line: headings, quotes, lists, setext underlines.
_MD_BLOCK = re.compile(r"^([ \t]*)([#>+=-]|\d+(?=[.)]))", re.MULTILINE)
_INERT = str.maketrans({"<": "‹", ">": "›", "[": "(", "]": ")"})
_MAX_TITLE = 250


def md_escape(text: str) -> str:
    """Text that CommonMark shows as it is: what could form markup backslash-escaped."""
    text = _MD_INLINE.sub(r"\\\1", text)
    return _MD_BLOCK.sub(_escape_block_start, text)


def _escape_block_start(m: re.Match[str]) -> str:
    lead, mark = m.group(1), m.group(2)
    if mark.isdigit():  # "1." or "1)": escape the delimiter that follows
        return f"{lead}{mark}\\"
    return f"{lead}\\{mark}"


class MdSafe(str):
    """Markdown built by a helper from escaped parts: not escaped again."""


def _md_finalize(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, MdSafe):
        return str(value)
    return md_escape(str(value))


def _text_finalize(value: Any) -> Any:
    return "" if value is None else value


def _title_finalize(value: Any) -> str:
    # Literal template text keeps its brackets; only the values are made inert.
    return "" if value is None else re.sub(r"\s+", " ", str(value)).translate(_INERT)


def _web_url(url: object) -> str:
    """Only http(s) URLs become links; anything else is shown as text, never followed."""
    u = str(url or "")
    return u if re.match(r"(?i)^https?://[^\s<>\"]+$", u) else ""


def _link_for(fmt: str) -> Callable[[object, object], object]:
    def link(url: object, text: object = "") -> object:
        label = str(text or url or "")
        target = _web_url(url)
        if fmt == "html":
            if not target:
                return escape(label)
            return Markup('<a href="{}">{}</a>').format(target, label)
        if fmt == "markdown":
            if not target:
                return MdSafe(md_escape(label))
            # Percent-encode what would end the destination; the label is escaped text.
            return MdSafe(f"[{md_escape(label)}]({quote(target, safe=':/?#=&%@+,;~!$*')})")
        return f"{label} ({url})" if url and label != url else label

    return link


def _oneline(value: object) -> str:
    return " ".join(str(value or "").split())


def _short(value: object, limit: int = 200) -> str:
    text = _oneline(value)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@cache
def environment(fmt: str) -> ImmutableSandboxedEnvironment:
    """The environment for "text", "markdown", "html", or "title" (plain, one line)."""
    finalize = {"markdown": _md_finalize, "title": _title_finalize}.get(fmt, _text_finalize)
    env = ImmutableSandboxedEnvironment(
        autoescape=fmt == "html",
        finalize=finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["oneline"] = _oneline
    env.filters["short"] = _short
    env.globals["link"] = _link_for(fmt)
    return env


def inert_title(text: str) -> str:
    """One line of bounded length (the values in it were made inert when rendered)."""
    return _short(text, _MAX_TITLE)


# ---------------------------------------------------------------------- shipped templates
TITLE = "[claimwatch] {{ alert.topic.name }}: {{ alert.headline }}"
_COUNTS = (
    "{% if digest.claims %}{{ digest.claims }} new claim{{ 's' if digest.claims != 1 }}"
    "{% endif %}{{ ', ' if digest.claims and digest.notices }}"
    "{% if digest.notices %}{{ digest.notices }} notice{{ 's' if digest.notices != 1 }}"
    "{% endif %}"
)
DIGEST_TITLE = (
    "[claimwatch] " + _COUNTS +
    "{% if digest.reason %} ({{ digest.reason }}){% endif %}: "
    "{% for g in digest.groups %}{{ g.topic.name }} ({{ g.alerts|length }})"
    "{{ ', ' if not loop.last }}{% endfor %}"
)

BODY = {
    "text": """\
New claim on {{ alert.topic.name }}: {{ alert.claim.text }}

Who: {{ alert.claim.who }} ({{ alert.claim.stance }})
Article: {{ alert.article.title }}\
{% if alert.article.source %} ({{ alert.article.source }}){% endif %}

URL: {{ alert.article.url }}
Why: {{ alert.why }}
{% if alert.nearest %}
Nearest known claim ({{ alert.nearest.percent }}% similar, {{ alert.nearest.origin }}): \
{{ alert.nearest.text|short(300) }}
{% else %}
Nearest known claim: none comes close
{% endif %}
{% if alert.new_claims %}
Also new in this article:
{% for c in alert.new_claims %}
- {{ c|short(400) }}
{% endfor %}
{% endif %}
{% if alert.also_reported_by %}
Also reported by:
{% for s in alert.also_reported_by %}
- {{ s.label }}: {{ s.url }}
{% endfor %}
{% endif %}
Topic: {{ alert.topic.name }} ({{ alert.topic.id }})""",
    "markdown": """\
**{{ alert.topic.name }}**: {{ alert.claim.text }}

- **Who:** {{ alert.claim.who }} ({{ alert.claim.stance }})
- **Article:** {{ link(alert.article.url, alert.article.title) }}\
{% if alert.article.source %} ({{ alert.article.source }}){% endif %}

- **Why:** {{ alert.why }}
{% if alert.nearest %}
- **Nearest known claim** ({{ alert.nearest.percent }}% similar, \
{{ link(alert.nearest.url, alert.nearest.origin) }}): {{ alert.nearest.text|short(300) }}
{% else %}
- **Nearest known claim:** none comes close
{% endif %}
{% if alert.new_claims %}
- **Also new in this article:**
{% for c in alert.new_claims %}
  - {{ c|short(400) }}
{% endfor %}
{% endif %}
{% if alert.also_reported_by %}
- **Also reported by:** {% for s in alert.also_reported_by %}{{ link(s.url, s.label) }}\
{{ ', ' if not loop.last }}{% endfor %}

{% endif %}

_Topic: {{ alert.topic.name }} ({{ alert.topic.id }})_""",
    "html": """\
<p><b>{{ alert.topic.name }}</b>: {{ alert.claim.text }}</p>
<ul>
<li><b>Who:</b> {{ alert.claim.who }} ({{ alert.claim.stance }})</li>
<li><b>Article:</b> {{ link(alert.article.url, alert.article.title) }}\
{% if alert.article.source %} ({{ alert.article.source }}){% endif %}</li>
<li><b>Why:</b> {{ alert.why }}</li>
{% if alert.nearest %}
<li><b>Nearest known claim</b> ({{ alert.nearest.percent }}% similar, \
{{ link(alert.nearest.url, alert.nearest.origin) }}): {{ alert.nearest.text|short(300) }}</li>
{% else %}
<li><b>Nearest known claim:</b> none comes close</li>
{% endif %}
{% if alert.new_claims %}
<li><b>Also new in this article:</b><ul>
{% for c in alert.new_claims %}<li>{{ c|short(400) }}</li>{% endfor %}
</ul></li>
{% endif %}
{% if alert.also_reported_by %}
<li><b>Also reported by:</b> {% for s in alert.also_reported_by %}\
{{ link(s.url, s.label) }}{{ ', ' if not loop.last }}{% endfor %}</li>
{% endif %}
</ul>
<p><small>Topic: {{ alert.topic.name }} ({{ alert.topic.id }})</small></p>""",
}

DIGEST_BODY = {
    "text": """\
""" + _COUNTS + """\
{% if digest.reason %} ({{ digest.reason }}){% endif +%}.
{% for g in digest.groups %}

== {{ g.topic.name }} ({{ g.alerts|length }}) ==
{% for a in g.alerts %}
{% if a.kind == 'claim' %}
- {{ a.claim.text|short(300) }}
  Who: {{ a.claim.who }} ({{ a.claim.stance }}). {{ a.article.title }} {{ a.article.url }}
{% if a.nearest %}
  Nearest known ({{ a.nearest.percent }}% similar): {{ a.nearest.text|short(160) }}
{% endif %}
{% if a.also_reported_by %}
  Also reported by: {{ a.also_reported_by|map(attribute='label')|join(', ') }}
{% endif %}
{% else %}
- {{ a.title }}
  {{ a.body|oneline }}
{% endif %}
{% endfor %}
{% endfor %}""",
    "markdown": """\
**""" + _COUNTS + """**{% if digest.reason %} \
({{ digest.reason }}){% endif +%}

{% for g in digest.groups %}

**{{ g.topic.name }}** ({{ g.alerts|length }})

{% for a in g.alerts %}
{% if a.kind == 'claim' %}
- {{ a.claim.text|short(300) }} (**{{ a.claim.who }}**, {{ a.claim.stance }}; \
{{ link(a.article.url, a.article.title|short(80)) }}\
{% if a.also_reported_by %}; also {{ a.also_reported_by|length }} other source\
{{ 's' if a.also_reported_by|length != 1 }}{% endif %})\
{% if a.nearest %} _nearest known, {{ a.nearest.percent }}%: {{ a.nearest.text|short(120) }}_\
{% endif %}

{% else %}
- **{{ a.title }}**: {{ a.body|oneline }}
{% endif %}
{% endfor %}
{% endfor %}""",
    "html": """\
<p><b>""" + _COUNTS + """</b>\
{% if digest.reason %} ({{ digest.reason }}){% endif %}</p>
{% for g in digest.groups %}
<h3>{{ g.topic.name }} ({{ g.alerts|length }})</h3>
<ul>
{% for a in g.alerts %}
{% if a.kind == 'claim' %}
<li>{{ a.claim.text|short(300) }}<br>
<b>{{ a.claim.who }}</b> ({{ a.claim.stance }}) · {{ link(a.article.url, a.article.title) }}\
{% if a.also_reported_by %} · also {{ a.also_reported_by|length }} other source\
{{ 's' if a.also_reported_by|length != 1 }}{% endif %}
{% if a.nearest %}<br><small>Nearest known ({{ a.nearest.percent }}%): \
{{ a.nearest.text|short(160) }}</small>{% endif %}</li>
{% else %}
<li><b>{{ a.title }}</b>: {{ a.body|oneline }}</li>
{% endif %}
{% endfor %}
</ul>
{% endfor %}""",
}


# ---------------------------------------------------------------------- rendering
@dataclass(frozen=True)
class Templates:
    """A notifier's templates, compiled once, and the format its body is written in."""

    fmt: str
    title: Any
    body: Any
    digest_title: Any
    digest_body: Any

    @classmethod
    def build(
        cls, fmt: str, *, title: str = "", body: str = "", digest_title: str = "",
        digest_body: str = "",
    ) -> Templates:
        text, env = environment("title"), environment(fmt)
        return cls(
            fmt,
            text.from_string(title or TITLE),
            env.from_string(body or BODY[fmt]),
            text.from_string(digest_title or DIGEST_TITLE),
            env.from_string(digest_body or DIGEST_BODY[fmt]),
        )

    def render(self, alert: Mapping[str, Any]) -> tuple[str, str]:
        return (inert_title(self.title.render(alert=alert)),
                _tidy(self.body.render(alert=alert)))

    def render_digest(self, digest: Mapping[str, Any]) -> tuple[str, str]:
        return (inert_title(self.digest_title.render(digest=digest)),
                _tidy(self.digest_body.render(digest=digest)))


def _tidy(body: str) -> str:
    """No runs of blank lines (left by optional sections), no trailing space."""
    return re.sub(r"\n{3,}", "\n\n", body).strip()


def check_template(source: str, kind: str) -> None:
    """Compile a template and render it with a full and a sparse sample alert, so a syntax
    error or an unknown field is reported when the config is read, with its line."""
    env = environment("title" if kind.endswith("title") else "text")
    try:
        template = env.from_string(source)
        for alert in (sample_alert(full=True), sample_alert(full=False)):
            if kind.startswith("digest"):
                template.render(digest=digest_context([alert], "hourly digest"))
            else:
                template.render(alert=alert)
    except TemplateSyntaxError as exc:
        raise ValueError(f"template error on its line {exc.lineno}: {exc.message}") from None
    except TemplateError as exc:
        raise ValueError(f"template error: {exc.message or exc}") from None


# ---------------------------------------------------------------------- the fields
def digest_context(alerts: Sequence[Mapping[str, Any]], reason: str) -> dict[str, Any]:
    """A digest: its alerts grouped by topic, topics in order of their first alert."""
    groups: dict[str, dict[str, Any]] = {}
    for a in alerts:
        key = a["topic"]["id"] or "-"
        groups.setdefault(key, {"topic": a["topic"], "alerts": []})["alerts"].append(a)
    claims = sum(1 for a in alerts if a["kind"] == "claim")
    return {"count": len(alerts), "claims": claims, "notices": len(alerts) - claims,
            "reason": reason, "groups": list(groups.values()), "alerts": list(alerts)}


def sample_alert(*, full: bool = True) -> dict[str, Any]:
    """An alert with every field set (full) or only those always present."""
    from claimwatch.alertview import alert_context

    why: dict[str, object] = {
        "claim": "Russia's defence ministry said its forces had captured Kostiantynivka.",
        "speaker": "Russia's defence ministry" if full else "",
        "stance": "claims",
        "matched_terms": [],
        "events": ["Russia captured Kostiantynivka"] if full else [],
        "similarity": 0.31 if full else 0.0,
        "others": ["Ukraine's army did not comment."] if full else [],
        "article": {"title": "Russia says it took Kostiantynivka", "url": "https://example.org/a",
                    "source": "Example News", "published": "2026-11-30"},
        "nearest": ({"text": "Russian forces are advancing on Kostiantynivka.",
                     "url": "https://example.org/b", "title": "Seed article", "source": "",
                     "published": "2025-12-11", "seed": True} if full else None),
    }
    sources = ([{"title": "Moscow claims Kostiantynivka has fallen",
                 "url": "https://example.org/c", "source": "Paper B"}] if full else [])
    return alert_context(why, alert_id=1, created="2026-11-30 12:00 UTC",
                         topic_id="territorial-claims", topic_name="Territorial claims",
                         sources=sources)
