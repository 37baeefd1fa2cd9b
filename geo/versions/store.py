"""A local store: a folder holding every version of a data set, opened like a file (``--data DIR``).

    DIR/manifest.json            the versions: id, created (UTC), source, added, revised, deleted, file
    DIR/versions/000001.parquet  what that version wrote: the events it added or revised (their new state),
                                 and those it deleted (their last state, ``_deleted`` true); GeoParquet

Nothing is ever overwritten: a version's file is written, flushed to disk and renamed into place, then the
manifest is replaced the same way (``os.replace``, atomic), so a write stopped at any moment leaves the store
as it was after the last complete version. ``open_store(DIR)`` reads it; ``Store.write`` adds a version
(a sync, or any change): the events given are compared with the current ones, and only what differs is kept.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from ..errors import GeoError
from ..events import EVENT_COLUMNS, geoframe_from_table
from .history import COMPARED, History, _text, states_from_versions

MANIFEST = "manifest.json"
FORMAT = "geo-store/1"


class StoreError(GeoError):
    """A folder that is not a readable store (naming the file and what is wrong)."""


def is_store(path) -> bool:
    """Whether ``path`` is a local store's folder (it holds a manifest)."""
    try:
        return isinstance(path, (str, os.PathLike)) and (Path(path) / MANIFEST).is_file()
    except (OSError, ValueError):
        return False


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Store:
    """A local store (see the module). ``versions()``, ``events(asof)``, ``history()``, ``write(...)``."""

    def __init__(self, root):
        self.root = Path(root)
        self._history: History | None = None

    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST

    def manifest(self) -> dict:
        if not self.manifest_path.exists():
            return {"format": FORMAT, "versions": [], "attribution": None}
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StoreError(f"{self.manifest_path}: not a readable manifest ({exc})") from None
        if data.get("format") != FORMAT or not isinstance(data.get("versions"), list):
            raise StoreError(f"{self.manifest_path}: not a {FORMAT} manifest (field 'format' or 'versions')")
        return data

    @property
    def attribution(self) -> str | None:
        return self.manifest().get("attribution")

    def versions(self) -> pd.DataFrame:
        """Every version, oldest first: id, created (UTC), source, added, revised, deleted."""
        rows = self.manifest()["versions"]
        frame = pd.DataFrame(rows, columns=["id", "created", "source", "added", "revised", "deleted"])
        frame["created"] = pd.to_datetime(frame["created"], utc=True)
        return frame.astype({"id": "int64", "added": "int64", "revised": "int64", "deleted": "int64"})

    def history(self) -> History:
        """Every state of every event (read once per store object)."""
        if self._history is None:
            manifest = self.manifest()
            parts = []
            for entry in manifest["versions"]:
                path = self.root / entry["file"]
                try:
                    parts.append((int(entry["id"]), gpd.read_parquet(path)))
                except (OSError, ValueError) as exc:
                    raise StoreError(f"{path}: version {entry['id']} cannot be read ({exc})") from None
            states = states_from_versions(parts)
            if "geometry" in states:
                states = gpd.GeoDataFrame(states, geometry="geometry", crs="EPSG:4326")
            self._history = History(states, self.versions())
        return self._history

    def events(self, asof=None) -> pd.DataFrame:
        """The events as of a moment (``asof``: a datetime, to the second) or the latest."""
        h = self.history()
        if asof is None:
            return h.events()
        v = h.version_at(asof)
        if v is None:
            raise StoreError(f"{self.root}: no version at or before {asof}")
        return h.events(v)

    def changes(self, since=None) -> pd.DataFrame:
        """Every change after the moment ``since`` (None: all), one row per change (``History.changes``)."""
        h = self.history()
        return h.changes(None if since is None else h.version_at(since))

    def write(self, events: pd.DataFrame, *, source: str, deleted=(), full: bool = False,
              attribution: str | None = None, now: dt.datetime | None = None) -> dict:
        """Add a version: ``events`` (canonical rows) are upserted by ``event_id`` and ``deleted`` ids removed;
        with ``full`` the events are the whole data (any other event is deleted, as a UCDP version replaces the
        last). Only rows that differ are kept. Returns the version's manifest entry (its counts)."""
        manifest = self.manifest()
        current = self.history().events() if manifest["versions"] else pd.DataFrame(columns=EVENT_COLUMNS)
        new = events.drop_duplicates("event_id", keep="last")
        known = current.set_index(current["event_id"].astype(str), drop=False)
        ids = new["event_id"].astype(str)
        fresh = ~ids.isin(known.index)
        changed = np.array([not fresh_ and _differs(known.loc[i], row) for i, fresh_, row in
                            zip(ids, fresh, new.to_dict("records"))], dtype=bool)
        gone = set(map(str, deleted))
        if full:
            gone |= set(known.index) - set(ids)
        gone &= set(known.index)
        rows = new[fresh.to_numpy() | changed]
        dead = known.loc[sorted(gone)].assign(_deleted=True) if gone else None
        if len(rows) == 0 and dead is None:
            return {}
        vid = (max((int(v["id"]) for v in manifest["versions"]), default=0)) + 1
        part = pd.concat([rows.assign(_deleted=False)] + ([dead] if dead is not None else []), ignore_index=True)
        keep = [c for c in EVENT_COLUMNS if c in part] + ["_deleted"]  # what the source said, not what we compute
        part = geoframe_from_table(pd.DataFrame({c: part[c].to_numpy(dtype=object) if c != "_deleted"
                                                 else part[c].to_numpy(dtype=bool) for c in keep}))
        part = part.astype({c: "datetime64[ns]" for c in ("event_date",) if c in part})
        rel = f"versions/{vid:06d}.parquet"
        (self.root / "versions").mkdir(parents=True, exist_ok=True)
        tmp = self.root / (rel + ".tmp")
        part.to_parquet(tmp)
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, self.root / rel)
        created = pd.Timestamp(now or dt.datetime.now(dt.timezone.utc))
        created = created.tz_localize("UTC") if created.tzinfo is None else created.tz_convert("UTC")
        if manifest["versions"]:  # each version in a second of its own: a link's time (to the second) names one
            last = pd.Timestamp(manifest["versions"][-1]["created"]).tz_convert("UTC").floor("s")
            created = max(created, last + pd.Timedelta(seconds=1))
        entry = {"id": vid, "created": created.isoformat(), "source": str(source), "added": int(fresh.sum()),
                 "revised": int(changed.sum()), "deleted": len(gone), "file": rel}
        manifest["versions"].append(entry)
        if attribution:
            manifest["attribution"] = attribution
        _write_atomic(self.manifest_path, json.dumps(manifest, indent=1).encode("utf-8"))
        self._history = None
        return entry


def _differs(old, new: dict) -> bool:
    return any(_text(old.get(c)) != _text(new.get(c)) for c in COMPARED if c in new)


def open_store(root) -> Store:
    """The store in folder ``root`` (created on the first ``write``)."""
    return Store(root)


__all__ = ["Store", "StoreError", "open_store", "is_store", "MANIFEST"]
