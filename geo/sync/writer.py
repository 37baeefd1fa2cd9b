"""Writing a sync into the local store: the pages as they come (a page at a time in memory), then one new
version switched in atomically (see ``geo.sync.store`` for the layout and the contract).

``StoreSink(DIR, source, mode)``: ``mode`` "delta" (ACLED: the pages are the events added or revised
since the watermark, and deletions come apart) or "replace" (UCDP: the pages are the whole new version;
what is not in it was removed). ``add(events, hashes)`` for each page, ``delete(ids)``, then
``commit(state, query)`` -> ``Counts``; ``abort()`` (or leaving without commit) removes the staging.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..db.upsert import Counts
from ..errors import SyncError
from ..i18n import N_
from .store import (CHECKPOINT_SHARE, HASH, SOURCE_NAMES, Store, StoreLock, Version, arrow_of, clean_leftovers,
                    fsync_dir, fsync_file, is_store, utc_now, write_manifest)


class StoreSink:
    """A sync's changes, staged page by page, committed as one new version of the store in ``path``."""

    def __init__(self, path, source: str, mode: str):
        self.path = Path(path)
        self.source, self.mode = source, mode
        self._lock = StoreLock(self.path)
        self._lock.__enter__()
        try:
            self.store = Store(self.path) if is_store(self.path) else None
            if self.store is not None and self.store.source != source:
                raise SyncError(N_("{path} holds {other} data; sync {source} into another folder").format(
                    path=str(self.path), other=self.store.name, source=SOURCE_NAMES.get(source, source)))
            versions = self.store.versions() if self.store else []
            clean_leftovers(self.path, versions)
            current = self.store.table(columns=["event_id", HASH]) if self.store else None
            self.current = (pd.Series(current.column(HASH).to_numpy(), index=current.column("event_id").to_numpy(
                zero_copy_only=False)) if current is not None else pd.Series([], dtype="uint64"))
            self.staging = self.path / f".staging-{os.getpid()}-{uuid.uuid4().hex[:8]}"
            self.staging.mkdir(parents=True)
        except BaseException:
            self._lock.__exit__(None, None, None)
            raise
        self._writer: pq.ParquetWriter | None = None
        self._schema: pa.Schema | None = None
        self._ids: list[np.ndarray] = []  # the staged rows' ids and hashes, in order (small: no text but ids)
        self._hashes: list[np.ndarray] = []
        self._deleted: set[str] = set()
        self.state = self.store.latest().state if self.store and self.store.latest() else {}
        self.query = self.store.latest().query if self.store and self.store.latest() else {}

    @property
    def label(self) -> str:
        return str(self.path)

    def add(self, events: pd.DataFrame, hashes: np.ndarray) -> None:
        """Stage a page of canonical events (``read_events``'s) with their content hashes."""
        if not len(events):
            return
        ids = events["event_id"].astype(str).to_numpy(dtype=object)
        hashes = np.asarray(hashes, dtype=np.uint64)
        if self.mode == "delta":  # rows the store already holds unchanged are not written again
            known, old = _lookup(self.current, ids)
            same = known & (old == hashes)
            if same.all():
                return
            events, ids, hashes = events[~same], ids[~same], hashes[~same]
        table = arrow_of(events, hashes, self._schema)
        if self._writer is None:
            self._schema = table.schema
            self._writer = pq.ParquetWriter(self.staging / "events.parquet", self._schema, compression="zstd")
        self._writer.write_table(table)
        self._ids.append(ids)
        self._hashes.append(hashes)

    def delete(self, ids) -> None:
        self._deleted.update(str(i) for i in ids if i)

    def held(self) -> int:
        """How many events the store holds now."""
        return len(self.current)

    def abort(self) -> None:
        """Drop the staged pages and release the store (idempotent): the store stays as it was."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        shutil.rmtree(self.staging, ignore_errors=True)
        if self._lock is not None:
            self._lock.__exit__(None, None, None)
            self._lock = None

    def commit(self, state: dict, query: dict) -> Counts:
        """Write the staged changes as a new version (atomically) and return what changed."""
        try:
            return self._commit(state, query)
        finally:
            self.abort()

    def _final(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The staged rows to keep (an id's last row, not deleted, changed), and their ids and hashes."""
        ids = np.concatenate(self._ids) if self._ids else np.array([], dtype=object)
        hashes = np.concatenate(self._hashes) if self._hashes else np.array([], dtype=np.uint64)
        keep = ~pd.Series(ids).duplicated(keep="last").to_numpy()
        if self._deleted and self.mode == "delta":
            keep &= ~pd.Series(ids).isin(self._deleted).to_numpy()
        return keep, ids, hashes

    def _commit(self, state: dict, query: dict) -> Counts:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        keep, ids, hashes = self._final()
        before = self.current
        kept_ids, kept_hashes = ids[keep], hashes[keep]
        known, old = _lookup(before, kept_ids)
        is_new = ~known
        changed = is_new | (old != kept_hashes)
        if self.mode == "replace":
            gone = ~before.index.isin(pd.Index(kept_ids))
            deleted_ids = set(before.index[gone])
            full = True
        else:
            deleted_ids = set(before.index[before.index.isin(list(self._deleted))]) if self._deleted else set()
            full = None
        added, revised = int(is_new.sum()), int((changed & ~is_new).sum())
        total = len(before) + added - len(deleted_ids)
        versions = self.store.versions() if self.store else []
        vid = (versions[-1].id + 1) if versions else 1
        if full is None:  # a delta, unless the deltas since the last full file have grown too long
            since_full = _rows_since_full(versions)
            full = not versions or (since_full[0] + int(changed.sum()) >= CHECKPOINT_SHARE * max(since_full[1], 1))
        files = {}
        (self.path / "data").mkdir(exist_ok=True)
        staged = self.staging / "events.parquet"
        rows = keep.copy()
        rows[keep] = changed if not full or self.mode != "replace" else True
        if full and self.mode == "delta" and versions:
            files["events"] = self._write_full(vid, staged if rows.any() else None, rows, deleted_ids)
        elif rows.any() and (full or rows.sum()):
            files["events"] = self._move(staged, rows, f"data/v{vid:06d}.parquet")
        if deleted_ids and not full:
            target = self.path / f"data/v{vid:06d}-deleted.parquet"
            pq.write_table(pa.table({"event_id": pa.array(sorted(deleted_ids), pa.string())}), target)
            fsync_file(target)
            files["deleted"] = f"data/v{vid:06d}-deleted.parquet"
        created = utc_now()
        if versions and created <= versions[-1].created:  # two syncs within a second: keep versions in order
            created = versions[-1].created + pd.Timedelta(seconds=1).to_pytimedelta()
        version = Version(vid, created, self.source, added, revised, len(deleted_ids), total, files,
                          bool(full and files.get("events")), state, query)
        fsync_dir(self.path / "data")
        write_manifest(self.path, self.source, versions + [version])
        return Counts(added, revised, len(deleted_ids), total, vid, created)

    def _move(self, staged: Path, rows: np.ndarray, name: str) -> str:
        """The staged file as a version's file: renamed when every row stays, else its kept rows copied."""
        target = self.path / name
        if rows.all():
            os.replace(staged, target)
        else:
            _copy_rows(staged, rows, target)
        fsync_file(target)
        return name

    def _write_full(self, vid: int, staged: Path | None, rows: np.ndarray, deleted_ids: set) -> str:
        """A full file of the new state: the current events, less the deleted and the changed, plus the changed."""
        name = f"data/v{vid:06d}.parquet"
        current = self.store.table()
        changed_ids = set()
        parts = []
        if staged is not None:
            new = pq.read_table(staged).filter(pa.array(rows))
            changed_ids = set(new.column("event_id").to_pylist())
            parts.append(new)
        if current is not None:
            drop = pd.Series(current.column("event_id").to_numpy(zero_copy_only=False)).isin(
                changed_ids | set(deleted_ids)).to_numpy()
            parts.insert(0, current.filter(pa.array(~drop)))
        table = pa.concat_tables(parts, promote_options="default")
        pq.write_table(table, self.path / name, compression="zstd")
        fsync_file(self.path / name)
        return name


