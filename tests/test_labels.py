"""Place names for the map and the snapshots (geo.places.labels), offline."""

from __future__ import annotations

import pandas as pd
import pytest

import geo
from conftest import FIXTURES
import geopandas as gpd
import shapely

from geo.extent import extent_of, places_of
from geo.i18n import use_language
from geo.places.labels import TWIN_PX, _screen_px, clean_place_name, label_names, name_key, place_labels


@pytest.fixture(scope="module")
def mali_labels(events, layers):
    return place_labels(layers, events)


def shown_at(labels, zoom):
    return labels[labels["min_zoom"] <= zoom]


def test_the_north_of_mali_is_named_at_the_datas_own_zoom(events, mali_labels):
    (_, _), zoom = geo.Vocabulary.of(events).home
    names = set(shown_at(mali_labels, zoom)["name"])
    # towns from GeoNames, regions from the layers, and the village only the events name
    assert {"Kidal", "Gao", "Timbuktu", "Tinzaouaten", "Tessalit", "Mali", "Algeria"} <= names


def test_every_kind_is_ranked_and_the_data_comes_first(mali_labels):
    assert list(mali_labels.columns) == ["name", "lat", "lon", "kind", "min_zoom", "rank", "name_fr"]
    assert set(mali_labels["kind"]) == {"country", "region", "town", "place"}
    assert mali_labels["rank"].is_monotonic_increasing
    at5 = list(shown_at(mali_labels, 5)["name"])
    # towns with events (Gao, Kidal) come before bigger towns elsewhere at the same zoom (Sikasso)
    assert at5.index("Kidal") < at5.index("Sikasso")


def test_a_place_with_events_is_named_once(mali_labels):
    # two events near Tinzaouaten (the battle 19.94, 2.70; the village 19.93, 2.96) and Gao's
    # airport zone next to the town: one label each
    assert (mali_labels["name"] == "Tinzaouaten").sum() == 1
    gao = mali_labels[(mali_labels["name"] == "Gao") & (mali_labels["kind"] != "region")
                      & (mali_labels["lat"] > 15)]  # not the Gao of Burkina Faso
    assert len(gao) == 1 and gao["kind"].iloc[0] == "place"  # the gazetteer's town, named as a place of the data


@pytest.mark.parametrize("raw, label", [
    ("Gao (airport zone)", "Gao"), ("Abeibara area", "Abeibara"), ("Anefis (10 km south)", "Anefis"),
    ("Timbuktu airport", "Timbuktu"), ("Menaka region", "Menaka"), ("Kidal", "Kidal"), ("", ""),
    ("(near Lere)", "(near Lere)"),
])
def test_place_names_lose_their_qualifiers(raw, label):
    assert clean_place_name(raw) == label


def test_labels_follow_data_from_anywhere():
    events, _ = geo.read_events(FIXTURES / "acled" / "acled_afghanistan.csv")
    labels = place_labels(geo.load_layers(events), events)
    names = set(shown_at(labels, 6)["name"])
    assert {"Afghanistan", "Kabul", "Kandahar", "Herat"} <= names
    assert "Kidal" not in set(labels["name"])


def test_names_from_data_stay_text(layers):
    events = geo.load_events().iloc[:1].copy()
    events["location"] = "<img src=x onerror=alert(1)>"
    labels = place_labels(layers, events)
    assert "<img src=x onerror=alert(1)>" in set(labels["name"])  # kept as text: the map sets it as text
    html = geo.build_map(events, layers).get_root().render()
    assert "<img src=x" not in html.split("<body>")[0]


def test_a_map_without_events_names_its_countries(layers):
    labels = place_labels(layers, None)
    assert {"Mali", "Niger"} <= set(labels["name"]) and "town" not in set(labels["kind"])
    assert isinstance(labels, pd.DataFrame)


def side_by_side_twins(labels: pd.DataFrame, names: pd.Series) -> list[tuple[str, str, int]]:
    """(region, town, zoom) for each region labelled within TWIN_PX of a town or place of the same name
    (spelt alike or not), at a zoom that shows both."""
    found = []
    kinds, keys = labels["kind"].to_numpy(), [name_key(n) for n in names]
    for r in (i for i, k in enumerate(kinds) if k == "region"):
        for t in (i for i, k in enumerate(kinds) if k in ("town", "place") and keys[i] == keys[r]):
            zoom = max(labels["min_zoom"].iat[r], labels["min_zoom"].iat[t])
            x, y = _screen_px(labels["lat"].to_numpy()[[r, t]], labels["lon"].to_numpy()[[r, t]], zoom)
            if abs(x[1] - x[0]) + abs(y[1] - y[0]) < TWIN_PX:
                found.append((names.iat[r], names.iat[t], int(zoom)))
    return found


