"""A PostGIS database's answers as of an older version (geo.db.asof): the summaries corrected by the later versions'
changes give, for every typical filter and every version, exactly what the plain union of the events and their
history valid at that version gives (and what the same events give in memory), after revisions, deletions, new
events and an event revised twice; on the real server."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import psycopg
import pytest
from test_pushdown import check_cells, check_figures

import geo
from geo.bench.synthetic import synthetic_events
from geo.db import cells, history, pushdown
from geo.db.postgis import EVENT_COLUMNS_SQL, PostgisSource
from geo.db.sql import _copy
from geo.webmap.aggregate import view_bounds

FILTERS = [
    geo.EventFilter(),
    geo.EventFilter(actors=["JNIM"]),
    geo.EventFilter(start="2023-01-01", end="2023-03-31"),
    geo.EventFilter(event_types=["Battles"], regions=["Region 03"]),
    geo.EventFilter(min_fatalities=5),
    geo.EventFilter(actors=["JNIM"], event_types=["Battles", "Riots"]),
    geo.EventFilter(actors=["JNIM", "Wagner Group"]),  # not in the summaries: the union answers
]
IDS = [" ".join(f.describe()) or "none" for f in FILTERS]
TWICE = "SYN0000011"  # revised in versions 2 and 3


@pytest.fixture(scope="module")
def db(pg_server):
    """4,000 synthetic events loaded (version 1), then three versions: revisions of every kind and deletions (2);
    new events, the same event revised again and more deletions (3); a new event deleted and a move (4)."""
    url = pg_server.create_database("t_asof")
    src = PostgisSource(url)
    src.init()
    layers = geo.load_layers()
    frame = geo.compact_events(geo.enrich(synthetic_events(4_000, seed=5), layers))
    src.bulk_load([frame], attribution="Synthetic")
    extra = geo.compact_events(geo.enrich(synthetic_events(300, seed=6), layers))
    extra["event_id"] = [f"NEW{i:05d}" for i in range(len(extra))]
    ids = sorted(frame["event_id"])
    with psycopg.connect(url, autocommit=True) as conn:
        with conn.transaction():
            history.begin_version(conn, "sync 2")
            conn.execute("UPDATE events SET fatalities = fatalities + 3 WHERE event_id = ANY(%s)", (ids[0:400:2],))
            conn.execute("UPDATE events SET latitude = latitude + 0.7, longitude = longitude - 0.4 "
                         "WHERE event_id = ANY(%s)", (ids[1:400:4] + [TWICE],))
            conn.execute("UPDATE events SET event_type = 'Riots', admin1 = 'Region 03' WHERE event_id = ANY(%s)",
                         (ids[400:600:3],))
            conn.execute("UPDATE events SET actor1 = 'JNIM' WHERE event_id = ANY(%s)", (ids[600:700],))
            conn.execute("UPDATE events SET event_date = '2023-02-01' WHERE event_id = ANY(%s)", (ids[700:800],))
            conn.execute("DELETE FROM events WHERE event_id = ANY(%s)", (ids[800:900],))
        with conn.transaction():
            history.begin_version(conn, "sync 3")
            conn.execute("UPDATE events SET fatalities = fatalities + 20, actor2 = 'JNIM' WHERE event_id = %s",
                         (TWICE,))
            conn.execute("DELETE FROM events WHERE event_id = ANY(%s)", (ids[900:950] + ids[0:10],))
        with conn.transaction():  # new events, written as a sync writes them
            history.begin_version(conn, "sync 3b")
            _copy(conn, "events", extra, EVENT_COLUMNS_SQL)
        with conn.transaction():
            history.begin_version(conn, "sync 4")
            conn.execute("DELETE FROM events WHERE event_id = ANY(%s)", (list(extra["event_id"][:30]),))
            conn.execute("UPDATE events SET longitude = longitude + 2.5 WHERE event_id = ANY(%s)", (ids[1000:1100],))
    return src


def versions(db) -> list[int]:
    return [int(v) for v in db.run(history.versions)["id"]]


def plain(src: PostgisSource) -> PostgisSource:
    """``src`` answered without the summaries: the plain union of ``geo.db.history.asof_from``, scanned."""
    src.__dict__["_summaries"] = (False, time.monotonic() + 1e9)
    return src


def test_every_version_after_the_first_has_its_changes_counted(db):
    vs = versions(db)
    assert len(vs) == 5
    done = db.run(lambda conn: [r[0] for r in conn.execute("SELECT version_id FROM delta_versions ORDER BY 1")])
    assert done == vs[1:]  # counted at each version's commit, by the deferred trigger
    for v in vs:
        assert cells.summaries_ready(db.as_of(v))
    twice = db.run(lambda conn: history.revisions(conn, TWICE))
    assert len(twice) == 3 and list(twice["valid_to"][:2]) == vs[1:3]


@pytest.mark.parametrize("flt", FILTERS, ids=IDS)
def test_figures_and_rows_as_of_each_version_equal_the_union(db, flt):
    for v in versions(db):
        src, ref = db.as_of(v), plain(db.as_of(v))
        mem = ref.events()  # the union's rows
        served = [t for t in ("sum_days", "sum_regions", "sum_cells", "sum_actor_days")
                  if cells._summary(src, flt, t) is not None]
        assert bool(served) == (len(flt.actors) < 2)  # the corrected summaries answer, not the union
        check_figures(src, mem, flt)  # the figures, places, timeline, regions and table of those rows
        got, want = pushdown.Selection(src, flt), pushdown.Selection(ref, flt)
        assert (got.count, got.figures, got.places) == (want.count, want.figures, want.places)
        pd.testing.assert_frame_equal(got.timeline("M"), want.timeline("M"))
        pd.testing.assert_frame_equal(got.region_counts().sort_index(), want.region_counts().sort_index())
        assert (got.rows is None) == (want.rows is None) == (got.count > pushdown.ROW_LIMIT)
        if got.rows is not None:  # drawn as markers
            assert got.rows[["event_id", "fatalities", "latitude"]].values.tolist() == \
                want.rows[["event_id", "fatalities", "latitude"]].values.tolist()


@pytest.mark.parametrize("flt", FILTERS, ids=IDS)
@pytest.mark.parametrize("zoom,center", [(3, (17.5, -4.0)), (6, (17.5, -2.0)), (9, (16.0, -3.0))])
def test_cells_as_of_each_version_equal_the_union(db, flt, zoom, center):
    for v in versions(db):
        src, ref = db.as_of(v), plain(db.as_of(v))
        check_cells(src, ref.events(), flt, zoom, center)
        got = cells.db_lod_cells(src, flt, zoom, view_bounds(center, zoom))
        want = cells.db_lod_cells(ref, flt, zoom, view_bounds(center, zoom))
        assert got[2] == want[2]
        for g, w in zip(got[:2], want[:2]):
            assert g[["cell_x", "cell_y", "events", "fatalities", "dominant"]].values.tolist() == \
                w[["cell_x", "cell_y", "events", "fatalities", "dominant"]].values.tolist()
            np.testing.assert_allclose(g[["lon", "lat"]], w[["lon", "lat"]], rtol=0, atol=1e-9)


def test_the_data_set_as_of_each_version_equals_the_union(db):
    for v in versions(db):
        src, ref = db.as_of(v), plain(db.as_of(v))
        got, want = pushdown.DatabaseDataset.read(src), pushdown.DatabaseDataset.read(ref)
        assert (got.total, got.first, got.last) == (want.total, want.first, want.last)
        assert got.actor_counts.to_dict() == want.actor_counts.to_dict()
        assert got.vocabulary.event_types == want.vocabulary.event_types
        assert src.fingerprint() == ref.fingerprint() == got.vocabulary.fingerprint
        assert (TWICE in got.vocabulary.event_ids) and ("NEW00100" in got.vocabulary.event_ids) == (v >= versions(db)[3])
        assert ("NEW00000" in got.vocabulary.event_ids) == (v == versions(db)[3])  # deleted by the next
    newest = db.as_of(versions(db)[-1])
    assert newest.fingerprint() == db.fingerprint()
    assert pushdown.Selection(newest, FILTERS[0]).figures == pushdown.Selection(db, FILTERS[0]).figures


def test_the_event_revised_twice_shows_each_state(db):
    vs = versions(db)
    states = [pushdown.DatabaseDataset.read(db.as_of(v)).event(TWICE) for v in vs[:3]]
    assert [int(s["fatalities"].iloc[0]) for s in states] == [
        int(states[0]["fatalities"].iloc[0]), int(states[0]["fatalities"].iloc[0]),
        int(states[0]["fatalities"].iloc[0]) + 20]
    assert states[1]["latitude"].iloc[0] == pytest.approx(states[0]["latitude"].iloc[0] + 0.7)
    jnim = geo.EventFilter(actors=["JNIM"])
    assert [TWICE in set(pushdown.Selection(db.as_of(v), jnim).rows["event_id"]) for v in vs[:3]] == [
        TWICE in set(pushdown.Selection(plain(db.as_of(v)), jnim).rows["event_id"]) for v in vs[:3]]


def test_versions_written_before_the_deltas_are_counted_at_init(pg_url):
    src = PostgisSource(pg_url)
    src.init()
    frame = geo.compact_events(geo.enrich(synthetic_events(500, seed=8), geo.load_layers()))
    src.bulk_load([frame])
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("DROP TRIGGER versions_delta ON versions")  # as a database made before geo.db.asof
        conn.execute("UPDATE events SET fatalities = fatalities + 1 WHERE event_id = %s", (frame["event_id"][0],))
        assert conn.execute("SELECT count(*) FROM delta_versions").fetchone()[0] == 0
    want = pushdown.Selection(plain(PostgisSource(pg_url).as_of(1)), geo.EventFilter(min_fatalities=1)).figures
    PostgisSource(pg_url).init()  # counts version 2's changes (and puts the trigger back)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        assert conn.execute("SELECT array_agg(version_id) FROM delta_versions").fetchone()[0] == [2]
    src = PostgisSource(pg_url).as_of(1)
    assert cells.summaries_ready(src)
    assert pushdown.Selection(src, geo.EventFilter(min_fatalities=1)).figures == want


def test_a_kept_server_starts_again_with_its_data_and_a_new_password():
    import shutil
    import tempfile
    from pathlib import Path

    from geo.db.pgserver import missing_binaries

    if missing_binaries():
        pytest.skip(missing_binaries())
    kept = Path(tempfile.mkdtemp(prefix="geo-pg-kept-"))  # in /tmp: the postgres user reaches it
    try:
        _kept_server(kept)
    finally:
        shutil.rmtree(kept, ignore_errors=True)


def _kept_server(kept):
    from geo.db.pgserver import TempPostgres

    server = TempPostgres(root=kept).start()
    try:
        first = server.url
        with psycopg.connect(first, autocommit=True) as conn:
            conn.execute("CREATE TABLE kept (x int); INSERT INTO kept VALUES (28)")
    finally:
        server.stop()
    assert (kept / "data" / "PG_VERSION").exists() and not server.reused
    again = TempPostgres(root=kept).start()
    try:
        assert again.reused
        with psycopg.connect(again.url, autocommit=True) as conn:
            assert conn.execute("SELECT x FROM kept").fetchone()[0] == 28
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(first.replace(f":{server.port}/", f":{again.port}/"), connect_timeout=5)
        assert server.password not in "".join(p.read_text(errors="replace") for p in (kept).glob("*")
                                              if p.is_file())
    finally:
        again.stop()
