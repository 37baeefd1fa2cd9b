"""The event file formats that ``read_events`` knows, and how each maps to the canonical schema.

Each ``map_*`` function takes the file's table of strings (one column per file
column, "" for missing) and returns a ``Mapped``: the canonical columns as strings
(checked and converted later, in one place, by ``geo.io.readers``), the file's other
columns kept as extra text columns, the problems only the format can see, and the
file column each canonical field came from, so that messages name the user's own
columns. Everything is vectorised: no Python loop over the rows.

``read_parquet_table`` and ``read_geojson_table`` unpack the two typed containers of
the native format into the same table of strings.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from shapely.errors import ShapelyError

from ..errors import ImportFormatError
from ..events import DATE_END, EVENT_SCHEMA, Column, unquote_formulas
from ..i18n import N_
from .dates import normalise_dates, read_dates  # noqa: F401 (normalise_dates: re-exported)
from .limits import check_columns

#: ACLED's citation, as its attribution policy asks users to acknowledge the data.
ACLED_ATTRIBUTION = "Armed Conflict Location & Event Data (ACLED); www.acleddata.com"
UCDP_ATTRIBUTION = ("UCDP Georeferenced Event Dataset (GED), Uppsala Conflict Data Program; "
                    "Sundberg & Melander 2013, Davies et al.")
NATIVE_ATTRIBUTION = "Imported event data; sources as listed for each event"

#: The columns of an ACLED export (codebook, 2024); some exports add population columns.
ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude",
    "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
)
#: The 49 columns of the UCDP Georeferenced Event Dataset (GED) CSV (codebook, versions 22-24); gwnoa
#: and gwnob are the Gleditsch-Ward country codes of the two sides.
UCDP_COLUMNS = (
    "id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id",
    "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name", "side_a_dset_id",
    "side_a_new_id", "side_a", "side_b_dset_id", "side_b_new_id", "side_b", "number_of_sources",
    "source_article", "source_office", "source_date", "source_headline", "source_original", "where_prec",
    "where_coordinates", "where_description", "adm_1", "adm_2", "latitude", "longitude", "geom_wkt",
    "priogrid_gid", "country", "country_id", "region", "event_clarity", "date_prec", "date_start", "date_end",
    "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high", "low", "gwnoa", "gwnob",
)
NATIVE_COLUMNS = tuple(c.name for c in EVENT_SCHEMA)

#: The columns a file must have to be taken for each format (checked in this order).
FORMAT_KEYS = {
    "native": tuple(c.name for c in EVENT_SCHEMA if c.required),
    "acled": ("event_id_cnty", "event_date", "event_type", "actor1", "country", "location", "latitude",
              "longitude"),
    "ucdp": ("id", "date_start", "type_of_violence", "side_a", "side_b", "latitude", "longitude", "best"),
}
FORMAT_LABELS = {"acled": "ACLED", "ucdp": "UCDP GED", "native": "native"}

#: ACLED's numeric interaction codes (before 2024), as the text labels it uses now.
ACLED_INTER_CODES = {"0": "", "1": "State forces", "2": "Rebel group", "3": "Political militia",
                     "4": "Identity militia", "5": "Rioters", "6": "Protesters", "7": "Civilians",
                     "8": "External/Other forces"}

#: UCDP type_of_violence -> ACLED event type (UCDP counts only deadly organised violence, so every
#: state-based or non-state event is a battle in ACLED's terms, every one-sided one violence against civilians).
UCDP_EVENT_TYPES = {"1": "Battles", "2": "Battles", "3": "Violence against civilians"}
#: ... and UCDP's own name of the type, kept as the sub-event type.
UCDP_VIOLENCE = {"1": "State-based conflict", "2": "Non-state conflict", "3": "One-sided violence"}
#: UCDP date_prec (1 day, 2 two to six days, 3 week, 4 month or 8-30 days, 5 year or more) -> time_precision.
UCDP_DATE_PREC = {"1": "1", "2": "2", "3": "2", "4": "3", "5": "3"}
#: UCDP where_prec (1 exact place, 2 within 25 km, 3 second-order admin unit, 4 first-order unit,
#: 5 linear feature or area, 6 country, 7 international waters or airspace) -> geo_precision.
UCDP_WHERE_PREC = {"1": "1", "2": "2", "3": "2", "4": "3", "5": "3", "6": "3", "7": "3"}
#: The lower-case kind UCDP's ``adm_1`` writes after a name ("Rif Dimashq governorate", "Kidal region",
#: "Borno state"): trimmed for ``admin1`` (display, regions), kept in ``adm_1``. A capital is part of the name
#: ("Western Region" stays).
UCDP_ADMIN_SUFFIX = (r" (?:province|region|governorate|state|district|department|prefecture|oblast|county|"
                     r"municipality|division|zone|wilaya|muhafazah)$")
#: The extra whole-number columns of a UCDP import (and of a native file that carries them).
FATALITY_RANGE = (Column("fatalities_low", "int", required=False, lo=0),
                  Column("fatalities_high", "int", required=False, lo=0))


@dataclass
class Mapped:
    """A file's table mapped to the canonical columns (as strings), before checking."""

    table: pd.DataFrame
    fields: dict[str, str]  # canonical column -> the file's column, for messages
    problems: list[pd.DataFrame] = field(default_factory=list)  # row (0-based), field, reason
    warnings: list[str] = field(default_factory=list)
    extra_schema: tuple[Column, ...] = ()


