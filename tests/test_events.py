"""The embedded data set, the claims table and the loaders' errors."""

from __future__ import annotations

import pandas as pd
import pytest
from shapely.geometry import Point

import geo
from conftest import FIXTURES, TINZAWATEN

REQUIRED = ["event_id", "event_date", "time_precision", "event_type", "sub_event_type", "actor1",
            "assoc_actor_1", "actor2", "assoc_actor_2", "country", "admin1", "location", "latitude",
            "longitude", "geo_precision", "fatalities", "source", "notes"]
ACLED_TYPES = {"Battles", "Explosions/Remote violence", "Violence against civilians", "Strategic developments",
               "Protests", "Riots"}
TIN = "MLI-2024-07-25-TIN"


def test_schema_of_embedded_events(events):
    assert isinstance(events, geo.events.gpd.GeoDataFrame)
    assert events.crs.to_epsg() == 4326
    assert set(REQUIRED) <= set(events.columns)
    assert events["event_id"].is_unique
    assert pd.api.types.is_datetime64_any_dtype(events["event_date"])
    for col in ("time_precision", "geo_precision", "fatalities"):
        assert pd.api.types.is_integer_dtype(events[col]), col
    assert events["time_precision"].isin([1, 2, 3]).all()
    assert events["geo_precision"].isin([1, 2, 3]).all()
    assert (events["fatalities"] >= 0).all()
    assert set(events["event_type"]) <= ACLED_TYPES
    assert (events["actor1"].str.len() > 0).all()
    assert (events["source"].str.len() > 0).all(), "every event names its outlets"
    # geometry is the point of the named place
    assert (events.geometry.x == events["longitude"]).all() and (events.geometry.y == events["latitude"]).all()


def test_embedded_events_are_northern_mali_2023_2024(events, layers):
    assert len(events) >= 40
    assert events["event_date"].dt.year.isin([2023, 2024]).all()
    assert (events["country"] == "Mali").all()
    mali = layers["countries"].loc[layers["countries"]["name"] == "Mali"].geometry.iloc[0]
    # every event inside Mali (10 km slack for the simplified outline at the border)
    assert events.geometry.apply(lambda p: mali.buffer(0.1).contains(p)).all()
    north = events["admin1"].isin(["Tombouctou", "Gao", "Kidal"])
    assert north.mean() >= 0.9
    for place in ("Tinzaouaten", "Kidal", "Bourem", "Anefis"):
        assert events["location"].str.contains(place).any(), place
    assert (events["sub_event_type"] == "Air/drone strike").any()


def test_the_founding_event(events):
    tin = events.set_index("event_id").loc[TIN]
    assert tin["event_date"] == pd.Timestamp("2024-07-25")
    assert tin["admin1"] == "Kidal"
    assert tin["geometry"].distance(Point(TINZAWATEN[1], TINZAWATEN[0])) < 0.05
    names = {tin["actor1"], tin["actor2"], *geo.events.split_list(tin["assoc_actor_1"]),
             *geo.events.split_list(tin["assoc_actor_2"])}
    assert {"CSP-DPA", "Military Forces of Mali (FAMa)", "Wagner Group"} <= names
    assert "Lyammouri" in tin["notes"] and "25 to 27 July" in tin["notes"]


def test_claims_of_the_founding_event(claims, events):
    assert set(claims["event_id"]) <= set(events["event_id"])
    tin = claims[claims["event_id"] == TIN]

    def claimed(claimant, side):
        rows = tin[(tin["claimant"] == claimant) & (tin["side"] == side)]
        return rows[["killed", "wounded"]].astype("float").to_numpy().tolist()

    fama, wagner, csp = "Military Forces of Mali (FAMa)", "Wagner Group", "CSP-DPA"
    assert [2, 10] in claimed(fama, fama)
    assert 84 in [k for k, _ in claimed(csp, wagner)]
    assert 47 in [k for k, _ in claimed(csp, fama)]
    assert [9, 12] in claimed(csp, csp)
    assert 50 in [k for k, _ in claimed("JNIM", wagner)] and 10 in [k for k, _ in claimed("JNIM", fama)]
    assert 46 in [k for k, _ in claimed("The New York Times", wagner)]
    assert tin["claimant"].str.contains("Wagner").any()
    # the conservative figure adds up each side's lowest counted figure (admissions and independent
    # counts; tests/test_shipped_data.py checks every event): 2 soldiers, 20 Wagner, 9 CSP-DPA
    assert [2, 10] in claimed(fama, fama) and 20 in [k for k, _ in claimed("Wagner-linked Telegram channels", wagner)]
    fatalities = events.set_index("event_id").loc[TIN, "fatalities"]
    assert fatalities == 2 + 20 + 9
    # and stays below what the parties claimed of their enemies
    assert fatalities < 84 + 47


