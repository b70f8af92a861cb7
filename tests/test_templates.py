"""Notification templates: hostile article text stays text in every format, alerts read in
plain words, a bad template is refused when the config is read, and each notifier's own
templates reach it."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from apprise.conversion.format import markdown_to_html

from claimwatch.alertview import alert_context, plain_event
from claimwatch.config import load_settings, parse_settings
from claimwatch.errors import ConfigError
from claimwatch.templates import FORMATS, Templates, digest_context
from tests.receiver import Receiver
from tests.servers import LoopbackServer
from tests.test_faults import Clock, monitor_settings, running_monitor, serve_good_feed

HOSTILE = ('<script>alert(1)</script> <img src=x onerror=alert(2)> '
           '<a href="http://evil.example/p">see</a> [official](http://evil.example/md) **loud** '
           '`code` # heading &amp; | table |')


def hostile_alert() -> dict[str, object]:
    why = {
        "claim": "Russia captured Pokrovsk. " + HOSTILE,
        "speaker": "<b>ministry</b>",
        "stance": "claims",
        "matched_terms": ["ZNPP<script>"],
        "events": [],
        "similarity": 0.2,
        "others": [HOSTILE],
        "article": {"title": "Title " + HOSTILE, "url": "javascript:alert(3)",
                    "source": "](javascript:alert(4))"},
        "nearest": {"text": HOSTILE, "url": "https://example.org/known", "title": HOSTILE,
                    "source": "", "published": "2025-12-11", "seed": True},
    }
    sources = [{"title": HOSTILE, "url": "http://evil.example/\"><script>", "source": HOSTILE}]
    return alert_context(why, alert_id=7, created="2026-11-30 10:00 UTC",
                         topic_id="territorial-claims", topic_name="Territorial <claims>",
                         sources=sources)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    """The elements a browser or mail client would build from this HTML."""
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def hrefs(html: str) -> list[str]:
    return [str(a.get("href")) for tag, a in tags(html) if tag == "a"]


def assert_inert_html(html: str) -> None:
    names = {tag for tag, _ in tags(html)}
    assert not names & {"script", "img"}, html
    assert not any(a.get("onerror") for _, a in tags(html))
    assert "<b>ministry" not in html
    assert all(h.startswith("https://example.org/") for h in hrefs(html)), hrefs(html)
    assert "javascript:" not in " ".join(hrefs(html))


@pytest.mark.parametrize("kind", ["single", "digest"])
def test_hostile_article_text_is_escaped_in_html_bodies(kind: str) -> None:
    """In an HTML body, tags and links from articles arrive as visible text; the only links
    are to http(s) URLs (not the javascript: article URL)."""
    t = Templates.build("html")
    alert = hostile_alert()
    _title, body = (t.render(alert) if kind == "single"
                    else t.render_digest(digest_context([alert, alert], "hourly digest")))
    assert_inert_html(body)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert kind == "digest" or "https://example.org/known" in hrefs(body)


@pytest.mark.parametrize("kind", ["single", "digest"])
def test_hostile_article_text_stays_text_in_markdown_bodies(kind: str) -> None:
    """In a Markdown body every syntax character from an article is escaped: shown as
    Markdown or turned into HTML the way Apprise does for e-mail, it is plain text."""
    t = Templates.build("markdown")
    alert = hostile_alert()
    _title, body = (t.render(alert) if kind == "single"
                    else t.render_digest(digest_context([alert], "daily digest")))
    assert "[official](http" not in body and "**loud**" not in body
    assert "\\[official\\]\\(http" in body
    html = markdown_to_html(body)
    assert_inert_html(html)
    assert kind == "digest" or "https://example.org/known" in hrefs(html)
    assert "<code>" not in html and "<h1>" not in html and "<table>" not in html, html


@pytest.mark.parametrize("fmt", FORMATS)
def test_titles_are_one_line_without_markup_characters_from_articles(fmt: str) -> None:
    """A title (plain text in every format) keeps the template's own brackets but not the
    article's: no <, >, [ or ] from article text, no line breaks."""
    title, _ = Templates.build(fmt).render(hostile_alert())
    assert title.startswith("[claimwatch] Territorial ‹claims›: ")
    assert not re.search(r"[<>\[\]]", title.removeprefix("[claimwatch]")), title
    assert "\n" not in title


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_alert_with_missing_fields_still_renders(fmt: str) -> None:
    """An alert stored before these fields existed (or by a changed analyser) renders with
    what it has: no error, no 'None'."""
    alert = alert_context({"matched": ["russia|capture|pokrovsk|is"], "nearest_known": None},
                          alert_id=1, created="", topic_id="territorial-claims",
                          topic_name="Territorial claims",
                          claim={"text": "Russia says it took Pokrovsk.", "speaker": "Russia"})
    t = Templates.build(fmt)
    title, body = t.render(alert)
    _, digest = t.render_digest(digest_context([alert], "hourly digest"))
    for text in (title, body, digest):
        assert "None" not in text and "|" not in text, text
    assert "Pokrovsk" in title and "Russia captured Pokrovsk" in body


