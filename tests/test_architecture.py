"""The layers hold (issue #14): import-linter's contracts in pyproject.toml — the core never imports
a built-in connector or plugin, built-ins never import one another, connectors and plugins stay off
the runtime and the operator's surfaces, and the core's modules import each other without cycles."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    res = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]
    assert "0 broken" in res.stdout
