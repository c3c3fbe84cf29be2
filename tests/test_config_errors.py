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


def _check(cli, tmp_path, text: str):
    cfg = tmp_path / "orderhub.toml"
    cfg.write_text(text)
    res = cli("check", "-c", str(cfg))
    assert "Traceback" not in res.stdout + res.stderr
    return res


def test_a_typo_is_named_with_the_key_it_probably_meant(tmp_path, cli):
    res = _check(cli, tmp_path, '[stores.s]\nconector = "files"\npath = "."\n[runtime]\nbatchsize = 3\n')
    assert res.returncode == 2
    lines = res.stderr.splitlines()
    assert "✗ stores.s.connector: missing (is 'conector' a typo of it?)" in lines, res.stderr
    assert "✗ runtime.batchsize: unknown key (did you mean 'batch_size'?)" in lines, res.stderr


def test_a_bad_value_is_shown_and_every_problem_has_its_own_line(tmp_path, cli):
    res = _check(cli, tmp_path, '[stores.s]\nconnector = "files"\npth = "."\n'
                 'chain = [{ step = "hold_rules", max_total = "four hundred" }]\n[runtime]\nbatch_size = "lots"\n')
    assert res.returncode == 2
    lines = res.stderr.splitlines()
    assert any(line.startswith("✗ runtime.batch_size:") and "(got 'lots')" in line for line in lines), lines
    res = _check(cli, tmp_path, '[stores.s]\nconnector = "files"\npth = "."\n'
                 'chain = [{ step = "hold_rules", max_total = "four hundred" }]\n')
    lines = res.stderr.splitlines()
    assert "✗ stores.s.pth: unknown key (did you mean 'path'?)" in lines, lines
    assert "✗ stores.s.path: missing (is 'pth' a typo of it?)" in lines, lines
    assert all(line.startswith("✗ ") for line in lines), lines  # one style: one ✗ line per problem
    res = _check(cli, tmp_path, '[stores.s]\nconnector = "files"\npath = "."\n'
                 'chain = [{ step = "hold_rules", max_total = "four hundred" }]\n')
    assert any("stores.s.chain[0].max_total" in line and "(got 'four hundred')" in line
               for line in res.stderr.splitlines()), res.stderr


def test_check_resolves_every_secret_reference_and_path_without_printing_secrets(tmp_path, cli, monkeypatch):
    """The first-hour report: ``check`` said OK with a step's ``env:`` token unset and a files
    folder that did not exist; both failed later. Now every reference anywhere is resolved."""
    monkeypatch.setenv("CFG_TOKEN", "t0ken-value")
    monkeypatch.delenv("ERP_TOKEN_UNSET", raising=False)
    monkeypatch.delenv("HOOK_TOKEN_UNSET", raising=False)
    (tmp_path / "afile").write_text("not a folder")
    res = _check(cli, tmp_path, f"""\
[stores.s]
connector = "files"
path = "no-such-inbox"
outbox = "afile/out"
credentials = {{ token = "file:{tmp_path}/missing-secret", other = "env:CFG_TOKEN" }}
chain = [{{ step = "forward", url = "http://127.0.0.1:9/x", bearer_token = "env:ERP_TOKEN_UNSET" }}]
[plugins.notify.webhook]
url = "http://127.0.0.1:9/hook"
bearer_token = "env:HOOK_TOKEN_UNSET"
""")
    assert res.returncode == 2
    out = res.stderr
    assert "stores.s.chain[0].bearer_token: environment variable ERP_TOKEN_UNSET is not set" in out, out
    assert "plugins.notify.webhook.bearer_token: environment variable HOOK_TOKEN_UNSET is not set" in out, out
    assert f"stores.s.credentials.token: cannot read secret file {tmp_path}/missing-secret" in out, out
    assert f"stores.s.path: {tmp_path}/no-such-inbox does not exist" in out, out
    assert f"stores.s.outbox: {tmp_path}/afile is not a folder" in out, out
    assert "t0ken-value" not in res.stdout + out
    assert len(out.splitlines()) == 5, out  # each problem once
