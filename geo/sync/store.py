"""The local store: a folder that holds one source's events (ACLED or UCDP) as synced, every version kept.

Contract (what other parts may rely on)
---------------------------------------
``open_store(DIR)`` opens a store (``DataError`` when ``DIR`` is not one; ``is_store(DIR)`` asks).

- ``store.versions()``: every version, oldest first, each a ``Version``: ``id`` (1, 2, …), ``created``
  (UTC), ``source`` ("acled" or "ucdp"), ``added``, ``revised``, ``deleted`` (events, against the
  version before), ``events`` (how many it holds), ``files``, ``full`` (its file holds every event, not
  a delta), ``state`` (the sync's watermarks after it: ACLED's ``timestamp`` and ``deleted_timestamp``,
  UCDP's ``version``) and ``query`` (ACLED's countries and first date).
- ``store.events(asof=None)`` -> ``(events, claims)``: the events in the canonical schema exactly as
  ``geo.read_events`` gives the same rows of a file (canonical columns first, then the source's own, as
  text; EPSG:4326; sorted by date and id), and their claims (UCDP's low/best/high; none for ACLED).
  ``asof``: a version id, or a time (``datetime``/ISO text, UTC when naive) meaning the last version
  created at or before it; None: the latest. Never changes once written: an earlier version reads the
  same forever.
- ``store.changes(since)`` -> a table of every change after ``since`` (a version id or a time):
  ``version``, ``created``, ``event_id``, ``change`` ("added", "revised" or "deleted").
- ``store.read(asof=None)`` -> ``(events, ImportReport)``, as ``read_events`` for a file.

Layout of ``DIR``
-----------------
``manifest.json`` lists the versions (and the store's source and attribution); ``data/`` holds each
version's files: ``vNNNNNN.parquet`` (GeoParquet-compatible Parquet of the events it added or revised,
or of every event when ``full``; points rebuilt from ``longitude``/``latitude``, a ``_hash`` per row)
and ``vNNNNNN-deleted.parquet`` (``event_id`` of the events it deleted). An ACLED sync writes a delta;
a full file is written when the deltas since the last full one reach half its rows (so an as-of view
reads one full file plus a few small deltas), and a UCDP version is always a full file (a version
replaces the previous one). A version's events are: its last full file, then each later delta in
order, an id's last row winning, less the ids deleted after that row.

Writing is atomic: a new version's files are written under new names, flushed (fsync), then the
manifest is written beside itself, flushed and renamed over ``manifest.json`` (and the folder flushed).
A sync killed at any moment leaves the manifest of the last complete sync, which names only complete
files; files of a killed sync are named by no version and are removed by the next sync. One sync at a
time (a lock file); readers need no lock.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import DataError, SyncError
from ..events import CLAIM_COLUMNS, CRS, EVENT_SCHEMA
from ..i18n import N_
from ..io.formats import ACLED_ATTRIBUTION, UCDP_ATTRIBUTION, ucdp_claims
from ..io.monadic import empty_folds
from ..io.report import REJECTED_COLUMNS, ImportReport

MANIFEST = "manifest.json"
FORMAT = "geo-conflict-map store"
FORMAT_VERSION = 1
ATTRIBUTIONS = {"acled": ACLED_ATTRIBUTION, "ucdp": UCDP_ATTRIBUTION}
SOURCE_NAMES = {"acled": "ACLED", "ucdp": "UCDP GED"}
HASH = "_hash"
#: A full file is written when the rows of the deltas since the last full one reach this share of its rows.
CHECKPOINT_SHARE = 0.5


def is_store(path) -> bool:
    """Whether ``path`` is a store's folder (it holds a store's manifest)."""
    try:
        return isinstance(path, (str, os.PathLike)) and (Path(path) / MANIFEST).is_file()
    except (OSError, ValueError):
        return False


def open_store(path) -> Store:
    """The store in folder ``path``; ``DataError`` when it is not one or its manifest is unreadable."""
    return Store(path)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def _utc(value) -> dt.datetime:
    when = pd.Timestamp(value)
    when = when.tz_localize("UTC") if when.tzinfo is None else when.tz_convert("UTC")
    return when.to_pydatetime()


@dataclass(frozen=True)
class Version:
    """One version of a store (see the module's contract)."""

    id: int
    created: dt.datetime
    source: str
    added: int
    revised: int
    deleted: int
    events: int
    files: dict = field(default_factory=dict)
    full: bool = False
    state: dict = field(default_factory=dict)
    query: dict = field(default_factory=dict)

    @classmethod
    def of(cls, entry: dict) -> Version:
        return cls(int(entry["id"]), _utc(entry["created"]), entry["source"], int(entry["added"]),
                   int(entry["revised"]), int(entry["deleted"]), int(entry.get("events", 0)),
                   dict(entry.get("files") or {}), bool(entry.get("full")), dict(entry.get("state") or {}),
                   dict(entry.get("query") or {}))

    def entry(self) -> dict:
        return {"id": self.id, "created": self.created.strftime("%Y-%m-%dT%H:%M:%SZ"), "source": self.source,
                "added": self.added, "revised": self.revised, "deleted": self.deleted, "events": self.events,
                "files": self.files, "full": self.full, "state": self.state, "query": self.query}


class Store:
    """A store's folder, read through its manifest (see the module's contract)."""

    def __init__(self, path):
        self.path = Path(path)
        try:
            doc = json.loads((self.path / MANIFEST).read_text(encoding="utf-8"))
            if doc.get("format") != FORMAT:
                raise ValueError("not a store manifest")
            self.source = str(doc["source"])
            self._versions = [Version.of(v) for v in doc.get("versions", [])]
        except FileNotFoundError:
            raise DataError(N_("not a synced store (no manifest.json)"), path=str(path)) from None
        except (OSError, ValueError, KeyError, TypeError):
            raise DataError(N_("the store's manifest.json is unreadable"), path=str(path)) from None
        self.attribution = ATTRIBUTIONS.get(self.source, "")

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r}, source={self.source!r}, versions={len(self._versions)})"

    @property
    def name(self) -> str:
        return SOURCE_NAMES.get(self.source, self.source)

    def versions(self) -> list[Version]:
        return list(self._versions)

    def latest(self) -> Version | None:
        return self._versions[-1] if self._versions else None

    def version(self, asof=None) -> Version | None:
        """The version ``asof`` names (an id, or a time: the last created at or before it); None before the first."""
        if not self._versions:
            return None
        if asof is None:
            return self._versions[-1]
        if isinstance(asof, (int, np.integer)) and not isinstance(asof, bool):
            found = [v for v in self._versions if v.id == int(asof)]
            if not found:
                raise DataError(N_("no version {id} in the store").format(id=int(asof)), path=str(self.path))
            return found[0]
        when = _utc(asof)
        before = [v for v in self._versions if v.created <= when]
        return before[-1] if before else None

    # -- reading ------------------------------------------------------------------------------------

    def _chain(self, version: Version) -> list[Version]:
        """The versions whose files make ``version``: its last full one, then the deltas after it."""
        upto = [v for v in self._versions if v.id <= version.id]
        start = max((i for i, v in enumerate(upto) if v.full), default=0)
        return upto[start:]

    def table(self, asof=None, *, columns: list[str] | None = None) -> pa.Table | None:
        """The events of a version as an Arrow table (with ``_hash``); None for an empty store."""
        version = self.version(asof)
        if version is None:
            return None
        parts, deleted = [], []
        for k, v in enumerate(self._chain(version)):
            if "events" in v.files:
                t = pq.read_table(self.path / v.files["events"], columns=columns)
                parts.append(t.append_column("_order", pa.array(np.full(len(t), k, dtype=np.int32))))
            if "deleted" in v.files:
                d = pq.read_table(self.path / v.files["deleted"]).column("event_id").to_numpy(zero_copy_only=False)
                deleted.append(pd.DataFrame({"event_id": d, "_order": k}))
        if not parts:
            return None
        table = pa.concat_tables(parts, promote_options="default") if len(parts) > 1 else parts[0]
        if len(parts) == 1 and not deleted:
            return table.drop_columns(["_order"])
        ids = table.column("event_id").to_numpy(zero_copy_only=False)
        rows = pd.DataFrame({"event_id": ids, "_order": table.column("_order").to_numpy(), "_row": np.arange(len(ids))})
        if deleted:
            gone = pd.concat(deleted, ignore_index=True).assign(_row=-1)
            rows = pd.concat([rows, gone], ignore_index=True)
        last = rows.sort_values("_order", kind="stable").drop_duplicates("event_id", keep="last")
        keep = np.sort(last["_row"].to_numpy()[last["_row"].to_numpy() >= 0])
        return table.take(pa.array(keep)).drop_columns(["_order"])

    def events(self, asof=None) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
        """(events, claims) of a version (the latest by default); see the module's contract."""
        table = self.table(asof)
        if table is None:
            frame = pd.DataFrame({"event_id": pd.Series([], dtype=object)})
            events = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy([], [], crs=CRS), crs=CRS)
            return events, pd.DataFrame(columns=CLAIM_COLUMNS)
        events = frame_of(table.drop_columns([HASH]) if HASH in table.column_names else table)
        claims = ucdp_claims(events) if self.source == "ucdp" else pd.DataFrame(columns=CLAIM_COLUMNS)
        return events, claims

    def read(self, asof=None) -> tuple[gpd.GeoDataFrame, ImportReport]:
        """(events, report), as ``geo.read_events`` gives a file's: the report says which version."""
        version = self.version(asof)
        events, claims = self.events(asof)
        fmt = self.source if self.source in ATTRIBUTIONS else "native"
        warnings = [N_("{source} as of {created} UTC (version {id} of the store)").format(
            source=self.name, created=version.created.strftime("%Y-%m-%d %H:%M"), id=version.id)] if version else []
        report = ImportReport(format=fmt, source_name=str(self.path), encoding="binary", rows_read=len(events),
                              accepted=len(events), rejected=pd.DataFrame(columns=REJECTED_COLUMNS),
                              warnings=warnings, claims=claims, attribution=self.attribution, folded=empty_folds())
        return events, report

    def changes(self, since=None) -> pd.DataFrame:
        """Every change after ``since`` (a version id or a time; None: every change): ``version``,
        ``created``, ``event_id``, ``change`` ("added", "revised", "deleted")."""
        start = 0
        if since is not None:
            base = self.version(since)
            start = base.id if base is not None else 0
        frames = []
        previous = None
        for v in self._versions:
            current = self.table(v.id, columns=["event_id", HASH])
            if v.id > start:
                frames.append(_diff(previous, current).assign(version=v.id, created=pd.Timestamp(v.created)))
            previous = current
        if not frames:
            return pd.DataFrame({"version": pd.Series([], dtype=int), "created": pd.Series([], dtype="datetime64[ns, UTC]"),
                                 "event_id": pd.Series([], dtype=object), "change": pd.Series([], dtype=object)})
        return pd.concat(frames, ignore_index=True)[["version", "created", "event_id", "change"]]


