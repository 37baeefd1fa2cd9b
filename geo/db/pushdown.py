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
from .postgis import EVENT_COLUMNS_SQL, PostgisSource
from .sql import _copy_out, _frame, _hashed, filter_sql
from .cells import _summary, db_lod_cells, snapped_bounds, summaries_ready, summary_table

#: Past this many events a selection is not fetched as rows (the map draws cells; see ``geo.MAX_MARKERS``).
ROW_LIMIT = 3_000


def _events_where(src: PostgisSource, flt: EventFilter | None) -> tuple[str, dict]:
    """``filter_sql(flt)`` over ``src.relation`` (the events, or those as of a version) and its parameters."""
    where, params = filter_sql(flt)
    return where, {**src.relation_params, **params}


# --- the map's cells ----------------------------------------------------------------------------------


def db_region_counts(src: PostgisSource, flt: EventFilter | None) -> pd.DataFrame:
    """Events and fatalities per enriched ``region`` (as ``geo.by_region`` counts them), indexed by name."""
    flt = flt or EventFilter()
    found = _summary(src, flt, "sum_regions")
    if found is not None:
        where, params = found
        sql = (f"SELECT region, sum(n)::bigint, sum(fat)::bigint FROM {summary_table(src, 'sum_regions')} "
               f"WHERE {where} GROUP BY 1")
    else:
        where, params = _events_where(src, flt)
        sql = (f"SELECT coalesce(region, ''), count(*), coalesce(sum(fatalities), 0) FROM {src.relation} "
               f"WHERE {where} GROUP BY 1")
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
        sql = (f"SELECT event_date, event_type, sum(n)::bigint, sum(fat)::bigint FROM {summary_table(src, table)} "
               f"WHERE {where} GROUP BY 1, 2")
        rows = src.run(lambda conn: conn.execute(sql, params).fetchall())
    else:
        where, params = _events_where(src, flt)
        sql = (f"SELECT event_date, coalesce(event_type, ''), count(*), coalesce(sum(fatalities), 0) "
               f"FROM {src.relation} WHERE {where} GROUP BY 1, 2")
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
        sql = (f"SELECT count(*) FROM (SELECT location FROM {summary_table(src, 'sum_places')} WHERE {where} "
               "AND location <> '' GROUP BY location) p")  # hashed: far faster than count(DISTINCT) over a million rows
    else:
        where, params = _events_where(src, flt)
        sql = (f"SELECT count(*) FROM (SELECT location FROM {src.relation} WHERE {where} AND location <> '' "
               "GROUP BY location) p")
    return int(src.run(lambda conn: conn.execute(sql, params).fetchone()[0]))


def db_rows(src: PostgisSource, flt: EventFilter | None, *, limit: int | None = None,
            newest: bool = False) -> gpd.GeoDataFrame:
    """The events of ``flt`` as rows (enriched, canonical): all of them in date and id order, or the
    ``limit`` newest (latest date first, then id), as the table shows them."""
    where, params = _events_where(src, flt)
    order = "event_date DESC, event_id" if newest else "event_date, event_id"
    sql = f"SELECT {', '.join(EVENT_COLUMNS_SQL)} FROM {src.relation} WHERE {where} ORDER BY {order}"
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
        """The number of events: all of them from the total's one row, a filter's from the day summary when it holds
        the filter or the regions' (types and regions), else one count(*) over the indexes (no grouping: the map need
        not wait for the chart's days)."""
        if "days" not in self.__dict__ and self.filter.is_empty() and summaries_ready(self.source):  # one row
            sql = f"SELECT coalesce((SELECT n FROM {summary_table(self.source, 'sum_total')}), 0)"
            return int(self.source.run(lambda conn: conn.execute(sql, self.source.relation_params or None
                                                                  ).fetchone()[0]))
        if "days" in self.__dict__ or _summary(self.source, self.filter,
                                               "sum_actor_days" if self.filter.actors else "sum_days") is not None:
            return int(self.days["n"].sum()) if len(self.days) else 0
        regions = _summary(self.source, self.filter, "sum_regions")  # types and regions, no dates
        if regions is not None:
            sql = f"SELECT coalesce(sum(n), 0)::bigint FROM {summary_table(self.source, 'sum_regions')} WHERE {regions[0]}"
            return int(self.source.run(lambda conn: conn.execute(sql, regions[1]).fetchone()[0]))
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
        src = self.source
        return bool(src.run(lambda conn: conn.execute(
            f"SELECT EXISTS (SELECT 1 FROM {src.relation} WHERE event_id = %(id)s)",
            {**src.relation_params, "id": str(event_id)}).fetchone()[0]))


