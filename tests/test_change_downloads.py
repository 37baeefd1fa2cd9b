"""The downloads of a "changed since" view give the changes, one row per change (issue 28): the event, the version
and its date, added, revised or deleted, the field, from and to; in every export format, named as such."""

from __future__ import annotations

import io
import json
import zipfile

import geopandas as gpd
import pandas as pd
import pytest
import streamlit as st
from test_versions import DAY, T0, _app, _store, _sync

import geo
from geo.sources.dataset import Dataset
from geo.sources.versioned import changed_events
from geo.static.snapshots import download_name, export_meta
from geo.versions.changes import EVENT_PART, change_rows, changes_stem, export_changes, since_version
from geo.versions.history import CHANGE_COLUMNS
from geo.view import View


@pytest.fixture
def synced(tmp_path, events):
    """A store, then a sync: one JNIM event revised (fatalities and latitude), another deleted, one added."""
    root = _store(tmp_path, events)
    jnim = geo.filter_events(events, geo.EventFilter(actors=["JNIM"]))
    revised, deleted = jnim["event_id"].iloc[0], jnim["event_id"].iloc[1]
    _sync(root, events, revised, deleted)
    return root, revised, deleted


def test_one_row_per_change_of_the_events_shown(synced):
    root, revised, deleted = synced
    data = Dataset.from_source(root, use_cache=False)
    shown = changed_events(data, (T0 + DAY).date())
    kept = shown.copy()
    rows = change_rows(data.history, shown, (T0 + DAY).date(), data.shown_version)
    assert shown.equals(kept)  # the caller's frame untouched
    assert list(rows.columns) == CHANGE_COLUMNS + EVENT_PART
    assert sorted(zip(rows["event_id"], rows["change"], rows["field"])) == sorted([
        ("NEW-1", "added", ""), (deleted, "deleted", ""), (revised, "revised", "fatalities"),
        (revised, "revised", "latitude")])
    fat = rows[rows["field"] == "fatalities"].iloc[0]
    assert int(fat["after"]) == int(fat["before"]) + 7
    assert set(rows["created"]) == {"2026-12-02T09:12:00Z"} and set(rows["version"]) == {2}
    gone = rows[rows["change"] == "deleted"].iloc[0]  # placed where its last state was
    assert gone["location"] and -180 <= gone["longitude"] <= 180
    # the view's filter: only the changes of the events it keeps
    only = shown[shown["event_id"] == revised]
    assert set(change_rows(data.history, only, (T0 + DAY).date())["event_id"]) == {revised}
    # a day after the sync: nothing changed since
    assert since_version(data.history, (T0 + 2 * DAY).date()) == 2
    assert since_version(data.history, T0.date()) is None


def test_every_format_holds_the_changes(synced):
    root, _revised, _deleted = synced
    data = Dataset.from_source(root, use_cache=False)
    day = (T0 + DAY).date()
    shown = changed_events(data, day)
    rows = change_rows(data.history, shown, day, data.shown_version)
    view = View(changed=day, asof=T0 + DAY, dataset=data.vocabulary.fingerprint)
    meta = export_meta(view, shown, attribution=data.attribution)
    name = download_name("csv", view, stem=changes_stem("acled_mali", day))
    assert name == "acled_mali_changes-since-2026-12-02_asof-20261202T091200Z.zip"
    with zipfile.ZipFile(io.BytesIO(export_changes(rows, "csv", name=name, meta=meta))) as zf:
        csv_name = name[:-4] + ".csv"
        assert sorted(zf.namelist()) == sorted([csv_name, csv_name + "-metadata.json"])
        table = pd.read_csv(zf.open(csv_name), keep_default_na=False)
        described = json.loads(zf.read(csv_name + "-metadata.json"))
    assert len(table) == 4 and {"change", "field", "before", "after", "version", "created"} <= set(table.columns)
    assert sorted(table["change"]) == ["added", "deleted", "revised", "revised"]
    assert [c["name"] for c in described["tableSchema"]["columns"]] == list(table.columns)
    assert "changed=2026-12-02" in json.dumps(described)  # the share link of the view
    doc = json.loads(export_changes(rows, "geojson", name="x.geojson", meta=meta, attribution=data.attribution))
    assert len(doc["features"]) == 4 and {f["properties"]["change"] for f in doc["features"]} == {
        "added", "revised", "deleted"}
    assert doc["attribution"] == data.attribution
    kml = export_changes(rows, "kml", name="x.kml", meta=meta)
    assert kml.count("<Placemark>") == 4 and ">revised<" in kml
    frame = gpd.read_parquet(io.BytesIO(export_changes(rows, "parquet", name="x.parquet", meta=meta)))
    assert len(frame) == 4 and frame.geometry.notna().all() and "before" in frame
    with pytest.raises(ValueError):
        export_changes(rows, "png", name="x.png")


