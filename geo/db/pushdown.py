"""What a view of a PostGIS database shows, asked of the database: its counts, cells, timeline, places,
table rows and vocabulary, never its millions of rows.

Each answer comes from the summary tables (``geo.db.summary``) when the filter can be read there, and
from ``events`` (one parameterised query served by its indexes) otherwise; both mean exactly what
``geo.filter_events`` followed by ``summarize``, ``timeline``, ``aggregate_events``/``lod_cells`` or
``by_region`` mean on the same events in memory.

``DatabaseDataset`` is the dashboard's data set of a database: the vocabulary, the date range, the
actors with their counts, the boundary layers and the title, read once per change of the data; and
``select(filter)``, a ``Selection`` whose parts are each one query, made when asked.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cached_property

import geopandas as gpd
import numpy as np
import pandas as pd

from ..analysis import FREQUENCIES, PERIOD_CODES
from ..errors import GeoError
from ..extent import extent_of, home_view
from ..filters import EventFilter
from ..layers import country_at, data_title, load_layers, title_places
from ..view import Vocabulary
from . import summary
from .postgis import (EVENT_COLUMNS_SQL, PostgisSource, _copy_out, _frame, _from_pixels, _hashed,
                      add_period_type_region, cells_from_counts, filter_sql)

#: Past this many events a selection is not fetched as rows (the map draws cells; see ``geo.MAX_MARKERS``).
ROW_LIMIT = 3_000


def summaries_ready(src: PostgisSource) -> bool:
    """True when the database keeps the summary tables up to date (checked once per source and minute)."""
    memo = src.__dict__.get("_summaries")
    if memo is not None and time.monotonic() - memo[1] < 60:
        return memo[0]
    ok = bool(src.run(summary.is_current))
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
    if not summaries_ready(src):
        return None
    return _summary_where(flt, table)


# --- the map's cells ----------------------------------------------------------------------------------


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
           f"{cat} AS cat, sum(n)::bigint, sum(fat)::float8, sum(sx), sum(sy) FROM {table} WHERE {where} "
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
          FROM sum_places WHERE {where} AND longitude BETWEEN %(west)s AND %(east)s
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


def db_region_counts(src: PostgisSource, flt: EventFilter | None) -> pd.DataFrame:
    """Events and fatalities per enriched ``region`` (as ``geo.by_region`` counts them), indexed by name."""
    flt = flt or EventFilter()
    found = _summary(src, flt, "sum_regions")
    if found is not None:
        where, params = found
        sql = f"SELECT region, sum(n)::bigint, sum(fat)::bigint FROM sum_regions WHERE {where} GROUP BY 1"
    else:
        where, params = filter_sql(flt)
        sql = (f"SELECT coalesce(region, ''), count(*), coalesce(sum(fatalities), 0) FROM events WHERE {where} "
               "GROUP BY 1")
    rows = src.run(lambda conn: conn.execute(sql, params).fetchall())
    out = pd.DataFrame(rows, columns=["region", "events", "fatalities"]).set_index("region")
    return out[out.index != ""].astype(int)


# --- figures, timeline, table -------------------------------------------------------------------------


def _days(src: PostgisSource, flt: EventFilter) -> pd.DataFrame:
    """Events and fatalities per (day, event type) of ``flt``: columns event_date, event_type, n, fat."""
    table = "sum_actor_days" if flt.actors else "sum_days"
    found = _summary(src, flt, table)
    if found is not None:
        where, params = found
        sql = (f"SELECT event_date, event_type, sum(n)::bigint, sum(fat)::bigint FROM {table} WHERE {where} "
               "GROUP BY 1, 2")
        rows = src.run(lambda conn: conn.execute(sql, params).fetchall())
    else:
        where, params = filter_sql(flt)
        sql = (f"SELECT event_date, coalesce(event_type, ''), count(*), coalesce(sum(fatalities), 0) FROM events "
               f"WHERE {where} GROUP BY 1, 2")
        rows = src.run(lambda conn: _hashed(conn, sql, params))
    frame = pd.DataFrame(rows, columns=["event_date", "event_type", "n", "fat"])
    frame["event_date"] = pd.to_datetime(frame["event_date"])
    return frame.astype({"n": np.int64, "fat": np.int64, "event_type": object})


def summary_of_days(days: pd.DataFrame) -> dict:
    """``geo.summarize``'s events, fatalities, first and last from per-day counts (``_days``)."""
    if days.empty or not days["n"].sum():
        return {"events": 0, "fatalities": 0, "first": None, "last": None}
    return {"events": int(days["n"].sum()), "fatalities": int(days["fat"].sum()),
            "first": days["event_date"].min().date(), "last": days["event_date"].max().date()}


