"""The dashboard on a PostGIS database (a real server: the pg_server fixture), through AppTest."""

from __future__ import annotations

import datetime as dt
import re
import time

import psycopg
import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from geo.db.postgis import PostgisSource

APP = str(ROOT / "dashboard" / "app.py")


def start(monkeypatch, url) -> AppTest:
    monkeypatch.setenv("GEO_EVENTS", url)
    monkeypatch.delenv("GEO_CLAIMS", raising=False)
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    assert not at.exception, at.exception
    return at


def shown(at: AppTest) -> int:
    return int({m.label: m.value for m in at.metric}["Events shown"].replace(",", ""))


@pytest.fixture()
def loaded_url(pg_url):
    src = PostgisSource(pg_url)
    src.init()
    src.load(ROOT / "data" / "events.csv", claims_path=ROOT / "data" / "claims.csv")
    return pg_url


def test_the_app_reads_the_database_and_sees_a_new_event(monkeypatch, loaded_url, pg_server):
    at = start(monkeypatch, loaded_url)
    assert shown(at) == 45 and not at.error
    link = at.query_params.get("data") or []
    with psycopg.connect(loaded_url, autocommit=True) as other:  # another analyst adds an event
        other.execute("INSERT INTO events (event_id, event_date, event_type, actor1, country, location, latitude,"
                      " longitude, fatalities) VALUES (%s, %s, 'Battles', 'JNIM', 'Mali', 'Kidal', 18.44, 1.41, 2)",
                      ("LIVE-APP-1", dt.date(2024, 8, 2)))
    deadline = time.monotonic() + 10
    while shown(at) == 45 and time.monotonic() < deadline:
        time.sleep(1)
        at.run()  # what the page's 5 s check does in a browser (test_deploy drives that one)
    assert shown(at) == 46, "the new event did not appear within 10 s"
    assert (at.query_params.get("data") or []) != link  # the share link's data fingerprint follows
    about = re.sub(r"\\(.)", r"\1", " ".join(e.value for e in at.markdown))  # markdown escapes off
    assert pg_server.password not in about and "***" in about


def test_a_refused_password_is_a_message(monkeypatch, pg_server, loaded_url):
    at = start(monkeypatch, pg_server.url_for(password="Wrong-Pa55word", database=loaded_url.rsplit("/", 1)[1]))
    assert at.error and "refused the user name or password" in at.error[0].value
    assert "Wrong-Pa55word" not in at.error[0].value


def test_a_database_without_the_schema_is_a_message(monkeypatch, pg_url):
    at = start(monkeypatch, pg_url)
    assert at.error and "no events table yet" in at.error[0].value and "geo db init" in at.error[0].value


def test_a_database_gone_mid_session_is_a_warning_and_the_last_events_stay(monkeypatch, pg_server, loaded_url):
    at = start(monkeypatch, loaded_url)
    assert shown(at) == 45
    name = loaded_url.rsplit("/", 1)[1]
    with psycopg.connect(pg_server.admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    time.sleep(3.5)  # past the data set's check interval
    at.run()
    assert not at.exception
    assert shown(at) == 45
    assert at.warning and "Showing the events as last read" in at.warning[0].value
    assert pg_server.password not in at.warning[0].value


def test_the_app_opens_the_database_of_secrets_toml(monkeypatch, loaded_url):
    """[connections.events] url = "postgresql://…" in .streamlit/secrets.toml, through st.connection."""
    monkeypatch.delenv("GEO_EVENTS", raising=False)
    monkeypatch.delenv("GEO_CLAIMS", raising=False)
    at = AppTest.from_file(APP, default_timeout=90)
    at.secrets["connections"] = {"events": {"url": loaded_url, "check_every": 1}}
    at.run()
    assert not at.exception and not at.error
    assert shown(at) == 45


@pytest.fixture()
def synthetic_url(pg_url):
    """6,000 synthetic events: past the markers (cells counted in the database) and past a table page."""
    import geo
    from geo.bench.synthetic import synthetic_events

    src = PostgisSource(pg_url)
    src.init()
    src.bulk_load([geo.compact_events(geo.enrich(synthetic_events(6_000, seed=11), geo.load_layers()))])
    return pg_url


def figures(at: AppTest) -> dict:
    return {m.label: m.value for m in at.metric}


def test_the_app_asks_the_database_and_equals_memory(monkeypatch, synthetic_url):
    """Pushed down: the metrics, the chart's data and the table page are the database's answers, and
    equal what the same events give in memory (the file path's functions)."""
    import geo

    mem = PostgisSource(synthetic_url).events()
    at = start(monkeypatch, synthetic_url)
    assert not at.error
    for flt, act in ((geo.EventFilter(), None),
                     (geo.EventFilter(min_fatalities=5), lambda: at.number_input(key="min_fatalities").set_value(5)),
                     (geo.EventFilter(min_fatalities=5, actors=["JNIM"]),
                      lambda: at.multiselect(key="actors").set_value(["JNIM"]))):
        if act:
            act()
            at.run()
            assert not at.exception, at.exception
        want = geo.summarize(geo.filter_events(mem, flt))
        got = figures(at)
        assert got["Events shown"] == f"{want['events']:,}" and got["Fatalities (conservative)"] == \
            f"{want['fatalities']:,}" and got["Places"] == f"{want['locations']:,}"
        table = at.dataframe[-1].value
        shown = geo.filter_events(mem, flt)
        newest = shown.nlargest(5000, "event_date") if len(shown) > 5000 else shown
        assert table["event_id"].tolist() == newest["event_id"].tolist()
        page = [c.value for c in at.caption if "A page of the result" in c.value]
        assert bool(page) == (len(shown) > 5000)
    sel = at.session_state["db_selection"][1]  # the session holds the view's selection, never all events
    assert sel.count == len(geo.filter_events(mem, flt)) and "memo_shown" not in at.session_state
    at.number_input(key="min_fatalities").set_value(0)
    at.multiselect(key="actors").set_value([])
    at.run()
    assert at.session_state["db_selection"][1].rows is None  # 6,000 events: cells, no rows fetched
