"""The map's cells from the database: counts per cell at each zoom, read from the summary tables where
they can answer and from the events otherwise, snapped to a grid so that a pan reuses them.
"""

from __future__ import annotations

import time

import geopandas as gpd
import numpy as np
import pandas as pd

from ..filters import EventFilter
from . import asof, summary
from .postgis import PostgisSource
from .sql import _from_pixels, add_period_type_region, cells_from_counts


def summaries_ready(src: PostgisSource) -> bool:
    """True when the database keeps the summary tables up to date, and for a source as of a version
    (``PostgisSource.as_of``) the changes of every later version too (``geo.db.asof``); checked once per source
    and minute."""
    memo = src.__dict__.get("_summaries")
    if memo is not None and time.monotonic() - memo[1] < 60:
        return memo[0]
    ok = bool(src.run(summary.is_current))
    if ok and src.version is not None:
        ok = bool(src.run(lambda conn: asof.ready(conn, src.version)))
    src.__dict__["_summaries"] = (ok, time.monotonic())
    return ok


def _summary_where(flt: EventFilter, table: str) -> tuple[str, dict] | None:
    """The WHERE clause of ``flt`` over a summary ``table``, or None when that table cannot answer it."""
    flt = flt or EventFilter()
    per_actor = table.startswith("sum_actor")
    can = summary.FILTERS[table]
    if flt.max_border_km is not None or len(flt.actors) > 1 or bool(flt.actors) != per_actor:
        return None
    if "dates" not in can and (flt.start is not None or flt.end is not None):
        return None
    if flt.min_fatalities and ("fclass" not in can or flt.min_fatalities > summary.FATALITY_CLASSES):
        return None
    if flt.regions and "admin1" not in can:
        return None
    where, params = [], {}
    if per_actor:
        where.append("actor = %(actor)s")
        params["actor"] = flt.actors[0]
    add_period_type_region(flt, where, params)
    if flt.min_fatalities:
        where.append("fclass >= %(minf)s")
        params["minf"] = int(flt.min_fatalities)
    return (" AND ".join(where) or "true"), params


def _summary(src: PostgisSource, flt: EventFilter, table: str) -> tuple[str, dict] | None:
    """The WHERE clause of ``flt`` over ``summary_table(src, table)`` and its parameters, or None."""
    if not summaries_ready(src):
        return None
    found = _summary_where(flt, table)
    if found is None:
        return None
    return found[0], {**src.relation_params, **found[1]}


def summary_table(src: PostgisSource, table: str) -> str:
    """The summary ``table`` as ``src`` reads it: the table, or for a source as of a version the table as of that
    version (``geo.db.asof.summary_from``: parameter ``asof``, in ``src.relation_params``)."""
    return asof.summary_from(table, src.version)


def _to_pixels(lon, lat, zoom: float):
    """Web Mercator world pixels at ``zoom`` (as ``geo.webmap.aggregate.to_pixels``, which io may not import)."""
    world = 256.0 * 2.0 ** zoom
    lat = np.clip(np.asarray(lat, dtype=float), -85.05112878, 85.05112878)
    x = (np.asarray(lon, dtype=float) + 180.0) / 360.0 * world
    y = (0.5 - np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)) / (2 * np.pi)) * world
    return x, y


def _level(zoom: int, outer_zoom: int) -> int:
    """The zoom of the summary cells a view at ``zoom`` is counted from: the coarse copy when both the
    view's cells and those around it are at most its zoom, else the finest."""
    return summary.COARSE_ZOOM if int(zoom) <= summary.COARSE_ZOOM else summary.SUMMARY_ZOOM


def snapped_bounds(bounds, zoom: int, level: int | None = None
                   ) -> tuple[tuple[float, float, float, float], tuple[int, int, int, int]]:
    """``bounds`` widened to whole 48-pixel cells at ``min(zoom, level)``, and those edges as cells of the
    summary at ``level`` (default ``SUMMARY_ZOOM``; x0, y0, x1, y1: cells x0 <= cx < x1, y0 <= cy < y1), so
    that every summary cell is wholly inside or wholly outside. The map draws the padded view; a few
    pixels more change nothing."""
    top = summary.SUMMARY_ZOOM if level is None else int(level)
    level = min(int(zoom), top)
    west, south, east, north = (float(v) for v in bounds)
    (xw, xe), (yn, ys) = _to_pixels([west, east], [north, south], level)
    x0, x1 = int(np.floor(xw / summary.CELL_PX)), int(np.ceil(xe / summary.CELL_PX))
    y0, y1 = int(np.floor(yn / summary.CELL_PX)), int(np.ceil(ys / summary.CELL_PX))
    (w, e), (n, s) = _from_pixels([x0 * summary.CELL_PX, x1 * summary.CELL_PX],
                                 [y0 * summary.CELL_PX, y1 * summary.CELL_PX], level)
    k = 2 ** (top - level)
    return (float(max(w, -180.0)), float(s), float(min(e, 180.0)), float(n)), (x0 * k, y0 * k, x1 * k, y1 * k)