def problem_frame(mask: pd.Series | np.ndarray, field_name: str, reasons: pd.Series | str) -> pd.DataFrame:
    """The rows of ``mask`` as problems of ``field_name``, one reason each."""
    mask = np.asarray(mask, dtype=bool)
    rows = np.flatnonzero(mask)
    if isinstance(reasons, pd.Series):
        reasons = reasons.to_numpy(dtype=object)[rows]
    return pd.DataFrame({"row": rows, "field": field_name, "reason": reasons})


def join_list(text: pd.Series) -> pd.Series:
    """A list cell with its names separated by exactly '; ', as in ACLED."""
    text = text.astype(str)
    odd = (text.str.contains(";", regex=False) & ~text.str.fullmatch(r"(?:[^;]*[^; ]; )*[^; ][^;]*")).to_numpy()
    if not odd.any():
        return text
    text = text.copy()
    text[odd] = text[odd].str.replace(r"\s*;\s*", "; ", regex=True).str.strip("; ")
    return text


def _codes(text: pd.Series) -> pd.Series:
    """Codes as their digits: '1', ' 1 ' and '1.0' are all '1'."""
    return text.str.strip().str.replace(r"\.0+$", "", regex=True)


def _column(raw: pd.DataFrame, name: str) -> pd.Series:
    if name in raw.columns:
        return raw[name].astype(str)
    return pd.Series("", index=raw.index, dtype=object)


def _missing(raw: pd.DataFrame, wanted: tuple[str, ...], label: str) -> list[str]:
    missing = [c for c in wanted if c not in raw.columns]
    return [N_("{format} column(s) missing, left empty: {columns}").format(format=label, columns=", ".join(missing))
            ] if missing else []


def _dates(table: pd.DataFrame, name: str, source: pd.Series, day_first: bool | None,
           mapped: Mapped, field_name: str) -> None:
    """Read a date column into ``table[name]``; its notes and problems into ``mapped``."""
    reading = read_dates(source, day_first=day_first, name=field_name)
    table[name] = reading.values
    mapped.warnings.extend(reading.notes)
    if len(reading.problems):
        mask = np.zeros(len(table), dtype=bool)
        mask[reading.problems.index.to_numpy()] = True
        reasons = pd.Series("", index=table.index, dtype=object)
        reasons.iloc[reading.problems.index.to_numpy()] = reading.problems.to_numpy()
        mapped.problems.append(problem_frame(mask, field_name, reasons))


def _date_end(table: pd.DataFrame, mapped: Mapped, start_field: str, end_field: str) -> None:
    """Rows whose last day is before their first are problems."""
    start = pd.to_datetime(table["event_date"], format="%Y-%m-%d", errors="coerce")
    end = pd.to_datetime(table["date_end"], format="%Y-%m-%d", errors="coerce")
    before = (end < start).to_numpy()
    if before.any():
        mapped.problems.append(problem_frame(before, end_field, end_field + " '" + table["date_end"].astype(str)
                                             + "' is before " + start_field + " '" + table["event_date"] + "'"))


