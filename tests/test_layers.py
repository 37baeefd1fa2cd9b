"""The boundary layers: what they hold, where they are, and how they are built."""

from __future__ import annotations

import filecmp
import subprocess
import sys

import geopandas as gpd
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import Point

from conftest import NATURAL_EARTH, ROOT, TINZAWATEN
from geo.layers import AFRICA_ALBERS, LAYERS

GEOD = Geod(ellps="WGS84")
REGIONS = {"Kayes", "Koulikoro", "Sikasso", "Ségou", "Mopti", "Tombouctou", "Gao", "Kidal", "Bamako"}


def geodesic_km_to_line(lat: float, lon: float, line) -> float:
    """Distance on the WGS84 ellipsoid from a point to the nearest vertex-interpolated point of a line."""
    # densify to ~1 km so the nearest vertex is within a few hundred metres of the nearest point
    dense = shapely.segmentize(line, 0.01)
    coords = shapely.get_coordinates(dense)
    _, _, dist = GEOD.inv([lon] * len(coords), [lat] * len(coords), coords[:, 0], coords[:, 1])
    return float(min(dist)) / 1000


def test_layer_keys_crs_and_attrs(layers):
    assert set(layers) == {"countries", "admin1", "algeria_border", "tuareg_region"}
    for key, gdf in layers.items():
        assert gdf.crs.to_epsg() == 4326, key
        assert gdf.is_valid.all(), key
        assert gdf.attrs["title"] == LAYERS[key].title
        assert "Natural Earth" in gdf.attrs["attribution"]


def test_countries_are_mali_and_its_neighbours_in_detail_and_the_world_around(layers):
    countries = layers["countries"]
    detailed = set(countries.loc[countries["detail"], "name"])
    assert detailed == {"Mali", "Algeria", "Niger", "Burkina Faso", "Côte d'Ivoire", "Guinea", "Senegal",
                        "Mauritania"}
    # land is land everywhere: every other country of Natural Earth, simplified
    assert len(countries) > 240 and countries["iso3"].is_unique
    for name in ("Afghanistan", "Bangladesh", "Benin", "Brazil", "Ukraine"):
        assert name in set(countries["name"]), name
    assert countries.is_valid.all()


def test_nine_named_regions_cover_mali(layers):
    admin1 = layers["admin1"]
    assert set(admin1["name"]) == REGIONS
    assert admin1.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    mali = layers["countries"].loc[layers["countries"]["name"] == "Mali"].to_crs(AFRICA_ALBERS).area.iloc[0]
    total = admin1.to_crs(AFRICA_ALBERS).area.sum()
    # the regions and the (more simplified) country outline agree to within 1 %
    assert total == pytest.approx(mali, rel=0.01)
    # the regions' areas match their published sizes (km², 9-region scheme) within 6 %
    published = {"Tombouctou": 497_926, "Gao": 170_572, "Kidal": 151_430, "Mopti": 79_017, "Bamako": 252}
    areas = dict(zip(admin1["name"], admin1.to_crs(AFRICA_ALBERS).area / 1e6))
    for name, km2 in published.items():
        assert areas[name] == pytest.approx(km2, rel=0.06 if name != "Bamako" else 0.25), name


@pytest.mark.parametrize(
    "name, lat, lon",
    [("Kidal", 18.4411, 1.4078), ("Gao", 16.2666, -0.0400), ("Tombouctou", 16.7735, -3.0074),
     ("Mopti", 14.4843, -4.1830), ("Bamako", 12.6392, -8.0029)],
)
def test_capitals_lie_in_their_region(layers, name, lat, lon):
    admin1 = layers["admin1"]
    hit = admin1[admin1.contains(Point(lon, lat))]
    assert list(hit["name"]) == [name]


def test_algeria_border_is_one_line_of_about_1270_km(layers):
    border = layers["algeria_border"]
    assert len(border) == 1
    line = border.geometry.iloc[0]
    assert line.geom_type == "LineString"
    projected_km = border.to_crs(AFRICA_ALBERS).length.iloc[0] / 1000
    geodesic_km = GEOD.geometry_length(line) / 1000
    assert projected_km == pytest.approx(1270, abs=15)
    assert geodesic_km == pytest.approx(1270, abs=15)


def test_tinzawaten_is_in_kidal_within_10_km_of_the_border(layers):
    lat, lon = TINZAWATEN
    admin1 = layers["admin1"]
    assert list(admin1[admin1.contains(Point(lon, lat))]["name"]) == ["Kidal"]
    km = geodesic_km_to_line(lat, lon, layers["algeria_border"].geometry.iloc[0])
    assert km < 10


@pytest.mark.parametrize("lat, lon, at_least_km", [(18.4411, 1.4078, 150), (16.2666, -0.0400, 400)])
def test_kidal_and_gao_are_far_from_the_border(layers, lat, lon, at_least_km):
    assert geodesic_km_to_line(lat, lon, layers["algeria_border"].geometry.iloc[0]) > at_least_km


def test_tuareg_region_is_tombouctou_gao_kidal(layers):
    tuareg = layers["tuareg_region"]
    assert len(tuareg) == 1
    assert "Azawad" in tuareg["description"].iloc[0] and "2012" in tuareg["description"].iloc[0]
    assert "Azawad" in LAYERS["tuareg_region"].description
    admin1 = layers["admin1"]
    north = admin1[admin1["name"].isin(["Tombouctou", "Gao", "Kidal"])]
    expected = north.to_crs(AFRICA_ALBERS).area.sum()
    assert tuareg.to_crs(AFRICA_ALBERS).area.iloc[0] == pytest.approx(expected, rel=0.001)
    assert tuareg.geometry.iloc[0].contains(Point(TINZAWATEN[1], TINZAWATEN[0]))
    assert not tuareg.geometry.iloc[0].contains(Point(-8.0029, 12.6392))  # Bamako


