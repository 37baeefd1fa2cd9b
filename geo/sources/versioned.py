"""Versioned data as the dashboard, the snapshots and the command line use it: a local store kept by
``python -m geo sync`` (``geo.sync.store``) or a PostGIS database that keeps its versions (``geo.sources.dbversions``)
opened as a data set whose every earlier version is kept, the data set as of a link's ``asof``, the notice that
newer data exists, and the events changed since a date.

A store's data set (``Dataset.from_source(DIR)``) is its newest version; ``with_versions`` gives it ``history``
(a ``geo.versions.history.History`` over the store's versions, its states read from the store's files on first
use) and ``shown_version``. ``as_of(data, version)`` is the data set of an older version, read once per version
and kept: each view of it then costs what a view of the newest costs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..analysis import enrich
from ..events import CLAIM_COLUMNS, compact_events
from ..view import LATEST, View
from ..versions.changes import since_version
from ..versions.history import History, states_from_versions


def store_versions(store) -> pd.DataFrame:
    """A store's versions as a table: id, created (UTC), source (the data set's name), added, revised, deleted."""
    rows = [{"id": v.id, "created": v.created, "source": store.name, "added": v.added, "revised": v.revised,
             "deleted": v.deleted} for v in store.versions()]
    frame = pd.DataFrame(rows, columns=["id", "created", "source", "added", "revised", "deleted"])
    frame["created"] = pd.to_datetime(frame["created"], utc=True)
    return frame.astype({"id": "int64", "added": "int64", "revised": "int64", "deleted": "int64"})


def store_states(store) -> pd.DataFrame:
    """Every state of every event of a store, from each version's files (a row whose content hash differs from
    the event's last is a new state; a deleted id, or one a full version no longer holds, ends it)."""
    from ..sync.store import HASH, frame_of

    current = pd.Series([], dtype=np.uint64, index=pd.Index([], dtype=object))
    parts = []
    for v in store.versions():
        rows, gone = None, []
        if "events" in v.files:
            table = pq.read_table(store.path / v.files["events"])
            ids = table.column("event_id").to_numpy(zero_copy_only=False).astype(object)
            hashes = table.column(HASH).to_numpy().astype(np.uint64)
            pos = current.index.get_indexer(ids) if len(current) else np.full(len(ids), -1)
            old = np.zeros(len(ids), dtype=np.uint64)
            old[pos >= 0] = current.to_numpy(dtype=np.uint64)[pos[pos >= 0]]
            new = (pos < 0) | (old != hashes)
            rows = frame_of(table.filter(pa.array(new)).drop_columns([HASH]))
            fresh = pd.Series(hashes, index=pd.Index(ids, dtype=object))
        else:
            fresh = pd.Series([], dtype=np.uint64, index=pd.Index([], dtype=object))
        if v.full:
            gone = list(current.index.difference(fresh.index))
            current = fresh
        else:
            if "deleted" in v.files:
                dead = pq.read_table(store.path / v.files["deleted"]).column("event_id").to_pylist()
                gone = [i for i in dead if i in current.index and i not in fresh.index]
            current = pd.concat([current.drop(gone), fresh])
            current = current[~current.index.duplicated(keep="last")]
        deleted = pd.DataFrame({"event_id": pd.Series(gone, dtype=object), "_deleted": True})
        frames = ([rows.assign(_deleted=False)] if rows is not None else []) + [deleted]
        parts.append((v.id, pd.concat(frames, ignore_index=True)))
    return states_from_versions(parts)


def with_versions(data, store, version: int | None = None):
    """``data`` (a store's events as of ``version``, the newest for None) with its versions: ``history``,
    ``shown_version``, and the versions' times in its vocabulary (a link's ``asof`` is checked against them)."""
    history = data.__dict__.get("_history_of_store") or History(store_versions(store), load=lambda: store_states(store))
    voc = dataclasses.replace(data.vocabulary, versions=tuple(t.to_pydatetime() for t in history.versions["created"]))
    object.__setattr__(data, "vocabulary", voc)
    object.__setattr__(data, "history", history)
    object.__setattr__(data, "shown_version", int(history.latest if version is None else version))
    data.__dict__["_store"] = store
    return data