def test_the_dashboard_offers_the_changes_in_a_changed_view(tmp_path, monkeypatch, events):
    root = _store(tmp_path, events)
    jnim = geo.filter_events(events, geo.EventFilter(actors=["JNIM"]))
    _sync(root, events, jnim["event_id"].iloc[0], jnim["event_id"].iloc[1])
    st.cache_resource.clear()
    at = _app(monkeypatch, root, {"changed": "2026-12-02"})
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Changes (CSV + CSVW metadata, zip): one row per change" in labels
    assert "Changes (GeoJSON): one feature per change" in labels and "Map of the changes (PNG)" in labels
    assert not [x for x in labels if x.startswith("Events")]  # never all the filtered events
    assert "Changes (CSV, one row per change)" not in labels  # the whole data's changes: the plain view's button
    assert any("the files hold the changes since 2 December 2026" in c.value for c in at.caption)
    at = _app(monkeypatch, root, {})
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Events (CSV + CSVW metadata, zip)" in labels and "Changes (CSV, one row per change)" in labels
    assert not [x for x in labels if x.startswith("Map of the changes")]


def test_the_snapshot_command_on_a_changed_link_writes_the_changes(synced, tmp_path):
    """``python -m geo snapshot "changed=…" --data DIR -o f.csv``: the changes, one row per change, as the dashboard's
    downloads of that view; a map draws the changed events."""
    from test_versions import _cli

    root, revised, deleted = synced
    out = tmp_path / "changes.csv"
    done = _cli("snapshot", "changed=2026-12-02", "--data", root, "-o", out)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert "the changes since 2026-12-02 of 3 events (4 rows, one per change)" in done.stdout
    table = pd.read_csv(out, keep_default_na=False)
    assert sorted(zip(table["event_id"], table["change"], table["field"])) == sorted([
        ("NEW-1", "added", ""), (deleted, "deleted", ""), (revised, "revised", "fatalities"),
        (revised, "revised", "latitude")])
    described = json.loads(out.with_name("changes.csv-metadata.json").read_text())
    assert [c["name"] for c in described["tableSchema"]["columns"]] == list(table.columns)
    assert "changed=2026-12-02" in json.dumps(described)
    done = _cli("snapshot", "changed=2026-12-02", "--data", root, "-o", tmp_path / "changes.geojson")
    assert done.returncode == 0, done.stderr
    assert len(json.loads((tmp_path / "changes.geojson").read_text())["features"]) == 4
    done = _cli("snapshot", "changed=2026-12-02", "--data", root, "-o", tmp_path / "changes.png")
    assert done.returncode == 0 and (tmp_path / "changes.png").stat().st_size > 1000, done.stderr
    done = _cli("snapshot", "", "--data", root, "-o", tmp_path / "all.csv")  # no changed=: every event, as before
    assert done.returncode == 0 and "change" not in pd.read_csv(tmp_path / "all.csv").columns
