"""Matching keeps different events apart (issue 24): an ACLED file, a UCDP GED file and the curated set
together. UCDP's battle of 25–27 July 2024 near Tinzaouaten (known to a few days) fits both the curated
battle of 25 July and the curated drone strike on gold miners of 30 July; it is one event with the
battle only, and the drone strike stays an event of its own."""

from __future__ import annotations

import pandas as pd
import pytest

import geo
from conftest import FIXTURES
from geo.matching.crosswalk import types_compatible, type_families, type_masks, load_crosswalk
from geo.matching.groups import drawn_event_id, headline_figure, match_groups
from geo.matching.pairs import match_events
from geo.sources.dataset import Dataset
from geo.webmap.popups import popup_html

MULTI = FIXTURES / "multi"
SOURCES = [f"ACLED={MULTI / 'acled_mali_july2024.csv'}", f"UCDP GED={MULTI / 'ucdp_ged_mali_july2024.csv'}",
           "curated"]
BATTLE, STRIKE, UCDP_BATTLE = "MLI-2024-07-25-TIN", "MLI-2024-07-30-TIN", "UCDP-610001"


@pytest.fixture(scope="module")
def three():
    return Dataset.from_sources(SOURCES, use_cache=False)


def group_of(events, groups, event_id):
    g = groups.loc[events.index[events["event_id"] == event_id][0], "match_group"]
    return set(events.loc[groups["match_group"] == g, "event_id"])


def test_the_battle_and_the_drone_strike_stay_two_events(three):
    events, matches = three.events, three.matches
    groups = match_groups(events, matches)
    # one event with the battle: ACLED's first day, UCDP's span, the curated battle
    assert group_of(events, groups, BATTLE) == {BATTLE, "MLI33102", UCDP_BATTLE}
    # the drone strike: ACLED's and the curated set's records of it, and nothing of the battle
    assert group_of(events, groups, STRIKE) == {STRIKE, "MLI33104"}
    # never two records of one data set in a group
    assert not groups.assign(dataset=events["dataset"].astype(str)).duplicated(["match_group", "dataset"]).any()
    # UCDP's record is near the drone strike in time (known to a few days) and shares the army, but a
    # strike on civilians is one-sided violence, not UCDP's state-based battle: no link at all
    links = matches.set_index(["event_id_a", "event_id_b"])["link"]
    assert (UCDP_BATTLE, STRIKE) not in links.index and links[(UCDP_BATTLE, BATTLE)] == "same"
    assert links[("MLI33103", UCDP_BATTLE)] == "possible"  # ACLED's last day of the battle: UCDP's is linked


def test_no_event_and_no_fatality_is_lost(three):
    drawn = geo.matched_events(three.events, three.matches, three.claims)
    for event_id in (BATTLE, STRIKE, UCDP_BATTLE, "MLI33103", "MLI33104"):
        assert drawn_event_id(drawn, event_id) is not None, event_id
    assert drawn_event_id(drawn, BATTLE) != drawn_event_id(drawn, STRIKE)
    assert drawn_event_id(drawn, "no such id") is None
    # every group is counted once, with its first data set's figure: ACLED's 14 for the battle, the
    # strike's 8, the last day's 9 drawn apart, and every curated event that nobody else holds
    curated = geo.load_events()
    alone = curated[~curated["event_id"].isin([BATTLE, STRIKE])]["fatalities"].sum()
    assert int(drawn["fatalities"].sum()) == alone + 14 + 8 + 9 + 3 + 2 + 5


def test_the_headline_says_whose_figure_and_the_others_range(three):
    drawn = geo.matched_events(three.events, three.matches, three.claims)
    battle = drawn[drawn["event_id"] == drawn_event_id(drawn, BATTLE)].iloc[0].to_dict()
    assert battle["dataset"] == "ACLED" and battle["fatalities"] == 14
    assert headline_figure(battle) == "14 (ACLED); the other data sets: 31 to 40"
    html = popup_html(battle, three.claims)
    assert "14 (ACLED); the other data sets: 31 to 40" in html
    assert "(conservative): 14" not in html  # never ACLED's figure under the curated rule's word
    with geo.i18n.use_language("fr"):
        assert headline_figure(battle) == "14 (ACLED) ; les autres jeux de données : de 31 à 40"
    alone = drawn[drawn["datasets_held"] == 1].iloc[0].to_dict()
    assert headline_figure(alone) is None


def test_possible_links_are_shown_beside_the_event(three):
    drawn = geo.matched_events(three.events, three.matches, three.claims)
    battle = drawn[drawn["event_id"] == drawn_event_id(drawn, BATTLE)].iloc[0].to_dict()
    # ACLED's last day of the battle fits UCDP's span too; UCDP's record is linked to ACLED's first day
    assert [(x["dataset"], x["event_id"]) for x in battle["_possible"]] == [("ACLED", "MLI33103")]
    html = popup_html(battle, three.claims)
    assert "Possibly the same event" in html and "MLI33103" in html and STRIKE not in html
    last_day = drawn[drawn["event_id"] == "MLI33103"].iloc[0].to_dict()
    assert [(x["dataset"], x["event_id"]) for x in last_day["_possible"]] == [("UCDP GED", UCDP_BATTLE)]


