"""Config files that are wrong: every error names the key, through ``orderhub check`` (exit 2).

Wrong types, missing keys and unknown keys at each level of the file: database, runtime, a store,
its connector's options, its chain's step options, its shipping table, a carrier.
"""

import pytest

BASE = """\
[database]
url = "sqlite:///hub.db"
[stores.shop]
connector = "shopify"
base_url = "https://shop.example"
credentials = {{ access_token = "env:CFG_TOKEN", webhook_secret = "env:CFG_TOKEN" }}
{store}
{more}
"""

CASES = [
    # (what is wrong, extra store lines, extra tables, the key the error must name)
    ("unknown top-level key", "", "[databse]\nurl = 'x'", "databse"),
    ("unknown database key", "", "[runtime]\nbatch_sise = 5", "runtime.batch_sise"),
    ("wrong type in runtime", "", "[runtime]\nbatch_size = 'many'", "runtime.batch_size"),
    ("out of range in runtime", "", "[runtime]\nbatch_size = 0", "runtime.batch_size"),
    ("bad duration", 'poll_interval = "soon"', "", "stores.shop.poll_interval"),
    ("wrong type in a store", "page_size = 'big'", "", "stores.shop.page_size"),
    ("unknown connector option", "pagesize = 50", "", "stores.shop.pagesize"),
    ("literal secret", "", "[stores.other]\nconnector = 'shopify'\ncredentials = { access_token = 'shpat_1' }",
     "stores.other.credentials"),
    ("missing connector", "", "[stores.other]\npath = 'in'", "stores.other.connector"),
    ("unknown connector", "", "[stores.other]\nconnector = 'shopfy'", "stores.other.connector"),
    ("unknown chain step", 'chain = ["hold_rules", "valdate"]', "", "valdate"),
    ("wrong step option type", 'chain = [{ step = "forward", url = 5 }]', "", "stores.shop.chain[0].url"),
    ("unknown step option", 'chain = [{ step = "validate", require_fone = true }]', "", "stores.shop.chain[0].require_fone"),
    ("missing step option", 'chain = [{ step = "forward" }]', "", "stores.shop.chain[0].url"),
    ("bad on_error", 'chain = [{ step = "validate", on_error = "explode" }]', "", "on_error"),
    ("wrong shipping type", "", "[stores.shop.shipping]\nmax_parcel_weight_g = 'heavy'",
     "stores.shop.shipping.max_parcel_weight_g"),
    ("unknown shipping key", "", "[stores.shop.shipping]\nmax_parcel_kg = 3", "stores.shop.shipping.max_parcel_kg"),
    ("carrier without connector", "", "[carriers.ups]\nbase_url = 'https://x'", "carriers.ups.connector"),
    ("carrier missing credential", "", "[carriers.ups]\nconnector = 'ups'\nbase_url = 'https://x'",
     "carriers.ups.credentials"),
    ("unset env secret", "", "[stores.other]\nconnector = 'shopify'\nbase_url = 'https://x'\n"
     "credentials = { access_token = 'env:CFG_MISSING_VAR', webhook_secret = 'env:CFG_TOKEN' }", "CFG_MISSING_VAR"),
]


@pytest.mark.parametrize("what, store, more, key", CASES, ids=[c[0] for c in CASES])
def test_a_wrong_config_is_refused_naming_the_key(tmp_path, cli, monkeypatch, what, store, more, key):
    monkeypatch.setenv("CFG_TOKEN", "t0ken-value")
    monkeypatch.delenv("CFG_MISSING_VAR", raising=False)
    cfg = tmp_path / "orderhub.toml"
    cfg.write_text(BASE.format(store=store, more=more))
    res = cli("check", "-c", str(cfg))
    out = res.stdout + res.stderr
    assert res.returncode == 2, f"{what}: {out}"
    assert key in out, f"{what}: the error should name {key!r}: {out}"
    assert "Traceback" not in out
    assert "t0ken-value" not in out  # a secret is never echoed back


def test_the_base_config_is_fine(tmp_path, cli, monkeypatch):
    monkeypatch.setenv("CFG_TOKEN", "t0ken-value")
    cfg = tmp_path / "orderhub.toml"
    cfg.write_text(BASE.format(store="", more=""))
    res = cli("check", "-c", str(cfg))
    assert res.returncode == 0, res.stdout + res.stderr
