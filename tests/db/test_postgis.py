"""The PostGIS source against a real PostgreSQL 15 + PostGIS 3 server (the ``pg_server`` fixture)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import psycopg
import pytest

import geo
from geo.bench.synthetic import synthetic_events
from geo.errors import DatabaseError
from geo.db import postgis, sql
from geo.sources.dataset import Dataset
from geo.db.postgis import PostgisSource

from conftest import FIXTURES, ROOT


@pytest.fixture(scope="module")
def synthetic_file(tmp_path_factory):
    """5,000 synthetic events, a few placed near the Algeria border and with associated-only actors,
    as the app's own GeoParquet export."""
    events = synthetic_events(5000, seed=3)
    events = pd.concat([events, geo.load_events()], ignore_index=True)  # border events, real names
    path = tmp_path_factory.mktemp("pg") / "events.parquet"
    path.write_bytes(geo.export_events(events, "parquet"))
    return path


@pytest.fixture(scope="module")
def loaded(pg_server, synthetic_file, layers):
    url = pg_server.create_database("filters")
    src = PostgisSource(url)
    src.init()
    report = src.load(synthetic_file, layers=layers)
    assert report.accepted == report.rows_read == 5045
    mem, _ = geo.read_events(synthetic_file)
    return src, geo.enrich(mem, layers)


def test_load_reports_rejected_rows_and_writes_only_the_accepted(pg_url):
    src = PostgisSource(pg_url)
    src.init()
    report = src.load(FIXTURES / "acled" / "acled_mali.csv")
    assert (report.rows_read, report.accepted, report.rejected_count) == (10, 5, 5)
    assert src.count() == 5
    assert set(src.events()["event_id"]) == set(geo.read_events(FIXTURES / "acled" / "acled_mali.csv")[0]["event_id"])
    # the same file again: every row is accounted for, the stored ones rejected as already there
    again = src.load(FIXTURES / "acled" / "acled_mali.csv")
    assert again.accepted == 0 and again.accepted + again.rejected_count == again.rows_read == 10
    assert (again.rejected["reason"] == "this event_id is already in the database").sum() == 5
    assert src.count() == 5


def test_load_is_one_transaction(pg_url, monkeypatch):
    src = PostgisSource(pg_url)
    src.init()
    real = postgis._copy

    def failing(conn, table, frame, columns, **kw):
        real(conn, table, frame, columns, **kw)
        if table == "claims":
            raise psycopg.errors.DiskFull("no space left on device (injected)")

    monkeypatch.setattr(postgis, "_copy", failing)
    with pytest.raises(DatabaseError, match="no space left"):
        src.load(ROOT / "data" / "events.csv", claims_path=ROOT / "data" / "claims.csv")
    monkeypatch.setattr(postgis, "_copy", real)
    assert src.count() == 0 and len(src.claims()) == 0  # nothing half-written
    report = src.load(ROOT / "data" / "events.csv", claims_path=ROOT / "data" / "claims.csv")
    assert report.accepted == src.count() == 45
    assert len(src.claims()) == len(geo.load_claims())


def test_round_trip_keeps_the_canonical_columns(loaded):
    src, mem = loaded
    back = src.events()
    mem = mem.sort_values(["event_date", "event_id"], ignore_index=True)
    assert list(back["event_id"]) == list(mem["event_id"])
    for col in geo.EVENT_COLUMNS + ["region"]:
        assert back[col].tolist() == mem[col].tolist(), col
    np.testing.assert_allclose(back["border_km"], mem["border_km"])
    assert back.crs == mem.crs and back.geometry.equals(mem.geometry.reset_index(drop=True))


