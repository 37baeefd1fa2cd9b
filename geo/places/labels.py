"""Place names for the map and the snapshots, offline: countries, regions, towns and the events'
own places, each with the zoom from which it is worth showing and its importance.

Where a map has no tile server (the default, offline), these are the only names a reader sees.
Towns come from GeoNames' cities with over 1,000 people (``data/towns.parquet``, built by
``data/build_towns.py``; CC BY 4.0, www.geonames.org); the events' places from their
``location`` (so that a village such as Tinzaouaten, too small for the gazetteer, is named).
Which labels are drawn at a zoom, without overlapping, is decided where they are drawn
(``geo.webmap.labels`` in the browser, ``geo.static.staticmap`` in snapshots), most important first.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np
import pandas as pd
import shapely

from ..errors import DataError
from ..events import DATA_DIR
from ..extent import extent_of, places_of
from ..i18n import N_, current_language

GEONAMES_ATTRIBUTION = N_("Place names: GeoNames (CC BY 4.0, geonames.org).")
TOWNS_FILE = "towns.parquet"
#: The towns a map carries: those within this many degrees of the data, at most MAX_TOWNS.
TOWN_MARGIN_DEG = 6.0
#: A country whose middle lies this far (degrees) beyond the data is also named on its part near the data.
NEAR_DATA_DEG = 3.0
MAX_TOWNS = 1_500
MAX_EVENT_PLACES = 400
#: The kinds of label, and their order at the same zoom (a lower rank is placed first): countries, then
#: the data's own places (towns with events among them), regions, and the other towns.
_PRIORITY = {"country": 0, "place": 1, "region": 2, "town": 3}
LABEL_COLUMNS = ["name", "lat", "lon", "kind", "min_zoom", "rank"]

#: A region named after its capital town is labelled once, by the town, when at the first zoom that
#: shows both their labels' points are closer than this on screen (CSS pixels): "Timbuktu" beside "Tombouctou"
TWIN_PX = 300
#: How far (degrees) outside its region's outline a region's capital may lie (simplified borders)
TWIN_MARGIN_DEG = 0.25

_QUALIFIER = re.compile(r"\s*\((?:[^()]*)\)\s*$|\s+(?:area|region|airport|airport zone|town|village|camp)$",
                        re.IGNORECASE)


@lru_cache(maxsize=1)
def _towns() -> pd.DataFrame:
    path = DATA_DIR / TOWNS_FILE
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # a missing or damaged file: say which
        raise DataError(f"cannot read the gazetteer ({exc})", path=str(path)) from None


def clean_place_name(text: str) -> str:
    """A location as a map label: without qualifiers ("Gao (airport zone)" -> "Gao",
    "Abeibara area" -> "Abeibara")."""
    name = str(text or "").strip()
    for _ in range(2):
        shorter = _QUALIFIER.sub("", name).strip()
        if not shorter or shorter == name:
            break
        name = shorter
    return name


def _town_zoom(population: np.ndarray) -> np.ndarray:
    """From which zoom a town is labelled, by its size."""
    return np.select([population >= 1_000_000, population >= 300_000, population >= 100_000,
                      population >= 30_000, population >= 10_000], [4, 5, 6, 7, 8], default=9)


def _country_rows(countries, extent, rows: list) -> dict[str, str]:
    """Append the countries drawn in detail to ``rows``, each at its representative point, and, where that
    point lies away from the data (``extent``, widened by ``NEAR_DATA_DEG``) while part of the country lies
    near it, a second anchor on that part: a map on the data then names its neighbour (Algeria on a map of
    northern Mali) although the country's middle is off the map. The second row follows the first: a map
    names the country once, at the first anchor that fits. Returns the countries' French names."""
    names_fr: dict[str, str] = {}  # the countries' French names (Natural Earth's NAME_FR); others as they are
    if countries is None or not len(countries):
        return names_fr
    detail = countries[countries["detail"]] if "detail" in countries else countries
    geoms = detail.geometry.values
    area = shapely.area(geoms)
    pts = shapely.point_on_surface(geoms)
    near = None
    if extent is not None:
        west, south, east, north = extent
        near = shapely.box(west - NEAR_DATA_DEG, south - NEAR_DATA_DEG, east + NEAR_DATA_DEG, north + NEAR_DATA_DEG)
    french = detail["name_fr"] if "name_fr" in detail else detail["name"]
    for name, fr, geom, pt, a in zip(detail["name"], french, geoms, pts, area):
        zoom = 3 if a > 20 else (4 if a > 3 else 5)
        rows.append((str(name), pt.y, pt.x, "country", zoom, -a))
        names_fr[str(name)] = str(fr) if isinstance(fr, str) and fr else str(name)
        if near is None or near.contains(pt):
            continue
        part = shapely.intersection(geom, near)
        if part.is_empty or part.area < 0.05 * near.area:
            continue  # a sliver along the box's edge: no room for a name
        polys = getattr(part, "geoms", [part])
        inner = shapely.point_on_surface(max(polys, key=lambda g: g.area))
        rows.append((str(name), inner.y, inner.x, "country", zoom, -a))
    return names_fr


