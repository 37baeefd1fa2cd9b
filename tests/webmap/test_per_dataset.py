"""The map's work per data set is done once (issue 26), and popups are made only for events drawn
as markers: an event counted into a cell costs no popup, however heavy its claims."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import geo
import geo.sources.dataset
import geo.webmap.boundaries
import geo.webmap.claimsindex
import geo.webmap.maps
import geo.webmap.markers
from geo.bench.synthetic import synthetic_claims, synthetic_events, synthetic_ged
from geo.fatalities import fatality_note, fatality_notes
from geo.i18n import set_language
from geo.sources.dataset import Dataset
from geo.webmap.claimsindex import ClaimsIndex
from geo.webmap.popups import popup_floor


class Counter:
    """Wraps a function and counts its calls."""

    def __init__(self, fn):
        self.fn, self.calls = fn, 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.fn(*args, **kwargs)


@pytest.fixture(scope="module")
def curated() -> Dataset:
    return Dataset.embedded()


@pytest.fixture(scope="module")
def ged(tmp_path_factory) -> Dataset:
    """A claims-heavy UCDP GED-shaped file: three claims an event (low, best, high)."""
    path = tmp_path_factory.mktemp("ged") / "ged.csv"
    synthetic_ged(600, seed=3).to_csv(path, index=False)
    return Dataset.from_source(path, use_cache=False)


def _count(monkeypatch):
    counts = {
        "labels": Counter(geo.sources.dataset.place_labels),
        "rings": Counter(geo.webmap.boundaries.encode_layer),
        "claims index": Counter(geo.webmap.claimsindex.ClaimsIndex),
        "all claims' ranges": Counter(geo.webmap.claimsindex.claim_ranges),
    }
    monkeypatch.setattr(geo.sources.dataset, "place_labels", counts["labels"])
    monkeypatch.setattr(geo.webmap.boundaries, "encode_layer", counts["rings"])
    monkeypatch.setattr(geo.webmap.claimsindex, "ClaimsIndex", counts["claims index"])
    monkeypatch.setattr(geo.webmap.claimsindex, "claim_ranges", counts["all claims' ranges"])
    return counts


def test_a_data_set_does_its_maps_work_once(monkeypatch):
    data = Dataset.embedded()  # a fresh one: nothing made yet
    counts = _count(monkeypatch)
    first = geo.build_map(data.events, data.layers, claims=data.claims, dataset=data).get_root().render()
    made = {k: c.calls for k, c in counts.items()}
    assert made == {"labels": 1, "rings": len([k for k in geo.layers.LAYER_ORDER if k in data.layers]),
                    "claims index": 1, "all claims' ranges": 1}
    # another view of the same data set (a filter, the look, a zoom), and the same view again: none of it again
    some = geo.filter_events(data.events, geo.EventFilter(actors=["Wagner Group"]))
    geo.build_map(some, data.layers, claims=data.claims, dataset=data, color_by="side", zoom=8)
    geo.build_map_content(data.events, data.layers, claims=data.claims, dataset=data)
    again = geo.build_map(data.events, data.layers, claims=data.claims, dataset=data).get_root().render()
    assert {k: c.calls for k, c in counts.items()} == made
    # the page is the one a map without the data set's memo makes (element names aside)
    plain = geo.build_map(data.events, data.layers, claims=data.claims, labels=data.labels).get_root().render()
    strip = lambda html: __import__("re").sub(r"_[0-9a-f]{32}", "_", html)  # noqa: E731
    assert strip(first) == strip(again) == strip(plain)


def test_without_a_data_set_every_map_does_it_again(monkeypatch, curated):
    """The counters see the work: a caller without a Dataset still gets a map, made from scratch."""
    counts = _count(monkeypatch)
    labels = Counter(geo.webmap.maps.place_labels)
    monkeypatch.setattr(geo.webmap.maps, "place_labels", labels)
    for _ in range(2):
        geo.build_map(curated.events, curated.layers, claims=curated.claims)
    assert labels.calls == 2 and counts["rings"].calls == 2 * len(
        [k for k in geo.layers.LAYER_ORDER if k in curated.layers])
    assert counts["all claims' ranges"].calls == 2


def _popups(monkeypatch):
    made = Counter(geo.webmap.markers.popup_fragments)
    monkeypatch.setattr(geo.webmap.markers, "popup_fragments", made)
    return made


def test_events_drawn_in_cells_build_no_popup(monkeypatch, ged):
    """Under the markers' count but over their byte budget by the texts alone (UCDP's three claims an
    event): cells, and not one popup made to find that out."""
    made = _popups(monkeypatch)
    budget = 300_000
    assert len(ged.events) < geo.MAX_MARKERS
    assert popup_floor(ged.events, ClaimsIndex(ged.claims).of(ged.events["event_id"])) > budget
    group = geo.build_map_content(ged.events, ged.layers, claims=ged.claims, dataset=ged, max_marker_bytes=budget)
    assert group.by_zoom and made.calls == 0
    html = geo.build_map(ged.events, ged.layers, claims=ged.claims, dataset=ged,
                         max_marker_bytes=budget).get_root().render()
    assert "event-cell" in html and "ev-popup'" not in html and made.calls == 0
    # past the markers' count too: cells, no popup
    geo.build_map(ged.events, ged.layers, claims=ged.claims, dataset=ged, max_markers=100)
    assert made.calls == 0
    # the event open in the link is drawn over the cells: its popup, and only its
    one = str(ged.events["event_id"].iloc[7])
    html = geo.build_map(ged.events, ged.layers, claims=ged.claims, dataset=ged, max_markers=100,
                         selected=one).get_root().render()
    assert made.calls == 1 and one in html


def _forget_popups(data: Dataset) -> None:
    for key in [k for k in data.memo if k[0] == "popups"]:
        del data.memo[key]


def test_markers_within_the_budget_get_every_popup(monkeypatch, ged):
    _forget_popups(ged)  # none made yet by other tests
    made = _popups(monkeypatch)
    some = ged.events.head(40)
    group = geo.build_map_content(some, ged.layers, claims=ged.claims, dataset=ged)
    assert not group.by_zoom and made.calls == 40


def test_a_popup_is_made_once_per_data_set_and_language(monkeypatch, ged):
    """A later map of the same data set (the same events again, a narrower filter, a page load) makes only the
    popups it never made; each popup is the one made without the data set's memo, its place's others included."""
    _forget_popups(ged)
    made = _popups(monkeypatch)
    wide = ged.events.head(300)
    first = geo.webmap.markers.events_geojson(wide, ged.claims, "event_type", memo=ged.memo)
    assert made.calls == 300
    again = geo.webmap.markers.events_geojson(wide, ged.claims, "side", memo=ged.memo)
    narrow = wide[wide["fatalities"] >= 5]
    fewer = geo.webmap.markers.events_geojson(narrow, ged.claims, "event_type", memo=ged.memo)
    assert made.calls == 300  # nothing made again
    plain = geo.webmap.markers.events_geojson(narrow, ged.claims, "event_type")
    assert made.calls == 300 + len(narrow)  # without the memo: every popup made
    assert [f["properties"] for f in fewer["features"]] == [f["properties"] for f in plain["features"]]
    assert [f["properties"]["_popup"] for f in again["features"]] == [f["properties"]["_popup"]
                                                                      for f in first["features"]]
    # the others at an event's place follow the events drawn, not the popups kept
    place = wide.groupby(["latitude", "longitude"])["event_id"].transform("size")
    crowded = wide[place > 1]
    assert len(crowded) and any("same-place" in f["properties"]["_popup"] for f in first["features"])
    alone = crowded.drop_duplicates(["latitude", "longitude"])
    fc = geo.webmap.markers.events_geojson(alone, ged.claims, "event_type", memo=ged.memo)
    assert not any("same-place" in f["properties"]["_popup"] for f in fc["features"])
    set_language("fr")  # another language: its own popups
    try:
        french = geo.webmap.markers.events_geojson(narrow, ged.claims, "event_type", memo=ged.memo)
    finally:
        set_language("en")
    assert made.calls == 300 + 2 * len(narrow)
    assert french["features"][0]["properties"]["_popup"] != fewer["features"][0]["properties"]["_popup"]


def test_the_popups_kept_are_bounded(ged):
    from geo.webmap.popupcache import PopupCache

    cache = PopupCache(limit=3)
    cache.put_many([(("en", str(i)), i) for i in range(5)])
    assert len(cache) == 3 and cache.get_many([("en", "0"), ("en", "4")]) == [None, 4]


def test_rows_read_by_column_are_to_dicts(ged):
    from geo.webmap.popupcache import records

    for frame in (ged.events.head(50), ged.claims.head(50), ged.events.head(0)):
        fast, slow = records(frame), frame.to_dict("records")
        assert len(fast) == len(slow)
        for a, b in zip(fast, slow):
            assert a.keys() == b.keys()
            for k in a:
                assert a[k] is b[k] or a[k] == b[k] or (pd.isna(a[k]) and pd.isna(b[k]) and type(a[k]) is type(b[k])), k


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_floor_is_never_above_the_popups(lang, curated, ged):
    """``popup_floor`` is a lower bound: a map it sends to cells would have passed the budget anyway."""
    set_language(lang)
    try:
        hostile = geo.load_events("tests/fixtures/events_hostile.csv")
        cases = [(curated.events, curated.claims), (ged.events.head(300), ged.claims),
                 (hostile, geo.load_claims("tests/fixtures/claims_hostile.csv"))]
        for events, claims in cases:
            markers = geo.webmap.markers.markers_layer(events, claims, "event_type", "conservative", None)
            floor = popup_floor(events, ClaimsIndex(claims).of(events["event_id"]))
            assert 0.4 * markers.payload_bytes < floor <= markers.payload_bytes
    finally:
        set_language("en")


def test_all_notes_at_once_are_each_events_note(curated, ged):
    events = synthetic_events(400, seed=5)
    cases = [(curated.events, curated.claims), (ged.events, ged.claims),
             (events, synthetic_claims(events, seed=5, parties=0.3))]
    for events, claims in cases:
        index = ClaimsIndex(claims)
        ids = events["event_id"].tolist()
        notes = fatality_notes(index.of(ids), dict(zip(ids, events["fatalities"])))
        for event_id, figure in zip(ids, events["fatalities"]):
            assert notes[event_id] == fatality_note(event_id, figure, geo.events.claims_for(claims, event_id))


def test_popups_made_at_once_are_popup_html(curated):
    """Each marker's popup is what ``popup_html`` makes for its event alone (claims, range, note, others)."""
    fc = geo.webmap.markers.events_geojson(curated.events, curated.claims, "event_type")
    by_id = {f["properties"]["event_id"]: f["properties"]["_popup"] for f in fc["features"]}
    rows = curated.events.set_index("event_id", drop=False)
    for event_id in ["MLI-2024-07-25-TIN", *list(rows.index[:10])]:
        ev = rows.loc[event_id].to_dict()
        here = curated.events[(curated.events["latitude"] == ev["latitude"])
                              & (curated.events["longitude"] == ev["longitude"])]
        if len(here) > 1:
            continue  # the others at its place come from the map's order
        assert by_id[event_id] == geo.webmap.popups.popup_html(ev, curated.claims)


