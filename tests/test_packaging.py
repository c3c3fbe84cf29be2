"""Both an editable install and a built wheel load the built-ins through the entry points, and the
wheel installs them under unambiguous names (never a bare top-level `connectors` or `plugins`)."""

import json
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

import orderhub_connectors

ROOT = Path(__file__).parents[1]


def test_package_list_covers_every_package_folder():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = set()
    for top, name in (("src/orderhub", "orderhub"), ("connectors", "orderhub_connectors"), ("plugins", "orderhub_plugins")):
        for init in (ROOT / top).rglob("__init__.py"):
            if "fixtures" in init.parts:
                continue
            rel = init.parent.relative_to(ROOT / top)
            found.add(".".join((name, *rel.parts)))
    assert found == listed


def test_editable_install_loads_builtins_from_the_checkout():
    assert Path(orderhub_connectors.__file__).parent == ROOT / "connectors"


@pytest.mark.slow
def test_built_wheel_installs_and_loads_builtins(tmp_path):
    # built from a copy: setuptools leaves build/lib in the source tree, and a stale one there (a
    # module since moved) would be packed into the wheel beside its new place
    import shutil

    src = tmp_path / "src-copy"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(".venv", ".git", "build", "dist", "*.egg-info",
                                                             "__pycache__", "demo", "tests", "bench"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(tmp_path / "dist"), str(src)], check=True, capture_output=True)
    (wheel,) = (tmp_path / "dist").glob("orderhub-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names}
    assert {"orderhub", "orderhub_connectors", "orderhub_plugins"} <= tops
    assert not tops & {"connectors", "plugins", "tests"}
    assert "orderhub/db/migrations/versions/0001_initial_schema.py" in names

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    py = venv / "bin" / "python"
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(site)  # a wheel install is an unzip into site-packages
    # the dependencies come from this test run's environment, appended after the wheel's files
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    code = ("import json, orderhub_connectors, orderhub_plugins; from orderhub.plugin_manager import PluginManager; "
            "pm = PluginManager(); print(json.dumps({'where': orderhub_connectors.__file__, "
            "'connectors': sorted(pm.registry.connectors), 'steps': sorted(pm.registry.steps), "
            "'errors': [e.error for e in pm.load_errors]}))")
    out = json.loads(subprocess.run([str(py), "-c", code], check=True, capture_output=True, text=True,
                                    cwd=tmp_path).stdout)
    assert out["where"].startswith(str(site))
    assert "files" in out["connectors"] and {"forward", "hold_rules"} <= set(out["steps"])
    assert out["errors"] == []
