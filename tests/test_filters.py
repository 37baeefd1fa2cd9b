"""EventFilter and filter_events, as a table of cases over five hand-made events."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal

import geo


@pytest.fixture()
def five():
    rows = [
        # id, date, type, actor1, assoc1, actor2, assoc2, admin1, fatalities
        ("A", "2023-09-12", "Battles", "CSP-DPA", "", "Military Forces of Mali (FAMa)", "Wagner Group", "Gao", 10),
        ("B", "2023-11-14", "Strategic developments", "Military Forces of Mali (FAMa)", "Wagner Group", "CSP-DPA",
         "", "Kidal", 0),
        ("C", "2024-07-25", "Battles", "CSP-DPA", "JNIM", "Military Forces of Mali (FAMa)", "Wagner Group; Air Force",
         "Kidal", 11),
        ("D", "2024-07-27", "Violence against civilians", "JNIM", "", "Civilians (Mali)", "", "Tombouctou", 3),
        ("E", "2024-08-25", "Explosions/Remote violence", "Military Forces of Mali (FAMa)", "", "Civilians (Mali)",
         "", "Kidal", 15),
    ]
    df = pd.DataFrame(rows, columns=["event_id", "event_date", "event_type", "actor1", "assoc_actor_1", "actor2",
                                     "assoc_actor_2", "admin1", "fatalities"])
    df["event_date"] = pd.to_datetime(df["event_date"])
    lon = [-0.35, 1.41, 2.70, -3.0, 2.70]
    lat = [16.96, 18.44, 19.94, 16.77, 19.94]
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")


CASES = [
    ({}, "ABCDE"),
    ({"actors": ["Wagner Group"]}, "ABC"),  # only ever an associated actor here
    ({"actors": ["JNIM"]}, "CD"),  # actor1 in D, associated in C
    ({"actors": ["Air Force"]}, "C"),  # second name of a '; ' list
    ({"actors": ["Civilians (Mali)", "Wagner Group"]}, "ABCDE"),  # any of them
    ({"actors": ["Wagner"]}, ""),  # names match whole, not as substrings
    ({"actors": ["Nobody at all"]}, ""),
    ({"start": "2024-07-25"}, "CDE"),  # inclusive start
    ({"end": "2024-07-25"}, "ABC"),  # inclusive end
    ({"start": dt.date(2024, 7, 25), "end": dt.date(2024, 7, 27)}, "CD"),
    ({"start": "2024-07-26", "end": "2024-07-26"}, ""),
    ({"event_types": ["Battles"]}, "AC"),
    ({"event_types": ["Battles", "Violence against civilians"]}, "ACD"),
    ({"regions": ["Kidal"]}, "BCE"),
    ({"regions": ["Atlantis"]}, ""),
    ({"min_fatalities": 10}, "ACE"),
    ({"min_fatalities": 11}, "CE"),
    ({"actors": ["CSP-DPA"], "regions": ["Kidal"], "min_fatalities": 1}, "C"),
    ({"actors": ["Wagner Group"], "start": "2024-01-01", "event_types": ["Battles"]}, "C"),
]


@pytest.mark.parametrize("kwargs, expected", CASES, ids=[str(k) for k, _ in CASES])
def test_filter_cases(five, kwargs, expected):
    out = geo.filter_events(five, geo.EventFilter(**kwargs))
    assert "".join(out["event_id"]) == expected
    assert isinstance(out, gpd.GeoDataFrame) and out.crs == five.crs


def test_filter_never_mutates_its_input(five):
    before = five.copy()
    out = geo.filter_events(five, geo.EventFilter(actors=["JNIM"], min_fatalities=1))
    out["fatalities"] = -1
    out.loc[out.index[0], "actor1"] = "changed"
    assert_geodataframe_equal(five, before)


def test_filter_with_duplicated_index(five):
    doubled = pd.concat([five, five])  # index 0..4 twice
    out = geo.filter_events(doubled, geo.EventFilter(actors=["Air Force"]))
    assert list(out["event_id"]) == ["C", "C"]


def test_filter_on_embedded_data(events):
    wagner = geo.filter_events(events, geo.EventFilter(actors=["Wagner Group"]))
    assert 0 < len(wagner) < len(events)
    assert "MLI-2024-07-25-TIN" in set(wagner["event_id"])
    window = geo.filter_events(events, geo.EventFilter(start="2024-07-01", end="2024-07-31"))
    assert window["event_date"].between("2024-07-01", "2024-07-31").all() and len(window) >= 2


def test_filter_normalises_and_compares():
    a = geo.EventFilter(actors=["b", "a", "a"], start="2024-01-02")
    b = geo.EventFilter(actors=("a", "b"), start=dt.date(2024, 1, 2))
    assert a == b and hash(a) == hash(b)
    assert a.actors == ("a", "b")
    assert geo.EventFilter().is_empty() and not a.is_empty()
    assert geo.EventFilter().describe() == ["All events"]
    assert "Actors: a, b" in a.describe()


@pytest.mark.parametrize(
    "kwargs, match",
    [({"start": "2024-02-01", "end": "2024-01-01"}, "before the start"),
     ({"start": "yesterday"}, "not a date"),
     ({"min_fatalities": -1}, "negative"),
     ({"min_fatalities": "lots"}, "whole number")],
)
def test_bad_filters_raise_filter_error(kwargs, match):
    with pytest.raises(geo.FilterError, match=match):
        geo.EventFilter(**kwargs)


def test_actor_counts_cover_every_column(five):
    counts = geo.actor_counts(five)
    assert counts["Wagner Group"] == 3
    assert counts["Air Force"] == 1
    assert counts["JNIM"] == 2
    assert counts.index[0] in {"Military Forces of Mali (FAMa)", "CSP-DPA"}
    assert "" not in counts.index
