"""Figures about events: summaries, contested claims, time, regions and the border."""

from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .errors import GeoError

#: An equidistant conic projection fitted to northern Mali and the Algeria border
#: (standard parallels 12° N and 23° N). Within Mali its scale error stays under
#: 0.5 %, so distances in it are within 0.5 % of geodesic ones: better than
#: either UTM zone (the border runs from 4.8° W to 4.2° E, across zones 30 and 31).
MALI_EQUIDISTANT = "+proj=eqdc +lat_0=17 +lon_0=0 +lat_1=12 +lat_2=23 +datum=WGS84 +units=m +no_defs"

#: Two claims "agree" when they differ by no more than this share of the lower one,
#: or by no more than DISPUTE_MIN_DIFFERENCE killed, whichever is more lenient.
DISPUTE_TOLERANCE = 0.5
DISPUTE_MIN_DIFFERENCE = 5

#: freq -> the date_range rule of the periods' first days, and the pandas period code
#: (a week is Monday to Sunday: periods "W-SUN" end on Sunday, so they start on Monday).
FREQUENCIES = {"D": "D", "W": "W-MON", "M": "MS", "Q": "QS", "Y": "YS"}
PERIOD_CODES = {"D": "D", "W": "W-SUN", "M": "M", "Q": "Q", "Y": "Y"}


def summarize(events: pd.DataFrame) -> dict:
    """Headline figures of a set of events.

    Returns a dict with ``events`` (count), ``fatalities`` (sum of the conservative
    figures), ``first`` and ``last`` (dates, or None when there are no events) and
    ``locations`` (distinct named places).
    """
    if events.empty:
        return {"events": 0, "fatalities": 0, "first": None, "last": None, "locations": 0}
    dates = events["event_date"]
    return {
        "events": int(len(events)),
        "fatalities": int(events["fatalities"].sum()),
        "first": dates.min().date(),
        "last": dates.max().date(),
        "locations": int(events["location"].nunique()),
    }


# --- contested claims -----------------------------------------------------------------------


def claimant_totals(claims: pd.DataFrame) -> pd.DataFrame:
    """Each claimant's total claimed killed per event.

    For each event, claimant and side the highest figure the claimant gave counts
    (a later statement usually revises an earlier one upward); the sides add up.
    Columns: ``event_id, claimant, killed, sides``.
    """
    cols = ["event_id", "claimant", "killed", "sides"]
    with_numbers = claims.dropna(subset=["killed"])
    if with_numbers.empty:
        return pd.DataFrame(columns=cols)
    per_side = with_numbers.groupby(["event_id", "claimant", "side"], dropna=False)["killed"].max()
    totals = per_side.groupby(level=["event_id", "claimant"]).agg(["sum", "size"])
    totals = totals.reset_index().rename(columns={"sum": "killed", "size": "sides"})
    totals["killed"] = totals["killed"].astype(int)
    return totals[cols]


def claim_ranges(claims: pd.DataFrame, *, tolerance: float = DISPUTE_TOLERANCE,
                 min_difference: int = DISPUTE_MIN_DIFFERENCE) -> pd.DataFrame:
    """Per event: the lowest and highest claimed fatalities, and whether the claims disagree.

    ``low`` and ``high`` are the lowest and highest of the claimants' totals (each
    claimant's figures summed over the sides it named, see ``claimant_totals``), so
    they show the spread of what was said. Whether the claims *disagree* is judged
    like for like, side by side: an event is ``disputed`` when, for some side, two
    claimants' figures for that side's dead differ by more than ``tolerance`` × the
    lower one and by more than ``min_difference``. One claimant alone cannot
    disagree; neither can two claimants who speak of different sides.
    ``disputed_sides`` names the sides in dispute ("; "-separated).

    Returns a DataFrame indexed by ``event_id`` with columns ``low``, ``high``,
    ``claimants`` (number with a figure), ``statements`` (claim rows, with or
    without a figure), ``disputed`` and ``disputed_sides``.
    """
    totals = claimant_totals(claims)
    statements = claims.groupby("event_id").size().rename("statements")
    if totals.empty:
        out = pd.DataFrame(index=statements.index, columns=["low", "high", "claimants"], dtype="Int64")
    else:
        out = totals.groupby("event_id")["killed"].agg(low="min", high="max", claimants="size").astype("Int64")
        out = out.reindex(statements.index.union(out.index))
    out["claimants"] = out["claimants"].fillna(0).astype(int)
    out["statements"] = statements.reindex(out.index).fillna(0).astype(int)
    # side by side: each claimant's (highest) figure for each side
    figures = claims.dropna(subset=["killed"])
    disputed_sides = pd.Series("", index=out.index, dtype=object)
    if not figures.empty:
        per = figures.groupby(["event_id", "side", "claimant"], dropna=False)["killed"].max().astype(float)
        span = per.groupby(level=["event_id", "side"]).agg(["min", "max", "size"])
        gap = span["max"] - span["min"]
        bad = (span["size"] >= 2) & (gap > tolerance * span["min"]) & (gap > min_difference)
        named = bad[bad].reset_index().groupby("event_id")["side"].agg(lambda s: "; ".join(map(str, s)))
        disputed_sides.loc[named.index] = named
    out["disputed_sides"] = disputed_sides
    out["disputed"] = out["disputed_sides"] != ""
    out.index.name = "event_id"
    return out[["low", "high", "claimants", "statements", "disputed", "disputed_sides"]]


