"""Read an analyst's own event file: ACLED, UCDP GED or the project's own format.

``read_events(source)`` detects the format (GeoParquet and GeoJSON by their
content, CSV formats by their columns), maps the rows to the canonical schema of
``geo.events``, and checks them one by one: a bad row is rejected, never fatal,
and listed in the ``ImportReport`` with its row number, its id and the reason. No
row vanishes: ``accepted + rejected == rows_read``. Only a file that cannot be an
event file at all (empty, binary, unreadable, none of the known columns) raises
``ImportFormatError``, a ``ValueError``.

Rows are numbered from 1 in the order of the file's records (the header is not a
row, nor is HDX's hashtag row or a record of empty cells; a record whose notes span several lines is
one row).

The variants real files show are read (``geo.io.variants``, ``geo.io.dates``,
``geo.io.monadic``): column names in any case and older spellings, missing values
spelled ``NA``/``N/A``/``NULL``, an HXL tag row, an unnamed index column, dates as
spreadsheets write them (day/month order decided from the file, two-digit years,
Excel serial numbers) and ACLED's monadic export (two rows per event, folded into
one). Every such decision is a warning in the report.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import io
import os
import warnings as pywarnings
from pathlib import Path
from typing import BinaryIO, Union

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from ..errors import DataError, ImportFormatError
from ..events import CLAIM_COLUMNS, CLAIM_SCHEMA, EVENT_SCHEMA, check_table, geoframe_from_table
from ..i18n import N_
from .formats import (ACLED_ATTRIBUTION, FORMAT_KEYS, FORMAT_LABELS, NATIVE_ATTRIBUTION, UCDP_ATTRIBUTION,
                      Mapped, map_acled, map_native, map_ucdp, normalise_dates, problem_frame,
                      read_geojson_table, read_parquet_table, ucdp_claims)
from .aggregated import Aggregated, aggregated_error, aggregated_table, is_aggregated
from .archives import open_zip, unzip_one
from .limits import check_columns, check_lines, header_fields, limit
from .apijson import load_json, read_api_json
from .monadic import empty_folds, fold_monadic
from .report import REJECTED_COLUMNS, ImportReport, reasons, rejected_table  # noqa: F401 (re-exported)
from .sniff import describe, is_workbook, is_zip
from .workbook import read_workbook
from .variants import (MISSING_SPELLINGS, blank_missing_arrow, blank_missing_frame, canonical_names,
                       drop_blank_rows, drop_hxl_row, drop_index_columns, missing_note)

Source = Union[str, os.PathLike, BinaryIO, bytes]
_MAPPERS = {"native": map_native, "acled": map_acled, "ucdp": map_ucdp}
_ATTRIBUTIONS = {"acled": ACLED_ATTRIBUTION, "ucdp": UCDP_ATTRIBUTION, "native": NATIVE_ATTRIBUTION}
_BAD_LINE = "\x00bad-line:"  # marks a record with more fields than the header (see _parse_csv)


def read_events(source: Source, *, name: str | None = None, day_first: bool | None = None,
                sheet: str | None = None) -> tuple[gpd.GeoDataFrame, ImportReport]:
    """Read an event file in any known format; reject its bad rows, one by one.

    Parameters
    ----------
    source
        A path, or a binary file-like object (an upload, ``io.BytesIO``): its position
        is restored afterwards. CSV (UTF-8, UTF-8 with BOM, UTF-16 with BOM, CP1252 or
        Latin-1), an Excel workbook (.xlsx), a zip archive of one data file, GeoJSON
        FeatureCollection or GeoParquet; within the limits of ``geo.io.limits``.
    name
        How messages name the file; the path, or the object's ``.name``, by default.
    day_first
        How to read numeric dates that could be either day/month or month/day
        (``09/05/2020``): ``None`` (default) decides from the file as a whole and
        reports it; ``True`` or ``False`` says.
    sheet
        The sheet of a workbook to read; by default the first that holds events.

    Returns
    -------
    (GeoDataFrame, ImportReport)
        The accepted events exactly as ``geo.load_events`` returns them (canonical
        columns first, then the file's other columns; EPSG:4326; sorted by date and
        id), and the report.

    Raises
    ------
    ImportFormatError
        When the file is empty, binary or unreadable, past a limit (``geo.io.limits``),
        or has none of the known formats' columns; the message names the file and says
        what it looks like and what was expected.
    DataError
        When the path does not exist or cannot be read.
    """
    data, label = _read_bytes(source, name)
    if not data[:4096].strip() and not data.strip():
        raise ImportFormatError(N_("empty file; expected an ACLED, UCDP GED or native event file"), path=label)
    raw, missing, encoding, warnings, claims_raw, attribution = _raw_table(data, label, sheet)
    raw, notes = drop_index_columns(raw)
    raw, hxl = drop_hxl_row(raw)
    raw, blank = drop_blank_rows(raw)
    raw, fmt, renamed = _detect(raw, label)
    warnings = warnings + notes + hxl + blank + renamed + missing_note(missing)
    events, report = _import(raw, fmt, label, encoding, warnings, claims_raw, day_first)
    if attribution:
        report = dataclasses.replace(report, attribution=attribution)
    return events, report


def read_aggregated(source: Source, *, name: str | None = None) -> Aggregated:
    """Read a file of ACLED's aggregated data (counts per region and week or month, as ACLED and HDX publish
    them; CSV in the encodings and separators ``read_events`` reads): see ``geo.io.aggregated``."""
    data, label = _read_bytes(source, name)
    if b"\x00" in data[:8192]:
        raise ImportFormatError(N_("binary file; expected CSV text, GeoJSON or GeoParquet (UTF-16 files: "
                                   "save them as UTF-8)"), path=label)
    data, _encoding, _notes = _decode(data)
    raw, _missing = _parse_csv(data, label)
    return aggregated_table(raw, label)
def _raw_table(data: bytes, label: str, sheet: str | None) -> tuple:
    """The file's table of strings, the missing-value spellings met, the encoding, the notes, and the
    claims and attribution a native file carries: from a zip's one data file, a workbook's events
    sheet, GeoParquet, JSON or CSV."""
    notes: list[str] = []
    if is_zip(data):
        zf = open_zip(data, label)
        if not is_workbook(zf.namelist()):
            data, notes = unzip_one(data, label)
        if is_zip(data):  # a workbook, or the workbook inside the archive
            raw, more = read_workbook(data, label, sheet)
            raw, missing = blank_missing_frame(raw)
            return raw, missing, "xlsx", notes + more, None, None
    if data[:4] == b"PAR1":
        raw, claims_raw, attribution = read_parquet_table(data, label)
        raw, missing = blank_missing_frame(raw)
        return raw, missing, "binary", notes, claims_raw, attribution
    looks = describe(data)
    if looks:
        raise ImportFormatError(looks, path=label)
    utf16 = data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)  # Excel's "Unicode Text": UTF-16, tabs
    if utf16:
        data = data.decode("utf-16", errors="replace").encode("utf-8")
        notes.append(N_("encoding detected as {encoding} (not UTF-8)").format(encoding="utf-16"))
    elif b"\x00" in data[:8192]:
        raise ImportFormatError(N_("a binary file of no known kind; expected CSV, an Excel workbook (.xlsx), a zip "
                                   "of one data file, GeoJSON or GeoParquet"), path=label)
    data, encoding, warnings = _decode(data)
    encoding = "utf-16" if utf16 else encoding
    if data.lstrip()[:1] in (b"{", b"["):
        doc = load_json(data, label)
        api = read_api_json(doc, label)  # ACLED's or UCDP's API answer, saved as a file
        if api is not None:
            raw, missing = blank_missing_frame(api[0])
            return raw, missing, encoding, notes + warnings + api[1], None, None
        raw, claims_raw, attribution = read_geojson_table(doc, label)
        raw, missing = blank_missing_frame(raw)
        return raw, missing, encoding, notes + warnings, claims_raw, attribution
    _check_header(data, label)
    check_lines(data, label)
    raw, missing = _parse_csv(data, label)
    return raw, missing, encoding, notes + warnings, None, None


def _check_header(data: bytes, label: str) -> None:
    """A header of more columns than the limit is refused first, before any work per column (the
    separators counted in C; the fields, with their quotes, only past the limit)."""
    end = data.find(b"\n")
    first = data if end < 0 else data[:end]
    if header_fields(first) > limit("columns"):
        text = first.decode("utf-8", errors="replace").rstrip("\r")
        try:
            count = max(len(next(csv.reader([text], delimiter=d), [])) for d in (",", ";", "\t"))
        except csv.Error:
            count = header_fields(first)
        check_columns(count, label)


def read_table(raw: pd.DataFrame, *, name: str, warnings: list[str] | None = None,
               day_first: bool | None = None) -> tuple[gpd.GeoDataFrame, ImportReport]:
    """A table of strings (one column per field, "" for missing: a page of ACLED's or UCDP's API,
    ``geo.io.apijson.records_table``) read exactly as the same rows of a file: the format detected
    from the columns, every row checked, the report. ``name`` names it in messages (e.g. "page 3")."""
    raw, missing = blank_missing_frame(raw)
    raw, fmt, renamed = _detect(raw, name)
    return _import(raw, fmt, name, "utf-8", list(warnings or []) + renamed + missing_note(missing), None,
                   day_first)


def _read_bytes(source: Source, name: str | None) -> tuple[bytes, str]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), name or "<bytes>"
    if isinstance(source, (str, os.PathLike)):
        label = name or str(source)
        try:
            return Path(source).read_bytes(), label
        except FileNotFoundError:
            raise DataError(N_("file not found"), path=label) from None
        except OSError as exc:
            raise DataError(N_("cannot read the file ({reason})").format(reason=exc.strerror or exc),
                            path=label) from None
    read = getattr(source, "read", None)
    if read is None:
        raise TypeError(f"read_events needs a path or a binary file-like object, not {type(source).__name__}")
    label = name or str(getattr(source, "name", None) or "<upload>")
    start = source.tell() if getattr(source, "seekable", lambda: False)() else None
    try:
        data = read()
    finally:
        if start is not None:
            source.seek(start)
    if isinstance(data, str):
        data = data.encode("utf-8")
    return bytes(data), label


def _decode(data: bytes) -> tuple[bytes, str, list[str]]:
    """The text as UTF-8 bytes (no BOM), the encoding it was in, and a warning if not UTF-8."""
    if data.startswith(codecs.BOM_UTF8):
        data, encoding = data[len(codecs.BOM_UTF8):], "utf-8-sig"
    else:
        encoding = "utf-8"
    try:
        data.decode("utf-8")
        return data, encoding, []
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.end == len(data):
            text = data.decode("utf-8", errors="replace")
            return text.encode("utf-8"), encoding, ["the file ends in the middle of a character (truncated?)"]
    for candidate in ("cp1252", "latin-1"):
        try:
            text = data.decode(candidate)
        except UnicodeDecodeError:
            continue
        return text.encode("utf-8"), candidate, [N_("encoding detected as {encoding} (not UTF-8)").format(
            encoding=candidate)]
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def _parse_csv(data: bytes, label: str) -> tuple[pd.DataFrame, dict[str, int]]:
    """Every cell as a string ("" for empty or a missing-value spelling), and the spellings met per
    column: pyarrow (fast, quoted newlines allowed), else pandas."""
    first = data.split(b"\n", 1)[0].decode("utf-8").rstrip("\r")
    sep = _delimiter(first)
    try:
        header = next(csv.reader([first], delimiter=sep), [])
    except csv.Error:  # a stray carriage return: leave it to pandas
        header = []
    if header and len(set(header)) == len(header):
        try:
            table = pacsv.read_csv(
                io.BytesIO(data), parse_options=pacsv.ParseOptions(newlines_in_values=True, delimiter=sep),
                convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in header},
                                                     null_values=list(MISSING_SPELLINGS),
                                                     strings_can_be_null=True, quoted_strings_can_be_null=True))
            if all(pa.types.is_string(t) for t in table.schema.types) and table.column_names == header:
                table, missing = blank_missing_arrow(table)
                return table.to_pandas(), missing
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, pa.ArrowKeyError):
            pass
    try:
        with pywarnings.catch_warnings():
            # pandas drops the surplus fields of a too-long first record with only a warning: not here.
            pywarnings.simplefilter("error", pd.errors.ParserWarning)
            raw = pd.read_csv(io.BytesIO(data), engine="c", dtype=str, keep_default_na=False, encoding="utf-8",
                              index_col=False, sep=sep)
        return blank_missing_frame(raw.fillna(""))
    except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
        if "fields" not in str(exc) and "Length of header" not in str(exc):
            raise ImportFormatError(N_("not a readable CSV file ({reason})").format(
                reason=" ".join(str(exc).split())[:200]), path=label) from None
    except (pd.errors.EmptyDataError, ValueError) as exc:
        raise ImportFormatError(N_("not a readable CSV file ({reason})").format(
            reason=" ".join(str(exc).split())[:200]), path=label) from None
    return blank_missing_frame(_parse_ragged(data, label, sep))


def _delimiter(header: str) -> str:
    """The header's field separator: "," unless ";" (Excel in locales whose decimal mark is a comma)
    or a tab splits it into more fields."""
    counts = {}
    for sep in (",", ";", "\t"):
        try:
            counts[sep] = len(next(csv.reader([header], delimiter=sep), []))
        except csv.Error:
            counts[sep] = 0
    best = max(counts, key=lambda k: (counts[k], k == ","))
    return best if counts[best] > counts[","] else ","


def _parse_ragged(data: bytes, label: str, sep: str = ",") -> pd.DataFrame:
    """Some records have more fields than the header: mark them, so they are rejected, not lost.

    The rare malformed file only: Python's csv module, one record at a time.
    """
    try:
        records = [r for r in csv.reader(io.StringIO(data.decode("utf-8"), newline=""), delimiter=sep) if r]
    except csv.Error as exc:
        raise ImportFormatError(N_("not a readable CSV file ({reason})").format(reason=exc), path=label) from None
    header, width = records[0], len(records[0])
    body = [r + [""] * (width - len(r)) if len(r) <= width else [f"{_BAD_LINE}{len(r)}"] + [""] * (width - 1)
            for r in records[1:]]
    seen: dict[str, int] = {}
    names = []
    for name in header:  # pandas' way with repeated names: a, a.1, a.2
        names.append(name if name not in seen else f"{name}.{seen[name]}")
        seen[name] = seen.get(name, 0) + 1
    return pd.DataFrame(body, columns=names, dtype=object)


def _detect(raw: pd.DataFrame, label: str) -> tuple[pd.DataFrame, str, list[str]]:
    """The table (column names as ``canonical_names`` makes them), its format and the renaming's notes."""
    raw, renamed = canonical_names(raw)
    columns = set(raw.columns)
    for fmt, keys in FORMAT_KEYS.items():
        if set(keys) <= columns:
            return raw, fmt, renamed
    period = is_aggregated(columns)
    if period is not None:  # counts per region and week or month: shown for what they are, never as events
        raise aggregated_error(period, label)
    needs = "; ".join(N_("{format} needs {columns}").format(format=FORMAT_LABELS[f], columns=", ".join(k))
                      for f, k in FORMAT_KEYS.items())
    best = max(FORMAT_KEYS, key=lambda f: len(set(FORMAT_KEYS[f]) & columns) / len(FORMAT_KEYS[f]))
    missing = [k for k in FORMAT_KEYS[best] if k not in columns]
    found = ", ".join(str(c)[:60] for c in list(raw.columns)[:12]) + (", ..." if len(raw.columns) > 12 else "")
    if len(missing) < len(FORMAT_KEYS[best]):
        raise ImportFormatError(N_("columns ({found}) are none of the known formats (closest: {format}, missing "
                                   "{missing}): {needs}").format(found=found, format=FORMAT_LABELS[best],
                                                                 missing=", ".join(missing), needs=needs), path=label)
    raise ImportFormatError(N_("columns ({found}) are none of the known formats: {needs}").format(
        found=found, needs=needs), path=label)