FILTERS = [
    geo.EventFilter(actors=["JNIM"]),
    geo.EventFilter(actors=["Wagner Group"]),  # mostly an associated actor in the curated data
    geo.EventFilter(actors=["Armed Group 200", "CSP-DPA"]),
    geo.EventFilter(start="2023-01-01", end="2023-03-31"),
    geo.EventFilter(start="2024-07-25"),
    geo.EventFilter(end="2020-02-01"),
    geo.EventFilter(event_types=["Battles"]),
    geo.EventFilter(event_types=["Riots", "Protests"]),
    geo.EventFilter(regions=["Region 03", "Kidal"]),
    geo.EventFilter(min_fatalities=5),
    geo.EventFilter(max_border_km=50),
    geo.EventFilter(actors=["JNIM"], event_types=["Battles"], regions=["Region 03"], min_fatalities=1,
                    start="2021-01-01", end="2023-12-31"),
    geo.EventFilter(actors=["Nobody at all"]),
]


@pytest.mark.parametrize("flt", FILTERS, ids=[" ".join(f.describe()) for f in FILTERS])
def test_every_filter_equals_filter_events(loaded, flt):
    src, mem = loaded
    want = geo.filter_events(mem, flt)
    got = src.events(flt)
    assert sorted(got["event_id"]) == sorted(want["event_id"])
    assert src.count(flt) == len(want)


def test_filters_are_parameters_never_sql_text(loaded):
    src, mem = loaded
    hostile = "x'); DROP TABLE events; --"
    flt = geo.EventFilter(actors=[hostile], event_types=[hostile], regions=[hostile])
    where, params = sql.filter_sql(flt)
    assert hostile not in where and params["actors"] == [hostile]
    assert len(src.events(flt)) == 0 and src.count() == len(mem)


def test_filters_use_the_indexes(loaded):
    src, _ = loaded
    with psycopg.connect(src.url, autocommit=True) as conn:
        conn.execute("SET enable_seqscan = off")  # a small table: ask whether an index *can* serve each
        for flt, index in [(geo.EventFilter(actors=["JNIM"]), "events_actors"),
                           (geo.EventFilter(start="2024-01-01", end="2024-01-31"), "events_date")]:
            where, params = sql.filter_sql(flt)
            plan = "\n".join(r[0] for r in conn.execute(f"EXPLAIN SELECT event_id FROM events WHERE {where}",
                                                          params).fetchall())
            assert index in plan, plan
        where, params = sql.filter_sql(None, bounds=(-1, 14, 1, 16))
        plan = "\n".join(r[0] for r in conn.execute(f"EXPLAIN SELECT 1 FROM events WHERE {where}", params))
        assert "events_geom" in plan, plan


@pytest.mark.parametrize("zoom,bounds,by,max_cells", [
    (5, None, "event_type", 2500),
    (7, (-6.0, 12.0, 0.0, 18.0), "event_type", 2500),
    (9, None, "side", 2500),
    (8, None, "event_type", 40),  # too many cells: they double in size until they fit
    (3, None, None, 2500),
])
def test_cells_counted_in_the_database_equal_aggregate_events(loaded, zoom, bounds, by, max_cells):
    src, mem = loaded
    flt = geo.EventFilter(min_fatalities=1)
    want = geo.aggregate_events(geo.filter_events(mem, flt), zoom, bounds, by=by, max_cells=max_cells)
    got = src.cells(flt, zoom, bounds, by=by, max_cells=max_cells)
    assert len(got) == len(want) > 0
    for col in ("cell_x", "cell_y", "cell_px", "events", "fatalities", "dominant"):
        assert got[col].tolist() == want[col].tolist(), col
    for col in ("lon", "lat", "west", "south", "east", "north"):
        np.testing.assert_allclose(got[col], want[col], rtol=0, atol=1e-9)
    assert got.geometry.geom_equals_exact(want.geometry, tolerance=1e-9).all()


