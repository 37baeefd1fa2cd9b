"""Every version of a PostGIS database's events kept: a ``versions`` table and a history table kept by triggers.

Every transaction that changes ``events`` is a version, whoever writes it: ``db load``, a sync, or an
``UPDATE`` typed by hand. ``versions`` has one row per version (``id``, ``created`` UTC, ``source``: what wrote
it, and how many events it ``added``, ``revised`` and ``deleted``). Each row of ``events`` carries the
``version_id`` that wrote its current state; when a row is revised or deleted its previous state is copied to
``events_history`` with ``valid_to``, the version that replaced it. The events as of version ``V`` are then

    SELECT … FROM events WHERE version_id <= V
    UNION ALL SELECT … FROM events_history WHERE version_id <= V AND valid_to > V

(``asof_from``; ``PostgisSource.as_of``). Why triggers and not the ``periods`` extension (SQL:2011 system
versioning, Debian's ``postgresql-15-periods``): measured on this machine (``geo.bench.history``, the README's
table) the two cost about the same to write and to ask as of a version, and ``periods`` stores a little less
(fewer indexes on its history); but ``periods`` needs a superuser to install (it is not a trusted extension: a
team's database owner often cannot), keys its history by wall-clock time per row rather than by version, and
knows nothing of what each version added, revised or deleted. The trigger table is plain SQL that the owner of
``events`` creates, counts each version's changes, and answers "as of version V" with ordinary indexes.

What writes a version says so with ``SET LOCAL geo_versions.source = '…'`` (``begin_version``); a change made by
hand is "by hand". A statement that changes nothing makes no version.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..events import EVENT_SCHEMA
from .sql import ENRICHED

#: The columns whose change is a revision (everything an event says; not its generated columns).
DATA_COLUMNS = [c.name for c in EVENT_SCHEMA] + [name for name, _ in ENRICHED]
BY_HAND = "by hand"


def _same_row(a: str, b: str) -> str:
    return f"({', '.join(f'{a}.{c}' for c in DATA_COLUMNS)}) IS NOT DISTINCT FROM ({', '.join(f'{b}.{c}' for c in DATA_COLUMNS)})"


def _history_columns() -> str:
    return ", ".join(DATA_COLUMNS + ["version_id"])


def schema_sql() -> str:
    """The versions table, the history table and their triggers (idempotent; after ``events`` exists)."""
    return f"""
CREATE TABLE IF NOT EXISTS versions (
  id bigserial PRIMARY KEY,
  created timestamptz NOT NULL DEFAULT clock_timestamp(),
  source text NOT NULL DEFAULT '{BY_HAND}',
  added bigint NOT NULL DEFAULT 0,
  revised bigint NOT NULL DEFAULT 0,
  deleted bigint NOT NULL DEFAULT 0,
  txid bigint UNIQUE
);
CREATE OR REPLACE FUNCTION geo_version() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE v bigint; tx bigint := txid_current();
BEGIN
  IF current_setting('geo_versions.tx', true) = tx::text THEN
    RETURN current_setting('geo_versions.id')::bigint;
  END IF;
  -- each version in a second of its own: a link's time (to the second) names exactly one
  INSERT INTO versions (source, txid, created)
    VALUES (coalesce(nullif(current_setting('geo_versions.source', true), ''), '{BY_HAND}'), tx,
            greatest(clock_timestamp(), (SELECT date_trunc('second', max(created)) + interval '1 second' FROM versions)))
    ON CONFLICT (txid) DO UPDATE SET txid = excluded.txid RETURNING id INTO v;
  PERFORM set_config('geo_versions.tx', tx::text, true);
  PERFORM set_config('geo_versions.id', v::text, true);
  RETURN v;
END $$;
ALTER TABLE events ADD COLUMN IF NOT EXISTS version_id bigint;
CREATE TABLE IF NOT EXISTS events_history (LIKE events INCLUDING GENERATED INCLUDING DEFAULTS);
ALTER TABLE events_history ADD COLUMN IF NOT EXISTS valid_to bigint NOT NULL;
CREATE INDEX IF NOT EXISTS events_version ON events (version_id);
CREATE INDEX IF NOT EXISTS events_history_valid ON events_history (valid_to, version_id);
CREATE INDEX IF NOT EXISTS events_history_id ON events_history (event_id, version_id);
CREATE INDEX IF NOT EXISTS events_history_actors ON events_history USING gin (actors);
CREATE INDEX IF NOT EXISTS events_history_date ON events_history (event_date);
CREATE INDEX IF NOT EXISTS events_history_type ON events_history (event_type, admin1);
""" + _triggers_sql()


def _triggers_sql() -> str:
    """The triggers: each row written gets its version; each statement counts its changes and keeps the
    previous states."""
    cols = _history_columns()
    old_cols = ", ".join(f"o.{c}" for c in DATA_COLUMNS + ["version_id"])
    return f"""
CREATE OR REPLACE FUNCTION geo_history_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND {_same_row('NEW', 'OLD')} THEN
    NEW.version_id := OLD.version_id;  -- nothing changed: not a revision
    RETURN NEW;
  END IF;
  NEW.version_id := geo_version();
  RETURN NEW;