def _import(raw: pd.DataFrame, fmt: str, label: str, encoding: str, warnings: list[str],
            claims_raw: pd.DataFrame | None, day_first: bool | None = None
            ) -> tuple[gpd.GeoDataFrame, ImportReport]:
    raw = raw.reset_index(drop=True)
    rows_read = len(raw)
    first = raw.iloc[:, 0].astype(str) if len(raw.columns) else pd.Series([], dtype=str)
    ragged = first.str.startswith(_BAD_LINE).to_numpy()
    mapped: Mapped = _MAPPERS[fmt](raw, day_first=day_first)
    warnings = warnings + mapped.warnings + _decimal_commas(mapped)
    schema = EVENT_SCHEMA + mapped.extra_schema
    frame, problems = check_table(mapped.table, schema)
    # The format's own problems first: they explain a field better than its mapped, empty value.
    found = [*mapped.problems, reasons(problems, mapped.fields, schema)]
    ids = frame["event_id"].astype(str).str.strip().where(~ragged, "")
    folds = empty_folds()
    if fmt == "acled" and rows_read:
        bad = ragged.copy()
        for f in found:
            bad[f["row"].to_numpy(dtype=np.int64)] = True
        frame, folded, folds, notes = fold_monadic(frame, ids, bad)
        warnings = warnings + notes
        ids_for_dups = ids.where(~folded, "")
    else:
        folded = np.zeros(rows_read, dtype=bool)
        ids_for_dups = ids
    dup = (ids_for_dups.duplicated(keep="first") & ids_for_dups.ne("")).to_numpy()
    if dup.any():
        first_row = pd.Series(np.arange(rows_read) + 1, index=ids.to_numpy()).groupby(level=0).min()
        where = ids[dup].map(first_row).astype(str)
        found.append(problem_frame(dup, mapped.fields.get("event_id", "event_id"),
                                   ("duplicate id '" + ids[dup] + "' (first at row " + where + ")")
                                   .reindex(ids.index)))
    if ragged.any():
        width = first[ragged].str.slice(len(_BAD_LINE))
        found = [f[~f["row"].isin(np.flatnonzero(ragged))] for f in found]
        found.append(problem_frame(ragged, "", ("record has " + width + " fields; the header has "
                                                + str(len(raw.columns))).reindex(first.index)))
    rejected = rejected_table(pd.concat(found, ignore_index=True), ids)
    keep = np.ones(rows_read, dtype=bool)
    keep[rejected["row"].to_numpy(dtype=np.int64) - 1] = False
    accepted_rows = int(keep.sum())
    keep &= ~folded
    accepted = frame[keep]
    fields = mapped.fields
    for col, default in (("fatalities", "0"), ("time_precision", "1"), ("geo_precision", "1")):
        blank = int(accepted[col].isna().sum())
        if blank:
            warnings.append(N_("{count} row(s) had no {field}; counted as {default}").format(
                count=blank, field=fields.get(col, col), default=default))
    events = geoframe_from_table(accepted)
    for col in mapped.extra_schema:
        if col.kind == "int":
            events[col.name] = events[col.name].fillna(0).astype("int64")
    events = events.sort_values(["event_date", "event_id"], ignore_index=True)
    claims = _claims(fmt, events, claims_raw, warnings)
    if rows_read == 0:
        warnings.append(N_("the file has a header but no data rows"))
    report = ImportReport(format=fmt, source_name=label, encoding=encoding, rows_read=rows_read,
                          accepted=accepted_rows, rejected=rejected, warnings=warnings, claims=claims,
                          attribution=_ATTRIBUTIONS[fmt], folded=folds)
    assert report.accepted + report.rejected_count == report.rows_read, "a row vanished"
    assert report.event_count == len(events), "a folded row miscounted"
    return events, report


