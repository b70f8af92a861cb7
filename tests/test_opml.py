"""OPML: `feeds export` writes the configured feeds, `feeds import` adds an OPML file's feeds
to the config file keeping its comments, and the two round-trip."""

from __future__ import annotations

import shutil
from pathlib import Path

from claimwatch.config import load_settings
from tests.conftest import ROOT, write_config
from tests.test_end_to_end import claimwatch

READER_OPML = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head><title>My reader</title></head>
  <body>
    <outline text="War" title="War">
      <outline type="rss" text="Kyiv wire &amp; more" xmlUrl="https://kyiv.example/rss.xml"
               htmlUrl="https://kyiv.example/"/>
      <outline type="rss" xmlUrl="https://untitled.example/feed"/>
    </outline>
    <outline type="rss" text="Old FTP" xmlUrl="ftp://files.example/feed.xml"/>
    <outline type="rss" text="With login" xmlUrl="https://user:pw@private.example/feed"/>
    <outline type="rss" text="Twice" xmlUrl="https://kyiv.example/rss.xml"/>
  </body>
</opml>
"""


def test_export_then_import_round_trips_and_keeps_comments(tmp_path: Path) -> None:
    """Feeds exported from one config and imported into the shipped config (comments and
    all) are added once with their names; every original line stays; exporting the result
    lists both sets; importing again changes nothing."""
    source = write_config(tmp_path / "a.toml", feeds=["https://one.example/feed.xml",
                                                      "https://www.iaea.org/feeds/press-releases"])
    source.write_text(source.read_text().replace(
        'url = "https://one.example/feed.xml"',
        'url = "https://one.example/feed.xml"\nname = "One \\"quoted\\" wire — ü"'))
    opml = tmp_path / "feeds.opml"
    exported = claimwatch(source, "feeds", "export", str(opml))
    assert exported.returncode == 0, exported.stderr

    target = tmp_path / "claimwatch.toml"
    shutil.copy(ROOT / "config" / "claimwatch.toml", target)
    before = target.read_text("utf-8")
    imported = claimwatch(target, "feeds", "import", str(opml))
    assert imported.returncode == 0, imported.stderr
    assert "added 1 feed(s)" in imported.stdout and "1 already configured" in imported.stdout
    after = target.read_text("utf-8")
    assert is_subsequence(before.splitlines(), after.splitlines())
    # The new feed sits with the feeds, before the topics.
    assert after.index("https://one.example/feed.xml") < after.index("[[topics]]")

    settings = load_settings(target)
    shipped = load_settings(ROOT / "config" / "claimwatch.toml")
    assert [f.url for f in settings.feeds] == [f.url for f in shipped.feeds] + [
        "https://one.example/feed.xml"]
    assert settings.feeds[-1].name == 'One "quoted" wire — ü'
    assert settings.topics == shipped.topics

    again = claimwatch(target, "feeds", "export")
    assert again.returncode == 0
    for feed in settings.feeds:
        assert feed.url.encode() in again.stdout.encode()
    second = claimwatch(target, "feeds", "import", str(opml))
    assert "added 0 feed(s)" in second.stdout
    assert target.read_text("utf-8") == after


def test_import_takes_nested_outlines_and_skips_bad_urls_with_one_line_each(
    tmp_path: Path,
) -> None:
    """A feed reader's OPML with categories: its feed is added once; an FTP URL and a URL
    with credentials are each skipped with a line naming them."""
    config = write_config(tmp_path / "claimwatch.toml")
    opml = tmp_path / "reader.opml"
    opml.write_bytes(READER_OPML)
    result = claimwatch(config, "feeds", "import", str(opml))
    assert result.returncode == 0, result.stderr
    settings = load_settings(config)
    assert [(f.url, f.name) for f in settings.feeds] == [
        ("https://kyiv.example/rss.xml", "Kyiv wire & more"),
        ("https://untitled.example/feed", ""),
    ]
    assert "'Old FTP' skipped" in result.stderr and "'With login' skipped" in result.stderr
    assert "pw@" not in result.stdout


def test_import_of_a_broken_or_hostile_file_changes_nothing(tmp_path: Path) -> None:
    """An OPML file that is not XML, or that pulls in an external entity, is refused with its
    name; the config is untouched and the entity's file is never read into it."""
    config = write_config(tmp_path / "claimwatch.toml")
    before = config.read_text()
    bad = tmp_path / "bad.opml"
    bad.write_text("<opml><body><outline")
    hostile = tmp_path / "hostile.opml"
    hostile.write_text('<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY s SYSTEM '
                       '"file:///etc/passwd">]><opml><body><outline text="&s;" '
                       'xmlUrl="https://e.example/feed"/></body></opml>')
    for path in (bad, hostile):
        result = claimwatch(config, "feeds", "import", str(path))
        assert result.returncode == 1
        assert f"{path.name}: not valid OPML" in result.stderr
        assert config.read_text() == before
    assert "root:" not in config.read_text()


def is_subsequence(short: list[str], long: list[str]) -> bool:
    it = iter(long)
    return all(line in it for line in short)
