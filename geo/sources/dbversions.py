"""A PostGIS database's versions as the dashboard, the snapshots and the command line use them, as a local
store's are (``geo.sources.versioned``): the versions from the ``versions`` table, each event's states from
``events`` and ``events_history`` (kept by triggers, ``geo.db.history``), and the data set as of a version read
through ``PostgisSource.as_of``.

``DatabaseHistory`` is a ``geo.versions.history.History`` that never reads every state of a database: what
changed since a version reads only the rows written or ended after it (``events.version_id > V``, the history's
``valid_to > V``: both indexed), and an event's revisions only that event's rows.
"""

from __future__ import annotations

import dataclasses
import io

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from ..db import history as dbhistory
from ..db.postgis import EVENT_COLUMNS_SQL, PostgisSource
from ..db.sql import _PARSE, ENRICHED, _copy_out
from ..events import EVENT_SCHEMA, geoframe_from_table
from ..versions.history import CURRENT, History

_KINDS = {c.name: c.kind for c in EVENT_SCHEMA} | dict(ENRICHED)
_TYPES = {"text": pa.string(), "date": pa.date32(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}


def has_versions(src: PostgisSource) -> bool:
    """Whether the database keeps its versions (``python -m geo db init`` installs them)."""
    return bool(src.run(lambda conn: conn.execute("SELECT to_regclass('versions') IS NOT NULL AND "
                                                  "to_regclass('events_history') IS NOT NULL").fetchone()[0]))


def _states_frame(data: bytes) -> pd.DataFrame:
    """The CSV of states (the events' columns, ``_vfrom``, ``_vto``) as ``PostgisSource.events`` gives events."""
    types = {c: _TYPES[_KINDS[c]] for c in EVENT_COLUMNS_SQL} | {"_vfrom": pa.int64(), "_vto": pa.int64()}
    table = pacsv.read_csv(io.BytesIO(data), parse_options=_PARSE, convert_options=pacsv.ConvertOptions(
        column_types=types, strings_can_be_null=False, quoted_strings_can_be_null=False,
        true_values=["t"], false_values=["f"]))
    frame = table.to_pandas(date_as_object=False)
    for c in EVENT_COLUMNS_SQL:
        if _KINDS[c] == "text":
            frame[c] = frame[c].astype(object)
        elif _KINDS[c] == "date":
            frame[c] = pd.to_datetime(frame[c]).astype("datetime64[ns]")
    frame["in_tuareg_region"] = frame["in_tuareg_region"].astype("boolean")
    return pd.DataFrame(geoframe_from_table(frame))


def db_states(src: PostgisSource, *, after: int | None = None, event_id: str | None = None) -> pd.DataFrame:
    """States of the database's events (``History.states``): every one, those written or ended after version
    ``after`` (what changed since it needs no other), or one event's."""
    cols = ", ".join(EVENT_COLUMNS_SQL)
    now, old, params = "true", "true", {}
    if after is not None:
        now, old, params = "version_id > %(after)s", "valid_to > %(after)s", {"after": int(after)}
    if event_id is not None:
        now, old, params = "event_id = %(id)s", "event_id = %(id)s", {"id": str(event_id)}
    sql = (f"SELECT {cols}, version_id AS _vfrom, {CURRENT}::bigint AS _vto FROM events WHERE {now} UNION ALL "
           f"SELECT {cols}, version_id, valid_to FROM events_history WHERE {old} ORDER BY event_id, _vfrom")
    return _states_frame(src.run(lambda conn: _copy_out(conn, sql, params)))


class DatabaseHistory(History):
    """A database's versions and states (see the module's docstring): each question reads only its rows."""

    def __init__(self, src: PostgisSource):
        self.src = src
        super().__init__(src.run(dbhistory.versions), load=lambda: db_states(src))

    def _after(self, version: int | None) -> History:
        since = None if version is None or int(version) < 0 else int(version)
        return History(self.versions, db_states(self.src, after=since))

    def changed_since(self, version: int | None, upto: int | None = None) -> pd.DataFrame:
        """``History.changed_since``, kept per question (a page asks it at every run; the versions written never
        change, and a new one makes a new history). Shared: never change the frame returned."""
        key = ("changed", version, upto)
        if key not in self._cache:
            out = self._after(version).changed_since(version, upto)
            # "deleted from ACLED on …" names the data a sync wrote; a load or a change by hand names none
            out["change_source"] = out["change_source"].where(~out["change_source"].map(_machinery).astype(bool), "")
            if len(self._cache) > 16:
                self._cache.clear()
            self._cache[key] = out
        return self._cache[key]

    def changes(self, version: int | None = None) -> pd.DataFrame:
        return self._after(version).changes(version)

    def revisions(self, event_id: str) -> list[dict]:
        return History(self.versions, db_states(self.src, event_id=str(event_id))).revisions(event_id)


def _machinery(source) -> bool:
    """Whether a version's source names what wrote it (a load, a change by hand) rather than the data's source."""
    text = str(source)
    return text == dbhistory.BY_HAND or text.startswith(("db load", "bulk load", "before versions"))


def with_db_versions(data, src: PostgisSource, version: int | None = None, history: History | None = None):
    """``data`` (a database's data set: ``Dataset`` or ``geo.db.pushdown.DatabaseDataset``, as of ``version``, the
    newest for None) with its versions, as ``geo.sources.versioned.with_versions`` gives a store's: ``history``,
    ``shown_version``, and the versions' times in its vocabulary. ``data`` itself when the database keeps none."""
    if history is None:
        if not has_versions(src):
            return data
        history = DatabaseHistory(src)
    if history.latest is None:
        return data
    voc = dataclasses.replace(data.vocabulary, versions=tuple(t.to_pydatetime() for t in history.versions["created"]))
    object.__setattr__(data, "vocabulary", voc)
    data.__dict__["history"] = history
    data.__dict__["shown_version"] = int(history.latest if version is None else version)
    return data


__all__ = ["DatabaseHistory", "db_states", "has_versions", "with_db_versions"]
