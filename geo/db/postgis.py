"""Events in PostgreSQL + PostGIS: the schema, the loader, and filters answered by the database.

The schema (``python -m geo db init URL`` creates it; ``SCHEMA_SQL`` is the reference):

``events``
    the canonical columns of ``geo.events.EVENT_SCHEMA`` (``event_id`` the primary key,
    ``event_date`` a ``date``, the precisions ``smallint``, ``fatalities`` ``integer``, coordinates
    ``double precision``, the rest ``text``; an empty text is ``''``), the columns ``geo.enrich``
    adds (``region``, ``border_km``, ``in_tuareg_region``: computed by the loader), and two
    generated columns: ``geom geometry(Point, 4326)`` from the coordinates, and ``actors text[]``,
    every actor name of the event (``actor1``, ``actor2`` and the names of the ``'; '``-separated
    associated-actor lists). Indexes: GiST on ``geom``, B-tree on ``event_date``, GIN on
    ``actors``, B-tree on ``(event_type, admin1)``, ``admin1``, ``fatalities`` and ``border_km``; the
    B-trees on date, type, region and fatalities include the coordinates, fatalities and type, so
    the map's cells of such a filter are counted from the index alone (``INDEXES``).
``claims``
    the columns of ``geo.events.CLAIM_SCHEMA`` (``claim_pk`` a serial key), indexed on ``event_id``.
``geo_state``
    one row: ``version`` (bumped by a trigger at every statement that changes ``events``; the
    trigger also sends ``NOTIFY geo_events``), ``changed_at`` and the data's ``attribution``.

An event written by anyone (``INSERT INTO events (event_id, event_date, ...)``) gets its ``geom``
and ``actors`` from the database; ``region``/``border_km`` stay NULL until ``geo.enrich`` fills
them when the data set is read (``Dataset.from_postgis``).

Every query is parameterised (``psycopg``'s server-side parameters); no value is ever formatted
into SQL text. Errors are ``DatabaseError`` (a ``GeoError``) with a plain message that never
contains the password.
"""

from __future__ import annotations

import hashlib
import io
import threading
import time

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from ..errors import DatabaseError
from ..events import CLAIM_SCHEMA, EVENT_SCHEMA
from ..filters import EventFilter
from ..i18n import N_
from . import asof, history, summary
from .sql import ENRICHED, _PARSE, _copy, _copy_out, _frame, _hashed, _with_rejected, cells_from_counts, filter_sql
from .urls import _message, is_database_url, safe_url

_SQL_TYPES = {"text": "text", "date": "date", "int": "integer", "float": "double precision", "bool": "boolean"}
_SMALL = {"time_precision", "geo_precision"}


def _column_sql(col) -> str:
    kind = "smallint" if col.name in _SMALL else _SQL_TYPES[col.kind]
    defaults = {"time_precision": 1, "geo_precision": 1, "fatalities": 0}  # as geo.events.EVENT_INT_DEFAULTS
    if col.name in defaults:
        return f"{col.name} {kind} NOT NULL DEFAULT {defaults[col.name]}"
    if col.nonempty:
        return f"{col.name} {kind} NOT NULL"
    return f"{col.name} {kind}" + (" NOT NULL DEFAULT ''" if col.kind == "text" else "")


EVENT_COLUMNS_SQL = [c.name for c in EVENT_SCHEMA] + [name for name, _ in ENRICHED]
CLAIM_COLUMNS_SQL = [c.name for c in CLAIM_SCHEMA]

