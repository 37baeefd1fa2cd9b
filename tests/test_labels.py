"""Place names for the map and the snapshots (geo.places.labels), offline."""

from __future__ import annotations

import pandas as pd
import pytest

import geo
from conftest import FIXTURES
from geo.places.labels import clean_place_name, place_labels


@pytest.fixture(scope="module")
def mali_labels(events, layers):
    return place_labels(layers, events)


def shown_at(labels, zoom):
    return labels[labels["min_zoom"] <= zoom]


def test_the_north_of_mali_is_named_at_the_datas_own_zoom(events, mali_labels):
    (_, _), zoom = geo.Vocabulary.of(events).home
    names = set(shown_at(mali_labels, zoom)["name"])
    # towns from GeoNames, regions from the layers, and the village only the events name
    assert {"Kidal", "Gao", "Timbuktu", "Tinzaouaten", "Tessalit", "Mali", "Algeria", "Tombouctou"} <= names


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
