"""Several data sets loaded at once (geo.sources.combine, Dataset.from_sources / combine), what the map
draws of them, and what the exports and snapshots carry."""

from __future__ import annotations

import io

import pandas as pd
import pytest

import geo
from conftest import FIXTURES
from geo.sources.dataset import Dataset
from geo.sources.combine import parse_source_spec, split_sources, unique_names
from geo.static.snapshots import render
from geo.webmap.maps import events_geojson
from geo.webmap.popups import popup_html

ACLED = FIXTURES / "acled" / "acled_mali.csv"
UCDP = FIXTURES / "ucdp" / "ged_mali.csv"


@pytest.fixture(scope="module")
def three():
    return Dataset.from_sources([str(ACLED), f"UCDP GED={UCDP}", "curated"], use_cache=False)


def test_each_record_keeps_its_data_set_and_filters_work_across_them(three):
    assert three.datasets == ["ACLED", "UCDP GED", "curated"]
    counts = three.events["dataset"].value_counts()
    assert counts["ACLED"] == 5 and counts["UCDP GED"] == 6 and counts["curated"] == len(geo.load_events())
    assert three.events["event_id"].is_unique
    # the claims of each: UCDP's low/best/high and the curated set's claimants
    assert {"UCDP GED (best estimate)", "CSP-DPA"} <= set(three.claims["claimant"])
    # every filter takes all data sets
    july = geo.filter_events(three.events, geo.EventFilter(start="2024-07-25", end="2024-07-27"))
    assert set(july["dataset"]) == {"ACLED", "UCDP GED", "curated"}
    battles = geo.filter_events(three.events, geo.EventFilter(event_types=["Battles"], regions=["Kidal"]))
    assert {"ACLED", "UCDP GED"} <= set(battles["dataset"])
    # the attribution names every data set
    assert "acleddata.com" in three.attribution and "Uppsala" in three.attribution
    assert "conflict-map project" in three.attribution
    # and the match table is there, once
    assert three.matches is three.matches and len(three.matches)
    assert {("ACLED", "UCDP GED"), ("UCDP GED", "curated"), ("ACLED", "curated")} >= \
        set(zip(three.matches["dataset_a"], three.matches["dataset_b"]))


def test_one_source_is_that_data_set_unchanged():
    one = Dataset.from_sources([str(ACLED)], use_cache=False)
    assert "dataset" not in one.events and one.datasets == [] and one.matches.empty
    assert list(one.matches.columns) == geo.MATCH_COLUMNS


def test_uploads_and_names(tmp_path):
    files = [io.BytesIO(ACLED.read_bytes()), io.BytesIO(UCDP.read_bytes())]
    files[0].name, files[1].name = "acled_mali.csv", "ged_mali.csv"
    data = Dataset.from_sources(files, use_cache=False)
    assert data.datasets == ["ACLED", "UCDP GED"]
    assert parse_source_spec("UCDP GED=ged.csv") == ("UCDP GED", "ged.csv")
    assert parse_source_spec("ged.csv") == (None, "ged.csv")
    odd = tmp_path / "a=b.csv"
    odd.write_text("x")
    assert parse_source_spec(str(odd)) == (None, str(odd))  # an existing path with "=" stays whole
    assert split_sources("a.csv:UCDP GED=b.csv, c.csv") == ["a.csv", "UCDP GED=b.csv", "c.csv"]
    assert unique_names(["ACLED", "ACLED", "x"]) == ["ACLED", "ACLED (2)", "x"]


def test_the_same_file_twice_is_refused_and_clashing_ids_are_renamed(tmp_path):
    with pytest.raises(geo.MatchError, match="hold the same events"):
        Dataset.from_sources([str(ACLED), str(ACLED)], use_cache=False)
    # two native files sharing an id: the second's records (and claims) are prefixed with its name
    events = geo.load_events()
    first = tmp_path / "first.csv"
    second = tmp_path / "second.csv"
    geo.load_events().head(3).assign(event_date=lambda f: f["event_date"].dt.strftime("%Y-%m-%d")) \
        .drop(columns="geometry").to_csv(first, index=False)
    events.iloc[2:6].assign(event_date=lambda f: f["event_date"].dt.strftime("%Y-%m-%d")) \
        .drop(columns="geometry").to_csv(second, index=False)
    data = Dataset.from_sources([f"one={first}", f"two={second}"], use_cache=False)
    assert data.events["event_id"].is_unique
    assert f"two:{events['event_id'].iloc[2]}" in set(data.events["event_id"])


