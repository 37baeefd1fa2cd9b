"""The map's and the chart's text alternatives (geo.a11y.describe)."""

from __future__ import annotations

import pandas as pd
import pytest

import geo
from geo.a11y.describe import chart_table, disputed_count, map_description, top_places
from geo.bench.synthetic import synthetic_events


def _events(rows):
    frame = pd.DataFrame(rows, columns=["event_id", "event_date", "event_type", "actor1", "location", "admin1",
                                        "fatalities"])
    frame["event_date"] = pd.to_datetime(frame["event_date"])
    return frame


SMALL = _events([
    ("a", "2024-07-25", "Battles", "CSP-DPA", "Tinzaouaten", "Kidal", 31),
    ("b", "2024-07-27", "Battles", "Military Forces of Mali (FAMa)", "Tinzaouaten", "Kidal", 10),
    ("c", "2024-08-25", "Explosions/Remote violence", "Military Forces of Mali (FAMa)", "Tinzaouaten", "Kidal", 21),
    ("d", "2024-05-02", "Remote violence", "JNIM", "Gao", "Gao", 3),
    ("e", "2024-05-03", "Protests", "Protesters (Mali)", "Kidal", "Kidal", 0),
])


def test_top_places_most_events_first_then_fatalities_then_name():
    top = top_places(SMALL)
    assert top.to_dict("records") == [
        {"place": "Tinzaouaten (Kidal)", "events": 3, "fatalities": 62},
        {"place": "Gao", "events": 1, "fatalities": 3},  # region = place: not repeated
        {"place": "Kidal", "events": 1, "fatalities": 0},
    ]
    assert len(top_places(SMALL, 1)) == 1 and top_places(SMALL.iloc[:0]).empty


def test_top_places_with_categoricals_and_missing_regions_agree():
    compact = SMALL.assign(location=SMALL["location"].astype("category"), admin1=[None, None, "", "Gao", None])
    top = top_places(compact)
    assert top.iloc[0].to_dict() == {"place": "Tinzaouaten", "events": 3, "fatalities": 62}  # "" and missing: one place


def test_map_description_names_counts_dates_filters_types_places():
    text = map_description(SMALL, ["Regions: Kidal", "At least 0 fatalities"], disputed=2, total=45)
    assert text.startswith("Map of 5 of 45 conflict events from 2 May 2024 to 25 August 2024, with 65 fatalities")
    assert "Filters: Regions: Kidal; At least 0 fatalities." in text
    # older taxonomies are counted under their family, as the legend groups them; ties by name
    assert "Circles are coloured by event type: Battles 2, Explosions/Remote violence 2, Protests 1." in text
    assert "Places with the most events: Tinzaouaten (Kidal): 3 events, 62 killed; Gao: 1 event, 3 killed" in text
    assert text.endswith("2 events with claims that disagree (drawn with a dashed outline).")


def test_map_description_by_side_and_heat_and_empty():
    assert "initiator's side: Malian state and allies 2, Jihadist groups 1, Other 1, Tuareg-led rebels 1" in \
        map_description(SMALL, color_by="side")
    heat = map_description(SMALL, draw="heat")
    assert "heatmap" in heat and "Circles" not in heat and "Filters" not in heat
    assert map_description(SMALL.iloc[:0], ["Actors: X"]) == \
        "Map of conflict events: no events match the filters (Actors: X)."
    one = map_description(SMALL.iloc[:1])
    assert "Map of 1 conflict event on 25 July 2024" in one and "1 event, 31 killed" in one


def test_disputed_count_follows_the_claims(events, claims):
    ranges = geo.claim_ranges(claims)
    assert disputed_count(events, claims) == int(ranges["disputed"].sum()) > 0
    assert disputed_count(events, claims.iloc[:0]) == 0 and disputed_count(events, None) == 0


@pytest.mark.parametrize("measure", ["events", "fatalities"])
def test_chart_table_holds_the_charts_numbers(events, measure):
    data = geo.timeline(events, freq="M", by="event_type")
    table = chart_table(data, measure)
    assert list(table.columns) == ["period"] + sorted(data["event_type"].unique()) + ["Total"]
    assert len(table) == data["period"].nunique()
    assert table["Total"].sum() == data[measure].sum()
    july = table[table["period"] == pd.Timestamp("2024-07-01").date()].iloc[0]
    assert july["Battles"] == data[(data["period"] == "2024-07-01") & (data["event_type"] == "Battles")][measure].sum()
    with pytest.raises(ValueError):
        chart_table(data, "actors")
    assert list(chart_table(data.iloc[:0]).columns) == ["period", "Total"]


def test_top_places_of_synthetic_data_match_a_plain_count():
    """Counted with integer codes over categoricals: the same leader as a plain count of names."""
    import geo.bench

    many = geo.compact_events(synthetic_events(20_000))
    top = top_places(many, 5)
    assert len(top) == 5 and top["events"].is_monotonic_decreasing
    counts = many.assign(p=many["location"].astype(str) + " (" + many["admin1"].astype(str) + ")")["p"].value_counts()
    assert top.iloc[0]["events"] == counts.iloc[0]