def test_the_claims_index_leaves_the_claims_alone(curated):
    before = curated.claims.copy()
    index = ClaimsIndex(curated.claims)
    index.of(["MLI-2024-07-25-TIN"])
    assert index.disputed_count(curated.events) == geo.a11y.describe.disputed_count(curated.events, curated.claims)
    pd.testing.assert_frame_equal(curated.claims, before)
    own = index.of(["MLI-2024-07-25-TIN", "no such event"])
    pd.testing.assert_frame_equal(own.reset_index(drop=True),
                                  geo.events.claims_for(curated.claims, "MLI-2024-07-25-TIN").reset_index(drop=True))
    assert json.dumps(len(index.of([])))  # no events: no claims


def test_disputed_events_counted_from_the_data_sets_flags(curated):
    index = ClaimsIndex(curated.claims)
    expected = geo.a11y.describe.disputed_count(curated.events, curated.claims)
    assert expected > 0
    assert index.disputed_count(curated.events, curated.events) == expected
    some = geo.filter_events(curated.events, geo.EventFilter(actors=["Wagner Group"]))
    assert index.disputed_count(some, curated.events) == geo.a11y.describe.disputed_count(some, curated.claims)
    # a frame whose labels do not lead back to the data set's rows: looked up by id
    shuffled = some.iloc[::-1].reset_index(drop=True)
    assert index.disputed_count(shuffled, curated.events) == index.disputed_count(some)