def timeline_of_days(days: pd.DataFrame, freq: str = "W") -> pd.DataFrame:
    """``geo.timeline(events, freq, by="event_type")`` from per-day counts: the same rows, gaps included."""
    if freq not in FREQUENCIES:
        raise GeoError(f"freq must be one of {', '.join(FREQUENCIES)}, not {freq!r}")
    cols = ["period", "event_type", "events", "fatalities"]
    if days.empty:
        return pd.DataFrame(columns=cols)
    starts = pd.DatetimeIndex(days["event_date"]).to_period(PERIOD_CODES[freq]).start_time
    periods = pd.date_range(starts.min(), starts.max(), freq=FREQUENCIES[freq], name="period")
    names = sorted(set(days["event_type"].astype(str)))
    grid = pd.MultiIndex.from_product([periods, names], names=["period", "event_type"])
    grouped = pd.DataFrame({"period": starts, "event_type": days["event_type"].astype(str).to_numpy(),
                            "events": days["n"].to_numpy(), "fatalities": days["fat"].to_numpy()}).groupby(
        ["period", "event_type"])[["events", "fatalities"]].sum()
    out = grouped.reindex(grid, fill_value=0).astype(int)
    return out.reset_index()[cols]


#: Past this many events of a filter the places summary cannot count, its places are not counted from
#: ``events`` (a pass over their rows: tens of seconds at millions on a busy server).
PLACES_LIMIT = 200_000


def db_places(src: PostgisSource, flt: EventFilter | None, *, count: int | None = None) -> int | None:
    """``summarize``'s ``locations``: the distinct named places of the events of ``flt``; None when only
    ``events`` could answer and ``count`` (their number) is past ``PLACES_LIMIT``."""
    flt = flt or EventFilter()
    found = _summary(src, flt, "sum_places")
    if found is None and count is not None and count > PLACES_LIMIT:
        return None
    if found is not None:
        where, params = found
        sql = (f"SELECT count(*) FROM (SELECT location FROM sum_places WHERE {where} AND location <> '' "
               "GROUP BY location) p")  # hashed: far faster than count(DISTINCT) over a million rows
    else:
        where, params = filter_sql(flt)
        sql = (f"SELECT count(*) FROM (SELECT location FROM events WHERE {where} AND location <> '' "
               "GROUP BY location) p")
    return int(src.run(lambda conn: conn.execute(sql, params).fetchone()[0]))


def db_rows(src: PostgisSource, flt: EventFilter | None, *, limit: int | None = None,
            newest: bool = False) -> gpd.GeoDataFrame:
    """The events of ``flt`` as rows (enriched, canonical): all of them in date and id order, or the
    ``limit`` newest (latest date first, then id), as the table shows them."""
    where, params = filter_sql(flt)
    order = "event_date DESC, event_id" if newest else "event_date, event_id"
    sql = f"SELECT {', '.join(EVENT_COLUMNS_SQL)} FROM events WHERE {where} ORDER BY {order}"
    if limit is not None:
        sql += " LIMIT %(limit)s"
        params["limit"] = int(limit)
    data = src.run(lambda conn: _copy_out(conn, sql, params))
    return _frame(data, EVENT_COLUMNS_SQL)