def test_a_live_insert_is_seen_and_changes_the_fingerprint(pg_url):
    src = PostgisSource(pg_url)
    src.init()
    src.load(ROOT / "data" / "events.csv")
    version, _ = src.state()
    before = src.fingerprint()
    data = Dataset.from_postgis(pg_url)
    # someone else writes an event, with plain SQL, from another connection
    with psycopg.connect(pg_url, autocommit=True) as other:
        other.execute(
            "INSERT INTO events (event_id, event_date, event_type, actor1, assoc_actor_1, country, location,"
            " latitude, longitude, fatalities) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            ("LIVE-1", dt.date(2024, 8, 1), "Battles", "JNIM", "Wagner Group; Dozo Militia", "Mali", "Kidal",
             18.44, 1.41, 3))
    assert postgis.wait_for_change(src, version, timeout=10) > version
    assert src.fingerprint() != before
    shown = src.events(geo.EventFilter(actors=["Dozo Militia"], start="2024-08-01"))
    assert shown["event_id"].tolist() == ["LIVE-1"]
    fresh = Dataset.from_postgis(pg_url)
    assert "LIVE-1" in set(fresh.events["event_id"]) and "LIVE-1" not in set(data.events["event_id"])
    assert fresh.vocabulary.fingerprint != data.vocabulary.fingerprint
    row = fresh.events[fresh.events["event_id"] == "LIVE-1"].iloc[0]
    assert row["region"] == "Kidal" and row["border_km"] > 0  # enriched on reading


def test_bad_input_is_a_clear_message_without_the_password(pg_server, pg_url):
    secret = "s3cret-Pa55"
    wrong = pg_server.url_for(password=secret)
    with pytest.raises(DatabaseError) as refused:
        PostgisSource(wrong).count()
    assert "refused the user name or password" in str(refused.value) and secret not in str(refused.value)
    with pytest.raises(DatabaseError, match="cannot reach the database server"):
        PostgisSource(f"postgresql://geo:{secret}@127.0.0.1:1/geo").count()
    with pytest.raises(DatabaseError, match="does not exist"):
        PostgisSource(pg_server.url_for(database="nope")).count()
    with pytest.raises(DatabaseError, match="no events table yet"):
        PostgisSource(pg_url).count()  # no schema
    with pytest.raises(DatabaseError, match="not a PostgreSQL URL"):
        PostgisSource("mysql://x@y/z")
    assert pg_server.password not in repr(PostgisSource(pg_server.url))


def test_a_lost_connection_is_reported_then_recovered(pg_server, pg_url):
    src = PostgisSource(pg_url)
    src.init()
    assert src.count() == 0
    pid = src.run(lambda conn: conn.info.backend_pid)
    with psycopg.connect(pg_server.admin_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    with pytest.raises(DatabaseError) as lost:
        src.count()
    assert "connection" in str(lost.value) and pg_server.password not in str(lost.value)
    assert src.count() == 0  # the next call connects again


def _cli(*args, env=None):
    import os
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "geo", *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)


def test_cli_db_init_load_and_snapshot(pg_server, pg_url, tmp_path):
    done = _cli("db", "init", "--db", pg_url)
    assert done.returncode == 0, done.stderr
    done = _cli("db", "load", FIXTURES / "acled" / "acled_mali.csv", env={"GEO_DATABASE_URL": pg_url})
    assert done.returncode == 0, done.stderr
    assert "10 rows read, 5 accepted, 5 rejected" in done.stdout and "5 events written" in done.stdout
    assert pg_server.password not in done.stdout + done.stderr
    out = tmp_path / "map.csv"
    done = _cli("snapshot", "actor=Wagner+Group", "-o", out, "--data", pg_url)
    assert done.returncode == 0, done.stderr
    mem = geo.filter_events(geo.read_events(FIXTURES / "acled" / "acled_mali.csv")[0], geo.EventFilter(actors=["Wagner Group"]))
    assert sorted(pd.read_csv(out)["event_id"]) == sorted(mem["event_id"]) and len(mem) > 0


def test_cli_db_load_of_data_elsewhere_uses_its_own_countries(pg_server, pg_url):
    """``db load`` of an Afghanistan export: each event's region is its Afghan province and its border
    distance the distance to Afghanistan's borders (it was Mali's layers: no region, ~6,500 km to Algeria)."""
    assert _cli("db", "init", "--db", pg_url).returncode == 0
    done = _cli("db", "load", FIXTURES / "real" / "acled_afghanistan_2023.csv", "--db", pg_url)
    assert done.returncode == 0, done.stderr
    with psycopg.connect(pg_url) as conn:
        regions, far, tuareg = conn.execute(
            "SELECT count(DISTINCT region) FILTER (WHERE region <> ''), max(border_km),"
            " count(*) FILTER (WHERE in_tuareg_region) FROM events").fetchone()
        torkham = conn.execute("SELECT region, border_km FROM events WHERE location = 'Torkham' LIMIT 1").fetchone()
    assert regions >= 20 and far < 400 and tuareg == 0
    assert torkham[0] == "Nangarhar" and torkham[1] < 10


