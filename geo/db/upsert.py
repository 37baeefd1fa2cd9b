"""A sync from ACLED's or UCDP's API written into PostGIS: the pages staged, then the upserts and the
deletions applied in **one transaction** (a sync killed or failed leaves the database as it was).

``DatabaseSink(url, source, mode)`` has the same methods as the local store's sink
(``geo.sync.writer.StoreSink``): ``add(events, hashes)`` per page (enriched and copied into a temporary
table), ``delete(ids)``, ``commit(state, query)`` -> counts, ``abort()``. ``mode`` "delta" (ACLED: rows
added or revised, deletions apart) or "replace" (UCDP: the whole version; its ids missing from it, the
``UCDP-`` ones, are deleted). A row equal to the stored one is not rewritten (no trigger fires for it).
The watermarks are kept in ``geo_sync`` (one row per source), written in the same transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd

from ..errors import DatabaseError
from ..events import EVENT_SCHEMA
from ..io.formats import ucdp_claims
from . import history
from .postgis import CLAIM_COLUMNS_SQL, EVENT_COLUMNS_SQL, PostgisSource
from .sql import _copy
from .urls import _message

SYNC_SQL = """
CREATE TABLE IF NOT EXISTS geo_sync (
  source text PRIMARY KEY,
  state jsonb NOT NULL,
  query jsonb NOT NULL DEFAULT '{}',
  synced_at timestamptz NOT NULL DEFAULT now(),
  added integer NOT NULL DEFAULT 0,
  revised integer NOT NULL DEFAULT 0,
  deleted integer NOT NULL DEFAULT 0
)"""
#: The columns a sync compares: what the source says (not what ``enrich`` adds).
DATA_COLUMNS = [c.name for c in EVENT_SCHEMA]
PREFIX = {"ucdp": "UCDP-"}


@dataclass(frozen=True)
class Counts:
    """What a sync changed: events added, revised and deleted, the events held after it, the version written
    (a database's sink and a local store's, ``geo.sync.writer.StoreSink``, report the same)."""

    added: int
    revised: int
    deleted: int
    events: int
    version: int | None = None
    created: object = None


class DatabaseSink:
    """A sync's changes into a PostGIS database, in one transaction (see the module)."""

    def __init__(self, url: str, source: str, mode: str, *, layers: dict | None = None):
        import psycopg

        self.db = PostgisSource(url)
        self.db.init()
        self.source, self.mode, self.layers = source, mode, layers
        self.label = self.db.label
        self.conn = self.db.connect()
        try:
            self._tx = self.conn.transaction()
            self._tx.__enter__()
            self.conn.execute(SYNC_SQL)
            self.conn.execute("LOCK TABLE geo_sync IN SHARE ROW EXCLUSIVE MODE")  # one sync at a time
            row = self.conn.execute("SELECT state, query FROM geo_sync WHERE source = %s", (source,)).fetchone()
            self.state, self.query = (dict(row[0]), dict(row[1])) if row else ({}, {})
            cols = ", ".join(f"{c} {t}" for c, t in self._column_types())
            self.conn.execute(f"CREATE TEMP TABLE sync_stage ({cols}, _seq bigserial) ON COMMIT DROP")
            self.conn.execute("CREATE TEMP TABLE sync_claims (LIKE claims INCLUDING DEFAULTS, _seq bigserial) "
                              "ON COMMIT DROP")
            self.conn.execute("CREATE TEMP TABLE sync_deleted (event_id text) ON COMMIT DROP")
        except psycopg.Error as exc:
            self._close(ok=False)
            raise DatabaseError(_message(exc, url)) from None
        self._url = url

    def _column_types(self) -> list[tuple[str, str]]:
        rows = self.conn.execute(
            "SELECT column_name, format_type(a.atttypid, a.atttypmod) FROM information_schema.columns c "
            "JOIN pg_attribute a ON a.attrelid = 'events'::regclass AND a.attname = c.column_name "
            "WHERE c.table_name = 'events' AND c.table_schema = current_schema() AND c.column_name = ANY(%s) "
            "ORDER BY c.ordinal_position", (EVENT_COLUMNS_SQL,)).fetchall()
        return [(r[0], r[1]) for r in rows]

    def held(self) -> int:
        prefix = PREFIX.get(self.source)
        sql = "SELECT count(*) FROM events" + (" WHERE event_id LIKE %s" if prefix else "")
        return int(self.conn.execute(sql, (prefix + "%",) if prefix else ()).fetchone()[0])

    def _run(self, fn):
        import psycopg

        try:
            return fn()
        except psycopg.Error as exc:
            self._close(ok=False)
            raise DatabaseError(_message(exc, self._url)) from None

    def add(self, events: pd.DataFrame, hashes=None) -> None:
        """Stage a page (enriched here: region, border distance)."""
        if not len(events):
            return
        from ..analysis import enrich

        enriched = enrich(events, self.layers)
        self._run(lambda: _copy(self.conn, "sync_stage", enriched, EVENT_COLUMNS_SQL))
        if self.source == "ucdp":
            claims = ucdp_claims(events)
            self._run(lambda: _copy(self.conn, "sync_claims", claims, CLAIM_COLUMNS_SQL))

    def delete(self, ids) -> None:
        ids = [str(i) for i in ids if i]
        if ids:
            frame = pd.DataFrame({"event_id": ids})
            self._run(lambda: _copy(self.conn, "sync_deleted", frame, ["event_id"]))

    def commit(self, state: dict, query: dict) -> Counts:
        counts = self._run(lambda: self._apply(state, query))
        self._close(ok=True)
        return counts

    def _apply(self, state: dict, query: dict) -> Counts:
        c = self.conn
        # the version this sync writes is named by its source, as a store's are ("ACLED", "UCDP GED")
        history.begin_version(c, {"acled": "ACLED", "ucdp": "UCDP GED"}.get(self.source, self.source))
        c.execute("DELETE FROM sync_stage s USING sync_stage t WHERE s.event_id = t.event_id AND s._seq < t._seq")
        c.execute("DELETE FROM sync_claims s USING sync_claims t WHERE s.claim_id = t.claim_id AND s._seq < t._seq")
        prefix = PREFIX.get(self.source)
        if self.mode == "replace":
            c.execute("INSERT INTO sync_deleted SELECT e.event_id FROM events e WHERE e.event_id LIKE %s AND NOT "
                      "EXISTS (SELECT 1 FROM sync_stage s WHERE s.event_id = e.event_id)", (prefix + "%",))
        else:
            c.execute("DELETE FROM sync_stage WHERE event_id IN (SELECT event_id FROM sync_deleted)")
        ours = ", ".join(f"e.{n}" for n in DATA_COLUMNS)
        theirs = ", ".join(f"s.{n}" for n in DATA_COLUMNS)
        c.execute(f"DELETE FROM sync_stage s USING events e WHERE e.event_id = s.event_id "
                  f"AND ({ours}) IS NOT DISTINCT FROM ({theirs})")  # unchanged rows: nothing to write
        added = c.execute("SELECT count(*) FROM sync_stage s WHERE NOT EXISTS "
                          "(SELECT 1 FROM events e WHERE e.event_id = s.event_id)").fetchone()[0]
        revised = c.execute("SELECT count(*) FROM sync_stage").fetchone()[0] - added
        c.execute("DELETE FROM claims WHERE event_id IN (SELECT event_id FROM sync_deleted) "
                  "OR event_id IN (SELECT event_id FROM sync_stage)")
        deleted = c.execute("DELETE FROM events WHERE event_id IN (SELECT event_id FROM sync_deleted)").rowcount
        cols = ", ".join(EVENT_COLUMNS_SQL)
        updates = ", ".join(f"{n} = EXCLUDED.{n}" for n in EVENT_COLUMNS_SQL if n != "event_id")
        c.execute(f"INSERT INTO events ({cols}) SELECT {cols} FROM sync_stage "
                  f"ON CONFLICT (event_id) DO UPDATE SET {updates}")
        claim_cols = ", ".join(CLAIM_COLUMNS_SQL)
        c.execute(f"INSERT INTO claims ({claim_cols}) SELECT {claim_cols} FROM sync_claims "
                  "WHERE event_id IN (SELECT event_id FROM sync_stage)")
        if self.source in ("acled", "ucdp"):
            from ..io.formats import ACLED_ATTRIBUTION, UCDP_ATTRIBUTION

            c.execute("UPDATE geo_state SET attribution = %s",
                      (ACLED_ATTRIBUTION if self.source == "acled" else UCDP_ATTRIBUTION,))
        c.execute("INSERT INTO geo_sync (source, state, query, synced_at, added, revised, deleted) "
                  "VALUES (%s, %s, %s, now(), %s, %s, %s) ON CONFLICT (source) DO UPDATE SET state = EXCLUDED.state, "
                  "query = EXCLUDED.query, synced_at = now(), added = EXCLUDED.added, revised = EXCLUDED.revised, "
                  "deleted = EXCLUDED.deleted",
                  (self.source, json.dumps(state), json.dumps(query), added, revised, deleted))
        return Counts(int(added), int(revised), int(deleted), self.held())

    def abort(self) -> None:
        self._close(ok=False)

    def _close(self, *, ok: bool) -> None:
        if getattr(self, "conn", None) is None:
            return
        conn, self.conn = self.conn, None
        try:
            tx = getattr(self, "_tx", None)
            if tx is not None:
                if ok:
                    tx.__exit__(None, None, None)
                else:
                    tx.__exit__(RuntimeError, RuntimeError("sync aborted"), None)
        except Exception:  # noqa: BLE001 - rolled back: the database is as it was
            pass
        finally:
            conn.close()
