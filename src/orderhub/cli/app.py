"""``orderhub``: the command line. Exit codes: 0 success, 1 failure, 2 bad usage or config."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from orderhub import __version__
from orderhub.cli import drill_cmd, inventory_cmd, logistics_cmd, orders_cmd, run_cmd, quarantine_cmd, review_cmd, sandbox_cmd, stores_cmd, sync_cmd
from orderhub.cli import context
from orderhub.cli.context import ConfigOpt, LogLevel, JsonOpt, config_problems, fail, load_hub, run_with_hub
from orderhub.cli.output import console, emit, print_json

HELP = """orderhub: pull orders from many stores into one canonical shape, run each store's chain, push
the results back durably.

Start with `orderhub init` and `orderhub check`; `orderhub demo` runs the whole job on sandbox shops.
Exit codes: 0 success, 1 failure, 2 bad usage or config."""

app = typer.Typer(name="orderhub", help=HELP, rich_markup_mode="markdown", no_args_is_help=True, add_completion=True,
                  pretty_exceptions_enable=False)
app.add_typer(orders_cmd.app, name="orders")
app.add_typer(review_cmd.app, name="review")
app.add_typer(quarantine_cmd.app, name="quarantine")
app.add_typer(stores_cmd.stores, name="stores")
app.add_typer(inventory_cmd.catalog, name="catalog")
app.add_typer(inventory_cmd.inventory, name="inventory")
app.add_typer(stores_cmd.pushes, name="pushes")
app.add_typer(logistics_cmd.carriers, name="carriers")
app.command("sync")(sync_cmd.sync)
app.command("run")(run_cmd.run)
app.command("status")(run_cmd.status)
app.command("demo")(sync_cmd.demo)
app.command("drill")(drill_cmd.drill)
app.command("sandbox")(sandbox_cmd.sandbox)
app.command("rates")(logistics_cmd.rates)
app.command("track")(logistics_cmd.track)

STARTER = """\
# orderhub configuration. Secrets are never written here: use "env:NAME" or "file:PATH".
[database]
url = "sqlite:///orderhub.db"          # or "postgresql+psycopg://user@host/db"

[runtime]
executor_id = "worker-1"              # stable per worker: recovery after a crash depends on it

[logging]
format = "console"                    # or "json"
level = "info"

[stores.{store}]
connector = "files"
path = "{inbox}"                      # drop *.json (canonical orders) or *.csv exports here
outbox = "{outbox}"                   # cancellations and fulfilments are written here
poll_interval = "60s"
chain = ["hold_rules"]

[stores.{store}.hold_rules]
"""


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the config.")] = Path("orderhub.toml"),
    store: Annotated[str, typer.Option(help="Name of the first store.")] = "my-shop",
    force: Annotated[bool, typer.Option("--force", metavar="", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a starter config with one files store, and create its folders."""
    if path.exists() and not force:
        fail(f"{path} exists (use --force to overwrite)", 2)
    base = path.parent
    (base / "inbox").mkdir(parents=True, exist_ok=True)
    (base / "outbox").mkdir(parents=True, exist_ok=True)
    text = STARTER.format(store=store, inbox="inbox", outbox="outbox").replace("\n[stores.{}.hold_rules]\n".format(store), "\n")
    path.write_text(text)
    console.print(f"wrote {path}; drop order files into {base / 'inbox'} and run [bold]orderhub sync --once[/bold]")


@app.command()
def check(config: ConfigOpt = None) -> None:
    """Validate the config: keys, secrets, connectors and chain steps. Exit 2 naming the key when wrong."""
    hub = load_hub(config)
    cfg = hub.config
    problems = hub.check()
    if problems:
        config_problems(problems)
    console.print(f"[green]✓[/green] config OK: {len(cfg.stores)} store(s): {', '.join(cfg.stores) or 'none'}")


@app.command()
def plugins(as_json: JsonOpt = False) -> None:
    """List installed plugins with their version and hooks, and any that failed to load."""
    from orderhub.plugin_manager import PluginManager

    pm = PluginManager()
    rows = [{"name": p.name, "version": p.version, "module": p.module, "hooks": p.hooks, "error": None}
            for p in pm.plugins()]
    rows += [{"name": e.name, "version": None, "module": e.value, "hooks": [], "error": e.error}
             for e in pm.load_errors]
    if as_json:
        print_json({"plugins": rows, "connectors": sorted(pm.registry.connectors),
                    "steps": sorted(pm.registry.steps), "carriers": sorted(pm.registry.carriers),
                    "conflicts": pm.registry.conflicts})
        return
    emit(rows, ["name", "version", "module", "hooks", "error"], as_json=False, title="plugins")
    console.print(f"connectors: {', '.join(sorted(pm.registry.connectors)) or '-'}   "
                  f"steps: {', '.join(sorted(pm.registry.steps)) or '-'}   "
                  f"carriers: {', '.join(sorted(pm.registry.carriers)) or '-'}")
    for c in pm.registry.conflicts:
        console.print(f"[red]conflict:[/red] {c}")
    if pm.load_errors:
        raise typer.Exit(1)


@app.command()
def schema(name: Annotated[str, typer.Argument(help="Which model: order.")] = "order") -> None:
    """Print the JSON Schema of a canonical model, for integrators."""
    from orderhub.models import order_json_schema

    if name != "order":
        fail(f"unknown schema {name!r}; available: order", 2)
    print_json(order_json_schema())


@app.command()
def doctor(config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
    """Check the stored state's invariants (stock, reviews, chain, quarantine); exit 1 if any fails."""
    from orderhub.db import doctor as checks

    async def go(hub):
        async with hub.engine.connect() as conn:
            return await checks.check(conn)
    found = run_with_hub(config, go)
    if as_json:
        print_json(found)
    elif found:
        emit(found, ["check", "subject", "detail"], as_json=False, title="doctor: invariants that do not hold")
    else:
        console.print("doctor: every invariant holds")
    if found:
        raise typer.Exit(1)


@app.command()
def version() -> None:
    """Print orderhub's version."""
    console.print(__version__)


def _print_version(value: bool) -> None:
    if value:
        console.print(__version__)
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[bool, typer.Option("--version", metavar="", help="Print the version and exit.", is_eager=True,
                                          callback=_print_version)] = False,
    log_level: Annotated[LogLevel | None, typer.Option(
        "--log-level", metavar="LEVEL", help="Override the config's [logging] level for this command.")] = None,
) -> None:
    if log_level is not None:
        context.LOG_LEVEL = log_level.value


def _needs_plugins(argv: list[str]) -> bool:
    """Plugin commands are only needed when the command is not a built-in one (or for the top-level
    help, which lists them): loading every plugin costs more than the rest of the start-up."""
    builtin = {c.name or c.callback.__name__ for c in app.registered_commands} | {g.name for g in app.registered_groups}
    rest = iter(argv)
    for word in rest:
        if word == "--log-level":
            next(rest, None)  # its value
        elif word == "--version":
            return False
        elif not word.startswith("-"):
            return word not in builtin
    return True


def main() -> None:
    if _needs_plugins(sys.argv[1:]):
        from orderhub.plugin_manager import PluginManager

        PluginManager().hook.register_commands(cli=app)
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