FIGURES = ("conservative", "highest")


def event_figures(events: pd.DataFrame, claims: pd.DataFrame | None, figure: str = "conservative") -> pd.Series:
    """The fatalities to draw each event by: "conservative", "highest" (the highest claim,
    never below the conservative figure) or "claimant:NAME" (that claimant's total where it
    gave one, else the conservative figure). Aligned with ``events``' index."""
    base = events["fatalities"].astype(float)
    if figure == "conservative" or claims is None or claims.empty:
        return base
    if figure == "highest":
        high = claim_ranges(claims)["high"].astype("float")
        return np.maximum(base, events["event_id"].map(high).fillna(base))
    if figure.startswith("claimant:"):
        name = figure.split(":", 1)[1]
        totals = claimant_totals(claims)
        own = totals[totals["claimant"] == name].set_index("event_id")["killed"].astype(float)
        return events["event_id"].map(own).fillna(base)
    raise GeoError(f"figure must be 'conservative', 'highest' or 'claimant:NAME', not {figure!r}")


# --- time -------------------------------------------------------------------------------------


def timeline(events: pd.DataFrame, freq: str = "W", by: str | None = "event_type") -> pd.DataFrame:
    """Events and fatalities per period (and per group).

    Parameters
    ----------
    freq
        "D", "W" (weeks starting Monday), "M", "Q" or "Y".
    by
        A column to split by (e.g. "event_type", "actor1", "admin1"), or None.

    Returns
    -------
    DataFrame
        One row per period and group, with columns ``period`` (the period's first
        day), the ``by`` column when given, ``events`` and ``fatalities``. Periods
        with no events are included (with zeros), so a chart shows the gaps.
    """
    if freq not in FREQUENCIES:
        raise GeoError(f"freq must be one of {', '.join(FREQUENCIES)}, not {freq!r}")
    if by is not None and by not in events:
        raise GeoError(f"cannot split the timeline by {by!r}: no such column")
    cols = ["period"] + ([by] if by else []) + ["events", "fatalities"]
    if events.empty:
        return pd.DataFrame(columns=cols)
    # counted with integer codes: each distinct day is put in its period once, each distinct
    # group name once, and the counts are one bincount (a million events: ~0.1 s)
    dcodes, days = pd.factorize(pd.to_datetime(events["event_date"]), use_na_sentinel=True)
    dated = dcodes >= 0
    if not dated.any():
        return pd.DataFrame(columns=cols)
    starts = pd.DatetimeIndex(days).to_period(PERIOD_CODES[freq]).start_time
    periods = pd.date_range(starts.min(), starts.max(), freq=FREQUENCIES[freq], name="period")
    row_period = periods.get_indexer(starts)[dcodes[dated]]
    fatalities = pd.to_numeric(events["fatalities"]).to_numpy(dtype=float, na_value=0.0)[dated]
    if by:
        gcodes, uniques = pd.factorize(events[by], use_na_sentinel=True)
        labels = [str(u) for u in uniques] + [""]  # missing reads as ""
        names = sorted(set(labels[:-1] + ([""] if (gcodes[dated] < 0).any() else [])))
        where = {name: i for i, name in enumerate(names)}
        position = np.array([where.get(x, 0) for x in labels])
        row_group = position[gcodes[dated]]  # code -1 reads the last label: ""
    else:
        names, row_group = [None], np.zeros(len(row_period), dtype=np.int64)
    key = row_period * len(names) + row_group
    size = len(periods) * len(names)
    out = pd.DataFrame({
        "events": np.bincount(key, minlength=size).astype(int),
        "fatalities": np.round(np.bincount(key, weights=fatalities, minlength=size)).astype(int),
    })
    if by:
        full = pd.MultiIndex.from_product([periods, names], names=["period", by])
        out.index = full
    else:
        out.index = periods
    return out.reset_index()[cols]


