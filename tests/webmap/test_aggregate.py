"""Aggregation into map cells, the level-of-detail policy of build_map, and the indexed filter
(checked row for row against a plain reference implementation)."""

from __future__ import annotations

import datetime as dt
import json
import re

import folium
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import geo
from geo import filters as filters_mod
from geo.webmap.aggregate import CELL_PX, CellLayer, aggregate_events, lod_cells, to_pixels, view_bounds
from geo.bench.synthetic import synthetic_events
from geo.webmap.maps import MAX_MARKERS
from geo.webmap.markers import EventMarkers, script_json

#: The page of a 1M-event map must stay under this.
PAGE_LIMIT = 3_000_000


@pytest.fixture(scope="module")
def many():
    return synthetic_events(20_000, seed=3)


def _events_layer(m: folium.Map) -> folium.FeatureGroup:
    return next(c for c in m._children.values() if isinstance(c, folium.FeatureGroup) and c.layer_name == "Events")


def _cell_layer(m: folium.Map) -> CellLayer | None:
    return next((c for c in _events_layer(m)._children.values() if isinstance(c, CellLayer)), None)


# --- the cells add up ----------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 57, 20_000])
@pytest.mark.parametrize("zoom", [2, 5, 8, 12])
def test_cells_add_up_to_the_events(many, n, zoom):
    events = many.iloc[:n]
    cells = aggregate_events(events, zoom)
    assert cells["events"].sum() == len(events)
    assert cells["fatalities"].sum() == events["fatalities"].sum()
    assert (cells["events"] > 0).all() and len(cells) == len(cells[["cell_x", "cell_y"]].drop_duplicates())
    assert len(cells) <= geo.webmap.aggregate.MAX_CELLS
    # each cell's centre (the mean of its events) lies in its square
    assert ((cells["lon"] >= cells["west"] - 1e-9) & (cells["lon"] <= cells["east"] + 1e-9)).all()
    assert ((cells["lat"] >= cells["south"] - 1e-9) & (cells["lat"] <= cells["north"] + 1e-9)).all()


@pytest.mark.parametrize("flt", [{"actors": ["JNIM"]}, {"start": "2022-01-01", "end": "2022-06-30"},
                                 {"event_types": ["Battles"], "min_fatalities": 3}, {"actors": ["Nobody"]}])
@pytest.mark.parametrize("zoom", [4, 7, 10])
def test_drawn_cells_add_up_to_the_filtered_events(many, flt, zoom):
    shown = geo.filter_events(many, geo.EventFilter(**flt))
    inner, outer = lod_cells(shown, zoom, (17.5, -4.0))
    assert inner["events"].sum() + outer["events"].sum() == len(shown)
    assert inner["fatalities"].sum() + outer["fatalities"].sum() == shown["fatalities"].sum()
    west, south, east, north = view_bounds((17.5, -4.0), zoom)
    inside = shown["longitude"].between(west, east) & shown["latitude"].between(south, north)
    assert inner["events"].sum() == inside.sum()


def test_cell_assignment_is_stable(many):
    zoom = 7
    cells = aggregate_events(many, zoom)
    # the grid is anchored at the world's origin: the cell follows from the place alone
    x, y = to_pixels(many["longitude"], many["latitude"], zoom)
    expected = pd.Series(1, index=pd.MultiIndex.from_arrays([np.floor(x / CELL_PX).astype(int),
                                                            np.floor(y / CELL_PX).astype(int)])).groupby(
        level=[0, 1]).size()
    got = cells.set_index(["cell_x", "cell_y"])["events"]
    assert got.sort_index().to_dict() == expected.sort_index().to_dict()
    # the order of the events and a subset of them do not move any cell
    shuffled = aggregate_events(many.sample(frac=1, random_state=1), zoom)
    pd.testing.assert_frame_equal(pd.DataFrame(shuffled.drop(columns="geometry")),
                                  pd.DataFrame(cells.drop(columns="geometry")))
    part = aggregate_events(many.iloc[::3], zoom).set_index(["cell_x", "cell_y"])
    assert set(part.index) <= set(got.index)
    assert (part["events"] <= got.loc[part.index]).all()