def place_labels(layers: dict, events: pd.DataFrame | None = None, *,
                 extent: tuple[float, float, float, float] | None = None,
                 places: pd.DataFrame | None = None) -> pd.DataFrame:
    """Label candidates for a map of ``layers`` and ``events``: one row per name with ``lat``, ``lon``,
    ``kind`` (country, region, town, place), ``min_zoom`` (from which zoom it may be shown) and ``rank``
    (lower is placed first), and ``name_fr``: a country's French name (Natural Earth's ``NAME_FR``), any
    other name as it is (``label_names`` picks the column for the language in use). Countries are named where drawn in detail (a neighbour
    also on its part near the data, see ``_country_rows``), named regions at their
    representative point, towns around ``extent`` (the data's, by default), and the events' places by
    their number of events. A place the gazetteer has within 5 km under the same name is named once.
    ``places``: ``geo.extent.places_of(events)`` when the caller has it (a database's, counted there)."""
    rows = []
    if places is None:
        places = places_of(events) if events is not None and len(events) else None
    if extent is None and places is not None and len(places):
        extent = extent_of(places)
    names_fr = _country_rows(layers.get("countries"), extent, rows)
    admin1 = layers.get("admin1")
    if admin1 is not None and len(admin1):
        named = admin1[admin1["name"].astype(str) != ""]
        pts = shapely.point_on_surface(named.geometry.values)
        area = shapely.area(named.geometry.values)
        for name, pt, a in zip(named["name"], pts, area):
            rows.append((str(name), pt.y, pt.x, "region", 5 if a > 10 else 6, -a))
    towns = pd.DataFrame(columns=["name", "lat", "lon", "population"])
    if extent is not None:
        west, south, east, north = extent
        t = _towns()
        near = t[(t["lon"] >= west - TOWN_MARGIN_DEG) & (t["lon"] <= east + TOWN_MARGIN_DEG)
                 & (t["lat"] >= south - TOWN_MARGIN_DEG) & (t["lat"] <= north + TOWN_MARGIN_DEG)]
        towns = near.head(MAX_TOWNS).reset_index(drop=True)  # the file is sorted by population: largest first
    town_zoom = _town_zoom(towns["population"].to_numpy()) if len(towns) else np.array([], dtype=int)
    with_events = np.zeros(len(towns), dtype=bool)
    by_name: dict[str, list[int]] = {}  # the gazetteer's towns by their folded name, once (not once per place)
    for i, folded in enumerate(str(t).casefold() for t in towns["name"]):
        by_name.setdefault(folded, []).append(i)
    for name, lat, lon, n in _event_places(events, places):
        # a place with events is worth naming early: the reader is looking for it
        zoom = 5 if n >= 2 else 6
        hit = _same_town(name, lat, lon, towns, by_name)
        if hit is not None:  # the gazetteer's town: named once, where the gazetteer puts it, as early
            town_zoom[hit] = min(town_zoom[hit], zoom)
            with_events[hit] = True
        else:
            rows.append((name, float(lat), float(lon), "place", zoom, -float(n)))
    for name, lat, lon, pop, z, hot in zip(towns["name"], towns["lat"], towns["lon"], towns["population"],
                                           town_zoom, with_events):
        # a town with events is one of the data's places: named as such (its event marks it, no dot)
        rows.append((str(name), float(lat), float(lon), "place" if hot else "town", int(z),
                     -float(pop) - (1e12 if hot else 0)))
    out = pd.DataFrame(rows, columns=LABEL_COLUMNS)  # "rank" holds, for now, minus the size within a kind
    if admin1 is not None and len(admin1):
        out = _one_of_twins(out, named.geometry.values)
    country = out["kind"].eq("country")
    out["name_fr"] = [names_fr.get(n, n) if c else n for n, c in zip(out["name"], country)]
    out = out.assign(_size=out["rank"], rank=out["min_zoom"] * 10 + out["kind"].map(_PRIORITY))
    # at the same rank, the larger (area, people) or busier (events) first
    return out.sort_values(["rank", "_size"], kind="stable", ignore_index=True).drop(columns="_size")


