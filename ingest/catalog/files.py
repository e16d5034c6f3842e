"""Read a staff catalog file (.csv in UTF-8, UTF-8 with BOM or GB18030; .xlsx) into raw rows.

Each row keeps the line number staff see in their spreadsheet (the header is line 1) and maps
known columns (any alias in :data:`~ingest.catalog_rows.HEADER_ALIASES`) to raw cell values.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.catalog.rows import COLUMN_LABELS, column_for
from ingest.errors import UnreadableFileError, UnsupportedFormatError

CATALOG_SUFFIXES = (".csv", ".xlsx")


@dataclass
class RawTable:
    """The rows of a catalog file with their spreadsheet line numbers."""

    rows: list[tuple[int, dict[str, Any]]]
    columns: list[str]
    ignored_headers: list[str] = field(default_factory=list)


MAX_ROWS = 200_000  # a catalog file larger than this is split by staff, never read into memory whole


def _decode(data: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFileError(f"{name}：无法识别文件编码（请另存为 UTF-8 或 GB18030） / cannot decode the file")


def _table(name: str, header: list[Any], body: list[tuple[int, list[Any]]]) -> RawTable:
    columns: list[str | None] = []
    ignored: list[str] = []
    for cell in header:
        text = "" if cell is None else str(cell).strip()
        column = column_for(text) if text else None
        if column in columns:
            column = None  # a repeated header: the first one wins
        if column is None and text:
            ignored.append(text)
        columns.append(column)
    missing = [COLUMN_LABELS[c] for c in ("product_name", "enterprise") if c not in columns]
    if "batch_year" not in columns and "certified_on" not in columns:
        missing.append("年度或认定日期")
    if missing:
        raise UnreadableFileError(
            f"{name}：缺少必需的列：{'、'.join(missing)}（表头应在第一行） / missing required columns"
        )
    rows: list[tuple[int, dict[str, Any]]] = []
    for line, cells in body:
        if all(c is None or str(c).strip() == "" for c in cells):
            continue  # blank lines are not rows
        raw = {col: (cells[i] if i < len(cells) else None) for i, col in enumerate(columns) if col}
        rows.append((line, raw))
    return RawTable(rows=rows, columns=[c for c in columns if c], ignored_headers=ignored)


def _read_csv(path: Path) -> RawTable:
    text = _decode(path.read_bytes(), path.name)
    records = list(csv.reader(io.StringIO(text)))
    if len(records) > MAX_ROWS + 1:
        raise UnreadableFileError(f"{path.name}：超过 {MAX_ROWS} 行，请分批导入 / more than {MAX_ROWS} rows")
    if not records:
        raise UnreadableFileError(f"{path.name}：文件为空 / the file is empty")
    return _table(path.name, list(records[0]), [(i + 2, list(r)) for i, r in enumerate(records[1:])])


def _read_xlsx(path: Path) -> RawTable:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise UnreadableFileError(f"{path.name}：无法打开 Excel 文件（{exc}） / cannot open the workbook") from exc
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise UnreadableFileError(f"{path.name}：工作表为空 / the sheet is empty")
        body: list[tuple[int, list[Any]]] = []
        for i, r in enumerate(rows):
            if i >= MAX_ROWS:  # read-only mode streams rows, so a huge sheet stops here
                raise UnreadableFileError(f"{path.name}：超过 {MAX_ROWS} 行，请分批导入 / more than {MAX_ROWS} rows")
            body.append((i + 2, list(r)))
        return _table(path.name, list(header), body)
    finally:
        book.close()


def read_catalog_file(path: Path) -> RawTable:
    """Read ``path`` (.csv or .xlsx); raises an ingest error for unreadable files or missing columns."""
    suffix = path.suffix.lower()
    if suffix not in CATALOG_SUFFIXES:
        raise UnsupportedFormatError(f"{path.name}：目录文件须为 .csv 或 .xlsx / catalog files must be .csv or .xlsx")
    if not path.is_file():
        raise UnreadableFileError(f"{path}：文件不存在 / no such file")
    return _read_csv(path) if suffix == ".csv" else _read_xlsx(path)