def periods(first, last, freq: str = "W") -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """The (first day, last day) of each period from ``first`` to ``last``, for a time player.

    Weeks start on Monday; months, quarters and years on their first day. The
    first and last periods are whole, so they may reach beyond ``first``/``last``.
    """
    if freq not in FREQUENCIES:
        raise GeoError(f"freq must be one of {', '.join(FREQUENCIES)}, not {freq!r}")
    code = PERIOD_CODES[freq]
    span = pd.period_range(pd.Timestamp(first).to_period(code), pd.Timestamp(last).to_period(code), freq=code)
    # vectorised: a weekly player over 15 years of ACLED data has ~800 periods, read at every run
    return list(zip(span.start_time.normalize(), span.end_time.normalize()))


# --- regions and the border -------------------------------------------------------------------


def _points(events: pd.DataFrame) -> gpd.GeoSeries:
    if isinstance(events, gpd.GeoDataFrame) and events.geometry.name in events:
        return events.geometry.to_crs("EPSG:4326") if events.crs else events.geometry
    return gpd.GeoSeries(gpd.points_from_xy(events["longitude"], events["latitude"]), index=events.index,
                         crs="EPSG:4326")


def _distinct_points(events: pd.DataFrame) -> tuple[gpd.GeoSeries, np.ndarray]:
    """(each distinct event location once, as points in EPSG:4326; for every event its location's position).

    Data sets place many events at the same coordinates (ACLED geocodes to named places: a
    million events sit at tens of thousands of places), so the spatial work is done once per place.
    """
    pts = _points(events)
    arr = pts.values._data if hasattr(pts.values, "_data") else np.asarray(pts.values)
    ok = (shapely.get_type_id(arr) == 0) & ~shapely.is_empty(arr)  # a point, not None or empty
    x, y = np.full(len(arr), np.nan), np.full(len(arr), np.nan)
    x[ok], y[ok] = shapely.get_x(arr[ok]), shapely.get_y(arr[ok])
    ok &= np.isfinite(x) & np.isfinite(y)
    codes, uniques = pd.factorize(np.where(ok, x + 1j * y, np.nan + 0j))
    first = np.full(len(uniques), -1, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes))[::-1]  # a row of each code (missing points: code -1)
    distinct = gpd.GeoSeries(arr[first], crs=pts.crs) if len(first) else gpd.GeoSeries([], crs=pts.crs)
    return distinct, codes


def _spread(values: np.ndarray, codes: np.ndarray, missing) -> np.ndarray:
    """Per-place ``values`` back to every event; ``missing`` for events without a point."""
    table = np.append(np.asarray(values), np.asarray([missing], dtype=np.asarray(values).dtype))
    return table[codes]  # code -1 reads the last slot


def region_of(events: pd.DataFrame, layers: dict | None = None, *, nearest: bool = True) -> pd.Series:
    """The admin-1 region each event lies in, by spatial join ("" outside the regions drawn). Where the
    file names the event's ``country``, the region is one of that country's: a point that falls across a
    simplified border keeps its country, and takes the nearest of its country's regions (``nearest``;
    False: only a region it lies in, to check where a point is)."""
    admin1 = (layers or _layers())["admin1"]
    admin1 = admin1[["name", "geometry"]].assign(
        _iso3=_country_codes(admin1["country"]) if "country" in admin1 else "")
    distinct, codes = _distinct_points(events)
    pts = gpd.GeoDataFrame(geometry=distinct.reset_index(drop=True), crs="EPSG:4326")
    own = np.full(len(pts), "", dtype=object)
    if "country" in events and len(pts):
        iso = _country_codes(events["country"])
        valid = codes >= 0
        own[codes[valid]] = iso[valid]
    joined = gpd.sjoin(pts, admin1, how="inner", predicate="within")
    theirs = own[joined.index.to_numpy()]
    joined = joined[(theirs == "") | (joined["_iso3"].to_numpy() == theirs)]
    # a point on a shared edge matches twice: keep the first
    joined = joined[~joined.index.duplicated(keep="first")]
    names = np.full(len(pts), "", dtype=object)
    names[joined.index.to_numpy()] = joined["name"].to_numpy(dtype=object)
    lost = np.flatnonzero((names == "") & (own != "")) if nearest else np.zeros(0, dtype=np.int64)
    for iso3 in set(own[lost]):  # across a simplified border: the nearest region of its own country
        mine = admin1[(admin1["_iso3"] == iso3) & (admin1["name"] != "")]
        these = lost[own[lost] == iso3]
        if len(mine) and len(these):
            near = shapely.STRtree(mine.geometry.values).query_nearest(pts.geometry.values[these], all_matches=False)
            names[these[near[0]]] = mine["name"].to_numpy(dtype=object)[near[1]]
    return pd.Series(_spread(names, codes, ""), index=events.index, name="region", dtype=object)


