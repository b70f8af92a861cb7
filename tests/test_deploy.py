"""Deployment files agree with the program: the variables compose sets are the ones the
config honours, and those variables are validated like the file's own values."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from claimwatch.config import ENVIRONMENT, load_settings
from claimwatch.errors import ConfigError
from tests.conftest import ROOT, write_config


def test_environment_overrides_database_and_web_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CLAIMWATCH_DATABASE_URL, _WEB_LISTEN and _WEB_TOKEN replace the file's values."""
    config = write_config(tmp_path / "claimwatch.toml")
    monkeypatch.setenv("CLAIMWATCH_DATABASE_URL", "postgresql+psycopg://cw@db/cw")
    monkeypatch.setenv("CLAIMWATCH_WEB_LISTEN", "0.0.0.0:8080")
    monkeypatch.setenv("CLAIMWATCH_WEB_TOKEN", "t" * 24)
    settings = load_settings(config)
    assert settings.database_url == "postgresql+psycopg://cw@db/cw"
    assert (settings.web.listen, settings.web.token) == ("0.0.0.0:8080", "t" * 24)


def test_environment_values_are_validated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Listening on all interfaces from the environment without a token is refused."""
    config = write_config(tmp_path / "claimwatch.toml")
    monkeypatch.setenv("CLAIMWATCH_WEB_LISTEN", "0.0.0.0:8080")
    with pytest.raises(ConfigError, match=r"needs web\.token"):
        load_settings(config)


def test_compose_sets_only_variables_the_config_reads() -> None:
    """deploy/compose.yaml gives the daemon its database, listen address and token through
    variables the config honours, publishes only loopback, and waits for a healthy database."""
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text("utf-8"))
    service = compose["services"]["claimwatch"]
    names = set(service["environment"])
    assert names == set(ENVIRONMENT)
    assert service["environment"]["CLAIMWATCH_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert all(p.startswith("127.0.0.1:") for p in service["ports"])
    assert service["depends_on"]["db"]["condition"] == "service_healthy"
    assert "healthcheck" in compose["services"]["db"]
