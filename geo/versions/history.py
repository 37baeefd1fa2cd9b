"""The events of every version of a data set, as one table of states: which events a version shows, what
changed since a date, and each event's revisions.

A *state* is one event as one version wrote it; it holds from the version that wrote it (``_vfrom``) until
the version that revised or deleted it (``_vto``; ``CURRENT`` while it holds). A version's events are the
states holding at it: ``_vfrom <= v < _vto``. ``versions`` has one row per version: ``id`` (growing),
``created`` (UTC), ``source`` and how many events it ``added``, ``revised`` and ``deleted``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..events import EVENT_COLUMNS

#: ``_vto`` of a state that still holds.
CURRENT = np.iinfo(np.int64).max
VERSION_COLUMNS = ["id", "created", "source", "added", "revised", "deleted"]
#: The fields a revision is told by (what an event says; not the columns this app computes from them).
COMPARED = [c for c in EVENT_COLUMNS if c != "event_id"]
CHANGE_COLUMNS = ["version", "created", "source", "event_id", "change", "field", "before", "after"]


def utc(when) -> pd.Timestamp:
    """A moment as a UTC timestamp (a naive one is read as UTC)."""
    ts = pd.Timestamp(when)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


class History:
    """Every state of every event (``states``: the events' columns, ``_vfrom``, ``_vto``) and the versions.

    ``states`` may be given as ``load``, a function called on first use (reading every version's rows is paid
    only by what needs them: what changed, an event's revisions)."""

    def __init__(self, versions: pd.DataFrame, states: pd.DataFrame | None = None, *, load=None):
        self.versions = versions.reset_index(drop=True)
        self._states, self._load = states, load
        self._cache: dict = {}

    @property
    def states(self) -> pd.DataFrame:
        if self._states is None:
            self._states = self._load()
        return self._states

    @property
    def latest(self) -> int | None:
        return int(self.versions["id"].iloc[-1]) if len(self.versions) else None

    @property
    def first_created(self) -> pd.Timestamp | None:
        return self.versions["created"].iloc[0] if len(self.versions) else None

    def created(self, version: int) -> pd.Timestamp:
        return self.versions.loc[self.versions["id"] == version, "created"].iloc[0]

    def source(self, version: int) -> str:
        return str(self.versions.loc[self.versions["id"] == version, "source"].iloc[0])

    def version_at(self, when) -> int | None:
        """The newest version made at or before ``when`` (to the second); None before the first."""
        secs = self.versions["created"].dt.floor("s")
        ok = self.versions.loc[secs <= utc(when), "id"]
        return int(ok.iloc[-1]) if len(ok) else None

    def events(self, version: int | None = None) -> pd.DataFrame:
        """The events as of ``version`` (the latest for None), without the state columns."""
        v = self.latest if version is None else int(version)
        key = ("events", v)
        if key not in self._cache:
            vfrom, vto = self.states["_vfrom"].to_numpy(), self.states["_vto"].to_numpy()
            rows = np.flatnonzero((vfrom <= v) & (v < vto))
            self._cache[key] = self.states.take(rows).drop(columns=["_vfrom", "_vto"]).reset_index(drop=True)
        return self._cache[key]

    def changed_since(self, version: int | None, upto: int | None = None) -> pd.DataFrame:
        """The events added, revised or deleted after ``version`` (None: before the first: all added), up to
        ``upto`` (the latest for None): the newest state of each (a deleted event's last), with ``change``
        ("added", "revised", "deleted"), ``change_version`` and ``changed_on`` (UTC)."""
        since = -1 if version is None else int(version)
        upto = self.latest if upto is None else int(upto)
        s = self.states
        vfrom, vto = s["_vfrom"].to_numpy(), s["_vto"].to_numpy()
        now = (vfrom <= upto) & (upto < vto)
        # hashed (pandas), not np.isin: numpy compares object arrays pair by pair (20 s at 200,000 states)
        gone = (since < vto) & (vto <= upto) & ~pd.Index(s["event_id"].to_numpy(dtype=object)).isin(
            s.loc[now, "event_id"].to_numpy(dtype=object))
        before = set(s.loc[(vfrom <= since) & (since < vto), "event_id"].astype(str)) if since >= 0 else set()
        current = s[now & (vfrom > since)].copy()
        current["change"] = np.where(current["event_id"].astype(str).isin(before), "revised", "added")
        current["change_version"] = current["_vfrom"]
        deleted = s[gone].sort_values("_vto").drop_duplicates("event_id", keep="last").copy()
        deleted = deleted[deleted["event_id"].astype(str).isin(before)]
        deleted["change"] = "deleted"
        deleted["change_version"] = deleted["_vto"]
        out = pd.concat([current, deleted], ignore_index=True)
        created = dict(zip(self.versions["id"], self.versions["created"]))
        out["changed_on"] = pd.to_datetime(out["change_version"].map(created), utc=True)
        out["change_source"] = out["change_version"].map(dict(zip(self.versions["id"], self.versions["source"])))
        return out.drop(columns=["_vfrom", "_vto"])

    def revisions(self, event_id: str) -> list[dict]:
        """One event's history, oldest first: each version that touched it, its date, source, what it did
        ("added", "revised", "deleted") and the fields that changed (``[(field, before, after), …]``)."""
        mine = self.states[self.states["event_id"].astype(str) == str(event_id)].sort_values("_vfrom")
        out, previous = [], None
        for row in mine.to_dict("records"):
            v = int(row["_vfrom"])
            if previous is not None and int(previous["_vto"]) != v:  # deleted, then added again
                out.append(self._entry(int(previous["_vto"]), "deleted", []))
                previous = None
            if previous is None:
                out.append(self._entry(v, "added", []))
            else:
                out.append(self._entry(v, "revised", field_changes(previous, row)))
            previous = row
        if previous is not None and int(previous["_vto"]) != CURRENT:
            out.append(self._entry(int(previous["_vto"]), "deleted", []))
        return out

    def _entry(self, version: int, change: str, fields: list) -> dict:
        return {"version": version, "created": self.created(version), "source": self.source(version),
                "change": change, "fields": fields}

    def changes(self, version: int | None = None) -> pd.DataFrame:
        """Every change after ``version`` (None: all), one row per change: ``CHANGE_COLUMNS``. An added or
        deleted event is one row (no field); a revision is one row per field that changed, before and after."""
        since = -1 if version is None else int(version)
        s = self.states.sort_values(["event_id", "_vfrom"], kind="stable")
        rows = []
        prev_id, prev = None, None
        for row in s.to_dict("records"):
            same = prev is not None and row["event_id"] == prev_id and int(prev["_vto"]) == int(row["_vfrom"])
            v = int(row["_vfrom"])
            if prev is not None and prev_id != row["event_id"] and int(prev["_vto"]) != CURRENT \
                    and int(prev["_vto"]) > since:
                rows.append(self._row(int(prev["_vto"]), prev_id, "deleted"))
            if v > since:
                if same:
                    rows += [self._row(v, row["event_id"], "revised", f, a, b)
                             for f, a, b in field_changes(prev, row)]
                else:
                    rows.append(self._row(v, row["event_id"], "added"))
            prev_id, prev = row["event_id"], row
        if prev is not None and int(prev["_vto"]) != CURRENT and int(prev["_vto"]) > since:
            rows.append(self._row(int(prev["_vto"]), prev_id, "deleted"))
        out = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
        return out.sort_values(["version", "event_id"], kind="stable").reset_index(drop=True)

    def _row(self, version, event_id, change, name="", before="", after="") -> dict:
        return {"version": version, "created": self.created(version), "source": self.source(version),
                "event_id": str(event_id), "change": change, "field": name, "before": before, "after": after}


def _text(value) -> str:
    if value is None or (not isinstance(value, (list, tuple, np.ndarray)) and pd.isna(value)):
        return ""
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def field_changes(before: dict, after: dict) -> list[tuple[str, str, str]]:
    """The fields whose text differs between two states of an event: ``[(field, before, after), …]``."""
    return [(c, _text(before.get(c)), _text(after.get(c))) for c in COMPARED
            if c in before and _text(before.get(c)) != _text(after.get(c))]


def states_from_versions(parts: list[tuple[int, pd.DataFrame]]) -> pd.DataFrame:
    """The states table from what each version wrote, oldest first: ``[(version, rows), …]``, each frame the
    events that version added or revised (their new state), and those it deleted with ``_deleted`` true."""
    frames = []
    for version, rows in parts:
        rows = rows.copy()
        rows["_vfrom"] = np.int64(version)
        if "_deleted" not in rows:
            rows["_deleted"] = False
        frames.append(rows)
    if not frames:
        return pd.DataFrame(columns=EVENT_COLUMNS + ["_vfrom", "_vto"])
    allrows = pd.concat(frames, ignore_index=True)
    # each state ends at the next row of the same event (a revision or a deletion)
    order = np.lexsort((allrows["_vfrom"].to_numpy(), allrows["event_id"].astype(str).to_numpy()))
    ids = allrows["event_id"].astype(str).to_numpy()[order]
    vfrom = allrows["_vfrom"].to_numpy()[order]
    vto = np.full(len(order), CURRENT, dtype=np.int64)
    same_next = np.append(ids[1:] == ids[:-1], False)
    vto[same_next] = vfrom[1:][same_next[:-1]] if len(order) > 1 else vto[same_next]
    allrows["_vto"] = pd.Series(vto, index=order).sort_index().to_numpy()
    kept = allrows[~allrows["_deleted"].astype(bool)].drop(columns="_deleted")
    return kept.reset_index(drop=True)


__all__ = ["History", "CURRENT", "VERSION_COLUMNS", "CHANGE_COLUMNS", "states_from_versions", "field_changes",
           "utc"]
