"""read_events: ACLED, UCDP GED and native files, row by row; encodings; bad files; no row lost."""

from __future__ import annotations

import io
import json

import pandas as pd
import pyarrow.parquet as pq
import pytest
from geopandas.testing import assert_geodataframe_equal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import geo
from conftest import FIXTURES
from geo.errors import ImportFormatError
from geo.io.readers import ImportReport, read_events

ACLED = FIXTURES / "acled" / "acled_mali.csv"
UCDP = FIXTURES / "ucdp" / "ged_mali.csv"
CSP = "CSP-DPA: Permanent Strategic Framework for Peace, Security and Development"
FAMA = "Military Forces of Mali (2021-)"
JNIM = "JNIM: Group for Support of Islam and Muslims"


def _check_invariant(report: ImportReport) -> None:
    assert report.accepted + len(report.rejected) == report.rows_read
    assert list(report.rejected.columns) == ["row", "event_id", "field", "reason"]


def _same_dtypes_as_load_events(events):
    reference = geo.load_events()
    for col in geo.EVENT_COLUMNS + ["geometry"]:
        assert events[col].dtype == reference[col].dtype, col
    assert list(events.columns[: len(geo.EVENT_COLUMNS)]) == geo.EVENT_COLUMNS
    assert events.crs.to_epsg() == 4326
    assert events.index.equals(pd.RangeIndex(len(events)))


@pytest.fixture(scope="module")
def acled():
    return read_events(ACLED)


@pytest.fixture(scope="module")
def ucdp():
    return read_events(UCDP)


def test_acled_accepted_rows(acled):
    events, report = acled
    _same_dtypes_as_load_events(events)
    assert report.format == "acled" and report.encoding == "utf-8" and report.rows_read == 10
    # sorted by date then id; both ACLED date styles and the dashed one
    assert events["event_id"].tolist() == ["MLI90007", "MLI90009", "MLI90003", "MLI90001", "MLI90002"]
    assert events["event_date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2023-08-05", "2023-11-14", "2024-03-17", "2024-07-25", "2024-07-27"]
    e = events.set_index("event_id")
    assert e["time_precision"].to_dict() == {"MLI90007": 3, "MLI90009": 1, "MLI90003": 1, "MLI90001": 1,
                                             "MLI90002": 2}
    assert e["geo_precision"].to_dict() == {"MLI90007": 3, "MLI90009": 1, "MLI90003": 1, "MLI90001": 2,
                                            "MLI90002": 1}
    assert e["fatalities"].to_dict() == {"MLI90007": 0, "MLI90009": 6, "MLI90003": 4, "MLI90001": 47,
                                         "MLI90002": 3}
    tin = e.loc["MLI90001"]
    assert (tin["actor1"], tin["actor2"], tin["assoc_actor_2"]) == (CSP, FAMA, "Wagner Group")
    assert tin["location"] == "Tinzaouatène" and tin["admin1"] == "Kidal" and tin["country"] == "Mali"
    assert (tin["latitude"], tin["longitude"]) == (19.943, 2.702)
    assert (tin.geometry.x, tin.geometry.y) == (2.702, 19.943)
    assert tin["notes"] == ('On 25 July 2024, CSP-DPA fighters clashed with FAMa and Wagner Group\n'
                            'near Tinzaouatène, "heavy losses" reported; fighting continued\nuntil 27 July.')
    assert tin["source"] == "AFP; Reuters; Le Monde"  # list separators made ACLED's "; "
    assert tin["source_url"] == "" and tin["assoc_actor_1"] == ""
    assert e.loc["MLI90002", "location"] == "Ménaka" and e.loc["MLI90002", "actor1"] == JNIM
    assert e.loc["MLI90009", "assoc_actor_1"] == "Wagner Group; Dozo Militia"
    assert e.loc["MLI90003", "sub_event_type"] == "Air/drone strike"
    # extras kept: numeric inter codes as ACLED's text labels, text ones as they were, population too
    assert e.loc["MLI90002", "inter1"] == "Rebel group" and e.loc["MLI90002", "inter2"] == "State forces"
    assert e.loc["MLI90003", "inter2"] == "Civilians" and e.loc["MLI90001", "inter1"] == "Rebel group"
    assert e.loc["MLI90001", "population_best"] == "2519" and e.loc["MLI90002", "population_best"] == ""
    assert e.loc["MLI90003", "tags"] == "local administrators" and "event_id_cnty" not in e.columns
    assert report.claims.empty and list(report.claims.columns) == geo.CLAIM_COLUMNS


