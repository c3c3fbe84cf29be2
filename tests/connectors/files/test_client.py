"""The files connector against a real folder: paging, cursor, overlap, bad files, outbox."""

import os
from pathlib import Path

import orjson
import pytest

from orderhub.config import parse_config
from orderhub.ops.demo import write_csv_export, write_json_orders
from orderhub.errors import CapabilityNotSupported, ConfigError
from orderhub_connectors.files.client import FilesConnector


def connector(tmp_path: Path, **options) -> FilesConnector:
    cfg = parse_config({"stores": {"s": {"connector": "files", "path": "in", **options}}})
    return FilesConnector("s", cfg.stores["s"], base_dir=tmp_path)


async def drain(c: FilesConnector, cursor=None):
    records, rejects, pages = [], [], 0
    while True:
        page = await c.fetch_orders(cursor)
        pages += 1
        records += page.records
        rejects += page.rejects
        cursor = page.cursor or cursor
        if not page.has_more:
            return records, rejects, cursor, pages


async def test_pages_cover_every_file_once_and_the_cursor_moves_on(tmp_path):
    write_json_orders(tmp_path / "in", 25)
    c = connector(tmp_path, files_per_page=10, overlap="0s")
    records, rejects, cursor, pages = await drain(c)
    assert pages == 3 and rejects == []
    assert len({r.external_id for r in records}) == 25 == len(records)
    again, _, cursor2, _ = await drain(c, cursor)
    assert len(again) <= 1  # only the newest file, re-read at the cursor's edge
    newer = tmp_path / "in" / "order-new.json"
    newer.write_bytes((tmp_path / "in" / "order-J1000.json").read_bytes().replace(b"J1000", b"J9999"))
    os.utime(newer, ns=(10**19, 10**19))
    third, _, _, _ = await drain(c, cursor2)
    assert "J9999" in {r.external_id for r in third}


async def test_overlap_rereads_recent_files(tmp_path):
    write_json_orders(tmp_path / "in", 3)
    c = connector(tmp_path, overlap="1h")
    first, _, cursor, _ = await drain(c)
    again, _, _, _ = await drain(c, cursor)
    assert len(first) == 3 and len(again) == 3  # identical payloads: the store makes them no-ops


async def test_unreadable_files_become_rejects_with_the_file_named(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "broken.json").write_bytes(b'{"external_id": "X", ')
    (folder / "no-columns.csv").write_text("a,b\n1,2\n")
    (folder / "list.json").write_bytes(orjson.dumps({"orders": [{"external_id": "L1"}, 5]}))
    (folder / ".hidden.json").write_text("{}")
    (folder / "notes.txt").write_text("ignored")
    records, rejects, _, _ = await drain(connector(tmp_path))
    reasons = sorted(str(e) for _, e in rejects)
    assert reasons[0].startswith("broken.json: not valid JSON")
    assert "list.json#1: an order must be a JSON object" in reasons
    assert any("no-columns.csv: missing column(s) order_id" in r for r in reasons)
    assert [r.location for r in records] == ["list.json#0"]


async def test_csv_rows_group_into_orders(tmp_path):
    write_csv_export(tmp_path / "in" / "export.csv", 10, malformed=2)
    c = connector(tmp_path)
    records, _, _, _ = await drain(c)
    assert len(records) == 10
    assert all(r.raw["format"] == "csv" and r.location.startswith("export.csv row") for r in records)
    ok = [c.normalize(r) for r in records if all("two" != row["quantity"] for row in r.raw["rows"])]
    assert len(ok) == 8


async def test_outbox_push_is_idempotent_by_key(tmp_path):
    c = connector(tmp_path, outbox="out")
    write_json_orders(tmp_path / "in", 1)
    (rec,), _, _, _ = await drain(c)
    order = c.normalize(rec)
    for _ in range(2):
        receipt = await c.push_cancel(order, {"reason": "fraud"}, key=f"{order.id}:cancel")
    files = list((tmp_path / "out").iterdir())
    assert [f.name for f in files] == [f"{order.id}_cancel.json"] and receipt["file"].endswith(files[0].name)
    assert orjson.loads(files[0].read_bytes())["payload"] == {"reason": "fraud"}
    with pytest.raises(CapabilityNotSupported):
        await connector(tmp_path).push_cancel(order, {}, key="k")


async def test_missing_folder_and_bad_options_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="folder .* does not exist"):
        await connector(tmp_path).fetch_orders(None)
    with pytest.raises(ConfigError, match="stores.s.files_per_page"):
        connector(tmp_path, files_per_page=0)
    with pytest.raises(ConfigError, match="stores.s.path: missing"):
        FilesConnector("s", parse_config({"stores": {"s": {"connector": "files"}}}).stores["s"])
