"""Summary tables kept in the database beside ``events``, so that broad questions about millions of
events are answered from thousands of rows: the map's cells, the counts, the timeline, the places
and the actors of a filter.

Each summary groups the events by a few keys and keeps their number (``n``), their fatalities
(``fat``) and, for the map's cells, the sums of their Web Mercator pixel coordinates at
``SUMMARY_ZOOM`` (``sx``, ``sy``: a cell's centroid is their mean). The keys:

``sum_cells``        the 48-pixel cell at ``SUMMARY_ZOOM`` (``cx``, ``cy``), event type, fatality class
``sum_cells_coarse`` the same at ``COARSE_ZOOM`` (views out to that zoom: 16 times fewer rows)
``sum_regions``      the enriched region, event type, admin1, fatality class (the region shading)
``sum_days``         the day, event type, fatality class (the timeline, counts and dates of a filter)
``sum_places``       the place (longitude, latitude, location), event type, admin1, fatality class
``sum_actor_cells``  an actor (main or associated, once per event), the cell, event type
``sum_actor_days``   an actor, the day, event type
``sum_actors``       an actor (the actor list and its counts)
``sum_total``        one row: every event, and the sum of the events' hashes (the data's fingerprint)

The fatality class is ``least(fatalities, FATALITY_CLASSES)``: "at least k fatalities" for k up to
``FATALITY_CLASSES`` is a condition on the class; the sums stay exact. A cell at a zoom
``z <= SUMMARY_ZOOM`` is ``cx >> (SUMMARY_ZOOM - z)`` (48-pixel cells nest: a cell at one zoom is
exactly four cells at the next), so one table gives the cells of every zoom out to the world.

They are rebuilt after a bulk load (``refresh``) and kept up to date by statement triggers on
``events`` (transition tables: one grouped upsert per statement, whatever its size), so rows
written by anyone (``INSERT``, ``UPDATE``, ``DELETE``, ``TRUNCATE``) are counted. Every query is
parameterised; the SQL text holds only names and expressions from this module.
"""

from __future__ import annotations

import time

#: The zoom of the finest summary cells: 48 px there is ~0.26 degrees (~29 km at the equator).
SUMMARY_ZOOM = 8
#: "At least k fatalities" is answered by the summaries for k up to this.
FATALITY_CLASSES = 10
CELL_PX = 48.0

#: A coarser copy of the cells, for views out to this zoom (16 times fewer rows).
COARSE_ZOOM = 6


def _x(zoom: int) -> str:
    return f"((longitude + 180.0) / 360.0 * {256.0 * 2.0 ** zoom})"


def _y(zoom: int) -> str:
    return (f"((0.5 - ln(tan(pi() / 4 + radians(least(greatest(latitude, -85.05112878), 85.05112878)) / 2)) "
            f"/ (2 * pi())) * {256.0 * 2.0 ** zoom})")


_FCLASS = f"least(fatalities, {FATALITY_CLASSES})::smallint"
_HASH = ("hashtextextended(event_id || '|' || event_date || '|' || round(latitude::numeric, 4) || '|' || "
         "round(longitude::numeric, 4) || '|' || fatalities, 0)::numeric")
_TYPE = ("event_type", "text", "coalesce(event_type, '')")
_ADMIN1 = ("admin1", "text", "coalesce(admin1, '')")
_FC = ("fclass", "smallint", _FCLASS)


def _cell(zoom: int) -> list:
    return [("cx", "integer", f"floor({_x(zoom)} / {CELL_PX})::integer"),
            ("cy", "integer", f"floor({_y(zoom)} / {CELL_PX})::integer")]