def as_of(data, version: int | None, *, in_memory: bool = False):
    """``data`` as of ``version``: a data set of its own (read once per version and kept, the same events,
    figures and fingerprint as that version had when it was the newest); ``data`` itself for its newest
    version, or for data without versions. A store's version is read from its files, a database's through
    ``PostgisSource.as_of`` (``geo.sources.dbversions``). ``in_memory``: a data set that holds its events even
    for the version ``data`` shows (a database's page asks the database for each view and holds none)."""
    history = getattr(data, "history", None)
    if history is None:
        return data
    version = data.shown_version if version is None else int(version)
    holds = hasattr(data, "events")
    if version == data.shown_version and (holds or not in_memory):
        return data
    kept = data.__dict__.setdefault("_asof", {})
    if version not in kept:
        read = data.__dict__.get("_read_version") or (lambda v: _store_version(data, v))
        kept[version] = read(version)
        kept[version].__dict__["_asof"] = kept  # every version's data set shares the same kept ones
        kept[version].__dict__.setdefault("_read_version", read)
        if holds:
            kept[data.shown_version] = data
    return kept[version]


def _store_version(data, version: int):
    """A store's data set as of ``version``, read from its files."""
    store = data.__dict__["_store"]
    events, report = store.read(asof=int(version))
    claims = report.claims if report.claims is not None else pd.DataFrame(columns=CLAIM_COLUMNS)
    events = compact_events(enrich(events, data.layers))
    older = type(data)._of(events, claims, data.label, data.attribution, report, layers=data.layers)
    older.__dict__["_history_of_store"] = data.history
    return with_versions(older, store, version)


def open_view(params, data, *, lang: str | None = None) -> tuple[View, list[str], object]:
    """Read a link against ``data``; on versioned data the link's ``asof`` picks the version it shows.

    Returns (the view, its warnings, the data set it shows: ``data`` as of the link's time). A link without
    ``asof`` shows the newest data. The link is read against the data it shows (its events, its fingerprint).
    """
    from ..link import view_from_query

    view, warnings = view_from_query(params, vocabulary=data.vocabulary, lang=lang)
    history = getattr(data, "history", None)
    if history is None or not isinstance(view.asof, dt.datetime):
        return view, warnings, data
    shown = as_of(data, history.version_at(view.asof))
    if shown is not data:  # read again against the events of that version (ids, fingerprint)
        view, warnings = view_from_query(params, vocabulary=shown.vocabulary, lang=lang)
    return view, warnings, shown


def link_asof(data, chosen_latest: bool):
    """What a share link made on ``data`` carries: the time of the version shown (to the second: a store gives
    each version a second of its own), or ``"latest"`` when the user chose to share the newest data always;
    None for data without versions."""
    history = getattr(data, "history", None)
    if history is None:
        return None
    if chosen_latest:
        return LATEST
    return history.created(data.shown_version).floor("s").to_pydatetime()


def newer_data(shown_data, shown_events: pd.DataFrame) -> dict | None:
    """When ``shown_data`` is an older version: the newest version's time, and how many of the events shown
    have changed since (revised or deleted). None when it is the newest."""
    history = getattr(shown_data, "history", None)
    if history is None or shown_data.shown_version == history.latest:
        return None
    changed = history.changed_since(shown_data.shown_version)
    touched = changed.loc[changed["change"] != "added", "event_id"].astype(str)
    ids = set(shown_events["event_id"].astype(str)) if len(shown_events) else set()
    return {"latest": history.created(history.latest), "version": history.latest,
            "changed": len(ids & set(touched)), "added": int((changed["change"] == "added").sum())}


def changed_events(data, since: dt.date) -> pd.DataFrame:
    """The events added, revised or deleted since the day ``since`` (UTC), up to the version ``data`` shows:
    each with ``change``, ``changed_on``, ``change_source`` and, for a deleted one, its last state; enriched
    as ``data``'s events are."""
    changed = data.history.changed_since(since_version(data.history, since), data.shown_version)
    if not len(changed):
        return changed
    return compact_events(enrich(changed.drop(columns=["region", "border_km", "in_tuareg_region"],
                                              errors="ignore"), data.layers))


__all__ = ["with_versions", "as_of", "open_view", "link_asof", "newer_data", "changed_events", "store_versions",
           "store_states"]