def name_key(name: str) -> str:
    """A name's consonants, folded, so that spellings of one name in two languages meet: "Timbuktu" and
    "Tombouctou" -> "tmbkt", "Ménaka" and "Menaka" -> "mnk", "Qandahar" and "Kandahar" -> "kndr"."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().casefold()
    text = re.sub(r"[^a-z]", "", text)
    for old, new in (("ph", "f"), ("ck", "k"), ("q", "k"), ("c", "k"), ("x", "ks"), ("z", "s")):
        text = text.replace(old, new)
    text = re.sub(r"[aeiouyhw]", "", text)
    return re.sub(r"(.)\1+", r"\1", text)


def _screen_px(lat, lon, zoom) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator pixels at ``zoom`` (256 px tiles), as Leaflet places them."""
    scale = 256.0 * 2.0 ** np.asarray(zoom, dtype=float)
    phi = np.radians(np.clip(np.asarray(lat, dtype=float), -85, 85))
    return ((np.asarray(lon, dtype=float) + 180) / 360 * scale,
            (1 - np.log(np.tan(phi) + 1 / np.cos(phi)) / np.pi) / 2 * scale)


def _one_of_twins(out: pd.DataFrame, regions) -> pd.DataFrame:
    """A region named after its capital (a town or place of the same name, spelt alike or not, in or at the
    region) whose label would sit beside the town's (``TWIN_PX`` at the first zoom showing both) is labelled
    once: by the town (a point, where the events are), shown from the earlier of the two zooms. ``regions``
    are the outlines of ``out``'s region rows, in their order."""
    region_rows = np.flatnonzero(out["kind"].to_numpy() == "region")
    points = np.flatnonzero(out["kind"].isin(["town", "place"]).to_numpy())
    if not len(region_rows) or not len(points):
        return out
    keys: dict[str, list[int]] = {}
    for i, name in zip(points, out["name"].to_numpy()[points]):
        keys.setdefault(name_key(name), []).append(int(i))
    lat, lon, zoom = (out[c].to_numpy() for c in ("lat", "lon", "min_zoom"))
    zoom = zoom.copy()
    drop = []
    for r, outline in zip(region_rows, regions):
        name = str(out["name"].iat[r])
        key = name_key(name)
        same = [i for i in keys.get(key, []) if len(key) >= 3 or
                unicodedata.normalize("NFKD", str(out["name"].iat[i])).casefold()
                == unicodedata.normalize("NFKD", name).casefold()]
        same = [i for i in same if shapely.distance(outline, shapely.Point(lon[i], lat[i])) <= TWIN_MARGIN_DEG]
        if not same:
            continue
        town = min(same, key=lambda i: (zoom[i], i))  # the most important of that name: the capital
        both = max(zoom[r], zoom[town])
        x, y = _screen_px([lat[r], lat[town]], [lon[r], lon[town]], both)
        if np.hypot(x[1] - x[0], y[1] - y[0]) < TWIN_PX:
            zoom[town] = min(zoom[town], zoom[r])
            drop.append(r)
    if not drop:
        return out
    return out.assign(min_zoom=zoom).drop(index=out.index[drop]).reset_index(drop=True)