def db_places_frame(src: PostgisSource) -> pd.DataFrame:
    """``geo.extent.places_of`` of every event (lon, lat, n, admin1: the most common named one; most
    events first) with ``location`` (a name of the place), from the summaries or ``events``."""
    if summaries_ready(src):
        sql = (f"SELECT longitude, latitude, admin1, max(location), sum(n)::bigint FROM "
               f"{summary_table(src, 'sum_places')} GROUP BY 1, 2, 3")
    else:
        sql = f"SELECT longitude, latitude, admin1, max(location), count(*) FROM {src.relation} GROUP BY 1, 2, 3"
    rows = src.run(lambda conn: conn.execute(sql, src.relation_params or None).fetchall())
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
        types, regions, first, last, total = _vocabulary(src)
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
        src = self.source
        sql = f"SELECT {', '.join(EVENT_COLUMNS_SQL)} FROM {src.relation} WHERE event_id = %(id)s"
        data = src.run(lambda conn: _copy_out(conn, sql, {**src.relation_params, "id": str(event_id)}))
        return _frame(data, EVENT_COLUMNS_SQL)

    def attribution_of(self, events) -> str:
        return self.attribution


def _vocabulary(src: PostgisSource) -> tuple:
    """(event types, regions, first date, last date, events) of ``src``, from the summaries when they hold them."""
    if not summaries_ready(src):
        return src.run(lambda conn: conn.execute(
            f"SELECT array(SELECT DISTINCT event_type FROM {src.relation}), array(SELECT DISTINCT admin1 FROM "
            f"{src.relation}), min(event_date), max(event_date), count(*) FROM {src.relation}",
            src.relation_params or None).fetchone())
    regions = summary_table(src, "sum_regions")
    # the current events' first and last from the date index; a version's from its days
    dates = "events" if src.version is None else summary_table(src, "sum_days")
    return src.run(lambda conn: conn.execute(
        f"SELECT array(SELECT DISTINCT event_type FROM {regions}), array(SELECT DISTINCT admin1 FROM {regions}), "
        f"(SELECT min(event_date) FROM {dates}), (SELECT max(event_date) FROM {dates}), "
        f"(SELECT n FROM {summary_table(src, 'sum_total')})", src.relation_params or None).fetchone())


def db_actor_counts(src: PostgisSource) -> pd.Series:
    """``geo.actor_counts`` of every event: events per actor name, most first, then by name."""
    if summaries_ready(src):
        sql = f"SELECT actor, n FROM {summary_table(src, 'sum_actors')} WHERE n > 0"
    else:
        sql = (f"SELECT actor, count(*) FROM {src.relation} CROSS JOIN LATERAL (SELECT DISTINCT x AS actor FROM "
               "unnest(actors) x WHERE x <> '') a GROUP BY 1")
    rows = src.run(lambda conn: conn.execute(sql, src.relation_params or None).fetchall())
    counts = pd.Series([int(n) for _, n in rows], index=pd.Index([a for a, _ in rows], dtype=object, name="actor"),
                       dtype=int, name="events")
    order = sorted(range(len(counts)), key=lambda i: (-counts.iloc[i], counts.index[i]))
    return counts.iloc[order]


__all__ = ["DatabaseDataset", "Selection", "db_lod_cells", "db_region_counts", "db_places", "db_rows",
           "snapped_bounds", "summary_of_days", "timeline_of_days", "summaries_ready", "ROW_LIMIT"]