def map_native(raw: pd.DataFrame, *, day_first: bool | None = None) -> Mapped:
    """The project's own columns, as written by ``export_events``: only dates are normalised (and the
    apostrophe the CSV export puts before formula-like text is taken off again)."""
    table = unquote_formulas(raw.drop(columns=[c for c in ("geometry",) if c in raw.columns]))
    mapped = Mapped(table, {}, extra_schema=tuple(c for c in FATALITY_RANGE if c.name in table.columns))
    _dates(table, "event_date", table["event_date"], day_first, mapped, "event_date")
    if "date_end" in table.columns:
        _dates(table, "date_end", table["date_end"], day_first, mapped, "date_end")
        _date_end(table, mapped, "event_date", "date_end")
        mapped.extra_schema += (DATE_END,)
    return mapped


def map_acled(raw: pd.DataFrame, *, day_first: bool | None = None) -> Mapped:
    """An ACLED export: ``event_id_cnty`` is the event id, dates are read in both of ACLED's styles.

    The other ACLED columns (disorder type, inter codes, admin2, tags, population, ...)
    are kept as extra text columns; numeric inter codes become ACLED's text labels.
    """
    col = lambda name: _column(raw, name)  # noqa: E731
    table = pd.DataFrame({"event_id": col("event_id_cnty").str.strip()}, index=raw.index)
    mapped = Mapped(table, {"event_id": "event_id_cnty"}, warnings=[])
    _dates(table, "event_date", col("event_date"), day_first, mapped, "event_date")
    for name in NATIVE_COLUMNS[2:]:
        table[name] = col(name)
    for name in ("assoc_actor_1", "assoc_actor_2", "source"):
        table[name] = join_list(table[name])
    for name in raw.columns:
        if name not in table.columns and name not in ("event_id_cnty", "event_date"):
            table[name] = raw[name].astype(str)
    for name in ("inter1", "inter2"):
        if name in table.columns:
            codes = _codes(table[name])
            table[name] = codes.map(ACLED_INTER_CODES).where(codes.isin(list(ACLED_INTER_CODES)), table[name])
    wanted = tuple(c for c in ACLED_COLUMNS if c in NATIVE_COLUMNS or c == "event_id_cnty")
    mapped.table = table
    mapped.warnings[:0] = _missing(raw, wanted, "ACLED")
    return mapped