@pytest.mark.parametrize("zoom", [4, 7, 11])
def test_cells_cover_the_view_until_it_is_panned_past_the_padding(zoom):
    origin = (17.0, -2.0)
    assert geo.webmap.aggregate.cells_cover(origin, zoom, origin)
    west, south, east, north = view_bounds(origin, zoom)  # the fine cells' area
    inner_w, inner_s, inner_e, inner_n = view_bounds(origin, zoom, pad=0)  # the viewport
    half_w = (inner_e - inner_w) / 2
    # panned so that the viewport's east edge just reaches the fine area's edge: still covered
    assert geo.webmap.aggregate.cells_cover(origin, zoom, (origin[0], east - half_w - 1e-6 * half_w))
    assert not geo.webmap.aggregate.cells_cover(origin, zoom, (origin[0], east - half_w + 0.02 * half_w))
    assert not geo.webmap.aggregate.cells_cover(origin, zoom, (origin[0] + (north - south), origin[1]))
    assert geo.webmap.aggregate.cells_cover((0.0, 179.9), 5, (0.0, -179.9))  # across the antimeridian


def test_bounds_and_the_cell_cap(many):
    bounds = (-6.0, 14.0, 0.0, 20.0)
    cells = aggregate_events(many, 9, bounds)
    inside = many["longitude"].between(-6, 0) & many["latitude"].between(14, 20)
    assert cells["events"].sum() == inside.sum()
    capped = aggregate_events(many, 14, max_cells=40)
    assert len(capped) <= 40 and capped["events"].sum() == len(many)
    assert capped["cell_px"].iloc[0] > CELL_PX  # coarser cells, not dropped events


def test_dominant_type_and_empty_input(many):
    battles = geo.filter_events(many, geo.EventFilter(event_types=["Battles"]))
    assert set(aggregate_events(battles, 6)["dominant"]) == {"Battles"}
    sides = aggregate_events(many, 6, by="side")
    assert set(sides["dominant"]) <= set(geo.SIDE_COLORS)
    empty = aggregate_events(many.iloc[:0], 6)
    assert len(empty) == 0 and "events" in empty and empty.crs == "EPSG:4326"


# --- the level-of-detail policy ------------------------------------------------------------------


@pytest.mark.parametrize("threshold", [25, MAX_MARKERS])
def test_policy_switches_exactly_at_the_threshold(many, layers, threshold):
    at = geo.build_map(many.iloc[:threshold], layers, max_markers=threshold)
    assert _cell_layer(at) is None
    markers = next(iter(_events_layer(at)._children.values()))
    assert isinstance(markers, EventMarkers) and len(markers.data["features"]) == threshold
    over = geo.build_map(many.iloc[:threshold + 1], layers, max_markers=threshold)
    layer = _cell_layer(over)
    assert layer is not None
    inner, outer = layer.cells
    assert inner["events"].sum() + outer["events"].sum() == threshold + 1
    page = over.get_root().render()
    assert "event-cell" in page and "fitBounds" in page
    assert f"{threshold + 1:,} events in {len(inner) + len(outer):,} circles" in page


def test_marker_pages_are_bounded_by_their_bytes(many, layers):
    # up to the threshold, markers with their popups, and the page under its bound
    at = geo.build_map(many.iloc[:MAX_MARKERS], layers)
    assert _cell_layer(at) is None
    assert len(at.get_root().render().encode("utf-8")) < PAGE_LIMIT
    # the same events with long notes (each its own, as ACLED's) would need more than the markers' budget: cells
    wordy = many.iloc[:MAX_MARKERS]
    wordy = wordy.assign(notes=wordy["event_id"] + ": a long account of the fighting. " * 60)
    m = geo.build_map(wordy, layers)
    layer = _cell_layer(m)
    assert layer is not None and sum(len(c) for c in layer.cells) > 0
    inner, outer = layer.cells
    assert inner["events"].sum() + outer["events"].sum() == MAX_MARKERS
    assert len(m.get_root().render().encode("utf-8")) < PAGE_LIMIT
    # a few of them still fit: markers
    few = geo.build_map(wordy.iloc[:200], layers)
    assert _cell_layer(few) is None
    assert _cell_layer(geo.build_map(many.iloc[:200], layers, max_marker_bytes=10_000)) is not None
    # one long text that every event holds alike is sent once: markers
    alike = many.iloc[:MAX_MARKERS].assign(notes="A long account of the fighting. " * 60)
    assert _cell_layer(geo.build_map(alike, layers)) is None


