"""ACLED's aggregated data (issue 25): counts per region and week or month are recognised, read for what they
are (never as events) and shown as region totals, a chart of the counts and the filters that apply."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import geo
from conftest import FIXTURES, ROOT
from geo.io.aggregated import AggregatedDataError, counts_by_period, filter_aggregated, region_totals
from geo.io.readers import read_aggregated
from geo.webmap.totals import totals_map

AGG = FIXTURES / "aggregated"
WEEKLY, MONTHLY = AGG / "acled_aggregated_weekly.csv", AGG / "hdx_acled_admin1_monthly.csv"


def test_read_events_refuses_counts_and_says_what_they_are():
    for path, period in ((WEEKLY, "week"), (MONTHLY, "month")):
        with pytest.raises(AggregatedDataError) as err:
            geo.read_events(path)
        assert f"ACLED aggregated data (numbers of events per region and {period}), not single events" in str(err.value)
        assert isinstance(err.value, ValueError) and str(path) in str(err.value)


def test_acled_weekly_counts_are_read_with_their_centroids():
    agg = read_aggregated(WEEKLY)
    assert (agg.period, agg.rows_read, len(agg.table), agg.measures) == ("week", 8, 7, ("events", "fatalities"))
    assert agg.rejected.to_dict("records") == [{"row": 8, "reason": "count not a whole number of at least 0"}]
    assert (agg.first, agg.last) == (dt.date(2024, 7, 20), dt.date(2024, 8, 9))
    assert agg.table["events"].sum() == 14 and agg.table["fatalities"].sum() == 167
    totals = region_totals(agg.table).set_index("admin1")
    assert totals.loc["Kidal", ["events", "fatalities"]].tolist() == [6, 139]
    assert totals.loc["Kidal", ["latitude", "longitude"]].tolist() == [19.6512, 1.4089]
    assert list(totals.index) == ["Kidal", "Mopti", "Gao", "Tombouctou"]  # most events first
    assert "ACLED" in agg.attribution


def test_hdx_monthly_counts_with_their_hxl_row():
    agg = read_aggregated(MONTHLY)
    assert (agg.period, agg.rows_read, len(agg.table), agg.measures) == ("month", 6, 5, ("events",))
    assert agg.rejected.to_dict("records") == [{"row": 6, "reason": "month 'Smarch' unreadable"}]
    assert (agg.first, agg.last) == (dt.date(2023, 1, 1), dt.date(2023, 2, 28))
    totals = region_totals(agg.table)
    assert dict(zip(totals["admin1"], totals["events"])) == {"Kabul": 23, "Panjshir": 16, "Helmand": 3}
    assert totals["latitude"].isna().all()  # HDX gives no centroid: the table has them, the map does not


def test_the_filters_that_apply_period_type_region_and_the_chart():
    table = read_aggregated(WEEKLY).table
    assert filter_aggregated(table, start="2024-07-27")["events"].sum() == 11
    assert filter_aggregated(table, end="2024-07-27", event_types=["Battles"])["events"].sum() == 5
    assert filter_aggregated(table, regions=["Kidal"])["fatalities"].sum() == 139
    chart = counts_by_period(table)
    assert chart.loc[pd.Timestamp("2024-07-27"), "Battles"] == 3 and chart.to_numpy().sum() == 14
    assert table is not filter_aggregated(table) or True  # never changes the caller's table
    assert len(table) == 7


def test_the_map_draws_region_totals_not_events():
    agg = read_aggregated(WEEKLY)
    totals = region_totals(agg.table)
    page = totals_map(totals, geo.load_layers(), attribution=agg.attribution).get_root().render()
    assert page.count("circle_marker") >= 4 and "Kidal, Mali: 6 events, 139 fatalities" in page
    assert "event-marker" not in page and "ACLED" in page


def test_the_dashboard_shows_aggregated_data_for_what_it_is(monkeypatch):
    monkeypatch.setenv("GEO_EVENTS", str(WEEKLY))
    monkeypatch.delenv("GEO_CLAIMS", raising=False)
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    why = " ".join(i.value for i in at.info)
    assert "numbers of events and fatalities per region and week, not single events" in why
    assert "event popups, claims and matching across data sets need single events" in why
    assert [m.value for m in at.metric][:2] == ["14", "167"]
    assert at.title[0].value.endswith("Mali")
    assert not at.get("download_button")  # no event exports, no event picker
    assert not [s for s in at.selectbox if "Open an event" in s.label]
    # the filters that apply
    labels = [w.label for w in at.sidebar.multiselect]
    assert "Event types" in labels and "Regions" in labels and "Actors" not in labels
    at.sidebar.multiselect(key="agg_regions").select("Kidal").run()
    assert [m.value for m in at.metric][:2] == ["6", "139"]


def test_the_rejected_rows_and_the_refusal_are_said_in_french():
    from geo.errors import localized_error
    from geo.i18n import use_language
    from geo.io.report import localized_reason

    reasons = list(read_aggregated(WEEKLY).rejected["reason"]) + list(read_aggregated(MONTHLY).rejected["reason"])
    with use_language("fr"):
        assert [localized_reason(r) for r in reasons] == ["décompte qui n'est pas un nombre entier d'au moins 0",
                                                          "month «\u202fSmarch\u202f» illisible"]
        with pytest.raises(AggregatedDataError) as err:
            geo.read_events(WEEKLY)
        assert "données agrégées de l'ACLED" in localized_error(err.value)