def map_ucdp(raw: pd.DataFrame, *, day_first: bool | None = None) -> Mapped:
    """A UCDP GED file.

    - ``event_id`` is ``"UCDP-" + id``; ``actor1``/``actor2`` are ``side_a``/``side_b``.
    - ``event_type`` from ``type_of_violence``: 1 (state-based) and 2 (non-state) are
      "Battles", 3 (one-sided) is "Violence against civilians"; UCDP's own name of the
      type becomes ``sub_event_type``.
    - ``event_date`` is ``date_start`` and ``date_end`` (a date column) is ``date_end``, the
      last day of a multi-day event (a row ending before it starts is rejected);
      ``time_precision`` from ``date_prec`` (1 -> 1,
      2-3 -> 2, 4-5 -> 3); ``geo_precision`` from ``where_prec`` (1 -> 1, 2-3 -> 2, 4-7 -> 3).
    - ``fatalities`` is ``best``; ``low`` and ``high`` become ``fatalities_low`` and
      ``fatalities_high`` (the best figure where they are empty). A row where
      ``low <= best <= high`` does not hold is kept (UCDP's totals stay its own), flagged in
      ``estimates_flag`` ("kept: low 334 > best 333") and counted in the report.
    - ``location`` is ``where_coordinates``; ``admin1`` is ``adm_1`` without UCDP's
      lower-case kind (" province", " region", " governorate"...: ``UCDP_ADMIN_SUFFIX``; the original
      stays in ``adm_1``).
    - ``source`` is ``source_office``; ``notes`` the headline(s) and the description of the place.
    The file's other columns are kept as extra text columns.
    """
    col = lambda name: _column(raw, name)  # noqa: E731
    ident = _codes(col("id"))
    violence = _codes(col("type_of_violence"))
    date_prec, where_prec = _codes(col("date_prec")), _codes(col("where_prec"))
    best = col("best").str.strip()
    headline, where = col("source_headline").str.strip(), col("where_description").str.strip()
    table = pd.DataFrame({
        "event_id": ("UCDP-" + ident).where(ident.ne(""), ""),
        "event_date": "",
        "time_precision": date_prec.map(UCDP_DATE_PREC).fillna(""),
        "event_type": violence.map(UCDP_EVENT_TYPES).fillna(""),
        "sub_event_type": violence.map(UCDP_VIOLENCE).fillna(""),
        "actor1": col("side_a"), "assoc_actor_1": "", "actor2": col("side_b"), "assoc_actor_2": "",
        "country": col("country"),
        "admin1": col("adm_1").str.strip().str.replace(UCDP_ADMIN_SUFFIX, "", regex=True),
        "location": col("where_coordinates"), "latitude": col("latitude"), "longitude": col("longitude"),
        "geo_precision": where_prec.map(UCDP_WHERE_PREC).fillna(""),
        "fatalities": best,
        "source": join_list(col("source_office")), "source_url": "",
        "notes": headline.where(where.eq(""), headline + " (" + where + ")").where(headline.ne(""), where),
    }, index=raw.index)
    warnings = _missing(raw, ("date_prec", "where_prec", "adm_1", "where_coordinates", "low", "high",
                              "source_office"), "UCDP GED")
    for name, source in (("fatalities_low", "low"), ("fatalities_high", "high")):
        value = col(source).str.strip()
        filled = value.eq("") & best.ne("")
        if filled.any() and source in raw.columns:
            warnings.append(N_("{count} row(s) had no {field} estimate; the best estimate is used").format(
                count=int(filled.sum()), field=source))
        table[name] = value.where(~filled, best)
    used = {"id", "side_a", "side_b", "date_start", "date_end", "where_coordinates", "latitude", "longitude",
            "country", "best", "low", "high"}
    for name in raw.columns:
        if name not in used and name not in table.columns:
            table[name] = raw[name].astype(str)
    fields = {"event_id": "id", "event_date": "date_start", "time_precision": "date_prec",
              "event_type": "type_of_violence", "actor1": "side_a", "actor2": "side_b", "admin1": "adm_1",
              "location": "where_coordinates", "geo_precision": "where_prec", "fatalities": "best",
              "fatalities_low": "low", "fatalities_high": "high", "source": "source_office"}
    mapped = Mapped(table, fields, [], warnings, FATALITY_RANGE)
    _dates(table, "event_date", col("date_start"), day_first, mapped, "date_start")
    if "date_end" in raw.columns:
        _dates(table, "date_end", col("date_end"), day_first, mapped, "date_end")
        _date_end(table, mapped, "date_start", "date_end")
        mapped.extra_schema += (DATE_END,)
        fields["date_end"] = "date_end"
    _ucdp_checks(table, mapped, violence, date_prec, where_prec)
    return mapped



def _ucdp_checks(table: pd.DataFrame, mapped: Mapped, violence: pd.Series, date_prec: pd.Series,
                 where_prec: pd.Series) -> None:
    """UCDP's codes each one of its codebook's, and its estimates in order."""
    for name, codes, allowed in (("type_of_violence", violence, UCDP_EVENT_TYPES),
                                 ("date_prec", date_prec, UCDP_DATE_PREC),
                                 ("where_prec", where_prec, UCDP_WHERE_PREC)):
        bad = codes.ne("") & ~codes.isin(list(allowed))
        if bad.any():
            choices = ", ".join(allowed)
            mapped.problems.append(problem_frame(bad, name, name + " '" + codes.str.slice(0, 40)
                                                 + "' not one of " + choices))
    _estimate_flags(table, mapped)


#: The column that says why a UCDP row's estimates were kept out of order ("kept: low 334 > best 333").
ESTIMATE_FLAG = "estimates_flag"


