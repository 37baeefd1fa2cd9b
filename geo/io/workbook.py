"""Excel workbooks (``.xlsx``): the first sheet that holds events (or the one named), as the table of strings
the readers take, read by python-calamine after checks of our own.

python-calamine was chosen by measurement (``python -m geo.bench --excel``: 7 to 15 times faster than
openpyxl on a 100,000-row workbook). What it does not guard against is checked here first, on every part of
the workbook, each inflated in a bounded stream (``geo.io.archives``):

- **XML entities**: a part that declares a DTD or an entity (``<!DOCTYPE``, ``<!ENTITY``) is refused: the
  "billion laughs" and external entities (``SYSTEM "file:///etc/passwd"``) never reach a parser. calamine's
  XML reader does not expand them either (it refuses an undeclared entity: ``tests/io/test_hostile.py`` reads
  such a workbook with calamine itself and checks);
- **absurd sizes**: calamine fills the rectangle from the first to the last cell of a sheet, so cells at
  ``A1`` and ``XFD1048576`` would be 17 billion cells (and abort the process). The rectangle the cells span
  is computed from the sheet's XML first (the cells' own ``r`` positions, or where they fall without one)
  and refused past ``GEO_MAX_SHEET_CELLS`` (40 million) or ``GEO_MAX_COLUMNS`` (500) columns. A sheet's
  declared ``<dimension ref="A1:XFD1048576"/>`` is not believed (calamine does not use it either).
"""

from __future__ import annotations

import datetime as dt
import io
import re

import numpy as np
import pandas as pd

from ..errors import ImportFormatError
from ..i18n import N_
from .archives import check_declared, open_zip, read_member, short_name
from .formats import FORMAT_KEYS
from .limits import check_columns, limit
from .variants import canonical_names

#: How many rows from the top of a sheet may come before its header (a title, a note, a blank row).
HEADER_SEARCH_ROWS = 10
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)
_PLAIN_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,9})"')
_PLAIN_ROW = re.compile(rb'<row r="(\d{1,9})"')
#: Tags that begin like a cell's or a row's but are others (``<col``, ``<rowBreaks``), or prefixed ones.
_OTHER_C, _OTHER_ROW = re.compile(rb"<c[\w.:-]"), re.compile(rb"<row[\w.:-]")
_PREFIXED = re.compile(rb":(?:c|row)[\s/>]")
_ATTRS = rb"""((?:[^>"']|"[^"]*"|'[^']*')*)"""
_TAG = re.compile(rb"<(?:\w+:)?(row|c)(?=[\s/>])" + _ATTRS + rb">")
_R = re.compile(rb"""(?:^|\s)r\s*=\s*["']\s*([A-Za-z]*)(\d*)""")


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def sheet_extent(xml: bytes) -> tuple[int, int]:
    """(rows, columns) of the rectangle from A1 to the farthest cell of a worksheet's XML: what a
    reader that fills the rectangle holds. Every cell written ``<c r="B7"`` (as Excel, LibreOffice and
    openpyxl write them): from the positions, in C; else tag by tag, as the reader places them."""
    cells = _PLAIN_CELL.findall(xml)
    rows = _PLAIN_ROW.findall(xml)
    if (len(cells) + len(_OTHER_C.findall(xml)) == xml.count(b"<c")
            and len(rows) + len(_OTHER_ROW.findall(xml)) == xml.count(b"<row") and not _PREFIXED.search(xml)):
        height = max([int(r) for r in set(rows)] + [int(r) for r in {r for _, r in cells}] + [0])
        width = max([_column_number(c) for c in {c for c, _ in cells}] + [0])
        return height, width
    return _walk(xml)


def _walk(xml: bytes) -> tuple[int, int]:
    """The extent tag by tag: a row or cell without a position follows the one before."""
    row = col = height = width = 0
    for name, attrs in _TAG.findall(xml):
        m = _R.search(attrs)
        letters, digits = (m.group(1), m.group(2)) if m else (b"", b"")
        if name == b"row":
            row, col = (int(digits) if digits else row + 1), 0
        else:
            col = _column_number(letters) if letters else col + 1
            row = int(digits) if digits else max(row, 1)
        height, width = max(height, row), max(width, col)
    return height, width


