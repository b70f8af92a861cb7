"""An alert in plain words: the fields notification templates see.

When an alert is raised, `explain()` stores what the pipeline knew in the alert's `why`
JSON (the claim, who, stance, the article, the other new claims, the nearest known claim
and where it came from). When it is sent, `alert_context()` turns that record, with the
"also reported by" sources known by then, into the fields documented in
docs/notifications.md. Every key may be missing (older rows, a changed analyser): a
missing field reads as empty, never as an error, and internal keys such as
`russia|capture|pokrovsk|is` are never shown.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, SupportsFloat, SupportsIndex

from claimwatch.config import TopicConfig
from claimwatch.models import AlertDraft, Document, Event

# (url) -> {"title", "source", "published", "seed"} of a stored article, or None
ArticleLookup = Callable[[str], Mapping[str, Any] | None]

_MAX_OTHERS = 4
_SIDES = {"russia": "Russia", "ukraine": "Ukraine"}
# action -> (happened, sought)
_ACTIONS = {
    "capture": ("captured {p}", "to capture {p}"),
    "encircle": ("encircled {p}", "to encircle {p}"),
    "enter": ("entered {p}", "to enter {p}"),
    "advance": ("advanced near {p}", "to advance near {p}"),
    "withdraw": ("withdrew from {p}", "to withdraw from {p}"),
    "retake": ("retook {p}", "to retake {p}"),
    "annex": ("annexed {p}", "to annex {p}"),
    "cede": ("ceded {p}", "that {p} be ceded"),
    "zone": ("set up a zone in {p}", "a zone in {p}"),
    "control": ("controls {p}", "to control {p}"),
}


def plain_event(event: Event | str, place_names: Mapping[str, str] | None = None) -> str:
    """'russia|capture|pokrovsk|is' as 'Russia captured Pokrovsk'."""
    if isinstance(event, str):
        parts = [*event.split("|"), "", "", ""][:4]
        side, action, place, mode = parts
        side = "" if side == "?" else side
        place = "" if place == "*" else place
    else:
        side, action, place, mode = event.side, event.action, event.place, event.mode
    where = (place_names or {}).get(place) or place.split(":")[-1].replace("-", " ").title()
    where = where or "territory"
    done, sought = _ACTIONS.get(action, (f"{action} {{p}}", f"to {action} {{p}}"))
    who = _SIDES.get(side, side.title()) if side else ""
    if mode == "aim":
        return f"{who + ' seeks ' if who else 'a demand '}{sought.format(p=where)}".strip()
    text = f"{who} {done.format(p=where)}".strip() if who else f"{done.format(p=where)}"
    return f"denial that {text}" if mode == "not" else text


def explain(
    topic: TopicConfig, draft: AlertDraft, doc: Document, *,
    place_names: Mapping[str, str] | None = None, lookup: ArticleLookup | None = None,
) -> dict[str, object]:
    """The `why` record stored with an alert (JSON): the earlier keys, kept for readers of
    older rows, and everything the notification needs, in plain words."""
    result = draft.lead
    claim = result.claim
    hit = next((h for h in result.hits if h.topic_id == topic.id), None)
    novelty = result.novelty.get(topic.id)
    nearest = novelty.nearest if novelty else None
    matched = list(hit.matched) if hit else []
    relevant = [e for e in claim.events if e.action in topic.event_actions]
    near: dict[str, object] | None = None
    if nearest is not None:
        known = lookup(nearest.article_url) if lookup else None
        near = {
            "id": nearest.id, "text": nearest.text, "url": nearest.article_url,
            "title": (known or {}).get("title", ""), "source": (known or {}).get("source", ""),
            "published": _day((known or {}).get("published") or nearest.published),
            "seed": bool((known or {}).get("seed", False)),
        }
    return {
        # The first keys are those of the first version (why_text, `check --json`).
        "matched": matched,
        "novelty": novelty.reason if novelty else "",
        "nearest_known": nearest.text if nearest else None,
        "nearest_source": nearest.article_url if nearest else None,
        "similarity": novelty.score if novelty else 0.0,
        "claim": claim.text,
        "speaker": claim.speaker,
        "stance": claim.stance.value,
        "matched_terms": [m for m in matched if "|" not in m],
        "events": [plain_event(e, place_names) for e in relevant],
        "new_kind": _new_kind(novelty.reason if novelty else ""),
        "others": [r.claim.text for r in draft.others],
        "article": {"title": doc.title, "url": doc.url, "source": doc.source,
                    "published": _day(doc.published)},
        "nearest": near,
    }


def _new_kind(reason: str) -> str:
    """What kind of new the analyser found, without its internal keys."""
    for prefix, kind in (("new event", "event"), ("changed hands again", "again"),
                         ("new occurrence", "occurrence")):
        if reason.startswith(prefix):
            return kind
    return ""


def alert_context(
    why: Mapping[str, Any], *, alert_id: int | None, created: str, topic_id: str,
    topic_name: str, sources: Sequence[Mapping[str, Any]] = (), kind: str = "claim",
    title: str = "", body: str = "", article: Mapping[str, Any] | None = None,
    claim: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The fields of one alert as templates see them (docs/notifications.md).

    `article` and `claim` are the stored rows' values, used where `why` lacks them."""
    art = {**(article or {}), **{k: v for k, v in (why.get("article") or {}).items() if v}}
    stored = claim or {}
    text = _one(why.get("claim") or stored.get("text") or "")
    speaker = _one(why.get("speaker") or stored.get("speaker") or "")
    stance = str(why.get("stance") or stored.get("stance") or "reports")
    similarity = _float(why.get("similarity"))
    nearest = _nearest(why, similarity)
    others = [_one(o) for o in why.get("others") or [] if o]
    events = [str(e) for e in why.get("events") or []]
    if not events and why.get("matched") and "events" not in why:
        events = [plain_event(m) for m in why["matched"] if "|" in str(m)]
    terms = [str(m).replace(" ~ ", "” near “") for m in why.get("matched_terms")
             or [m for m in why.get("matched") or [] if "|" not in str(m)]]
    also = [{"title": _one(s.get("title")) or "(untitled)", "url": s.get("url") or "",
             "source": _one(s.get("source")),
             "label": _one(s.get("source") or s.get("title") or s.get("url"))}
            for s in sources]
    return {
        "id": alert_id,
        "kind": kind,
        "created": created,
        "title": title,
        "body": body,
        "topic": {"id": topic_id, "name": topic_name or topic_id},
        "headline": text if len(text) <= 120 else text[:119].rstrip() + "…",
        "claim": {"text": text, "speaker": speaker, "who": speaker or "not named in the text",
                  "stance": stance},
        "article": {"title": _one(art.get("title")) or "(untitled)",
                    "url": art.get("url") or "", "source": _one(art.get("source")),
                    "published": art.get("published") or ""},
        "events": events,
        "matched": terms,
        "new_claims": others[:_MAX_OTHERS],
        "more_new_claims": max(0, len(others) - _MAX_OTHERS),
        "nearest": nearest,
        "similarity": similarity,
        "also_reported_by": also,
        "what_is_new": _what_is_new(events, nearest, str(why.get("new_kind") or "")),
        "why": _why(topic_name or topic_id, terms, events, nearest,
                    str(why.get("new_kind") or "")),
    }


