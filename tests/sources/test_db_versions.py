"""A PostGIS database's data set keeps every version, as a local store's does (``geo.sources.dbversions``): as-of
links, the notice of newer data, what changed since a day and each event's revisions, on a real server."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest
from conftest import ROOT

import geo
from geo.db import history as dbhistory
from geo.db.postgis import PostgisSource
from geo.sources.dataset import Dataset
from geo.sources.dbversions import DatabaseHistory, db_states
from geo.sources.versioned import as_of, changed_events, link_asof, newer_data, open_view
from geo.versions.history import History
from geo.view import View


@pytest.fixture
def db(pg_url):
    src = PostgisSource(pg_url)
    src.init()
    src.load(ROOT / "data" / "events.csv", claims_path=ROOT / "data" / "claims.csv")
    loaded_days_ago(pg_url)
    return pg_url


def loaded_days_ago(url, days: int = 3) -> None:
    """The load made ``days`` days ago (a test's versions would all fall on one day otherwise)."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE versions SET created = created - make_interval(days => %s)", (days,))


def sync(url, revise: str, delete: str, *, add: bool = True):
    """A sync written into the database in one transaction (one version): one event revised (7 more dead,
    moved), one deleted, one added."""
    with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
        dbhistory.begin_version(conn, "sync ACLED")
        conn.execute("UPDATE events SET fatalities = fatalities + 7, latitude = latitude + 0.01 "
                     "WHERE event_id = %s", (revise,))
        conn.execute("DELETE FROM events WHERE event_id = %s", (delete,))
        if add:
            conn.execute("INSERT INTO events (event_id, event_date, event_type, actor1, country, location, "
                         "latitude, longitude, fatalities, source) SELECT 'NEW-1', event_date, event_type, "
                         "actor1, country, 'Newplace', latitude, longitude, 1, source FROM events "
                         "WHERE event_id = %s", (revise,))


def test_a_database_data_set_is_versioned(db):
    data = Dataset.from_postgis(db)
    assert isinstance(data.history, DatabaseHistory)
    assert data.shown_version == data.history.latest == 1
    assert list(data.history.versions["source"]) == ["db load: events.csv"]
    assert data.vocabulary.versions == (data.history.created(1).to_pydatetime(),)
    # its fingerprint is the database's own: the same as the page that never holds the events
    assert data.vocabulary.fingerprint == PostgisSource(db).fingerprint()


def test_a_link_on_a_database_shows_what_the_sharer_saw(db):
    data = Dataset.from_postgis(db)
    view, _, shown_data = open_view("actor=JNIM", data)
    assert shown_data is data
    view = View(filter=view.filter, asof=link_asof(data, False), dataset=data.vocabulary.fingerprint)
    link = geo.view_to_link(view)
    shown = geo.filter_events(data.events, view.filter)
    figures = geo.summarize(shown)
    revised, deleted = shown["event_id"].iloc[0], shown["event_id"].iloc[1]
    sync(db, revised, deleted)

    later = Dataset.from_postgis(db)
    assert later.shown_version == 2 and later.vocabulary.fingerprint != data.vocabulary.fingerprint
    opened, warnings, opened_data = open_view(link, later)
    assert warnings == []  # the sharer's fingerprint: no "other data" warning
    assert opened_data.shown_version == 1 and opened_data.vocabulary.fingerprint == view.dataset
    again = geo.filter_events(opened_data.events, opened.filter)
    assert sorted(again["event_id"]) == sorted(shown["event_id"])
    assert geo.summarize(again) == figures
    notice = newer_data(opened_data, again)
    assert notice["changed"] == 2 and notice["version"] == 2 and notice["added"] == 1
    current = geo.filter_events(later.events, opened.filter)
    assert geo.summarize(current)["fatalities"] == figures["fatalities"] + 7 - int(
        shown.set_index("event_id").loc[deleted, "fatalities"])
    assert newer_data(later, current) is None
    assert as_of(later, 1) is as_of(later, 1) is opened_data  # read once per version
    assert as_of(opened_data, 2) is later
    # the claims of that version's events only
    assert set(opened_data.claims["event_id"]) <= set(opened_data.events["event_id"])


def test_what_changed_and_each_revision_from_the_database(db):
    data = Dataset.from_postgis(db)
    ids = sorted(data.events["event_id"])
    sync(db, ids[0], ids[1])
    later = Dataset.from_postgis(db)
    day = later.history.created(2).date()
    marked = changed_events(later, day).set_index("event_id")
    assert marked["change"].to_dict() == {ids[0]: "revised", ids[1]: "deleted", "NEW-1": "added"}
    assert marked.loc["NEW-1", "region"]  # enriched as the data set's events are
    assert marked.loc[ids[1], "change_source"] == "sync ACLED"
    assert changed_events(later, day + dt.timedelta(days=1)).empty
    revs = later.history.revisions(ids[0])
    assert [r["change"] for r in revs] == ["added", "revised"]
    assert {f for f, _, _ in revs[1]["fields"]} == {"fatalities", "latitude"}
    assert [r["change"] for r in later.history.revisions(ids[1])] == ["added", "deleted"]
    changes = later.history.changes(1)
    assert sorted(changes["change"]) == ["added", "deleted", "revised", "revised"]


def test_the_database_history_equals_the_whole_states_history(db):
    """Each question asked of the rows after a version answers as the whole table of states does."""
    data = Dataset.from_postgis(db)
    ids = sorted(data.events["event_id"])
    sync(db, ids[0], ids[1])
    sync(db, ids[0], ids[2], add=False)  # revised twice
    hist = DatabaseHistory(PostgisSource(db))
    whole = History(hist.versions, db_states(hist.src))
    assert len(hist.versions) == 3
    for since in (None, 1, 2, 3):
        got, want = hist.changed_since(since), whole.changed_since(since)
        key = ["event_id", "change", "change_version"]
        assert got[key].sort_values(key).values.tolist() == want[key].sort_values(key).values.tolist()
        assert hist.changes(since).equals(whole.changes(since))
    assert hist.changed_since(1, 2)["event_id"].tolist() != []
    assert hist.changed_since(1) is hist.changed_since(1)  # kept: a page asks it at every run
    assert [r["change"] for r in hist.revisions(ids[0])] == ["added", "revised", "revised"]
    assert hist.revisions(ids[0]) == whole.revisions(ids[0])


def test_the_page_of_a_database_is_versioned_and_an_older_version_holds_its_events(db):
    from geo.sources.dataset import LiveDataset

    live = LiveDataset(db, pushdown=True)
    page = live.current()
    assert not hasattr(page, "events") and page.shown_version == 1
    ids = sorted(Dataset.from_postgis(db).events["event_id"])
    sync(db, ids[0], ids[1])
    live.check_every = 0
    page = live.current()
    assert page.shown_version == 2 and page.history.latest == 2
    old = as_of(page, 1)
    assert old.shown_version == 1 and ids[1] in set(old.events["event_id"]) and old.version == page.version
    now = as_of(page, 2, in_memory=True)  # the newest, holding its events (a "changed since" view)
    assert now.shown_version == 2 and ids[1] not in set(now.events["event_id"])
    assert as_of(page, 2) is page


def test_a_sync_into_the_database_is_a_version_named_by_its_source(db):
    """A sync (``geo.db.upsert.DatabaseSink``) writes one version named as a store's ("ACLED"), and its deleted
    events say "deleted from ACLED"; a change by hand names no source."""
    from geo.db.upsert import DatabaseSink

    events = geo.load_events()
    sink = DatabaseSink(db, "acled", "delta")
    sink.add(events.iloc[[3]].assign(fatalities=events["fatalities"].iloc[3] + 2))
    sink.delete([events["event_id"].iloc[4]])
    sink.commit({}, {})
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute("DELETE FROM events WHERE event_id = %s", (events["event_id"].iloc[5],))
    data = Dataset.from_postgis(db)
    v = data.history.versions
    assert list(v["source"]) == ["db load: events.csv", "ACLED", "by hand"]
    assert list(zip(v["added"], v["revised"], v["deleted"]))[1:] == [(0, 1, 1), (0, 0, 1)]
    marked = data.history.changed_since(1).set_index("event_id")
    assert marked.loc[events["event_id"].iloc[4], "change_source"] == "ACLED"
    assert marked.loc[events["event_id"].iloc[5], "change_source"] == ""


def test_the_command_line_on_a_versioned_database(db, pg_server):
    """``python -m geo versions --data postgresql://…`` lists them; a snapshot of a link's ``asof`` shows that
    version's events; the password is never printed."""
    import subprocess
    import sys

    import pandas as pd

    data = Dataset.from_postgis(db)
    jnim = geo.filter_events(data.events, geo.EventFilter(actors=["JNIM"]))
    asof = link_asof(data, False).strftime("%Y-%m-%dT%H:%M:%SZ")
    sync(db, jnim["event_id"].iloc[0], jnim["event_id"].iloc[1])

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "geo", *map(str, args)], capture_output=True, text=True,
                              cwd=ROOT, check=False)

    done = cli("versions", "--data", db)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split("\t")[2:] for line in lines[1:3]] == [["db load: events.csv", "45", "0", "0"],
                                                              ["sync ACLED", "1", "1", "1"]]
    assert lines[-1] == "2 versions" and lines[1].split("\t")[1] == asof
    out = ROOT / "tests" / f"_db_asof_{abs(hash(db))}.csv"
    try:
        done = cli("snapshot", f"asof={asof}&actor=JNIM", "--data", db, "-o", out)
        assert done.returncode == 0 and done.stderr == "", done.stderr
        got = pd.read_csv(out)
        assert sorted(got["event_id"]) == sorted(jnim["event_id"])
        assert got["fatalities"].sum() == jnim["fatalities"].sum()
        meta = out.with_name(out.name + "-metadata.json").read_text()
        assert "asof=" + asof.replace(":", "%3A") in meta  # its share link names the version
    finally:
        out.unlink(missing_ok=True)
        out.with_name(out.name + "-metadata.json").unlink(missing_ok=True)
    assert pg_server.password not in done.stdout + done.stderr