# name -> (keys as (column, type, expression over an events row), per-actor?, pixel sums at which zoom (or None))
_TABLES = {
    "sum_cells": (_cell(SUMMARY_ZOOM) + [_TYPE, _FC], False, SUMMARY_ZOOM),
    "sum_cells_coarse": (_cell(COARSE_ZOOM) + [_TYPE, _FC], False, COARSE_ZOOM),
    "sum_regions": ([("region", "text", "coalesce(region, '')"), _TYPE, _ADMIN1, _FC], False, None),
    "sum_days": ([("event_date", "date", "event_date"), _TYPE, _FC], False, None),
    "sum_places": ([("longitude", "double precision", "longitude"), ("latitude", "double precision", "latitude"),
                    ("location", "text", "coalesce(location, '')"), _TYPE, _ADMIN1, _FC], False, None),
    "sum_actor_cells": ([("actor", "text", "actor")] + _cell(SUMMARY_ZOOM) + [_TYPE], True, SUMMARY_ZOOM),
    "sum_actor_days": ([("actor", "text", "actor"), ("event_date", "date", "event_date"), _TYPE], True, None),
    "sum_actors": ([("actor", "text", "actor")], True, None),
    "sum_total": ([("one", "boolean", "true")], False, None),
}
#: What each summary can filter on besides event types (and the one actor of the per-actor ones).
FILTERS = {"sum_cells": {"fclass"}, "sum_cells_coarse": {"fclass"}, "sum_regions": {"fclass", "admin1"},
           "sum_days": {"fclass", "dates"}, "sum_places": {"fclass", "admin1"}, "sum_actor_cells": set(),
           "sum_actor_days": {"dates"}}
#: Summaries counted from another (their keys nest in its keys) when rebuilt: no pass over the events.
_DERIVED = {
    "sum_cells_coarse": (f"SELECT cx >> {SUMMARY_ZOOM - COARSE_ZOOM}, cy >> {SUMMARY_ZOOM - COARSE_ZOOM}, event_type, "
                         f"fclass, sum(n), sum(fat), sum(sx) / {2 ** (SUMMARY_ZOOM - COARSE_ZOOM)}, "
                         f"sum(sy) / {2 ** (SUMMARY_ZOOM - COARSE_ZOOM)} FROM sum_cells GROUP BY 1, 2, 3, 4"),
    "sum_actors": "SELECT actor, sum(n), sum(fat) FROM sum_actor_days GROUP BY actor",
}
TABLES = tuple(_TABLES)


def _values(name: str) -> list[tuple[str, str, str]]:
    _, _, zoom = _TABLES[name]
    out = [("n", "bigint", "count(*)"), ("fat", "bigint", "sum(fatalities)")]
    if zoom is not None:
        out += [("sx", "double precision", f"sum({_x(zoom)})"), ("sy", "double precision", f"sum({_y(zoom)})")]
    if name == "sum_total":
        out += [("fp", "numeric", f"sum({_HASH})")]
    return out


def _ddl(name: str) -> str:
    keys, _, _ = _TABLES[name]
    cols = [f"{c} {t} NOT NULL" for c, t, _ in keys] + [f"{c} {t} NOT NULL DEFAULT 0" for c, t, _ in _values(name)]
    pk = ", ".join(c for c, _, _ in keys)
    return f"CREATE TABLE IF NOT EXISTS {name} ({', '.join(cols)}, PRIMARY KEY ({pk}))"


def _grouped(name: str, source: str, sign: str = "") -> str:
    """SELECT keys, values FROM ``source`` GROUP BY keys (``sign`` '-' negates the values)."""
    keys, per_actor, _ = _TABLES[name]
    rows = source
    if per_actor:  # each actor once per event, main or associated
        rows = (f"(SELECT s.*, a.actor FROM {source} s CROSS JOIN LATERAL unnest(s.actors) WITH ORDINALITY "
                f"a(actor, i) WHERE a.actor <> '' AND NOT (a.actor = ANY(s.actors[1:a.i - 1])))")
    sel = [f"{expr} AS {c}" for c, _, expr in keys]
    sel += [f"{sign}{'coalesce(' + expr + ', 0)' if c in ('fat', 'fp') else expr} AS {c}"
            for c, _, expr in _values(name)]
    group = ", ".join(str(i + 1) for i in range(len(keys)))
    return f"SELECT {', '.join(sel)} FROM {rows} AS e GROUP BY {group}"


def _upsert(name: str, source: str, sign: str = "") -> str:
    keys, _, _ = _TABLES[name]
    cols = [c for c, _, _ in keys] + [c for c, _, _ in _values(name)]
    updates = ", ".join(f"{c} = {name}.{c} + excluded.{c}" for c, _, _ in _values(name))
    return (f"INSERT INTO {name} ({', '.join(cols)}) {_grouped(name, source, sign)} "
            f"ON CONFLICT ({', '.join(c for c, _, _ in keys)}) DO UPDATE SET {updates}")


