"""The dashboard on a versioned PostGIS database (a real server), through AppTest: a link made on the database's
page, a version written that revises one shown event and deletes another, the link opened (issue 28)."""

from __future__ import annotations

import psycopg
import pytest
import streamlit as st
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from geo.db import history as dbhistory
from geo.db.postgis import PostgisSource

APP = str(ROOT / "dashboard" / "app.py")


@pytest.fixture()
def db(pg_url):
    src = PostgisSource(pg_url)
    src.init()
    src.load(ROOT / "data" / "events.csv", claims_path=ROOT / "data" / "claims.csv")
    with psycopg.connect(pg_url, autocommit=True) as conn:  # loaded three days ago
        conn.execute("UPDATE versions SET created = created - interval '3 days'")
    return pg_url


def write_version(url, revise: str, delete: str) -> None:
    """A sync into the database, one transaction (one version): one event revised (7 more dead), one deleted."""
    with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
        dbhistory.begin_version(conn, "sync ACLED")
        conn.execute("UPDATE events SET fatalities = fatalities + 7 WHERE event_id = %s", (revise,))
        conn.execute("DELETE FROM events WHERE event_id = %s", (delete,))


def app(monkeypatch, url, query: dict) -> AppTest:
    st.cache_resource.clear()  # a new server process: it reads the database again
    monkeypatch.setenv("GEO_EVENTS", url)
    monkeypatch.delenv("GEO_CLAIMS", raising=False)
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def table_ids(at) -> list[str]:
    table = at.dataframe[-1].value  # the database's page shows its rows' own names, a file's page readable ones
    return sorted(table["event_id"] if "event_id" in table else table["Event ID"])


def test_a_link_on_a_database_after_a_new_version(monkeypatch, db, pg_server):
    """Done when, on PostGIS: the same events, figures and fingerprint; the notice; "Show current data"."""
    at = app(monkeypatch, db, {"actor": "JNIM"})
    link = {k: at.query_params[k] for k in at.query_params}
    src = PostgisSource(db)
    created = src.run(dbhistory.versions)["created"].iloc[0]
    assert link["asof"] == created.strftime("%Y-%m-%dT%H:%M:%SZ")  # added by default on a versioned database
    assert link["data"] == src.fingerprint()
    before, ids = metrics(at), table_ids(at)
    assert "memo_shown" not in at.session_state  # the newest version: the database's own page
    shown = src.events()
    shown = shown[shown["event_id"].isin(ids)].sort_values(["event_date", "event_id"])
    revised, deleted = shown["event_id"].iloc[0], shown["event_id"].iloc[1]
    write_version(db, revised, deleted)

    at = app(monkeypatch, db, link)
    assert metrics(at) == before
    assert table_ids(at) == ids
    assert not [w for w in at.warning if "other data" in w.value]  # the sharer's fingerprint
    assert at.query_params["data"] == link["data"] and at.query_params["asof"] == link["asof"]
    notes = [i.value for i in at.info if "Newer data exists" in i.value]
    assert len(notes) == 1 and f"2 of the {len(ids)} events shown have changed" in notes[0]

    at.button(key="show_current").click().run()
    assert not at.exception, at.exception
    after = metrics(at)
    assert after["Events shown"] == str(len(ids) - 1)
    fat = int(shown["fatalities"].sum()) + 7 - int(shown.set_index("event_id").loc[deleted, "fatalities"])
    assert after["Fatalities (conservative)"] == f"{fat:,}"
    assert not [i for i in at.info if "Newer data exists" in i.value]
    assert at.query_params["asof"] != link["asof"] and at.query_params["data"] == src.fingerprint()
    page = " ".join(str(e.value) for e in list(at.markdown) + list(at.info) + list(at.warning) + list(at.caption))
    assert pg_server.password not in page
    # the Versions box: the first version again, as the link showed it
    at.selectbox(key="version_pick").set_value(1).run()
    assert not at.exception, at.exception
    assert metrics(at) == before and at.query_params["asof"] == link["asof"]
    assert [i for i in at.info if "Newer data exists" in i.value]


def test_changed_since_on_a_database(monkeypatch, db):
    """``changed=`` on a database's page: only what changed, each marked; the downloads give the changes."""
    ids = sorted(PostgisSource(db).events()["event_id"])
    write_version(db, ids[0], ids[1])
    day = PostgisSource(db).run(dbhistory.versions)["created"].iloc[-1].strftime("%Y-%m-%d")
    at = app(monkeypatch, db, {"changed": day})
    assert metrics(at)["Events shown"] == "2"
    said = next(c.value for c in at.caption if c.value.startswith("Changed since"))
    assert "0 added" in said and "1 revised" in said and "1 deleted" in said
    assert at.query_params["changed"] == day
    # the database's own page (no changed=): the open event's revisions, read from the database
    at = app(monkeypatch, db, {"event": ids[0]})
    assert "memo_shown" not in at.session_state  # the newest version: asked of the database
    history = [e for e in at.expander if e.label.startswith("Revision history")]
    assert len(history) == 1 and history[0].label == "Revision history (2 versions)"
    text = " ".join(m.value for m in history[0].markdown)
    assert "sync ACLED: revised" in text and "fatalities" in text


def test_a_database_too_large_for_an_older_version_says_so(monkeypatch, db, pg_server):
    """An older version is held in memory: past GEO_DB_MAX_EVENTS the page says why and shows the newest data."""
    at = app(monkeypatch, db, {})
    link = {k: at.query_params[k] for k in at.query_params}
    ids = sorted(PostgisSource(db).events()["event_id"])
    write_version(db, ids[0], ids[1])
    monkeypatch.setenv("GEO_DB_MAX_EVENTS", "10")
    at = app(monkeypatch, db, link)
    said = [w.value for w in at.warning if "could not be shown" in w.value]
    assert len(said) == 1 and "reads at most 10" in said[0] and pg_server.password not in said[0]
    assert metrics(at)["Events shown"] == str(len(ids) - 1)  # the newest data, from the database's page
    assert not [i for i in at.info if "Newer data exists" in i.value]


def test_a_link_opened_before_a_new_version_keeps_its_version(monkeypatch, db):
    """The database changes while the link is open: the page keeps the link's version and says newer data exists
    (a page opened without a link's time follows the database instead)."""
    import time

    at = app(monkeypatch, db, {})
    link = {k: at.query_params[k] for k in at.query_params}
    at = app(monkeypatch, db, link)
    follower = app(monkeypatch, db, {})
    before = metrics(at)
    ids = sorted(PostgisSource(db).events()["event_id"])
    write_version(db, ids[0], ids[1])
    time.sleep(3.5)  # past the data set's check interval
    at.run()
    assert not at.exception, at.exception
    assert metrics(at) == before and at.query_params["asof"] == link["asof"]
    assert [i for i in at.info if "Newer data exists" in i.value]
    follower.run()
    assert metrics(follower)["Events shown"] == str(int(before["Events shown"]) - 1)
    assert follower.query_params["asof"] != link["asof"]
