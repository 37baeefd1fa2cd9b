"""Exports of the events behind a view: CSV (+ claims CSV), GeoJSON, KML and GeoParquet round trips."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq
import pytest
from geopandas.testing import assert_geodataframe_equal

import geo
from geo.events import CLAIM_SCHEMA, coerce_table, events_from_frame
from geo.io.exports import EXPORT_FORMATS, export_claims, export_events
from geo.static.snapshots import render

TIN = "MLI-2024-07-25-TIN"
KML = "{http://www.opengis.net/kml/2.2}"


@pytest.fixture(params=["embedded", "hostile"])
def data(request, events, claims, small_events, small_claims):
    """The curated data, and the fixture with hostile text, commas, quotes and a javascript: URL."""
    if request.param == "embedded":
        return events, claims
    return small_events, small_claims


def _claims_of(claims: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    return claims[claims["event_id"].isin(set(events["event_id"]))].reset_index(drop=True)


def test_csv_round_trips_through_the_loader(data, tmp_path):
    events, claims = data
    text = export_events(events, "csv")
    assert text.splitlines()[0] == ",".join(geo.EVENT_COLUMNS)
    path = tmp_path / "events.csv"
    path.write_text(text, encoding="utf-8")
    assert_geodataframe_equal(geo.load_events(path), events.reset_index(drop=True))
    (tmp_path / "claims.csv").write_text(export_claims(claims, events), encoding="utf-8")
    pd.testing.assert_frame_equal(geo.load_claims(tmp_path / "claims.csv"), _claims_of(claims, events))


def test_csv_keeps_extra_columns_after_the_canonical_ones(small_events, tmp_path):
    extra = small_events.assign(admin2=["A", "B, b", "", "D", "\"E\""])
    path = tmp_path / "extra.csv"
    path.write_text(export_events(extra, "csv"), encoding="utf-8")
    assert list(pd.read_csv(path, nrows=0).columns) == geo.EVENT_COLUMNS + ["admin2"]
    # the loader puts its geometry after the canonical columns; the values are the same
    assert_geodataframe_equal(geo.load_events(path), extra.reset_index(drop=True), check_like=True)


def test_a_views_export_holds_only_its_events_and_their_claims(events, claims, tmp_path):
    view, _ = geo.view_from_query("?type=Battles&from=2024-01-01")
    shown = geo.filter_events(events, view.filter)
    path = tmp_path / "view.csv"
    path.write_text(render(view, "csv", events, claims), encoding="utf-8")
    assert_geodataframe_equal(geo.load_events(path), shown.reset_index(drop=True))
    path.write_text(render(view, "claims_csv", events, claims), encoding="utf-8")
    back = geo.load_claims(path)
    assert set(back["event_id"]) <= set(shown["event_id"]) and TIN in set(back["event_id"])
    pd.testing.assert_frame_equal(back, _claims_of(claims, shown))


def _events_from_geojson(doc: dict) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """A tiny reader of the native GeoJSON, independent of geo.io.readers: properties as text, then the loader's checks."""
    text = lambda v: "" if v is None else str(v)  # noqa: E731 - floats print as their shortest repr
    rows = [{k: text(v) for k, v in f["properties"].items() if k != "claims"} for f in doc["features"]]
    frame = events_from_frame(pd.DataFrame(rows, dtype=object))
    frame = frame.sort_values(["event_date", "event_id"], ignore_index=True)
    listed = [{k: text(v) for k, v in c.items()} for f in doc["features"] for c in f["properties"]["claims"]]
    claims = coerce_table(pd.DataFrame(listed, columns=geo.CLAIM_COLUMNS, dtype=object), CLAIM_SCHEMA, "<claims>")
    return frame, claims.reset_index(drop=True)


def test_geojson_holds_the_events_and_their_claims(data):
    events, claims = data
    doc = json.loads(export_events(events, "geojson", claims=claims, attribution="Events: test"))
    assert doc["type"] == "FeatureCollection" and doc["attribution"] == "Events: test"
    assert len(doc["features"]) == len(events)
    first = doc["features"][0]
    assert list(first["properties"]) == geo.EVENT_COLUMNS + ["claims"]
    assert first["geometry"] == {"type": "Point", "coordinates": [float(events["longitude"].iloc[0]),
                                                                  float(events["latitude"].iloc[0])]}
    assert first["properties"]["event_date"] == events["event_date"].iloc[0].strftime("%Y-%m-%d")
    back, back_claims = _events_from_geojson(doc)
    assert_geodataframe_equal(back, events.reset_index(drop=True))
    # claims come back in the order of the events, each event's in the table's order
    expected = _claims_of(claims, events)
    order = {e: i for i, e in enumerate(events["event_id"])}
    expected = expected.iloc[expected["event_id"].map(order).argsort(kind="stable")].reset_index(drop=True)
    pd.testing.assert_frame_equal(back_claims, expected)


def test_geojson_claims_use_iso_dates_and_null_for_missing_numbers(events, claims):
    doc = json.loads(export_events(events, "geojson", claims=claims))
    tin = next(f["properties"] for f in doc["features"] if f["properties"]["event_id"] == TIN)
    assert len(tin["claims"]) == int((claims["event_id"] == TIN).sum())
    assert list(tin["claims"][0]) == geo.CLAIM_COLUMNS
    assert tin["claims"][0]["claim_date"] == "2024-07-26" and tin["claims"][0]["killed"] == 2
    assert tin["claims"][0]["captured"] is None
    assert all(f["properties"]["claims"] == [] for f in doc["features"]
               if f["properties"]["event_id"] not in set(claims["event_id"]))


