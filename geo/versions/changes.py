"""The downloads of a "changed since" view: one row per change of the events it shows (the event, the version,
its date, added, revised or deleted, the field, from and to), in each export format.

A row carries the change (``History.changes``' columns) and the event it is about, as its newest state says it
(a deleted event's last): its id, date, type, actors, place and point, so that every format (CSV, GeoJSON, KML,
GeoParquet) can place it. ``geo.io.exports`` writes them, with the view's metadata (``ExportMeta``).
"""

from __future__ import annotations

import io
import zipfile

import pandas as pd

from ..io.exports import EXPORT_FORMATS, export_csvw, export_events
from .history import CHANGE_COLUMNS, History

#: What a change row says of its event (the newest state's), besides its id.
EVENT_PART = ["event_date", "event_type", "actor1", "actor2", "country", "admin1", "location", "latitude",
              "longitude", "fatalities"]


def since_version(history: History, day) -> int | None:
    """The newest version made before the day ``day`` (UTC) begins: what changed since that day is what the
    versions after it did. None when every version is of that day or later."""
    start = pd.Timestamp(day).tz_localize("UTC")
    before = history.versions.loc[history.versions["created"] < start, "id"]
    return int(before.iloc[-1]) if len(before) else None


def change_rows(history: History, shown: pd.DataFrame, day, upto: int | None = None) -> pd.DataFrame:
    """One row per change since the day ``day`` (up to version ``upto``) of the events ``shown`` (a "changed
    since" view's events, each the newest state of one changed event): ``CHANGE_COLUMNS`` and ``EVENT_PART``,
    in version and event order. Never changes ``shown``."""
    changes = history.changes(since_version(history, day))
    if upto is not None:
        changes = changes[changes["version"] <= int(upto)]
    ids = shown["event_id"].astype(str)
    changes = changes[changes["event_id"].isin(set(ids))]
    about = pd.DataFrame(shown[[c for c in EVENT_PART if c in shown.columns]]).set_index(ids.to_numpy())
    about = about[~about.index.duplicated(keep="last")]
    rows = changes.join(about, on="event_id")
    rows["created"] = pd.to_datetime(rows["created"], utc=True).dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    for col in ("actor1", "actor2", "country", "admin1", "location", "event_type"):
        if col in rows:
            rows[col] = rows[col].astype(object).where(rows[col].notna(), "")
    return rows[CHANGE_COLUMNS + [c for c in EVENT_PART if c in rows.columns]].reset_index(drop=True)


def change_files(rows: pd.DataFrame, fmt: str, *, name: str, meta=None,
                 attribution: str | None = None) -> dict[str, str | bytes]:
    """The change rows as files of format ``fmt`` (a key of ``geo.io.exports.EXPORT_FORMATS``) by name: the file
    ``name``, and for a CSV its CSVW metadata file beside it (``name + "-metadata.json"``: whose data, the filters,
    the share link, the data's version, each column's type)."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    if fmt != "csv":
        return {name: export_events(rows, fmt, attribution=attribution, meta=meta)}
    return {name: export_events(rows, "csv"), name + "-metadata.json": export_csvw(rows, name, meta)}


def export_changes(rows: pd.DataFrame, fmt: str, *, name: str, meta=None, attribution: str | None = None) -> bytes | str:
    """The change rows as the dashboard's download ``fmt`` named ``name``: ``change_files``' file, or for a CSV a
    zip of the CSV and its CSVW metadata file (``name`` ends in ``.zip``), as the events' download is."""
    if fmt != "csv":
        return change_files(rows, fmt, name=name, meta=meta, attribution=attribution)[name]
    csv_name = name[: -len(".zip")] + ".csv" if name.endswith(".zip") else name
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for file_name, data in change_files(rows, "csv", name=csv_name, meta=meta).items():
            zf.writestr(file_name, data.encode("utf-8"))
    return out.getvalue()


def changes_stem(stem: str, day) -> str:
    """A download's name stem saying that it holds the changes since ``day``."""
    return f"{stem}_changes-since-{pd.Timestamp(day):%Y-%m-%d}"


__all__ = ["EVENT_PART", "change_files", "change_rows", "changes_stem", "export_changes", "since_version"]