def test_a_pan_or_zoom_keeps_the_region_shading_and_the_heat_reads_the_projection(monkeypatch):
    """The region shading depends on the events, not on the zoom: the same events at another zoom (a pan, a
    zoom in the dashboard) are not counted again; the heatmap takes the data set's projection, made once."""
    import re

    import geo.webmap.aggregate
    import geo.webmap.overlays

    data = Dataset.embedded()
    regions = Counter(geo.webmap.overlays.by_region)
    monkeypatch.setattr(geo.webmap.overlays, "by_region", regions)
    def strip(group) -> str:
        import folium

        page = folium.Map()
        group.add_to(page)
        return re.sub(r"_[0-9a-f]{32}", "_", page.get_root().render())

    some = geo.filter_events(data.events, geo.EventFilter(min_fatalities=1))
    for zoom in (5, 6, 7):
        geo.build_map_content(some, data.layers, claims=data.claims, dataset=data, shade_regions=True, zoom=zoom)
    assert regions.calls == 1
    other = geo.filter_events(data.events, geo.EventFilter(min_fatalities=2))
    shaded = geo.build_map_content(other, data.layers, claims=data.claims, dataset=data, shade_regions=True)
    assert regions.calls == 2  # other events: counted
    plain = geo.build_map_content(other, data.layers, claims=data.claims, shade_regions=True)
    assert strip(shaded) == strip(plain) and regions.calls == 3
    projected = Counter(geo.webmap.aggregate.to_pixels)
    monkeypatch.setattr(geo.webmap.aggregate, "to_pixels", projected)
    heat = [geo.build_map_content(some, data.layers, claims=data.claims, dataset=data, draw="heat", zoom=z)
            for z in (5, 6, 7)]
    made = projected.calls
    assert ("mercator", id(data.events)) in data.memo
    again = geo.build_map_content(some, data.layers, claims=data.claims, dataset=data, draw="heat", zoom=8)
    assert projected.calls - made <= 2  # the view's bounds only, never the events
    assert strip(heat[0]) == strip(geo.build_map_content(some, data.layers, claims=data.claims, draw="heat", zoom=5))
    assert again.by_zoom


