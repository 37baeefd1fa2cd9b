"""A cache of imported data sets as GeoParquet, so a second start skips parsing.

An imported file (ACLED, UCDP, native) is read, validated and enriched once; the
result — events, claims, rejected rows and the import report's figures — is kept
under the cache folder, keyed by the file's absolute path, size and modification
time and by the code's CACHE_VERSION. A changed file, or a new version of the
readers, misses the cache and is read again. The cache is only ever an
optimisation: a cache file that cannot be read is ignored and rewritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq

from ..events import points_at
from .monadic import empty_folds

#: Bump when the readers, the schema or enrich change what a data set holds.
CACHE_VERSION = "7"  # 4: the monadic fold list (folded.parquet); 5: border_km to the data's own borders, regions by the file's country; 6: UCDP rows out of order kept, same-actor pairs folded; 7: the events' places


def cache_dir() -> Path:
    """GEO_CACHE_DIR, else ~/.cache/conflict-map (XDG_CACHE_HOME respected)."""
    if os.environ.get("GEO_CACHE_DIR"):
        return Path(os.environ["GEO_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "conflict-map"


def file_stamp(path: str | Path) -> str:
    """A file's path, size and modification time, as text ("missing" when absent)."""
    try:
        st = Path(path).stat()
    except OSError:
        return f"{path}:missing"
    return f"{Path(path).resolve()}:{st.st_size}:{st.st_mtime_ns}"


def cache_key(path: str | Path, *extra: str) -> str | None:
    """A key for a file as it is now; None when the file cannot be stat'ed."""
    try:
        p = Path(path).resolve()
        st = p.stat()
    except OSError:
        return None
    text = "|".join([CACHE_VERSION, str(p), str(st.st_size), str(st.st_mtime_ns), *extra])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def load(key: str) -> dict | None:
    """The cached parts of a data set, or None on a miss (or an unreadable entry)."""
    folder = cache_dir() / key
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        text_columns = meta.pop("_object_columns")
        parts = {
            "events": read_events_parquet(folder / "events.parquet"),
            "claims": pd.read_parquet(folder / "claims.parquet"),
            "rejected": pd.read_parquet(folder / "rejected.parquet"),
            "folded": pd.read_parquet(folder / "folded.parquet"),
        }
        if (folder / "places.parquet").exists():  # the events' distinct places and their countries
            parts["places"] = pd.read_parquet(folder / "places.parquet")
    except Exception:  # a miss, a partial write, an old format: read the file again
        return None
    for name, frame in parts.items():
        # Parquet reads text back as pandas' string dtype: give back exactly what was stored
        for col in text_columns.get(name, []):
            frame[col] = frame[col].astype(object)
    return {"meta": meta, **parts}


def read_events_parquet(path: Path) -> gpd.GeoDataFrame:
    """The cached events; their points made again from longitude and latitude (as ``load_events``
    makes them: one point per place, ``geo.events.points_at``), far faster than decoding a million WKB points."""
    names = pq.read_schema(path).names
    frame = pd.read_parquet(path, columns=[c for c in names if c != "geometry"])
    if "geometry" not in names or "longitude" not in frame or "latitude" not in frame:
        return gpd.read_parquet(path)
    frame.insert(names.index("geometry"), "geometry", points_at(frame["longitude"], frame["latitude"]))
    return gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")


def store(key: str, events: gpd.GeoDataFrame, claims: pd.DataFrame, rejected: pd.DataFrame, meta: dict,
          folded: pd.DataFrame | None = None, places: pd.DataFrame | None = None) -> None:
    """Write a data set's parts atomically (a folder renamed into place); failures are ignored.
    ``folded`` is the import report's list of monadic rows folded into another row's event; ``places``
    the events' distinct places with their countries (``geo.layers.locate``: 1-2 s at 1M events)."""
    folded = empty_folds() if folded is None else folded
    root = cache_dir()
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=root, prefix=".tmp-"))
        events.to_parquet(tmp / "events.parquet")
        claims.to_parquet(tmp / "claims.parquet")
        rejected.to_parquet(tmp / "rejected.parquet")
        folded.to_parquet(tmp / "folded.parquet")
        frames = {"events": events, "claims": claims, "rejected": rejected, "folded": folded}
        if places is not None:
            places.to_parquet(tmp / "places.parquet")
            frames["places"] = places
        text_columns = {name: [c for c in f.columns if f[c].dtype == object] for name, f in frames.items()}
        (tmp / "meta.json").write_text(json.dumps({**meta, "_object_columns": text_columns}), encoding="utf-8")
        target = root / key
        if target.exists():  # another process was faster
            shutil.rmtree(tmp, ignore_errors=True)
            return
        tmp.rename(target)
    except OSError:
        return