def _country_codes(countries: pd.Series) -> np.ndarray:
    """Each row's ISO3 code from a country name column (``geo.layers.country_code``), "" when unknown."""
    from .layers import country_code

    codes, uniques = pd.factorize(countries.astype(object).where(countries.notna(), "").astype(str))
    return np.array([country_code(u) for u in uniques] + [""], dtype=object)[codes]


@lru_cache(maxsize=1)
def _layers():
    from .layers import load_layers

    return load_layers()


def measured_borders(layers: dict | None = None) -> gpd.GeoDataFrame:
    """The border lines ``border_km`` measures to: the land borders of the data's countries
    (``layers["borders"]``, ``geo.layers.border_lines``), else the Mali–Algeria border (data in Mali)."""
    layers = layers or _layers()
    borders = layers.get("borders")
    return borders if borders is not None and len(borders) else layers["algeria_border"]


def border_names(layers: dict | None = None) -> list[str]:
    """The names of the borders ``border_km`` measures to outside Mali ("Afghanistan–Pakistan", ...),
    longest first; [] for the Mali–Algeria border (data in Mali)."""
    lines = measured_borders(layers)
    if "pair" not in lines or lines.empty:
        return []
    return [str(n) for n in lines.sort_values("length_km", ascending=False, kind="stable")["name"]]


def border_crs(lines: gpd.GeoDataFrame) -> str:
    """An equidistant conic projection for distances to ``lines``: ``MALI_EQUIDISTANT`` for the Mali–Algeria
    border, else one fitted to the lines' extent (standard parallels at a sixth of its height from each
    edge: within about 1 % of geodesic distances over a country and its neighbours)."""
    if "pair" not in lines or lines.empty:  # the Mali–Algeria border
        return MALI_EQUIDISTANT
    west, south, east, north = lines.total_bounds
    south, north = max(south - 2, -85.0), min(north + 2, 85.0)
    lat1, lat2 = south + (north - south) / 6, north - (north - south) / 6
    return (f"+proj=eqdc +lat_0={(south + north) / 2:.3f} +lon_0={(west + east) / 2:.3f} +lat_1={lat1:.3f} "
            f"+lat_2={lat2:.3f} +datum=WGS84 +units=m +no_defs")


@lru_cache(maxsize=8)
def _border_projected(wkb: bytes, crs: str = MALI_EQUIDISTANT):
    line = gpd.GeoSeries.from_wkb([wkb], crs="EPSG:4326").to_crs(crs).iloc[0]
    shapely.prepare(line)
    return line


def border_distance_km(events: pd.DataFrame, layers: dict | None = None) -> pd.Series:
    """Distance from each event to the nearest border of ``measured_borders``, in km: the land borders
    of the data's own countries (the Mali–Algeria border for data in Mali, within 0.5 % of geodesic)."""
    lines = measured_borders(layers)
    if lines.empty:
        return pd.Series(np.nan, index=events.index, name="border_km")
    crs = border_crs(lines)
    line = _border_projected(shapely.to_wkb(lines.geometry.union_all()), crs)
    distinct, codes = _distinct_points(events)
    pts = distinct.to_crs(crs)
    km = shapely.distance(pts.values._data if hasattr(pts.values, "_data") else np.asarray(pts.values), line) / 1000
    return pd.Series(_spread(np.round(km, 3), codes, np.nan), index=events.index, name="border_km")