SCHEMA_SQL = f"""
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE OR REPLACE FUNCTION geo_actor_names(a1 text, a2 text, l1 text, l2 text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT array_remove(array_remove(
    ARRAY[a1, a2]
    || coalesce(regexp_split_to_array(btrim(l1, E' \\t;'), E'\\\\s*;\\\\s*'), '{{}}'::text[])
    || coalesce(regexp_split_to_array(btrim(l2, E' \\t;'), E'\\\\s*;\\\\s*'), '{{}}'::text[]), NULL), '')
$$;
CREATE TABLE IF NOT EXISTS events (
  {(','+chr(10)+'  ').join(_column_sql(c) for c in EVENT_SCHEMA)},
  region text,
  border_km double precision,
  in_tuareg_region boolean,
  geom geometry(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)) STORED,
  actors text[] GENERATED ALWAYS AS (geo_actor_names(actor1, actor2, assoc_actor_1, assoc_actor_2)) STORED,
  PRIMARY KEY (event_id),
  CHECK (latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180 AND fatalities >= 0)
);
CREATE TABLE IF NOT EXISTS claims (
  claim_pk bigserial PRIMARY KEY,
  {(','+chr(10)+'  ').join(_column_sql(c) for c in CLAIM_SCHEMA)}
);
CREATE INDEX IF NOT EXISTS claims_event_id ON claims (event_id);
CREATE TABLE IF NOT EXISTS geo_state (
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  version bigint NOT NULL DEFAULT 0,
  changed_at timestamptz NOT NULL DEFAULT now(),
  attribution text
);
INSERT INTO geo_state (one) VALUES (true) ON CONFLICT DO NOTHING;
CREATE OR REPLACE FUNCTION geo_events_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE geo_state SET version = version + 1, changed_at = now();
  PERFORM pg_notify('geo_events', '');
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS events_changed ON events;
CREATE TRIGGER events_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION geo_events_changed();
"""

#: The secondary indexes (dropped and rebuilt around a bulk load into an empty table). The B-trees carry
#: what the map's cells need (INCLUDE): a date, type or region filter is then answered from the index
#: alone (an index-only scan), without visiting the wide rows; now or as of a version (``version_id``).
_CELL_COLUMNS = "longitude, latitude, fatalities, version_id"
INDEXES = {
    "events_geom": "CREATE INDEX IF NOT EXISTS events_geom ON events USING gist (geom)",
    "events_date": f"CREATE INDEX IF NOT EXISTS events_date ON events (event_date) "
                   f"INCLUDE ({_CELL_COLUMNS}, event_type)",
    "events_actors": "CREATE INDEX IF NOT EXISTS events_actors ON events USING gin (actors)",
    "events_type": f"CREATE INDEX IF NOT EXISTS events_type ON events (event_type, admin1) "
                   f"INCLUDE ({_CELL_COLUMNS})",
    "events_admin1": f"CREATE INDEX IF NOT EXISTS events_admin1 ON events (admin1) "
                     f"INCLUDE ({_CELL_COLUMNS}, event_type)",
    "events_fatalities": f"CREATE INDEX IF NOT EXISTS events_fatalities ON events (fatalities) "
                         f"INCLUDE ({_CELL_COLUMNS}, event_type)",
    "events_border": "CREATE INDEX IF NOT EXISTS events_border ON events (border_km)",
}


