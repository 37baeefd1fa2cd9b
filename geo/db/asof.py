"""A PostGIS database's summaries as of an older version: the current summary tables corrected by what each later
version changed, so that a filter as of any version is answered from thousands of rows, as the current one is.

For every version ``W`` (but the first) and every summary table ``T`` of ``geo.db.summary``, ``delta_T`` keeps what
``W`` changed, grouped by ``T``'s keys and counted as ``T`` counts: the states ``W`` wrote (rows of ``events`` or
``events_history`` whose ``version_id`` is ``W``) counted in, the states it ended (rows of ``events_history`` whose
``valid_to`` is ``W``: revised or deleted) counted out. The events as of ``V`` are the current ones without the
changes of every version after ``V``, so

    T as of V  =  T  -  sum of delta_T over the versions W > V        (grouped by T's keys; groups of no event dropped)

which means exactly what the plain union of ``geo.db.history.asof_from`` (the current rows written at or before
``V`` and the earlier states valid at ``V``) counted the same way means. A version's changes are counted once, in
the transaction that writes it (a deferred trigger on ``versions`` runs at its commit, when all its rows are
written), so a version and its delta are committed together; versions written before the deltas existed are
counted by ``settle`` (``PostgisSource.init``). The first version (the load) is never subtracted and has none.
"""

from __future__ import annotations

from . import summary
from .history import DATA_COLUMNS

#: The table of each summary's per-version changes.
DELTA = {name: f"delta_{name}" for name in summary.TABLES}


def _columns(name: str) -> tuple[list[str], list[tuple[str, str, str]]]:
    keys, _, _ = summary._TABLES[name]
    return [c for c, _, _ in keys], summary._values(name)


def _ddl(name: str) -> str:
    keys, _, _ = summary._TABLES[name]
    cols = ["version_id bigint NOT NULL"] + [f"{c} {t} NOT NULL" for c, t, _ in keys]
    cols += [f"{c} {t} NOT NULL DEFAULT 0" for c, t, _ in summary._values(name)]
    pk = ", ".join(["version_id"] + [c for c, _, _ in keys])
    ddl = f"CREATE TABLE IF NOT EXISTS {DELTA[name]} ({', '.join(cols)}, PRIMARY KEY ({pk}))"
    if summary._TABLES[name][1]:  # per actor: one actor's changes, whatever the version
        ddl += f";\nCREATE INDEX IF NOT EXISTS {DELTA[name]}_actor ON {DELTA[name]} (actor, version_id)"
    return ddl


def _delta_insert(name: str) -> str:
    """The statement counting version ``p_version``'s changes into ``delta_T`` (inside ``geo_version_delta``)."""
    keys, values = _columns(name)
    cols = ", ".join(DATA_COLUMNS + ["actors"])
    wrote = (f"(SELECT {cols} FROM events WHERE version_id = p_version UNION ALL "
             f"SELECT {cols} FROM events_history WHERE version_id = p_version)")
    ended = f"(SELECT {cols} FROM events_history WHERE valid_to = p_version)"
    sums = ", ".join(f"sum({c})" for c, _, _ in values)
    nonzero = " OR ".join(f"sum({c}) <> 0" for c, _, _ in values)
    return (f"INSERT INTO {DELTA[name]} (version_id, {', '.join(keys)}, {', '.join(c for c, _, _ in values)}) "
            f"SELECT p_version, {', '.join(keys)}, {sums} FROM ({summary._grouped(name, wrote)} UNION ALL "
            f"{summary._grouped(name, ended, '-')}) AS d GROUP BY {', '.join(keys)} HAVING {nonzero}")


def schema_sql() -> str:
    """The delta tables, the function counting a version's changes and the trigger that runs it at the commit of
    each new version (idempotent; after ``geo.db.history.schema_sql``)."""
    inserts = ";\n  ".join(_delta_insert(n) for n in summary.TABLES)
    return ";\n".join(_ddl(n) for n in summary.TABLES) + f""";
CREATE TABLE IF NOT EXISTS delta_versions (version_id bigint PRIMARY KEY);
CREATE INDEX IF NOT EXISTS events_history_version ON events_history (version_id);
CREATE OR REPLACE FUNCTION geo_version_delta(p_version bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM versions WHERE id < p_version) THEN RETURN; END IF;  -- the first: never subtracted
  INSERT INTO delta_versions (version_id) VALUES (p_version) ON CONFLICT DO NOTHING;
  IF NOT FOUND THEN RETURN; END IF;  -- counted already
  {inserts};
END $$;
CREATE OR REPLACE FUNCTION geo_version_settle() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM geo_version_delta(NEW.id);
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS versions_delta ON versions;
CREATE CONSTRAINT TRIGGER versions_delta AFTER INSERT ON versions DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION geo_version_settle();
"""


def _unsettled_sql() -> str:
    return ("SELECT id FROM versions WHERE id > (SELECT min(id) FROM versions) AND NOT EXISTS "
            "(SELECT 1 FROM delta_versions d WHERE d.version_id = versions.id) ORDER BY id")


def settle(conn, log=None) -> int:
    """Count the changes of every version that has no delta yet (written before the deltas existed); how many."""
    todo = [r[0] for r in conn.execute(_unsettled_sql()).fetchall()]
    for version in todo:
        conn.execute("SELECT geo_version_delta(%s)", (version,))
        if log:
            log(f"   version {version}: its changes counted")
    return len(todo)


def install(conn, log=None) -> None:
    """The delta tables and their trigger, and the deltas of the versions written before them (in the caller's
    transaction; after ``geo.db.history.install``)."""
    conn.execute(schema_sql())
    settle(conn, log=log)


def _pending(conn) -> bool:
    return bool(conn.execute(f"SELECT EXISTS ({_unsettled_sql()} LIMIT 1)").fetchone()[0])


def ready(conn, version: int) -> bool:
    """True when the summaries can answer as of ``version``: it is the first version or a later one, and every
    version after it has its delta (counted now when it can be; a role that may only read gets False, and the
    plain union answers)."""
    import psycopg

    row = conn.execute(
        "SELECT to_regclass('delta_versions') IS NOT NULL, (SELECT min(id) FROM versions)").fetchone()
    if not row[0] or row[1] is None or int(version) < int(row[1]):
        return False
    if _pending(conn):
        try:
            settle(conn)
        except psycopg.Error:  # may not write: the union answers
            return False
    return not _pending(conn)


def summary_from(name: str, version: int | None) -> str:
    """A FROM item named ``name`` holding the summary ``name`` as of ``version`` (the table itself for None), with the
    same columns; its parameter is ``%(asof)s``. Filters on its keys reach the tables' rows (the planner pushes
    them down)."""
    if version is None:
        return name
    keys, values = _columns(name)
    key_list = ", ".join(keys)
    cols = ", ".join(c for c, _, _ in values)
    neg = ", ".join(f"-{c}" for c, _, _ in values)
    # a count or fatalities of one summary row fits an integer: summed as int8, not numeric (several times faster)
    sums = ", ".join(f"sum({c}::integer)::bigint AS {c}" if t == "bigint" else f"sum({c})::{t} AS {c}"
                     for c, t, _ in values)
    return (f"(SELECT {key_list}, {sums} FROM (SELECT {key_list}, {cols} FROM {name} UNION ALL "
            f"SELECT {key_list}, {neg} FROM {DELTA[name]} WHERE version_id > %(asof)s) AS d "
            f"GROUP BY {key_list} HAVING sum(n::integer) <> 0) AS {name}")


__all__ = ["DELTA", "install", "ready", "schema_sql", "settle", "summary_from"]
