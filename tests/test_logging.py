import json

import structlog
from pydantic import SecretStr

from orderhub.logging import configure, get_logger, remember_secrets


def test_secrets_are_redacted_by_key_by_value_and_by_type(capsys):
    configure("json", "info")
    remember_secrets([SecretStr("shpat_live_abcdef")])
    get_logger(store="acme").info("calling", access_token="shpat_live_abcdef", url="https://x?token=shpat_live_abcdef",
                                   headers={"Authorization": "Bearer zzz", "Accept": "json"}, secret=SecretStr("q"))
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["store"] == "acme" and line["event"] == "calling"
    assert line["access_token"] == "***" and line["url"] == "https://x?token=***"
    assert line["headers"] == {"Authorization": "***", "Accept": "json"} and line["secret"] == "***"
    structlog.reset_defaults()