def _estimate_flags(table: pd.DataFrame, mapped: Mapped) -> None:
    """Rows whose estimates are out of order (``low <= best <= high`` does not hold: UCDP GED has real
    ones) are kept, never rejected, so that a file's totals stay UCDP's own: ``best`` is the fatalities,
    the three figures are claims, and ``estimates_flag`` says why ("kept: low 334 > best 333"); the
    report counts them and names the first."""
    low, mid, high = (pd.to_numeric(table[c].str.strip(), errors="coerce")
                      for c in ("fatalities_low", "fatalities", "fatalities_high"))
    text = {k: table[c].str.strip() for k, c in (("low", "fatalities_low"), ("best", "fatalities"),
                                                  ("high", "fatalities_high"))}
    parts = [((low > mid).to_numpy(), "low " + text["low"] + " > best " + text["best"]),
             ((mid > high).to_numpy(), "best " + text["best"] + " > high " + text["high"]),
             (((low > high) & ~(low > mid) & ~(mid > high)).to_numpy(), "low " + text["low"] + " > high "
              + text["high"])]
    disorder = parts[0][0] | parts[1][0] | parts[2][0]
    if not disorder.any():
        return
    flag = pd.Series("", index=table.index, dtype=object)
    for mask, words in parts:
        flag[mask] = flag[mask].where(flag[mask].eq(""), flag[mask] + "; ") + words[mask]
    table[ESTIMATE_FLAG] = ("kept: " + flag).where(disorder, "")
    first = int(np.flatnonzero(disorder)[0])
    mapped.warnings.append(N_("{count} row(s) kept although UCDP's estimates are out of order (low <= best <= "
                              "high does not hold): best is the fatalities, low, best and high are claims, and "
                              "{column} says why (e.g. row {row}, id {id}: {flag})").format(
        count=int(disorder.sum()), column=ESTIMATE_FLAG, row=first + 1, id=table["event_id"].iloc[first],
        flag=table[ESTIMATE_FLAG].iloc[first]))