def _summary_cells(src, flt, edges, by, level: int) -> pd.DataFrame | None:
    """Per (summary cell, category): inside, cx, cy, cat, n, fat, sx, sy at ``level``; None if not served."""
    if by not in ("event_type", None):
        return None
    table = "sum_actor_cells" if flt.actors else ("sum_cells_coarse" if level == summary.COARSE_ZOOM else "sum_cells")
    if flt.actors and level != summary.SUMMARY_ZOOM:
        return None
    found = _summary(src, flt, table)
    if found is None:
        return None
    where, params = found
    x0, y0, x1, y1 = edges
    params.update(x0=x0, y0=y0, x1=x1, y1=y1)
    cat = "event_type" if by == "event_type" else "''"
    sql = (f"SELECT (cx >= %(x0)s AND cx < %(x1)s AND cy >= %(y0)s AND cy < %(y1)s) AS inside, cx, cy, "
           f"{cat} AS cat, sum(n)::bigint, sum(fat)::float8, sum(sx), sum(sy) FROM {summary_table(src, table)} "
           f"WHERE {where} "
           f"GROUP BY 1, 2, 3, 4")
    rows = src.run(lambda conn: conn.execute(sql, params).fetchall())
    return pd.DataFrame(rows, columns=["inside", "cx", "cy", "cat", "n", "fat", "sx", "sy"]).astype(
        {"inside": bool, "cx": np.int64, "cy": np.int64, "cat": object, "n": np.int64, "fat": float, "sx": float,
         "sy": float})


def _place_cells(src, flt, zoom: int, bounds, by) -> pd.DataFrame | None:
    """Per (cell at ``zoom``, category) of the events inside ``bounds``, counted from ``sum_places`` (each
    place has its coordinates: its events fall in one cell at any zoom); None when it cannot answer."""
    if by not in ("event_type", None):
        return None
    found = _summary(src, flt, "sum_places")
    if found is None:
        return None
    where, params = found
    west, south, east, north = (float(v) for v in bounds)
    params.update(world=256.0 * 2.0 ** float(zoom), size=summary.CELL_PX, west=west, east=east, south=south,
                  north=north)
    cat = "event_type" if by == "event_type" else "''"
    sql = f"""
        WITH p AS (
          SELECT (longitude + 180.0) / 360.0 * %(world)s AS x,
                 (0.5 - ln(tan(pi() / 4 + radians(least(greatest(latitude, -85.05112878), 85.05112878)) / 2))
                  / (2 * pi())) * %(world)s AS y, n, fat, {cat} AS cat
          FROM {summary_table(src, "sum_places")} WHERE {where} AND longitude BETWEEN %(west)s AND %(east)s
            AND latitude BETWEEN %(south)s AND %(north)s)
        SELECT floor(x / %(size)s)::bigint, floor(y / %(size)s)::bigint, cat, sum(n)::bigint, sum(fat)::float8,
               sum(n * x), sum(n * y)
        FROM p GROUP BY 1, 2, 3"""
    rows = src.run(lambda conn: conn.execute(sql, params).fetchall())
    return pd.DataFrame(rows, columns=["cx", "cy", "cat", "n", "fat", "sx", "sy"]).astype(
        {"cx": np.int64, "cy": np.int64, "cat": object, "n": np.int64, "fat": float, "sx": float, "sy": float})


def _at_zoom(parts: pd.DataFrame, zoom: int, level: int = summary.SUMMARY_ZOOM) -> pd.DataFrame:
    """Summary cells (at ``level``) as the cells of ``zoom`` <= ``level``: nested, so a shift."""
    k = int(level) - int(zoom)
    out = parts.drop(columns="inside").copy()
    out["cx"], out["cy"] = out["cx"].to_numpy(np.int64) >> k, out["cy"].to_numpy(np.int64) >> k
    out["sx"], out["sy"] = out["sx"] / 2.0 ** k, out["sy"] / 2.0 ** k
    return out


def db_lod_cells(src: PostgisSource, flt: EventFilter | None, zoom: int, bounds, *, by: str | None = "event_type",
                 cell_px: float = 48.0, max_cells: int = 2_500, max_outer_cells: int = 500,
                 outer_levels: int = 3) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, tuple]:
    """``geo.webmap.aggregate.lod_cells(filter_events(events, flt), zoom, bounds=B)`` in the database, where
    ``B`` is ``bounds`` snapped to whole cells (``snapped_bounds``); returns (inner, outer, B).

    From the summaries when the filter is one they hold (any event types, regions, at least up to
    ``FATALITY_CLASSES`` fatalities, or one actor with event types) and the zoom is at most three past
    ``SUMMARY_ZOOM`` (beyond ``SUMMARY_ZOOM`` the events in the view are counted from their places,
    ``sum_places``, or from ``events`` for an actor; those around it from the summary cells); from
    ``events`` otherwise."""
    flt = flt or EventFilter()
    zoom = int(zoom)
    outer_zoom = max(zoom - outer_levels, 0)
    parts = None
    level = _level(zoom, outer_zoom)
    if flt.actors:  # one table of cells per actor
        level = summary.SUMMARY_ZOOM
    snapped, edges = snapped_bounds(bounds, zoom, level)
    if cell_px == summary.CELL_PX and outer_zoom <= summary.SUMMARY_ZOOM:
        parts = _summary_cells(src, flt, edges, by, level)
    if parts is None:
        snapped, _ = snapped_bounds(bounds, zoom)
        inner, outer = src.lod_cells(flt, zoom, snapped, outer_zoom=outer_zoom, cell_px=cell_px,
                                     max_cells=max_cells, max_outer_cells=max_outer_cells, by=by)
        return inner, outer, snapped
    outer = cells_from_counts(_at_zoom(parts[~parts["inside"]], outer_zoom, level), outer_zoom, cell_px=cell_px,
                              max_cells=max_outer_cells, by=by)
    if zoom <= level:
        inner_parts = _at_zoom(parts[parts["inside"]], zoom, level)
    else:  # finer than the summary cells: the view's places (exact coordinates), or its events one by one
        inner_parts = _place_cells(src, flt, zoom, snapped, by)
        if inner_parts is None:
            inner_parts = src.cell_counts(flt, zoom, snapped, cell_px=cell_px, by=by)
    inner = cells_from_counts(inner_parts, zoom, cell_px=cell_px, max_cells=max_cells, by=by)
    return inner, outer, snapped
