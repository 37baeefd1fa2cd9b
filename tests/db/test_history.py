"""Every version of a PostGIS database's events kept by triggers (``geo.db.history``), on the real server."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import psycopg
import pytest

from geo.db import history
from geo.db.postgis import PostgisSource
from geo.db.sql import filter_sql
from geo.filters import EventFilter
from conftest import FIXTURES, ROOT


@pytest.fixture
def loaded(pg_url):
    src = PostgisSource(pg_url)
    src.init()
    src.load(FIXTURES / "events_small.csv")
    return pg_url


def _asof(conn, version, flt=None):
    item, params = history.asof_from(version)
    where, more = filter_sql(flt)
    return conn.execute(f"SELECT count(*), coalesce(sum(fatalities), 0) FROM {item} WHERE {where}",
                        params | more).fetchone()


def test_every_change_is_a_version(loaded):
    with psycopg.connect(loaded, autocommit=True) as conn:
        v = history.versions(conn)
        assert list(v["source"]) == ["db load: events_small.csv"] and int(v["added"].iloc[0]) == 5
        ids = [r[0] for r in conn.execute("SELECT event_id FROM events ORDER BY event_id")]
        before = _asof(conn, None)
        conn.execute("UPDATE events SET fatalities = fatalities + 10 WHERE event_id = %s", (ids[0],))  # by hand
        conn.execute("UPDATE events SET notes = notes WHERE event_id = %s", (ids[1],))  # no change: no version
        with conn.transaction():  # a sync: one transaction, named, is one version
            history.begin_version(conn, "sync ACLED")
            conn.execute("DELETE FROM events WHERE event_id = %s", (ids[2],))
            conn.execute("UPDATE events SET latitude = latitude + 0.01 WHERE event_id = %s", (ids[3],))
        v = history.versions(conn)
        assert list(v["source"]) == ["db load: events_small.csv", "by hand", "sync ACLED"]
        assert list(zip(v["added"], v["revised"], v["deleted"])) == [(5, 0, 0), (0, 1, 0), (0, 1, 1)]
        assert _asof(conn, 1) == before
        assert _asof(conn, 2) == (5, before[1] + 10)
        assert _asof(conn, 3) == _asof(conn, None) and _asof(conn, 3)[0] == 4
        revs = history.revisions(conn, ids[0])
        assert list(revs["fatalities"].diff().dropna()) == [10] and revs["valid_to"].iloc[0] == 2
        # a filter as of a version: the deleted event is still there as of version 2
        deleted_type = conn.execute("SELECT event_type FROM events_history WHERE event_id = %s",
                                    (ids[2],)).fetchone()[0]
        flt = EventFilter(event_types=[deleted_type])
        assert _asof(conn, 2, flt)[0] == _asof(conn, 3, flt)[0] + 1
        # each version in a second of its own: a link to the second names exactly one
        assert (v["created"].dt.floor("s").diff().dropna() >= pd.Timedelta(seconds=1)).all()
        for vid, created in zip(v["id"], v["created"]):
            assert history.version_at(conn, created.floor("s").to_pydatetime()) == vid


def test_truncate_keeps_the_events(loaded):
    with psycopg.connect(loaded, autocommit=True) as conn:
        conn.execute("TRUNCATE events")
        v = history.versions(conn)
        assert int(v["deleted"].iloc[-1]) == 5 and _asof(conn, 1)[0] == 5 and _asof(conn, None)[0] == 0


def test_a_database_made_before_versions_gets_a_first_version(pg_url):
    from geo.db.postgis import SCHEMA_SQL

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(SCHEMA_SQL)
        conn.execute("INSERT INTO events (event_id, event_date, event_type, actor1, country, location, latitude, "
                     "longitude, source) VALUES ('OLD-1', '2024-01-01', 'Battles', 'A', 'Mali', 'X', 16, -2, 's')")
    PostgisSource(pg_url).init()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        v = history.versions(conn)
        assert list(v["source"]) == ["before versions were kept"] and int(v["added"].iloc[0]) == 1
        assert _asof(conn, 1)[0] == 1


def test_versions_command_on_a_database(loaded):
    done = subprocess.run([sys.executable, "-m", "geo", "versions", "--data", loaded], capture_output=True,
                          text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split("\t") == ["version", "created (UTC)", "source", "added", "revised", "deleted"]
    assert lines[1].split("\t")[2:] == ["db load: events_small.csv", "5", "0", "0"]
    assert lines[-1] == "1 version"
    assert loaded.split(":")[2].split("@")[0] not in done.stdout + done.stderr  # never the password


def test_a_source_as_of_a_version_answers_for_that_version(loaded):
    """``PostgisSource.as_of(v)``: the count, the events, the cells and the fingerprint of version v, equal to
    what the database answered when v was the newest."""
    from geo.webmap.aggregate import aggregate_events

    src = PostgisSource(loaded)
    before = (src.count(), src.fingerprint(), src.events())
    with psycopg.connect(loaded, autocommit=True) as conn:
        ids = [r[0] for r in conn.execute("SELECT event_id FROM events ORDER BY event_id")]
        with conn.transaction():
            history.begin_version(conn, "sync ACLED")
            conn.execute("UPDATE events SET fatalities = fatalities + 3 WHERE event_id = %s", (ids[0],))
            conn.execute("DELETE FROM events WHERE event_id = %s", (ids[1],))
    old = src.as_of(1)
    assert (old.count(), old.fingerprint()) == before[:2]
    assert src.count() == before[0] - 1 and src.fingerprint() != before[1]
    events = old.events()
    assert list(events["event_id"]) == list(before[2]["event_id"])
    assert events["fatalities"].sum() == before[2]["fatalities"].sum()
    cells = old.cells(None, 6)
    mem = aggregate_events(before[2], 6)
    assert cells["events"].sum() == mem["events"].sum() == before[0]
    assert src.as_of(2).count() == before[0] - 1 and src.as_of(None).relation == "events"
