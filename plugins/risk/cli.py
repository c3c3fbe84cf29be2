"""``orderhub risk``: mark outcomes, tune the weights, and measure the scores on a labelled set."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from orderhub import ConfigOpt, JsonOpt  # light: ``orderhub --help`` builds these commands

Threshold = Annotated[int, typer.Option(min=0, max=100)]


def _print(value: Any) -> None:
    import orjson

    typer.echo(orjson.dumps(value, option=orjson.OPT_INDENT_2, default=str).decode())


def _figures(name: str, f: dict[str, Any]) -> str:
    return (f"{name:<7} held {f['held']:>5}  fraud held {f['fraud_held']:>4}  good held {f['good_held']:>4}  "
            f"precision {f['precision'] if f['precision'] is not None else '-'}  "
            f"recall {f['recall'] if f['recall'] is not None else '-'}")


def register(cli: Any) -> None:
    app = typer.Typer(help="Risk: outcomes of scored orders, tuning the signals' weights, measuring the scores.",
                      no_args_is_help=True)
    cli.add_typer(app, name="risk")

    @app.command()
    def mark(ref: Annotated[str, typer.Argument(help="Order id, store:external_id, external id or number.")],
             outcome: Annotated[str, typer.Option(help="fraud, chargeback or legit.")],
             note: Annotated[str | None, typer.Option(help="Why (kept with the outcome).")] = None,
             operator: Annotated[str, typer.Option(help="Who says so.")] = "cli",
             config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
        """Record what became of an order: confirmed fraud, a chargeback, or good after all."""
        from orderhub.extend import run_command

        from .service import mark as do_mark

        row = run_command(config, lambda hub: do_mark(hub, ref, outcome, actor=f"operator:{operator}", note=note))
        if as_json:
            _print(row)
        else:
            typer.echo(f"{row['order_id']}: {row['outcome']}")

    @app.command()
    def outcomes(limit: Annotated[int, typer.Option(min=1, max=100_000)] = 100,
                 config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
        """Outcomes recorded, newest first (rejects with reason 'fraud…' included)."""
        from orderhub.extend import emit_rows, run_command

        from .service import list_outcomes

        rows = run_command(config, lambda hub: list_outcomes(hub, limit=limit))
        emit_rows(rows, ["order_id", "store", "outcome", "source", "actor", "score", "level", "at", "note"],
                  as_json=as_json, title="risk outcomes")

    @app.command()
    def tune(apply: Annotated[bool, typer.Option("--apply", help="Store the learned points; the risk step uses "
                                                                  "them from its next batch.")] = False,
             review_above: Threshold = 40, high_above: Threshold = 70,
             min_support: Annotated[int, typer.Option(min=1, help="A signal seen on fewer orders keeps its "
                                                                  "points.")] = 5,
             settled_days: Annotated[int, typer.Option(min=0, help="An order this many days old with no fraud "
                                                                   "outcome counts as good.")] = 60,
             operator: Annotated[str, typer.Option(help="Who applies them.")] = "cli",
             config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
        """Re-estimate the signals' points from outcomes; show precision and recall before and after."""
        from orderhub.extend import run_command

        from .service import tune as do_tune

        doc = run_command(config, lambda hub: do_tune(hub, review_above=review_above, high_above=high_above,
                                                      min_support=min_support, apply=apply,
                                                      actor=f"operator:{operator}", settled_days=settled_days))
        if as_json:
            _print(doc)
            return
        typer.echo(f"history: {doc['fraud']} fraud, {doc['good']} good orders")
        for when in ("before", "after"):
            typer.echo(f"{when}:")
            for name in ("hold", "high"):
                typer.echo("  " + _figures(name, doc[when][name]))
        for name, ch in sorted(doc["changed"].items()):
            typer.echo(f"  {name:<26} {ch['from']:>3} → {ch['to']}")
        typer.echo(f"applied as version {doc['applied']}" if doc["applied"] else "not applied (--apply stores them)")

    @app.command()
    def evaluate(labels: Annotated[Path, typer.Option(exists=True, dir_okay=False,
                                                      help="CSV: external_id, label (fraud|clean), kind.")],
                 store: Annotated[str | None, typer.Option(help="Only this store's orders.")] = None,
                 config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
        """Precision and recall of the stored scores against a labelled set, by kind of order."""
        from orderhub.extend import run_command

        from .service import evaluate as do_evaluate, read_labels

        doc = run_command(config, lambda hub: do_evaluate(hub, read_labels(labels), store=store))
        if as_json:
            _print(doc)
            return
        c = doc["counts"]
        typer.echo(f"{doc['scored']} of {doc['labelled']} labelled orders scored: {c['fraud']} fraud, "
                   f"{c['clean']} clean")
        for name in ("held", "high"):
            f = doc[name]
            typer.echo(f"{name:<5} precision {f['precision']}  recall {f['recall']}  "
                       f"clean orders {name}: {c[f'clean_{name}']} ({f[f'clean_{name}_share']})")
        typer.echo("by kind:")
        for kind, k in sorted(doc["by_kind"].items(), key=lambda kv: (kv[1]["label"], kv[0])):
            typer.echo(f"  {k['label']:<5} {kind:<22} {k['orders']:>4} orders  held {k['held']:>4}  high {k['high']:>4}")

    @app.command()
    def sample(folder: Annotated[Path, typer.Argument(file_okay=False, help="Where to write the set.")],
               seed: Annotated[int, typer.Option(help="The same seed, the same set.")] = 7,
               db: Annotated[str | None, typer.Option(help="Database URL for the set's config "
                                                          "(default: risk.db in the folder).")] = None) -> None:
        """Write a labelled order set (clean, tricky clean, planted fraud) with a config to score it."""
        from .sample import write

        made = write(folder, seed=seed, db=db)
        typer.echo(f"{made['orders']} orders ({made['fraud']} fraud, {made['clean']} clean) in {folder}\n"
                   f"score them:   orderhub sync --once -c {folder / 'risk.toml'}\n"
                   f"measure:      orderhub risk evaluate --labels {folder / 'labels.csv'} -c {folder / 'risk.toml'}")
