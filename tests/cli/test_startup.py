"""``orderhub --help`` and ``version`` start without the machinery the commands need (issue #13:
every command took 2.1–2.4 s because everything was imported up front). The time itself is
measured against ``python -c pass`` by ``bench/cli_startup.py``; here, what is imported."""

import subprocess
import sys

import pytest

HEAVY = ("sqlalchemy", "alembic", "dbos", "httpx", "structlog",  # (typer itself brings pydantic)
         "fastapi", "orderhub.hub",
         "orderhub.db", "orderhub_connectors.files.client", "orderhub_plugins.validate.step")


def imported_by(*argv: str) -> set[str]:
    res = subprocess.run([sys.executable, "-X", "importtime", "-m", "orderhub.cli.app", *argv],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr[-2000:]
    return {line.split("|")[-1].strip() for line in res.stderr.splitlines() if line.startswith("import time:")}


@pytest.mark.parametrize("argv", [["--help"], ["version"], ["--version"], ["review", "approve", "--help"],
                                  ["orders", "list", "--help"]], ids=" ".join)
def test_help_and_version_import_none_of_the_machinery(argv):
    modules = imported_by(*argv)
    loaded = sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))
    assert loaded == [], f"orderhub {' '.join(argv)} imports {loaded[:8]}"


def test_the_top_level_help_still_lists_plugin_commands_and_says_what_it_is():
    res = subprocess.run([sys.executable, "-m", "orderhub.cli.app", "--help"], capture_output=True, text=True,
                         timeout=60)
    assert res.returncode == 0
    assert "``" not in res.stdout  # no raw reStructuredText in the help
    assert "review" in res.stdout and "--version" in res.stdout and "--log-level" in res.stdout
