"""The ``orderhub`` command line in this process, with the plugins' commands, for the report tests:
an interpreter start per command was most of their time. Commands that run the durable engine
(``sync``) stay in a subprocess (``cli``): DBOS is one per process."""

from types import SimpleNamespace

import pytest
from typer.testing import CliRunner


@pytest.fixture(scope="session")
def orderhub():
    from orderhub.cli.app import app
    from orderhub.plugin_manager import PluginManager

    if not any(c.name == "report" for c in app.registered_commands):
        PluginManager().hook.register_commands(cli=app)

    def run(*args: str, env: dict[str, str] | None = None) -> SimpleNamespace:
        result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200", **(env or {})}, catch_exceptions=False)
        return SimpleNamespace(returncode=result.exit_code, stdout=result.stdout, stderr=result.stderr)

    return run