def test_acled_rejected_rows_and_report(acled):
    _, report = acled
    _check_invariant(report)
    assert report.accepted == 5
    assert report.rejected.to_dict("records") == [
        {"row": 4, "event_id": "MLI90004", "field": "latitude", "reason": "latitude 95.2 out of range -90..90"},
        {"row": 5, "event_id": "MLI90005", "field": "event_date", "reason": "date missing"},
        {"row": 6, "event_id": "MLI90006", "field": "actor1", "reason": "no actor"},
        {"row": 8, "event_id": "MLI90001", "field": "event_id_cnty",
         "reason": "duplicate id 'MLI90001' (first at row 1)"},
        {"row": 10, "event_id": "MLI90010", "field": "event_date", "reason": "date '31/02/2024' unparseable"},
    ]
    assert report.warnings == ["1 row(s) had no fatalities; counted as 0"]
    assert report.attribution == "Armed Conflict Location & Event Data (ACLED); www.acleddata.com"
    text = str(report)
    assert text.startswith(f"ACLED file '{ACLED}' (utf-8): 10 rows read, 5 accepted, 5 rejected: "
                           "row 4 (event_id_cnty MLI90004): latitude 95.2 out of range -90..90; ")
    assert "warning: 1 row(s) had no fatalities" in text


def test_ucdp_rows(ucdp):
    events, report = ucdp
    _same_dtypes_as_load_events(events)
    _check_invariant(report)
    assert (report.format, report.rows_read, report.accepted) == ("ucdp", 8, 6)
    e = events.set_index("event_id")
    assert list(e.index) == ["UCDP-500005", "UCDP-500003", "UCDP-500004", "UCDP-500008", "UCDP-500002",
                             "UCDP-500001"]
    # date_prec 1 -> 1, 2-3 -> 2, 4-5 -> 3; where_prec 1 -> 1, 2-3 -> 2, 4-7 -> 3
    assert e["time_precision"].to_dict() == {"UCDP-500005": 3, "UCDP-500003": 2, "UCDP-500004": 3,
                                             "UCDP-500008": 1, "UCDP-500002": 2, "UCDP-500001": 1}
    assert e["geo_precision"].to_dict() == {"UCDP-500005": 2, "UCDP-500003": 3, "UCDP-500004": 3,
                                            "UCDP-500008": 3, "UCDP-500002": 2, "UCDP-500001": 1}
    assert e["event_type"].to_dict() == {"UCDP-500005": "Battles", "UCDP-500003": "Battles",
                                         "UCDP-500004": "Battles", "UCDP-500008": "Battles",
                                         "UCDP-500002": "Violence against civilians", "UCDP-500001": "Battles"}
    assert e.loc["UCDP-500003", "sub_event_type"] == "Non-state conflict"
    assert e.loc["UCDP-500002", "sub_event_type"] == "One-sided violence"
    tin = e.loc["UCDP-500001"]
    assert tin["event_date"] == pd.Timestamp("2024-07-25")  # "2024-07-25 00:00:00.000" in the file
    assert (tin["actor1"], tin["actor2"]) == ("Government of Mali", "JNIM")
    assert (tin["location"], tin["admin1"], tin["adm_1"]) == ("Tinzaouatene town", "Kidal", "Kidal region")
    assert tin["notes"] == "Mali army and Wagner suffer heavy losses (Tinzaouatene, near the Algerian border)"
    assert tin["source"] == "AFP; Reuters"
    # date_end kept as a date (the last day of the multi-day battle), not as UCDP's text
    assert tin["date_end"] == pd.Timestamp("2024-07-27") and str(events["date_end"].dtype) == "datetime64[ns]"
    assert (tin["fatalities_low"], tin["fatalities"], tin["fatalities_high"]) == (40, 47, 120)
    assert e.loc["UCDP-500002", "admin1"] == "Ségou" and e.loc["UCDP-500002", "location"] == "Ségou town"
    assert e.loc["UCDP-500004", "fatalities_low"] == 3  # empty low: the best estimate
    assert events["fatalities_low"].dtype == "int64" and events["fatalities_high"].dtype == "int64"
    assert report.rejected.to_dict("records") == [
        {"row": 6, "event_id": "UCDP-500006", "field": "type_of_violence",
         "reason": "type_of_violence '4' not one of 1, 2, 3"},
        {"row": 7, "event_id": "UCDP-500007", "field": "date_start", "reason": "date missing"},
    ]
    assert report.warnings == ["1 row(s) had no low estimate; the best estimate is used"]
    assert report.attribution.startswith("UCDP Georeferenced Event Dataset (GED)")
    assert "Sundberg & Melander 2013" in report.attribution
    assert str(report).startswith(f"UCDP GED file '{UCDP}' (utf-8): 8 rows read, 6 accepted, 2 rejected")


