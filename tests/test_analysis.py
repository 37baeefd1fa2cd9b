"""Analysis: contested claims, the timeline, regions and the border."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod

import geo
from geo.analysis import (
    border_distance_km,
    by_region,
    claim_ranges,
    claimant_totals,
    enrich,
    event_figures,
    timeline,
)
from geo.webmap.overlays import border_zone

GEOD = Geod(ellps="WGS84")
TIN = "MLI-2024-07-25-TIN"


def claims_table(rows):
    cols = ["event_id", "claimant", "source", "claim_date", "side", "killed", "wounded", "captured"]
    df = pd.DataFrame(rows, columns=cols)
    for c in ("killed", "wounded", "captured"):
        df[c] = df[c].astype("Int64")
    df["claim_date"] = pd.to_datetime(df["claim_date"])
    return df


@pytest.fixture()
def hand_claims():
    return claims_table([
        # agreement: 10 and 12 killed (within 50 % and within 5)
        ("AGREE", "Army", "AFP", "2024-01-02", "Rebels", 10, None, None),
        ("AGREE", "Rebels", "RFI", "2024-01-03", "Rebels", 12, None, None),
        # disagreement: army 2 own + 20 enemy = 22; rebels 84 + 47 + 9 (revised from 7) = 140
        ("FIGHT", "Army", "communiqué", "2024-07-26", "Army", 2, 10, None),
        ("FIGHT", "Army", "communiqué", "2024-07-26", "Rebels", 20, None, None),
        ("FIGHT", "Rebels", "Reuters", "2024-07-28", "Rebels", 7, 12, None),
        ("FIGHT", "Rebels", "AFP", "2024-08-01", "Wagner", 84, None, None),
        ("FIGHT", "Rebels", "AFP", "2024-08-01", "Army", 47, None, None),
        ("FIGHT", "Rebels", "AFP", "2024-08-01", "Rebels", 9, 12, None),
        # one claimant only: never disputed, however large
        ("ALONE", "JNIM", "SITE", "2024-03-01", "Army", 500, None, None),
        # no figures at all
        ("VAGUE", "Rebels", "AP", "2024-07-27", "Army", None, None, 3),
    ])


def test_claimant_totals_take_each_sides_highest_figure(hand_claims):
    totals = claimant_totals(hand_claims).set_index(["event_id", "claimant"])["killed"]
    assert totals[("FIGHT", "Army")] == 22
    assert totals[("FIGHT", "Rebels")] == 140  # 84 + 47 + max(7, 9)
    assert ("VAGUE", "Rebels") not in totals.index


@pytest.mark.parametrize(
    "event, low, high, claimants, disputed",
    [("AGREE", 10, 12, 2, False), ("FIGHT", 22, 140, 2, True), ("ALONE", 500, 500, 1, False),
     ("VAGUE", None, None, 0, False)],
)
def test_claim_ranges(hand_claims, event, low, high, claimants, disputed):
    r = claim_ranges(hand_claims).loc[event]
    assert (pd.isna(r["low"]) if low is None else r["low"] == low)
    assert (pd.isna(r["high"]) if high is None else r["high"] == high)
    assert r["claimants"] == claimants and bool(r["disputed"]) is disputed


def test_tolerance_is_stated_and_adjustable(hand_claims):
    assert not claim_ranges(hand_claims, tolerance=30).loc["FIGHT", "disputed"]  # worst gap: 2 vs 47, 22.5×
    assert claim_ranges(hand_claims).loc["FIGHT", "disputed_sides"] == "Army; Rebels"  # 2 vs 47; 20 vs 9
    assert claim_ranges(hand_claims, tolerance=0.1, min_difference=1).loc["AGREE", "disputed"]


def test_claims_about_different_sides_do_not_disagree():
    c = claims_table([("E", "Army", "a", "2024-01-01", "Army", 2, None, None),
                      ("E", "Rebels", "b", "2024-01-02", "Wagner", 84, None, None)])
    r = claim_ranges(c).loc["E"]
    assert r["low"] == 2 and r["high"] == 84 and not r["disputed"]


def test_the_founding_event_is_disputed(claims):
    r = claim_ranges(claims).loc[TIN]
    assert r["disputed"] and r["claimants"] >= 5 and r["high"] >= 131 and r["low"] <= 22


def test_event_figures(events, claims):
    tin = events["event_id"] == TIN
    # the conservative figure is the events' own: 2 soldiers + 20 Wagner + 9 CSP-DPA (tests/test_shipped_data.py)
    assert event_figures(events, claims, "conservative")[tin].iloc[0] == events.loc[tin, "fatalities"].iloc[0] == 31
    assert event_figures(events, claims, "highest")[tin].iloc[0] >= 131
    assert event_figures(events, claims, "claimant:Military Forces of Mali (FAMa)")[tin].iloc[0] == 22
    # never below the conservative figure when sizing by the highest claim
    assert (event_figures(events, claims, "highest") >= events["fatalities"]).all()
    with pytest.raises(geo.GeoError):
        event_figures(events, claims, "loudest")


@pytest.mark.parametrize("freq", ["D", "W", "M", "Q", "Y"])
@pytest.mark.parametrize("by", [None, "event_type", "actor1", "admin1"])
def test_timeline_totals_equal_the_events(events, freq, by):
    t = timeline(events, freq=freq, by=by)
    assert t["events"].sum() == len(events)
    assert t["fatalities"].sum() == events["fatalities"].sum()
    assert t["period"].is_monotonic_increasing
    if by:
        assert set(t[by]) == set(events[by])


@pytest.mark.parametrize("compact", [False, True])
@pytest.mark.parametrize("freq", ["D", "W", "M", "Y"])
def test_timeline_equals_a_plain_group_by(events, freq, compact):
    # counted with codes; must equal pandas' own grouping, missing dates and names included
    ev = events.copy()
    ev.loc[[0, 3], "event_type"] = None  # no type: the group ""
    ev.loc[5, "event_date"] = pd.NaT  # no date: not in any period
    if compact:
        ev = geo.compact_events(ev)
    got = timeline(ev, freq=freq, by="event_type")
    period = pd.to_datetime(ev["event_date"]).dt.to_period(geo.analysis.PERIOD_CODES[freq]).dt.start_time
    plain = pd.DataFrame({"period": period, "event_type": ev["event_type"].astype(object).fillna("").astype(str),
                          "fatalities": ev["fatalities"]}).dropna(subset=["period"])
    want = plain.groupby(["period", "event_type"]).agg(events=("fatalities", "size"),
                                                      fatalities=("fatalities", "sum"))
    nonzero = got[got["events"] > 0].set_index(["period", "event_type"])[["events", "fatalities"]]
    pd.testing.assert_frame_equal(nonzero.sort_index(), want.sort_index(), check_dtype=False)
    assert got["events"].sum() == len(ev) - 1 and "" in set(got["event_type"])


def test_timeline_weeks_start_on_monday_and_include_gaps(events):
    t = timeline(events, freq="W", by=None)
    assert (t["period"].dt.day_of_week == 0).all()
    assert (t["events"] == 0).any()  # quiet weeks are rows with zeros, not missing
    tin_week = t[t["period"] == pd.Timestamp("2024-07-22")]
    assert tin_week["events"].iloc[0] >= 2  # the battle (25 July) and the strike of 30 July is next week


def test_timeline_rejects_bad_arguments(events):
    with pytest.raises(geo.GeoError):
        timeline(events, freq="fortnight")
    with pytest.raises(geo.GeoError):
        timeline(events, by="colour")
    assert timeline(events.iloc[:0]).empty


def test_region_counts_equal_the_events_inside_mali(events, layers):
    regions = by_region(events, layers)
    assert isinstance(regions, gpd.GeoDataFrame) and len(regions) == 9
    mali = layers["countries"].loc[layers["countries"]["name"] == "Mali"].geometry.iloc[0]
    inside = events[events.within(mali.buffer(0.05))]
    assert regions["events"].sum() == len(inside)
    assert regions["fatalities"].sum() == inside["fatalities"].sum()
    kidal = regions.set_index("name").loc["Kidal"]
    assert kidal["events"] >= 15


def test_region_counts_use_coordinates_not_text(layers):
    pts = gpd.GeoDataFrame(
        {"event_id": ["a", "b", "c"], "admin1": ["Wrong", "Wrong", "Wrong"], "fatalities": [1, 2, 4]},
        geometry=gpd.points_from_xy([1.4078, -0.04, 10.0], [18.4411, 16.2666, 30.0]), crs="EPSG:4326")
    regions = by_region(pts, layers).set_index("name")
    assert regions.loc["Kidal", "events"] == 1 and regions.loc["Gao", "fatalities"] == 2
    assert regions["events"].sum() == 2  # the point in Algeria is not counted


def test_region_counts_reuse_the_enriched_regions_only_when_they_name_these_regions(events, layers):
    enriched = geo.compact_events(geo.enrich(events, layers))
    assert enriched["region"].dtype == "category"  # as the dashboard keeps it
    joined = by_region(events.drop(columns=["region"], errors="ignore"), layers)
    reused = by_region(enriched, layers)
    cols = ["name", "events", "fatalities"]
    assert reused[cols].equals(joined[cols])
    # a region column naming other regions (another source's) is not trusted: joined again
    other = enriched.assign(region="Azawad")
    assert by_region(other, layers)[cols].equals(joined[cols])


def geodesic_km(lat, lon, line):
    coords = shapely.get_coordinates(shapely.segmentize(line, 0.002))
    _, _, d = GEOD.inv(np.full(len(coords), lon), np.full(len(coords), lat), coords[:, 0], coords[:, 1])
    return d.min() / 1000


@pytest.mark.parametrize(
    "place, lat, lon, low, high",
    [("Tinzaouaten", 19.9433, 2.7019, 0, 10), ("Tessalit", 20.2017, 1.0114, 40, 80),
     ("Kidal", 18.4411, 1.4078, 150, 250), ("Gao", 16.2666, -0.04, 400, 520),
     ("Tombouctou", 16.7735, -3.0074, 550, 700), ("Bamako", 12.6392, -8.0029, 1000, 1400)],
)
def test_border_distance_matches_geodesic(layers, place, lat, lon, low, high):
    ev = pd.DataFrame({"latitude": [lat], "longitude": [lon]})
    km = border_distance_km(ev, layers).iloc[0]
    expected = geodesic_km(lat, lon, layers["algeria_border"].geometry.iloc[0])
    assert low <= km <= high, place
    assert km == pytest.approx(expected, rel=0.005, abs=0.2), place


def test_enrich_adds_columns_without_mutating(events, layers):
    before = events.copy()
    out = enrich(events, layers)
    assert list(events.columns) == list(before.columns) and events.equals(before)
    tin = out.set_index("event_id").loc[TIN]
    assert tin["region"] == "Kidal" and tin["border_km"] < 10 and tin["in_tuareg_region"]
    assert out["in_tuareg_region"].sum() == (out["region"].isin(["Tombouctou", "Gao", "Kidal"])).sum()


def test_enrich_works_once_per_place_and_gives_every_event_its_own(events, layers):
    # the spatial work is done per distinct location; every event must still get its own answer
    one = enrich(events, layers)
    doubled = pd.concat([events, events.iloc[::-1]], ignore_index=True)
    doubled.index = doubled.index[::-1] + 100  # labels that are not positions
    lost = doubled.iloc[:2].copy()
    lost.index = [-1, -2]
    lost["geometry"] = [None, shapely.Point()]  # no point, an empty point
    out = enrich(gpd.GeoDataFrame(pd.concat([doubled, lost]), crs=events.crs), layers)
    assert list(out.index) == list(doubled.index) + [-1, -2]
    for col in ("region", "border_km", "in_tuareg_region"):
        want = list(one[col]) + list(one[col].iloc[::-1])
        assert list(out[col].iloc[:-2]) == want, col
    assert list(out["region"].iloc[-2:]) == ["", ""]
    assert out["border_km"].iloc[-2:].isna().all() and not out["in_tuareg_region"].iloc[-2:].any()
    # each event's distance, computed on its own, is the one it got
    for i in (0, 17, 44):
        alone = border_distance_km(events.iloc[[i]], layers).iloc[0]
        assert alone == one["border_km"].iloc[i]


@pytest.mark.parametrize("km", [10, 100, 300])
def test_border_filter(events, layers, km):
    enriched = enrich(events, layers)
    near = geo.filter_events(enriched, geo.EventFilter(max_border_km=km))
    assert (near["border_km"] <= km).all()
    assert len(near) == (enriched["border_km"] <= km).sum()
    # without the column, the distance is computed on the fly
    assert list(geo.filter_events(events, geo.EventFilter(max_border_km=km))["event_id"]) == list(near["event_id"])


def test_border_zone_contains_what_the_filter_keeps(events, layers):
    zone = border_zone(layers, 100).geometry.iloc[0]
    enriched = enrich(events, layers)
    inside = enriched.within(zone)
    assert (inside == (enriched["border_km"] <= 100)).all()


def test_map_marks_disputed_and_draws_analysis_layers(events, claims, layers):
    m = geo.build_map(events, layers, claims=claims, figure="highest", shade_regions=True, border_km=50)
    names = [c.layer_name for c in m._children.values() if hasattr(c, "layer_name")]
    assert "Regions by events" in names and "Within 50 km of the Algeria border" in names
    assert "Location uncertainty" in names
    page = m.get_root().render()
    assert "claims disagree" in page and "highest claimed fatalities" in page
    tin_popup = geo.popup_html(events.set_index("event_id", drop=False).loc[TIN], claims)
    assert "disputed" in tin_popup and "Claimed killed: 17 to 140" in tin_popup  # 17: a local official (AFP); 140: the CSP-DPA
    rings = next(c for c in m._children.values() if getattr(c, "layer_name", "") == "Location uncertainty")
    approx = (events["geo_precision"] >= 2).sum()
    drawn = next(iter(rings._children.values())).rings
    assert len(drawn) == approx and {r[2] for r in drawn} <= {10_000, 50_000}
    assert "uncertainty-ring" in page


@pytest.mark.parametrize("freq, n", [("W", 4), ("M", 2), ("Y", 1)])
def test_periods_tile_the_span(freq, n):
    from geo.analysis import periods

    spans = periods("2024-07-25", "2024-08-14", freq)
    assert len(spans) == n
    assert spans[0][0] <= pd.Timestamp("2024-07-25") and spans[-1][1] >= pd.Timestamp("2024-08-14")
    for (a, b), (c, _) in zip(spans, spans[1:]):
        assert c == b + pd.Timedelta(days=1)  # no gap, no overlap
    if freq == "W":
        assert all(a.day_of_week == 0 and b.day_of_week == 6 for a, b in spans)