def test_the_map_draws_a_matched_event_once_with_every_record_in_its_popup(three):
    drawn = geo.matched_events(three.events, three.matches, three.claims)
    assert len(drawn) < len(three.events)
    tin = drawn[drawn["held_by"].str.count(";") == 2]
    assert len(tin) == 1 and tin.iloc[0]["datasets_held"] == 3
    row = tin.iloc[0].to_dict()
    html = popup_html(row, three.claims)
    assert "In 3 data sets" in html and "47 (low 40, high 120)" in html
    assert "MLI90001" in html and "UCDP-500001" in html and "MLI-2024-07-25-TIN" in html
    assert "CSP-DPA: 140 killed" in html  # a claimant's figure, in the curated set's column
    fc = events_geojson(drawn, three.claims, "event_type")
    feature = next(f for f in fc["features"] if f["properties"]["event_id"] == row["event_id"])
    assert "in 3 data sets" in feature["properties"]["_tip"]
    # their figures differ more than DATASETS_DISAGREE times: drawn as a dispute
    # their figures differ more than DATASETS_DISAGREE times: drawn as a dispute (and only then). The
    # curated battle counts 31 (each side's own dead), ACLED 47: within the factor, not a dispute
    from geo.matching.groups import DATASETS_DISAGREE

    by_id = {f["properties"]["event_id"]: f for f in fc["features"]}
    spread = drawn.set_index("event_id")["spread"]
    assert (spread > DATASETS_DISAGREE).any() and (spread.dropna() <= DATASETS_DISAGREE).any()
    far = spread[spread > DATASETS_DISAGREE].index
    assert all("disputed" in by_id[e]["properties"]["_style"]["className"] for e in far)
    page = geo.build_map(drawn, geo.load_layers(), claims=three.claims).get_root().render()
    assert "dataset-ring" in page and "dataset-count" in page
    assert "in several data sets (4; the badge says how many)" in page  # the legend explains the rings
    assert f"data sets disagree on the dead ({int((spread > DATASETS_DISAGREE).sum())})" in page
    # coverage: only one data set holds it / the data sets disagree
    gaps = geo.matched_events(three.events, three.matches, three.claims, only_one=True)
    assert (gaps["datasets_held"] == 1).all() and len(gaps) == (drawn["datasets_held"] == 1).sum()
    disagree = geo.matched_events(three.events, three.matches, three.claims, min_spread=4)
    assert len(disagree) and (disagree["spread"] > 4).all()
    assert set(disagree["event_id"]) == set(drawn.loc[drawn["spread"] > 4, "event_id"])


def test_hostile_text_in_a_matched_record_is_escaped(three):
    events = three.events.copy()
    events["location"] = events["location"].astype(object)
    events.loc[events["event_id"] == "MLI90001", "location"] = "<img src=x onerror=alert(1)>"
    drawn = geo.matched_events(events, three.matches, three.claims)
    html = popup_html(drawn[drawn["datasets_held"] == 3].iloc[0].to_dict(), three.claims)
    assert "<img" not in html and "&lt;img" in html


def test_exports_and_snapshots_carry_the_match_table(three):
    view = geo.View(filter=geo.EventFilter(start="2024-07-01", end="2024-07-31"))
    table = pd.read_csv(io.StringIO(render(view, "matches_csv", three.events, three.claims,
                                           matches=three.matches)))
    assert list(table.columns) == geo.MATCH_COLUMNS
    assert ("MLI90001", "UCDP-500001") in set(zip(table["event_id_a"], table["event_id_b"])) | \
        set(zip(table["event_id_b"], table["event_id_a"]))
    assert table["reasons"].str.contains("km apart").all()
    csv = pd.read_csv(io.StringIO(render(view, "csv", three.events, three.claims, matches=three.matches)))
    assert {"dataset", "match_group", "datasets_held", "held_by"} <= set(csv.columns)
    assert (csv.loc[csv["event_id"] == "MLI90001", "datasets_held"] == 3).all()
    html = render(view, "html", three.events, three.claims, matches=three.matches, attribution=three.attribution)
    assert "In 3 data sets" in html and "acleddata.com" in html and "Uppsala" in html


def test_the_command_line_loads_several_data_sets_and_writes_the_match_table(tmp_path, capsys):
    from geo.__main__ import main

    out, table = tmp_path / "july.html", tmp_path / "matches.csv"
    code = main(["snapshot", "from=2024-07-01", "-o", str(out), "--data", f"ACLED={ACLED}",
                 "--data", f"UCDP GED={UCDP}", "--matches", str(table)])
    assert code == 0
    assert "In 2 data sets" in out.read_text(encoding="utf-8")
    rows = pd.read_csv(table)
    assert rows[["event_id_a", "event_id_b"]].values.tolist() == [["MLI90001", "UCDP-500001"]]


@pytest.mark.parametrize("cover, ok", [("all", True), ("one", True), ("disagree:2.5", True), ("disagree:1", True),
                                       ("disagree:0.5", False), ("disagree:x", False), ("disagree:2.50", False),
                                       ("two", False)])
def test_the_cover_setting_is_part_of_the_view_and_its_link(cover, ok):
    view, warnings = geo.view_from_query({"cover": cover})
    assert (view.cover == cover) is ok and bool(warnings) is not ok
    if ok:
        assert geo.view_from_query(geo.view_to_query(view))[0] == view
    else:
        with pytest.raises(geo.ViewError):
            geo.View(cover=cover)


def test_snapshots_and_exports_follow_the_views_cover(three):
    gaps = geo.View(cover="one")
    html = render(gaps, "html", three.events, three.claims, matches=three.matches)
    assert "In 3 data sets" not in html and "In 2 data sets" not in html
    disagree = geo.View(cover="disagree:4")
    csv = pd.read_csv(io.StringIO(render(disagree, "csv", three.events, three.claims, matches=three.matches)))
    drawn = geo.matched_events(three.events, three.matches, three.claims)
    far = drawn[drawn["spread"] > 4]
    assert len(far) and (csv["datasets_held"] > 1).all()
    assert set(csv["match_group"].dropna()) == set(far["match_group"].dropna()) if "match_group" in far \
        else set(far["event_id"]) <= set(csv["event_id"])
    assert not csv["event_id"].isin(["MLI90003"]).any()  # ACLED's strike that no other data set holds


def test_the_attribution_names_the_data_sets_shown(three):
    ucdp_only = three.events[three.events["dataset"] == "UCDP GED"]
    assert "Uppsala" in three.attribution_of(ucdp_only) and "acleddata" not in three.attribution_of(ucdp_only)
    both = three.events[three.events["dataset"].isin(["ACLED", "UCDP GED"])]
    assert "Uppsala" in three.attribution_of(both) and "acleddata" in three.attribution_of(both)
    assert three.attribution_of(three.events.iloc[0:0]) == three.attribution
