"""The README's worked connector is complete and passes the conformance kit (issue #14): its code
blocks (``# myshop/…`` and ``# tests/test_conformance.py``) are written out as a package of their
own, installed through the ``orderhub`` entry point, and the kit is run on it from outside the repo
against ``orderhub.testing.restshop.RestShop``, with no pytest settings."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
pytestmark = pytest.mark.slow


def blocks() -> dict[str, str]:
    found = {}
    for code in re.findall(r"```python\n(.*?)```", README.read_text(), re.S):
        first = code.splitlines()[0]
        if first.startswith("# myshop/") or first == "# tests/test_conformance.py":
            found[first[2:]] = code
    return found


def test_the_readme_connector_is_under_150_lines_and_passes_the_kit(tmp_path):
    files = blocks()
    assert set(files) == {"myshop/__init__.py", "myshop/client.py", "tests/test_conformance.py"}, files.keys()
    assert sum(len(files[f].splitlines()) for f in files if f.startswith("myshop/")) < 150
    pkg = tmp_path / "myshop-pkg"
    for name, code in files.items():
        (pkg / name).parent.mkdir(parents=True, exist_ok=True)
        (pkg / name).write_text(code)
    (pkg / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n'
        '[project]\nname = "orderhub-myshop"\nversion = "0.1.0"\n'
        '[project.entry-points.orderhub]\nmyshop = "myshop"\n[tool.setuptools]\npackages = ["myshop"]\n')
    (pkg / "pytest.ini").write_text("[pytest]\n")
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(site), str(pkg)], check=True, capture_output=True)
    env = {**__import__("os").environ, "PYTHONPATH": str(site)}
    res = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], cwd=pkg,
                         env=env, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]
    assert "6 passed" in res.stdout, res.stdout[-1500:]
