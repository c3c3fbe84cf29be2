"""What a plugin's command shares with the built-in ones (exported by :mod:`orderhub.extend`, and by
``orderhub`` itself without importing the rest, so ``orderhub --help`` stays light): the
``--config`` and ``--json`` options, opening the hub with typed errors as exit codes, and the
table / tab-separated / JSON output.

    from orderhub import ConfigOpt, JsonOpt

    @cli.command("notes")
    def notes(config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
        from orderhub.extend import emit_rows, run_command

        rows = run_command(config, count_notes)          # async def count_notes(hub) -> list[dict]
        emit_rows(rows, ["store", "notes"], as_json=as_json, title="notes")
"""

from __future__ import annotations

from orderhub.cli.context import ConfigOpt, JsonOpt, run_with_hub
from orderhub.cli.output import emit

#: Open the hub from ``--config`` (migrated, logging set), run ``async fn(hub)``, close it; a
#: configuration problem exits 2 naming it, a refused record exits 1.
run_command = run_with_hub
#: Rows as a table on a terminal, tab-separated when piped, JSON with ``as_json``.
emit_rows = emit

__all__ = ["ConfigOpt", "JsonOpt", "emit_rows", "run_command"]