def _diff(before: pa.Table | None, after: pa.Table | None) -> pd.DataFrame:
    """Per event: added, revised or deleted between two states (each ``event_id`` and ``_hash``)."""
    def frame(t):
        if t is None:
            return pd.DataFrame({"event_id": pd.Series([], dtype=object), HASH: pd.Series([], dtype="uint64")})
        return pd.DataFrame({"event_id": t.column("event_id").to_numpy(zero_copy_only=False),
                             HASH: t.column(HASH).to_numpy(zero_copy_only=False)})
    merged = frame(before).merge(frame(after), on="event_id", how="outer", suffixes=("_a", "_b"), indicator=True)
    change = np.select([merged["_merge"].eq("right_only"), merged["_merge"].eq("left_only"),
                        merged[HASH + "_a"].ne(merged[HASH + "_b"])], ["added", "deleted", "revised"], "")
    merged["change"] = change
    return merged.loc[merged["change"].ne(""), ["event_id", "change"]].sort_values("event_id", ignore_index=True)


def frame_of(table: pa.Table) -> gpd.GeoDataFrame:
    """A stored table as ``read_events`` gives events: text "" when missing (the canonical columns as objects), points
    from longitude and latitude, sorted by date and id."""
    frame = table.to_pandas()
    for name, typ in zip(table.column_names, table.schema.types):
        if pa.types.is_string(typ) or pa.types.is_large_string(typ) or pa.types.is_null(typ):
            values = frame[name].fillna("") if frame[name].hasnans else frame[name]
            # the canonical text columns are plain objects, the source's own columns pandas' str (as read_events)
            frame[name] = values.astype(object) if name in _TEXT else values.astype("str")
    geometry = gpd.points_from_xy(frame["longitude"], frame["latitude"], crs=CRS)
    events = gpd.GeoDataFrame(frame, geometry=geometry, crs=CRS)
    return events.sort_values(["event_date", "event_id"], ignore_index=True)


