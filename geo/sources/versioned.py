"""Versioned data as the dashboard, the snapshots and the command line use it: a local store opened as a
``Dataset`` (the newest events, with every earlier state kept), the data set as of a link's ``asof``, the notice
that newer data exists, and the events changed since a date.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from ..analysis import enrich
from ..events import compact_events
from ..i18n import N_
from ..layers import load_layers, locate
from ..view import LATEST, View
from ..versions.history import History
from ..versions.store import open_store


def store_dataset(cls, root, *, layers: dict | None = None):
    """The newest events of the store in folder ``root``, every earlier state kept (``data.history``)."""
    store = open_store(root)
    history = store.history()
    if not len(history.versions):
        from ..versions.store import StoreError

        raise StoreError(f"{root}: the store holds no version yet")
    states = history.states
    places = locate(states)
    layers = layers or load_layers(states, places=places)
    states = compact_events(enrich(states, layers))  # every state once: each version's events are rows of it
    history = History(states, history.versions)
    current = history.events()
    label = N_("Local store '{name}'").format(name=str(root).rstrip("/").rsplit("/", 1)[-1])
    data = cls._of(current, pd.DataFrame(columns=["event_id", "claimant"]), label,
                   store.attribution or "Events: " + str(root), layers=layers)
    return _versioned(data, history, history.latest)


def _versioned(data, history: History, version: int):
    voc = dataclasses.replace(data.vocabulary, versions=tuple(
        t.to_pydatetime() for t in history.versions["created"]))
    object.__setattr__(data, "vocabulary", voc)
    object.__setattr__(data, "history", history)
    object.__setattr__(data, "shown_version", int(version))
    return data


def as_of(data, version: int | None):
    """``data`` as of ``version`` (a data set of its own, made once per version and kept); ``data`` itself
    for its newest version, or for data without versions."""
    history = getattr(data, "history", None)
    if history is None or version is None or version == history.latest:
        return data
    kept = data.__dict__.setdefault("_asof", {})
    if version not in kept:
        events = history.events(version)
        older = type(data)._of(events, data.claims, data.label, data.attribution, data.report, layers=data.layers)
        kept[version] = _versioned(older, history, version)
    return kept[version]


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
    version = history.version_at(view.asof)
    shown = as_of(data, version)
    if shown is not data:  # read again against the events of that version (ids, fingerprint)
        view, warnings = view_from_query(params, vocabulary=shown.vocabulary, lang=lang)
    return view, warnings, shown


def link_asof(data, chosen_latest: bool):
    """What a share link made on ``data`` carries: the time of the version shown (to the second), or
    ``"latest"`` when the user chose to share the newest data always; None for data without versions."""
    history = getattr(data, "history", None)
    if history is None:
        return None
    if chosen_latest:
        return LATEST
    # to the second (a store gives each version a second of its own: the link names exactly this one)
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
    each with ``change``, ``changed_on`` and, for a deleted one, its last state."""
    history = data.history
    start = pd.Timestamp(since).tz_localize("UTC")
    before = history.versions.loc[history.versions["created"] < start, "id"]
    changed = history.changed_since(int(before.iloc[-1]) if len(before) else None, data.shown_version)
    return compact_events(changed) if len(changed) else changed


__all__ = ["store_dataset", "as_of", "open_view", "link_asof", "newer_data", "changed_events"]
