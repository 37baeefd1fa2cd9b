"""Build the shipped boundary layers from Natural Earth 1:10m.

Usage::

    python data/build_boundaries.py ../shared/naturalearth data/

Reads the raw Natural Earth shapefiles (public domain) and writes four small
GeoJSON files under the output folder:

- ``countries.geojson``: Mali and its seven neighbours (name, ISO code).
- ``admin1.geojson``: Mali's nine first-level regions, cut from Mali's polygon
  with Natural Earth's admin-1 boundary lines and named by the regional
  capital each piece contains.
- ``algeria_border.geojson``: the Mali–Algeria land border as one line.
- ``tuareg_region.geojson``: Tombouctou, Gao and Kidal dissolved into one
  polygon (the regions claimed as Azawad in 2012).

and three GeoParquet files for data from anywhere else:

- ``world_countries.parquet``: every Natural Earth admin-0 country (0.02°),
  drawn in detail for the countries a data set is in and around;
- ``world_countries_low.parquet``: the same at 0.2°, the context for the rest
  of the world (land is land everywhere, in about 0.5 MB of GeoJSON);
- ``world_admin1.parquet``: every country cut into its first-level pieces with
  the admin-1 boundary lines (as Mali is), unnamed: the app names them from a
  data set's own ``admin1`` when it loads it.

Countries carry ``name_fr``, Natural Earth's French name (``NAME_FR``), for maps and snapshots in
French; ``--french-names`` adds only that column to the shipped files.

The script is deterministic: the same input gives byte-identical output.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import MultiLineString, Point, Polygon
from shapely.ops import linemerge, snap

#: Mali and its neighbours, by Natural Earth's ADM0_A3 code.
COUNTRIES = {
    "MLI": "Mali",
    "DZA": "Algeria",
    "NER": "Niger",
    "BFA": "Burkina Faso",
    "CIV": "Côte d'Ivoire",
    "GIN": "Guinea",
    "SEN": "Senegal",
    "MRT": "Mauritania",
}

#: Regional capitals (lat, lon) that name the nine pieces of Mali.
CAPITALS = {
    "Kayes": (14.4469, -11.4456),
    "Koulikoro": (12.8628, -7.5599),
    "Sikasso": (11.3176, -5.6665),
    "Ségou": (13.4317, -6.2157),
    "Mopti": (14.4843, -4.1830),
    "Tombouctou": (16.7735, -3.0074),
    "Gao": (16.2666, -0.0400),
    "Kidal": (18.4411, 1.4078),
    "Bamako": (12.6392, -8.0029),
}

#: ISO 3166-2:ML codes of the nine regions.
ISO_CODES = {
    "Kayes": "ML-1", "Koulikoro": "ML-2", "Sikasso": "ML-3", "Ségou": "ML-4", "Mopti": "ML-5",
    "Tombouctou": "ML-6", "Gao": "ML-7", "Kidal": "ML-8", "Bamako": "ML-BKO",
}

TUAREG_REGIONS = ("Tombouctou", "Gao", "Kidal")

#: Simplification tolerance in degrees (about 500 m): ample at the zooms the map
#: is read at, and it keeps the four files under half a megabyte together.
SIMPLIFY_DEG = 0.005
#: Countries are drawn as context only: a coarser tolerance keeps Algeria small.
SIMPLIFY_COUNTRIES_DEG = 0.02
COORD_PRECISION = 5
#: Pieces smaller than this (about 60 km²) are slivers, not regions; Bamako, the
#: smallest region, is about 0.018 deg².
MIN_REGION_DEG2 = 0.005
WGS84 = "EPSG:4326"
#: A projected CRS for lengths and areas over Mali and its neighbours
#: (Africa Albers Equal Area Conic; lengths along the border are within 0.5 %).
AFRICA_ALBERS = "ESRI:102022"


#: World layers: detail for the countries in view, context for the rest.
SIMPLIFY_WORLD_DEG = 0.02
SIMPLIFY_WORLD_LOW_DEG = 0.2
WORLD_LOW_PRECISION = 2
WORLD_PRECISION = 4
#: First-level pieces of every country: simplified at 0.02° (about 2 km, as the countries);
#: pieces under 0.002 deg² (about 25 km², mostly islets) are dropped.
SIMPLIFY_WORLD_ADMIN1_DEG = 0.02
MIN_PIECE_DEG2 = 0.002


class BuildError(ValueError):
    """The raw Natural Earth input is not what this script expects."""


def _read(folder: Path, name: str) -> gpd.GeoDataFrame:
    path = folder / f"{name}.shp"
    if not path.exists():
        raise BuildError(f"{path}: missing; expected the Natural Earth 1:10m layer {name}")
    return gpd.read_file(path)


def build_countries(raw: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    sel = raw[raw["ADM0_A3"].isin(COUNTRIES)].copy()
    if len(sel) != len(COUNTRIES):
        missing = set(COUNTRIES) - set(sel["ADM0_A3"])
        raise BuildError(f"ne_10m_admin_0_countries: no row for ADM0_A3 {sorted(missing)}")
    sel["iso3"] = sel["ADM0_A3"]
    sel["name"] = sel["ADM0_A3"].map(COUNTRIES)
    sel["name_fr"] = sel["NAME_FR"]  # Natural Earth's French name, for maps and snapshots in French
    sel = sel.sort_values("iso3")[["iso3", "name", "name_fr", "geometry"]].reset_index(drop=True)
    # coverage_simplify keeps shared borders shared: no slivers between neighbours.
    sel["geometry"] = shapely.set_precision(
        shapely.coverage_simplify(sel.geometry.values, SIMPLIFY_COUNTRIES_DEG), 10**-COORD_PRECISION
    )
    return gpd.GeoDataFrame(sel, geometry="geometry", crs=WGS84)


def build_admin1(mali, lines: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Cut Mali's polygon into its regions with the admin-1 boundary lines."""
    inside = lines[lines.intersects(mali.buffer(0.01))]
    merged = shapely.union_all(inside.geometry.values)
    # Lines stop just short of the national outline in places: snap their ends to it
    # so that every cut reaches the border, then subtract a thin buffer of the lines.
    merged = snap(merged, mali.boundary, 0.02)
    cut = mali.difference(merged.buffer(1e-6))
    parts = sorted(getattr(cut, "geoms", [cut]), key=lambda g: -g.area)
    pieces = [g for g in parts if g.area >= MIN_REGION_DEG2]
    # Where two lines nearly meet they leave slivers: give each to the region it
    # touches most, so that the regions still cover Mali without holes.
    for sliver in (g for g in parts if g.area < MIN_REGION_DEG2):
        grown = sliver.buffer(1e-5)
        best = max(range(len(pieces)), key=lambda i: pieces[i].intersection(grown).area)
        pieces[best] = pieces[best].union(grown).intersection(mali)
    rows = []
    for name, (lat, lon) in CAPITALS.items():
        pt = Point(lon, lat)
        hits = [g for g in pieces if g.contains(pt)]
        if len(hits) != 1:
            raise BuildError(f"admin-1 cut: {len(hits)} pieces contain the capital of {name}")
        rows.append({"name": name, "capital": name, "geometry": hits[0]})
    if len(pieces) != len(CAPITALS):
        raise BuildError(f"admin-1 cut gave {len(pieces)} pieces, expected {len(CAPITALS)}")
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs=WGS84)
    gdf["geometry"] = shapely.set_precision(
        shapely.coverage_simplify(gdf.geometry.values, SIMPLIFY_DEG), 10**-COORD_PRECISION
    )
    gdf["area_km2"] = (gdf.to_crs(AFRICA_ALBERS).area / 1e6).round(0).astype(int)
    gdf.insert(0, "admin1_code", [ISO_CODES[n] for n in gdf["name"]])
    gdf.insert(1, "country", "Mali")
    return gdf.sort_values("name", ignore_index=True)


