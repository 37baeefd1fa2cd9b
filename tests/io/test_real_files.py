"""Files as analysts hold them, round three (issue 25): UCDP rows whose estimates are out of order are
kept, monadic pairs fold whatever their actors, and the remaining real spellings. One fixture per case
under tests/fixtures/variants/ (tests/README.md says what each copies)."""

from __future__ import annotations

import pandas as pd

import geo
from conftest import FIXTURES
from geo.i18n import category, use_language
from geo.io.readers import read_events

VARIANTS = FIXTURES / "variants"
AL = "AL: Bangladesh Awami League"


def test_ucdp_rows_out_of_order_are_kept_with_ucdps_own_totals():
    """GED 23.1 has Ethiopia, 26 August 2022: low 334, best 333, high 333. Rejecting such rows lost 4.3 % of
    the deaths of a sample; kept, a file's total is UCDP's own (the sum of best)."""
    path = VARIANTS / "ucdp_ged_out_of_order.csv"
    events, report = read_events(path)
    raw = pd.read_csv(path, dtype=str)
    assert (report.rows_read, report.accepted, report.rejected_count) == (4, 4, 0)
    assert events["fatalities"].sum() == raw["best"].astype(int).sum() == 390
    e = events.set_index("event_id")
    ethiopia = e.loc["UCDP-436452"]
    assert (ethiopia["fatalities_low"], ethiopia["fatalities"], ethiopia["fatalities_high"]) == (334, 333, 333)
    assert ethiopia["estimates_flag"] == "kept: low 334 > best 333"
    assert e.loc["UCDP-436460", "estimates_flag"] == "kept: best 41 > high 38"
    assert e.loc["UCDP-436470", "estimates_flag"] == ""
    # the three figures as claims
    claims = report.claims[report.claims["event_id"] == "UCDP-436452"]
    assert dict(zip(claims["claimant"], claims["killed"])) == {
        "UCDP GED (low estimate)": 334, "UCDP GED (best estimate)": 333, "UCDP GED (high estimate)": 333}
    # the report says so, with the reason of the first
    note = [w for w in report.warnings if "out of order" in w]
    assert note and note[0].startswith("2 row(s) kept") and "row 1, id UCDP-436452: kept: low 334 > best 333" in note[0]
    assert "kept: low 334 > best 333" in str(report)
    assert not report.needs_review
    with use_language("fr"):
        assert "conservée" in str(report) or "conservé" in str(report)


def test_ucdp_admin_suffixes_trimmed_for_display_original_kept():
    events, _ = read_events(VARIANTS / "ucdp_ged_out_of_order.csv")
    e = events.set_index("event_id")
    assert (e.loc["UCDP-447001", "admin1"], e.loc["UCDP-447001", "adm_1"]) == ("Rif Dimashq",
                                                                               "Rif Dimashq governorate")
    assert (e.loc["UCDP-436452", "admin1"], e.loc["UCDP-436452", "adm_1"]) == ("Amhara", "Amhara region")
    assert set(geo.filter_events(events, geo.EventFilter(regions=["Rif Dimashq"]))["event_id"]) == {"UCDP-447001"}


def test_monadic_pairs_with_the_same_actor_on_both_sides_fold():
    """Bangladesh 2024, monadic: Rioters-Rioters and Protesters-Protesters pairs were rejected as duplicate ids,
    and the Awami League, named only on their second rows, went missing from the actor filter."""
    events, report = read_events(VARIANTS / "acled_monadic_same_actor.csv")
    assert (report.rows_read, report.accepted, report.rejected_count, report.folded_count) == (7, 7, 0, 3)
    assert report.event_count == len(events) == 4
    e = events.set_index("event_id")
    riot = e.loc["BGD1001"]
    assert (riot["actor1"], riot["actor2"]) == ("Rioters (Bangladesh)", "Rioters (Bangladesh)")
    assert (riot["assoc_actor_1"], riot["assoc_actor_2"]) == ("BNP: Bangladesh Nationalist Party", AL)
    assert (riot["inter1"], riot["inter2"]) == ("Rioters", "Rioters") and riot["fatalities"] == 2
    protest = e.loc["BGD1002"]
    assert (protest["actor1"], protest["actor2"], protest["assoc_actor_2"]) == (
        "Protesters (Bangladesh)", "Protesters (Bangladesh)", AL)
    assert (e.loc["BGD1003", "inter1"], e.loc["BGD1003", "inter2"]) == ("Rioters", "Civilians")
    shown = geo.filter_events(events, geo.EventFilter(actors=[AL]))
    assert sorted(shown["event_id"]) == ["BGD1001", "BGD1002", "BGD1004"]  # every row that names it
    assert events["fatalities"].sum() == 3


def test_folded_monadic_events_keep_inter2_when_the_file_has_inter1_only():
    frame = pd.read_csv(VARIANTS / "acled_monadic_same_actor.csv", dtype=str, keep_default_na=False)
    frame = frame.drop(columns=["actor2", "assoc_actor_2", "inter2"])
    events, report = read_events(frame.to_csv(index=False).encode(), name="monadic-no-side-2.csv")
    assert report.folded_count == 3
    e = events.set_index("event_id")
    assert (e.loc["BGD1003", "inter2"], e.loc["BGD1003", "assoc_actor_2"]) == ("Civilians",
                                                                               "Hindu Group (Bangladesh)")
    assert e.loc["BGD1004", "inter2"] == ""


def test_pre2019_plural_spelling_of_territory_taken_is_a_battle():
    """ACLED's own pre-2019 files wrote "Battle-Non-state actors overtake territory": drawn grey "Other"
    before; now a battle (colour, legend) and said in French, the text kept as the file wrote it."""
    text = "Battle-Non-state actors overtake territory"
    assert geo.styles.event_type_family(text) == "Battles"
    assert geo.styles.event_type_color(text) == geo.EVENT_TYPE_FAMILIES["Battles"]
    assert geo.styles.legend_items("event_type", {text})[0][1] == geo.EVENT_TYPE_FAMILIES["Battles"]
    with use_language("fr"):
        assert category(text) == category("Battle-Non-state actor overtakes territory") != text
    frame = pd.read_csv(VARIANTS / "acled_pre2019_capitals.csv", dtype=str, keep_default_na=False)
    frame.loc[0, "EVENT_TYPE"] = text
    events, _ = read_events(frame.to_csv(index=False).encode(), name="old.csv")
    row = events[events["event_id"] == frame.loc[0, "EVENT_ID_CNTY"]].iloc[0]
    assert row["event_type"] == text and geo.styles.event_color(row) == geo.EVENT_TYPE_FAMILIES["Battles"]