END $$;
CREATE OR REPLACE FUNCTION geo_history_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE k bigint;
BEGIN
  SELECT count(*) INTO k FROM new_rows;
  IF k > 0 THEN UPDATE versions SET added = added + k WHERE id = geo_version(); END IF;
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION geo_history_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE k bigint;
BEGIN
  INSERT INTO events_history ({cols}, valid_to)
    SELECT {old_cols}, n.version_id FROM old_rows o JOIN new_rows n USING (event_id)
    WHERE n.version_id IS DISTINCT FROM o.version_id;
  GET DIAGNOSTICS k = ROW_COUNT;
  IF k > 0 THEN UPDATE versions SET revised = revised + k WHERE id = geo_version(); END IF;
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION geo_history_delete() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE k bigint;
BEGIN
  SELECT count(*) INTO k FROM old_rows;
  IF k > 0 THEN
    INSERT INTO events_history ({cols}, valid_to) SELECT {old_cols}, geo_version() FROM old_rows o;
    UPDATE versions SET deleted = deleted + k WHERE id = geo_version();
  END IF;
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION geo_history_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE k bigint;
BEGIN
  INSERT INTO events_history ({cols}, valid_to) SELECT {cols}, geo_version() FROM events;
  GET DIAGNOSTICS k = ROW_COUNT;
  IF k > 0 THEN UPDATE versions SET deleted = deleted + k WHERE id = geo_version(); END IF;
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS events_history_stamp ON events;
DROP TRIGGER IF EXISTS events_history_insert ON events;
DROP TRIGGER IF EXISTS events_history_update ON events;
DROP TRIGGER IF EXISTS events_history_delete ON events;
DROP TRIGGER IF EXISTS events_history_truncate ON events;
CREATE TRIGGER events_history_stamp BEFORE INSERT OR UPDATE ON events
  FOR EACH ROW EXECUTE FUNCTION geo_history_stamp();
CREATE TRIGGER events_history_insert AFTER INSERT ON events REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION geo_history_insert();
CREATE TRIGGER events_history_update AFTER UPDATE ON events REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION geo_history_update();
CREATE TRIGGER events_history_delete AFTER DELETE ON events REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION geo_history_delete();
CREATE TRIGGER events_history_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION geo_history_truncate();
"""


def install(conn) -> None:
    """The versions and history (in the caller's transaction). Events stored before versions were kept
    become the first version, "before versions were kept"."""
    fresh = conn.execute("SELECT to_regclass('versions') IS NULL").fetchone()[0]
    conn.execute(schema_sql())
    if fresh or conn.execute("SELECT EXISTS (SELECT 1 FROM events WHERE version_id IS NULL)").fetchone()[0]:
        conn.execute("ALTER TABLE events DISABLE TRIGGER USER")
        try:
            n = conn.execute("SELECT count(*) FROM events WHERE version_id IS NULL").fetchone()[0]
            if n:
                v = conn.execute("INSERT INTO versions (source, added) VALUES ('before versions were kept', %s) "
                                 "RETURNING id", (n,)).fetchone()[0]
                conn.execute("UPDATE events SET version_id = %s WHERE version_id IS NULL", (v,))
        finally:
            conn.execute("ALTER TABLE events ENABLE TRIGGER USER")


def begin_version(conn, source: str) -> None:
    """Name the version the caller's transaction writes (e.g. "db load: acled.csv", "sync ACLED")."""
    conn.execute("SELECT set_config('geo_versions.source', %s, true)", (str(source)[:200],))


def versions(conn) -> pd.DataFrame:
    """Every version, oldest first: id, created (UTC), source, added, revised, deleted."""
    rows = conn.execute("SELECT id, created, source, added, revised, deleted FROM versions ORDER BY id").fetchall()
    frame = pd.DataFrame(rows, columns=["id", "created", "source", "added", "revised", "deleted"])
    frame["created"] = pd.to_datetime(frame["created"], utc=True)
    return frame.astype({"id": "int64", "added": "int64", "revised": "int64", "deleted": "int64"})


def version_at(conn, when: dt.datetime) -> int | None:
    """The id of the newest version made at or before ``when`` (to the second), or None before the first."""
    row = conn.execute("SELECT max(id) FROM versions WHERE date_trunc('second', created) <= %s", (when,)).fetchone()
    return None if row[0] is None else int(row[0])


def asof_from(version: int | None) -> tuple[str, dict]:
    """A FROM item named ``events`` holding the events as of ``version`` (the current ones for None), and its
    parameters: ``SELECT … FROM {item} WHERE {geo.db.sql.filter_sql(...)}`` asks any filter of that version."""
    if version is None:
        return "events", {}
    cols = ", ".join(DATA_COLUMNS + ["geom", "actors", "version_id"])
    item = (f"(SELECT {cols} FROM events WHERE version_id <= %(asof)s UNION ALL "
            f"SELECT {cols} FROM events_history WHERE version_id <= %(asof)s AND valid_to > %(asof)s) AS events")
    return item, {"asof": int(version)}


def revisions(conn, event_id: str) -> pd.DataFrame:
    """Every stored state of one event, oldest first, with the version that wrote it and the one that ended
    it (None: the current state)."""
    cols = ", ".join(DATA_COLUMNS)
    rows = conn.execute(
        f"SELECT {cols}, version_id, valid_to FROM events_history WHERE event_id = %(id)s UNION ALL "
        f"SELECT {cols}, version_id, NULL FROM events WHERE event_id = %(id)s ORDER BY version_id",
        {"id": str(event_id)}).fetchall()
    return pd.DataFrame(rows, columns=DATA_COLUMNS + ["version_id", "valid_to"])


__all__ = ["schema_sql", "install", "begin_version", "versions", "version_at", "asof_from", "revisions",
           "DATA_COLUMNS"]