def _decimal_commas(mapped: Mapped) -> list[str]:
    """Coordinates written with a decimal comma (``19,943``: Excel in French, German... locales) as numbers."""
    done = []
    for name in ("latitude", "longitude"):
        text = mapped.table[name].astype(str)
        if not text.str.contains(",", regex=False).any():
            continue
        comma = text.str.strip().str.fullmatch(r"[-+]?\d{1,3},\d+")
        if comma.any():
            mapped.table[name] = text.where(~comma, text.str.replace(",", ".", regex=False))
            done.append(f"{mapped.fields.get(name, name)} {int(comma.sum())}")
    return [N_("coordinates with a decimal comma read as numbers ({columns})").format(columns=", ".join(done))
            ] if done else []


def _claims(fmt: str, events: gpd.GeoDataFrame, claims_raw: pd.DataFrame | None,
            warnings: list[str]) -> pd.DataFrame:
    if fmt == "ucdp":
        return ucdp_claims(events)
    empty = check_table(pd.DataFrame({c: pd.Series([], dtype=object) for c in CLAIM_COLUMNS}), CLAIM_SCHEMA)[0]
    if claims_raw is None or claims_raw.empty:
        return empty
    claims_raw = claims_raw.reset_index(drop=True)
    if "claim_date" in claims_raw.columns:
        claims_raw["claim_date"] = normalise_dates(claims_raw["claim_date"])
    claims, problems = check_table(claims_raw, CLAIM_SCHEMA)
    bad = np.zeros(len(claims), dtype=bool)
    bad[problems["row"].to_numpy(dtype=np.int64)] = True
    orphan = ~claims["event_id"].isin(events["event_id"]).to_numpy()
    if (bad | orphan).any():
        warnings.append(N_("{invalid} claim(s) invalid and {orphans} about no accepted event: left out").format(
            invalid=int(bad.sum()), orphans=int((orphan & ~bad).sum())))
    return claims[~(bad | orphan)].reset_index(drop=True)
