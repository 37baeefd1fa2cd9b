"""The boundary layers: countries, first-level regions, the Algeria border and the Tuareg
region, built from Natural Earth by ``data/build_boundaries.py``.

Without data (``load_layers()``) they are northern Mali's: Mali's nine regions, its seven
neighbours in detail, and the rest of the world simplified, so that land is land everywhere.
For a data set (``load_layers(events)``) they follow the data: the countries the events are
in and around are drawn in detail, and each such country's first-level regions are cut from
Natural Earth's admin-1 lines and named from the data's own ``admin1`` (Natural Earth ships
the lines without names); Mali keeps its named regions.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from .errors import DataError
from .events import DATA_DIR
from .extent import extent_of, places_of
from .i18n import N_, _, current_language, ngettext

#: A projected CRS for distances and lengths over Mali and its neighbours
#: (Africa Albers Equal Area Conic). Lengths along the Mali–Algeria border come
#: within 0.5 % of geodesic lengths.
AFRICA_ALBERS = "ESRI:102022"

NATURAL_EARTH_ATTRIBUTION = N_("Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com.")


@dataclass(frozen=True)
class LayerInfo:
    """How a boundary layer is named, described and drawn."""

    key: str
    title: str
    description: str
    style: dict
    show: bool = True


LAYERS: dict[str, LayerInfo] = {
    "countries": LayerInfo(
        "countries",
        N_("Countries"),
        N_("Every country (Natural Earth 1:10m admin-0): in detail where the data is, simplified elsewhere."),
        {"color": "#8a8a8a", "weight": 1, "fillColor": "#f3efe6", "fillOpacity": 1.0},
    ),
    "admin1": LayerInfo(
        "admin1",
        N_("Regions"),
        N_("First-level regions. Mali's nine of the 9-region scheme (Taoudénit within Tombouctou, "
           "Ménaka within Gao), cut from Natural Earth 1:10m lines and named by their capitals; other "
           "countries' cut from the same lines and named from the data's own admin1."),
        {"color": "#6b6b6b", "weight": 1, "dashArray": "4 3", "fillColor": "#ffffff", "fillOpacity": 0.0},
    ),
    "tuareg_region": LayerInfo(
        "tuareg_region",
        N_("Tuareg region (Azawad claim, 2012)"),
        N_("Tombouctou, Gao and Kidal: the northern regions that Tuareg rebels claimed as the "
           "independent state of Azawad in 2012. Context only, not a recognised boundary."),
        {"color": "#b5651d", "weight": 2, "dashArray": "8 4", "fillColor": "#e0a96d", "fillOpacity": 0.12},
    ),
    "algeria_border": LayerInfo(
        "algeria_border",
        N_("Mali–Algeria border"),
        N_("The Mali–Algeria land border (Natural Earth 1:10m admin-0 boundary lines), about 1,270 km."),
        {"color": "#c0392b", "weight": 3, "opacity": 0.9},
    ),
    "borders": LayerInfo(
        "borders",
        N_("International borders"),
        N_("The land borders of the data's countries (Natural Earth 1:10m admin-0), to which each event's "
           "border distance is measured."),
        {"color": "#c0392b", "weight": 2, "opacity": 0.9},
        show=False,
    ),
}

#: Drawing order, bottom to top. ("borders", the lines border distances are measured to outside Mali,
#: is not drawn: it is the border zone's outline.)
LAYER_ORDER = ("countries", "tuareg_region", "admin1", "algeria_border")


#: An equal-area CRS for the areas of regions anywhere (World Cylindrical Equal Area).
WORLD_EQUAL_AREA = "EPSG:6933"
#: How far around the data's extent (degrees) countries are drawn in detail.
DETAIL_MARGIN_DEG = 3.0
#: The world files of data/ (see data/README.md).
WORLD_FILES = {"detail": "world_countries.parquet", "low": "world_countries_low.parquet",
               "admin1": "world_admin1.parquet"}


@lru_cache(maxsize=1)
def _read_layers() -> dict[str, gpd.GeoDataFrame]:
    layers = {}
    for key in LAYER_ORDER:
        path = DATA_DIR / f"{key}.geojson"
        try:
            gdf = gpd.read_file(path)
        except Exception as exc:  # pyogrio raises several types for a missing or bad file
            raise DataError(f"cannot read boundary layer ({exc})", path=str(path)) from None
        layers[key] = gdf.set_crs("EPSG:4326", allow_override=True)
    return layers


def _read_parquet(kind: str, **kwargs) -> gpd.GeoDataFrame:
    path = DATA_DIR / WORLD_FILES[kind]
    try:
        return gpd.read_parquet(path, **kwargs)
    except Exception as exc:  # a missing or damaged file: say which
        raise DataError(f"cannot read boundary layer ({exc})", path=str(path)) from None


@lru_cache(maxsize=2)
def _world(kind: str) -> gpd.GeoDataFrame:
    """Every country, in detail ("detail") or simplified ("low"); shared: never change it."""
    return _read_parquet(kind)


@lru_cache(maxsize=1)
def _world_tree() -> shapely.STRtree:
    geoms = _world("detail").geometry.values.copy()
    shapely.prepare(geoms)  # points in polygons: 40,000 places 0.74 s -> 0.45 s
    return shapely.STRtree(geoms)


@lru_cache(maxsize=32)
def _admin1_pieces(iso3s: tuple[str, ...]) -> gpd.GeoDataFrame:
    """The first-level pieces of these countries only (read per country, not the whole world)."""
    return _read_parquet("admin1", filters=[("iso3", "in", list(iso3s))])


def country_at(lon, lat) -> np.ndarray:
    """The ISO 3166-1 alpha-3 code (Natural Earth's ADM0_A3) of the country at each point; a point
    just off a coast (within 0.25°, simplified coastlines) takes the nearest country, "" at sea."""
    pts = shapely.points(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    world = _world("detail")
    out = np.full(len(pts), "", dtype=object)
    hits = _world_tree().query(pts, predicate="within")
    out[hits[0]] = world["iso3"].to_numpy()[hits[1]]
    missing = np.flatnonzero(out == "")
    if len(missing):
        near = _world_tree().query_nearest(pts[missing], max_distance=0.25, all_matches=False)
        out[missing[near[0]]] = world["iso3"].to_numpy()[near[1]]
    return out


#: Country names as ACLED and UCDP write them that Natural Earth writes otherwise (folded: see
#: ``_fold_name``), to its ISO3 code. UCDP adds a former name in brackets ("Myanmar (Burma)"): the
#: name before the bracket is tried too.
COUNTRY_ALIASES = {
    "democratic republic of congo": "COD", "democratic republic of the congo": "COD", "dr congo": "COD",
    "congo kinshasa": "COD", "republic of congo": "COG", "congo brazzaville": "COG", "congo": "COG",
    "ivory coast": "CIV", "cote d ivoire": "CIV", "central african republic": "CAF", "south sudan": "SSD",
    "bosnia herzegovina": "BIH", "bosnia and herzegovina": "BIH", "eswatini": "SWZ", "swaziland": "SWZ",
    "kingdom of eswatini": "SWZ", "north macedonia": "MKD", "macedonia": "MKD", "czech republic": "CZE",
    "russia": "RUS", "russian federation": "RUS", "united states": "USA", "united states of america": "USA",
    "united kingdom": "GBR", "syria": "SYR", "iran": "IRN", "laos": "LAO", "vietnam": "VNM", "viet nam": "VNM",
    "palestine": "PSE", "east timor": "TLS", "timor leste": "TLS", "cape verde": "CPV", "cabo verde": "CPV",
    "equatorial guinea": "GNQ", "dominican republic": "DOM", "western sahara": "SAH", "burma": "MMR",
    "north korea": "PRK", "south korea": "KOR", "turkey": "TUR", "turkiye": "TUR", "gambia": "GMB",
    "the gambia": "GMB", "yemen north yemen": "YEM", "serbia yugoslavia": "SRB", "kosovo": "KOS",
}


def _fold_name(name) -> str:
    text = unicodedata.normalize("NFKD", str(name or ""))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


@lru_cache(maxsize=1)
def _country_codes() -> dict[str, str]:
    world = _world("detail")
    codes = {}
    for column in ("name_long", "name"):
        codes.update({_fold_name(n): c for n, c in zip(world[column], world["iso3"]) if _fold_name(n)})
    codes.update({_fold_name(c): c for c in world["iso3"]})
    codes.update(COUNTRY_ALIASES)
    return codes


def country_code(name) -> str:
    """The ISO3 code (Natural Earth's) of a country as a data file names it ("Afghanistan", "Myanmar
    (Burma)", "Democratic Republic of Congo", "MLI"); "" when unknown."""
    codes = _country_codes()
    key = _fold_name(name)
    if key in codes:
        return codes[key]
    bare = _fold_name(re.sub(r"\s*\([^()]*\)\s*$", "", str(name or "")))
    return codes.get(bare, "")


def locate(events: pd.DataFrame) -> pd.DataFrame:
    """The events' distinct places (``geo.extent.places_of``) with the country each is in (``iso3``,
    "" at sea): the file's own ``country`` where it names one we know, so that a village across a
    simplified border keeps its country; else the country at its coordinates. Computed once per
    data set and passed on as ``places=``: about 0.5 s at 40,000 places."""
    places = places_of(events)
    return places.assign(iso3=_place_countries(places))


def _place_countries(places: pd.DataFrame) -> np.ndarray:
    at = country_at(places["lon"], places["lat"])
    if "country" not in places:
        return at
    named, uniques = pd.factorize(places["country"].astype(str))
    given = np.array([country_code(u) for u in uniques] + [""], dtype=object)[named]
    return np.where(given != "", given, at)


def data_countries(events: pd.DataFrame | None = None, *, places: pd.DataFrame | None = None) -> pd.Series:
    """The countries the events lie in (by their coordinates), with their number of events, most first;
    indexed by ISO3 code, with each country's name in ``attrs["names"]``. ``places``: ``locate(events)``
    when the caller has it."""
    places = locate(events) if places is None else places
    counts = places[places["iso3"] != ""].groupby("iso3")["n"].sum()
    counts = counts.sort_values(ascending=False, kind="stable").rename("events")
    names = dict(zip(_world("detail")["iso3"], _world("detail")["name"]))
    counts.attrs["names"] = {c: str(names[c]) for c in counts.index}
    return counts


TITLE_PREFIX = "Conflict events — "
#: The name a title gives the north of Mali (translated when the title is written).
NORTHERN_MALI = N_("northern Mali")
#: The share of a data set's events in the Tuareg region (the north of Mali: Tombouctou, Gao,
#: Kidal) from which its title says "northern Mali".
NORTHERN_MALI_SHARE = 0.9


def data_title(events: pd.DataFrame | None, *, most: int = 3, places: pd.DataFrame | None = None) -> str:
    """A title naming where the events are: "Conflict events — Afghanistan", "… — Benin, Togo and
    Niger", "… — Nigeria, Mali, Niger and 12 more countries"; "… — northern Mali" when nearly all
    are in the north of Mali. Countries come by their number of events, most first. In the language
    in use (``geo.i18n``); country names as Natural Earth writes them."""
    return title_of(title_places(events, places=places), most=most)


@lru_cache(maxsize=1)
def _french_names() -> dict[str, str]:
    world = _world("detail")
    return dict(zip(world["name"], world["name_fr"])) if "name_fr" in world else {}


def country_name(name: str) -> str:
    """A country's name (as Natural Earth writes it in English) in the language in use: Natural Earth's
    ``NAME_FR`` in French ("Algeria" -> "Algérie"); any other name as it is."""
    if current_language() != "fr":
        return name
    return _french_names().get(name) or name


def title_of(names, *, most: int = 3) -> str:
    """The title of ``title_places``' names, in the language in use."""
    names = [_(n) if n == NORTHERN_MALI else country_name(n) for n in names or ()]
    prefix = _("Conflict events")
    if not names:
        return prefix
    if len(names) > most + 1:
        more = len(names) - most
        where = ngettext("{names} and {count} more country", "{names} and {count} more countries", more).format(
            names=", ".join(names[:most]), count=more)
    elif len(names) == 1:
        where = names[0]
    else:
        where = _("{names} and {last}").format(names=", ".join(names[:-1]), last=names[-1])
    return _("{title} — {where}").format(title=prefix, where=where)


def title_places(events: pd.DataFrame | None, *, places: pd.DataFrame | None = None) -> tuple[str, ...]:
    """Where the events are, for a title: the countries by number of events, most first, or
    (``NORTHERN_MALI``,) when nearly all are in the north of Mali; () without events."""
    if places is None and (events is None or not len(events)):
        return ()
    places = locate(events) if places is None else places
    counts = data_countries(places=places)
    names = [counts.attrs["names"][c] for c in counts.index]
    if list(counts.index) == ["MLI"]:
        north = _read_layers()["tuareg_region"].geometry.union_all()
        inside = shapely.contains_xy(north, places["lon"].to_numpy(), places["lat"].to_numpy())
        if places["n"][inside].sum() >= NORTHERN_MALI_SHARE * places["n"].sum():
            names = [NORTHERN_MALI]
    return tuple(names)


def _countries_layer(focus: set[str]) -> gpd.GeoDataFrame:
    """Every country: the shipped ones (Mali and its neighbours) as shipped, the other ``focus`` ones
    in detail, the rest simplified."""
    keep = lambda frame: frame[[c for c in ("iso3", "name", "name_fr", "geometry") if c in frame]]  # noqa: E731
    shipped = keep(_read_layers()["countries"])
    detail = _world("detail")
    detail = keep(detail[detail["iso3"].isin(focus - set(shipped["iso3"]))])
    low = _world("low")
    low = keep(low[~low["iso3"].isin(set(shipped["iso3"]) | set(detail["iso3"]))])
    parts = [shipped.assign(detail=True), detail.assign(detail=True), low.assign(detail=False)]
    out = pd.concat([p for p in parts if len(p)], ignore_index=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs="EPSG:4326")


def _named_regions(iso3: str, name: str, places: pd.DataFrame, pieces: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A country's first-level pieces, each named by the most common ``admin1`` of the events in it;
    pieces of the same name are one region, pieces without events stay unnamed ("")."""
    pieces = pieces[pieces["iso3"] == iso3].reset_index(drop=True)
    if pieces.empty:
        return pieces.iloc[0:0]
    pts = gpd.GeoDataFrame(places[["n", "admin1"]], geometry=shapely.points(places["lon"], places["lat"]),
                           crs="EPSG:4326")
    pts = pts[pts["admin1"] != ""]
    joined = gpd.sjoin(pts, pieces[["piece", "geometry"]], how="inner", predicate="within")
    outside = pts[~pts.index.isin(joined.index)]
    if len(outside):  # the file's country, across a simplified border: the nearest piece of that country
        near = shapely.STRtree(pieces.geometry.values).query_nearest(outside.geometry.values, all_matches=False)
        joined = pd.concat([joined, outside.iloc[near[0]].assign(piece=pieces["piece"].to_numpy()[near[1]])])
    votes = joined.groupby(["piece", "admin1"])["n"].sum().reset_index()
    votes = votes.sort_values(["n", "admin1"], ascending=[False, True], kind="stable").drop_duplicates("piece")
    pieces["name"] = pieces["piece"].map(votes.set_index("piece")["admin1"]).astype(object).fillna("")
    named = pieces[pieces["name"] != ""].dissolve(by="name", as_index=False, sort=True)
    unnamed = pieces[pieces["name"] == ""]
    out = pd.concat([named[["name", "geometry"]], unnamed[["name", "geometry"]]], ignore_index=True)
    out = gpd.GeoDataFrame(out, geometry="geometry", crs="EPSG:4326")
    out.insert(0, "admin1_code", [f"{iso3}:{n}" if n else f"{iso3}-{i}" for i, n in enumerate(out["name"])])
    out.insert(1, "country", name)
    out["capital"] = ""
    out["area_km2"] = (out.to_crs(WORLD_EQUAL_AREA).area / 1e6).round(0).astype(int)
    return out


#: The share of a data set's events in Mali from which its layers are Mali's own (the Tuareg region, the
#: Mali–Algeria border) and, when all are in Mali, its border distance is to the Algeria border.
MALI_SHARE = 0.5


@lru_cache(maxsize=16)
def border_lines(iso3s: tuple[str, ...]) -> gpd.GeoDataFrame:
    """The international land borders of these countries (Natural Earth 1:10m admin-0): one line per
    pair of neighbours, named "Afghanistan–Pakistan" (the data's country first), with ``pair``
    ("AFG PAK") and ``length_km`` (geodesic, along Natural Earth's 1:10m line). Shared: never change it (``load_layers`` hands out copies)."""
    world = _world("detail").set_index("iso3")
    rows = []
    for iso3 in iso3s:
        if iso3 not in world.index:
            continue
        mine = world.geometry[iso3]
        near = world.index[_world_tree().query(mine.buffer(0.01), predicate="intersects")]
        for other in sorted(set(near) - {iso3}):
            line = shapely.line_merge(shapely.intersection(mine.boundary, world.geometry[other].buffer(1e-6)))
            key = tuple(sorted((iso3, other)))
            if line.is_empty or line.length < 1e-3 or any(r["_key"] == key for r in rows):
                continue
            rows.append({"_key": key, "name": f"{world.at[iso3, 'name']}–{world.at[other, 'name']}",
                         "pair": f"{iso3} {other}", "geometry": line})
    if not rows:
        return gpd.GeoDataFrame({"name": pd.Series(dtype=object), "pair": pd.Series(dtype=object),
                                 "length_km": pd.Series(dtype=float)}, geometry=gpd.GeoSeries([], crs="EPSG:4326"))
    out = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326").drop(columns="_key")
    geod = pyproj.Geod(ellps="WGS84")
    out["length_km"] = [round(geod.geometry_length(g) / 1000) for g in out.geometry]
    return out


def _mali_share(places: pd.DataFrame) -> float:
    total = places["n"].sum()
    return float(places.loc[places["iso3"] == "MLI", "n"].sum() / total) if total else 0.0


def load_layers(events: pd.DataFrame | None = None, *, places: pd.DataFrame | None = None
                ) -> dict[str, gpd.GeoDataFrame]:
    """The boundary layers, keyed ``countries``, ``admin1``, ``algeria_border`` and ``tuareg_region``
    (and ``borders`` for data outside Mali), each in EPSG:4326.

    Without ``events``: northern Mali's (Mali's nine regions; Mali's neighbours in detail, the rest of
    the world simplified). With ``events``: the layers for that data, from anywhere (see the module's
    docstring); the Tuareg region and the Mali–Algeria border only when at least ``MALI_SHARE`` of the
    events are in Mali (empty otherwise: not drawn on an Afghanistan, Africa or world map); ``borders``
    (``border_lines``: the land borders of the data's countries, which ``geo.enrich``'s ``border_km``
    measures to) when the data is not all in Mali. ``places``: ``locate(events)`` when the caller has it.

    Each frame's ``attrs`` holds its ``title``, ``description`` and ``attribution``.
    The frames are fresh copies: the caller may change them.
    """
    base = _read_layers()
    layers = {key: gdf.copy() for key, gdf in base.items()}  # a caller's change never reaches the cache
    focus: set[str] = set()
    regions = {}
    if places is None and events is not None and len(events):
        places = locate(events)
    if places is not None and len(places):
        codes = places["iso3"].to_numpy()
        west, south, east, north = extent_of(places)
        box = shapely.box(west - DETAIL_MARGIN_DEG, south - DETAIL_MARGIN_DEG,
                          east + DETAIL_MARGIN_DEG, north + DETAIL_MARGIN_DEG)
        world = _world("detail")
        focus = set(world["iso3"].to_numpy()[_world_tree().query(box, predicate="intersects")])
        in_data = set(codes) - {""}
        focus |= in_data
        names = dict(zip(world["iso3"], world["name"]))
        others = tuple(sorted(in_data - {"MLI"}))
        pieces = _admin1_pieces(others) if others else None  # one read for every country of the data
        regions = {c: _named_regions(c, names[c], places[places["iso3"] == c], pieces) for c in others}
        if "MLI" not in in_data:
            layers["admin1"] = layers["admin1"].iloc[0:0]
        if _mali_share(places) < MALI_SHARE:  # Mali's own layers only where the data is in Mali
            layers["tuareg_region"] = layers["tuareg_region"].iloc[0:0]
            layers["algeria_border"] = layers["algeria_border"].iloc[0:0]
        if in_data - {"MLI"}:  # border distances to the data's own countries' borders
            layers["borders"] = border_lines(tuple(sorted(in_data))).copy()
    layers["countries"] = _countries_layer(focus)
    if regions:
        parts = [layers["admin1"]] + [r for r in regions.values() if len(r)]
        layers["admin1"] = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry",
                                            crs="EPSG:4326")
    for key, layer in layers.items():
        info = LAYERS[key]
        layer.attrs = {"title": info.title, "description": info.description,
                       "attribution": NATURAL_EARTH_ATTRIBUTION}
    return layers
