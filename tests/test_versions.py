"""Every version kept: the local store, the events as of a version, what changed, as-of links (issue 28)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import geo
from geo.link import view_from_query
from geo.sources.dataset import Dataset
from geo.sources.versioned import as_of, changed_events, link_asof, newer_data, open_view
from geo.sources.versioned import store_states, store_versions
from geo.sync import writer
from geo.sync.store import open_store, row_hashes
from geo.sync.writer import StoreSink
from geo.versions.history import CHANGE_COLUMNS, History
from geo.view import LATEST, View, view_to_query
from conftest import ROOT

T0 = dt.datetime(2026, 12, 1, 9, 12, 0, tzinfo=dt.timezone.utc)
DAY = dt.timedelta(days=1)


def write(root, events, *, at, deleted=(), mode="delta"):
    """A sync's write into the store (``geo.sync.writer.StoreSink``), made at the moment ``at``."""
    writer.utc_now = lambda: at
    try:
        sink = StoreSink(root, "acled", mode)
        sink.add(events, row_hashes(events))
        sink.delete(deleted)
        return sink.commit({}, {})
    finally:
        writer.utc_now = UTC_NOW


UTC_NOW = writer.utc_now


def _store(tmp_path, events):
    root = tmp_path / "store"
    write(root, events, at=T0)
    return root


def _sync(root, events, revise: str, delete: str, *, at=T0 + DAY):
    """A sync: one event revised (more dead, moved), one deleted, one added."""
    row = events[events["event_id"] == revise].copy()
    row["fatalities"] += 7
    row["latitude"] += 0.01
    new = events.iloc[:1].copy()
    new["event_id"] = "NEW-1"
    return write(root, pd.concat([row, new]), at=at, deleted=[delete])


# --- the store's versions and their history ---------------------------------------------------------------------


def test_every_version_read_and_its_history(tmp_path, events):
    root = _store(tmp_path, events)
    a, b = events["event_id"].iloc[3], events["event_id"].iloc[5]
    counts = _sync(root, events, a, b)
    assert (counts.added, counts.revised, counts.deleted) == (1, 1, 1)
    store = open_store(root)
    v = store_versions(store)
    assert list(v["id"]) == [1, 2] and list(v["source"]) == ["ACLED", "ACLED"]
    assert v["created"].iloc[0] == pd.Timestamp(T0)
    h = History(v, load=lambda: store_states(store))
    old, new = h.events(1), h.events(2)
    assert set(old["event_id"]) == set(events["event_id"])
    assert set(new["event_id"]) == set(events["event_id"]) - {b} | {"NEW-1"}
    assert int(new.set_index("event_id").loc[a, "fatalities"]) == int(old.set_index("event_id").loc[a, "fatalities"]) + 7
    assert h.version_at(T0 + DAY - dt.timedelta(seconds=1)) == 1 and h.version_at(T0 - DAY) is None
    changes = h.changes()
    assert list(changes.columns) == CHANGE_COLUMNS
    since = h.changes(1)  # one row per change: the added, the deleted, each revised field
    assert sorted(since["change"]) == ["added", "deleted", "revised", "revised"]
    assert set(since.loc[since["change"] == "revised", "field"]) == {"fatalities", "latitude"}
    fat = since[since["field"] == "fatalities"].iloc[0]
    assert int(fat["after"]) == int(fat["before"]) + 7 and fat["event_id"] == a
    revs = h.revisions(a)
    assert [r["change"] for r in revs] == ["added", "revised"]
    assert {f for f, _, _ in revs[1]["fields"]} == {"fatalities", "latitude"}
    assert [r["change"] for r in h.revisions(b)] == ["added", "deleted"]
    marked = h.changed_since(1).set_index("event_id")
    assert marked.loc[a, "change"] == "revised" and marked.loc[b, "change"] == "deleted"
    assert marked.loc["NEW-1", "change"] == "added"
    assert marked.loc[b, "changed_on"] == pd.Timestamp(T0 + DAY) and marked.loc[b, "change_source"] == "ACLED"