@dataclass
class Selection:
    """What a filter selects in a database, each part asked when first needed (and then kept)."""

    source: PostgisSource = field(repr=False)
    filter: EventFilter

    @cached_property
    def days(self) -> pd.DataFrame:
        return _days(self.source, self.filter)

    @cached_property
    def count(self) -> int:
        """The number of events: from the day summary when it holds the filter, else one count(*) over the
        indexes (no grouping: the map need not wait for the chart's days)."""
        if "days" in self.__dict__ or _summary(self.source, self.filter,
                                               "sum_actor_days" if self.filter.actors else "sum_days") is not None:
            return int(self.days["n"].sum()) if len(self.days) else 0
        return self.source.count(self.filter)

    @cached_property
    def figures(self) -> dict:
        """``geo.summarize`` of the selection, but ``locations`` (``places``: a query of its own)."""
        return summary_of_days(self.days)

    @cached_property
    def places(self) -> int | None:
        """The distinct named places (None: too many events to count them outside the summaries)."""
        return db_places(self.source, self.filter, count=self.count)

    def timeline(self, freq: str = "W") -> pd.DataFrame:
        return timeline_of_days(self.days, freq)

    @cached_property
    def rows(self) -> gpd.GeoDataFrame | None:
        """Every selected event as rows when at most ``ROW_LIMIT`` (drawn as markers), else None."""
        return db_rows(self.source, self.filter) if self.count <= ROW_LIMIT else None

    def newest(self, limit: int) -> gpd.GeoDataFrame:
        if self.rows is not None:  # as the table of a file: the newest, ties in date and id order
            return self.rows.nlargest(limit, "event_date") if len(self.rows) > limit else self.rows
        return db_rows(self.source, self.filter, limit=limit, newest=True)

    def claims_of(self, event_ids) -> pd.DataFrame:
        """The claims of ``event_ids`` (some of the selection's), kept: a view drawn again asks once."""
        key = tuple(str(i) for i in event_ids)
        memo = self.__dict__.setdefault("_claims", {})
        if key not in memo:
            if len(memo) > 8:
                memo.clear()
            memo[key] = self.source.claims(list(key))
        return memo[key]

    def lod_cells(self, zoom: int, bounds, **kw):
        return db_lod_cells(self.source, self.filter, zoom, bounds, **kw)

    def region_counts(self) -> pd.DataFrame:
        return db_region_counts(self.source, self.filter)


# --- the data set -------------------------------------------------------------------------------------


class DatabaseIds:
    """The event ids of a database, for checking a link's event (``id in ids``): one query each."""

    def __init__(self, source: PostgisSource):
        self.source = source

    def __contains__(self, event_id) -> bool:
        return bool(self.source.run(lambda conn: conn.execute(
            "SELECT EXISTS (SELECT 1 FROM events WHERE event_id = %s)", (str(event_id),)).fetchone()[0]))


def db_places_frame(src: PostgisSource) -> pd.DataFrame:
    """``geo.extent.places_of`` of every event (lon, lat, n, admin1: the most common named one; most
    events first) with ``location`` (a name of the place), from the summaries or ``events``."""
    if summaries_ready(src):
        sql = ("SELECT longitude, latitude, admin1, max(location), sum(n)::bigint FROM sum_places GROUP BY 1, 2, 3")
    else:
        sql = "SELECT longitude, latitude, admin1, max(location), count(*) FROM events GROUP BY 1, 2, 3"
    rows = src.run(lambda conn: conn.execute(sql).fetchall())
    pairs = pd.DataFrame(rows, columns=["lon", "lat", "admin1", "location", "n"])
    if pairs.empty:
        return pd.DataFrame(columns=["lon", "lat", "n", "admin1", "location"])
    pairs["admin1"] = pairs["admin1"].fillna("").astype(str).str.strip()
    pairs["named"] = pairs["admin1"] != ""
    n = pairs.groupby(["lon", "lat"])["n"].sum()
    best = pairs.sort_values(["named", "n"], ascending=False, kind="stable").drop_duplicates(["lon", "lat"])
    best = best.set_index(["lon", "lat"])
    out = pd.DataFrame({"lon": n.index.get_level_values(0), "lat": n.index.get_level_values(1), "n": n.to_numpy()})
    keys = list(zip(out["lon"], out["lat"]))
    out["admin1"] = best.loc[keys, "admin1"].to_numpy()
    out["location"] = best.loc[keys, "location"].to_numpy()
    return out.sort_values("n", ascending=False, kind="stable", ignore_index=True)


