"""Configuration is validated once; every problem names its key (and line)."""

from __future__ import annotations

import pytest

from claimwatch.config import load_settings, parse_settings
from claimwatch.errors import ConfigError
from tests.conftest import ROOT


def problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_settings(text, source="test.toml")
    return info.value.problems


def test_shipped_config_is_valid_and_watches_the_two_topics() -> None:
    """The config in the repository loads and ships the two documented topic ids."""
    settings = load_settings(ROOT / "config" / "claimwatch.toml")
    assert [t.id for t in settings.topics] == ["zaporizhzhia-npp", "territorial-claims"]
    assert settings.fetch.allow_private_addresses is False
    assert settings.database_url.startswith("sqlite:///")


def test_typo_and_bad_value_name_key_and_line() -> None:
    """An unknown key and a bad duration are both reported, each with its line."""
    found = problems('[polling]\ndefault_intervall = "5m"\nmax_backoff = "soon"\n')
    assert "polling.default_intervall (line 2): unknown key (typo?)" in found
    assert any(p.startswith("polling.max_backoff (line 3):") for p in found)


def test_feed_problems_name_the_feed_table() -> None:
    """A feed URL with credentials or a non-http scheme is refused at its [[feeds]] entry."""
    found = problems('[[feeds]]\nurl = "https://a.example/rss"\n'
                     '[[feeds]]\nurl = "https://user:pw@b.example/rss"\n'
                     '[[feeds]]\nurl = "file:///etc/passwd"\n')
    assert any(p.startswith("feeds[1].url (line 4):") and "credentials" in p for p in found)
    assert any(p.startswith("feeds[2].url (line 6):") for p in found)


def test_notifier_topics_must_exist() -> None:
    """A notifier restricted to a topic id that is not configured is an error."""
    found = problems('[[topics]]\nid = "a"\nname = "A"\nterms = ["x"]\n'
                     '[[notifiers]]\nurl = "json://127.0.0.1/"\ntopics = ["b"]\n')
    assert any("unknown topic id 'b'" in p for p in found)


def test_durations_accept_units() -> None:
    """Durations take seconds or a unit."""
    settings = parse_settings('[service]\ntick = "90s"\n[polling]\ndefault_interval = "2h"\n')
    assert settings.service.tick == 90
    assert settings.polling.default_interval == 7200