@pytest.mark.parametrize("raw, key", [("Timbuktu", "tmbkt"), ("Tombouctou", "tmbkt"), ("Ménaka", "mnk"),
                                      ("Menaka", "mnk"), ("Qandahar", "kndr"), ("Kandahar", "kndr"),
                                      ("Ségou", "sg"), ("Gao", "g")])
def test_a_name_key_meets_spellings_of_one_name(raw, key):
    assert name_key(raw) == key


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_region_and_its_capital_are_not_named_side_by_side(mali_labels, lang):
    """Issue 24: "Timbuktu" (the town, GeoNames' English name) was labelled beside "Tombouctou" (the region);
    Gao, Kidal, Mopti and Ségou twice as well. The town keeps the name, from the region's zoom."""
    with use_language(lang):
        names = label_names(mali_labels)
    assert side_by_side_twins(mali_labels, names) == []
    assert "Tombouctou" not in set(names) and "Timbuktu" in set(names)
    region_zoom = 5  # Tombouctou's, Gao's and Kidal's (large regions)
    for town in ("Timbuktu", "Gao", "Kidal"):
        row = mali_labels[(mali_labels["name"] == town) & (mali_labels["lat"] > 15)]
        assert len(row) == 1 and row["min_zoom"].iat[0] <= region_zoom


def test_a_region_far_from_its_namesake_town_keeps_its_name():
    """Only a twin beside its region's label is dropped: a region whose town of the same name lies far from
    its label point (at the first zoom showing both), or outside it, keeps its name."""
    square = shapely.box(0, 10, 10, 20)  # a large region: its label point near (5, 15)
    layers = {"admin1": gpd.GeoDataFrame({"name": ["Tombouctou", "Near"]},
                                         geometry=[square, shapely.box(10, 10, 11, 11)], crs=4326)}
    events = pd.DataFrame({"event_id": ["a", "b", "c"], "location": ["Timbuktu", "Near", "Far"],
                           "latitude": [10.2, 10.5, 30.0], "longitude": [0.2, 10.5, 30.0]})
    labels = place_labels(layers, events)
    regions = set(labels.loc[labels["kind"] == "region", "name"])
    assert "Tombouctou" in regions  # its Timbuktu is ~7 degrees from the label point: not side by side
    assert "Near" not in regions and (labels["name"] == "Near").sum() == 1  # beside its label: named once
    assert labels.loc[labels["name"] == "Near", "min_zoom"].iat[0] == 6  # the earlier of the two zooms


def test_afghan_provinces_named_after_their_capitals_are_named_once():
    events, _ = geo.read_events(FIXTURES / "real" / "acled_afghanistan_2023.csv")
    labels = place_labels(geo.load_layers(events), events)
    for lang in ("en", "fr"):
        with use_language(lang):
            assert side_by_side_twins(labels, label_names(labels)) == []
    assert {"Kandahar", "Herat", "Helmand", "Badakhshan"} <= set(labels["name"])


def test_a_neighbour_whose_middle_is_off_the_data_is_also_named_near_it(events, mali_labels):
    """Algeria's middle (28°N) lies beyond a map of northern Mali; its name has a second anchor on the part
    of Algeria near the data, right after the first, so the map names Mali's neighbour once, where it fits."""
    countries = mali_labels[mali_labels["kind"] == "country"]
    algeria = countries[countries["name"] == "Algeria"]
    assert len(algeria) == 2 and list(algeria.index) == [algeria.index[0], algeria.index[0] + 1]
    west, south, east, north = extent_of(places_of(events))
    middle, near = algeria.iloc[0], algeria.iloc[1]
    assert middle["lat"] > north + 3
    assert south - 3 <= near["lat"] <= north + 3 and west - 3 <= near["lon"] <= east + 3
    algeria_shape = geo.load_layers(events)["countries"].set_index("name").geometry["Algeria"]
    assert algeria_shape.contains(shapely.Point(near["lon"], near["lat"]))
    # Mali itself, whose middle is among the data, has one anchor; without events there is no second anchor
    assert (countries["name"] == "Mali").sum() == 1
    bare = place_labels(geo.load_layers(events))
    assert (bare[bare["kind"] == "country"]["name"].value_counts() == 1).all()