@dataclass(frozen=True)
class DatabaseDataset:
    """A PostGIS database as the dashboard shows it without holding its events: see the module's docstring.

    ``places`` and ``layers`` (where the events are) are read once and handed on to the next version
    (an insert rarely moves the data to another country); the rest is read at every version.
    """

    source: PostgisSource = field(repr=False)
    vocabulary: Vocabulary
    actor_counts: pd.Series
    label: str
    attribution: str
    first: object
    last: object
    total: int
    places: pd.DataFrame = field(repr=False)
    layers: dict | None = field(default=None, compare=False, repr=False)
    title: str = ""
    version: int | None = None
    report: None = None
    #: where the events are, for a title in any language (``geo.layers.title_of(title_names)``)
    title_names: tuple = ()

    datasets = ()  # one data set: never matched
    matches = None

    @classmethod
    def read(cls, source: str | PostgisSource, *, previous: DatabaseDataset | None = None,
             layers: dict | None = None) -> DatabaseDataset:
        src = source if isinstance(source, PostgisSource) else PostgisSource(source)
        version, _ = src.state()
        counts = db_actor_counts(src)
        types, regions, first, last, total = src.run(lambda conn: conn.execute(
            "SELECT array(SELECT DISTINCT event_type FROM sum_regions), array(SELECT DISTINCT admin1 FROM sum_regions), "
            "(SELECT min(event_date) FROM events), (SELECT max(event_date) FROM events), "
            "(SELECT n FROM sum_total)").fetchone()) if summaries_ready(src) else src.run(lambda conn: conn.execute(
                "SELECT array(SELECT DISTINCT event_type FROM events), array(SELECT DISTINCT admin1 FROM events), "
                "min(event_date), max(event_date), count(*) FROM events").fetchone())
        claimants = src.run(lambda conn: [r[0] for r in conn.execute(
            "SELECT DISTINCT claimant FROM claims WHERE claimant IS NOT NULL").fetchall()])
        if previous is not None:
            places, layers, title, names = previous.places, previous.layers, previous.title, previous.title_names
        else:
            places = db_places_frame(src)
            places = places.assign(iso3=country_at(places["lon"], places["lat"])) if len(places) else \
                places.assign(iso3=pd.Series(dtype=object))
            layers = layers or load_layers(places=places) if len(places) else (layers or load_layers())
            title = data_title(None, places=places) if len(places) else data_title(None)
            names = title_places(None, places=places) if len(places) else ()
        extent = extent_of(places) if len(places) else None
        vocabulary = Vocabulary(actors=frozenset(counts.index), event_types=frozenset(t for t in types if t),
                                regions=frozenset(r for r in regions if r), event_ids=DatabaseIds(src),
                                fingerprint=src.fingerprint(), claimants=frozenset(claimants), extent=extent,
                                home=home_view(extent))
        attribution = src.attribution() or "Events: the PostGIS database's events"
        return cls(src, vocabulary, counts, src.label, attribution,
                   pd.Timestamp(first).date() if first else None, pd.Timestamp(last).date() if last else None,
                   int(total or 0), places, layers, title, version, title_names=tuple(names))

    def select(self, flt: EventFilter | None) -> Selection:
        return Selection(self.source, flt or EventFilter())

    @cached_property
    def labels(self) -> pd.DataFrame:
        from ..places.labels import place_labels

        pseudo = self.places.rename(columns={"lon": "longitude", "lat": "latitude"})  # one row a place
        return place_labels(self.layers, pseudo, extent=self.vocabulary.extent, places=self.places)

    def claims_of(self, event_ids) -> pd.DataFrame:
        return self.source.claims(list(event_ids))

    def event(self, event_id: str) -> gpd.GeoDataFrame:
        """The one event ``event_id`` (an empty frame when the database has none)."""
        where = "event_id = %(id)s"
        sql = f"SELECT {', '.join(EVENT_COLUMNS_SQL)} FROM events WHERE {where}"
        data = self.source.run(lambda conn: _copy_out(conn, sql, {"id": str(event_id)}))
        return _frame(data, EVENT_COLUMNS_SQL)

    def attribution_of(self, events) -> str:
        return self.attribution


def db_actor_counts(src: PostgisSource) -> pd.Series:
    """``geo.actor_counts`` of every event: events per actor name, most first, then by name."""
    if summaries_ready(src):
        sql = "SELECT actor, n FROM sum_actors WHERE n > 0"
    else:
        sql = ("SELECT actor, count(*) FROM events CROSS JOIN LATERAL (SELECT DISTINCT x AS actor FROM "
               "unnest(actors) x WHERE x <> '') a GROUP BY 1")
    rows = src.run(lambda conn: conn.execute(sql).fetchall())
    counts = pd.Series([int(n) for _, n in rows], index=pd.Index([a for a, _ in rows], dtype=object, name="actor"),
                       dtype=int, name="events")
    order = sorted(range(len(counts)), key=lambda i: (-counts.iloc[i], counts.index[i]))
    return counts.iloc[order]


__all__ = ["DatabaseDataset", "Selection", "db_lod_cells", "db_region_counts", "db_places", "db_rows",
           "snapped_bounds", "summary_of_days", "timeline_of_days", "summaries_ready", "ROW_LIMIT"]