def _event_places(events: pd.DataFrame | None, places: pd.DataFrame | None) -> list[tuple[str, float, float, int]]:
    """The events' places as (name, lat, lon, events): names cleaned, and places of the same name within
    30 km (an event "near" a village and one in it) named once, at the busier one."""
    if places is None or not len(places) or "location" not in events:
        return []
    top = places.head(MAX_EVENT_PLACES)
    # each top place's name: the first named event's there (one pass of hashing, not a group-by of all events)
    lon = pd.to_numeric(events["longitude"], errors="coerce").to_numpy(dtype=float)
    lat = pd.to_numeric(events["latitude"], errors="coerce").to_numpy(dtype=float)
    where = pd.Index(top["lon"].to_numpy(dtype=float) + 1j * top["lat"].to_numpy(dtype=float)).get_indexer(
        lon + 1j * lat)
    location = events["location"]
    rows = np.flatnonzero((where >= 0) & location.notna().to_numpy())
    found, first = np.unique(where[rows], return_index=True)
    names = dict(zip(found.tolist(), location.iloc[rows[first]].to_numpy(dtype=object)))  # those rows only
    out: list[list] = []
    by_name: dict[str, list[list]] = {}  # the places kept, by their folded name: a twin is looked for among those
    for k, (lon, lat, n) in enumerate(zip(top["lon"], top["lat"], top["n"])):
        name = clean_place_name(names.get(k, ""))
        if not name:
            continue
        same = by_name.setdefault(name.casefold(), [])
        twin = next((o for o in same if _km(o[1], o[2], lat, lon) < 30), None)
        if twin is not None:
            twin[3] += int(n)
        else:
            same.append(place := [name, float(lat), float(lon), int(n)])
            out.append(place)
    return [tuple(o) for o in out]


def _km(lat1, lon1, lat2, lon2):
    """Distance in km, equirectangular: plenty for "the same place" within tens of km."""
    return np.hypot((np.asarray(lat2) - lat1) * 111.2, (np.asarray(lon2) - lon1) * 111.2 * np.cos(np.radians(lat1)))


def _same_town(name: str, lat: float, lon: float, towns: pd.DataFrame,
               by_name: dict[str, list[int]] | None = None) -> int | None:
    """The row of the gazetteer's town of this name within 10 km, if any (``by_name``: the towns' rows by
    their casefolded name, made once for many places)."""
    if towns.empty:
        return None
    if by_name is not None:
        same = np.array(by_name.get(name.casefold(), []), dtype=np.int64)
    else:
        same = np.flatnonzero(towns["name"].str.casefold().to_numpy() == name.casefold())
    if not len(same):
        return None
    km = _km(lat, lon, towns["lat"].to_numpy()[same], towns["lon"].to_numpy()[same])
    return int(same[np.argmin(km)]) if km.min() < 10 else None


def label_names(labels: pd.DataFrame) -> pd.Series:
    """The names to draw, in the language in use: countries by their French name (``name_fr``) in French."""
    if current_language() == "fr" and "name_fr" in labels:
        return labels["name_fr"]
    return labels["name"]


__all__ = ["GEONAMES_ATTRIBUTION", "LABEL_COLUMNS", "TWIN_PX", "clean_place_name", "label_names", "name_key",
           "place_labels"]