def _lookup(current: pd.Series, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whether each id is held, and its hash (0 where not): exact 64-bit values, never through floats."""
    pos = current.index.get_indexer(ids) if len(current) else np.full(len(ids), -1)
    known = pos >= 0
    values = current.to_numpy(dtype=np.uint64)
    old = np.zeros(len(ids), dtype=np.uint64)
    old[known] = values[pos[known]]
    return known, old


def _rows_since_full(versions: list[Version]) -> tuple[int, int]:
    """(rows written by the deltas after the last full version, rows of that full version)."""
    rows, full_rows = 0, 0
    for v in reversed(versions):
        if v.full:
            full_rows = v.events
            break
        rows += v.added + v.revised
    return rows, full_rows


def _copy_rows(staged: Path, rows: np.ndarray, target: Path) -> None:
    """The rows of ``staged`` where ``rows`` is true, into ``target``: a batch at a time (bounded memory)."""
    source = pq.ParquetFile(staged)
    writer = pq.ParquetWriter(target, source.schema_arrow, compression="zstd")
    start = 0
    try:
        for batch in source.iter_batches(batch_size=65_536):
            mask = rows[start:start + batch.num_rows]
            start += batch.num_rows
            if mask.any():
                writer.write_table(pa.Table.from_batches([batch]).filter(pa.array(mask)))
    finally:
        writer.close()
