"""Matching records of several data sets (geo.matching.pairs), the alias table and crosswalk
(geo.matching.crosswalk), and what the data sets say about each matched event (geo.matching.groups)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import geo
from conftest import FIXTURES
from geo.matching import pairs as matching
from geo.matching.groups import collapse_groups, coverage_mask, group_figures, group_spread, match_groups
from geo.matching.crosswalk import fold, load_aliases, load_crosswalk
from geo.matching.pairs import MatchError, match_events

ARMY, GOV = "Military Forces of Mali (2021-)", "Government of Mali"
CSP = "CSP-DPA: Permanent Strategic Framework for Peace, Security and Development"


def ev(event_id, date, actor1, actor2="", *, lat=19.943, lon=2.702, tp=1, gp=1, etype="Battles",
       sub="Armed clash", assoc1="", assoc2="", fatalities=0, **extra):
    return {"event_id": event_id, "event_date": pd.Timestamp(date), "time_precision": tp, "event_type": etype,
            "sub_event_type": sub, "actor1": actor1, "assoc_actor_1": assoc1, "actor2": actor2,
            "assoc_actor_2": assoc2, "country": "Mali", "admin1": "Kidal", "location": "Tinzaouaten",
            "latitude": lat, "longitude": lon, "geo_precision": gp, "fatalities": fatalities, **extra}


def ucdp(event_id, date, side_a, side_b, *, end=None, violence="State-based conflict", low=None, high=None,
         fatalities=0, **kw):
    extra = {"date_end": pd.Timestamp(end or date)}
    if low is not None:
        extra |= {"fatalities_low": low, "fatalities_high": high}
    return ev(event_id, date, side_a, side_b, etype="Battles" if violence != "One-sided violence"
              else "Violence against civilians", sub=violence, fatalities=fatalities, **extra, **kw)


def frame(*rows, name=None):
    out = pd.DataFrame(list(rows))
    if name:
        out["dataset"] = name
    return out


def pairs(matches):
    return sorted(zip(matches["event_id_a"], matches["event_id_b"]))


# --- windows that respect each record's precision ---------------------------------------------------


def test_time_window_widens_with_time_precision():
    a = frame(ev("A1", "2024-07-20", ARMY, CSP))
    b = frame(ev("B1", "2024-07-25", GOV, "CSP"))
    assert match_events(a, b, names=["ACLED", "UCDP"], days=1).empty  # 5 days apart, both to the day
    assert match_events(a, b, names=["ACLED", "UCDP"], days=5).shape[0] == 1
    week = frame(ev("A1", "2024-07-20", ARMY, CSP, tp=2))  # known only to the week: +-7 days
    m = match_events(week, b, names=["ACLED", "UCDP"], days=1)
    assert pairs(m) == [("A1", "B1")] and m["days"].iloc[0] == 5
    month = frame(ev("A1", "2024-07-01", ARMY, CSP, tp=3))  # known only to the month: +-31 days
    assert match_events(month, frame(ev("B1", "2024-07-28", GOV, "CSP")), names=["a", "b"]).shape[0] == 1
    assert match_events(month, frame(ev("B1", "2024-08-05", GOV, "CSP")), names=["a", "b"]).empty


def test_place_window_widens_with_geo_precision():
    a = frame(ev("A1", "2024-07-25", ARMY, CSP, lat=19.943, lon=2.702))
    far = frame(ev("B1", "2024-07-25", GOV, "CSP", lat=19.943 + 0.27, lon=2.702))  # ~30 km north
    assert match_events(a, far, names=["a", "b"], km=10).empty
    assert match_events(a, far, names=["a", "b"], km=31).shape[0] == 1
    near_region = frame(ev("B1", "2024-07-25", GOV, "CSP", lat=19.943 + 0.27, lon=2.702, gp=2))  # +25 km
    m = match_events(a, near_region, names=["a", "b"], km=10)
    assert pairs(m) == [("A1", "B1")] and 29 < m["km"].iloc[0] < 31
    assert "30.0 km apart" in m["reasons"].iloc[0] or "29.9 km apart" in m["reasons"].iloc[0]


def test_multi_day_events_are_spans_when_date_end_is_there():
    acled = frame(ev("A3", "2024-07-27", ARMY, CSP))
    span = frame(ucdp("U1", "2024-07-25", GOV, "CSP", end="2024-07-27"))
    m = match_events(acled, span, names=["ACLED", "UCDP GED"], days=0)
    assert pairs(m) == [("A3", "U1")] and m["days"].iloc[0] == 0 and "same days" in m["reasons"].iloc[0]
    no_end = span.drop(columns="date_end")
    assert match_events(acled, no_end, names=["ACLED", "UCDP GED"], days=0).empty
    blank_end = span.assign(date_end=pd.NaT)  # an empty end is the start day
    assert match_events(acled, blank_end, names=["ACLED", "UCDP GED"], days=0).empty


# --- one-to-many ----------------------------------------------------------------------------------


def tinzaouaten():
    acled = frame(*[ev(f"A{d}", f"2024-07-{d}", CSP, ARMY, assoc2="Wagner Group", fatalities=f)
                    for d, f in ((25, 20), (26, 15), (27, 12))], name="ACLED")
    ged = frame(ucdp("U1", "2024-07-25", GOV, "CSP", end="2024-07-27", low=40, high=120, fatalities=47),
                ucdp("U2", "2024-07-25", GOV, "JNIM", end="2024-07-27", low=5, high=20, fatalities=10),
                name="UCDP GED")
    curated = frame(ev("MLI-2024-07-25-TIN", "2024-07-25", CSP.split(":")[0], "FAMa",
                       assoc2="Wagner Group; JNIM", fatalities=11), name="curated")
    return acled, ged, curated


def test_daily_rows_and_dyads_each_fit_but_one_record_per_data_set_is_linked():
    acled, ged, curated = tinzaouaten()
    m = match_events(acled, ged)
    # ACLED's three days each fit UCDP's span of the CSP dyad; UCDP's JNIM dyad shares the army with
    # ACLED's first day: all are in the table, but only the best fit of each record is a link
    assert pairs(m) == [("A25", "U1"), ("A25", "U2"), ("A26", "U1"), ("A27", "U1")]
    assert m.set_index("event_id_b").loc["U2", "actors"] == "Government of Mali"
    links = dict(zip(pairs(m), m.sort_values(["event_id_a", "event_id_b"])["link"]))
    # the same first day wins the span (the other days fit as well: they start later)
    assert links == {("A25", "U1"): "same", ("A25", "U2"): "possible", ("A26", "U1"): "possible",
                     ("A27", "U1"): "possible"}
    m3 = match_events(acled, ged, curated)
    assert ("U1", "MLI-2024-07-25-TIN") in pairs(m3) and ("U2", "MLI-2024-07-25-TIN") in pairs(m3)
    events = pd.concat([acled, ged, curated], ignore_index=True)
    groups = match_groups(events, m3).assign(event_id=events["event_id"])
    together = groups.groupby("match_group")["event_id"].agg(sorted).tolist()
    assert sorted(together) == [["A25", "MLI-2024-07-25-TIN", "U1"], ["A26"], ["A27"], ["U2"]]
    assert groups.set_index("event_id").loc["A25", "held_by"] == "ACLED; UCDP GED; curated"
    # never two records of one data set in a group, whatever a third data set's record links
    assert not groups.assign(dataset=events["dataset"]).duplicated(["match_group", "dataset"]).any()


def test_dataset_figures_spread_and_collapse():
    acled, ged, curated = tinzaouaten()
    events = pd.concat([acled, ged, curated], ignore_index=True)
    claims = pd.DataFrame({"event_id": ["MLI-2024-07-25-TIN"] * 3, "claimant": ["CSP-DPA", "CSP-DPA", "Mali army"],
                           "side": ["Wagner", "FAMa", "FAMa"], "killed": pd.array([84, 47, 2], dtype="Int64")})
    groups = match_groups(events, match_events(events))
    figures = group_figures(events, groups)
    battle = figures[figures["match_group"] == groups["match_group"].iloc[0]].set_index("dataset")
    assert battle.loc["ACLED", ["records", "best"]].tolist() == [1, 20]
    assert battle.loc["UCDP GED", ["records", "low", "best", "high"]].tolist() == [1, 40, 47, 120]
    assert battle.loc["curated", "best"] == 11
    assert group_spread(figures).loc[groups["match_group"].iloc[0]] == pytest.approx(47 / 11)
    collapsed = collapse_groups(events, groups, claims, order=["curated", "ACLED", "UCDP GED"])
    assert len(collapsed) == 4  # the battle, ACLED's two later days and UCDP's JNIM dyad
    row = collapsed[collapsed["datasets_held"] == 3].iloc[0]
    assert row["event_id"] == "MLI-2024-07-25-TIN"
    records = row["_datasets"]
    assert [r["dataset"] for r in records] == ["curated", "ACLED", "UCDP GED"]
    assert records[0]["claims"] == [("CSP-DPA", 131), ("Mali army", 2)]
    assert records[2]["fatalities_low"] == 40 and records[2]["fatalities_high"] == 120
    assert coverage_mask(collapsed, min_spread=4).tolist() == (collapsed["datasets_held"] == 3).tolist()
    assert not coverage_mask(collapsed, min_spread=5).any()
    assert coverage_mask(collapsed, only_one=True).tolist() == (collapsed["datasets_held"] == 1).tolist()
    assert "match_group" not in events.columns  # the caller's frame is left alone


# --- actors: aliases, and different actors near each other --------------------------------------


@pytest.mark.parametrize("left, right, date, matched", [
    (ARMY, GOV, "2024-07-25", True),
    ("FAMa", GOV, "2024-07-25", True),
    ("Military Forces of Mali (2020-2021)", GOV, "2021-02-01", True),
    ("Military Forces of Mali (2020-2021)", GOV, "2023-02-01", False),  # not that regime's army any more
    (CSP, "CMA", "2024-07-25", True),
    (CSP, "Azawad Liberation Front", "2024-12-01", True),
    ("CMA", "CSP-DPA", "2018-03-01", False),  # the CSP was formed in May 2021
    ("Azawad Liberation Front", "CMA", "2024-06-01", False),  # the FLA was formed on 30 Nov 2024
    ("Wagner Group", "Wagner", "2024-07-25", True),
    ("JNIM: Group for Support of Islam and Muslims", "JNIM", "2024-07-25", True),
    ("Jama’at Nuṣrat al-Islam wal-Muslimin", "JNIM", "2024-07-25", True),  # accents and quotes folded
    ("Islamic State (Sahel)", "IS", "2024-07-25", True),
])
def test_actor_aliases(left, right, date, matched):
    a = frame(ev("A1", date, left, "Civilians (Mali)", etype="Violence against civilians", sub="Attack"))
    b = frame(ucdp("B1", date, right, "Civilians", violence="One-sided violence"))
    m = match_events(a, b, names=["ACLED", "UCDP GED"])
    assert (len(m) == 1) is matched
    if matched:
        assert m["actors"].iloc[0]


def test_near_in_space_and_time_but_different_actors_is_not_a_match():
    a = frame(ev("A1", "2024-07-25", "JNIM: Group for Support of Islam and Muslims", "Military Forces of Burkina Faso"))
    b = frame(ucdp("B1", "2024-07-25", "IS", "Government of Niger"))
    assert match_events(a, b, names=["ACLED", "UCDP GED"], days=3, km=50).empty
    # ... while the same place and day with one actor in common is
    c = frame(ucdp("B1", "2024-07-25", "Government of Burkina Faso", "JNIM"))
    assert len(match_events(a, c, names=["ACLED", "UCDP GED"])) == 1


def test_civilians_in_common_are_not_enough_but_an_unidentified_group_may_be_anyone():
    a = frame(ev("A1", "2024-03-17", "JNIM", "Civilians (Mali)", etype="Violence against civilians", sub="Attack"))
    other = frame(ucdp("B1", "2024-03-17", "IS", "Civilians", violence="One-sided violence"))
    assert match_events(a, other, names=["a", "b"]).empty
    unknown = frame(ev("B1", "2024-03-17", "Unidentified Armed Group (Mali)", "Civilians (Mali)",
                       etype="Violence against civilians", sub="Attack"))
    m = match_events(a, unknown, names=["a", "b"])
    assert len(m) == 1 and m["actors"].iloc[0] == "Civilians"


def test_event_types_through_the_crosswalk():
    battle = frame(ucdp("B1", "2024-07-25", GOV, "CSP"))
    protest = frame(ev("A1", "2024-07-25", ARMY, CSP, etype="Protests", sub="Peaceful protest"))
    assert match_events(protest, battle, names=["a", "b"]).empty  # no UCDP counterpart
    strike = frame(ev("A1", "2024-07-25", ARMY, CSP, etype="Explosions/Remote violence", sub="Air/drone strike"))
    m = match_events(strike, battle, names=["a", "b"])
    assert len(m) == 1 and "state-based" in m["types"].iloc[0]
    one_sided = frame(ucdp("B1", "2024-07-25", GOV, "CSP", violence="One-sided violence"))
    assert match_events(frame(ev("A1", "2024-07-25", ARMY, CSP)), one_sided, names=["a", "b"]).empty
    cw = load_crosswalk()
    assert cw.mask("Battles", "Armed clash") == 0b011 and cw.mask("Protests", "Peaceful protest") == 0
    assert cw.mask("Battles", "Some new sub-type") == 0b011  # the event type's default


# --- the index finds every pair the windows allow ------------------------------------------------


def test_the_index_misses_no_pair_of_the_brute_force():
    rng = np.random.default_rng(3)
    n = 400

    def random_set(prefix):
        return frame(*[ev(f"{prefix}{k}", pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(rng.integers(0, 60))),
                          "JNIM", ARMY, lat=float(rng.uniform(8, 20)), lon=float(rng.uniform(-8, 8)),
                          tp=int(rng.choice([1, 1, 2, 3])), gp=int(rng.choice([1, 1, 2, 3])))
                       for k in range(n)])

    a, b = random_set("A"), random_set("B")
    ra, rb = (matching._Records(x, nm, load_aliases(), load_crosswalk(), matching._Vocab())
              for x, nm in ((a, "a"), (b, "b")))
    i, j = matching._candidates(ra, rb, 2, 10.0)
    found = set(zip(i.tolist(), j.tolist()))
    ii, jj = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    ii, jj = ii.ravel(), jj.ravel()
    gap = np.maximum(0, np.maximum(ra.start[ii], rb.start[jj]) - np.minimum(ra.end[ii], rb.end[jj]))
    near_t = gap <= 2 + ra.slack_days[ii] + rb.slack_days[jj]
    near_s = matching._great_circle_km(ra, rb, ii, jj) <= 10 + ra.slack_km[ii] + rb.slack_km[jj]
    wanted = set(zip(ii[near_t & near_s].tolist(), jj[near_t & near_s].tolist()))
    assert wanted and wanted <= found
    assert len(found) < n * n / 4  # and it is an index, not all pairs


# --- bad inputs -----------------------------------------------------------------------------------


def test_a_file_without_ids_is_refused():
    acled, ged, _ = tinzaouaten()
    with pytest.raises(MatchError, match="no event_id column"):
        match_events(acled.drop(columns="event_id"), ged)
    blank = acled.copy()
    blank.loc[1, "event_id"] = " "
    with pytest.raises(MatchError, match=r"'ACLED', row 2: event_id is empty"):
        match_events(blank, ged)
    dup = acled.copy()
    dup.loc[2, "event_id"] = "A25"
    with pytest.raises(MatchError, match="duplicate event_id 'A25'"):
        match_events(dup, ged)
    assert issubclass(MatchError, ValueError) and issubclass(MatchError, geo.GeoError)


def test_a_dataset_matched_with_itself_is_refused():
    acled, ged, _ = tinzaouaten()
    with pytest.raises(MatchError, match="given twice"):
        match_events(acled, acled)
    with pytest.raises(MatchError, match="hold the same events"):
        match_events(acled, acled.assign(dataset="ACLED copy"))
    with pytest.raises(MatchError, match="both named 'ACLED'"):
        match_events(acled, ged.assign(dataset="ACLED"))
    with pytest.raises(MatchError, match="two data sets or more"):
        match_events(acled)
    with pytest.raises(MatchError, match="windows"):
        match_events(acled, ged, km=-1)


def test_inputs_are_not_changed_and_fixtures_match():
    acled, _ = geo.read_events(FIXTURES / "acled" / "acled_mali.csv")
    ged, _ = geo.read_events(FIXTURES / "ucdp" / "ged_mali.csv")
    before = acled.copy(), ged.copy()
    m = match_events(acled, ged, names=["ACLED", "UCDP GED"])
    pd.testing.assert_frame_equal(acled, before[0])
    pd.testing.assert_frame_equal(ged, before[1])
    # the Tinzaouaten battle: ACLED's first day within UCDP's 25-27 July span (date_end as UCDP writes it)
    row = m[m["event_id_a"] == "MLI90001"].iloc[0]
    assert row["event_id_b"] == "UCDP-500001" and row["days"] == 0 and "Government of Mali" in row["actors"]
    assert list(m.columns) == matching.MATCH_COLUMNS
    assert 0 < row["score"] <= 1


def test_alias_table_file_errors(tmp_path):
    bad = tmp_path / "aliases.csv"
    bad.write_text("actor,alias,valid_from\nX,Y,soon\n", encoding="utf-8")
    with pytest.raises(geo.DataError, match=r"row 1, field 'valid_from'.*not a date"):
        load_aliases(bad)
    assert fold("  Forces Armées Maliennes ") == "forces armees maliennes"


def test_an_actor_filter_finds_each_data_sets_spelling():
    from geo.matching.crosswalk import same_actor

    names = [ARMY, GOV, "JNIM", "JNIM: Group for Support of Islam and Muslims", "CSP", CSP, "Wagner Group",
             "Civilians (Mali)", "Armed Group 1", "ARMED GROUP 1"]
    assert same_actor([GOV], names) == [ARMY, GOV]
    assert same_actor(["JNIM"], names) == ["JNIM", "JNIM: Group for Support of Islam and Muslims"]
    assert same_actor([CSP], names) == ["CSP", CSP]
    assert same_actor(["Armed Group 1"], names) == ["Armed Group 1", "ARMED GROUP 1"]  # same folded name
    assert same_actor([], names) == []