def test_cli_bad_database_is_one_line_without_the_password(pg_server, pg_url, tmp_path):
    wrong = pg_server.url_for(password="Hunter2-secret")
    for args in (["db", "load", FIXTURES / "events_small.csv", "--db", wrong],
                 ["snapshot", "actor=JNIM", "-o", tmp_path / "x.png", "--data", wrong],
                 ["snapshot", "actor=JNIM", "-o", tmp_path / "x.png", "--data", pg_url]):  # no schema
        done = _cli(*args)
        assert done.returncode == 1 and done.stderr.startswith("error: ") and "Traceback" not in done.stderr
        assert "Hunter2-secret" not in done.stderr and pg_server.password not in done.stderr
    assert "refused the user name or password" in _cli("db", "init", "--db", wrong).stderr


@pytest.mark.parametrize("zoom,center,by", [(6, (17.5, -2.0), "event_type"), (9, (15.0, -4.0), "side"),
                                            (11, (19.9, 2.7), None)])
def test_lod_cells_in_one_pass_equal_the_maps_cells(loaded, zoom, center, by):
    from geo.webmap.aggregate import OUTER_LEVELS, lod_cells, view_bounds

    src, mem = loaded
    flt = geo.EventFilter(start="2021-01-01")
    want = lod_cells(geo.filter_events(mem, flt), zoom, center, by=by)
    got = src.lod_cells(flt, zoom, view_bounds(center, zoom), outer_zoom=max(zoom - OUTER_LEVELS, 0), by=by)
    for g, w in zip(got, want):
        assert len(g) == len(w)
        for col in ("cell_x", "cell_y", "cell_px", "events", "fatalities", "dominant", "zoom"):
            assert g[col].tolist() == w[col].tolist(), col
        np.testing.assert_allclose(g["lat"], w["lat"], atol=1e-9)


def test_a_database_too_large_for_memory_is_a_message(pg_url, monkeypatch):
    src = PostgisSource(pg_url)
    src.init()
    src.load(ROOT / "data" / "events.csv")
    monkeypatch.setenv("GEO_DB_MAX_EVENTS", "10")
    with pytest.raises(DatabaseError, match="holds 45 events; the dashboard reads at most 10"):
        Dataset.from_postgis(pg_url)


def test_the_postgis_benchmark_runs_and_reports_every_filter(pg_server, tmp_path):
    import subprocess
    import sys

    url = pg_server.create_database("bench_smoke")
    out = tmp_path / "bench.md"
    done = subprocess.run([sys.executable, "-m", "geo.bench", "--source", "postgis", "--events", "3000",
                           "--file-events", "2000", "--db", url, "--out", str(out)], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    text = out.read_text()
    current, asof = text.split("**As of an older version**")
    filters = ["no filter", "actors=['JNIM']", "start=2023-01-01, end=2023-03-31",
               "event_types=['Battles'], regions=['Region 03']", "min_fatalities=5"]
    for part in (current, asof):  # each filter now, and as of the version loaded (before the revisions)
        rows = [line for line in part.splitlines() if line.startswith("| ") and "---" not in line][1:]
        assert [r.split(" | ")[0].lstrip("| ") for r in rows] == filters
    # 300 revisions and 30 deletions after the load: the as-of line still counts the 3,000 loaded
    # (the as-of table: each filter now, then as of the first version)
    assert rows[0].split(" | ")[1] == "2,970" and rows[0].split(" | ")[4] == "3,000"
    assert PostgisSource(url).count() == 2970
    assert "300 revisions and 30 deletions in 10 versions" in asof and "History:" in asof
    assert "Memory of the process" in text and pg_server.password not in text
