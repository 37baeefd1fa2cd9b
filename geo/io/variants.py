"""The ways real event files differ from their codebooks, undone before a file is mapped.

- **Missing-value spellings**: ``NA`` (R), ``N/A``, ``#N/A`` (Excel), ``NULL`` (databases), ``NaN``/``nan``
  (pandas) in a cell of their own are empty cells, never an actor named "NA". Counted per column.
- **HDX's HXL tag row**: files from the Humanitarian Data Exchange carry a second header line of
  hashtags (``#date``, ``#geo+lat``, ``#affected+killed``): skipped and reported, not a data row.
- **Index columns**: a first column with an empty header (R's ``write.csv``, pandas' ``to_csv``
  with its index) or named ``Unnamed: 0`` (pandas read it back) or ``...1`` (readr): dropped and
  reported, so it is not carried into every export.
- **Empty records** (``,,,,``: spreadsheet rows that were only formatted): skipped and reported.
- **Column names** in any case and spacing (``EVENT_ID_CNTY``, ``Event Date``), and older names
  for today's columns: ACLED's ``ally_actor_1``/``ally_actor_2`` (before 2019) are
  ``assoc_actor_1``/``assoc_actor_2``; the ten-character names of ACLED's shapefile exports
  (``event_id_c``, ``time_preci``, ``geo_precis``, ``interactio``); ``best_est``, ``low_est``,
  ``high_est`` (older UCDP GED files) are ``best``, ``low``, ``high``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..i18n import N_

#: Cells that mean "no value" wherever they stand alone: R, Excel, SQL and pandas spellings.
MISSING_SPELLINGS = ("NA", "N/A", "n/a", "#N/A", "NULL", "null", "NaN", "nan", "<NA>")

#: Older or truncated column names (lower case) -> today's name; applied only where today's is absent.
COLUMN_ALIASES = {
    "ally_actor_1": "assoc_actor_1", "ally_actor_2": "assoc_actor_2",
    "event_id_c": "event_id_cnty", "time_preci": "time_precision", "geo_precis": "geo_precision",
    "interactio": "interaction", "best_est": "best", "low_est": "low", "high_est": "high",
}

_HXL_TAG = r"#[A-Za-z][\w]*(?:\s*\+\s*[\w-]+)*"
_INDEX_NAME = re.compile(r"^(?:|unnamed: ?\d+(?:\.\d+)?|\.\.\.\d+)$", re.IGNORECASE)


def blank_missing_arrow(table: pa.Table) -> tuple[pa.Table, dict[str, int]]:
    """String columns read with MISSING_SPELLINGS as nulls (pyarrow's ``null_values``): nulls as "",
    and how many there were per column."""
    counts: dict[str, int] = {}
    columns = []
    for name, column in zip(table.column_names, table.columns):
        if column.null_count:
            counts[name] = column.null_count
            column = pc.fill_null(column, "")
        columns.append(column)
    return pa.table(columns, names=table.column_names), counts


def blank_missing_frame(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """The same for a table of strings already in pandas (the slow CSV path, GeoJSON, Parquet)."""
    counts: dict[str, int] = {}
    out = frame
    for name in frame.columns:
        column = frame[name]
        if not (column.dtype == object or isinstance(column.dtype, pd.StringDtype)):
            continue
        hit = column.isin(MISSING_SPELLINGS).to_numpy(dtype=bool)
        if hit.any():
            if out is frame:
                out = frame.copy()
            out[name] = column.where(~hit, "")
            counts[str(name)] = int(hit.sum())
    return out, counts


def missing_note(counts: dict[str, int]) -> list[str]:
    if not counts:
        return []
    parts = ", ".join(f"{name} {n}" for name, n in sorted(counts.items(), key=lambda kv: -kv[1])[:8])
    more = " ..." if len(counts) > 8 else ""
    return [N_("{count} cell(s) held a missing-value spelling ({spellings}...: R, Excel or a database): read as "
               "empty ({columns})").format(count=sum(counts.values()), spellings=", ".join(MISSING_SPELLINGS[:5]),
                                           columns=parts + more)]


def drop_hxl_row(raw: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Without HDX's hashtag row, if the first data row is one (every non-empty cell a tag)."""
    if raw.empty or not len(raw.columns):
        return raw, []
    first = raw.iloc[0].astype(str).str.strip()
    filled = first[first.ne("")]
    if filled.empty or not filled.str.fullmatch(_HXL_TAG).all():
        return raw, []
    tags = ", ".join(filled.head(4)) + (", ..." if len(filled) > 4 else "")
    return (raw.iloc[1:].reset_index(drop=True),
            [N_("HXL hashtag row skipped (the second line: {tags}; HDX's tags, not data)").format(tags=tags)])


def drop_index_columns(raw: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Without unnamed index columns (an empty header, ``Unnamed: 0``, ``...1``)."""
    drop = [c for c in raw.columns if _INDEX_NAME.match(str(c).strip())]
    if not drop:
        return raw, []
    names = ", ".join(repr(str(c)) for c in drop)
    return (raw.drop(columns=drop),
            [N_("unnamed column(s) {names} dropped (a row index written by pandas or R, or a spreadsheet's "
                "trailing separator; not data)").format(names=names)])


def drop_blank_rows(raw: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Without records whose every cell is empty (``,,,,`` lines: spreadsheet rows that were only
    formatted); they are not data rows."""
    if raw.empty or not len(raw.columns):
        return raw, []
    first = raw.iloc[:, 0].astype(str).str.strip().eq("").to_numpy()
    if not first.any():
        return raw, []
    blank = first.copy()
    rows = np.flatnonzero(first)
    sub = raw.iloc[rows]
    for name in raw.columns[1:]:
        blank[rows] &= sub[name].astype(str).str.strip().eq("").to_numpy()
    if not blank.any():
        return raw, []
    return (raw[~blank].reset_index(drop=True),
            [N_("{count} empty record(s) skipped (only separators, as spreadsheets leave them)").format(
                count=int(blank.sum()))])


def canonical_names(raw: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Column names stripped, lower-cased, inner spaces as "_" (where that keeps them unique), and
    older names as today's (where today's is absent)."""
    renamed = {c: re.sub(r"\s+", "_", str(c).strip().lower()) for c in raw.columns}
    if len(set(renamed.values())) == len(renamed):
        raw = raw.rename(columns=renamed)
    present = set(raw.columns)
    aliases = {old: new for old, new in COLUMN_ALIASES.items() if old in present and new not in present}
    if not aliases:
        return raw, []
    return (raw.rename(columns=aliases),
            [N_("older column names read as today's: {names}").format(
                names=", ".join(f"{o} -> {n}" for o, n in aliases.items()))])
