"""A refused import's errors, kept for an hour so the page can show them page by page and
offer the rejected rows as an .xlsx without the file being uploaded again.

Each refusal is one JSON file under settings.IMPORT_ERRORS_DIR (var/import-errors), named by
a random token and readable only by the user who uploaded the file. Files older than
KEEP_SECONDS are deleted whenever a new one is written and are never served.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings

from policyhub.registry.reader import ImportFailed, RowError
from policyhub.web.excel import Cell, write_table

KEEP_SECONDS = 3600
TOKEN = re.compile(r"\A[A-Za-z0-9_-]{20,64}\Z")
REASON_HEADER = "错误原因"
ROW_HEADER = "原行号"


def _folder() -> Path:
    return Path(settings.IMPORT_ERRORS_DIR)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _purge(folder: Path) -> None:
    cutoff = time.time() - KEEP_SECONDS
    for old in folder.glob("*.json"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except FileNotFoundError:  # another request purged it first
            pass


def save(user_id: int | None, kind: str, filename: str, failed: ImportFailed) -> str:
    """Keep the refusal; the token that names it."""
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    _purge(folder)
    token = secrets.token_urlsafe(24)
    data = {
        "user": user_id, "kind": kind, "file": filename,
        "errors": [[e.row, e.column, e.value, e.reason] for e in failed.errors],
        "header": [_jsonable(h) for h in failed.header],
        "rows": [[n, [_jsonable(v) for v in raw]] for n, raw in sorted(failed.rows.items())],
    }
    path = folder / f"{token}.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    path.chmod(0o600)
    return token


def load(user_id: int | None, token: str) -> dict[str, Any] | None:
    """The kept refusal, or None when the token is unknown, expired or another user's."""
    if not TOKEN.match(token):
        return None
    path = _folder() / f"{token}.json"
    try:
        if path.stat().st_mtime < time.time() - KEEP_SECONDS:
            return None
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    if data.get("user") != user_id:
        return None
    return data


def errors_of(data: dict[str, Any]) -> list[RowError]:
    return [RowError(row, column, reason, value) for row, column, value, reason in data["errors"]]


def _cell(value: Any) -> Cell:
    if isinstance(value, float):
        return Decimal(repr(value))  # written back as the same number
    return value  # type: ignore[no-any-return]


def workbook(data: dict[str, Any]) -> bytes:
    """The rejected rows as read, then their original row number and every reason."""
    reasons: dict[int, list[str]] = {}
    for row, column, _value, reason in data["errors"]:
        reasons.setdefault(row, []).append(f"[{column}] {reason}" if column else reason)
    header = [str(h) if h is not None else "" for h in data["header"]]
    width = max([len(header), *(len(raw) for _, raw in data["rows"])])
    header += [""] * (width - len(header))
    rows: list[list[Cell]] = []
    for number, raw in data["rows"]:
        cells = [_cell(v) for v in raw] + [None] * (width - len(raw))
        rows.append([*cells, number, "；".join(reasons.get(number, []))])
    return write_table([*header, ROW_HEADER, REASON_HEADER], rows, "未导入的行")