def build_border(boundaries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    pair = {"Mali", "Algeria"}
    sel = boundaries[
        boundaries.apply(lambda r: {r["ADM0_LEFT"], r["ADM0_RIGHT"]} == pair, axis=1)
    ]
    if sel.empty:
        raise BuildError("ne_10m_admin_0_boundary_lines_land: no Mali–Algeria line")
    line = linemerge(shapely.union_all(sel.geometry.values))
    if isinstance(line, MultiLineString):
        parts = sorted(line.geoms, key=lambda g: -g.length)
        line = parts[0] if len(parts) == 1 else line
    gdf = gpd.GeoDataFrame(
        [{"name": "Mali–Algeria border", "countries": "Mali; Algeria", "geometry": line}],
        geometry="geometry",
        crs=WGS84,
    )
    gdf["length_km"] = round(float(gdf.to_crs(AFRICA_ALBERS).length.iloc[0]) / 1000, 1)
    return gdf


def build_tuareg(admin1: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    sel = admin1[admin1["name"].isin(TUAREG_REGIONS)]
    merged = shapely.union_all(sel.geometry.values, grid_size=10**-COORD_PRECISION)
    # keep the area only (a union of touching polygons can carry stray edges), and
    # close the pinholes simplification leaves where three regions meet
    polygons = [
        Polygon(p.exterior)
        for p in shapely.get_parts(merged)
        if p.geom_type == "Polygon" and p.area > MIN_REGION_DEG2
    ]
    geom = shapely.union_all(polygons)
    return gpd.GeoDataFrame(
        [
            {
                "name": "Azawad (Tombouctou, Gao, Kidal)",
                "regions": "; ".join(TUAREG_REGIONS),
                "description": (
                    "The northern regions of Mali (Tombouctou, Gao and Kidal, in the 9-region "
                    "scheme) that Tuareg rebels claimed as the independent state of Azawad in "
                    "2012. Shown for context; not a recognised boundary."
                ),
                "geometry": geom,
            }
        ],
        geometry="geometry",
        crs=WGS84,
    )


def build_world(raw: gpd.GeoDataFrame, tolerance: float, precision: int) -> gpd.GeoDataFrame:
    """Every country, simplified together (shared borders stay shared)."""
    world = gpd.GeoDataFrame({"iso3": raw["ADM0_A3"].to_numpy(), "name": raw["NAME"].to_numpy(),
                              "name_long": raw["NAME_LONG"].to_numpy(), "name_fr": raw["NAME_FR"].to_numpy()},
                             geometry=shapely.set_precision(shapely.coverage_simplify(raw.geometry.values, tolerance),
                                                            10**-precision),
                             crs=WGS84)
    world = world[~world.is_empty]
    return world.sort_values("iso3", ignore_index=True)


def build_world_admin1(raw: gpd.GeoDataFrame, lines: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Each country cut with the admin-1 lines, as ``build_admin1`` cuts Mali, without names."""
    tree = shapely.STRtree(lines.geometry.values)
    rows = []
    for iso3, country in sorted(zip(raw["ADM0_A3"], raw.geometry), key=lambda r: r[0]):
        idx = tree.query(country, predicate="intersects")
        if len(idx) == 0:
            pieces = list(shapely.get_parts(country))
        else:
            merged = snap(shapely.union_all(lines.geometry.values[np.sort(idx)]), country.boundary, 0.02)
            pieces = list(shapely.get_parts(country.difference(merged.buffer(1e-6))))
        pieces = [g for g in pieces if g.area >= MIN_PIECE_DEG2]
        if not pieces:
            continue
        simple = shapely.set_precision(shapely.coverage_simplify(np.array(pieces, dtype=object),
                                                                 SIMPLIFY_WORLD_ADMIN1_DEG), 10**-WORLD_PRECISION)
        # largest first: a piece's number is stable for the same input
        order = sorted(range(len(simple)), key=lambda i: (-round(pieces[i].area, 9), pieces[i].centroid.x))
        for n, i in enumerate(order):
            if not simple[i].is_empty:
                rows.append({"iso3": iso3, "piece": n, "geometry": simple[i]})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=WGS84)


def build(raw_dir: Path, out_dir: Path) -> dict[str, Path]:
    countries_raw = _read(raw_dir, "ne_10m_admin_0_countries")
    boundaries = _read(raw_dir, "ne_10m_admin_0_boundary_lines_land")
    admin_lines = _read(raw_dir, "ne_10m_admin_1_states_provinces_lines")
    mali = countries_raw.loc[countries_raw["ADM0_A3"] == "MLI", "geometry"]
    if mali.empty:
        raise BuildError("ne_10m_admin_0_countries: no row for Mali (ADM0_A3 'MLI')")
    admin1 = build_admin1(mali.iloc[0], admin_lines)
    layers = {
        "countries": build_countries(countries_raw),
        "admin1": admin1,
        "algeria_border": build_border(boundaries),
        "tuareg_region": build_tuareg(admin1),
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, gdf in layers.items():
        path = out_dir / f"{name}.geojson"
        if path.exists():
            path.unlink()
        gdf.to_file(path, driver="GeoJSON", COORDINATE_PRECISION=COORD_PRECISION, RFC7946="YES")
        written[name] = path
    world = {
        "world_countries": build_world(countries_raw, SIMPLIFY_WORLD_DEG, WORLD_PRECISION),
        "world_countries_low": build_world(countries_raw, SIMPLIFY_WORLD_LOW_DEG, WORLD_LOW_PRECISION),
        "world_admin1": build_world_admin1(countries_raw, admin_lines),
    }
    for name, gdf in world.items():
        path = out_dir / f"{name}.parquet"
        gdf.to_parquet(path, index=False, compression="zstd", write_covering_bbox=False)
        written[name] = path
    return written


def add_french_names(raw_dir: Path, out_dir: Path) -> dict[str, Path]:
    """Add (or refresh) ``name_fr``, Natural Earth's ``NAME_FR``, in the shipped country files, leaving their
    geometry as built: for a copy of Natural Earth that has the countries' attributes but not every layer's."""
    raw = gpd.read_file(raw_dir / "ne_10m_admin_0_countries.shp", columns=["ADM0_A3", "NAME_FR"],
                        ignore_geometry=True)
    french = dict(zip(raw["ADM0_A3"], raw["NAME_FR"]))
    written = {}
    for name in ("world_countries", "world_countries_low"):
        path = out_dir / f"{name}.parquet"
        world = gpd.read_parquet(path).drop(columns="name_fr", errors="ignore")
        world.insert(3, "name_fr", world["iso3"].map(french).fillna(world["name"]))
        world.to_parquet(path, index=False, compression="zstd", write_covering_bbox=False)
        written[name] = path
    path = out_dir / "countries.geojson"
    countries = gpd.read_file(path).drop(columns="name_fr", errors="ignore")
    countries.insert(2, "name_fr", countries["iso3"].map(french).fillna(countries["name"]))
    path.unlink()
    countries.to_file(path, driver="GeoJSON", COORDINATE_PRECISION=COORD_PRECISION, RFC7946="YES")
    written["countries"] = path
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw_dir", type=Path, help="folder with the Natural Earth 1:10m shapefiles")
    parser.add_argument("out_dir", type=Path, nargs="?", default=Path(__file__).parent)
    parser.add_argument("--french-names", action="store_true",
                        help="only add Natural Earth's French names (NAME_FR) to the shipped country files")
    args = parser.parse_args(argv)
    try:
        written = add_french_names(args.raw_dir, args.out_dir) if args.french_names else build(args.raw_dir,
                                                                                              args.out_dir)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for name, path in written.items():
        print(f"{name}: {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
