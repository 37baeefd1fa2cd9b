"""Border analysis for any country (issue 24): ``border_km`` is the distance to the nearest land border of
the data's own countries (the Mali–Algeria border for data in Mali), the sidebar's border controls work
for them, and Mali's own layers, controls and columns (the Tuareg region, the Mali–Algeria border,
``in_tuareg_region``) appear only where the data is in Mali."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely

import geo
from conftest import FIXTURES, ROOT
from geo.analysis import border_distance_km, border_names, enrich, measured_borders
from geo.layers import border_lines, load_layers

AFGHANISTAN = FIXTURES / "countries" / "acled_afghanistan_border.csv"


@pytest.fixture(scope="module")
def afghanistan():
    events = geo.read_events(AFGHANISTAN)[0]
    layers = load_layers(events)
    return enrich(events, layers), layers


def geodesic_km(lon, lat, lines) -> float:
    """The geodesic distance from a point to the nearest vertex of ``lines`` densified to ~100 m."""
    dense = shapely.segmentize(lines.geometry.union_all(), 0.001)
    xy = shapely.get_coordinates(dense)
    _, _, d = pyproj.Geod(ellps="WGS84").inv(np.full(len(xy), lon), np.full(len(xy), lat), xy[:, 0], xy[:, 1])
    return float(d.min() / 1000)


def test_afghanistan_has_its_own_borders_and_no_mali_layers(afghanistan):
    events, layers = afghanistan
    assert len(layers["tuareg_region"]) == 0 and len(layers["algeria_border"]) == 0
    names = border_names(layers)
    assert names[0] == "Afghanistan–Pakistan" and set(names) == {
        "Afghanistan–Pakistan", "Afghanistan–Tajikistan", "Afghanistan–Iran", "Afghanistan–Turkmenistan",
        "Afghanistan–Uzbekistan", "Afghanistan–China"}
    lengths = layers["borders"].set_index("name")["length_km"]
    assert 2000 < lengths["Afghanistan–Pakistan"] < 2800  # the Durand Line: 2,640 km; 2,226 on the 1:10m line
    assert "in_tuareg_region" not in events.columns  # Mali's column only for data in Mali


def test_border_km_is_the_distance_to_the_nearest_border_within_one_percent(afghanistan):
    events, layers = afghanistan
    km = events.set_index("location")["border_km"]
    assert km["Torkham border crossing"] < 5 and km["Dangam"] < 10 and km["Zaranj"] < 10
    assert km["Kabul"] > 50 and km["Bazarak"] > 100
    lines = measured_borders(layers)
    for lon, lat, ours in zip(events["longitude"], events["latitude"], events["border_km"]):
        assert ours == pytest.approx(geodesic_km(lon, lat, lines), rel=0.01, abs=0.5)


def test_within_n_km_of_the_afghanistan_pakistan_border(afghanistan):
    events, layers = afghanistan
    near = geo.filter_events(events, geo.EventFilter(max_border_km=10))
    assert set(near["location"]) == {"Torkham border crossing", "Dangam", "Ishkashim", "Zaranj"}
    words = geo.EventFilter(max_border_km=10).describe(border_names(layers))
    assert words == ["Within 10 km of the borders Afghanistan–Pakistan, Afghanistan–Tajikistan, Afghanistan–Iran, "
                     "Afghanistan–Turkmenistan, Afghanistan–Uzbekistan, Afghanistan–China"]
    assert geo.EventFilter(max_border_km=10).describe() == ["Within 10 km of the Algeria border"]
    zone = geo.webmap.overlays.border_zone(layers, 10)
    assert zone.geometry.iloc[0].contains(shapely.Point(71.0876, 34.1026))  # Torkham
    assert not zone.geometry.iloc[0].contains(shapely.Point(69.2075, 34.5553))  # Kabul


def test_mali_keeps_its_algeria_border(events, layers):
    # the curated set is all in Mali: border_km is to the Mali–Algeria border, as before
    assert border_names(layers) == [] and len(measured_borders(layers)) == 1
    events = enrich(events, load_layers(events))
    tin = events[events["event_id"] == "MLI-2024-07-25-TIN"]
    assert border_distance_km(tin, layers).iloc[0] == pytest.approx(tin["border_km"].iloc[0])
    assert tin["border_km"].iloc[0] < 15 and "in_tuareg_region" in events.columns
    own = load_layers(events)
    assert len(own["tuareg_region"]) and len(own["algeria_border"]) and "borders" not in own


def test_the_mali_algeria_border_is_not_drawn_on_an_africa_map():
    rng = np.random.default_rng(2)
    towns = [(-1.5, 12.4), (2.1, 13.5), (7.5, 9.1), (32.6, 0.3), (36.8, -1.3), (31.2, 30.0), (-7.6, 33.6),
             (18.4, -33.9), (15.3, -4.3), (38.7, 9.0), (-4.0, 16.8)]  # one in Mali (Tombouctou)
    lon, lat = zip(*[towns[k] for k in rng.integers(0, len(towns), 200)])
    events = pd.DataFrame({"longitude": lon, "latitude": lat})
    layers = load_layers(events)
    assert len(layers["algeria_border"]) == 0 and len(layers["tuareg_region"]) == 0
    assert "Mali–Algeria" in border_names(layers) and len(border_names(layers)) > 20


def test_border_lines_are_each_pair_once():
    lines = border_lines(("MMR", "BGD"))
    assert list(lines["name"]).count("Myanmar–Bangladesh") + list(lines["name"]).count("Bangladesh–Myanmar") == 1
    assert border_lines(("XXX",)).empty


def test_the_dashboard_on_afghanistan_offers_its_own_border_and_no_mali_control(monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("GEO_EVENTS", str(AFGHANISTAN))
    monkeypatch.delenv("GEO_CLAIMS", raising=False)
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=90)
    at.run()
    assert not at.exception
    labels = [c.label for c in at.sidebar.checkbox]
    assert "Only near a border" in labels and "Only near the Algeria border" not in labels
    layers = at.sidebar.multiselect(key="layers_shown")
    assert set(layers.options) == {"Countries", "Regions"}
    at.sidebar.checkbox(key="border_on").check().run()
    at.sidebar.slider(key="border_km").set_value(10).run()
    assert not at.exception
    assert at.query_params.get("border") in ("10", ["10"])
    assert "hide" not in at.query_params
    captions = " ".join(c.value for c in at.caption)
    assert "Within 10 km of the borders Afghanistan–Pakistan" in captions
    # the map's text alternative and the "no events" message name the same borders, never Mali's
    said = " ".join(e.value for kind in (at.markdown, at.caption, at.info) for e in kind)
    assert "Algeria border" not in said and "9-region scheme" not in said and "Tuareg" not in said
    at.sidebar.number_input(key="min_fatalities").set_value(100_000).run()
    assert not at.exception
    empty = " ".join(i.value for i in at.info)
    assert "No events match" in empty and "Afghanistan–Pakistan" in empty and "Algeria" not in empty


def test_an_afghanistan_export_carries_its_own_border_distance_and_no_mali_column():
    import io

    from geo.sources.dataset import Dataset
    from geo.static.snapshots import render

    data = Dataset.from_source(AFGHANISTAN, use_cache=False)
    text = render(geo.View(), "csv", data.events, data.claims, layers=data.layers)
    table = pd.read_csv(io.StringIO(text), comment="#")
    assert "in_tuareg_region" not in table.columns
    km = table.set_index("location")["border_km"]
    assert km["Torkham border crossing"] < 5 and km["Kabul"] > 50  # to Afghanistan's borders, not Algeria's


def test_an_afghanistan_map_draws_no_mali_layer(afghanistan):
    _, layers = afghanistan
    html = geo.build_base_map(layers).get_root().render()
    assert "Azawad" not in html and "Mali–Algeria border" not in html
    mali = geo.build_base_map(load_layers()).get_root().render()
    assert "Azawad" in mali and "Mali–Algeria border" in mali
