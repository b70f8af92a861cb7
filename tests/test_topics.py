"""Which sentences touch a watched topic (claimwatch.topics), with the shipped topics."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from claimwatch.config import TopicConfig
from claimwatch.topics import Topic, compile_topics, folded_tokens

CONFIG = Path(__file__).resolve().parents[1] / "config" / "claimwatch.toml"


@pytest.fixture(scope="module")
def znpp() -> Topic:
    raw = tomllib.loads(CONFIG.read_text("utf-8"))
    configs = [TopicConfig.model_validate(t) for t in raw["topics"]]
    return next(t for t in compile_topics(configs) if t.id == "zaporizhzhia-npp")


@pytest.mark.parametrize(
    "sentence",
    [
        "The Zaporizhzhia nuclear power plant lost off-site power.",
        "Shelling hit the Zaporozhye NPP overnight.",
        "The ZNPP is in cold shutdown.",
        "Drones struck Enerhodar, the town that serves the plant.",
        "Energodar was shelled again.",
        "Запорізька АЕС втратила зовнішнє живлення.",
        "Запорожская АЭС полностью обесточена.",
        "Zaporizhzhya atomic station staff were detained.",
    ],
)
def test_plant_under_all_names(znpp: Topic, sentence: str) -> None:
    """The plant is recognised under every name and script."""
    assert znpp.names(folded_tokens(sentence))


@pytest.mark.parametrize(
    "sentence",
    [
        "A missile hit apartment blocks in Zaporizhzhia city.",
        "A substation strike left Zaporizhzhia region homes without power.",
        "Zaporizhstal steel output rose 8%.",
        "Metalurh Zaporizhzhia won 2-1.",
        "Drones were shot down near the Khmelnytskyi nuclear plant.",
        "The first unit of the Kursk II nuclear plant was connected to the grid.",
    ],
)
def test_city_region_and_other_plants_are_not_the_plant(znpp: Topic, sentence: str) -> None:
    """The city, the region, its steelworks and club, and other plants do not name it."""
    assert not znpp.names(folded_tokens(sentence))


def test_context_terms_count_only_in_an_article_about_the_plant(znpp: Topic) -> None:
    """'The plant' touches the topic only once the article has named the plant."""
    tokens = folded_tokens("The plant's cooling pond fell to 14 metres.")
    assert znpp.hit(tokens, (), article_names_topic=True) is not None
    assert znpp.hit(tokens, (), article_names_topic=False) is None


def test_excluded_plant_is_not_reached_through_context(znpp: Topic) -> None:
    """A sentence about another plant does not touch the topic through 'reactor' alone."""
    tokens = folded_tokens("A reactor at the Kursk plant was restarted.")
    assert znpp.hit(tokens, (), article_names_topic=True) is None