@pytest.mark.parametrize("text", ["</script><script>alert(1)</script>", "<!-- <script>", "</SCRIPT >", "<ScRiPt>",
                                  "a\u2028b\u2029c", "</", "plain <b>bold</b> & 'quoted' \"double\""])
def test_script_json_is_safe_inside_a_script_element(text):
    value = {"rows": [[1.5, 2, text, [text]]], "key " + text: None}
    out = script_json(value)
    assert json.loads(out) == value  # JSON (and JavaScript) read back the same text
    low = out.lower()
    assert "</" not in low and "<!--" not in low and "<script" not in low
    assert "\u2028" not in out and "\u2029" not in out


def test_aggregated_map_keeps_its_options(many, layers, claims):
    m = geo.build_map(many, layers, claims=claims, max_markers=100, color_by="side", center=(15.0, -2.0), zoom=8,
                      selected=str(many["event_id"].iloc[7]), border_km=50, shade_regions=True)
    assert m.location == [15.0, -2.0] and m.options["zoom"] == 8
    page = m.get_root().render()
    assert "Initiator" in page and "openPopup" in page
    from geo.webmap.assets import external_urls

    assert external_urls(page) == []
    group = _events_layer(m)
    marker = next(c for c in group._children.values() if isinstance(c, EventMarkers))
    assert [f["properties"]["event_id"] for f in marker.data["features"]] == [many["event_id"].iloc[7]]


def test_hostile_text_in_cells_is_escaped(small_events, layers):
    page = geo.build_map(small_events, layers, max_markers=2).get_root().render()
    layer = _cell_layer(geo.build_map(small_events, layers, max_markers=2))
    assert layer is not None
    for raw in ("<img src=x onerror", "</script><script>alert(3)", "${alert(2)}"):
        assert raw not in page, raw
    names = json.loads(layer.args)["names"]
    assert all("<" not in n and "${" not in n for n in names)


@pytest.fixture(scope="module")
def million():
    return synthetic_events(1_000_000, seed=1)


def test_heatmap_weights_add_up_and_its_page_is_bounded(million, layers, small_events):
    from geo.webmap.assets import external_urls
    from geo.webmap.heatmap import HeatLayer

    m = geo.build_map(million, layers, draw="heat", zoom=7, center=(16.0, -3.0))
    heat = next(c for c in _events_layer(m)._children.values() if isinstance(c, HeatLayer))
    assert sum(w for _, _, w in heat.points) == len(million)  # every event weighs once
    assert 0 < len(heat.points) <= 2 * geo.webmap.heatmap.MAX_HEAT_POINTS and heat.scale >= 1
    page = m.get_root().render()
    assert len(page.encode("utf-8")) < PAGE_LIMIT and external_urls(page) == []
    assert "L.heatLayer" in page and "Heatmap of events" in page and "event-cell" not in page
    # few events are a heatmap too when asked, with the linked event drawn over it
    few = geo.build_map(small_events, layers, draw="heat", selected="T-1")
    group = _events_layer(few)
    kinds = {type(c).__name__ for c in group._children.values()}
    assert kinds == {"HeatLayer", "EventMarkers"}
    with pytest.raises(ValueError):
        geo.build_map(small_events, layers, draw="hexbin")


def test_page_size_is_bounded_at_a_million_events(million, layers):
    m = geo.build_map(million, layers)
    page = m.get_root().render()
    assert len(page.encode("utf-8")) < PAGE_LIMIT
    inner, outer = _cell_layer(m).cells
    assert inner["events"].sum() + outer["events"].sum() == len(million)
    # zoomed in far, the cells stay capped and still count every event
    deep = geo.build_map(million, layers, zoom=14, center=(17.0, -3.0))
    assert len(deep.get_root().render().encode("utf-8")) < PAGE_LIMIT
    inner, outer = _cell_layer(deep).cells
    assert inner["events"].sum() + outer["events"].sum() == len(million)
    shown = geo.filter_events(million, geo.EventFilter(actors=["Wagner Group"], start="2023-01-01"))
    assert len(geo.build_map(shown, layers).get_root().render().encode("utf-8")) < PAGE_LIMIT


# --- the indexed filter equals a plain one -------------------------------------------------------