def test_claims_schema(claims):
    for col in ("event_id", "claimant", "source", "claim_date", "side", "killed", "wounded", "captured"):
        assert col in claims.columns
    for col in ("killed", "wounded", "captured"):
        assert str(claims[col].dtype) == "Int64"
        assert (claims[col].dropna() >= 0).all()
    assert (claims["claimant"].str.len() > 0).all()


def test_load_events_does_not_depend_on_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert len(geo.load_events()) >= 40


def _write(tmp_path, text, name="events.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def _small_rows():
    return (FIXTURES / "events_small.csv").read_text(encoding="utf-8").splitlines(keepends=True)


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda rows: [rows[0].replace("latitude,", "lat,")] + rows[1:], ["missing column", "latitude"]),
        (lambda rows: [rows[0], rows[1].replace("19.9430", "95.2")] + rows[2:],
         ["row 1", "field 'latitude'", "'95.2'"]),
        (lambda rows: rows[:2] + [rows[2].replace("2023-11-14", "2023-13-45")] + rows[3:],
         ["row 2", "field 'event_date'", "YYYY-MM-DD"]),
        (lambda rows: rows[:2] + [rows[2].replace("T-2,", "T-1,")] + rows[3:],
         ["row 2", "duplicate event_id", "'T-1'"]),
        (lambda rows: rows[:3] + [rows[3].replace(",21,Al Jazeera", ",-3,Al Jazeera")] + rows[4:],
         ["row 3", "field 'fatalities'"]),
        (lambda rows: rows[:4] + [rows[4].replace("Battles,Armed clash,CSP-DPA", "Battles,Armed clash,")] + rows[5:],
         ["row 4", "field 'actor1'", "empty"]),
        (lambda rows: rows[:2] + [rows[2].replace(",1,Strategic", ",7,Strategic")] + rows[3:],
         ["row 2", "field 'time_precision'", "one of 1, 2, 3"]),
    ],
    ids=["missing-column", "latitude-out-of-range", "bad-date", "duplicate-id", "negative-fatalities",
         "no-actor", "bad-precision"],
)
def test_bad_event_files_name_file_row_and_field(tmp_path, mutate, expected):
    path = _write(tmp_path, "".join(mutate(_small_rows())))
    with pytest.raises(geo.DataError) as info:
        geo.load_events(path)
    message = str(info.value)
    assert str(path) in message
    for part in expected:
        assert part in message, message
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    "content, expected",
    [("", "not a readable CSV"), (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe\xfa", "not UTF-8"),
     ("a,b\n1,2\n", "missing column")],
    ids=["empty", "binary", "unknown-columns"],
)
def test_unreadable_files_raise_data_error(tmp_path, content, expected):
    path = _write(tmp_path, content)
    with pytest.raises(geo.DataError, match=expected):
        geo.load_events(path)


def test_missing_file_raises_data_error(tmp_path):
    with pytest.raises(geo.DataError, match="file not found"):
        geo.load_events(tmp_path / "nope.csv")


def test_utf8_bom_and_quoted_notes(tmp_path, small_events):
    path = _write(tmp_path, "\ufeff" + "".join(_small_rows()))
    loaded = geo.load_events(path)
    assert list(loaded.columns) == list(small_events.columns)
    assert 'with a comma and "quotes"' in loaded.set_index("event_id").loc["T-1", "notes"]


def test_bad_claims_name_row_and_field(tmp_path):
    text = (FIXTURES / "claims_small.csv").read_text(encoding="utf-8").replace(",47,", ",many,")
    path = _write(tmp_path, text, "claims.csv")
    with pytest.raises(geo.DataError, match=r"row 3, field 'killed'"):
        geo.load_claims(path)