def test_ucdp_estimates_become_claims(ucdp):
    events, report = ucdp
    claims = report.claims
    assert list(claims.columns) == geo.CLAIM_COLUMNS
    assert str(claims["killed"].dtype) == "Int64"
    assert len(claims) == 3 * len(events) and set(claims["event_id"]) == set(events["event_id"])
    tin = claims[claims["event_id"] == "UCDP-500001"]
    assert tin[["claimant", "side", "killed"]].values.tolist() == [
        ["UCDP GED (low estimate)", "all parties", 40], ["UCDP GED (best estimate)", "all parties", 47],
        ["UCDP GED (high estimate)", "all parties", 120]]
    assert "side A 30, side B 17, civilians 0, unknown 0" in tin["statement"].iloc[1]


@pytest.mark.parametrize("encoding, marker", [("utf-8-sig", None), ("cp1252", "cp1252"), ("latin-1", "latin-1")])
def test_encodings_are_detected(acled, encoding, marker):
    text = ACLED.read_text(encoding="utf-8")
    data = text.encode("cp1252" if encoding == "latin-1" else encoding)
    if encoding == "latin-1":  # a byte that CP1252 leaves undefined: only Latin-1 can be right
        data = data.replace(b"Studio Tamani", b"Studio Tamani\x81")
    events, report = read_events(io.BytesIO(data), name="upload.csv")
    assert report.encoding == encoding
    if marker:
        assert f"encoding detected as {marker} (not UTF-8)" in report.warnings
    assert events["location"].tolist() == acled[0]["location"].tolist()
    assert "Tinzaouatène" in events["notes"].iloc[3] and report.accepted == 5


def test_file_like_upload_is_not_changed(acled):
    data = ACLED.read_bytes()
    upload = io.BytesIO(b"junk" + data)
    upload.name = "acled_export.csv"
    upload.seek(4)
    events, report = read_events(upload)
    assert report.source_name == "acled_export.csv" and upload.tell() == 4
    assert upload.getvalue() == b"junk" + data
    assert_geodataframe_equal(events, acled[0])
    assert read_events(data, name="x")[1].source_name == "x"
    assert read_events(str(ACLED))[1].source_name == str(ACLED)


@pytest.mark.parametrize(
    "content, expected",
    [(b"", "empty file"), (b" \r\n\n", "empty file"),
     (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "this is an image"),
     (b"\x07\x00\x01\x02 no magic \x00\x00", "a binary file of no known kind"),
     (b"a,b\n1,2\n", "none of the known formats"),
     (b'{"type": "Feature"}', "not a GeoJSON FeatureCollection"),
     (b"{broken", "not readable JSON"), (b"PAR1 and then rubbish", "not a readable GeoParquet"),
     (b'event_id_cnty,event_date\n"MLI1,2024-01-01\n', "not a readable CSV file")],
    ids=["empty", "blank", "image", "binary", "unknown-columns", "geojson-feature", "bad-json", "bad-parquet",
         "open-quote"],
)
def test_unusable_files_raise_a_helpful_value_error(tmp_path, content, expected):
    path = tmp_path / "mine.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFormatError, match=expected) as info:
        read_events(path)
    assert isinstance(info.value, geo.DataError) and isinstance(info.value, ValueError)
    assert str(path) in str(info.value)
    if "known formats" in expected:
        message = str(info.value)
        for part in ("ACLED needs event_id_cnty, event_date", "UCDP GED needs id,", "native needs event_id,"):
            assert part in message
    with pytest.raises(geo.DataError, match="file not found"):
        read_events(tmp_path / "nope.csv")


def test_a_record_with_too_many_fields_is_rejected_not_lost():
    lines = ACLED.read_text(encoding="utf-8").split("\n")
    lines[4] += ",surplus"  # row 2 (the first record spans three lines)
    events, report = read_events(io.BytesIO("\n".join(lines).encode()), name="ragged.csv")
    _check_invariant(report)
    assert report.rows_read == 10 and report.accepted == 4
    first = report.rejected.iloc[0]
    assert (first["row"], first["event_id"], first["reason"]) == (2, "", "record has 33 fields; the header has 32")
    assert "MLI90002" not in set(events["event_id"])


def test_missing_codebook_columns_are_left_empty_with_a_warning():
    frame = pd.read_csv(ACLED, dtype=str, keep_default_na=False).drop(columns=["admin1", "fatalities"])
    events, report = read_events(frame.to_csv(index=False).encode(), name="narrow.csv")
    assert report.accepted == 5 and (events["admin1"] == "").all() and (events["fatalities"] == 0).all()
    assert "ACLED column(s) missing, left empty: admin1, fatalities" in report.warnings


def _native_csv(events) -> bytes:
    table = events[geo.EVENT_COLUMNS].copy()
    table["event_date"] = table["event_date"].dt.strftime("%Y-%m-%d")
    return table.to_csv(index=False).encode("utf-8")