def reference_filter(events: pd.DataFrame, flt: geo.EventFilter) -> pd.DataFrame:
    """filter_events as first written: a mask per restriction over the frame's columns."""
    mask = np.ones(len(events), dtype=bool)
    if flt.actors:
        wanted = set(flt.actors)
        hit = np.zeros(len(events), dtype=bool)
        for col in ("actor1", "actor2"):
            hit |= events[col].isin(wanted).to_numpy()
        for col in ("assoc_actor_1", "assoc_actor_2"):
            for i, value in enumerate(events[col].to_numpy()):
                if isinstance(value, str) and wanted & {p.strip() for p in value.split(";")}:
                    hit[i] = True
        mask &= hit
    if flt.start is not None:
        mask &= (events["event_date"] >= pd.Timestamp(flt.start)).to_numpy()
    if flt.end is not None:
        mask &= (events["event_date"] < pd.Timestamp(flt.end) + pd.Timedelta(days=1)).to_numpy()
    if flt.event_types:
        mask &= events["event_type"].isin(flt.event_types).to_numpy()
    if flt.regions:
        mask &= events["admin1"].isin(flt.regions).to_numpy()
    if flt.min_fatalities:
        mask &= (events["fatalities"] >= flt.min_fatalities).to_numpy()
    if flt.max_border_km is not None:
        mask &= (events["border_km"] <= flt.max_border_km).to_numpy()
    return events.iloc[np.flatnonzero(mask)]


NAMES = ["JNIM", "FAMa", "Wagner Group", " JNIM", "Air Force", "", None]
TEXT = st.sampled_from(NAMES)
ASSOC = st.one_of(st.none(), st.lists(st.sampled_from(NAMES[:5] + ["", "  "]), max_size=3).map(";".join),
                  st.lists(st.sampled_from(NAMES[:5]), max_size=3).map("; ".join))
DATES = st.one_of(st.none(), st.datetimes(dt.datetime(2023, 12, 28), dt.datetime(2024, 1, 4)))
ROWS = st.lists(st.tuples(TEXT, ASSOC, TEXT, ASSOC, DATES, st.sampled_from(["Battles", "Riots", None]),
                          st.sampled_from(["Kidal", "Gao", None]), st.integers(0, 5),
                          st.one_of(st.none(), st.floats(0, 100))), max_size=25)
FILTERS = st.builds(
    geo.EventFilter,
    actors=st.lists(st.sampled_from(["JNIM", "FAMa", "Wagner Group", "Air Force", "Nobody"]), max_size=2),
    start=st.one_of(st.none(), st.dates(dt.date(2023, 12, 28), dt.date(2024, 1, 4))),
    event_types=st.lists(st.sampled_from(["Battles", "Riots"]), max_size=1),
    regions=st.lists(st.sampled_from(["Kidal", "Gao"]), max_size=1),
    min_fatalities=st.integers(0, 4),
    max_border_km=st.one_of(st.none(), st.floats(0, 100)),
)


def _frame(rows, duplicate_labels: bool) -> pd.DataFrame:
    cols = ["actor1", "assoc_actor_1", "actor2", "assoc_actor_2", "event_date", "event_type", "admin1",
            "fatalities", "border_km"]
    df = pd.DataFrame(rows, columns=cols).astype({c: object for c in cols[:4] + cols[5:7]})
    df["event_date"] = pd.to_datetime(df["event_date"]).astype("datetime64[ns]")
    df["fatalities"] = df["fatalities"].astype(int)
    df["border_km"] = df["border_km"].astype(float)
    df["event_id"] = [f"E{i}" for i in range(len(df))]
    if duplicate_labels and len(df):
        df.index = [i % 3 for i in range(len(df))]
    return df


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS, flt=FILTERS, duplicate_labels=st.booleans(), cached=st.booleans(), categorical=st.booleans())
def test_indexed_filter_equals_the_reference(monkeypatch, rows, flt, duplicate_labels, cached, categorical):
    monkeypatch.setattr(filters_mod, "CACHE_MIN_ROWS", 0 if cached else 10**9)
    events = _frame(rows, duplicate_labels)
    if categorical:  # as compact_events stores them, and with missing values (code -1) too
        text = ["actor1", "assoc_actor_1", "actor2", "assoc_actor_2", "event_type", "admin1"]
        events = events.astype({c: "category" for c in text})
    before = events.copy()
    got = geo.filter_events(events, flt)
    again = geo.filter_events(events, flt)  # from the cached index when cached
    expected = reference_filter(events, flt)
    for out in (got, again):
        assert list(out["event_id"]) == list(expected["event_id"])
        assert list(out.index) == list(expected.index)
        pd.testing.assert_frame_equal(out, expected)
    pd.testing.assert_frame_equal(events, before)
    # the actor counts come from the same index: each actor once per event it is named in
    expected_counts: dict[str, int] = {}
    for row in events.itertuples(index=False):
        names = {a for a in (row.actor1, row.actor2) if isinstance(a, str) and a}
        for lst in (row.assoc_actor_1, row.assoc_actor_2):
            if isinstance(lst, str):
                names |= {p.strip() for p in lst.split(";") if p.strip()}
        for a in names:
            expected_counts[a] = expected_counts.get(a, 0) + 1
    assert geo.actor_counts(events).to_dict() == expected_counts