def test_the_default_text_says_who_claims_what_and_the_nearest_known_in_plain_words() -> None:
    """The shipped text names the claim, who made it, its article, what is new, the nearest
    known claim with its seed title and date, the other new claims and who else reported it;
    no internal keys."""
    why = {
        "matched": ["russia|capture|pokrovsk|is"], "novelty": "new event russia|capture|...",
        "claim": "Russia's defence ministry said its troops had captured Pokrovsk.",
        "speaker": "Russia's defence ministry", "stance": "claims",
        "events": [plain_event("russia|capture|pokrovsk|is", {"pokrovsk": "Pokrovsk"})],
        "new_kind": "event", "similarity": 0.42, "others": ["Kyiv denied the report."],
        "article": {"title": "Pokrovsk has fallen, Moscow says", "url": "https://example.org/p",
                    "source": "Wire"},
        "nearest": {"text": "Russian troops are in the outskirts of Pokrovsk.",
                    "url": "seed:000", "title": "The battle for Pokrovsk", "seed": True,
                    "published": "2025-12-11"},
    }
    alert = alert_context(why, alert_id=3, created="", topic_id="territorial-claims",
                          topic_name="Territorial claims",
                          sources=[{"title": "Moscow claims Pokrovsk", "url": "https://b.example/",
                                    "source": "Paper B"}])
    _, body = Templates.build("text").render(alert)
    for expected in (
        "Who: Russia's defence ministry (claims)",
        "Article: Pokrovsk has fallen, Moscow says (Wire)",
        "New: Russia captured Pokrovsk: no report you know has this.",
        "Nearest known claim (42% similar, seed “The battle for Pokrovsk” (2025-12-11)): "
        "Russian troops are in the outskirts of Pokrovsk.",
        "- Kyiv denied the report.",
        "- Paper B: https://b.example/",
    ):
        assert expected in body, body
    assert "|" not in body


def test_events_read_as_plain_words() -> None:
    """Internal event keys become sentences: sides, actions, places, denials and demands."""
    names = {"pokrovsk": "Pokrovsk", "donetsk-oblast": "Donetsk Oblast"}
    assert plain_event("russia|capture|pokrovsk|is", names) == "Russia captured Pokrovsk"
    assert plain_event("ukraine|withdraw|pokrovsk|is", names) == "Ukraine withdrew from Pokrovsk"
    assert plain_event("?|capture|pokrovsk|not", names) == "denial that captured Pokrovsk"
    assert plain_event("russia|cede|donetsk-oblast|aim", names) == (
        "Russia seeks that Donetsk Oblast be ceded")


