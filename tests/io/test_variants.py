"""read_events on the variants real ACLED and UCDP files show: one fixture per variant (tests/README.md says
where each comes from), loaded with its expected counts, values and report."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal

import geo
from conftest import FIXTURES
from geo.io.dates import read_dates
from geo.io.readers import ImportReport, read_events

VARIANTS = FIXTURES / "variants"
FAMA = "Military Forces of Mali (2021-)"
CSP = "CSP-DPA: Permanent Strategic Framework for Peace, Security and Development"


def load(name: str, **kwargs) -> tuple[pd.DataFrame, ImportReport]:
    events, report = read_events(VARIANTS / name, **kwargs)
    assert report.accepted + report.rejected_count == report.rows_read
    assert len(events) == report.event_count == report.accepted - report.folded_count
    return events, report


def dates(events) -> dict[str, str]:
    return dict(zip(events["event_id"], events["event_date"].dt.strftime("%Y-%m-%d")))


def warning(report: ImportReport, text: str) -> str:
    found = [w for w in report.warnings if text in w]
    assert found, f"no warning with {text!r} in {report.warnings}"
    return found[0]


# --- dates ---------------------------------------------------------------------------------------------------

def test_excel_resave_two_digit_years():
    events, report = load("acled_excel_dates.csv")
    assert (report.rows_read, report.accepted, report.rejected_count) == (5, 5, 0)
    assert report.encoding == "utf-8-sig"  # Excel's BOM, CRLF line ends
    assert dates(events) == {"MLI8003": "1997-01-01", "MLI8001": "2020-05-09", "MLI8005": "2021-03-03",
                             "MLI8004": "2023-11-14", "MLI8002": "2024-07-27"}
    note = warning(report, "two-digit year")
    assert "5 row(s)" in note and "00-29 as 2000-2029 and 30-99 as 1930-1999" in note and "1997-2024" in note


def test_day_first_decided_from_the_file():
    events, report = load("acled_dates_day_first.csv")
    assert (report.rows_read, report.accepted) == (4, 4)
    assert dates(events) == {"MLI8101": "2020-05-09", "MLI8103": "2021-02-01", "MLI8104": "2021-03-05",
                             "MLI8102": "2024-07-27"}
    note = warning(report, "read as day/month/year")
    assert "'27/07/2024' in the same column shows" in note and "3 row(s)" in note


def test_month_first_decided_from_the_file():
    events, report = load("acled_dates_month_first.csv")
    assert (report.rows_read, report.accepted) == (3, 3)
    assert dates(events) == {"MLI8201": "2020-05-09", "MLI8203": "2021-02-01", "MLI8202": "2024-07-27"}
    assert "'7/27/2024' in the same column shows" in warning(report, "read as month/day/year")


def test_undecidable_dates_are_read_day_first_and_reported_as_ambiguous():
    events, report = load("acled_dates_ambiguous.csv")
    assert (report.rows_read, report.accepted) == (3, 3)
    assert dates(events) == {"MLI8301": "2020-05-09", "MLI8302": "2021-04-03", "MLI8303": "2022-11-11"}
    note = warning(report, "AMBIGUOUS")
    assert "2 row(s)" in note and "'09/05/2020'" in note and "day_first=False" in note  # 11/11 is no ambiguity
    events, report = load("acled_dates_ambiguous.csv", day_first=False)
    assert dates(events) == {"MLI8301": "2020-09-05", "MLI8302": "2021-03-04", "MLI8303": "2022-11-11"}
    assert "as asked" in warning(report, "month/day/year")


def test_a_file_mixing_both_orders_rejects_the_rows_that_could_be_either():
    events, report = load("acled_dates_mixed_orders.csv")
    assert (report.rows_read, report.accepted, report.rejected_count) == (4, 3, 1)
    assert dates(events) == {"MLI8404": "2020-05-10", "MLI8401": "2024-07-27", "MLI8402": "2024-07-28"}
    assert report.rejected.to_dict("records") == [
        {"row": 3, "event_id": "MLI8403", "field": "event_date",
         "reason": "date '09/05/2020' is ambiguous: the file has both day/month dates ('27/07/2024') and "
                   "month/day dates ('07/28/2024')"}]
    assert "mixes day/month" in warning(report, "1 row(s) that could be either are rejected")


def test_excel_serial_day_numbers():
    events, report = load("acled_excel_serial_dates.csv")
    assert (report.rows_read, report.accepted) == (3, 3)
    assert dates(events) == {"MLI8501": "2020-05-09", "MLI8503": "2023-11-14", "MLI8502": "2024-07-27"}
    assert "43960 = 2020-05-09" in warning(report, "Excel serial day numbers")


@pytest.mark.parametrize("text, expected", [
    ("2024-07-27", "2024-07-27"), ("2024-07-25 00:00:00.000", "2024-07-25"), ("2024/7/27", "2024-07-27"),
    ("27 July 2024", "2024-07-27"), ("27 Jul 2024", "2024-07-27"), ("27-July-2024", "2024-07-27"),
    ("9-May-20", "2020-05-09"), ("09-mai-20", "2020-05-09"), ("1-Jan-97", "1997-01-01"),
    ("July 27, 2024", "2024-07-27"), ("27.07.2024", "2024-07-27"), ("27/07/24", "2024-07-27"),
    ("27/07/2024 00:00", "2024-07-27"), ("45500", "2024-07-27"),
    ("31/02/2024", "31/02/2024"), ("12345", "12345"), ("2024", "2024"), ("soon", "soon"), ("", ""),
])
def test_date_styles(text, expected):
    assert read_dates(pd.Series([text])).values.tolist() == [expected]


def test_dates_are_read_once_per_distinct_value():
    reading = read_dates(pd.Series(["9-May-20", "27/07/2024", "9-May-20", "03/04/2021"] * 1000))
    assert reading.values.iloc[:4].tolist() == ["2020-05-09", "2024-07-27", "2020-05-09", "2021-04-03"]
    assert "2000 row(s)" in " ".join(reading.notes) and "1000 row(s) with dates such as '03/04/2021'" in \
        " ".join(reading.notes)


def test_french_excel_semicolons_decimal_commas_and_empty_records():
    events, report = load("acled_excel_fr_semicolon.csv")
    assert (report.rows_read, report.accepted, report.rejected_count) == (3, 3, 0)  # 2 empty records skipped
    assert report.encoding == "cp1252"
    assert dates(events) == {"MLI8801": "2020-05-09", "MLI8802": "2024-07-27", "MLI8803": "2024-08-02"}
    e = events.set_index("event_id")
    assert (e.loc["MLI8802", "latitude"], e.loc["MLI8802", "longitude"]) == (19.943, 2.702)
    assert e.loc["MLI8802", "location"] == "Tinzaouatène" and "« lourdes pertes »" in e.loc["MLI8802", "notes"]
    assert e.loc["MLI8803", "admin1"] == "Ménaka"
    assert "latitude 3, longitude 3" in warning(report, "decimal comma")
    assert "2 empty record(s) skipped" in warning(report, "empty record")


def test_tab_separated_file():
    text = (VARIANTS / "acled_dyadic.csv").read_text(encoding="utf-8")
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    events, report = read_events(frame.to_csv(sep="\t", index=False).encode(), name="export.tsv")
    assert (report.format, report.accepted) == ("acled", 5) and events["actor1"].iloc[0].startswith("JNIM")


# --- missing values, index columns, tag rows -------------------------------------------------------------------

def test_r_write_csv_na_is_missing_never_an_actor():
    events, report = load("acled_r_write_csv.csv")
    assert (report.rows_read, report.accepted, report.rejected_count) == (4, 3, 1)
    actors = set(events[["actor1", "assoc_actor_1", "actor2", "assoc_actor_2"]].to_numpy().ravel())
    assert "NA" not in actors and "NA" not in set(geo.actor_counts(events).index)
    e = events.set_index("event_id")
    assert e.loc["MLI8602", "actor2"] == "" and e.loc["MLI8603", "fatalities"] == 0
    assert e.loc["MLI8601", "assoc_actor_2"] == "Wagner Group"
    # R's row names (an empty header) are not a column
    assert "" not in events.columns and not any(str(c).startswith("Unnamed") for c in events.columns)
    assert report.rejected.to_dict("records") == [{"row": 4, "event_id": "MLI8604", "field": "actor1",
                                                   "reason": "no actor"}]
    assert "'' dropped" in warning(report, "unnamed column")
    assert "actor1 1" in warning(report, "missing-value spelling")


def test_pandas_index_column_and_database_null_spellings():
    events, report = load("acled_pandas_index.csv")
    assert (report.rows_read, report.accepted) == (3, 3)
    assert "Unnamed: 0" not in events.columns
    assert "'Unnamed: 0' dropped" in warning(report, "unnamed column")
    e = events.set_index("event_id")
    assert e.loc["MLI8701", "assoc_actor_1"] == "" and e.loc["MLI8702", "actor2"] == ""  # N/A, NULL
    assert e.loc["MLI8703", "assoc_actor_1"] == "" and e.loc["MLI8703", "fatalities"] == 0  # #N/A, NULL
    assert "6 cell(s)" in warning(report, "missing-value spelling")
    csv = geo.export_events(events, "csv")
    assert "Unnamed" not in csv.split("\n")[0] and not csv.startswith(",")


def test_missing_spellings_on_the_slow_csv_path_too():
    # a repeated header name sends the file to pandas' reader
    text = (VARIANTS / "acled_pandas_index.csv").read_text(encoding="utf-8").replace("tags", "notes", 1)
    events, report = read_events(text.encode(), name="dup.csv")
    assert report.accepted == 3 and "NULL" not in set(events["actor2"]) and "N/A" not in set(events["assoc_actor_1"])


def test_hdx_acled_tag_row_is_skipped_not_a_bad_row():
    events, report = load("hdx_acled_hxl.csv")
    assert (report.rows_read, report.accepted, report.rejected_count) == (3, 3, 0)
    assert events["event_id"].tolist() == ["MLI9001", "MLI9002", "MLI9003"]
    assert "#event+code, #date+occurred" in warning(report, "HXL hashtag row skipped")


def test_hdx_ucdp_tag_row_and_date_end():
    events, report = load("hdx_ucdp_ged_hxl.csv")
    assert (report.format, report.rows_read, report.accepted, report.rejected_count) == ("ucdp", 3, 3, 0)
    warning(report, "HXL hashtag row skipped")
    e = events.set_index("event_id")
    assert e.loc["UCDP-600001", "date_end"] == pd.Timestamp("2024-07-27")
    assert e.loc["UCDP-600003", "event_date"] == pd.Timestamp("2024-06-30")
    assert e.loc["UCDP-600003", "date_end"] == pd.Timestamp("2024-07-04")


def test_date_end_survives_every_export_and_reads_back(tmp_path):
    events, report = load("hdx_ucdp_ged_hxl.csv")
    for fmt in ("csv", "geojson", "parquet"):
        data = geo.export_events(events, fmt, claims=report.claims)
        data = data.encode("utf-8") if isinstance(data, str) else data
        back, again = read_events(io.BytesIO(data), name=f"export.{fmt}")
        assert again.format == "native" and again.rejected.empty, fmt
        assert back["date_end"].dtype == "datetime64[ns]", fmt
        assert dict(zip(back["event_id"], back["date_end"])) == dict(zip(events["event_id"], events["date_end"]))
    assert "2024-07-27" in geo.export_events(events, "csv").split("\n")[2]


# --- UCDP estimates --------------------------------------------------------------------------------------------

def test_ucdp_estimates_out_of_order_are_kept_and_date_end_before_start_rejected():
    events, report = load("ucdp_ged_estimates.csv")
    assert (report.rows_read, report.accepted, report.rejected_count) == (5, 4, 1)
    assert events["event_id"].tolist() == ["UCDP-610001", "UCDP-610002", "UCDP-610003", "UCDP-610004"]
    assert report.rejected.to_dict("records") == [
        {"row": 5, "event_id": "UCDP-610005", "field": "date_end",
         "reason": "date_end '2023-01-18' is before date_start '2023-01-20'"},
    ]
    flags = dict(zip(events["event_id"], events["estimates_flag"]))
    assert flags == {"UCDP-610001": "", "UCDP-610002": "kept: low 12 > best 10",
                     "UCDP-610003": "kept: best 10 > high 9", "UCDP-610004": ""}


def test_ucdp_old_estimate_names():
    events, report = load("ucdp_ged_old_names.csv")
    assert (report.format, report.accepted) == ("ucdp", 1)
    row = events.iloc[0]
    assert (row["fatalities_low"], row["fatalities"], row["fatalities_high"]) == (30, 35, 100)
    assert row["date_end"] == pd.Timestamp("2012-01-24")
    assert "best_est -> best" in warning(report, "older column names")


# --- older ACLED layouts --------------------------------------------------------------------------------------

def test_pre2019_acled_in_capitals():
    events, report = load("acled_pre2019_capitals.csv")
    assert (report.format, report.rows_read, report.accepted, report.rejected_count) == ("acled", 9, 9, 0)
    e = events.set_index("event_id")
    # ALLY_ACTOR_1/2 are the associated actors: in the data and in the actor filter
    assert e.loc["MLI1002", "assoc_actor_1"] == "HCUA: High Council for the Unity of Azawad"
    assert e.loc["MLI1001", "assoc_actor_2"].startswith("MINUSMA")
    shown = geo.filter_events(events, geo.EventFilter(actors=["HCUA: High Council for the Unity of Azawad"]))
    assert shown["event_id"].tolist() == ["MLI1002"]
    # the old event types are kept as they were, and coloured by their family
    assert e.loc["MLI1001", "event_type"] == "Battle-No change of territory"
    assert geo.styles.event_color(e.loc["MLI1004"]) == geo.EVENT_TYPE_FAMILIES["Explosions/Remote violence"]
    assert dates(events)["MLI1001"] == "2016-03-14" and e.loc["MLI1004", "inter1"] == "Political militia"
    assert e.loc["MLI1001", "gwno"] == "432" and "ALLY_ACTOR_1" not in events.columns
    assert "ally_actor_1 -> assoc_actor_1" in warning(report, "older column names")


def test_2018_api_lower_case_ally_actor():
    events, report = load("acled_2018_api_ally_actor.csv")
    assert report.accepted == 2
    e = events.set_index("event_id")
    assert e.loc["MLI2001", "assoc_actor_1"] == "MSA: Movement for the Salvation of Azawad"
    assert e.loc["MLI2001", "assoc_actor_2"] == ("HCUA: High Council for the Unity of Azawad; "
                                                 "MNLA: National Movement for the Liberation of Azawad")
    assert set(geo.actor_counts(events).index) >= {"MSA: Movement for the Salvation of Azawad",
                                                   "MNLA: National Movement for the Liberation of Azawad"}


def test_column_names_in_any_case_and_spacing():
    text = (VARIANTS / "hdx_acled_hxl.csv").read_text(encoding="utf-8").split("\n")
    header = text[0].replace("event_id_cnty", "Event ID Cnty").replace("latitude", "LATITUDE")
    events, report = read_events("\n".join([header] + text[2:]).encode(), name="caps.csv")
    assert report.format == "acled" and report.accepted == 3
    # the ten-character names of a shapefile's table (ACLED's GIS exports)
    header = text[0].replace("event_id_cnty", "EVENT_ID_C")
    events, report = read_events("\n".join([header] + text[2:]).encode(), name="dbf.csv")
    assert report.accepted == 3 and events["event_id"].tolist() == ["MLI9001", "MLI9002", "MLI9003"]
    assert "event_id_c -> event_id_cnty" in warning(report, "older column names")


# --- monadic and dyadic -----------------------------------------------------------------------------------------

SIDES = ["event_id", "event_date", "event_type", "actor1", "assoc_actor_1", "actor2", "assoc_actor_2",
         "fatalities", "latitude", "longitude", "inter1", "inter2", "data_id"]


def test_monadic_export_folds_into_the_dyadic_events():
    dyadic, dy = load("acled_dyadic.csv")
    monadic, mo = load("acled_monadic.csv")
    assert (dy.rows_read, dy.accepted, dy.folded_count) == (5, 5, 0)
    assert (mo.rows_read, mo.accepted, mo.rejected_count, mo.folded_count, mo.event_count) == (9, 9, 0, 4, 5)
    pd.testing.assert_frame_equal(monadic[SIDES], dyadic[SIDES])
    assert_geodataframe_equal(monadic, dyadic)  # every column, geometry included
    assert monadic["fatalities"].sum() == dyadic["fatalities"].sum() == 65  # counted once
    assert mo.folded.to_dict("records")[0] == {"row": 2, "event_id": "MLI4101", "into_row": 1,
                                               "actor": "Military Forces of Mali (2013-2021)"}
    assert mo.folded["into_row"].tolist() == [1, 3, 6, 8]
    assert "4 event(s) came as two rows" in warning(mo, "monadic export")
    assert "4 folded into another row's event (monadic export): 5 events" in str(mo)
    # the actor filter finds every event of each side
    for actor in ("Military Forces of Mali (2013-2021)", "Civilians (Mali)", "Fulani Ethnic Group (Mali)"):
        f = geo.EventFilter(actors=[actor])
        assert geo.filter_events(monadic, f)["event_id"].tolist() == geo.filter_events(dyadic, f)[
            "event_id"].tolist()


def test_monadic_rows_that_name_each_other_as_actor2_fold_too():
    frame = pd.read_csv(VARIANTS / "acled_monadic.csv", dtype=str, keep_default_na=False)
    first = frame["event_id_cnty"].duplicated(keep="last")
    second = frame["event_id_cnty"].duplicated(keep="first")
    other = frame["actor1"].shift(-1).where(first, frame["actor1"].shift(1))
    frame.loc[first | second, "actor2"] = other[first | second]
    events, report = read_events(frame.to_csv(index=False).encode(), name="swapped.csv")
    dyadic, _ = load("acled_dyadic.csv")
    assert report.folded_count == 4
    pd.testing.assert_frame_equal(events[["event_id", "actor1", "actor2", "fatalities"]],
                                  dyadic[["event_id", "actor1", "actor2", "fatalities"]])


def test_a_repeated_id_that_is_not_a_monadic_pair_is_still_a_duplicate():
    frame = pd.read_csv(VARIANTS / "acled_monadic.csv", dtype=str, keep_default_na=False)
    frame.loc[1, "event_date"] = "13 January 2020"  # same id, another day: not the same event
    frame.loc[6, "data_id"] = "9999"  # same id, another data_id
    extra = frame.iloc[[0]].assign(actor1="Wagner Group")  # a third row for MLI4101
    frame = pd.concat([frame, extra], ignore_index=True)
    events, report = read_events(frame.to_csv(index=False).encode(), name="dups.csv")
    assert report.folded_count == 2 and report.rows_read == 10
    assert report.rejected["row"].tolist() == [2, 7, 10]
    assert set(report.rejected["reason"].str.slice(0, 12)) == {"duplicate id"}
    assert report.accepted + report.rejected_count == report.rows_read and len(events) == 5


def test_monadic_rows_apart_in_the_file_fold_too():
    frame = pd.read_csv(VARIANTS / "acled_monadic.csv", dtype=str, keep_default_na=False)
    shuffled = frame.sort_values("actor1", kind="stable")  # a file sorted by actor: the two rows far apart
    events, report = read_events(shuffled.to_csv(index=False).encode(), name="by-actor.csv")
    dyadic, _ = load("acled_dyadic.csv")
    assert report.folded_count == 4 and report.event_count == 5
    assert events["event_id"].tolist() == dyadic["event_id"].tolist()
    assert events["fatalities"].tolist() == dyadic["fatalities"].tolist()
    # which side is actor1 follows the file's order; both sides are always there
    sides = lambda e: [frozenset(p) - {""} for p in zip(e["actor1"], e["actor2"])]  # noqa: E731
    assert sides(events) == sides(dyadic)


def test_a_report_asks_for_review_when_rows_are_rejected_or_dates_are_ambiguous():
    """The dashboard opens the import report by itself exactly when it needs reading."""
    assert load("acled_dates_ambiguous.csv")[1].needs_review  # nothing rejected, but the order was guessed
    assert load("acled_dates_mixed_orders.csv")[1].needs_review  # a row rejected
    assert not load("acled_dates_month_first.csv")[1].needs_review  # decided from the file: a note only
    assert not load("acled_dates_ambiguous.csv", day_first=False)[1].needs_review  # the user chose