def test_compact_events_keep_every_value_and_filter_alike(many):
    compact = geo.compact_events(many)
    assert many["actor1"].dtype == object  # the input is not changed
    for col in geo.events.REPEATED_TEXT_COLUMNS:
        if col in many:
            assert isinstance(compact[col].dtype, pd.CategoricalDtype), col
            assert list(compact[col].to_numpy()) == list(many[col].to_numpy()), col
    assert compact["event_id"].dtype == object  # ids stay plain
    for col in geo.events.ARROW_TEXT_COLUMNS:  # long unique text: Arrow strings, the same values
        assert compact[col].dtype == geo.events.ARROW_TEXT, col
        assert list(compact[col].to_numpy(dtype=object)) == list(many[col].to_numpy()), col
    assert compact.memory_usage(deep=True).sum() < 0.5 * many.memory_usage(deep=True).sum()
    for kwargs in ({"actors": ["JNIM"]}, {"event_types": ["Battles"], "regions": ["Region 03"]},
                   {"min_fatalities": 5, "start": "2022-01-01"}):
        flt = geo.EventFilter(**kwargs)
        got, plain = geo.filter_events(compact, flt), geo.filter_events(many, flt)
        assert 0 < len(got) < len(many)
        pd.testing.assert_frame_equal(pd.DataFrame(got).astype(plain.dtypes.to_dict()), pd.DataFrame(plain))


def test_the_index_is_cached_per_frame_and_dropped_with_it(many):
    filters_mod._INDEXES.clear()
    geo.filter_events(many, geo.EventFilter(actors=["JNIM"]))
    index = filters_mod.filter_index(many)
    assert filters_mod.filter_index(many) is index and len(filters_mod._INDEXES) == 1
    copy = many.copy()
    assert filters_mod.filter_index(copy) is not index  # another frame, another index
    del copy
    import gc

    gc.collect()
    assert len(filters_mod._INDEXES) == 1
    assert not re.search("JNIM", str(many.attrs))  # nothing is stored on the frame itself


def test_cells_are_grouped_alike_by_the_dense_table_and_by_sorting():
    from geo.webmap.aggregate import _group

    rng = np.random.default_rng(5)
    for span in (3, 300, 30_000):  # small grids take the dense table, wide ones np.unique
        cx = rng.integers(-span, span, 5_000)
        cy = rng.integers(-span // 2, span, 5_000)
        gx, gy, inv = _group(cx, cy)
        keys = sorted(set(zip(cy.tolist(), cx.tolist())))  # cells ordered by y, then x
        assert list(zip(gy.tolist(), gx.tolist())) == keys
        assert (gx[inv] == cx).all() and (gy[inv] == cy).all()


def test_a_content_group_says_whether_it_follows_the_zoom(small_events, layers):
    from geo.bench.synthetic import synthetic_events

    assert geo.build_map_content(small_events, layers).by_zoom is False  # markers
    assert geo.build_map_content(small_events, layers, draw="heat").by_zoom is True
    assert geo.build_map_content(small_events, layers, max_markers=2).by_zoom is True
    # a few hundred events whose notes are too long for the markers' byte budget: cells too
    wordy = synthetic_events(600, seed=2)
    wordy = wordy.assign(notes=wordy["event_id"] + ": a long note. " * 400)  # each event's own
    assert geo.build_map_content(wordy, layers).by_zoom is True