_TEXT = {c.name for c in EVENT_SCHEMA if c.kind == "text"}


def arrow_of(events: pd.DataFrame, hashes: np.ndarray, schema: pa.Schema | None = None) -> pa.Table:
    """A page of canonical events (``read_events``'s) as a stored table: no geometry, a ``_hash`` per row,
    aligned on ``schema`` (a store's first page's) when given: missing columns empty, unknown ones dropped."""
    frame = pd.DataFrame(events).drop(columns=[c for c in ("geometry",) if c in events.columns])
    frame[HASH] = np.asarray(hashes, dtype=np.uint64)
    if schema is None:
        table = pa.Table.from_pandas(frame, preserve_index=False)
        fields = [pa.field(f.name, pa.string()) if pa.types.is_null(f.type) else f for f in table.schema]
        return table.cast(pa.schema(fields))
    for name in schema.names:
        if name not in frame.columns:
            frame[name] = None
    return pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False)


def row_hashes(events: pd.DataFrame) -> np.ndarray:
    """A 64-bit hash of each event's content (every column but the geometry, as text): equal rows, equal hashes."""
    frame = pd.DataFrame(events).drop(columns=[c for c in ("geometry",) if c in events.columns])
    text = frame.astype(str)
    return pd.util.hash_pandas_object(text[sorted(text.columns)], index=False).to_numpy(dtype=np.uint64)


