"""Shared fixtures: a fresh SQLite or PostgreSQL database per test, and a way to run the CLI.

PostgreSQL tests create their own database on the local server (127.0.0.1:5432, user postgres).
Without a server they skip with the reason — except under CI (CI=true), where a missing server
is a failure, not a skip.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import copy

import orjson

from orderhub.db.common import payload_hash
from orderhub.db.engine import make_async_engine, migrate
from orderhub.db.orders import Ingested
from orderhub.models import Order

PG_ADMIN = os.environ.get("ORDERHUB_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
ROOT = Path(__file__).resolve().parents[1]


def _pg_available() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, connect_timeout=3) as conn:
            conn.execute("select 1")
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "no server here"
        return f"{type(exc).__name__}: {exc}".splitlines()[0]


@pytest.fixture(autouse=True)
def quiet_logs():
    """In-process tests log errors only; tests that look at logs capture them themselves."""
    from orderhub.logging import configure

    configure("console", "error")


@pytest.fixture(scope="session")
def pg_server() -> str:
    problem = _pg_available()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required under CI but not reachable at {PG_ADMIN}: {problem}")
        pytest.skip(f"no PostgreSQL server at {PG_ADMIN}: {problem}")
    return PG_ADMIN


def create_pg_database(admin: str) -> str:
    import psycopg

    name = f"orderhub_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    return f"{base}/{name}"


def drop_pg_database(admin: str, url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_url(pg_server: str):
    url = create_pg_database(pg_server)
    yield url
    drop_pg_database(pg_server, url)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'orderhub.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path: Path) -> str:
    """The same test on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'orderhub.db'}"
    return request.getfixturevalue("pg_url")


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``orderhub`` in a subprocess (DBOS is one per process), returning its output."""
    full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    return subprocess.run([sys.executable, "-m", "orderhub.cli.app", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture(scope="session")
def orderhub():
    """The ``orderhub`` command line in this process, with the plugins' commands: an interpreter
    start per command was most of many CLI tests' time (about 2.5 s a command on a loaded
    machine). Only for commands that do not start the durable engine: ``sync``, ``run`` and
    ``demo`` go through ``cli`` (a subprocess; DBOS is one per process)."""
    from types import SimpleNamespace

    from typer.testing import CliRunner

    from orderhub.cli.app import app
    from orderhub.plugin_manager import PluginManager

    if not any(c.name == "report" for c in app.registered_commands):
        PluginManager().hook.register_commands(cli=app)

    def run(*args: str, env: dict[str, str] | None = None, timeout: float | None = None) -> SimpleNamespace:
        assert args and args[0] not in ("sync", "run", "demo", "sandbox"), "the durable engine needs its own process"
        result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200", **(env or {})}, catch_exceptions=False)
        return SimpleNamespace(returncode=result.exit_code, stdout=result.stdout, stderr=result.stderr)

    return run


FIXTURE = Path(__file__).parent / "fixtures" / "canonical_order.json"


@pytest.fixture
async def engine(db_url):
    migrate(db_url)
    eng = make_async_engine(db_url)
    yield eng
    await eng.dispose()


@pytest.fixture
def make_ingested():
    base = orjson.loads(FIXTURE.read_bytes())

    def make(external_id: str = "A-1001", store: str = "shop", **changes) -> Ingested:
        raw = copy.deepcopy(base)
        raw["external_id"] = external_id
        raw.update(changes)
        order = Order.model_validate({**raw, "store": store, "channel": "files"})
        return Ingested(order=order, raw=raw, payload_hash=payload_hash(raw))

    return make


# -- figures: what the reliability suites checked, printed at the end of every run -----------

_FIGURES: list[str] = []


@pytest.fixture
def figures(request):
    """``figures("crash[sqlite]: 20 kills, …")`` adds a line to the run's closing summary, so the
    counts a suite checked are in CI's output even when it passes."""
    def add(line: str) -> None:
        _FIGURES.append(f"{request.node.name}: {line}")
        print(line)
    return add


def pytest_sessionfinish(session):
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # a pytest-xdist worker: hand its figures to the controller
        workeroutput["figures"] = list(_FIGURES)


def pytest_testnodedown(node, error):
    """pytest-xdist's controller: a worker finished; keep the figures it checked."""
    _FIGURES.extend(getattr(node, "workeroutput", {}).get("figures", []))


def pytest_terminal_summary(terminalreporter):
    if _FIGURES:
        terminalreporter.section("reliability figures")
        for line in _FIGURES:
            terminalreporter.write_line(line)


def pytest_collection_modifyitems(items):
    """schemathesis names each operation's test ``test_x[GET /api/v1/orders]`` but, under pytest 9
    (which keeps a structured id where schemathesis still sets the old ``_nodeid``), they all get the
    node id ``test_x``; pytest's progress counts node ids, so the run ended at "92%" with every test
    passed. Give each its own id, the operation in brackets, as pytest does for parametrized tests."""
    for item in items:
        if "[" in item.name and not item.nodeid.endswith("]") and hasattr(item, "_id"):
            item._id = type(item._id).parse(f"{item.nodeid}[{item.name.split('[', 1)[1]}")
