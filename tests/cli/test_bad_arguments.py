"""The CLI never shows a traceback for bad input (issue #13): hypothesis drives the commands with
wrong paths, ids, filters and values; every answer is exit 0, 1 or 2 with a message, in-process so
that a few hundred invocations take seconds."""

import traceback

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from orderhub.cli.app import app

pytestmark = pytest.mark.slow

junk = st.one_of(st.text(min_size=0, max_size=12), st.sampled_from(["-1", "0", "99999999999999999999", "nan", "",
                                                                    "shop:", ":", "%", "'; drop table orders;--",
                                                                    "2026-13-45", "ünïcødé", "\x00x"]))
paths = st.sampled_from(["/nonexistent/file.csv", "/tmp", "/bin/ls", "/dev/null", "", "."])
numbers = st.one_of(st.integers(min_value=-10**12, max_value=10**12).map(str), junk)


@st.composite
def command(draw):
    j, p, n = draw(junk), draw(paths), draw(numbers)
    return draw(st.sampled_from([
        ["orders", "list", "--status", j], ["orders", "list", "--store", j], ["orders", "list", "--limit", n],
        ["orders", "list", "--offset", n], ["orders", "list", "--since", j], ["orders", "list", "--customer", j],
        ["orders", "show", j], ["review", "list", "--reason", j, "--limit", n],
        ["review", "approve", j, "--operator", "o"], ["review", "reject", j, "--operator", "o"],
        ["review", "approve", "--code", j, "--operator", "o", "--store", j],
        ["quarantine", "replay", j], ["quarantine", "drop", j, "--operator", "o", "--reason", "r"],
        ["inventory", "set", j, n], ["inventory", "set", "SKU", n, "--location", j],
        ["inventory", "adjust", j, n, "--reason", "r"], ["inventory", "import", p], ["catalog", "import", p],
        ["stores", "pause", j], ["stores", "resume", j], ["pushes", "retry", n], ["pushes", "list", "--status", j],
        ["rates", j], ["track", j, "--carrier", j], ["sync", "--once", "--store", j], ["status", "--json"],
        ["check", "-c", p], ["doctor", "-c", p], ["orders", "list", "-c", p], ["schema", j],
        ["run", "--for", "soon", "--port", n], ["quarantine", "list", "--status", j, "--store", j, "--limit", n],
        ["pushes", "list", "--status", j, "--store", j, "--limit", n], ["quarantine", "show", n],
        ["inventory", "list", "--sku", j, "--location", j], ["review", "list", "--since", j, "--until", j],
    ]))


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    base = tmp_path_factory.mktemp("badargs")
    (base / "inbox").mkdir()
    cfg = base / "orderhub.toml"
    cfg.write_text(f'[database]\nurl = "sqlite:///{base}/hub.db"\n[logging]\nlevel = "error"\n'
                   '[stores.shop]\nconnector = "files"\npath = "inbox"\nchain = ["validate"]\n')
    return cfg


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(argv=command())
def test_bad_arguments_get_a_message_and_an_exit_code_never_a_traceback(config, argv, monkeypatch):
    monkeypatch.setenv("ORDERHUB_CONFIG", str(config))
    result = CliRunner().invoke(app, argv, catch_exceptions=True)
    exc = result.exception
    if exc is not None and not isinstance(exc, SystemExit):
        detail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        pytest.fail(f"orderhub {' '.join(map(repr, argv))} raised:\n{detail}")
    assert result.exit_code in (0, 1, 2), (argv, result.exit_code, result.output)
    assert "Traceback" not in result.output
    if result.exit_code:
        assert result.output.strip(), f"orderhub {argv} failed without a word"
