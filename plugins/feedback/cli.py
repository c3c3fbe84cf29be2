"""``orderhub feedback``: import, list, show and work feedback; train the classifier."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from orderhub import ConfigOpt, JsonOpt  # light: ``orderhub --help`` builds these commands

LIST_COLUMNS = ["id", "priority", "score", "category", "sentiment", "language", "status", "source", "external_id",
                "order_id", "text"]
Operator = Annotated[str, typer.Option("--operator", help="Who makes the move (kept with it).")]
ItemId = Annotated[int, typer.Argument(min=1, max=2**63 - 1, help="The item's id (feedback list).")]


def _print(value: Any) -> None:
    import orjson

    typer.echo(orjson.dumps(value, option=orjson.OPT_INDENT_2, default=str).decode())


def _short(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**r, "text": (r["text"] or "")[:60].replace("\n", " ")} for r in rows]


def register(cli: Any) -> None:
    app = typer.Typer(help="Customer feedback: reviews, complaints, returns, questions; classified and worked.",
                      no_args_is_help=True)
    cli.add_typer(app, name="feedback")

    @app.command("import")
    def import_(path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A CSV or JSON file.")],
                source: Annotated[str, typer.Option(help="Where the rows come from (with the row's id, what makes "
                                                         "an item the same on a re-import).")] = "import",
                config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
        """Import feedback rows: id, order_ref, channel, kind, rating, text, created_at (and store, author, sku)."""
        from orderhub.extend import ConfigError, run_command

        from .importer import import_rows, read_file

        async def go(hub: Any) -> Any:
            try:
                rows = read_file(path)
            except (ValueError, UnicodeDecodeError) as exc:
                raise ConfigError(f"{path}: cannot read it: {exc}") from None
            return await import_rows(hub, rows, source=source)

        result = run_command(config, go)
        if as_json:
            _print(result.as_json())
        else:
            typer.echo(f"{len(result.new)} new, {result.existing} already imported, "
                       f"{len(result.quarantined)} quarantined")
            for q in result.quarantined:
                typer.echo(f"  quarantined: {q['error']}", err=True)

    @app.command()
    def pull(store: Annotated[str | None, typer.Option(help="Only this store (default: every store whose "
                                                             "connector has feedback).")] = None,
             config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
        """Pull feedback from the stores now (the daemon does it every minute)."""
        from orderhub.extend import CapabilityNotSupported, ConfigError, emit_rows, run_command

        from . import pull as pulling

        async def go(hub: Any) -> Any:
            if store:
                hub.store_config(store)  # a ConfigError naming the stores
                try:
                    return {store: await pulling.pull(hub, store)}
                except CapabilityNotSupported as exc:
                    raise ConfigError(f"store {store}: {exc}") from None
            return await pulling.pull_all(hub)

        done = run_command(config, go)
        rows = [{"store": s, "new": len(r.new), "existing": r.existing, "quarantined": len(r.quarantined)}
                for s, r in done.items()]
        emit_rows(rows, ["store", "new", "existing", "quarantined"], as_json=as_json, title="feedback pulled")

    @app.command("list")
    def list_(status: Annotated[str | None, typer.Option(help="new, assigned, responded, resolved, dismissed or "
                                                             "all (default: the open ones).")] = None,
              priority: Annotated[str | None, typer.Option(help="urgent, high, normal or low.")] = None,
              category: Annotated[str | None, typer.Option(help="delivery_late, not_received, damaged, …")] = None,
              limit: Annotated[int, typer.Option(min=1, max=100_000)] = 100,
              config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
        """The queue, most urgent first (priority, then score, then the oldest)."""
        from orderhub.extend import emit_rows, run_command

        from . import store

        async def go(hub: Any) -> Any:
            _check(status=status, priority=priority, category=category)
            async with hub.engine.connect() as conn:
                return await store.listing(conn, status=status, priority=priority, category=category, limit=limit)

        rows = run_command(config, go)
        if as_json:
            _print(rows)
        else:
            emit_rows(_short(rows), LIST_COLUMNS, as_json=False, title="feedback")

    @app.command()
    def show(item_id: ItemId, config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
        """One item with its moves."""
        from orderhub.extend import run_command

        item = run_command(config, lambda hub: _item(hub, item_id))
        if as_json:
            _print(item)
            return
        for k, v in item.items():
            if k != "moves":
                typer.echo(f"{k:>14}  {v if v is not None else ''}")
        for m in item["moves"]:
            typer.echo(f"{'':>14}  {m['at']:%Y-%m-%d %H:%M} {m['from_status'] or '-'} → {m['to_status']} "
                       f"by {m['operator']}{': ' + m['note'] if m['note'] else ''}")

    def move(action: str, item_id: int, operator: str, text: str | None, to: str | None, config: Any,
             as_json: bool) -> None:
        from orderhub.extend import run_command

        from .triage import act

        item = run_command(config, lambda hub: act(hub, item_id, action, operator, text=text, to=to))
        if as_json:
            _print(item)
        else:
            typer.echo(f"item {item_id}: {item['status']}")

    @app.command()
    def assign(item_id: ItemId, operator: Operator,
               to: Annotated[str | None, typer.Option(help="Hand it to this operator (default: yourself).")] = None,
               config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
        """Take an item (or hand it to --to)."""
        move("assign", item_id, operator, None, to, config, as_json)

    @app.command()
    def respond(item_id: ItemId, operator: Operator,
                text: Annotated[str, typer.Option(help="The reply to the customer.")],
                config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
        """Record the reply sent to the customer."""
        move("respond", item_id, operator, text, None, config, as_json)

    @app.command()
    def resolve(item_id: ItemId, operator: Operator,
                reason: Annotated[str, typer.Option(help="How it was resolved.")],
                config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
        """Close an item as resolved."""
        move("resolve", item_id, operator, reason, None, config, as_json)

    @app.command()
    def dismiss(item_id: ItemId, operator: Operator,
                reason: Annotated[str, typer.Option(help="Why it needs no action.")],
                config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
        """Close an item that needs no action (spam, a duplicate)."""
        move("dismiss", item_id, operator, reason, None, config, as_json)

    @app.command()
    def train(path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A CSV: text,category.")],
              operator: Operator, config: ConfigOpt = None) -> None:
        """Add labelled texts: the classifier trains on them beside the set orderhub ships."""
        from orderhub.extend import ConfigError, run_command

        from . import training

        async def go(hub: Any) -> Any:
            try:
                rows = training.read_labels(path)
            except (ValueError, UnicodeDecodeError) as exc:
                raise ConfigError(str(exc)) from None
            async with hub.engine.begin() as conn:
                added = await training.add_labels(conn, rows, operator)
                classifier = await training.current(conn)
            return added, classifier.model.size if classifier.model else 0

        added, size = run_command(config, go)
        typer.echo(f"{added} labels added; the classifier is trained on {size} texts")

    @app.command()
    def quarantine(config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
        """Rows refused on import, with the reason."""
        from orderhub.extend import emit_rows, run_command

        from .store import refused

        async def go(hub: Any) -> Any:
            async with hub.engine.connect() as conn:
                return await refused(conn)

        emit_rows(run_command(config, go), ["id", "source", "external_id", "error", "created_at"], as_json=as_json,
                  title="refused feedback rows")


def _check(**given: str | None) -> None:
    from orderhub.extend import FEEDBACK_CATEGORIES, FEEDBACK_PRIORITIES, ConfigError

    from .store import STATUSES

    allowed = {"status": (*STATUSES, "all"), "priority": FEEDBACK_PRIORITIES, "category": FEEDBACK_CATEGORIES}
    for name, value in given.items():
        if value is not None and value not in allowed[name]:
            raise ConfigError(f"--{name} {value!r}: one of {', '.join(allowed[name])}")


async def _item(hub: Any, item_id: int) -> dict[str, Any]:
    from . import store
    from .triage import NotFound

    async with hub.engine.connect() as conn:
        item = await store.get(conn, item_id)
        if item is None:
            raise NotFound(f"no feedback item {item_id}")
        return {**item, "moves": await store.history(conn, item_id)}
