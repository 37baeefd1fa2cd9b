"""The boundary layers: what they hold, where they are, and how they are built."""

from __future__ import annotations

import filecmp
import subprocess
import sys

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


def test_countries_are_mali_and_its_neighbours(layers):
    names = set(layers["countries"]["name"])
    assert names == {"Mali", "Algeria", "Niger", "Burkina Faso", "Côte d'Ivoire", "Guinea", "Senegal",
                     "Mauritania"}


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
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    for key in ("countries", "admin1", "algeria_border", "tuareg_region"):
        assert filecmp.cmp(tmp_path / f"{key}.geojson", ROOT / "data" / f"{key}.geojson", shallow=False), key


def test_build_script_reports_missing_input(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "data" / "build_boundaries.py"), str(tmp_path / "nowhere"), str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1
    assert "ne_10m_admin_0_countries" in result.stderr and "Traceback" not in result.stderr