def test_native_csv_round_trip(events):
    loaded, report = read_events(io.BytesIO(_native_csv(events)), name="export.csv")
    assert (report.format, report.rows_read, report.accepted) == ("native", len(events), len(events))
    assert report.rejected.empty and report.warnings == []
    assert_geodataframe_equal(loaded, events)


def test_native_geojson_with_claims_and_parquet_round_trip(events, claims, tmp_path):
    table = events.copy()
    table["event_date"] = table["event_date"].dt.strftime("%Y-%m-%d")
    doc = json.loads(table.to_json())
    doc["attribution"] = "Curated from the outlets listed per event"
    text = claims.copy()
    text["claim_date"] = text["claim_date"].dt.strftime("%Y-%m-%d")
    records = {k: g.astype(object).where(g.notna(), None).to_dict("records") for k, g in text.groupby("event_id")}
    for feature in doc["features"]:
        feature["properties"]["claims"] = records.get(feature["properties"]["event_id"], [])
    path = tmp_path / "export.json.txt"  # detected by content, not by extension
    path.write_text(json.dumps(doc), encoding="utf-8")
    loaded, report = read_events(path)
    assert report.format == "native" and report.attribution == doc["attribution"]
    assert_geodataframe_equal(loaded, events)
    pd.testing.assert_frame_equal(report.claims.sort_values("claim_id", ignore_index=True),
                                  claims.sort_values("claim_id", ignore_index=True))

    parquet = tmp_path / "export.bin"
    events.to_parquet(parquet)
    table = pq.read_table(parquet)  # claims and attribution in the key-value metadata, as geo.io.exports puts them
    meta = {**table.schema.metadata, b"attribution": b"Mine", b"claims": json.dumps(
        [c for recs in records.values() for c in recs]).encode()}
    pq.write_table(table.replace_schema_metadata(meta), parquet)
    loaded, report = read_events(parquet)
    assert report.format == "native" and report.encoding == "binary" and report.attribution == "Mine"
    assert_geodataframe_equal(loaded, events)
    pd.testing.assert_frame_equal(report.claims.sort_values("claim_id", ignore_index=True),
                                  claims.sort_values("claim_id", ignore_index=True))


def test_bad_native_rows_are_rejected_with_plain_reasons(small_events):
    text = _native_csv(small_events).decode()
    text = text.replace("T-2,2023-11-14,1", "T-2,2023-11-14,7").replace(",21,Al Jazeera", ",-3,Al Jazeera")
    events, report = read_events(io.BytesIO(text.encode()), name="mine.csv")
    _check_invariant(report)
    reasons = dict(zip(report.rejected["event_id"], report.rejected["reason"]))
    assert reasons["T-2"] == "time_precision '7' not one of 1, 2, 3"
    assert any("fatalities '-3' is not a whole number of at least 0" == r for r in reasons.values())
    assert "T-2" not in set(events["event_id"])


def test_check_table_lists_every_problem():
    raw = pd.DataFrame({"event_id": ["a", "", "c"], "event_date": ["2024-01-01", "2024-02-31", ""],
                        "latitude": ["1", "95", "x"]}, dtype=str)
    schema = tuple(c for c in geo.EVENT_SCHEMA if c.name in raw.columns)
    frame, problems = geo.events.check_table(raw, schema)
    assert problems.values.tolist() == [[1, "event_date", "2024-02-31", "invalid"], [1, "event_id", "", "empty"],
                                        [1, "latitude", "95", "invalid"], [2, "event_date", "", "empty"],
                                        [2, "latitude", "x", "invalid"]]
    assert frame["latitude"].tolist()[0] == 1.0 and frame["event_date"].iloc[0] == pd.Timestamp("2024-01-01")


_SEEDS = [ACLED.read_bytes(), UCDP.read_bytes()]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(
    st.binary(max_size=400),
    st.tuples(st.sampled_from(_SEEDS), st.floats(0, 1)).map(lambda t: t[0][: int(len(t[0]) * t[1])]),
    st.tuples(st.sampled_from(_SEEDS), st.integers(0, 4000), st.binary(min_size=1, max_size=8)).map(
        lambda t: t[0][: t[1]] + t[2] + t[0][t[1] + len(t[2]):]),
))
def test_any_bytes_either_load_with_every_row_counted_or_raise_import_format_error(data):
    try:
        events, report = read_events(io.BytesIO(data), name="fuzz.csv")
    except ImportFormatError as exc:
        assert "fuzz.csv" in str(exc)
        return
    _check_invariant(report)
    assert len(events) == report.event_count == report.accepted - report.folded_count and events["event_id"].is_unique
    assert events["latitude"].between(-90, 90).all()