def test_history_through_a_full_version(tmp_path, events):
    """A version written as a full file (UCDP's, or a checkpoint): only what differs is a new state."""
    root = _store(tmp_path, events)
    changed = events.iloc[1:].copy()
    changed.loc[changed.index[0], "fatalities"] += 1
    write(root, changed, at=T0 + DAY, mode="replace")  # the first event is gone, the second revised
    store = open_store(root)
    h = History(store_versions(store), load=lambda: store_states(store))
    assert h.changes(1)["change"].value_counts().to_dict() == {"deleted": 1, "revised": 1}
    assert len(h.events(2)) == len(events) - 1 and len(h.events(1)) == len(events)
    write(root, events.iloc[:1], at=T0 + 2 * DAY)  # the first event back
    store = open_store(root)
    h = History(store_versions(store), load=lambda: store_states(store))
    assert [r["change"] for r in h.revisions(events["event_id"].iloc[0])] == ["added", "deleted", "added"]
    assert len(h.events(3)) == len(events)


# --- the link ---------------------------------------------------------------------------------------------------

VOC = geo.Vocabulary(versions=(T0, T0 + DAY))


@pytest.mark.parametrize("query, asof, warned", [
    ("asof=2026-12-01T09:12:00Z", T0, None),
    ("asof=2026-12-01T09:12:00", T0, None),
    ("asof=2026-12-01T09:12", T0, None),
    ("asof=latest", LATEST, None),
    ("asof=2020-01-01T00:00:00Z", T0, "before its first version"),
    ("asof=2999-01-01T00:00:00Z", T0 + DAY, "in the future"),
    ("asof=yesterday", None, "not a UTC time"),
    ("asof=2026-13-45T09:00:00Z", None, "not a UTC time"),
    ("asof=2026-12-01T09:12:00%2B05:00", None, "not a UTC time"),
])
def test_asof_in_the_link(query, asof, warned):
    view, warnings = view_from_query(query, vocabulary=VOC)
    assert view.asof == asof
    if warned:
        assert len(warnings) == 1 and warned in warnings[0]
    else:
        assert warnings == []


def test_asof_and_changed_round_trip():
    view = View(asof=T0, changed=dt.date(2026, 11, 30))
    q = view_to_query(view)
    assert q == {"changed": "2026-11-30", "asof": "2026-12-01T09:12:00Z"}
    assert view_from_query(q, vocabulary=VOC)[0] == view
    assert view_to_query(View(asof=LATEST)) == {"asof": "latest"}
    assert View(asof=T0.replace(microsecond=500)).asof == T0  # to the second


def test_asof_and_changed_on_data_without_versions_are_said():
    view, warnings = view_from_query("asof=2026-12-01T09:12:00Z&changed=2026-11-01", vocabulary=geo.Vocabulary())
    assert view.asof is None and view.changed is None and len(warnings) == 2
    view, warnings = view_from_query("changed=last-week", vocabulary=VOC)
    assert view.changed is None and "not a date" in warnings[0]


# --- the link made, a sync applied, the link opened --------------------------------------------------------------


def test_a_link_shows_what_the_sharer_saw_after_a_sync(tmp_path, events):
    root = _store(tmp_path, events)
    data = Dataset.from_source(root, use_cache=False)
    view, _, shown_data = open_view("actor=JNIM", data)
    view = View(filter=view.filter, asof=link_asof(shown_data, False), dataset=shown_data.vocabulary.fingerprint)
    link = geo.view_to_link(view)
    shown = geo.filter_events(shown_data.events, view.filter)
    figures = geo.summarize(shown)
    revised, deleted = shown["event_id"].iloc[0], shown["event_id"].iloc[1]
    _sync(root, events, revised, deleted)

    later = Dataset.from_source(root, use_cache=False)
    opened, warnings, opened_data = open_view(link, later)
    assert warnings == []  # the fingerprint is the sharer's: no "other data" warning
    again = geo.filter_events(opened_data.events, opened.filter)
    assert sorted(again["event_id"]) == sorted(shown["event_id"])
    assert geo.summarize(again) == figures
    assert opened_data.vocabulary.fingerprint == view.dataset
    notice = newer_data(opened_data, again)
    assert notice["changed"] == 2 and notice["version"] == 2
    current = geo.filter_events(later.events, opened.filter)
    assert geo.summarize(current)["fatalities"] == figures["fatalities"] + 7 - int(
        shown.set_index("event_id").loc[deleted, "fatalities"])
    assert newer_data(later, current) is None
    # "always the latest": the link carries asof=latest and opens on the newest data
    assert "asof=latest" in geo.view_to_link(View(asof=link_asof(later, True)))
    assert open_view("asof=latest", later)[2] is later
    assert as_of(later, 1) is as_of(later, 1)  # made once per version
    marked = changed_events(later, (T0 + DAY).date())
    assert set(marked["change"]) == {"added", "revised", "deleted"}


