from pathlib import Path

import pytest

from orderhub.config import load_config, parse_config, parse_duration
from orderhub.secrets import resolve_secret
from orderhub.errors import ConfigError


def test_durations():
    assert parse_duration("60s") == 60 and parse_duration("5m") == 300 and parse_duration("250ms") == 0.25
    assert parse_duration(3) == 3.0
    with pytest.raises(ValueError, match="invalid duration"):
        parse_duration("6x")


def test_error_names_the_key():
    with pytest.raises(ConfigError) as exc:
        parse_config({"stores": {"acme": {"connector": "files", "poll_interval": "soon"}}})
    assert "stores.acme.poll_interval" in str(exc.value)
    with pytest.raises(ConfigError, match="database.surprise"):
        parse_config({"database": {"surprise": 1}})
    with pytest.raises(ConfigError, match="stores.acme.connector"):
        parse_config({"stores": {"acme": {}}})


def test_literal_secrets_are_refused_and_references_resolved(monkeypatch, tmp_path):
    with pytest.raises(ConfigError, match="credential 'access_token'"):
        parse_config({"stores": {"a": {"connector": "x", "credentials": {"access_token": "shpat_123"}}}})
    monkeypatch.setenv("TOKEN_X", "s3cret")
    (tmp_path / "tok").write_text("from-file\n")
    assert resolve_secret("env:TOKEN_X", key="k").get_secret_value() == "s3cret"
    assert resolve_secret(f"file:{tmp_path / 'tok'}", key="k").get_secret_value() == "from-file"
    with pytest.raises(ConfigError, match="MISSING_VAR is not set"):
        resolve_secret("env:MISSING_VAR", key="stores.a.credentials.t")
    cfg = parse_config({"stores": {"a": {"connector": "x", "credentials": {"t": "env:TOKEN_X"}}}})
    secrets = cfg.stores["a"].secrets("a")
    assert repr(secrets["t"]) == "SecretStr('**********')"


def test_chain_entries_and_connector_options(tmp_path: Path):
    p = tmp_path / "orderhub.toml"
    p.write_text('[database]\nurl = "sqlite:///data/hub.db"\n[stores.s]\nconnector = "files"\npath = "in"\n'
                 'chain = ["hold_rules", { step = "forward", url = "http://x", on_error = "skip" }]\n')
    cfg = load_config(p)
    chain = cfg.stores["s"].chain
    assert [c.step for c in chain] == ["hold_rules", "forward"]
    assert chain[1].on_error == "skip" and chain[1].options == {"url": "http://x"}
    assert cfg.stores["s"].options == {"path": "in"}
    # relative SQLite paths are anchored at the config file; the DBOS system DB sits beside it
    assert cfg.database.url == f"sqlite:///{tmp_path / 'data' / 'hub.db'}"
    assert cfg.system_database_url() == f"sqlite:///{tmp_path / 'data' / 'hub.dbos.db'}"


def test_missing_and_invalid_files(tmp_path: Path, monkeypatch):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[stores\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad)
    good = tmp_path / "env.toml"
    good.write_text("")
    monkeypatch.setenv("ORDERHUB_CONFIG", str(good))
    assert load_config().stores == {}


def test_example_config_is_valid(monkeypatch):
    """config/example.toml stays in step with the code."""
    from orderhub.hub import Hub

    monkeypatch.setenv("ERP_TOKEN", "x")
    cfg = load_config(Path(__file__).parents[1] / "config" / "example.toml")
    hub = Hub(cfg)
    assert [str(p) for p in hub.check() if "does not exist" not in str(p)] == []
    assert [link.entry.step for link in hub.chain("web-shop")] == ["hold_rules", "forward"]