def ucdp_claims(events: pd.DataFrame) -> pd.DataFrame:
    """UCDP's low, best and high estimates of each event as three claims (all parties' deaths).

    The best estimate's statement gives UCDP's breakdown (deaths of side A, side B,
    civilians, unknown) where the file has it.
    """
    n = len(events)
    ids = events["event_id"].astype(object)
    breakdown = pd.Series("", index=events.index, dtype=object)
    parts = [("deaths_a", "side A"), ("deaths_b", "side B"), ("deaths_civilians", "civilians"),
             ("deaths_unknown", "unknown")]
    if all(c in events.columns for c, _ in parts):
        breakdown = "; deaths of side A " + events["deaths_a"].astype(str).str.strip()
        for c, label in parts[1:]:
            breakdown = breakdown + f", {label} " + events[c].astype(str).str.strip()
        breakdown = breakdown.astype(object)
    frames = []
    for key, column in (("low", "fatalities_low"), ("best", "fatalities"), ("high", "fatalities_high")):
        statement = f"UCDP GED {key} estimate of all deaths"
        frames.append(pd.DataFrame({
            "claim_id": (ids + f"-{key}").to_numpy(), "event_id": ids.to_numpy(),
            "claimant": f"UCDP GED ({key} estimate)", "claimant_side": "independent", "source": "UCDP GED",
            "source_url": "", "claim_date": pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]"),
            "side": "all parties", "killed": pd.array(events[column].to_numpy(), dtype="Int64"),
            "wounded": pd.array([pd.NA] * n, dtype="Int64"), "captured": pd.array([pd.NA] * n, dtype="Int64"),
            "statement": (statement + breakdown).to_numpy() if key == "best" else statement,
        }))
    claims = pd.concat(frames, ignore_index=True)
    order = np.argsort(claims["event_id"].to_numpy(dtype=str), kind="stable")
    claims = claims.iloc[order].reset_index(drop=True)
    for name in ("claim_id", "event_id", "claimant", "claimant_side", "source", "source_url", "side", "statement"):
        claims[name] = claims[name].astype(object)
    return claims


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Typed columns (from JSON or Parquet) as strings: dates as YYYY-MM-DD, missing values as ""."""
    out = {}
    for name in frame.columns:
        s = frame[name]
        if pd.api.types.is_datetime64_any_dtype(s):
            text = s.dt.strftime("%Y-%m-%d")
        else:
            text = s.astype(object).where(s.notna(), "").astype(str)
        out[str(name)] = text.where(s.notna(), "").astype(object)
    return pd.DataFrame(out, index=frame.index)


def read_parquet_table(data: bytes, label: str) -> tuple[pd.DataFrame, pd.DataFrame | None, str | None]:
    """The table as strings (lat/lon from the geometry if absent), and its key-value metadata's
    "claims" (JSON records, as ``geo.io.exports`` writes them) and "attribution"."""
    try:
        check_columns(pq.ParquetFile(io.BytesIO(data)).metadata.num_columns, label, what="GeoParquet file")
        table = pq.read_table(io.BytesIO(data))
        frame = table.to_pandas()
        geometry = frame.pop("geometry") if "geometry" in frame.columns else None
        raw = as_text(frame)
        if geometry is not None and not {"latitude", "longitude"} <= set(raw.columns):
            points = gpd.GeoSeries.from_wkb(geometry.to_numpy(), crs="EPSG:4326")
            raw["longitude"], raw["latitude"] = points.x.astype(str), points.y.astype(str)
    except ImportFormatError:
        raise
    except (pa.ArrowException, OSError, ValueError, TypeError, ShapelyError) as exc:  # a damaged file
        raise ImportFormatError(N_("not a readable GeoParquet file ({reason})").format(
            reason=" ".join(str(exc).split())[:200]), path=label) from None
    meta = table.schema.metadata or {}
    claims = None
    try:
        records = json.loads(meta[b"claims"]) if b"claims" in meta else None
        if isinstance(records, list):
            claims = as_text(pd.DataFrame.from_records([r for r in records if isinstance(r, dict)]))
    except (ValueError, TypeError, RecursionError):
        pass  # unreadable claims: the events stand alone (read_events warns of no claims)
    attribution = meta.get(b"attribution")
    return raw, claims, attribution.decode("utf-8", "replace") if attribution else None


def read_geojson_table(data, label: str) -> tuple[pd.DataFrame, pd.DataFrame | None, str | None]:
    """The features' properties, their "claims" lists (flattened) and the collection's attribution.
    ``data``: the file's bytes, or its JSON already parsed."""
    if isinstance(data, (bytes, bytearray, str)):
        try:
            doc = json.loads(data)
        except (ValueError, RecursionError) as exc:
            raise ImportFormatError(N_("not readable JSON ({reason})").format(reason=exc), path=label) from None
    else:
        doc = data
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list) or doc.get("type") != "FeatureCollection":
        raise ImportFormatError(N_("JSON but not a GeoJSON FeatureCollection, nor an answer of ACLED's or "
                                   "UCDP's API"), path=label)
    # Parsing JSON is per feature anyway: this is the only loop over the rows, and it only unpacks.
    features = [f if isinstance(f, dict) else {} for f in features]
    props = [f.get("properties") if isinstance(f.get("properties"), dict) else {} for f in features]
    check_columns(len(set().union(*(p.keys() for p in props))) if props else 0, label, what="GeoJSON")
    frame = pd.DataFrame.from_records(props, index=range(len(props)))
    if not {"latitude", "longitude"} <= set(frame.columns):
        geoms = [f.get("geometry") if isinstance(f.get("geometry"), dict) else {} for f in features]
        coords = [g.get("coordinates") if isinstance(g.get("coordinates"), list) else [] for g in geoms]
        xy = pd.DataFrame([c[:2] if len(c) >= 2 else [None, None] for c in coords],
                          columns=["longitude", "latitude"], index=frame.index)
        frame = frame.drop(columns=[c for c in ("longitude", "latitude") if c in frame.columns]).join(xy)
    claims = None
    if "claims" in frame.columns:
        listed = frame[["event_id", "claims"]].explode("claims") if "event_id" in frame.columns else None
        if listed is not None:
            listed = listed[listed["claims"].map(lambda c: isinstance(c, dict))]
            claims = pd.DataFrame.from_records(listed["claims"].tolist(), index=listed.index)
            if "event_id" not in claims.columns:
                claims["event_id"] = listed["event_id"]
            claims["event_id"] = claims["event_id"].where(claims["event_id"].notna(), listed["event_id"])
            claims = as_text(claims)
        frame = frame.drop(columns="claims")
    meta = doc.get("metadata")
    attribution = doc.get("attribution") or (meta.get("attribution") if isinstance(meta, dict) else None)
    return as_text(frame), claims, attribution if isinstance(attribution, str) else None