def check_parts(data: bytes, label: str) -> None:
    """Every part of the workbook inflated in a bounded stream: no DTD or entity anywhere, no sheet
    wider or larger than the limits."""
    zf = open_zip(data, label)
    allowed = check_declared(zf, len(data), label)
    for info in zf.infolist():
        if info.is_dir():
            continue
        part = read_member(zf, info, label, allowed, sniff=False)
        if b"<!" in part and _DTD.search(part):
            raise ImportFormatError(N_("the workbook declares XML entities ({part}): refused, as Excel never writes "
                                       "them (an entity-expansion attack?); save it again from Excel or as "
                                       "CSV").format(part=short_name(info.filename)), path=label)
        if b"<sheetData" in part or b"<row" in part:
            height, width = sheet_extent(part)
            check_columns(width, label, what="sheet")
            if height * width > limit("sheet_cells"):
                raise ImportFormatError(N_("a sheet spans {rows} rows by {columns} columns ({cells} cells); at most "
                                           "{limit} cells are read (GEO_MAX_SHEET_CELLS): save it as CSV").format(
                    rows=f"{height:,}", columns=f"{width:,}", cells=f"{height * width:,}",
                    limit=f"{limit('sheet_cells'):,}"), path=label)
        del part


def read_workbook(data: bytes, label: str, sheet: str | None = None) -> tuple[pd.DataFrame, list[str]]:
    """The events' sheet as a table of strings (one column per header cell; "" for empty cells), and the
    report's notes: which sheet, and the rows above its header skipped."""
    from python_calamine import CalamineError, CalamineWorkbook

    check_parts(data, label)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(book.sheet_names)
        if sheet is not None and sheet not in names:
            raise ImportFormatError(N_("the workbook has no sheet '{sheet}'; its sheets: {names}").format(
                sheet=sheet, names=", ".join(names)), path=label)
        first = None
        for name in ([sheet] if sheet is not None else names):
            rows = book.get_sheet_by_name(name).to_python()
            if not rows:
                continue
            head = _header_row(rows)
            if head is not None:
                return _table(rows, head, label), _notes(name, names, head)
            first = first or (name, rows)
    except (CalamineError, ValueError, TypeError, OSError) as exc:
        if isinstance(exc, ImportFormatError):
            raise
        raise ImportFormatError(N_("an Excel workbook that cannot be read ({reason}): open it in Excel or "
                                   "LibreOffice and save it again, or save it as CSV").format(
            reason=" ".join(str(exc).split())[:160]), path=label) from None
    if first is None:
        raise ImportFormatError(N_("the workbook's sheets are empty ({names})").format(names=", ".join(names)),
                                path=label)
    name, rows = first  # none has a known header: the first sheet's columns say what is missing
    return _table(rows, 0, label), _notes(name, names, 0)


def _header_row(rows: list[list]) -> int | None:
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if len(row) > limit("columns"):
            return None
        names = [_text(v) for v in row]
        columns = set(canonical_names(pd.DataFrame(columns=pd.Index(names, dtype=object)))[0].columns)
        if any(set(keys) <= columns for keys in FORMAT_KEYS.values()):
            return i
    return None


def _notes(name: str, names: list[str], head: int) -> list[str]:
    notes = [N_("sheet '{sheet}' read (the workbook has {count})").format(sheet=name, count=len(names))]
    if head:
        notes.append(N_("{count} row(s) above the header skipped").format(count=head))
    return notes


def _text(value) -> str:
    """A cell as the text a CSV export of it holds: whole numbers without ".0", dates as YYYY-MM-DD."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _table(rows: list[list], head: int, label: str) -> pd.DataFrame:
    header = [_text(v).strip() for v in rows[head]]
    while header and not header[-1]:
        header.pop()
    check_columns(len(header), label)
    width = len(header)
    body = [r[:width] + [""] * (width - len(r)) for r in rows[head + 1:]]
    seen: dict[str, int] = {}
    names = []
    for i, name in enumerate(header):  # as pandas names them: an empty one "Unnamed: i", a repeat "a.1"
        name = name or f"Unnamed: {i}"
        names.append(name if name not in seen else f"{name}.{seen[name]}")
        seen[name] = seen.get(name, 0) + 1
    frame = pd.DataFrame(body, columns=names, dtype=object) if body else pd.DataFrame(columns=names, dtype=object)
    return pd.DataFrame({c: _column_text(frame[c]) for c in frame.columns}, index=frame.index)


def _column_text(column: pd.Series) -> pd.Series:
    """A column's cells as text: a column of strings as it is, numbers at C speed, the rest cell by cell."""
    kind = pd.api.types.infer_dtype(column, skipna=False)
    if kind == "string":
        return column.astype(object)
    if kind == "floating":
        values = column.to_numpy(dtype=float)
        whole = np.isfinite(values) & (values == np.floor(values)) & (np.abs(values) < 1e15)
        text = np.where(whole, np.where(whole, values, 0).astype(np.int64).astype(str), values.astype(str))
        return pd.Series(text, index=column.index, dtype=object)
    return column.map(_text).astype(object)