APP = str(ROOT / "dashboard" / "app.py")


def _app(monkeypatch, root, query: dict) -> AppTest:
    monkeypatch.setenv("GEO_EVENTS", str(root))
    monkeypatch.delenv("GEO_CLAIMS", raising=False)
    at = AppTest.from_file(APP, default_timeout=90)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def _metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def test_dashboard_link_sync_notice_and_current_data(tmp_path, monkeypatch, events):
    """Done when: a link made, a sync that revises one shown event and deletes another, the link opened: the
    same events and figures, the notice of newer data, and "Show current data" gives the new figures."""
    root = _store(tmp_path, events)
    st.cache_resource.clear()
    at = _app(monkeypatch, root, {"actor": "JNIM"})
    link = {k: at.query_params[k] for k in at.query_params}
    assert link["asof"] == "2026-12-01T09:12:00Z"  # added by default on versioned data
    before = _metrics(at)
    ids = sorted(at.dataframe[0].value["Event ID"])
    shown = events[events["event_id"].isin(ids)].sort_values("event_date")
    revised, deleted = shown["event_id"].iloc[0], shown["event_id"].iloc[1]
    _sync(root, events, revised, deleted)

    st.cache_resource.clear()  # a new server process: it reads the store again
    at = _app(monkeypatch, root, link)
    assert _metrics(at) == before
    assert sorted(at.dataframe[0].value["Event ID"]) == ids
    notes = [i.value for i in at.info if "Newer data exists" in i.value]
    assert len(notes) == 1 and f"2 of the {len(ids)} events shown have changed" in notes[0]
    assert at.query_params["asof"] == "2026-12-01T09:12:00Z"

    at.button(key="show_current").click().run()
    after = _metrics(at)
    assert after["Events shown"] == str(len(ids) - 1)
    fat = int(shown["fatalities"].sum()) + 7 - int(shown.set_index("event_id").loc[deleted, "fatalities"])
    assert after["Fatalities (conservative)"] == f"{fat:,}"
    assert not [i for i in at.info if "Newer data exists" in i.value]
    assert at.query_params["asof"] == "2026-12-02T09:12:00Z"  # the link now names the newest version


# --- the command line --------------------------------------------------------------------------------------------


def _cli(*args):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "geo", *map(str, args)], capture_output=True, text=True, cwd=ROOT)


def test_cli_versions_and_snapshot_as_of(tmp_path, events):
    root = _store(tmp_path, events)
    jnim = geo.filter_events(events, geo.EventFilter(actors=["JNIM"]))
    _sync(root, events, jnim["event_id"].iloc[0], jnim["event_id"].iloc[1])
    done = _cli("versions", "--data", root)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1:] == [f"1\t2026-12-01T09:12:00Z\tACLED\t{len(events)}\t0\t0",
                                            "2\t2026-12-02T09:12:00Z\tACLED\t1\t1\t1", "2 versions"]
    old, new = tmp_path / "old.csv", tmp_path / "new.geojson"
    done = _cli("snapshot", "asof=2026-12-01T09:12:00Z&actor=JNIM", "--data", root, "-o", old)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    got = pd.read_csv(old)
    assert sorted(got["event_id"]) == sorted(jnim["event_id"]) and got["fatalities"].sum() == jnim["fatalities"].sum()
    done = _cli("snapshot", "actor=JNIM", "--data", root, "-o", new)
    assert done.returncode == 0, done.stderr
    text = new.read_text()
    assert "data as of 2026-12-02T09:12:00Z" in text and jnim["event_id"].iloc[1] not in text
    done = _cli("snapshot", "asof=1999-01-01T00:00:00Z", "--data", root, "-o", tmp_path / "first.csv")
    assert done.returncode == 0 and "before its first version" in done.stderr
    assert _cli("versions", "--data", tmp_path).returncode == 1
