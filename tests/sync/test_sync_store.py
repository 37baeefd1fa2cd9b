"""Syncs into the local store: incremental (a revised row, a deleted row, a new row), every version kept
and read as of any of them, a new UCDP version, the store opened like a file, a killed sync."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

import geo
from conftest import ROOT
from geo.bench.fakeapi import acled_record
from geo.errors import DataError, SyncError
from geo.io.apijson import records_table
from geo.io.readers import read_table
from geo.sources.dataset import Dataset
from geo.sync import store as store_module
from geo.sync.clients import AcledClient, UcdpClient
from geo.sync.run import sync_acled, sync_ucdp
from geo.sync.store import open_store
from geo.sync.writer import StoreSink
from syncutil import api, env, fast  # noqa: F401 (fixtures)


def acled_sync(api, path, **kw):
    with AcledClient(api.url, api.username, api.password, page_size=50, **fast()) as client:
        return sync_acled(client, StoreSink(path, "acled", "delta"), **kw)


def ucdp_sync(api, path, version):
    with UcdpClient(api.url, api.ucdp_token, **fast()) as client:
        return sync_ucdp(client, StoreSink(path, "ucdp", "replace"), version)


def plain(events):
    return pd.DataFrame(events).drop(columns="geometry").reset_index(drop=True)


def test_the_store_holds_what_the_readers_make_of_the_same_rows(api, tmp_path):
    result = acled_sync(api, tmp_path, countries=["Mali"])
    assert (result.added, result.revised, result.deleted, result.events, result.version) == (120, 0, 0, 120, 1)
    assert (result.pages, result.rows, result.rejected) == (3, 120, 0)
    events, claims = open_store(tmp_path).events()
    expected, _ = read_table(records_table(list(api.acled.values())), name="all")
    pd.testing.assert_frame_equal(plain(events), plain(expected.sort_values(["event_date", "event_id"])))
    assert events.crs == "EPSG:4326" and claims.empty
    assert not any(p.name.startswith(".staging") for p in tmp_path.iterdir())


def test_incremental_revised_deleted_added_and_every_version_kept(api, tmp_path):
    acled_sync(api, tmp_path, countries=["Mali"])
    api.revise("MAL3", fatalities=99, notes="Revised: 99 killed")
    api.delete("MAL4")
    api.add_acled([acled_record(500, timestamp=api.tick())])
    api.requests.clear()
    second = acled_sync(api, tmp_path)  # the store remembers the countries
    assert (second.added, second.revised, second.deleted, second.events) == (1, 1, 1, 120)
    reads = [r["params"] for r in api.requests if r["path"] == "/api/acled/read"]
    assert reads[0]["country"] == "Mali" and int(reads[0]["timestamp"]) == 1_700_000_000  # the watermark
    assert [r for r in api.requests if r["path"] == "/api/deleted/read"]
    store = open_store(tmp_path)
    now, _ = store.events()
    ids = list(now["event_id"])
    assert len(ids) == len(set(ids)) == 120 and "MAL4" not in ids and "MAL500" in ids
    assert now.set_index("event_id").loc["MAL3", "fatalities"] == 99
    before, _ = store.events(asof=1)  # as of the first sync: exactly as it was
    assert "MAL4" in set(before["event_id"]) and before.set_index("event_id").loc["MAL3", "fatalities"] == 3
    assert store.events(asof=store.versions()[0].created)[0]["event_id"].tolist() == before["event_id"].tolist()
    changes = store.changes(since=1)
    assert sorted(zip(changes["event_id"], changes["change"])) == [("MAL3", "revised"), ("MAL4", "deleted"),
                                                                     ("MAL500", "added")]
    third = acled_sync(api, tmp_path)  # nothing new: a version with nothing changed, no duplicate
    assert (third.added, third.revised, third.deleted, third.events) == (0, 0, 0, 120)
    assert len(open_store(tmp_path).events()[0]) == 120
    assert [v.id for v in open_store(tmp_path).versions()] == [1, 2, 3]


def test_deltas_are_folded_into_a_full_file_and_read_the_same(api, tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "CHECKPOINT_SHARE", 0.02)
    import geo.sync.writer as writer

    monkeypatch.setattr(writer, "CHECKPOINT_SHARE", 0.02)
    acled_sync(api, tmp_path)
    api.revise("MAL7", fatalities=42)
    acled_sync(api, tmp_path)  # one revised row: 1 < 2.4, a delta
    for i in (8, 9, 10):
        api.revise(f"MAL{i}", fatalities=50 + i)
    api.delete("MAL11")
    acled_sync(api, tmp_path)  # 1 + 3 >= 2.4: a full file
    versions = open_store(tmp_path).versions()
    assert [v.full for v in versions] == [True, False, True]
    assert "deleted" not in versions[2].files
    now, _ = open_store(tmp_path).events()
    assert now.set_index("event_id").loc["MAL10", "fatalities"] == 60 and "MAL11" not in set(now["event_id"])
    assert open_store(tmp_path).events(asof=2)[0].set_index("event_id").loc["MAL10", "fatalities"] == 3


def test_a_new_ucdp_version_counts_what_changed(api, tmp_path):
    first = ucdp_sync(api, tmp_path, "25.1")
    assert (first.added, first.events, first.pages) == (2500, 2500, 3)
    from geo.bench.fakeapi import ucdp_record

    rows = [ucdp_record(i, "25.0.10") for i in range(1, 2600)]  # the first removed, 100 new
    rows[9]["best"], rows[9]["high"] = 77, 80  # one revised
    api.ucdp["25.0.10"] = rows
    second = ucdp_sync(api, tmp_path, "25.0.10")
    assert (second.added, second.revised, second.deleted, second.events) == (100, 1, 1, 2599)
    again = ucdp_sync(api, tmp_path, "25.0.10")
    assert again.pages == 0 and "already at UCDP GED 25.0.10" in again.note
    store = open_store(tmp_path)
    events, claims = store.events()
    assert len(events) == 2599 and len(claims) == 3 * 2599
    assert events.set_index("event_id").loc["UCDP-11", "fatalities"] == 77
    assert len(store.events(asof=1)[0]) == 2500 and store.versions()[1].state == {"version": "25.0.10"}


def test_the_store_opens_like_a_file(api, tmp_path):
    ucdp_sync(api, tmp_path, "25.1")
    events, report = geo.read_events(tmp_path)
    assert report.format == "ucdp" and len(events) == 2500 and "version 1" in report.warnings[0]
    data = Dataset.from_sources([str(tmp_path)])
    assert len(data.events) == 2500 and data.attribution.startswith("UCDP") and "store" in data.label
    with pytest.raises(DataError, match="not a synced store"):
        open_store(tmp_path / "nothing")
    from geo.__main__ import main

    out = tmp_path.parent / f"{tmp_path.name}-snapshot.csv"
    assert main(["snapshot", "", "-o", str(out), "--data", str(tmp_path)]) == 0  # every command opens it
    assert len(pd.read_csv(out)) == 2500


def test_a_store_holds_one_source(api, tmp_path):
    ucdp_sync(api, tmp_path, "25.1")
    with pytest.raises(SyncError, match="holds UCDP GED data"):
        acled_sync(api, tmp_path)
    acled_sync(api, tmp_path / "acled", countries=["Mali"])
    with pytest.raises(SyncError, match="follows ACLED for countries Mali"):
        acled_sync(api, tmp_path / "acled", countries=["Niger"])


def test_a_failed_sync_leaves_the_store_as_it_was(api, tmp_path):
    acled_sync(api, tmp_path)
    manifest = (tmp_path / "manifest.json").read_bytes()
    api.revise("MAL3", fatalities=99)
    api.fault("acled", page=2, kind="invalid")
    with pytest.raises(SyncError, match="page 2"):
        acled_sync(api, tmp_path)
    assert (tmp_path / "manifest.json").read_bytes() == manifest
    assert sorted(p.name for p in tmp_path.iterdir()) == [".lock", "data", "manifest.json"]
    assert open_store(tmp_path).events()[0].set_index("event_id").loc["MAL3", "fatalities"] == 3


def test_a_sync_killed_midway_leaves_the_store_then_completes(api, env, tmp_path):
    """The sync runs in a process killed (SIGKILL) while the server stalls its second page: the store is
    exactly as after the last complete sync; the next run completes it, with no duplicate."""
    store = tmp_path / "store"
    command = [sys.executable, "-m", "geo", "sync", "ucdp", "--version", "25.1", "--out", str(store), "--quiet"]
    api.ucdp["25.0.9"] = 1200
    first = subprocess.run(command[:6] + ["25.0.9"] + command[7:], cwd=ROOT, env={**os.environ, **env},
                           capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    manifest = (store / "manifest.json").read_bytes()
    before = open_store(store).events()[0]
    api.fault("ucdp", page=3, kind="stall")
    proc = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        assert api.stalled.wait(60), "the sync never reached the stalled page"
        time.sleep(0.3)
        assert any(p.name.startswith(".staging") for p in store.iterdir())  # it had written pages
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        api.release()
        if proc.poll() is None:
            proc.kill()
    assert (store / "manifest.json").read_bytes() == manifest
    pd.testing.assert_frame_equal(plain(open_store(store).events()[0]), plain(before))
    again = subprocess.run(command, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert "UCDP GED: 1,300 new, 0 revised, 0 deleted; 2,500 events" in again.stdout
    events = open_store(store).events()[0]
    assert len(events) == events["event_id"].nunique() == 2500
    assert not any(p.name.startswith(".staging") for p in store.iterdir())
    assert json.loads((store / "manifest.json").read_text())["versions"][-1]["state"] == {"version": "25.1"}