class PostgisSource:
    """Events in a PostGIS database (``url``: ``postgresql://user:password@host:port/db``).

    One connection per thread (a Streamlit server runs sessions in threads), opened on first
    use and opened again after it is lost. Every method raises ``DatabaseError`` on failure.
    """

    def __init__(self, url: str, *, connect_timeout: int = 5):
        if not is_database_url(url):
            raise DatabaseError(N_("{url} is not a PostgreSQL URL (postgresql://user@host/db)").format(url=repr(url)))
        self.url = url.strip()
        self.connect_timeout = connect_timeout
        self._local = threading.local()
        #: what the reading methods read: ``events``, or the events as of a version (``as_of``)
        self.relation, self.relation_params = "events", {}
        #: the version read (``as_of``), None for the current events
        self.version: int | None = None

    def __repr__(self) -> str:
        return f"PostgisSource({safe_url(self.url)!r})"

    @property
    def label(self) -> str:
        return f"PostGIS database {safe_url(self.url)}"

    # -- connections -----------------------------------------------------------------------------

    def connect(self):
        """A new connection (the caller closes it)."""
        import psycopg

        try:
            return psycopg.connect(self.url, connect_timeout=self.connect_timeout, autocommit=True)
        except (psycopg.Error, ValueError) as exc:
            raise DatabaseError(_message(exc, self.url)) from None

    def _conn(self):
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed or conn.broken:
            conn = self._local.conn = self.connect()
        return conn

    def run(self, fn):
        """``fn(connection)``; a driver error becomes a ``DatabaseError`` and drops the connection."""
        import psycopg

        conn = self._conn()
        try:
            return fn(conn)
        except psycopg.Error as exc:
            if conn.broken or isinstance(exc, psycopg.OperationalError):
                self.close()
            raise DatabaseError(_message(exc, self.url)) from None

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - closing a lost connection
                pass

    # -- schema and loading ----------------------------------------------------------------------

    def init(self) -> None:
        """Create the schema (idempotent) and its indexes."""
        def go(conn):
            with conn.transaction():
                conn.execute(SCHEMA_SQL)
                history.install(conn)  # every later change is a version (geo.db.history)
                for name, ddl in INDEXES.items():  # an index made before it included version_id: made again
                    old = conn.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", (name,)).fetchone()
                    if old and "version_id" in ddl and "version_id" not in old[0]:
                        conn.execute(f"DROP INDEX {name}")
                    conn.execute(ddl)
                conn.execute(summary.schema_sql())
                if not summary.is_current(conn):  # a database made before the summaries: count them once
                    conn.execute("LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE")
                    summary.refresh(conn)
                asof.install(conn)  # and its changes counted, for the summaries as of a version (geo.db.asof)
        self.run(go)

    def load(self, source, *, name: str | None = None, claims_path=None, layers: dict | None = None):
        """Import a file ``read_events`` reads (ACLED, UCDP, native) in one transaction: all or nothing.

        Returns the file's ``ImportReport``: rows whose ``event_id`` is already in the
        database are rejected too ("already in the database"), so ``accepted + rejected ==
        rows_read`` still holds and ``accepted`` rows were written.
        """
        from ..analysis import enrich
        from ..events import load_claims
        from ..io.readers import read_events

        events, report = read_events(source, name=name)
        events = enrich(events, layers)
        claims = load_claims(claims_path) if claims_path else report.claims

        def go(conn):
            with conn.transaction():
                history.begin_version(conn, "db load: " + str(report.source_name).replace("\\", "/").rsplit("/", 1)[-1])
                conn.execute("LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE")
                empty = conn.execute("SELECT NOT EXISTS (SELECT 1 FROM events)").fetchone()[0]
                if empty:
                    dupes = []
                    bulk = len(events) >= 200_000
                    if bulk:  # building indexes once is far faster than maintaining them row by row
                        for name_ in INDEXES:
                            conn.execute(f"DROP INDEX IF EXISTS {name_}")
                        summary.set_triggers(conn, False)  # the summaries: counted once at the end
                    _copy(conn, "events", events, EVENT_COLUMNS_SQL)
                    if bulk:
                        for ddl in INDEXES.values():
                            conn.execute(ddl)
                        summary.set_triggers(conn, True)
                        summary.refresh(conn)
                else:
                    conn.execute("CREATE TEMP TABLE stage (LIKE events INCLUDING DEFAULTS) ON COMMIT DROP")
                    _copy(conn, "stage", events, EVENT_COLUMNS_SQL)
                    dupes = [r[0] for r in conn.execute(
                        "SELECT s.event_id FROM stage s JOIN events e USING (event_id)").fetchall()]
                    cols = ", ".join(EVENT_COLUMNS_SQL)
                    conn.execute(f"INSERT INTO events ({cols}) SELECT {cols} FROM stage s "
                                 "WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.event_id = s.event_id)")
                if claims is not None and len(claims):
                    kept = claims[claims["event_id"].isin(set(events["event_id"]) - set(dupes))]
                    _copy(conn, "claims", kept, CLAIM_COLUMNS_SQL)
                conn.execute("UPDATE geo_state SET attribution = %s", (report.attribution,))
            if empty and len(events) >= 200_000:
                for table in ("events",) + summary.TABLES:
                    conn.execute(f"ANALYZE {table}")
            return dupes

        dupes = self.run(go)
        if dupes:
            report = _with_rejected(report, events, dupes)
        return report

    def bulk_load(self, frames, *, attribution: str | None = None, log=None) -> int:
        """Append enriched canonical frames (an iterable: millions of events in parts) in one transaction,
        the secondary indexes dropped and rebuilt once. For benchmarks and migrations; ids must be new.
        Returns the number of events written."""
        def go(conn):
            total = 0
            with conn.transaction():
                history.begin_version(conn, "bulk load")
                conn.execute("LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE")
                for name_ in INDEXES:
                    conn.execute(f"DROP INDEX IF EXISTS {name_}")
                summary.set_triggers(conn, False)  # the summaries: counted once at the end
                for frame in frames:
                    _copy(conn, "events", frame, EVENT_COLUMNS_SQL)
                    total += len(frame)
                    if log:
                        log(f"   copied {total:,} events")
                for ddl in INDEXES.values():
                    t = time.perf_counter()
                    conn.execute(ddl)
                    if log:
                        log(f"   {ddl.split(' ON ')[0].split()[-1]}: {time.perf_counter() - t:.1f} s")
                summary.set_triggers(conn, True)
                summary.refresh(conn, log=log)
                if attribution:
                    conn.execute("UPDATE geo_state SET attribution = %s", (attribution,))
            for table in ("events",) + summary.TABLES:
                conn.execute(f"VACUUM ANALYZE {table}")
            return total

        return self.run(go)

    # -- reading ---------------------------------------------------------------------------------

    def state(self) -> tuple[int, pd.Timestamp | None]:
        """(version, changed_at): the version grows with every change to ``events``."""
        row = self.run(lambda conn: conn.execute("SELECT version, changed_at FROM geo_state").fetchone())
        return (int(row[0]), pd.Timestamp(row[1])) if row else (0, None)

    def attribution(self) -> str | None:
        row = self.run(lambda conn: conn.execute("SELECT attribution FROM geo_state").fetchone())
        return row[0] if row else None

    def as_of(self, version: int | None) -> PostgisSource:
        """The same database read as of ``version`` (``geo.db.history``: its events as that version left them):
        ``count``, ``events``, ``cell_counts``, ``cells`` and ``lod_cells`` answer for that version (from the union of
        ``geo.db.history.asof_from``), and so do ``geo.db.pushdown``'s answers (from the summaries corrected by the
        later versions' changes, ``geo.db.asof``, when they can answer)."""
        other = PostgisSource(self.url, connect_timeout=self.connect_timeout)
        other.relation, other.relation_params = history.asof_from(version)
        other.version = None if version is None else int(version)
        return other

    def _where(self, flt, bounds=None, *, outside: bool = False) -> tuple[str, dict]:
        where, params = filter_sql(flt, bounds, outside=outside)
        return where, {**self.relation_params, **params}

    def count(self, flt: EventFilter | None = None, bounds=None) -> int:
        where, params = self._where(flt, bounds)
        return int(self.run(lambda conn: conn.execute(f"SELECT count(*) FROM {self.relation} WHERE {where}",
                                                      params).fetchone()[0]))

    def fingerprint(self) -> str:
        """A fingerprint of the stored events (8 hex characters), order-independent; follows every change."""
        def kept(conn):  # the summaries keep the sum of the events' hashes: no pass over millions of rows
            if not conn.execute("SELECT to_regclass('sum_total') IS NOT NULL").fetchone()[0]:
                return None
            if self.version is None:
                return conn.execute("SELECT n, fp FROM sum_total").fetchone()
            if not asof.ready(conn, self.version):
                return None
            row = conn.execute(f"SELECT n, fp FROM {asof.summary_from('sum_total', self.version)}",
                               self.relation_params).fetchone()
            return row or (0, 0)

        row = self.run(kept) if summary_kept(self) else None
        if row is not None:
            return "00000000" if not row[0] else hashlib.sha256(f"{row[0]}:{row[1]}".encode()).hexdigest()[:8]
        sql = ("SELECT count(*), coalesce(sum(hashtextextended(event_id || '|' || event_date || '|' || "
               "round(latitude::numeric, 4) || '|' || round(longitude::numeric, 4) || '|' || fatalities, 0)"
               f"::numeric), 0) FROM {self.relation}")
        n, total = self.run(lambda conn: conn.execute(sql, self.relation_params or None).fetchone())
        if not n:
            return "00000000"
        return hashlib.sha256(f"{n}:{total}".encode()).hexdigest()[:8]

    def events(self, flt: EventFilter | None = None, bounds=None, *, limit: int | None = None,
               enriched: bool = True) -> gpd.GeoDataFrame:
        """The events ``flt`` keeps, in the canonical schema (as ``read_events`` gives them, sorted by
        date and id), with the enriched columns when ``enriched``; one parameterised query."""
        where, params = self._where(flt, bounds)
        cols = EVENT_COLUMNS_SQL if enriched else [c.name for c in EVENT_SCHEMA]
        sql = f"SELECT {', '.join(cols)} FROM {self.relation} WHERE {where} ORDER BY event_date, event_id"
        if limit is not None:
            sql += " LIMIT %(limit)s"
            params["limit"] = int(limit)
        data = self.run(lambda conn: _copy_out(conn, sql, params))
        return _frame(data, cols)

    def claims(self, event_ids=None) -> pd.DataFrame:
        from ..events import coerce_table

        cols = CLAIM_COLUMNS_SQL
        sql = f"SELECT {', '.join(cols)} FROM claims"
        params = {}
        if event_ids is not None:
            sql += " WHERE event_id = ANY(%(ids)s::text[])"
            params["ids"] = [str(i) for i in event_ids]
        sql += " ORDER BY claim_pk"
        data = self.run(lambda conn: _copy_out(conn, sql, params))
        table = pacsv.read_csv(io.BytesIO(data), parse_options=_PARSE, convert_options=pacsv.ConvertOptions(
            column_types={c: pa.string() for c in cols}, strings_can_be_null=True,
            quoted_strings_can_be_null=False))
        raw = table.to_pandas().astype(object).where(lambda f: f.notna(), "")
        return coerce_table(raw, CLAIM_SCHEMA, self.label).reset_index(drop=True)

    def cell_counts(self, flt: EventFilter | None, zoom: float, bounds=None, *, cell_px: float = 48.0,
                    by: str | None = "event_type", outside: bool = False) -> pd.DataFrame:
        """Events counted in the database per (cell, category) at ``cell_px`` pixels at ``zoom``
        (Web Mercator world pixels, as ``geo.webmap.aggregate``): columns cx, cy, cat, n, fat, sx, sy."""
        where, params = self._where(flt, bounds, outside=outside)
        cat = {"event_type": "event_type", "side": "actor1", None: "''"}.get(by, None)
        if cat is None:
            raise DatabaseError(f"cells by {by!r}: use 'event_type', 'side' or None")
        params.update(world=256.0 * 2.0 ** float(zoom), size=float(cell_px))
        sql = f"""
            WITH p AS (
              SELECT (longitude + 180.0) / 360.0 * %(world)s AS x,
                     (0.5 - ln(tan(pi() / 4 + radians(least(greatest(latitude, -85.05112878), 85.05112878)) / 2))
                      / (2 * pi())) * %(world)s AS y,
                     fatalities, {cat} AS cat
              FROM {self.relation} WHERE {where})
            SELECT floor(x / %(size)s)::bigint AS cx, floor(y / %(size)s)::bigint AS cy, coalesce(cat, '') AS cat,
                   count(*) AS n, sum(fatalities)::float8 AS fat, sum(x) AS sx, sum(y) AS sy
            FROM p GROUP BY 1, 2, 3"""
        rows = self.run(lambda conn: _hashed(conn, sql, params))
        frame = pd.DataFrame(rows, columns=["cx", "cy", "cat", "n", "fat", "sx", "sy"])
        return frame.astype({"cx": np.int64, "cy": np.int64, "n": np.int64, "fat": float, "sx": float,
                             "sy": float})

    def cells(self, flt: EventFilter | None, zoom: float, bounds=None, *, cell_px: float = 48.0,
              max_cells: int = 2_500, by: str | None = "event_type", outside: bool = False) -> gpd.GeoDataFrame:
        """``geo.aggregate_events(filter_events(events, flt), zoom, bounds, ...)``, counted in the database:
        the same cells (same columns, same order), whatever the number of events. With ``outside``,
        the events outside ``bounds`` (as ``geo.webmap.aggregate.lod_cells``' outer cells)."""
        parts = self.cell_counts(flt, zoom, bounds, cell_px=cell_px, by=by, outside=outside)
        return cells_from_counts(parts, zoom, cell_px=cell_px, max_cells=max_cells, by=by)

    def lod_cells(self, flt: EventFilter | None, zoom: float, bounds, *, outer_zoom: float,
                  cell_px: float = 48.0, max_cells: int = 2_500, max_outer_cells: int = 500,
                  by: str | None = "event_type") -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
        """``geo.webmap.aggregate.lod_cells`` counted in the database, in one pass over the matching events:
        (cells of the events inside ``bounds`` at ``zoom``, cells of the rest at ``outer_zoom``)."""
        where, params = self._where(flt)
        cat = {"event_type": "event_type", "side": "actor1", None: "''"}.get(by, None)
        if cat is None:
            raise DatabaseError(f"cells by {by!r}: use 'event_type', 'side' or None")
        west, south, east, north = (float(v) for v in bounds)
        params.update(w_in=256.0 * 2.0 ** float(zoom), w_out=256.0 * 2.0 ** float(outer_zoom), size=float(cell_px),
                      west=west, south=south, east=east, north=north)
        sql = f"""
            WITH p AS (
              SELECT (longitude BETWEEN %(west)s AND %(east)s AND latitude BETWEEN %(south)s AND %(north)s) AS inside,
                     (longitude + 180.0) / 360.0 AS u,
                     0.5 - ln(tan(pi() / 4 + radians(least(greatest(latitude, -85.05112878), 85.05112878)) / 2))
                      / (2 * pi()) AS v,
                     fatalities, {cat} AS cat
              FROM {self.relation} WHERE {where}),
            q AS (SELECT inside, u * CASE WHEN inside THEN %(w_in)s ELSE %(w_out)s END AS x,
                         v * CASE WHEN inside THEN %(w_in)s ELSE %(w_out)s END AS y, fatalities, cat FROM p)
            SELECT inside, floor(x / %(size)s)::bigint AS cx, floor(y / %(size)s)::bigint AS cy,
                   coalesce(cat, '') AS cat, count(*) AS n, sum(fatalities)::float8 AS fat, sum(x) AS sx, sum(y) AS sy
            FROM q GROUP BY 1, 2, 3, 4"""

        rows = self.run(lambda conn: _hashed(conn, sql, params))
        frame = pd.DataFrame(rows, columns=["inside", "cx", "cy", "cat", "n", "fat", "sx", "sy"]).astype(
            {"inside": bool, "cx": np.int64, "cy": np.int64, "n": np.int64, "fat": float, "sx": float, "sy": float})
        inner = frame[frame["inside"]].drop(columns="inside")
        outer = frame[~frame["inside"]].drop(columns="inside")
        return (cells_from_counts(inner, zoom, cell_px=cell_px, max_cells=max_cells, by=by),
                cells_from_counts(outer, outer_zoom, cell_px=cell_px, max_cells=max_outer_cells, by=by))

    def explain(self, flt: EventFilter | None = None) -> str:
        where, params = filter_sql(flt)
        rows = self.run(lambda conn: conn.execute(f"EXPLAIN SELECT event_id FROM events WHERE {where}",
                                                  params).fetchall())
        return "\n".join(r[0] for r in rows)