def fsync_file(path: Path) -> None:
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class StoreLock:
    """One sync at a time in a store's folder (an exclusive lock on ``DIR/.lock``, released at exit)."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def __enter__(self):
        self.path.mkdir(parents=True, exist_ok=True)
        self._f = open(self.path / ".lock", "a+")
        try:
            fcntl.flock(self._f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._f.close()
            raise SyncError(N_("{path}: another sync is running in this store").format(path=str(self.path))) from None
        return self

    def __exit__(self, *exc) -> None:
        fcntl.flock(self._f.fileno(), fcntl.LOCK_UN)
        self._f.close()


def write_manifest(path: Path, source: str, versions: list[Version]) -> None:
    """The manifest, written beside itself, flushed, and renamed into place (then the folder flushed)."""
    doc = {"format": FORMAT, "format_version": FORMAT_VERSION, "source": source,
           "attribution": ATTRIBUTIONS.get(source, ""), "versions": [v.entry() for v in versions]}
    tmp = path / (MANIFEST + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path / MANIFEST)
    fsync_dir(path)


def clean_leftovers(path: Path, versions: list[Version]) -> None:
    """Remove what a killed sync left: staging folders and data files that no version names."""
    named = {f for v in versions for f in v.files.values()}
    for item in path.glob(".staging-*"):
        shutil.rmtree(item, ignore_errors=True)
    data = path / "data"
    if data.is_dir():
        for item in data.iterdir():
            if f"data/{item.name}" not in named:
                item.unlink(missing_ok=True)
    (path / (MANIFEST + ".tmp")).unlink(missing_ok=True)