def _nearest(why: Mapping[str, Any], similarity: float) -> dict[str, Any] | None:
    near = why.get("nearest")
    if not near and why.get("nearest_known"):  # a first-version record
        near = {"text": why["nearest_known"], "url": why.get("nearest_source") or ""}
    if not near or not near.get("text"):
        return None
    title, seed = _one(near.get("title")), bool(near.get("seed"))
    when = near.get("published") or ""
    if title:
        origin = f"{'seed ' if seed else ''}“{title}”"
        details = [d for d in (_one(near.get("source")), when) if d]
        origin += f" ({', '.join(details)})" if details else ""
    else:
        origin = f"{'seed ' if seed else ''}{near.get('url') or 'an earlier article'}"
    return {"text": _one(near["text"]), "url": near.get("url") or "", "title": title,
            "source": _one(near.get("source")), "published": when, "seed": seed,
            "origin": origin, "similarity": similarity, "percent": round(similarity * 100)}


def _what_is_new(events: list[str], nearest: dict[str, Any] | None, kind: str) -> str:
    if events and kind == "again":
        return f"{'; '.join(events)}: the place has changed hands again"
    if kind == "occurrence" and nearest is not None:
        return ("a new occurrence: the closest known claim "
                f"({nearest['percent']}% similar) speaks of another time")
    if events and (kind == "event" or nearest is None):
        return f"{'; '.join(events)}: no report you know has this"
    if nearest is None:
        return "nothing you know says this"
    return f"nothing you know says this; the closest known claim is {nearest['percent']}% similar"


def _why(topic: str, terms: list[str], events: list[str], nearest: dict[str, Any] | None,
         kind: str) -> str:
    how = []
    if terms:
        how.append("it names " + ", ".join(f"“{t}”" for t in terms[:5]))
    if events:
        how.append("it reports " + "; ".join(events))
    touches = f"On {topic}: {' and '.join(how)}." if how else f"On {topic}."
    return f"{touches} New: {_what_is_new(events, nearest, kind)}."


def _day(value: object) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d")
    return str(value or "")[:10]


def _float(value: object) -> float:
    # What float() takes; anything else (None, a list) is no number.
    if not isinstance(value, str | bytes | SupportsFloat | SupportsIndex):
        return 0.0
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _one(value: object) -> str:
    return " ".join(str(value or "").split())
