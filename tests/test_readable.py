"""Tables and charts in words (geo.a11y.readable) and the conservative figure's explanation (geo.fatalities)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import geo
from geo.fatalities import fatality_note
from geo.a11y.readable import (CLAIM_TITLES, EVENT_TITLES, date_span, exact_span, is_empty, period_ticks,
                          readable_table, timeline_for_chart)

BAD = {"None", "nan", "NaN", "<NA>", "NaT"}


def cells(table: pd.DataFrame) -> list:
    return [v for c in table.columns for v in table[c].tolist()]


def test_readable_table_titles_columns_and_empties_cells():
    frame = pd.DataFrame({
        "event_date": pd.to_datetime(["2024-07-25", "2024-07-26"]),
        "sub_event_type": ["Armed clash", None],
        "assoc_actor_1": [np.nan, "Wagner Group"],
        "fatalities": [31, 0],
        "killed": pd.array([2, None], dtype="Int64"),
        "note": ["x", pd.NA],
        "_datasets": [[{"a": 1}], []],
    })
    before = frame.copy()
    table = readable_table(frame, {**EVENT_TITLES, "killed": "Killed", "note": "Note", "_datasets": "x"})
    assert list(table.columns) == ["Date", "Sub-type", "With side A", "Fatalities (conservative)", "Killed", "Note"]
    assert table["Date"].tolist() == [dt.date(2024, 7, 25), dt.date(2024, 7, 26)]
    assert table["Sub-type"].tolist() == ["Armed clash", ""]
    assert table["With side A"].tolist() == ["", "Wagner Group"]
    assert table["Killed"].tolist() == ["2", ""]
    assert table["Fatalities (conservative)"].dtype == "int64"  # nothing missing: stays a sortable number
    assert not any(v is None or (isinstance(v, float) and np.isnan(v)) or str(v) in BAD for v in cells(table))
    pd.testing.assert_frame_equal(frame, before)  # the caller's frame is untouched


def test_readable_table_of_the_claims(claims):
    own = claims[claims["event_id"] == "MLI-2024-07-25-TIN"]
    table = readable_table(own, CLAIM_TITLES)
    assert list(table.columns) == list(CLAIM_TITLES.values())
    assert "claim_date" not in table.columns and len(table) == len(own)
    assert not any(v is None or str(v) in BAD for v in cells(table))
    assert "" in set(table["Wounded"])  # the claims that give no wounded: empty, not <NA>


def test_a_long_table_says_each_distinct_text_once(monkeypatch):
    """The dashboard's table of 5,000 events repeats its actors, places and types: each text is made once,
    and the table is the one made cell by cell."""
    import geo.a11y.readable as readable

    rows = 5_000
    frame = pd.DataFrame({
        "actor1": pd.Categorical(np.array(["JNIM", "Wagner Group", None, " nan "], dtype=object)[np.arange(rows) % 4]),
        "location": pd.array(np.array(["Gao", "Kidal", "", None], dtype=object)[np.arange(rows) % 4], dtype="str"),
        "notes": np.array(["a <b>", None, "NaN", "c"], dtype=object)[np.arange(rows) % 4],
        "source": [1, 1.0, True, "1"] * (rows // 4),  # not all texts: said cell by cell
    })
    calls = []
    text = readable._text
    monkeypatch.setattr(readable, "_text", lambda v: calls.append(v) or text(v))
    table = readable_table(frame)
    assert len(calls) < 20 + rows  # three text columns: a few distinct texts each; the mixed one per cell
    by_cell = {c: [text(v) for v in frame[c]] for c in frame.columns}
    assert {c.lower().replace(" ", "") : table[c].tolist() for c in table.columns} == {
        c.replace("_", ""): v for c, v in by_cell.items()}
    assert table["Source"].tolist()[:4] == ["1", "1", "True", "1"]


@pytest.mark.parametrize("value, empty", [(None, True), (np.nan, True), (pd.NA, True), (pd.NaT, True), ("", True),
                                          (" nan ", True), ("<NA>", True), (0, False), ("Gao", False),
                                          (False, False)])
def test_is_empty(value, empty):
    assert is_empty(value) is empty


@pytest.mark.parametrize("first, last, by_month, by_day", [
    ("2024-07-25", "2024-07-30", "July 2024", "25–30 July 2024"),
    ("2024-07-01", "2024-07-31", "July 2024", "July 2024"),
    ("2024-07-25", "2024-07-25", "25 July 2024", "25 July 2024"),
    ("2024-04-10", "2024-07-31", "April – July 2024", "10 April – 31 July 2024"),
    ("2024-07-29", "2024-08-04", "July – August 2024", "29 July – 4 August 2024"),
    ("2023-04-10", "2024-12-30", "Apr 2023 – Dec 2024", "10 Apr 2023 – 30 Dec 2024"),
    ("2023-12-25", "2024-01-07", "Dec 2023 – Jan 2024", "25 Dec 2023 – 7 Jan 2024"),
])
def test_date_span_says_a_month_once(first, last, by_month, by_day):
    assert date_span(first, last) == by_month
    assert date_span(dt.date.fromisoformat(first), pd.Timestamp(last), days=True) == by_day
    assert "Jul 2024 – Jul 2024" not in (date_span(first, last), date_span(first, last, days=True))


def test_date_span_without_dates():
    assert date_span(None, None) == "" and exact_span(pd.NaT, "2024-01-01") == ""
    assert exact_span("2024-07-25", "2024-07-27") == "25 July 2024 to 27 July 2024"


def test_one_week_chart_names_its_month(events):
    week = geo.filter_events(events, geo.EventFilter(start="2024-07-22", end="2024-07-28"))
    data = timeline_for_chart(geo.timeline(week, freq="W"), "W")
    assert len(data["period"].unique()) == 1
    assert (data["period_end"] - data["period"]).dt.days.unique().tolist() == [7]  # a bar spans its week
    assert data["label"].iloc[0] == "Week of 22 July 2024"
    ticks, fmt = period_ticks(data["period"].min(), data["period"].max(), "W")
    assert ticks == [pd.Timestamp("2024-07-22")] and "%b" in fmt and "%Y" in fmt


def test_long_charts_tick_by_month(events):
    data = timeline_for_chart(geo.timeline(events, freq="W"), "W")
    ticks, fmt = period_ticks(data["period"].min(), data["period"].max(), "W")
    assert fmt == "%b %Y" and 2 <= len(ticks) <= 8 and all(t.day == 1 for t in ticks)
    months = timeline_for_chart(geo.timeline(events, freq="M"), "M")
    assert months["label"].iloc[0] == "April 2023"
    ticks, fmt = period_ticks(months["period"].min(), months["period"].max(), "M")
    assert fmt == "%b %Y" and len(ticks) <= 8


# --- the conservative figure, explained ---------------------------------------------------------


def test_the_note_follows_the_rule_for_the_battle(events, claims):
    tin = events.set_index("event_id").loc["MLI-2024-07-25-TIN"]
    note = fatality_note("MLI-2024-07-25-TIN", tin["fatalities"], claims)
    assert note.startswith("Conservative:") and "never its enemies' claims" in note
    # 31 = 2 soldiers (the army's own) + 9 rebels (the CSP-DPA's own) + 20 Wagner fighters
    parts = note.split(": ", 2)[-1].rstrip(".").split(" + ")
    assert sorted(parts) == sorted(["2 Military Forces of Mali (FAMa)", "9 CSP-DPA", "20 Wagner Group"])
    assert sum(int(p.split()[0]) for p in parts) == tin["fatalities"] == 31


def test_every_shipped_event_with_claims_is_explained_by_the_rule(events, claims):
    for eid, figure in events.set_index("event_id")["fatalities"].items():
        note = fatality_note(eid, figure, claims)
        if (claims["event_id"] == eid).any():
            assert note.startswith("Conservative:"), (eid, note)
        else:
            assert note == ""


def test_a_figure_not_made_by_the_rule_is_called_the_data_sets_own(claims):
    # an event whose figure the claims do not give by the rule (another data set's figure)
    assert fatality_note("MLI-2024-07-25-TIN", 47, claims) == "The data set's own figure; the claims are not counted into it."
    enemy_only = pd.DataFrame({"event_id": ["E"], "claimant": ["Army"], "claimant_side": ["government"],
                               "side": ["JNIM"], "killed": pd.array([50], dtype="Int64")})
    assert fatality_note("E", 0, enemy_only).endswith("no such count was reported, so 0.")
    assert fatality_note("E", 0, None) == ""


def test_the_popup_explains_the_figure(events, claims):
    tin = events[events["event_id"] == "MLI-2024-07-25-TIN"].iloc[0]
    html = geo.popup_html(tin, claims)
    note = html.split("<div class='muted fig-note'>", 1)[1].split("</div>", 1)[0]
    assert note.startswith("Conservative:") and "20 Wagner Group" in note


def test_table_html_names_each_cell_by_its_row_and_column_and_escapes_the_data():
    from geo.a11y.readable import table_html

    frame = pd.DataFrame({"Month": ["July 2024", "<img src=x onerror=alert(1)>", None],
                          "Battles": [1, 1204, 0], "Note": ["a & b", float("nan"), "`${x}`"]})
    html = table_html(frame, index="Month", caption="Events per month")
    assert html.startswith('<table class="geo-table"><caption>Events per month</caption>')
    assert html.count('<th scope="col">') == 3 and html.count('<th scope="row">') == 3
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html and "a &amp; b" in html
    assert "${" not in html  # no template-literal text
    assert '<td class="num">1,204</td>' in html and '<td class="num">0</td>' in html
    assert html.count("<tr>") == 4 and "nan" not in html and "None" not in html
    with geo.i18n.use_language("fr"):
        assert "1\u202f204" in table_html(frame, index="Month") or "1\u00a0204" in table_html(frame, index="Month")
    # without an index every column is a data column
    assert table_html(frame[["Battles"]]).count('<th scope="row">') == 0