def test_load_layers_returns_independent_copies():
    import geo

    first = geo.load_layers()
    first["admin1"]["name"] = "changed"
    again = geo.load_layers()
    assert len(again["admin1"]) == 9 and "changed" not in set(again["admin1"]["name"])


@pytest.mark.skipif(not NATURAL_EARTH.exists(), reason="raw Natural Earth input not present")
def test_build_script_reproduces_the_committed_layers(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "data" / "build_boundaries.py"), str(NATURAL_EARTH), str(tmp_path)],
        capture_output=True, text=True, timeout=1200,
    )
    assert result.returncode == 0, result.stderr
    for key in ("countries", "admin1", "algeria_border", "tuareg_region"):
        assert filecmp.cmp(tmp_path / f"{key}.geojson", ROOT / "data" / f"{key}.geojson", shallow=False), key
    for key in ("world_countries", "world_countries_low", "world_admin1"):
        assert filecmp.cmp(tmp_path / f"{key}.parquet", ROOT / "data" / f"{key}.parquet", shallow=False), key


def test_build_script_reports_missing_input(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "data" / "build_boundaries.py"), str(tmp_path / "nowhere"), str(tmp_path)],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 1
    assert "ne_10m_admin_0_countries" in result.stderr and "Traceback" not in result.stderr


# --- layers that follow the data -------------------------------------------------------------------

def read_fixture(name):
    import geo
    from conftest import FIXTURES

    events, report = geo.read_events(FIXTURES / "acled" / name)
    assert report.accepted == report.rows_read
    return events


@pytest.fixture(scope="module")
def afghanistan():
    return read_fixture("acled_afghanistan.csv")


def test_layers_follow_data_from_another_country(afghanistan):
    import geo

    layers = geo.load_layers(afghanistan)
    countries = layers["countries"]
    detailed = set(countries.loc[countries["detail"], "name"])
    # the country the events are in, and those around it, are drawn in detail
    assert {"Afghanistan", "Pakistan", "Iran", "Tajikistan"} <= detailed
    # every event is on land: inside a country of the layer
    pts = gpd.GeoSeries(gpd.points_from_xy(afghanistan["longitude"], afghanistan["latitude"]), crs="EPSG:4326")
    assert pts.within(countries.loc[countries["name"] == "Afghanistan"].geometry.iloc[0]).all()
    # its first-level regions, cut from Natural Earth's lines and named from the data's own admin1
    admin1 = layers["admin1"]
    named = admin1[admin1["name"] != ""]
    assert set(named["country"]) == {"Afghanistan"}
    assert set(named["name"]) == set(afghanistan["admin1"])
    # Mali's regions are not drawn for data that has none in Mali
    assert "Kidal" not in set(admin1["name"])
    # each event lies in the region its source names
    for (_, ev), pt in zip(afghanistan.iterrows(), pts):
        hit = named[named.contains(pt)]
        assert list(hit["name"]) == [ev["admin1"]], ev["location"]
    # and the areas are those of the provinces (km², within 10 %)
    areas = dict(zip(named["name"], named["area_km2"]))
    for name, km2 in {"Kabul": 4_462, "Helmand": 58_584, "Kandahar": 54_022, "Herat": 54_778}.items():
        assert areas[name] == pytest.approx(km2, rel=0.1), name


def test_embedded_data_keeps_malis_layers(events):
    import geo

    fitted, default = geo.load_layers(events), geo.load_layers()
    assert list(fitted["admin1"]["name"]) == list(default["admin1"]["name"])
    assert len(fitted["admin1"]) == 9


def test_enrich_names_regions_anywhere_and_keeps_the_files_own_region(afghanistan):
    import geo

    layers = geo.load_layers(afghanistan)
    out = geo.enrich(afghanistan, layers)
    # ours: the admin-1 region by spatial join; the file's (ACLED's world region) kept beside it
    assert list(out["region"]) == list(afghanistan["admin1"])
    assert set(out["source_region"]) == {"Caucasus and Central Asia"}
    assert "source_region" not in afghanistan.columns and set(afghanistan["region"]) == {"Caucasus and Central Asia"}
    # read back (an export of ours carries our region): nothing is renamed twice
    again = geo.enrich(out, layers)
    assert list(again.columns) == list(out.columns)
    assert list(again["source_region"]) == list(out["source_region"])


def test_data_title_names_where_the_data_is(events, afghanistan):
    from geo.layers import data_title

    assert data_title(events) == "Conflict events — northern Mali"
    assert data_title(afghanistan) == "Conflict events — Afghanistan"
    gulf = read_fixture("acled_benin_togo.csv")
    title = data_title(gulf)
    assert title.startswith("Conflict events — Benin, ") and title.endswith(" and Togo")
    assert data_title(gulf, most=2) == "Conflict events — Benin, Burkina Faso and 2 more countries"


def test_country_at_points_on_land_off_the_coast_and_at_sea():
    from geo.layers import country_at

    codes = country_at([2.702, 69.2075, 90.41, 2.35, -30.0], [19.943, 34.5553, 23.81, 6.36, 0.0])
    # Tinzaouaten, Kabul, Dhaka, Cotonou (on the coast), the Atlantic
    assert list(codes) == ["MLI", "AFG", "BGD", "BEN", ""]


@pytest.mark.skipif(not NATURAL_EARTH.exists(), reason="raw Natural Earth input not present")
def test_world_pieces_cut_afghanistan_into_its_34_provinces():
    import geopandas as gpd

    pieces = gpd.read_parquet(ROOT / "data" / "world_admin1.parquet", filters=[("iso3", "==", "AFG")])
    assert len(pieces) == 34
