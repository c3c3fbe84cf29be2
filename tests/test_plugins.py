"""Third-party plugins arrive through the `orderhub` entry point, exactly like the built-ins."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from orderhub.ops.demo import write_json_orders

FIXTURES = Path(__file__).parent / "fixtures"
pytestmark = pytest.mark.slow


def install(pkg: str, target: Path) -> dict[str, str]:
    """pip-install a fixture package into its own folder; the returned env puts it on the path."""
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(target), str(FIXTURES / pkg)], check=True, capture_output=True)
    return {"PYTHONPATH": os.pathsep.join(filter(None, [str(target), os.environ.get("PYTHONPATH")]))}


def test_installed_plugin_is_listed_and_its_step_runs(tmp_path, cli):
    env = install("example_plugin", tmp_path / "site")
    listed = json.loads(cli("plugins", "--json", env=env).stdout)
    example = [p for p in listed["plugins"] if p["name"] == "example"][0]
    assert (example["version"], example["hooks"], example["error"]) == ("1.2.3", ["register_steps"], None)
    assert "example_approve" in listed["steps"]

    write_json_orders(tmp_path / "inbox", 5)
    cfg = tmp_path / "orderhub.toml"
    cfg.write_text(f'[database]\nurl = "sqlite:///{tmp_path}/hub.db"\n[logging]\nlevel = "warning"\n'
                   '[stores.shop]\nconnector = "files"\npath = "inbox"\nchain = ["example_approve"]\n')
    res = cli("sync", "--once", "--json", "-c", str(cfg), env=env)
    assert res.returncode == 0, res.stderr
    orders = json.loads(cli("orders", "list", "--json", "-c", str(cfg), env=env).stdout)
    assert [o["status"] for o in orders] == ["validated"] * 5
    shown = json.loads(cli("orders", "show", orders[0]["id"], "--json", "-c", str(cfg), env=env).stdout)
    assert shown["events"][-1]["actor"] == "step:example_approve"

    # without the package, the same config names the missing step and its key
    check = cli("check", "-c", str(cfg))
    assert check.returncode == 2 and "stores.shop.chain[0]: unknown step 'example_approve'" in check.stderr


def test_a_plugin_that_fails_to_load_is_reported_not_skipped(tmp_path, cli):
    env = install("broken_plugin", tmp_path / "site")
    res = cli("plugins", env=env)
    assert res.returncode == 1
    assert "broken" in res.stdout and "ModuleNotFoundError" in res.stdout
    listed = json.loads(cli("plugins", "--json", env=env).stdout)
    err = [p for p in listed["plugins"] if p["name"] == "broken"][0]["error"]
    assert err == "ModuleNotFoundError: No module named 'a_module_that_is_not_installed'"


def test_a_misspelled_hookimpl_is_a_load_error_naming_the_plugin_and_the_hook():
    """As pytest's ``check_pending``: a hook no hookspec declares would silently never run."""
    from orderhub import hookimpl
    from orderhub.plugin_manager import PluginManager

    class Typo:
        __name__ = "my_checks"

        @hookimpl
        def register_stepz(self, register):
            pass

    pm = PluginManager(load_entry_points=False, extra=(Typo(),))
    (err,) = pm.load_errors
    assert "@hookimpl register_stepz matches no orderhub hook (did you mean 'register_steps'?)" in err.error
    assert not pm.pm.is_registered(Typo) and "register_steps" in err.detail


def test_plugins_are_disabled_by_name_from_the_environment(tmp_path, cli, monkeypatch):
    from orderhub.plugin_manager import PluginManager

    monkeypatch.setenv("ORDERHUB_DISABLE_PLUGINS", "validate, notify")
    pm = PluginManager()
    assert "validate" not in pm.registry.steps and "hold_rules" in pm.registry.steps
    assert pm.disabled == ["notify", "validate"]
    cfg = tmp_path / "orderhub.toml"
    (tmp_path / "in").mkdir()
    cfg.write_text('[stores.s]\nconnector = "files"\npath = "in"\nchain = ["validate"]\n')
    res = cli("check", "-c", str(cfg), env={"ORDERHUB_DISABLE_PLUGINS": "validate"})
    assert res.returncode == 2 and "unknown step 'validate'" in res.stderr, res.stderr


def test_a_third_party_package_brings_a_connector_emulator_step_table_route_command_and_job(tmp_path, cli):
    """Issue #14's house, used from outside: ``tests/fixtures/notes_plugin`` (built only on
    ``orderhub.extend`` and the emulator kit) installs through the ``orderhub`` entry point, shows in
    ``orderhub plugins``, its emulator is served by the sandbox, its connector pulls from it, its
    step writes to its own table (its own migration), its command reads it, and the daemon runs
    its periodic job."""
    env = install("notes_plugin", tmp_path / "site")
    listed = json.loads(cli("plugins", "--json", env=env).stdout)
    (notes,) = [p for p in listed["plugins"] if p["name"] == "notes"]
    assert notes["version"] == "0.3.0" and notes["error"] is None
    assert set(notes["hooks"]) == {"register_commands", "register_connectors", "register_emulators",
                                   "register_migrations", "register_routes", "register_schedules", "register_steps"}
    assert "tinyshop" in listed["connectors"] and "note" in listed["steps"]

    from orderhub.plugin_manager import PluginManager
    from orderhub.sandbox import Sandbox

    sys.path.insert(0, str(tmp_path / "site"))
    try:
        with Sandbox(shopify=0, woocommerce=0, shops={"tinyshop": 1}, orders=5, carriers=False,
                     plugins=PluginManager()) as sb:
            (table,) = sb.store_configs(tmp_path / "secrets").values()
            cfg = tmp_path / "orderhub.toml"
            cfg.write_text(f'[database]\nurl = "sqlite:///{tmp_path}/hub.db"\n[logging]\nlevel = "warning"\n'
                           f'[server]\nport = 0\n[stores.tiny1]\nconnector = "tinyshop"\n'
                           f'base_url = "{table["base_url"]}"\npoll_interval = "1s"\n'
                           f'credentials = {{ api_key = "{table["credentials"]["api_key"]}" }}\nchain = ["note"]\n')
            res = cli("sync", "--once", "--json", "-c", str(cfg), env=env)
            assert res.returncode == 0, res.stdout + res.stderr
            (row,) = json.loads(res.stdout)
            assert (row["inserted"], row["result"]) == (5, "complete"), row
            counted = cli("notes", "-c", str(cfg), env=env)
            assert counted.returncode == 0 and "'orders': 5" in counted.stdout, counted.stdout + counted.stderr
            ran = cli("run", "--for", "3s", "-c", str(cfg), env=env, timeout=120)
            assert ran.returncode == 0, ran.stderr[-2000:]
            after = cli("notes", "-c", str(cfg), env=env).stdout
            assert "'orders': 5" in after and "'ticks': 0" not in after, after  # the job ticked in the daemon
    finally:
        sys.path.remove(str(tmp_path / "site"))
