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


def test_builtins_import_only_the_public_extension_api():
    """A built-in connector or plugin can do nothing a third party's cannot: from orderhub it
    imports ``orderhub`` (``hookimpl``) and ``orderhub.extend``, nothing deeper; an emulator
    (``emulator.py``) builds on the emulator kit, ``orderhub.sandbox``."""
    import ast

    wrong = []
    for folder in ("connectors", "plugins"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                modules = ([node.module] if isinstance(node, ast.ImportFrom) and node.module and node.level == 0
                           else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
                allowed = ("orderhub", "orderhub.extend") + (("orderhub.sandbox",) if path.name == "emulator.py" else ())
                for m in modules:
                    if m.split(".")[0] == "orderhub" and not any(m == a or m.startswith(a + ".") and
                                                                 a == "orderhub.sandbox" for a in allowed):
                        wrong.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {m}")
    assert wrong == []


def test_the_public_api_is_sorted_complete_and_importable():
    import orderhub
    import orderhub.extend as extend

    assert extend.__all__ == sorted(extend.__all__)
    assert len(set(extend.__all__)) == len(extend.__all__)
    for name in extend.__all__:
        assert getattr(extend, name) is not None, name
    assert set(orderhub.__all__) <= set(extend.__all__)  # the package's own exports are part of it
    public = {n for n, v in vars(extend).items() if not n.startswith("_") and not isinstance(v, type(extend))}
    assert public - {"annotations"} == set(extend.__all__)  # nothing imported there that is not exported


def test_every_http_connector_has_the_same_shape():
    """Marketplace or carrier, an HTTP connector is the same rooms (issue #14): settings, client (its
    only HTTP), pure mapping, errors, units, its emulator, documented payloads in ``fixtures/``, and
    mapping tests under ``tests/connectors/<name>/`` that read those payloads."""
    rooms = {"__init__.py", "settings.py", "client.py", "mapping.py", "errors.py", "units.py", "emulator.py"}
    missing = []
    for folder in sorted(p for p in (ROOT / "connectors").iterdir() if (p / "client.py").exists()):
        if folder.name == "files":  # reads local files: no HTTP, no emulator, no vendor errors
            continue
        lacking = sorted(rooms - {p.name for p in folder.glob("*.py")})
        fixtures = sorted((folder / "fixtures").glob("*")) if (folder / "fixtures").is_dir() else []
        test = ROOT / "tests" / "connectors" / folder.name / "test_mapping.py"
        if lacking or not fixtures or not test.exists() or "fixtures" not in test.read_text():
            missing.append((folder.name, lacking, len(fixtures), test.exists()))
    assert missing == []
