"""The event-type palette: ACLED's current and pre-2019 taxonomies and UCDP's types of violence."""

from __future__ import annotations

import pytest

import geo
from geo.styles import (EVENT_TYPE_COLORS, EVENT_TYPE_FAMILIES, OTHER_COLOR, event_color, event_type_color,
                        event_type_family, legend_items)
from geo.webmap.aggregate import cell_color
from geo.webmap.legend import legend_html

#: Okabe & Ito (2008), the colour-blind-safe set the palette is drawn from.
OKABE_ITO = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"}

OLD_AND_UCDP = {
    "Battle-No change of territory": "Battles",
    "Battle-Government regains territory": "Battles",
    "Battle-Non-state actor overtakes territory": "Battles",
    "Remote violence": "Explosions/Remote violence",
    "Riots/Protests": "Protests",
    "Violence against civilians": "Violence against civilians",
    "Strategic development": "Strategic developments",
    "Headquarters or base established": "Strategic developments",
    "Non-violent transfer of territory": "Strategic developments",
    "State-based conflict": "Battles",
    "Non-state conflict": "Battles",
    "One-sided violence": "Violence against civilians",
}


def test_families_are_acled_six_in_okabe_ito_colours_all_distinct():
    assert list(EVENT_TYPE_FAMILIES) == ["Battles", "Explosions/Remote violence", "Violence against civilians",
                                         "Strategic developments", "Protests", "Riots"]
    assert set(EVENT_TYPE_FAMILIES.values()) <= OKABE_ITO
    assert len(set(EVENT_TYPE_FAMILIES.values())) == 6 and OTHER_COLOR not in EVENT_TYPE_FAMILIES.values()


@pytest.mark.parametrize("name, family", sorted(OLD_AND_UCDP.items()))
def test_older_and_ucdp_types_take_their_family_colour(name, family):
    assert event_type_family(name) == family
    assert EVENT_TYPE_COLORS[name] == event_type_color(name) == EVENT_TYPE_FAMILIES[family] != OTHER_COLOR
    assert event_color({"event_type": name, "actor1": "x"}) == EVENT_TYPE_FAMILIES[family]
    assert cell_color(name, "event_type") == EVENT_TYPE_FAMILIES[family]


@pytest.mark.parametrize("spelling", ["battle-no change of territory", "Battle - No change of territory",
                                      "BATTLE-NO CHANGE OF TERRITORY", " Battle-No change of  territory "])
def test_case_and_spacing_do_not_matter(spelling):
    assert event_type_color(spelling) == EVENT_TYPE_FAMILIES["Battles"]


def test_unknown_types_are_other():
    assert event_type_color("Something else") == OTHER_COLOR and event_type_family("") is None


def test_legend_groups_types_by_family_without_repeating_a_colour():
    present = {"Battles", "Battle-No change of territory", "Remote violence", "Riots/Protests", "Mystery",
               "State-based conflict", "Battle-Government regains territory"}
    items = legend_items("event_type", present)
    assert [label for label, _ in items] == [
        "Battles (incl. 3 types)", "Explosions/Remote violence (incl. Remote violence)",
        "Protests (incl. Riots/Protests)", "Other"]
    assert legend_items("event_type", {"Battle-No change of territory", "Battle-Government regains territory"})[
        0][0] == "Battles (incl. 2 pre-2019 types)"
    assert legend_items("event_type", {"State-based conflict", "Non-state conflict", "One-sided violence"}) == [
        ("Battles (incl. 2 UCDP types)", "#D55E00"),
        ("Violence against civilians (incl. One-sided violence)", "#CC79A7")]
    colors = [c for _, c in items]
    assert len(colors) == len(set(colors))
    assert legend_items("event_type", {"Battles", "Riots"}) == [("Battles", "#D55E00"), ("Riots", "#56B4E9")]
    assert legend_items("event_type") == list(EVENT_TYPE_FAMILIES.items())
    html = legend_html("event_type", present, 7, "conservative", 0)
    assert "Protests (incl. Riots/Protests)" in html and EVENT_TYPE_FAMILIES["Protests"] in html


def test_pre2019_file_draws_no_grey_marker(tmp_path):
    events, _ = geo.read_events(__import__("conftest").FIXTURES / "variants" / "acled_pre2019_capitals.csv")
    colors = {event_color(r) for r in events[["actor1", "event_type"]].to_dict("records")}
    assert OTHER_COLOR not in colors and colors <= set(EVENT_TYPE_FAMILIES.values())
    assert [label for label, _ in legend_items("event_type", set(events["event_type"]))][-1] != "Other"
