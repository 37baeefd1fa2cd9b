"""The canonical event schema, the claims table, and the loaders of both.

Column names follow ACLED's codebook, the lingua franca of conflict data, so
that an analyst reads them without a glossary. ``fatalities`` is always the
conservative figure; what each party claimed lives in the claims table, joined
on ``event_id``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from geopandas.array import GeometryArray

from .errors import DataError
from .i18n import N_

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
EVENTS_PATH = DATA_DIR / "events.csv"
CLAIMS_PATH = DATA_DIR / "claims.csv"
CRS = "EPSG:4326"

#: Separator of the list-valued text columns (associated actors, sources), as in ACLED.
LIST_SEP = "; "


@dataclass(frozen=True)
class Column:
    """One column of a table: its name, its kind and whether it must be present."""

    name: str
    kind: str  # text | date | int | float
    required: bool = True  # the column must be in the file
    nonempty: bool = False  # every row must have a value
    lo: float | None = None
    hi: float | None = None
    choices: tuple[int, ...] | None = None
    doc: str = ""


EVENT_SCHEMA: tuple[Column, ...] = (
    Column("event_id", "text", nonempty=True, doc="unique identifier of the event"),
    Column("event_date", "date", nonempty=True, doc="date of the event (the first day of a multi-day event)"),
    Column("time_precision", "int", choices=(1, 2, 3),
           doc="1 = the day is known, 2 = the week, 3 = only the month (ACLED)"),
    Column("event_type", "text", nonempty=True, doc="ACLED event type, e.g. Battles"),
    Column("sub_event_type", "text", doc="ACLED sub-event type, e.g. Armed clash"),
    Column("actor1", "text", nonempty=True, doc="the initiating actor"),
    Column("assoc_actor_1", "text", doc="actors on actor1's side, separated by '; '"),
    Column("actor2", "text", doc="the other side"),
    Column("assoc_actor_2", "text", doc="actors on actor2's side, separated by '; '"),
    Column("country", "text", nonempty=True, doc="country"),
    Column("admin1", "text", doc="first-level region as reported"),
    Column("location", "text", nonempty=True, doc="the named place"),
    Column("latitude", "float", nonempty=True, lo=-90, hi=90, doc="WGS84 latitude of the named place"),
    Column("longitude", "float", nonempty=True, lo=-180, hi=180, doc="WGS84 longitude of the named place"),
    Column("geo_precision", "int", choices=(1, 2, 3),
           doc="1 = the place itself, 2 = near it or part of a region, 3 = only the region (ACLED)"),
    Column("fatalities", "int", lo=0, doc="conservative count of reported fatalities"),
    Column("source", "text", doc="the outlets that reported it, separated by '; '"),
    Column("source_url", "text", required=False, doc="addresses of the reports read, separated by '; '"),
    Column("notes", "text", doc="a short neutral description"),
)

CLAIM_SCHEMA: tuple[Column, ...] = (
    Column("claim_id", "text", required=False, doc="identifier of the claim"),
    Column("event_id", "text", nonempty=True, doc="the event the claim is about"),
    Column("claimant", "text", nonempty=True, doc="who makes the claim"),
    Column("claimant_side", "text", required=False, doc="government, rebels, jihadists or independent"),
    Column("source", "text", doc="where the claim was reported"),
    Column("source_url", "text", required=False, doc="address of the report"),
    Column("claim_date", "date", doc="when the claim was made"),
    Column("side", "text", doc="whose losses are claimed"),
    Column("killed", "int", lo=0, doc="claimed killed (empty: not stated)"),
    Column("wounded", "int", lo=0, doc="claimed wounded (empty: not stated)"),
    Column("captured", "int", lo=0, doc="claimed captured (empty: not stated)"),
    Column("statement", "text", required=False, doc="what was said, in short"),
)

#: Optional columns with a meaning of their own: typed when a file has them, written by every export
#: and read back, but not in ``EVENT_COLUMNS`` (most data sets, ACLED's included, have no end date).
DATE_END = Column("date_end", "date", required=False,
                  doc="the last day of a multi-day event (UCDP's date_end); empty: as event_date")

EVENT_COLUMNS = [c.name for c in EVENT_SCHEMA]
CLAIM_COLUMNS = [c.name for c in CLAIM_SCHEMA]
#: The text columns whose values are lists separated by LIST_SEP.
ASSOC_ACTOR_COLUMNS = ("assoc_actor_1", "assoc_actor_2")
ACTOR_COLUMNS = ("actor1", "assoc_actor_1", "actor2", "assoc_actor_2")


def split_list(value: str) -> list[str]:
    """Split a '; '-separated cell into its names, dropping empty ones."""
    return [part.strip() for part in str(value).split(";") if part.strip()]


#: A text cell a spreadsheet would run as a formula starts with one of these (OWASP's CSV injection list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def unquote_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of a table of strings read from this project's CSV, with the apostrophe that
    ``geo.io.exports`` puts before formula-like text removed (``'=SUM(A1)`` reads back as ``=SUM(A1)``)."""
    out = frame.copy()
    for col in out.columns:
        values = out[col]
        if not (values.dtype == object or pd.api.types.is_string_dtype(values.dtype)):
            continue
        text = values.astype(str)
        quoted = text.str.startswith("'") & text.str[1:2].isin(FORMULA_START)
        if quoted.any():
            out[col] = values.where(~quoted, text.str[1:])
    return out