def in_tuareg_region(events: pd.DataFrame, layers: dict | None = None) -> pd.Series:
    """True for events inside the Tuareg region layer (Tombouctou, Gao and Kidal)."""
    tuareg = (layers or _layers())["tuareg_region"].geometry.iloc[0]
    distinct, codes = _distinct_points(events)
    inside = shapely.within(distinct.values._data if hasattr(distinct.values, "_data")
                            else np.asarray(distinct.values), tuareg)
    return pd.Series(_spread(inside, codes, False), index=events.index, name="in_tuareg_region")


#: The columns ``enrich`` adds. A file's own column of the same name (ACLED's and UCDP's ``region``
#: is a world region, "Western Africa") is kept beside ours as ``source_<name>``.
ENRICHED_COLUMNS = ("region", "border_km", "in_tuareg_region")


def enrich(events: gpd.GeoDataFrame, layers: dict | None = None) -> gpd.GeoDataFrame:
    """A copy of ``events`` with ``region`` (admin-1 by spatial join, in the file's own country),
    ``border_km`` (distance to the nearest land border of the data's countries; to the Mali–Algeria
    border for data in Mali: ``measured_borders``) and, for data in Mali, ``in_tuareg_region`` added.

    Never overwrites what a file brought: a column of the same name whose values differ from ours
    is kept as ``source_region`` (``source_border_km``, ...); one equal to ours (this app's own
    export, read back) is simply ours. ``layers``: by default the events' own (``load_layers(events)``, as the
    dashboard draws them), never Mali's for data elsewhere.
    """
    if not layers:
        from .layers import load_layers

        layers = load_layers(events) if len(events) else load_layers()
    ours = {"region": region_of(events, layers), "border_km": border_distance_km(events, layers)}
    if len(layers["tuareg_region"]):  # Mali's own column only where the data is in Mali
        ours["in_tuareg_region"] = in_tuareg_region(events, layers)
    out = events.copy()
    for name, values in ours.items():
        if name in out.columns and f"source_{name}" not in out.columns and not _same(out[name], values):
            out = out.rename(columns={name: f"source_{name}"})
        out[name] = values
    return out


def _same(theirs: pd.Series, ours: pd.Series) -> bool:
    """Whether a column read from a file holds what ``enrich`` computes (as text, or as numbers)."""
    if pd.api.types.is_numeric_dtype(ours) and not pd.api.types.is_bool_dtype(ours):
        a = pd.to_numeric(theirs, errors="coerce").to_numpy(dtype=float)
        return bool(np.allclose(a, ours.to_numpy(dtype=float), rtol=0, atol=0.05, equal_nan=True))
    a = theirs.astype(object).where(theirs.notna(), "").astype(str).str.strip().str.lower()
    b = ours.astype(object).where(ours.notna(), "").astype(str).str.strip().str.lower()
    return bool((a.to_numpy() == b.to_numpy()).all())


def by_region(events: pd.DataFrame, layers: dict | None = None) -> gpd.GeoDataFrame:
    """Mali's admin-1 regions with the number of ``events`` and ``fatalities`` inside each.

    Events are placed by spatial join on their coordinates, not by their ``admin1``
    text (which varies between sources). Events outside Mali are not counted. Events that
    ``enrich`` has placed (its ``region`` column, from the same join) are not joined again
    (0.85 s at 1M events), as long as the regions it names are those of ``layers``.
    """
    layers = layers or _layers()
    regions = layers["admin1"][["admin1_code", "name", "geometry"]].copy()
    names = events["region"] if "region" in events else None
    if names is None or not set(pd.unique(names.dropna())) <= set(regions["name"]) | {""}:
        names = region_of(events, layers)
    codes, uniques = pd.factorize(names)  # a categorical's own codes: no pass over a million strings
    inside = codes >= 0
    fatalities = pd.to_numeric(events["fatalities"], errors="coerce").fillna(0).to_numpy(dtype=float)
    counts = pd.DataFrame({"events": np.bincount(codes[inside], minlength=len(uniques)),
                           "fatalities": np.bincount(codes[inside], weights=fatalities[inside],
                                                     minlength=len(uniques))},
                          index=np.asarray(uniques, dtype=object))
    counts = counts[counts.index != ""]
    regions["events"] = regions["name"].map(counts["events"]).fillna(0).astype(int)
    regions["fatalities"] = regions["name"].map(counts["fatalities"]).fillna(0).astype(int)
    return regions
