"""Country names in French (issue 25): Natural Earth's NAME_FR on the map, in snapshots and in titles."""

from __future__ import annotations

import geo
from geo.i18n import use_language
from geo.places.labels import label_names, place_labels
from geo.static.snapshots import render


def test_the_shipped_countries_carry_natural_earths_french_names():
    layers = geo.load_layers()
    names = dict(zip(layers["countries"]["name"], layers["countries"]["name_fr"]))
    assert names["Algeria"] == "Algérie" and names["Mauritania"] == "Mauritanie" and names["Guinea"] == "Guinée"
    world = geo.load_layers(geo.read_events(geo.events.DATA_DIR.parent / "tests" / "fixtures" / "acled" /
                                            "acled_afghanistan.csv")[0])
    assert "name_fr" in world["countries"] and world["countries"]["name_fr"].notna().all()


def test_labels_name_countries_in_the_language_in_use():
    labels = place_labels(geo.load_layers(), geo.load_events())
    country = labels[labels["kind"] == "country"]
    assert "Algeria" in set(label_names(country))
    with use_language("fr"):
        assert {"Algérie", "Mauritanie"} <= set(label_names(country)) and "Algeria" not in set(label_names(country))
    # other places keep their names in both languages
    others = labels[labels["kind"] != "country"]
    assert (others["name_fr"] == others["name"]).all()


def test_french_snapshots_and_titles_name_countries_in_french():
    events, claims = geo.load_events(), geo.load_claims()
    french = render(geo.View(lang="fr"), "svg", events, claims).decode("utf-8")
    english = render(geo.View(), "svg", events, claims).decode("utf-8")
    assert "MAURITANIE" in french and "MAURITANIA" not in french
    assert "MAURITANIA" in english and "MAURITANIE" not in english
    with use_language("fr"):
        assert geo.layers.title_of(["Algeria", "Mauritania"]) == "Événements de conflit — Algérie et Mauritanie"
    assert geo.layers.title_of(["Algeria"]) == "Conflict events — Algeria"
