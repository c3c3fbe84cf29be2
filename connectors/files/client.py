"""The files connector's only I/O: listing the folder, reading files, writing the outbox."""

from __future__ import annotations

import csv
import io
import os
import re
import time
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import orjson

from orderhub.extend import (
    CapabilityNotSupported,
    ConfigError,
    Connector,
    Order,
    Page,
    RawRecord,
    RecordError,
    TransientError,
)

from . import mapping
from .settings import FilesSettings

_SUFFIXES = (".json", ".csv")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class FilesConnector(Connector):
    name: ClassVar[str] = "files"
    Settings = FilesSettings

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        s: FilesSettings = self.settings  # type: ignore[assignment]
        s.path = self.base_dir / s.path
        if s.feedback_path is not None:
            s.feedback_path = self.base_dir / s.feedback_path
        if s.outbox is not None:
            s.outbox = self.base_dir / s.outbox
        try:
            self.tz = ZoneInfo(s.timezone)
        except ZoneInfoNotFoundError:
            raise ConfigError(f"stores.{self.store}.timezone: unknown time zone {s.timezone!r}") from None

    def check(self) -> list[str]:
        """The folder must exist now (a sync would pause the store); the outbox is created on the
        first push, so only its nearest existing parent must be a writable folder."""
        s: FilesSettings = self.settings  # type: ignore[assignment]
        problems = []
        if not s.path.is_dir():
            what = "is not a folder" if s.path.exists() else "does not exist"
            problems.append(f"stores.{self.store}.path: {s.path} {what}")
        if s.feedback_path is not None and not s.feedback_path.is_dir():
            problems.append(f"stores.{self.store}.feedback_path: {s.feedback_path} is not a folder")
        if s.outbox is not None:
            existing = next(p for p in (s.outbox, *s.outbox.parents) if p.exists())
            if not existing.is_dir():
                problems.append(f"stores.{self.store}.outbox: {existing} is not a folder")
            elif not os.access(existing, os.W_OK):
                problems.append(f"stores.{self.store}.outbox: {existing} is not writable")
        return problems

    @property
    def channel_name(self) -> str:
        return self.settings.channel  # type: ignore[attr-defined]

    # -- intake ---------------------------------------------------------------------------

    def _listing(self, folder: Path, option: str = "path") -> list[tuple[int, str]]:
        s: FilesSettings = self.settings  # type: ignore[assignment]
        try:
            entries = list(os.scandir(folder))
        except FileNotFoundError:
            raise ConfigError(f"stores.{self.store}.{option}: folder {folder} does not exist", store=self.store) from None
        except OSError as exc:
            raise TransientError(f"cannot list {folder}: {exc.strerror}", store=self.store) from None
        newest_allowed = time.time_ns() - int(s.settle * 1e9)
        out = []
        for e in entries:
            if e.name.startswith(".") or not e.name.lower().endswith(_SUFFIXES) or not e.is_file():
                continue
            mtime = e.stat().st_mtime_ns
            if s.settle and mtime > newest_allowed:
                continue
            out.append((mtime, e.name))
        out.sort()
        return out

    async def fetch_orders(self, cursor: str | None) -> Page:
        """Files changed since the cursor, ``files_per_page`` at a time, oldest first.

        The cursor is ``{"since": ns}`` between runs (the newest file seen minus ``overlap``, so a
        file touched within the same clock tick is not missed) and ``{"since", "after": [ns, name]}``
        between the pages of one run.
        """
        return self._page(self.settings.path, "path", cursor, self._read)  # type: ignore[attr-defined]

    async def fetch_feedback(self, cursor: str | None) -> Page:
        """Feedback exports in ``feedback_path``, paged like orders: a record per row (CSV) or
        object (JSON), already in the feedback row format (:meth:`feedback_row`)."""
        s: FilesSettings = self.settings  # type: ignore[assignment]
        if s.feedback_path is None:
            raise CapabilityNotSupported(f"store {self.store} has no feedback_path", store=self.store)
        return self._page(s.feedback_path, "feedback_path", cursor, self._read_feedback)

    def feedback_row(self, record: RawRecord) -> dict[str, Any]:
        return {**record.raw, "channel": record.raw.get("channel") or self.channel_name}

    def _page(self, folder: Path, option: str, cursor: str | None, read: Any) -> Page:
        s: FilesSettings = self.settings  # type: ignore[assignment]
        state = orjson.loads(cursor) if cursor else {"since": 0}
        since, after = int(state.get("since", 0)), state.get("after")
        files = self._listing(folder, option)
        if after:
            todo = [f for f in files if (f[0], f[1]) > (int(after[0]), after[1])]
        else:
            todo = [f for f in files if f[0] >= since]
        batch, rest = todo[: s.files_per_page], todo[s.files_per_page :]
        records: list[RawRecord] = []
        rejects: list[tuple[RawRecord, RecordError]] = []
        for _, name in batch:
            read(name, records, rejects)
        overlap_ns = int(s.overlap * 1e9)
        if rest:
            last = batch[-1]
            new_cursor: dict[str, Any] = {"since": since, "after": [last[0], last[1]]}
        else:
            seen = [m for m, _ in batch] + ([int(after[0])] if after else [])
            if not seen:
                return Page(records=[], cursor=None, has_more=False)
            new_cursor = {"since": max(since, max(seen) - overlap_ns)}
        return Page(records=records, cursor=orjson.dumps(new_cursor).decode(), has_more=bool(rest), rejects=rejects)

    def _read_feedback(self, name: str, records: list[RawRecord], rejects: list[tuple[RawRecord, RecordError]]) -> None:
        path = Path(self.settings.feedback_path) / name  # type: ignore[attr-defined]
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as exc:
            raise TransientError(f"cannot read {path}: {exc.strerror}", store=self.store) from None
        try:
            text = data.decode("utf-8-sig")
            if name.lower().endswith(".json"):
                doc = orjson.loads(text)
                rows = [(f"{name}#{i}", r) for i, r in enumerate(doc if isinstance(doc, list) else [doc])]
            else:
                reader = csv.DictReader(io.StringIO(text, newline=""))
                rows = [(f"{name} row {reader.line_num}", r) for r in reader]
        except (UnicodeDecodeError, orjson.JSONDecodeError) as exc:
            self._reject(rejects, {"file": name, "content": data.decode("utf-8", "replace")[:100_000]},
                         f"not a readable feedback file: {exc}", name)
            return
        for where, row in rows:
            if not isinstance(row, dict) or None in row:
                self._reject(rejects, {"file": name, "content": row}, "not a feedback row (an object, as many "
                             "values as columns)", where, code="invalid_payload")
                continue
            records.append(RawRecord(row, external_id=str(row.get("id") or "") or None, location=where))

    def _read(self, name: str, records: list[RawRecord], rejects: list[tuple[RawRecord, RecordError]]) -> None:
        path = Path(self.settings.path) / name  # type: ignore[attr-defined]
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return  # removed between listing and reading: nothing to import
        except OSError as exc:
            raise TransientError(f"cannot read {path}: {exc.strerror}", store=self.store) from None
        if name.lower().endswith(".json"):
            self._read_json(name, data, records, rejects)
        else:
            self._read_csv(name, data, records, rejects)

    def _reject(self, rejects: list[tuple[RawRecord, RecordError]], raw: dict[str, Any], message: str,
                location: str, code: str = "unparseable") -> None:
        rejects.append((RawRecord(raw, location=location),
                        RecordError(f"{location}: {message}", code=code, location=location)))

    def _read_json(self, name: str, data: bytes, records: list[RawRecord], rejects: list[Any]) -> None:
        try:
            doc = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            text = data.decode("utf-8", "replace")
            self._reject(rejects, {"format": "unparseable", "file": name, "content": text[:100_000]},
                         f"not valid JSON: {exc}", name)
            return
        items = doc.get("orders") if isinstance(doc, dict) and isinstance(doc.get("orders"), list) else doc
        many = isinstance(items, list)
        for i, obj in enumerate(items if many else [items]):
            where = f"{name}#{i}" if many else name
            ext = obj.get("external_id") if isinstance(obj, dict) else None
            if not isinstance(obj, dict):
                self._reject(rejects, {"format": "unparseable", "file": name, "content": obj},
                             "an order must be a JSON object", where, code="invalid_payload")
                continue
            records.append(RawRecord(obj, external_id=str(ext) if ext is not None else None, location=where))

    def _read_csv(self, name: str, data: bytes, records: list[RawRecord], rejects: list[Any]) -> None:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            self._reject(rejects, {"format": "unparseable", "file": name, "content": data.decode("utf-8", "replace")},
                         f"not UTF-8 text: {exc.reason} at byte {exc.start}", name)
            return
        reader = csv.DictReader(io.StringIO(text, newline=""))
        missing = [c for c in mapping.REQUIRED_CSV_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            self._reject(rejects, {"format": "unparseable", "file": name, "content": text[:100_000]},
                         f"missing column(s) {', '.join(missing)}", name, code="invalid_field")
            return
        groups: dict[str, list[dict[str, Any]]] = {}
        for row in reader:
            line = reader.line_num
            clean = {k: v for k, v in row.items() if k is not None}
            if None in row:
                self._reject(rejects, {"format": "csv", "file": name, "rows": [{"row": line, **clean}]},
                             "more values than columns", f"{name} row {line}", code="invalid_field")
                continue
            order_key = (row.get("order_id") or "").strip()
            if not order_key:
                self._reject(rejects, {"format": "csv", "file": name, "rows": [{"row": line, **clean}]},
                             "order_id: is required", f"{name} row {line}", code="invalid_field")
                continue
            groups.setdefault(order_key, []).append({"row": line, **clean})
        for order_key, rows in groups.items():
            lo, hi = rows[0]["row"], rows[-1]["row"]
            where = f"{name} row {lo}" if lo == hi else f"{name} rows {lo}-{hi}"
            records.append(RawRecord({"format": "csv", "file": name, "rows": rows}, external_id=order_key,
                                     location=where))

    def normalize(self, record: RawRecord) -> Order:
        raw = record.raw
        channel = self.channel_name
        if raw.get("format") == "csv":
            rows = [(r["row"], {k: v for k, v in r.items() if k != "row"}) for r in raw["rows"]]
            return mapping.order_from_csv_rows(rows, store=self.store, channel=channel, tz=self.tz, file=raw["file"])
        if raw.get("format") == "unparseable":
            raise RecordError(f"{raw.get('file')}: still not a readable order file", code="unparseable")
        return mapping.order_from_json(raw, store=self.store, channel=channel)

    # -- pushes ---------------------------------------------------------------------------

    def _write_outbox(self, kind: str, order: Order | None, payload: dict[str, Any], key: str) -> dict[str, Any]:
        outbox = self.settings.outbox  # type: ignore[attr-defined]
        if outbox is None:
            raise CapabilityNotSupported(f"store {self.store} has no outbox folder for {kind} pushes", store=self.store)
        Path(outbox).mkdir(parents=True, exist_ok=True)
        target = Path(outbox) / f"{_UNSAFE.sub('_', key)}.json"
        doc = {"kind": kind, "key": key, "order_id": order.external_id if order else None,
               "order_number": order.number if order else None, "payload": payload}
        tmp = target.with_suffix(".json.tmp")
        tmp.write_bytes(orjson.dumps(doc, option=orjson.OPT_INDENT_2))
        os.replace(tmp, target)  # atomic, and the same key overwrites itself: idempotent
        return {"file": str(target)}

    async def push_cancel(self, order: Order, payload: dict[str, Any], *, key: str) -> Any:
        return self._write_outbox("cancel", order, payload, key)

    async def push_fulfilment(self, order: Order, payload: dict[str, Any], *, key: str) -> Any:
        return self._write_outbox("fulfilment", order, payload, key)

    async def push_stock(self, payload: dict[str, Any], *, key: str) -> Any:
        return self._write_outbox("stock", None, payload, key)
