"""The dashboard through streamlit's AppTest (no browser; st_folium is opaque here)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

import geo
from conftest import FIXTURES, ROOT

APP = str(ROOT / "dashboard" / "app.py")


def run_app(monkeypatch, events_path=None, claims_path=None) -> AppTest:
    for var, value in (("GEO_EVENTS", events_path), ("GEO_CLAIMS", claims_path)):
        if value is None:
            monkeypatch.delenv(var, raising=False)
        else:
            monkeypatch.setenv(var, str(value))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_opens_on_embedded_data(monkeypatch, events):
    at = run_app(monkeypatch)
    m = metrics(at)
    assert m["Events shown"] == str(len(events))
    assert m["Fatalities (conservative)"] == f"{int(events['fatalities'].sum()):,}"
    assert not at.error
    # the sidebar offers every actor, type and region in the data
    actor_options = at.sidebar.multiselect(key="actors").options
    assert len(actor_options) == len(geo.actor_counts(events))
    assert any(o.startswith("Wagner Group (") for o in actor_options)
    assert set(at.sidebar.multiselect(key="regions").options) >= {"Kidal", "Gao", "Tombouctou"}
    # the table lists the events shown, and the map element is there
    assert at.dataframe[0].value.shape[0] == len(events)
    assert any("Made with Natural Earth" in e.value for e in at.markdown)


def test_actor_and_date_filters(monkeypatch, events):
    at = run_app(monkeypatch)
    at.sidebar.multiselect(key="actors").set_value(["Wagner Group"]).run()
    wagner = geo.filter_events(events, geo.EventFilter(actors=["Wagner Group"]))
    assert metrics(at)["Events shown"] == str(len(wagner))
    assert set(at.dataframe[0].value["event_id"]) == set(wagner["event_id"])
    at.sidebar.date_input(key="dates").set_value(("2024-07-01", "2024-07-31")).run()
    both = geo.filter_events(events, geo.EventFilter(actors=["Wagner Group"], start="2024-07-01",
                                                     end="2024-07-31"))
    assert metrics(at)["Events shown"] == str(len(both))
    assert "MLI-2024-07-25-TIN" in set(at.dataframe[0].value["event_id"])


def test_no_match_gives_a_message_not_an_error(monkeypatch):
    at = run_app(monkeypatch)
    at.sidebar.multiselect(key="regions").set_value(["Kidal"])
    at.sidebar.number_input(key="min_fatalities").set_value(100000).run()
    assert not at.exception and not at.error
    assert metrics(at)["Events shown"] == "0"
    assert any("No events match" in i.value for i in at.info)


def test_colour_and_basemap_controls(monkeypatch):
    at = run_app(monkeypatch)
    at.sidebar.radio(key="color_by").set_value("side").run()
    at.sidebar.selectbox(key="basemap").set_value("osm").run()
    assert not at.exception


def test_own_file_through_the_environment(monkeypatch):
    at = run_app(monkeypatch, FIXTURES / "events_small.csv", FIXTURES / "claims_small.csv")
    assert metrics(at)["Events shown"] == "5"
    assert any("events_small.csv" in e.value for e in at.markdown)


def test_bad_file_shows_a_message_naming_file_row_and_field(monkeypatch, tmp_path):
    bad = tmp_path / "bad.csv"
    text = (FIXTURES / "events_small.csv").read_text(encoding="utf-8").replace("16.9563", "north")
    bad.write_text(text, encoding="utf-8")
    at = run_app(monkeypatch, bad)
    assert len(at.error) == 1
    message = at.error[0].value
    assert "bad.csv" in message and "row 4" in message and "field 'latitude'" in message
    assert "Traceback" not in message
