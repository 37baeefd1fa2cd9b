"""Two ways of keeping every version of PostGIS events, measured side by side: ``python -m geo.bench.history``.

On one throw-away server (``geo.db.pgserver.TempPostgres``, with the ``periods`` extension), three databases
get the same ``--events`` synthetic events and the same ``--revisions`` revisions (new fatality counts, in
``--versions`` transactions) and deletions (a tenth as many):

- **none**: the events with no history (the baseline);
- **triggers**: ``geo.db.history`` (a ``versions`` table, a history table kept by triggers);
- **periods**: the ``periods`` extension's SQL:2011 system versioning (``add_system_versioning``).

It reports the time to load and to write the revisions (write overhead against the baseline), the history's
storage (its tables and indexes, against the events'), and an as-of query's time (the count and fatalities of
one actor's events as of the middle version; median of 5) beside the same query on the current events.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np

from .synthetic import machine, synthetic_events

MODES = ("none", "triggers", "periods")


def _prepare(conn, mode: str) -> None:
    from ..db import history, summary
    from ..db.postgis import INDEXES, SCHEMA_SQL

    conn.execute(SCHEMA_SQL)
    for ddl in INDEXES.values():
        conn.execute(ddl)
    conn.execute(summary.schema_sql())
    if mode == "triggers":
        history.install(conn)
    elif mode == "periods":
        conn.execute("SELECT periods.add_system_time_period('events')")
        conn.execute("SELECT periods.add_system_versioning('events')")


def _size(conn, tables) -> int:
    return sum(conn.execute("SELECT coalesce(pg_total_relation_size(to_regclass(%s)), 0)", (t,)).fetchone()[0]
               for t in tables)


def _asof_query(mode: str, conn, moment) -> tuple[str, dict]:
    from ..db import history

    where = "actors && %(actors)s::text[]"
    if mode == "triggers":
        item, params = history.asof_from(history.version_at(conn, moment))
    elif mode == "periods":
        item, params = "events__as_of(%(at)s) AS events", {"at": moment}
    else:
        item, params = "events", {}
    return f"SELECT count(*), sum(fatalities) FROM {item} WHERE {where}", params


def run_mode(server, mode: str, events, *, revisions: int, versions: int, actor: str, seed: int = 7) -> dict:
    """Load, revise, delete and query one database kept the ``mode`` way."""
    import psycopg

    from ..db.postgis import EVENT_COLUMNS_SQL
    from ..db.sql import _copy

    url = server.create_database(f"bench_{mode}")
    out = {"mode": mode}
    with psycopg.connect(url, autocommit=True) as conn:
        _prepare(conn, mode)
        t = time.perf_counter()
        with conn.transaction():
            _copy(conn, "events", events, EVENT_COLUMNS_SQL)
        out["load_s"] = time.perf_counter() - t
        rng = np.random.default_rng(seed)
        ids = events["event_id"].to_numpy(dtype=object)
        per = max(revisions // versions, 1)
        moments, write = [], 0.0
        for k in range(versions):
            revised = list(rng.choice(ids, per, replace=False))
            deleted = list(rng.choice(ids, max(per // 10, 1), replace=False))
            time.sleep(1.05)  # versions a second apart: an as-of link is to the second
            t = time.perf_counter()
            with conn.transaction():
                conn.execute("UPDATE events SET fatalities = fatalities + 1 WHERE event_id = ANY(%s::text[])",
                             (revised,))
                conn.execute("DELETE FROM events WHERE event_id = ANY(%s::text[])", (deleted,))
            write += time.perf_counter() - t
            moments.append(conn.execute("SELECT now()").fetchone()[0])
        out["write_s"] = write
        conn.execute("VACUUM ANALYZE")
        out["events_bytes"] = _size(conn, ["events"])
        out["history_bytes"] = _size(conn, ["events_history", "versions"])
        for name, moment in (("current", None), ("asof", moments[len(moments) // 2])):
            sql, params = ("SELECT count(*), sum(fatalities) FROM events WHERE actors && %(actors)s::text[]", {}) \
                if moment is None else _asof_query(mode, conn, moment)
            params["actors"] = [actor]
            times, answer = [], None
            for _ in range(5):
                t = time.perf_counter()
                answer = conn.execute(sql, params).fetchone()
                times.append(time.perf_counter() - t)
            out[f"{name}_ms"] = statistics.median(times) * 1000
            out[f"{name}_answer"] = tuple(answer)
    return out


def table(results: list[dict], events: int, revisions: int) -> str:
    base = next(r for r in results if r["mode"] == "none")
    lines = ["| history kept by | load | write revisions | write overhead | history storage | storage overhead "
             "| one actor, current | one actor, as of an older version |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        over = r["write_s"] / base["write_s"] if base["write_s"] else float("nan")
        lines.append(
            f"| {r['mode']} | {r['load_s']:.1f} s | {r['write_s']:.2f} s | {over:.2f}× | "
            f"{r['history_bytes'] / 2**20:.1f} MB | {100 * r['history_bytes'] / r['events_bytes']:.0f} % | "
            f"{r['current_ms']:.0f} ms | " + ("—" if r["mode"] == "none" else f"{r['asof_ms']:.0f} ms") + " |")
    return "\n".join(lines) + (
        f"\n\n{events:,} synthetic events, {revisions:,} revisions and {revisions // 10:,} deletions in "
        f"{results[0].get('versions', '')} versions; storage over the events' own table and indexes "
        f"({base['events_bytes'] / 2**20:.0f} MB). {machine()}.")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo.bench.history", description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--revisions", type=int, default=20_000)
    parser.add_argument("--versions", type=int, default=10)
    parser.add_argument("--out", type=Path, help="also write the Markdown table here")
    args = parser.parse_args(argv)
    from .. import compact_events, enrich, load_layers
    from ..db.pgserver import TempPostgres

    events = compact_events(enrich(synthetic_events(args.events, seed=11), load_layers()))
    actor = str(events["actor1"].value_counts().index[0])
    results = []
    with TempPostgres(extensions=("postgis", "periods")) as server:
        for mode in MODES:
            r = run_mode(server, mode, events, revisions=args.revisions, versions=args.versions, actor=actor)
            r["versions"] = args.versions
            print(r, flush=True)
            results.append(r)
    answers = {r["asof_answer"] for r in results if r["mode"] != "none"}
    assert len(answers) == 1, f"the two histories disagree as of the same moment: {answers}"
    text = table(results, args.events, args.revisions)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
