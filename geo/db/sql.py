"""SQL for the PostGIS source: a filter as a WHERE clause, rows copied in and out with COPY, the frames
they give, and the map's cells from per-cell counts.
"""

from __future__ import annotations

import dataclasses
import io

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import shapely

from ..events import CLAIM_SCHEMA, EVENT_SCHEMA, geoframe_from_table
from ..filters import EventFilter
from ..styles import actor_side


ENRICHED = (("region", "text"), ("border_km", "float"), ("in_tuareg_region", "bool"))


_EPOCH = pd.Timestamp("1970-01-01")


def add_period_type_region(flt: EventFilter, where: list[str], params: dict) -> None:
    """The date, event-type and region clauses of ``flt`` (columns ``event_date``, ``event_type``, ``admin1``,
    as the events and the summary tables both have them), appended to ``where`` and ``params``."""
    if flt.start is not None:
        where.append("event_date >= %(start)s")
        params["start"] = flt.start
    if flt.end is not None:
        where.append("event_date <= %(end)s")
        params["end"] = flt.end
    if flt.event_types:
        where.append("event_type = ANY(%(types)s::text[])")
        params["types"] = list(flt.event_types)
    if flt.regions:
        where.append("admin1 = ANY(%(regions)s::text[])")
        params["regions"] = list(flt.regions)


def filter_sql(flt: EventFilter | None, bounds=None, *, outside: bool = False) -> tuple[str, dict]:
    """The WHERE clause of ``flt`` (and a (west, south, east, north) box), with its parameters.

    Means exactly what ``geo.filter_events`` means: any actor, main or associated (GIN index
    on ``actors``); dates inclusive; ``event_type``/``admin1`` among the lists; at least
    ``min_fatalities``; ``border_km`` at most ``max_border_km``. With ``outside``, the events
    *outside* ``bounds`` (the coarse cells around a view).
    """
    flt = flt or EventFilter()
    where, params = [], {}
    if flt.actors:
        where.append("actors && %(actors)s::text[]")
        params["actors"] = list(flt.actors)
    add_period_type_region(flt, where, params)
    if flt.min_fatalities:
        where.append("fatalities >= %(minf)s")
        params["minf"] = int(flt.min_fatalities)
    if flt.max_border_km is not None:
        where.append("border_km <= %(border)s")
        params["border"] = float(flt.max_border_km)
    if bounds is not None:
        west, south, east, north = (float(v) for v in bounds)
        inside = ("longitude BETWEEN %(west)s AND %(east)s AND latitude BETWEEN %(south)s AND %(north)s")
        if outside:
            where.append(f"NOT ({inside})")
        else:
            where.append(f"geom && ST_MakeEnvelope(%(west)s, %(south)s, %(east)s, %(north)s, 4326) AND {inside}")
        params.update(west=west, south=south, east=east, north=north)
    return (" AND ".join(where) or "true"), params


def _arrow_column(values: pd.Series, kind: str) -> pa.Array:
    if kind == "date":
        return pa.array(pd.to_datetime(values).to_numpy().astype("datetime64[D]"), type=pa.date32(),
                        from_pandas=True)
    if kind == "int":
        return pa.array(pd.to_numeric(values).astype("Int64"), type=pa.int64(), from_pandas=True)
    if kind == "float":
        return pa.array(pd.to_numeric(values).astype(float), type=pa.float64(), from_pandas=True)
    if kind == "bool":
        return pa.array(values.astype("boolean"), type=pa.bool_(), from_pandas=True)
    arr = values.to_numpy(dtype=object)
    return pa.array(arr, type=pa.string(), from_pandas=True)


def _copy(conn, table: str, frame: pd.DataFrame, columns: list[str], chunk: int = 250_000) -> None:
    """COPY ``frame``'s ``columns`` into ``table`` as CSV written by Arrow (no Python loop per row)."""
    kinds = {c.name: c.kind for c in (*EVENT_SCHEMA, *CLAIM_SCHEMA)} | dict(ENRICHED)
    present = [c for c in columns if c in frame]
    with conn.cursor().copy(f"COPY {table} ({', '.join(present)}) FROM STDIN (FORMAT csv)") as copy:
        for start in range(0, len(frame), chunk):
            part = frame.iloc[start:start + chunk]
            arrow = pa.table({c: _arrow_column(part[c], kinds[c]) for c in present})
            buf = io.BytesIO()
            pacsv.write_csv(arrow, buf, pacsv.WriteOptions(include_header=False))
            copy.write(buf.getvalue())


def _hashed(conn, sql: str, params: dict) -> list[tuple]:
    """The rows of a cell-counting query, grouped by hashing. The planner cannot know that cells are few
    (bounded by the screen): it expects millions of groups and sorts every row to disk; hashing the
    cells is 3-5x faster at 10M events (31 s -> 6-10 s unfiltered)."""
    with conn.transaction():
        conn.execute("SET LOCAL enable_sort = off")
        return conn.execute(sql, params).fetchall()