def test_the_attribution_names_every_data_set_drawn(three):
    drawn = geo.matched_events(three.events, three.matches, three.claims)
    battle = drawn[drawn["event_id"] == drawn_event_id(drawn, BATTLE)]
    text = three.attribution_of(battle)  # drawn as ACLED's record, held by three data sets
    assert "ACLED" in text and "UCDP" in text and "curated" in text


def test_types_the_crosswalk_calls_two_events_are_never_matched():
    battle = pd.DataFrame([{"event_id": "A1", "event_date": pd.Timestamp("2024-07-30"), "event_type": "Battles",
                            "sub_event_type": "Armed clash", "actor1": "Military Forces of Mali (2021-)", "actor2": "CSP",
                            "latitude": 19.93, "longitude": 2.96}])
    strike = battle.assign(event_id="B1", event_type="Explosions/Remote violence", sub_event_type="Air/drone strike")
    assert match_events(battle, strike, names=["ACLED", "curated"]).empty
    old_style = battle.assign(event_id="B1", event_type="Battle-No change of territory", sub_event_type="")
    assert len(match_events(battle, old_style, names=["ACLED", "curated"])) == 1  # one family, two taxonomies
    on_civilians = strike.assign(event_id="C1", event_type="Violence against civilians", sub_event_type="Attack", actor2="Civilians")
    assert len(match_events(strike.assign(actor2="Civilians"), on_civilians, names=["ACLED", "curated"])) == 1
    ucdp = battle.assign(event_id="U1", sub_event_type="State-based conflict")
    assert len(match_events(strike, ucdp, names=["curated", "UCDP GED"])) == 1  # UCDP: through the crosswalk
    # a strike on civilians is one-sided violence: never UCDP's state-based battle
    on_gold_miners = strike.assign(actor2="Civilians (Mali)")
    assert match_events(on_gold_miners, ucdp, names=["curated", "UCDP GED"]).empty
    one_sided = ucdp.assign(event_type="Violence against civilians", sub_event_type="One-sided violence",
                            actor2="Civilians")
    assert len(match_events(on_gold_miners, one_sided, names=["curated", "UCDP GED"])) == 1
    frame = pd.concat([battle, strike, ucdp], ignore_index=True)
    family, is_ucdp = type_families(frame)
    masks = type_masks(frame, load_crosswalk())
    ok = types_compatible(masks[[0, 0, 1]], masks[[1, 2, 2]], frame["event_type"].to_numpy()[[0, 0, 1]],
                          frame["event_type"].to_numpy()[[1, 2, 2]], family[[0, 0, 1]], family[[1, 2, 2]],
                          is_ucdp[[0, 0, 1]], is_ucdp[[1, 2, 2]])
    assert ok.tolist() == [False, True, True]


def test_a_link_to_any_record_opens_its_group(monkeypatch):
    """``?event=MLI-2024-07-25-TIN`` (the curated record) opens the battle, drawn as ACLED's record."""
    from streamlit.testing.v1 import AppTest

    from conftest import ROOT

    monkeypatch.setenv("GEO_EVENTS", ",".join(SOURCES))
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=90)
    at.query_params["event"] = BATTLE
    at.run()
    assert not at.exception
    headers = [h.value for h in at.header]
    assert any("Tinzaouatene" in h and "Battles" in h for h in headers), headers
    shown = [d.value for d in at.dataframe]
    records = next(t for t in shown if "Record" in t.columns)
    assert set(records["Record"]) == {BATTLE, "MLI33102", UCDP_BATTLE}
    assert at.query_params.get("event") in ("MLI33102", ["MLI33102"])
    panel = " ".join(m.value for m in at.markdown)
    assert "Fatalities: **14 \\(ACLED\\); the other data sets\\: 31 to 40**" in panel  # Markdown-escaped
    assert "onservative fatalities: **14**" not in panel


def test_the_benchmark_counts_these_cases(tmp_path):
    """The matching benchmark's three data sets hold battles followed by strikes on civilians; none is
    merged, no group holds two records of one data set, and its tables go into the README's section."""
    from geo.bench import matching as bench

    sets = bench.synthetic_sets(4000)
    matches = match_events(*sets)
    s = bench.score(*sets, matches=matches)
    merged, strikes = bench.merged_follow_ups(sets, matches)
    assert strikes > 20 and merged == 0 and s["same_set_in_group"] == 0
    assert s["precision"] > 0.98 and s["recall"] > 0.9
    # every match taken as a link (the grouping before issue 24) puts records of one data set together
    assert bench.score(*sets, matches=matches.assign(link="same"))["same_set_in_group"] > 0
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\n{bench.README_START}\nold\n{bench.README_END}\n\nafter\n", encoding="utf-8")
    bench.write_readme(readme, "| new | table |")
    assert readme.read_text(encoding="utf-8") == (f"# x\n\n{bench.README_START}\n| new | table |\n"
                                                  f"{bench.README_END}\n\nafter\n")
