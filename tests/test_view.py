"""The View and its share link: encoding, decoding, round trip, hostile links."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import replace
from urllib.parse import urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import geo
from geo.layers import LAYER_ORDER
from geo.webmap.maps import BASEMAPS
from geo.view import (
    MAX_ZOOM,
    MIN_ZOOM,
    View,
    ViewError,
    Vocabulary,
    dataset_fingerprint,
    view_to_link,
    view_to_query,
)
from geo.link import parse_link, view_from_query

TIN = "MLI-2024-07-25-TIN"


def test_default_view_has_an_empty_query():
    assert view_to_query(View()) == {}
    assert view_from_query({}) == (View(), [])
    assert view_to_link(View(), "http://host/app") == "http://host/app"


def test_encoding_is_short_readable_and_canonical():
    flt = geo.EventFilter(actors=["Wagner Group", "CSP-DPA"], start="2024-07-01", end="2024-07-31",
                          event_types=["Battles"], regions=["Kidal"], min_fatalities=5)
    view = View(filter=flt, center=(19.94331, 2.70189), zoom=9, hidden_layers=["countries"],
                basemap="osm", color_by="side", selected=TIN, dataset="ab12cd34", figure="claimant:CSP-DPA",
                shade_regions=True)
    view = replace(view, filter=replace(flt, max_border_km=50))
    q = view_to_query(view)
    assert list(q) == ["actor", "from", "to", "type", "region", "minf", "border", "lat", "lon", "z", "hide",
                       "basemap", "color", "fig", "shade", "event", "data"]
    assert q["border"] == "50" and q["fig"] == "claimant:CSP-DPA" and q["shade"] == "regions"
    assert q["actor"] == ["CSP-DPA", "Wagner Group"]  # sorted: the same view gives the same link
    assert q["from"] == "2024-07-01" and q["lat"] == "19.9433" and q["lon"] == "2.7019"
    link = view_to_link(view, "https://maps.example.org/")
    assert link.startswith("https://maps.example.org/?actor=CSP-DPA&actor=Wagner+Group&from=2024-07-01")
    assert len(link) < 400
    assert view_from_query(q) == (view, [])
    assert view_from_query(link) == (view, [])
    assert view_from_query(parse_link(link)) == (view, [])


def test_streamlit_style_params_single_strings():
    view, warnings = view_from_query({"z": "8", "actor": "Wagner Group", "from": "2024-01-01"})
    assert warnings == []
    assert view.zoom == 8 and view.filter.actors == ("Wagner Group",)
    assert view.filter.start == dt.date(2024, 1, 1)


names = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=60).filter(
    lambda s: s.strip() != "")
dates = st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31))


@st.composite
def views(draw):
    start = draw(st.none() | dates)
    end = draw(st.none() | dates)
    if start and end and end < start:
        start, end = end, start
    flt = geo.EventFilter(
        actors=draw(st.lists(names, max_size=5)), start=start, end=end,
        event_types=draw(st.lists(names, max_size=3)), regions=draw(st.lists(names, max_size=3)),
        min_fatalities=draw(st.integers(0, 10**6)),
        max_border_km=draw(st.none() | st.floats(0, 40_000)),
    )
    return View(
        filter=flt,
        center=(draw(st.floats(-90, 90)), draw(st.floats(-180, 180))),
        zoom=draw(st.integers(MIN_ZOOM, MAX_ZOOM)),
        hidden_layers=draw(st.lists(st.sampled_from(LAYER_ORDER), unique=True)),
        basemap=draw(st.sampled_from(list(BASEMAPS))),
        color_by=draw(st.sampled_from(geo.COLOR_MODES)),
        selected=draw(st.none() | names),
        dataset=draw(st.none() | st.text("0123456789abcdef", min_size=8, max_size=8)),
        figure=draw(st.sampled_from(["conservative", "highest"]) | names.map(lambda n: "claimant:" + n.strip())),
        shade_regions=draw(st.booleans()),
        draw=draw(st.sampled_from(["auto", "heat"])),
    )


@settings(max_examples=300, deadline=None)
@given(views())
def test_round_trip_every_reachable_view(view):
    query = view_to_query(view)
    assert view_from_query(query) == (view, [])
    # and through the text of a link, as a browser hands it back
    assert view_from_query("?" + urlencode(query, doseq=True)) == (view, [])
    assert len(view_to_link(view, "https://example.org/")) < 2000


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=20), st.text(max_size=50) | st.lists(st.text(max_size=30), max_size=4),
                       max_size=12))
def test_hostile_params_never_raise(params):
    view, warnings = view_from_query(params)
    assert isinstance(view, View) and isinstance(warnings, list)
    # whatever came out is itself a clean, reachable view
    assert view_from_query(view_to_query(view)) == (view, [])


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_hostile_link_text_never_raises(text):
    view, _ = view_from_query(text)
    assert isinstance(view, View)


@pytest.mark.parametrize(
    "params, check, warning",
    [
        ({"bogus": "1"}, lambda v: v == View(), "unknown setting 'bogus'"),
        ({"from": "2024-13-40"}, lambda v: v.filter.start is None, "not a date"),
        ({"from": "yesterday", "z": "7"}, lambda v: v.zoom == 7, "not a date"),
        ({"z": "40"}, lambda v: v.zoom == MAX_ZOOM, "used 18"),
        ({"z": "-3"}, lambda v: v.zoom == MIN_ZOOM, "used 2"),
        ({"z": "nan"}, lambda v: v.zoom == View().zoom, "not a number"),
        ({"lat": "95", "lon": "10"}, lambda v: v.center == View().center, "off the globe"),
        ({"lat": "10"}, lambda v: v.center == View().center, "must both be numbers"),
        ({"from": "2024-08-01", "to": "2024-07-01"}, lambda v: v.filter.start == dt.date(2024, 8, 1)
         and v.filter.end is None, "before the start"),
        ({"actor": "Wagner\x00Group"}, lambda v: v.filter.actors == (), "control characters"),
        ({"actor": "x" * 5_000_000}, lambda v: v.filter.actors == (), "5,000,000 characters"),
        ({"minf": "-4"}, lambda v: v.filter.min_fatalities == 0, "negative"),
        ({"minf": "many"}, lambda v: v.filter.min_fatalities == 0, "not a number"),
        ({"hide": ["admin1", "rivers"]}, lambda v: v.hidden_layers == ("admin1",), "unknown layer 'rivers'"),
        ({"basemap": "google"}, lambda v: v.basemap == "none", "use one of"),
        ({"color": "<script>"}, lambda v: v.color_by == "event_type", "use one of"),
        ({"z": ["5", "9"]}, lambda v: v.zoom == 5, "used the first"),
        ({"border": "-5"}, lambda v: v.filter.max_border_km is None, "not a distance"),
        ({"border": "inf"}, lambda v: v.filter.max_border_km is None, "not a distance"),
        ({"fig": "loudest"}, lambda v: v.figure == "conservative", "use conservative"),
        ({"shade": "hexagons"}, lambda v: not v.shade_regions, "only shading"),
        ({"draw": "<b>hexbins</b>"}, lambda v: v.draw == "auto", "use one of auto, heat"),
    ],
)
def test_bad_values_are_dropped_with_a_warning(params, check, warning):
    view, warnings = view_from_query(params)
    assert check(view)
    assert any(warning in w for w in warnings), warnings


def test_huge_links_are_bounded():
    params = {f"k{i}": "v" for i in range(10_000)}
    view, warnings = view_from_query(params)
    assert view == View() and len(warnings) <= 21
    many = {"actor": [f"a{i}" for i in range(1000)]}
    view, warnings = view_from_query(many)
    assert len(view.filter.actors) == 100 and any("past the first 100" in w for w in warnings)


def test_vocabulary_checks_names_and_fingerprint(events):
    voc = Vocabulary.of(events)
    view, warnings = view_from_query(
        {"actor": ["Wagner Group", "Nobody"], "region": "Atlantis", "event": "NOPE", "data": "ffffffff"},
        vocabulary=voc,
    )
    assert view.filter.actors == ("Wagner Group",) and view.filter.regions == () and view.selected is None
    text = " ".join(warnings)
    assert "actor 'Nobody'" in text and "region 'Atlantis'" in text and "event 'NOPE'" in text
    assert "made on other data" in text
    same, warnings = view_from_query({"event": TIN, "data": voc.fingerprint}, vocabulary=voc)
    assert warnings == [] and same.selected == TIN


def test_fingerprint_is_stable_and_sensitive(events):
    fp = dataset_fingerprint(events)
    assert len(fp) == 8 and fp == dataset_fingerprint(events.iloc[::-1])
    changed = events.copy()
    changed.loc[changed.index[0], "fatalities"] += 1
    assert dataset_fingerprint(changed) != fp
    assert dataset_fingerprint(events.iloc[1:]) != fp


@pytest.mark.parametrize("kwargs", [{"zoom": 40}, {"center": (100, 0)}, {"basemap": "x"}, {"color_by": "x"},
                                    {"hidden_layers": ["x"]}, {"selected": "a\nb"}, {"zoom": 5.5}])
def test_view_rejects_unreachable_states(kwargs):
    with pytest.raises(ViewError):
        View(**kwargs)


def test_same_place_ignores_sub_pixel_drift():
    from geo.view import same_place

    assert same_place(View(center=(17.5, -2.0), zoom=6), View(center=(17.4974, -1.9995), zoom=6))
    assert not same_place(View(center=(17.5, -2.0), zoom=6), View(center=(17.4, -2.0), zoom=6))
    assert not same_place(View(center=(17.5, -2.0), zoom=6), View(center=(17.5, -2.0), zoom=7))
    assert not same_place(View(center=(17.5, -2.0), zoom=14), View(center=(17.5, -1.99), zoom=14))


# --- the data's own view -----------------------------------------------------------------------------

def afghanistan_vocabulary():
    from conftest import FIXTURES

    events, _ = geo.read_events(FIXTURES / "acled" / "acled_afghanistan.csv")
    return geo.Vocabulary.of(events)


def test_a_link_without_a_centre_opens_on_the_data_and_round_trips():
    voc = afghanistan_vocabulary()
    (lat, lon), zoom = voc.home
    assert 31 < lat < 37.5 and 61 < lon < 71 and 5 <= zoom <= 8
    view, warnings = geo.view_from_query("actor=Taliban", vocabulary=voc)
    assert warnings == [] and (view.center, view.zoom) == voc.home
    # at home, the link leaves the centre out; moved, it spells it out, and reads back the same
    assert geo.view_to_query(view) == {"actor": ["Taliban"]}
    moved = dataclasses.replace(view, center=(34.5, 69.2), zoom=9)
    again, warnings = geo.view_from_query(geo.view_to_query(moved), vocabulary=voc)
    assert warnings == [] and (again.center, again.zoom) == ((34.5, 69.2), 9)


def test_an_explicit_view_wins_unless_it_shows_none_of_the_data():
    voc = afghanistan_vocabulary()
    kept, warnings = geo.view_from_query("lat=34.5&lon=69.2&z=11", vocabulary=voc)
    assert warnings == [] and (kept.center, kept.zoom) == ((34.5, 69.2), 11)
    # northern Mali, on data from Afghanistan: the map would be empty
    away, warnings = geo.view_from_query("lat=17.5&lon=-2&z=6", vocabulary=voc)
    assert (away.center, away.zoom) == voc.home
    assert len(warnings) == 1 and "shows none of this data" in warnings[0]
    # a zoom out of range is not clamped to an empty spot: the map shows all the data
    far, warnings = geo.view_from_query("z=999", vocabulary=voc)
    assert (far.center, far.zoom) == voc.home and "shows all the data" in warnings[0]
    # without a data set, the old rule: clamped, with a warning
    bare, warnings = geo.view_from_query("z=999")
    assert bare.zoom == 18 and "used 18" in warnings[0]