# ---------------------------------------------------------------------- config
def _problems(notifier: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_settings(f'[[notifiers]]\nurl = "json://127.0.0.1/hook"\n{notifier}\n')
    return info.value.problems


def test_template_errors_are_reported_at_config_validation_with_the_key_and_line() -> None:
    """A template with a syntax error, an unknown field or a field that may be missing is
    refused when the config is read, naming notifiers[0].<key> and its line."""
    [syntax] = _problems('format = "text"\nbody = "{{ alert.claim.text "')
    assert syntax.startswith("notifiers[0].body (line 4): template error"), syntax
    [unknown] = _problems('title = "{{ alert.clam }}"')
    assert unknown.startswith("notifiers[0].title (line 3): template error"), unknown
    [unguarded] = _problems('format = "html"\ndigest_body = "{{ digest.alerts[0].nearest.text }}"')
    assert unguarded.startswith("notifiers[0].digest_body (line 4)"), unguarded


def test_a_body_template_needs_its_format_and_policies_are_checked() -> None:
    """A body template must say its markup; quiet hours, time zone and mode are validated."""
    [fmt] = _problems('body = "{{ alert.claim.text }}"')
    assert fmt.startswith("notifiers[0]") and "format" in fmt
    [tz] = _problems('timezone = "Europe/Atlantis"')
    assert tz.startswith("notifiers[0].timezone (line 3)") and "Europe/Atlantis" in tz
    [quiet] = _problems('quiet_hours = "22-7"')
    assert quiet.startswith("notifiers[0].quiet_hours (line 3)")
    [mode] = _problems('mode = "weekly"')
    assert mode.startswith("notifiers[0].mode (line 3)")


def test_each_notifier_gets_its_own_templates(
    server: LoopbackServer, receiver: Receiver, tmp_path: Path
) -> None:
    """A notifier with its own title and body templates gets them; another notifier keeps
    the shipped default."""
    custom = Receiver().start()
    try:
        own = (f'[[notifiers]]\nurl = "{custom.url}"\nformat = "text"\n'
               'title = "CW {{ alert.topic.id }}"\n'
               "body = '''{{ alert.claim.who }} ({{ alert.claim.stance }}): "
               "{{ alert.claim.text|short(60) }}'''\n")
        config = monitor_settings(tmp_path, [serve_good_feed(server)],
                                  notifiers=[own, f'[[notifiers]]\nurl = "{receiver.url}"\n'])
        assert load_settings(config).notifiers[0].format == "text"
        with running_monitor(config, Clock()) as monitor:
            assert monitor.tick()[0].alerts == 2
    finally:
        custom.stop()
    assert sorted(custom.titles()) == ["CW territorial-claims", "CW zaporizhzhia-npp"]
    assert all(re.match(r"^.+ \((claims|reports|denies|confirms|demands)\): .+", m["message"])
               and len(m["message"]) < 160 for m in custom.messages), custom.messages
    assert all(m["message"].startswith("New claim on ") for m in receiver.messages)


def test_the_shipped_default_fits_slack_email_and_ntfy() -> None:
    """With format = "auto" Slack gets the Markdown default, e-mail the HTML one and ntfy the
    text one; an ordinary alert's Markdown escapes nothing Slack would show as a backslash
    (Apprise turns escaped brackets back into plain ones for Slack)."""
    import apprise

    from claimwatch.notify import native_format

    for url, fmt in (("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ", "markdown"),
                     ("mailto://user:pass@example.org", "html"),
                     ("ntfy://ntfy.sh/claimwatch", "text"),
                     ("json://127.0.0.1/hook?format=html", "html")):
        assert native_format(apprise.Apprise.instantiate(url)) == fmt, url
    from claimwatch.templates import sample_alert

    _, body = Templates.build("markdown").render(sample_alert())
    assert not re.search(r"\\[^()\[\]]", body), body
    assert "[Russia says it took Kostiantynivka](https://example.org/a)" in body


def test_what_is_new_is_said_for_new_events_occurrences_and_places_changing_hands() -> None:
    """A new event, a new occurrence of a known kind of claim, and a place that changed
    hands again are each explained in words."""
    near = {"text": "The plant lost power in March.", "url": "https://example.org/k",
            "title": "Earlier", "published": "2025-03-01"}

    def new(kind: str, events: list[str]) -> str:
        why = {"new_kind": kind, "events": events, "similarity": 0.8, "nearest": near}
        return str(alert_context(why, alert_id=1, created="", topic_id="t",
                                 topic_name="T")["what_is_new"])

    assert new("occurrence", []) == (
        "a new occurrence: the closest known claim (80% similar) speaks of another time")
    assert new("again", ["Ukraine retook Kupiansk"]) == (
        "Ukraine retook Kupiansk: the place has changed hands again")
    assert new("event", ["Russia captured Lyman"]) == (
        "Russia captured Lyman: no report you know has this")


def test_a_digest_groups_by_topic_and_counts_claims_and_operator_notices_apart() -> None:
    """A digest with a claim and a feed-failure notice names both counts in its title and
    gives the notice its own group."""
    from claimwatch.templates import sample_alert

    notice = alert_context({}, alert_id=2, created="", topic_id="", kind="health",
                           topic_name="claimwatch notices", title="[claimwatch] feed failing: X",
                           body="Feed X has failed 5 times.\nLast error: HTTP 500")
    title, body = Templates.build("text").render_digest(
        digest_context([sample_alert(), notice], "daily digest"))
    assert title == ("[claimwatch] 1 new claim, 1 notice (daily digest): "
                     "Territorial claims (1), claimwatch notices (1)")
    assert "== claimwatch notices (1) ==\n- [claimwatch] feed failing: X\n" in body
    assert "Feed X has failed 5 times. Last error: HTTP 500" in body