def _read_csv(path: Path | str | io.IOBase, label: str) -> pd.DataFrame:
    try:
        return unquote_formulas(pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig"))
    except FileNotFoundError:
        raise DataError(N_("file not found"), path=label) from None
    except UnicodeDecodeError as exc:
        raise DataError(N_("not UTF-8 text ({reason} at byte {byte})").format(reason=exc.reason, byte=exc.start),
                        path=label) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(N_("not a readable CSV file ({reason})").format(reason=str(exc).strip()), path=label) from None


#: Kinds of problem that ``check_table`` reports.
EMPTY, INVALID = "empty", "invalid"
PROBLEM_COLUMNS = ["row", "field", "value", "problem"]


def check_table(raw: pd.DataFrame, schema: tuple[Column, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Convert a table of strings to ``schema``'s types and list every bad value.

    Returns ``(frame, problems)``. ``frame`` has the schema's columns converted (a
    column missing from ``raw`` is empty; a bad value becomes NA), then the columns
    of ``raw`` not in the schema, as text. ``problems`` has one row per bad value,
    columns ``row`` (0-based position in ``raw``), ``field``, ``value`` (the
    stripped text) and ``problem`` (``EMPTY`` for a value that is required but
    blank, ``INVALID`` for one that cannot be converted or is out of range), sorted
    by row, then field. Vectorised: no loop over the rows.
    """
    out = {}
    found: list[pd.DataFrame] = []
    for col in schema:
        if col.name not in raw.columns:
            out[col.name] = _empty(col, len(raw))
            continue
        text = raw[col.name].astype(str).str.strip()
        blank = text.eq("").to_numpy()
        values, bad = _CONVERTERS[col.kind](text, col)
        bad = np.asarray(bad, dtype=bool) & ~blank
        for mask, kind in ((blank if col.nonempty else None, EMPTY), (bad, INVALID)):
            if mask is not None and mask.any():
                rows = np.flatnonzero(mask)
                found.append(pd.DataFrame({"row": rows, "field": col.name,
                                           "value": text.to_numpy(dtype=object)[rows], "problem": kind}))
        out[col.name] = values
    frame = pd.DataFrame(out, index=raw.index)
    extra = [c for c in raw.columns if c not in frame.columns]
    for c in extra:
        frame[c] = raw[c].astype(str)
    if found:
        problems = pd.concat(found, ignore_index=True).sort_values(["row", "field"], kind="stable",
                                                                   ignore_index=True)
    else:
        problems = pd.DataFrame({"row": np.array([], dtype=np.int64), "field": [], "value": [], "problem": []},
                                columns=PROBLEM_COLUMNS).astype({"field": object, "value": object,
                                                                 "problem": object})
    return frame, problems


def coerce_table(raw: pd.DataFrame, schema: tuple[Column, ...], label: str) -> pd.DataFrame:
    """Check a table of strings against ``schema`` and convert its columns.

    Raises DataError naming the file, the first bad row and the field, and how many
    other problems there are. Columns not in the schema are kept as text.
    """
    missing = [c.name for c in schema if c.required and c.name not in raw.columns]
    if missing:
        raise DataError(
            f"missing column(s) {', '.join(missing)}; expected {', '.join(c.name for c in schema)}",
            path=label,
        )
    frame, problems = check_table(raw, schema)
    if len(problems):
        first = problems.iloc[0]
        field = str(first["field"])
        if first["problem"] == EMPTY:
            what = "is empty"
        else:
            col = next(c for c in schema if c.name == field)
            what = f"{str(first['value'])[:80]!r} {_expectation(col)}"
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        raise DataError(f"{what}{more}", path=label, row=int(first["row"]) + 1, field=field)
    return frame


def _empty(col: Column, n: int) -> pd.Series:
    if col.kind == "text":
        return pd.Series([""] * n, dtype=object)
    if col.kind == "date":
        return pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
    if col.kind == "int":
        return pd.Series(pd.NA, index=range(n), dtype="Int64")
    return pd.Series(np.nan, index=range(n), dtype=float)


def _text(s: pd.Series, col: Column) -> tuple[pd.Series, np.ndarray]:
    return s.astype(object), np.zeros(len(s), dtype=bool)


#: Dates outside these are not dates of events (and would overflow nanosecond timestamps).
DATE_MIN, DATE_MAX = pd.Timestamp("1800-01-01"), pd.Timestamp("2199-12-31")


def in_date_range(values: pd.Series) -> pd.Series:
    """Datetimes (any unit) within DATE_MIN..DATE_MAX as datetime64[ns]; others become NaT."""
    ok = values.notna() & (values >= DATE_MIN) & (values <= DATE_MAX)
    return values.where(ok).astype("datetime64[ns]")


def _date(s: pd.Series, col: Column) -> tuple[pd.Series, np.ndarray]:
    values = in_date_range(pd.to_datetime(s, format="%Y-%m-%d", errors="coerce"))
    return values, values.isna().to_numpy().copy()


def _number(s: pd.Series, col: Column) -> tuple[pd.Series, np.ndarray]:
    values = pd.to_numeric(s.where(s != ""), errors="coerce").astype(float)
    v = values.to_numpy(dtype=float, na_value=np.nan)
    bad = (~np.isfinite(v)) & s.ne("").to_numpy()
    with np.errstate(invalid="ignore"):
        if col.lo is not None:
            bad |= v < col.lo
        if col.hi is not None:
            bad |= v > col.hi
        if col.kind == "int":
            # beyond 2**53 a float no longer holds every whole number (and Int64 may overflow)
            bad |= np.isfinite(v) & ((v != np.round(v)) | (np.abs(v) >= 2.0**53))
            if col.choices is not None:
                bad |= np.isfinite(v) & ~np.isin(v, col.choices)
    if col.kind == "int":
        values = values.where(~bad).round().astype("Int64")
    return values, bad


_CONVERTERS: dict[str, Callable[[pd.Series, Column], tuple[pd.Series, np.ndarray]]] = {
    "text": _text,
    "date": _date,
    "int": _number,
    "float": _number,
}


def _expectation(col: Column) -> str:
    if col.kind == "date":
        return "is not a date (expected YYYY-MM-DD)"
    if col.choices is not None:
        return f"is not one of {', '.join(map(str, col.choices))}"
    what = "a whole number" if col.kind == "int" else "a number"
    if col.lo is not None and col.hi is not None:
        return f"is not {what} from {col.lo:g} to {col.hi:g}"
    if col.lo is not None:
        return f"is not {what} of at least {col.lo:g}"
    return f"is not {what}"


def events_from_frame(frame: pd.DataFrame, label: str = "<events>") -> gpd.GeoDataFrame:
    """Validate a table of event strings and return the canonical GeoDataFrame."""
    table = coerce_table(frame, EVENT_SCHEMA, label)
    dup = table["event_id"].duplicated(keep="first").to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise DataError(f"duplicate event_id {table['event_id'].iloc[i]!r}", path=label, row=i + 1,
                        field="event_id")
    return geoframe_from_table(table)


#: What an empty whole-number column of the event schema counts as.
EVENT_INT_DEFAULTS = {"time_precision": 1, "geo_precision": 1, "fatalities": 0}


def geoframe_from_table(table: pd.DataFrame) -> gpd.GeoDataFrame:
    """The canonical GeoDataFrame of a checked event table (``check_table``'s frame, no bad rows).

    Empty precisions count as 1 and empty fatalities as 0 (``EVENT_INT_DEFAULTS``);
    the index is reset; the point geometry is built from longitude and latitude.
    """
    table = table.copy()
    # Whole-number columns with no gaps are plain ints: simpler for everyone downstream.
    for name, default in EVENT_INT_DEFAULTS.items():
        table[name] = table[name].fillna(default).astype(int)
    table = table.reset_index(drop=True)
    return gpd.GeoDataFrame(table, geometry=points_at(table["longitude"], table["latitude"]), crs=CRS)


def points_at(lon, lat, crs: str = CRS) -> GeometryArray:
    """The points at ``lon``, ``lat``: one shapely point per distinct place, shared by every event there.

    Events repeat their places (ACLED and UCDP geocode to named places: a million events at tens of
    thousands of places). A shapely point costs about 200 bytes and a reference to one 8, so a million
    events at 40,000 places hold 16 MB of points instead of 206 MB, made in a fifth of the time.
    Shapely geometries are immutable: sharing one between events is safe. Missing coordinates give
    their own point, as ``geopandas.points_from_xy`` does.
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    place, uniques = pd.factorize(lon + 1j * lat)  # a missing coordinate is NA here: -1
    points = shapely.points(np.asarray(uniques).real, np.asarray(uniques).imag)[np.maximum(place, 0)] \
        if len(uniques) else np.empty(len(lon), dtype=object)
    missing = place < 0
    if missing.any():
        points[missing] = shapely.points(lon[missing], lat[missing])
    return GeometryArray(points, crs=crs)


#: Text columns whose values repeat (names, types, places): ``compact_events`` stores them as
#: categoricals. Identifiers, notes and URLs, mostly unique, stay plain text.
REPEATED_TEXT_COLUMNS = ("event_type", "sub_event_type", "actor1", "assoc_actor_1", "actor2", "assoc_actor_2",
                         "country", "admin1", "location", "source", "region")
#: Long, mostly unique text read only for the events shown (popups, the panel, exports): ``compact_events``
#: stores it as Arrow strings (pandas' ``str``), its bytes in one buffer rather than a Python object per
#: row: 148 MB of notes and addresses at a million events become 63 MB.
ARROW_TEXT_COLUMNS = ("notes", "source_url")
ARROW_TEXT = pd.StringDtype("pyarrow", na_value=np.nan)


def compact_events(events: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``events`` with its repeated text columns (``REPEATED_TEXT_COLUMNS``) as categoricals and its notes and
    addresses (``ARROW_TEXT_COLUMNS``) as Arrow strings; a new frame.

    The values read the same (``==``, ``isin``, ``.str``, ``to_numpy()`` give the same text), but a
    million rows take about a third of the memory, and taking rows (every filter does) copies small
    integer codes instead of a million object pointers: a filter keeping 260,000 of 1,000,000
    events takes about half the time. The dashboard's shared data set is kept in this form;
    derived frames of it must not assume plain object columns (``fillna("")`` on a categorical
    needs "" among its categories: use ``geo.events.text_values``).
    """
    out = events.copy(deep=False)
    for col in REPEATED_TEXT_COLUMNS:
        if col in out and (out[col].dtype == object or isinstance(out[col].dtype, pd.StringDtype)):
            values = out[col].to_numpy()
            if all(isinstance(v, str) for v in pd.unique(values)):  # only text: a category per value
                out[col] = pd.Categorical(values)
    for col in ARROW_TEXT_COLUMNS:
        if col in out and out[col].dtype == object and pd.api.types.infer_dtype(out[col], skipna=True) in (
                "string", "empty"):
            out[col] = out[col].astype(ARROW_TEXT)
    return out


def text_values(column: pd.Series) -> np.ndarray:
    """A text column (object or categorical) as an object array of str, "" where missing."""
    values = column.to_numpy(dtype=object)
    missing = pd.isna(values)
    if missing.any():
        values = values.copy()
        values[missing] = ""
    return values


def load_events(path: str | Path | None = None) -> gpd.GeoDataFrame:
    """Load events in the canonical schema; the embedded data set by default.

    Parameters
    ----------
    path
        A CSV file in the canonical schema (see ``EVENT_SCHEMA``). ``None`` loads
        the curated northern-Mali set shipped in ``data/events.csv``.

    Returns
    -------
    GeoDataFrame
        One row per event, point geometry in EPSG:4326, sorted by date.

    Raises
    ------
    DataError
        When the file cannot be read or a value is invalid; the message names the
        file, the row and the field.
    """
    source = Path(path) if path is not None else EVENTS_PATH
    events = events_from_frame(_read_csv(source, str(source)), str(source))
    return events.sort_values(["event_date", "event_id"], ignore_index=True)


def load_claims(path: str | Path | None = None) -> pd.DataFrame:
    """Load the claims table: one row per claimant statement about one side's losses.

    Columns: ``claim_id, event_id, claimant, claimant_side, source, source_url,
    claim_date, side, killed, wounded, captured, statement``. The numbers are
    nullable integers: empty means the claimant did not give a number.
    """
    source = Path(path) if path is not None else CLAIMS_PATH
    claims = coerce_table(_read_csv(source, str(source)), CLAIM_SCHEMA, str(source))
    return claims.reset_index(drop=True)


def claims_for(claims: pd.DataFrame | None, event_id: str) -> pd.DataFrame:
    """The claims about one event, ordered by date and claimant."""
    if claims is None or claims.empty:
        return pd.DataFrame(columns=CLAIM_COLUMNS)
    sel = claims[claims["event_id"] == event_id]
    return sel.sort_values(["claim_date", "claimant"], kind="stable", na_position="last")