def _copy_out(conn, sql: str, params: dict) -> bytes:
    """The rows of a parameterised SELECT as CSV bytes (COPY: several times faster than fetching tuples).

    COPY takes no server-side parameters: psycopg binds them into the statement itself, with its
    own quoting (``copy(statement, params)``); the SQL text never holds a formatted value.
    """
    from psycopg import sql as pgsql

    query = pgsql.SQL("COPY ({}) TO STDOUT (FORMAT csv, HEADER)").format(pgsql.SQL(sql))
    out = bytearray()
    with conn.cursor().copy(query, params or None) as copy:
        for block in copy:
            out += block
    return bytes(out)


_PARSE = pacsv.ParseOptions(newlines_in_values=True)  # notes may hold line breaks


def _frame(data: bytes, cols: list[str]) -> gpd.GeoDataFrame:
    kinds = {c.name: c.kind for c in EVENT_SCHEMA} | dict(ENRICHED)
    types = {c: {"text": pa.string(), "date": pa.date32(), "int": pa.int64(), "float": pa.float64(),
                 "bool": pa.bool_()}[kinds[c]] for c in cols}
    table = pacsv.read_csv(io.BytesIO(data), parse_options=_PARSE, convert_options=pacsv.ConvertOptions(
        column_types=types, strings_can_be_null=False, quoted_strings_can_be_null=False,
        true_values=["t"], false_values=["f"]))
    frame = table.to_pandas(date_as_object=False)
    for c in cols:
        if kinds[c] == "text":
            frame[c] = frame[c].astype(object)
        elif kinds[c] == "date":
            frame[c] = pd.to_datetime(frame[c]).astype("datetime64[ns]")
    if "in_tuareg_region" in frame:
        frame["in_tuareg_region"] = frame["in_tuareg_region"].astype("boolean")
    return geoframe_from_table(frame)


def _with_rejected(report, events: pd.DataFrame, dupes: list[str]):
    """``report`` with the rows whose id was already stored moved to the rejected."""
    rows = events.index[events["event_id"].isin(set(dupes))]
    extra = pd.DataFrame({"row": pd.array([pd.NA] * len(rows), dtype="Int64"),
                          "event_id": events.loc[rows, "event_id"].astype(str).tolist(),
                          "field": "event_id", "reason": "this event_id is already in the database"})
    rejected = pd.concat([report.rejected, extra], ignore_index=True)
    return dataclasses.replace(report, accepted=report.accepted - len(rows), rejected=rejected)


_MAX_LAT = 85.05112878


def _from_pixels(x, y, zoom: float):
    world = 256.0 * 2.0 ** zoom
    lon = np.asarray(x, dtype=float) / world * 360.0 - 180.0
    lat = np.degrees(2 * np.arctan(np.exp((0.5 - np.asarray(y, dtype=float) / world) * 2 * np.pi)) - np.pi / 2)
    return lon, lat


def cells_from_counts(parts: pd.DataFrame, zoom: float, *, cell_px: float = 48.0, max_cells: int = 2_500,
                      by: str | None = "event_type") -> gpd.GeoDataFrame:
    """The cells of ``geo.webmap.aggregate.aggregate_events`` from per-(cell, category) counts.

    Cells that are too many double in size (a cell of 2s pixels is exactly the union of four
    cells of s pixels: ``floor(floor(x/s)/2) == floor(x/2s)``) until at most ``max_cells`` remain.
    """
    size = float(cell_px)
    world = 256.0 * 2.0 ** zoom
    parts = parts.copy()
    if by == "side":
        parts["cat"] = [actor_side(str(v)) for v in parts["cat"]]
    elif by is None:
        parts["cat"] = ""
    while True:
        n = len(parts[["cx", "cy"]].drop_duplicates()) if len(parts) else 0
        if n <= max(max_cells, 1) or size > world:
            break
        parts["cx"], parts["cy"] = parts["cx"] // 2, parts["cy"] // 2
        size *= 2
    per = parts.groupby(["cy", "cx", "cat"], sort=True, as_index=False)[["n", "fat", "sx", "sy"]].sum()
    cells = per.groupby(["cy", "cx"], sort=True, as_index=False)[["n", "fat", "sx", "sy"]].sum()
    top = per.sort_values(["cy", "cx", "n", "cat"], ascending=[True, True, False, True]).drop_duplicates(
        ["cy", "cx"])
    cells = cells.merge(top[["cy", "cx", "cat"]], on=["cy", "cx"], how="left")
    gx, gy, counts = cells["cx"].to_numpy(np.int64), cells["cy"].to_numpy(np.int64), cells["n"].to_numpy(np.int64)
    lon_c, lat_c = _from_pixels(cells["sx"].to_numpy() / np.maximum(counts, 1),
                                cells["sy"].to_numpy() / np.maximum(counts, 1), zoom)
    west, north = _from_pixels(gx * size, gy * size, zoom)
    east, south = _from_pixels((gx + 1) * size, (gy + 1) * size, zoom)
    out = pd.DataFrame({
        "cell_x": gx, "cell_y": gy, "cell_px": np.full(len(gx), size),
        "lon": lon_c, "lat": lat_c, "west": west, "south": south, "east": east, "north": north,
        "events": counts, "fatalities": np.round(cells["fat"].to_numpy(float)).astype(np.int64),
        "dominant": cells["cat"].to_numpy(dtype=object), "zoom": float(zoom),
    })
    return gpd.GeoDataFrame(out, geometry=shapely.box(out["west"], out["south"], out["east"], out["north"]),
                            crs="EPSG:4326")