def test_geojson_round_trips_through_the_readers(data):
    readers = pytest.importorskip("geo.io.readers")
    events, claims = data
    payload = export_events(events, "geojson", claims=claims, attribution="Events: test").encode("utf-8")
    back, report = readers.read_events(io.BytesIO(payload), name="export.geojson")
    assert report.format == "native" and report.rejected_count == 0
    assert_geodataframe_equal(back, events.reset_index(drop=True))
    assert report.attribution == "Events: test"
    got = report.claims.sort_values(["event_id", "claim_id", "side"], ignore_index=True)
    want = _claims_of(claims, events).sort_values(["event_id", "claim_id", "side"], ignore_index=True)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_kml_has_one_escaped_placemark_per_event(small_events, small_claims):
    text = export_events(small_events, "kml", claims=small_claims, attribution="Events: test")
    root = ET.fromstring(text.encode("utf-8"))
    placemarks = root.findall(f"{KML}Document/{KML}Placemark")
    assert len(placemarks) == len(small_events)
    by_id = {}
    for pm in placemarks:
        data = {d.get("name"): d.find(f"{KML}value").text for d in pm.iter(f"{KML}Data")}
        by_id[data["event_id"]] = (pm, data)
    pm, data = by_id["T-3"]
    # the data text is kept as is in ExtendedData, and escaped as HTML in the description Google Earth renders
    assert data["notes"].startswith("<img src=x onerror=alert(1)>")
    description = pm.find(f"{KML}description").text
    assert "<img" not in description and "&lt;img src=x onerror=alert(1)&gt;" in description
    assert pm.find(f"{KML}Point/{KML}coordinates").text == "2.702,19.943,0"
    assert pm.find(f"{KML}TimeStamp/{KML}when").text == "2024-08-25"
    assert "claim(s)" in by_id["T-1"][0].find(f"{KML}description").text
    assert root.find(f"{KML}Document/{KML}Style") is not None


def test_parquet_reads_back_with_geopandas(events, claims):
    payload = export_events(events, "parquet", claims=claims, attribution="Events: test")
    assert payload[:4] == b"PAR1"
    back = gpd.read_parquet(io.BytesIO(payload))
    assert back.crs == events.crs
    assert_geodataframe_equal(back, events.reset_index(drop=True), check_dtype=False)
    meta = pq.read_schema(io.BytesIO(payload)).metadata
    assert meta[b"attribution"] == b"Events: test"
    listed = json.loads(meta[b"claims"])
    assert len(listed) == len(claims) and listed[0]["claim_date"] == "2024-07-26"


def test_parquet_round_trips_through_the_readers(small_events):
    readers = pytest.importorskip("geo.io.readers")
    back, report = readers.read_events(io.BytesIO(export_events(small_events, "parquet")), name="x.parquet")
    assert_geodataframe_equal(back, small_events.reset_index(drop=True))


def test_unknown_format_is_refused(events):
    with pytest.raises(ValueError, match="xlsx"):
        export_events(events, "xlsx")
    assert set(EXPORT_FORMATS) == {"csv", "geojson", "kml", "parquet"}


FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
            "\tTab-led"]


def test_csv_export_neutralises_spreadsheet_formulas_and_reads_back_unchanged(tmp_path):
    """Text a spreadsheet would run as a formula is written behind an apostrophe (OWASP CSV injection);
    numbers stay numbers, and both loaders give back the text as it was."""
    from geo.io.exports import export_claims, export_events
    from geo.io.readers import read_events

    events = geo.load_events()
    n = len(FORMULAS)
    events.loc[events.index[:n], "actor1"] = FORMULAS
    events.loc[events.index[0], "notes"] = "=1+1"
    events.loc[events.index[1], "notes"] = "one\rtwo\r\nthree"  # a bare CR must not split the row
    text = export_events(events, "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    for row, formula in zip(rows, FORMULAS):
        assert row["actor1"] == "'" + formula
    assert rows[0]["notes"] == "'=1+1"
    for row in rows:  # no cell of the file starts a formula any more
        assert not any(v.startswith(("=", "+", "@")) for v in row.values())
    assert any(float(r["longitude"]) < 0 for r in rows) == bool((events.geometry.x < 0).any())

    path = tmp_path / "events.csv"
    path.write_text(text, encoding="utf-8")
    back = geo.load_events(path)
    kept = set(FORMULAS) - {"\tTab-led"}  # the loaders strip a cell's surrounding blanks, as for any text
    assert kept <= set(back["actor1"])
    assert "=1+1" in set(back["notes"]) and "one\ntwo\nthree" in set(back["notes"])
    assert len(back) == len(events)
    imported = read_events(path)[0]
    assert kept <= set(imported["actor1"].astype(str))

    claims = pd.DataFrame([{"claim_id": "C1", "event_id": events["event_id"].iloc[0], "claimant": "=evil()",
                            "claimant_side": "other", "source": "-x", "source_url": "", "claim_date": "2024-07-27",
                            "side": "other", "killed": "3", "wounded": "", "captured": "", "statement": "@me"}])
    claims_csv = export_claims(geo.events.coerce_table(claims.fillna("").astype(str),
                                                       geo.events.CLAIM_SCHEMA, "t"))
    row = next(csv.DictReader(io.StringIO(claims_csv)))
    assert (row["claimant"], row["source"], row["statement"], row["killed"]) == ("'=evil()", "'-x", "'@me", "3")
    (tmp_path / "claims.csv").write_text(claims_csv, encoding="utf-8")
    assert geo.load_claims(tmp_path / "claims.csv")["claimant"].iloc[0] == "=evil()"
