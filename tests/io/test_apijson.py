"""ACLED's and UCDP's API answers (JSON) read like their CSV exports: a saved page uploaded as a file,
and the pages that ``geo sync`` fetches, go through the same readers (``geo.io.apijson``)."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

import geo
from conftest import FIXTURES
from geo.io.apijson import api_kind, records_table
from geo.io.readers import read_events, read_table

API = FIXTURES / "api"


def _plain(events):
    return pd.DataFrame(events).drop(columns="geometry")


@pytest.mark.parametrize("page, export, fmt", [
    ("acled_api_page.json", FIXTURES / "acled" / "acled_mali.csv", "acled"),
    ("ucdp_api_page.json", FIXTURES / "ucdp" / "ged_mali.csv", "ucdp"),
])
def test_an_api_page_reads_as_its_export(page, export, fmt):
    events, report = read_events(API / page)
    expected, expected_report = read_events(export)
    assert report.format == fmt
    assert (report.rows_read, report.accepted, len(report.rejected)) == (
        expected_report.rows_read, expected_report.accepted, len(expected_report.rejected))
    assert list(report.rejected["row"]) == list(expected_report.rejected["row"])
    pd.testing.assert_frame_equal(_plain(events)[list(expected.columns.drop("geometry"))], _plain(expected))
    assert report.attribution == expected_report.attribution
    assert any("API answer (JSON)" in w for w in report.warnings)


def test_ucdp_numbers_stay_whole_and_dates_with_a_time_read():
    doc = json.loads((API / "ucdp_api_page.json").read_text(encoding="utf-8"))
    assert isinstance(doc["Result"][0]["best"], int) and "T" in doc["Result"][0]["date_start"]
    events, report = read_events(API / "ucdp_api_page.json")
    first = events[events["event_id"] == "UCDP-500001"].iloc[0]
    assert first["fatalities"] == 47 and first["fatalities_low"] == 40 and first["fatalities_high"] == 120
    assert str(first["event_date"].date()) == "2024-07-25" and str(first["date_end"].date()) == "2024-07-27"
    assert first["gwnoa"] == "432"  # an extra column: "432", never "432.0"
    assert len(report.claims) == 3 * len(events)  # UCDP's low, best and high, as from the CSV


def test_an_upload_of_an_api_page_is_a_data_set():
    data = (API / "acled_api_page.json").read_bytes()
    upload = io.BytesIO(data)
    upload.name = "acled-api.json"
    from geo.sources.dataset import Dataset

    dataset = Dataset.from_sources([upload])
    assert dataset.report.format == "acled" and len(dataset.events) == 5


def test_untrusted_records_are_rows_not_crashes():
    doc = {"status": 200, "success": True, "count": 3, "data": [
        "not an object", {"event_id_cnty": "X1", "notes": {"nested": ["<b>x</b>"]}}, None]}
    raw = records_table(doc["data"])
    assert raw.shape[0] == 3 and raw.loc[1, "notes"] == '{"nested": ["<b>x</b>"]}'
    with pytest.raises(geo.ImportFormatError, match="none of the known formats"):
        read_events(json.dumps(doc).encode(), name="acled.json")


def test_an_api_error_answer_is_a_plain_message():
    doc = {"status": 403, "success": False, "error": {"status": 403, "message": "Access denied"}}
    with pytest.raises(geo.ImportFormatError, match=r"acled\.json: ACLED's API answered with an error"):
        read_events(json.dumps(doc).encode(), name="acled.json")


def test_kinds():
    assert api_kind({"status": 200, "success": True, "data": []}) == "acled"
    assert api_kind({"TotalCount": 0, "TotalPages": 0, "NextPageUrl": "", "Result": []}) == "ucdp"
    assert api_kind({"type": "FeatureCollection", "features": []}) is None
    with pytest.raises(geo.ImportFormatError, match="not a GeoJSON FeatureCollection, nor an answer"):
        read_events(b'{"data": 1}', name="x.json")


def test_read_table_names_the_page_in_its_report():
    doc = json.loads((API / "acled_api_page.json").read_text(encoding="utf-8"))
    events, report = read_table(records_table(doc["data"]), name="ACLED page 3")
    assert report.source_name == "ACLED page 3" and report.format == "acled" and len(events) == 5