def _trigger_sql() -> str:
    ins = ";\n  ".join(_upsert(n, "new_rows") for n in TABLES)
    dele = ";\n  ".join(_upsert(n, "old_rows", "-") for n in TABLES)
    clean = ";\n  ".join(f"DELETE FROM {n} WHERE n = 0" for n in TABLES if n != "sum_total")
    return f"""
CREATE OR REPLACE FUNCTION geo_summary_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {ins};
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION geo_summary_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {dele};
  {clean};
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION geo_summary_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {dele};
  {ins};
  {clean};
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION geo_summary_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE {', '.join(TABLES)};
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS events_summary_insert ON events;
DROP TRIGGER IF EXISTS events_summary_delete ON events;
DROP TRIGGER IF EXISTS events_summary_update ON events;
DROP TRIGGER IF EXISTS events_summary_truncate ON events;
CREATE TRIGGER events_summary_insert AFTER INSERT ON events REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION geo_summary_insert();
CREATE TRIGGER events_summary_delete AFTER DELETE ON events REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION geo_summary_delete();
CREATE TRIGGER events_summary_update AFTER UPDATE ON events REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION geo_summary_update();
CREATE TRIGGER events_summary_truncate AFTER TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION geo_summary_truncate();
"""


TRIGGERS = ("events_summary_insert", "events_summary_delete", "events_summary_update", "events_summary_truncate")
#: Secondary indexes of the summaries (their keys are the primary keys).
SUMMARY_INDEXES = (
    "CREATE INDEX IF NOT EXISTS sum_actor_cells_actor ON sum_actor_cells (actor) INCLUDE (cx, cy, event_type, n, "
    "fat, sx, sy)",
    "CREATE INDEX IF NOT EXISTS sum_actor_days_actor ON sum_actor_days (actor) INCLUDE (event_date, event_type, n, "
    "fat)",
)


def schema_sql() -> str:
    """The summary tables and the triggers that keep them (idempotent)."""
    return ";\n".join(_ddl(n) for n in TABLES) + ";\n" + ";\n".join(SUMMARY_INDEXES) + ";\n" + _trigger_sql()


def is_current(conn) -> bool:
    """True when the summaries exist and count as many events as ``events`` holds (a database made
    before they existed, or loaded with the triggers off, is not)."""
    ok = conn.execute("SELECT to_regclass('sum_total') IS NOT NULL AND to_regclass('sum_cells') IS NOT NULL"
                      ).fetchone()[0]
    if not ok:
        return False
    total = conn.execute("SELECT coalesce((SELECT n FROM sum_total), 0)").fetchone()[0]
    # an estimate first (no scan of millions of rows): reltuples, then an exact count when small
    est = conn.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = 'events'::regclass").fetchone()[0]
    if est is not None and est > 1_000_000:
        return abs(total - est) <= max(0.01 * est, 1)
    return total == conn.execute("SELECT count(*) FROM events").fetchone()[0]


def refresh(conn, log=None) -> None:
    """Rebuild every summary from ``events`` (after a bulk load; in the caller's transaction)."""
    conn.execute(f"TRUNCATE {', '.join(TABLES)}")
    # the groups are few next to the rows (a cell, a day, an actor): hash them in memory, never sort every row
    conn.execute("SET LOCAL work_mem = '512MB'")
    conn.execute("SET LOCAL enable_sort = off")
    for name in TABLES:
        t = time.perf_counter()
        keys, _, _ = _TABLES[name]
        cols = [c for c, _, _ in keys] + [c for c, _, _ in _values(name)]
        if name in _DERIVED:  # its keys nest in an earlier summary's: no second pass over the events
            conn.execute(f"INSERT INTO {name} ({', '.join(cols)}) {_DERIVED[name]}")
        else:
            conn.execute(f"INSERT INTO {name} ({', '.join(cols)}) {_grouped(name, 'events')}")
        if log:
            log(f"   summary {name}: {time.perf_counter() - t:.1f} s")


def set_triggers(conn, enabled: bool) -> None:
    """Switch the summaries' triggers off around a bulk load (then ``refresh``) and on again."""
    for trig in TRIGGERS:
        conn.execute(f"ALTER TABLE events {'ENABLE' if enabled else 'DISABLE'} TRIGGER {trig}")


__all__ = ["SUMMARY_ZOOM", "COARSE_ZOOM", "FATALITY_CLASSES", "FILTERS", "TABLES", "schema_sql", "refresh", "set_triggers", "is_current"]