# --- helpers ------------------------------------------------------------------------------------------


def summary_kept(src: PostgisSource) -> bool:
    """False when the summaries were found not to count ``src``'s events (``geo.db.cells.summaries_ready``)."""
    memo = src.__dict__.get("_summaries")
    return memo is None or bool(memo[0])


def read_database(url: str, flt: EventFilter | None = None):
    """``read_events`` for a database: (the events ``flt`` keeps, enriched, in the canonical schema;
    an ``ImportReport`` of format "postgis" with the claims of those events and the data's attribution)."""
    from ..io.readers import REJECTED_COLUMNS, ImportReport

    src = PostgisSource(url)
    events = src.events(flt)
    claims = src.claims(events["event_id"] if flt is not None and not flt.is_empty() else None)
    report = ImportReport(format="postgis", source_name=safe_url(url), encoding="utf-8", rows_read=len(events),
                          accepted=len(events), rejected=pd.DataFrame(columns=REJECTED_COLUMNS), claims=claims,
                          attribution=src.attribution() or "Events: " + safe_url(url))
    src.close()
    return events, report


def wait_for_change(source: PostgisSource, version: int, timeout: float = 10.0, poll: float = 0.5) -> int:
    """Block until ``events`` changes past ``version`` (or ``timeout`` seconds); the new version."""
    deadline = time.monotonic() + timeout
    while True:
        now, _ = source.state()
        if now != version or time.monotonic() >= deadline:
            return now
        time.sleep(poll)


__all__ = ["PostgisSource", "read_database", "SCHEMA_SQL", "INDEXES", "filter_sql", "cells_from_counts",
           "is_database_url",
           "safe_url", "wait_for_change"]