def test_markers_far_over_their_budget_are_found_from_a_sample_of_popups(monkeypatch, ged):
    """Under the markers' count, under the budget by the texts alone, but far over it once made (UCDP's claims
    tables): a sample of the popups tells, and the map draws cells without making the others. Near the budget
    every popup is made and weighed, as before."""
    from geo.webmap.markers import ESTIMATE_FROM, ESTIMATE_MARGIN, ESTIMATE_SAMPLE, popup_estimate

    events = ged.events
    assert len(events) > ESTIMATE_FROM
    payload = geo.webmap.markers.markers_layer(events, ged.claims, "event_type", "conservative", None).payload_bytes
    floor = popup_floor(events, ClaimsIndex(ged.claims).of(events["event_id"]))
    estimate = popup_estimate(events, ged.claims)
    assert 0.8 * payload < estimate <= 1.05 * payload  # errs low (the others at each place are left out)
    far = int((floor + estimate / ESTIMATE_MARGIN) / 2)
    assert floor < far < estimate / ESTIMATE_MARGIN  # the texts alone would not tell
    _forget_popups(ged)
    made = _popups(monkeypatch)
    group = geo.build_map_content(events, ged.layers, claims=ged.claims, dataset=ged, max_marker_bytes=far)
    assert group.by_zoom and made.calls <= ESTIMATE_SAMPLE
    near = int(payload / 1.1)  # over the budget, but not far: every popup made, then weighed
    _forget_popups(ged)
    made.calls = 0
    group = geo.build_map_content(events, ged.layers, claims=ged.claims, dataset=ged, max_marker_bytes=near)
    assert group.by_zoom and made.calls == len(events)
    _forget_popups(ged)
    made.calls = 0
    group = geo.build_map_content(events, ged.layers, claims=ged.claims, dataset=ged, max_marker_bytes=payload + 1)
    assert not group.by_zoom and made.calls == len(events)
