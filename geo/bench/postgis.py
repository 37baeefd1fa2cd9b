"""The PostGIS benchmark: ``python -m geo.bench --source postgis`` (or ``python -m geo.bench.postgis``).

In one run: loads ``--events`` (default 10,000,000) synthetic events (``geo.bench.synthetic.synthetic_events``,
made and enriched a million at a time) into PostGIS with COPY, then times each typical filter
answered by the database and drawn (the count; up to ``MAX_MARKERS`` events fetched and drawn as
markers, past that cells counted in the database: the padded view at the zoom, the rest three
zooms out, as the dashboard draws them), in a fresh process whose peak memory is reported; and the
same filters and maps on the GeoParquet path (``--file-events``, default 1,000,000, in memory, as
the dashboard holds a file today).

Without ``--db`` it starts its own server (``geo.db.pgserver.TempPostgres``, Debian's
postgresql-15 + postgis) and stops it at the end; with ``--db URL`` the database must be empty
(``--keep`` reuses events already loaded). With ``--pg-dir DIR`` its server's data is kept in ``DIR``: the first
run loads (and revises) and writes what the load measured to ``DIR/loaded.json``; a later run with the same
``DIR`` starts that server again and only asks (``--load-only`` stops after the load).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .report import verdict, write_section
from .synthetic import TYPICAL_FILTERS, machine, synthetic_events

#: The map view the filters are drawn at (the dashboard's default: northern Mali, zoom 6).
VIEW_CENTER, VIEW_ZOOM = (17.5, -2.0), 6
REPEAT = 3


def _chunks(total: int, chunk: int, layers, log):
    from .. import compact_events, enrich

    done = 0
    part = 0
    while done < total:
        n = min(chunk, total - done)
        frame = synthetic_events(n, seed=100 + part)
        frame["event_id"] = [f"SYN{part:03d}-{i:07d}" for i in range(n)]  # unique over the parts
        t = time.perf_counter()
        frame = compact_events(enrich(frame, layers))
        log(f"   part {part}: {n:,} events made and enriched ({time.perf_counter() - t:.1f} s to enrich)")
        yield frame
        done += n
        part += 1


def load(url: str, events: int, *, chunk: int = 1_000_000, log=print) -> dict:
    from .. import load_layers
    from ..db.postgis import PostgisSource

    src = PostgisSource(url)
    src.init()
    t = time.perf_counter()
    written = src.bulk_load(_chunks(events, chunk, load_layers(), log), attribution="Synthetic events", log=log)
    seconds = time.perf_counter() - t
    size = src.run(lambda conn: conn.execute("SELECT pg_total_relation_size('events')").fetchone()[0])
    from ..db.summary import TABLES

    sums = src.run(lambda conn: conn.execute(
        "SELECT sum(pg_total_relation_size(t::regclass)) FROM unnest(%s::text[]) t", (list(TABLES),)).fetchone()[0])
    return {"events": written, "load_s": seconds, "db_bytes": int(size) + int(sums or 0), "summary_bytes": int(sums or 0)}


def draw_from_database(src, flt, layers, *, center=VIEW_CENTER, zoom=VIEW_ZOOM):
    """(events matched, how drawn, the map's HTML): what the dashboard on the database draws for ``flt``
    (``geo.db.pushdown``: the count, then the rows as markers or the cells, from the summary tables when
    they hold the filter)."""

    from ..db.pushdown import Selection
    from ..webmap.aggregate import view_bounds
    from ..webmap.maps import MAX_MARKERS, build_map

    t = time.perf_counter()
    sel = Selection(src, flt)
    n = sel.count
    if n <= MAX_MARKERS:
        rows = sel.rows
        answered = time.perf_counter() - t
        m = build_map(rows, layers, center=center, zoom=zoom)
        return n, "markers", m.get_root().render(), answered
    inner, outer, _ = sel.lod_cells(zoom, view_bounds(center, zoom))
    answered = time.perf_counter() - t
    return n, f"{len(inner) + len(outer)} cells", _cells_page(layers, center, zoom, inner, outer), answered


def revise(url: str, events: int, revisions: int, versions: int, *, chunk: int = 1_000_000, log=print) -> dict:
    """``revisions`` events revised (one more fatality) and a tenth as many deleted, in ``versions``
    transactions (each a version, ``geo.db.history``); the history's storage against the events'."""
    import numpy as np
    import psycopg

    from ..db import history

    rng = np.random.default_rng(28)
    picked = rng.choice(events, revisions + revisions // 10, replace=False)
    ids = np.array([f"SYN{i // chunk:03d}-{i % chunk:07d}" for i in picked], dtype=object)
    revised, deleted = np.array_split(ids[:revisions], versions), np.array_split(ids[revisions:], versions)
    t = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        for k in range(versions):
            with conn.transaction():
                history.begin_version(conn, f"revisions {k + 1}")
                conn.execute("UPDATE events SET fatalities = fatalities + 1 WHERE event_id = ANY(%s::text[])",
                             (list(revised[k]),))
                conn.execute("DELETE FROM events WHERE event_id = ANY(%s::text[])", (list(deleted[k]),))
            log(f"   version {k + 2}: {len(revised[k]):,} revised, {len(deleted[k]):,} deleted")
        conn.execute("VACUUM ANALYZE events_history")
        size = conn.execute("SELECT pg_total_relation_size('events_history') + pg_total_relation_size('versions'), "
                            "pg_total_relation_size('events')").fetchone()
    return {"revisions": revisions, "deleted": len(ids) - revisions, "versions": versions,
            "revise_s": time.perf_counter() - t, "history_bytes": int(size[0]), "events_bytes": int(size[1])}


def prepare_as_of(url: str, log=print) -> dict:
    """The schema brought up to date on a kept database (``PostgisSource.init``): the changes of the versions
    written before ``geo.db.asof`` existed are counted once (timed), and the tables analysed."""
    import psycopg

    from ..db import asof
    from ..db.postgis import PostgisSource

    with psycopg.connect(url, autocommit=True) as conn:
        made = conn.execute("SELECT to_regclass('delta_versions') IS NOT NULL").fetchone()[0]
        todo = len(conn.execute(asof._unsettled_sql()).fetchall()) if made else \
            conn.execute("SELECT greatest(count(*) - 1, 0) FROM versions").fetchone()[0]
    t = time.perf_counter()
    PostgisSource(url).init()
    seconds = time.perf_counter() - t
    with psycopg.connect(url, autocommit=True) as conn:
        for table in ("events", "events_history", *asof.DELTA.values()):
            conn.execute(f"VACUUM ANALYZE {table}")
        size = conn.execute("SELECT sum(pg_total_relation_size(t::regclass)) FROM unnest(%s::text[]) t",
                            (list(asof.DELTA.values()),)).fetchone()[0]
    log(f"   schema up to date in {seconds:.0f} s ({todo} versions' changes counted)")
    return {"settled": todo, "settle_s": seconds, "delta_bytes": int(size or 0)}


def query_as_of(url: str, version: int) -> list[dict]:
    """The typical filters as of ``version``, each answered and drawn as the current ones are (median of REPEAT)."""
    from .. import load_layers
    from ..filters import EventFilter
    from ..db.postgis import PostgisSource
    from ..db.pushdown import Selection

    layers = load_layers()
    src = PostgisSource(url).as_of(version)
    _ = Selection(src, EventFilter(min_fatalities=10**6)).count  # connect; the summaries checked
    out = []
    for spec in ({},) + TYPICAL_FILTERS:
        flt = EventFilter(**spec)
        totals, answers = [], []
        for _ in range(REPEAT):
            t = time.perf_counter()
            n, how, html, answered = draw_from_database(src, flt, layers)
            totals.append(time.perf_counter() - t)
            answers.append(answered)
        out.append({"filter": spec, "matched": n, "drawn": how, "answered_s": statistics.median(answers),
                    "total_s": statistics.median(totals), "load": os.getloadavg()[0]})
    return out


def query(url: str) -> dict:
    """The typical filters against the database, each answered and drawn (median of REPEAT); peak RSS."""
    from .. import load_layers
    from ..filters import EventFilter
    from ..db.postgis import PostgisSource
    from ..db.pushdown import Selection

    layers = load_layers()
    src = PostgisSource(url)
    out = {"filters": []}
    src.count()  # connect
    for spec in ({},) + TYPICAL_FILTERS:
        flt = EventFilter(**spec)
        times_q, times_all, times_db = [], [], []
        for _ in range(REPEAT):
            t = time.perf_counter()
            n = Selection(src, flt).count
            times_q.append(time.perf_counter() - t)
            t = time.perf_counter()
            n, how, html, answered = draw_from_database(src, flt, layers)
            times_all.append(time.perf_counter() - t)
            times_db.append(answered)
        out["filters"].append({"filter": spec, "matched": n, "drawn": how, "count_s": statistics.median(times_q),
                               "total_s": statistics.median(times_all), "answered_s": statistics.median(times_db),
                               "page_bytes": len(html.encode()), "load": os.getloadavg()[0]})
    from ..db import history

    versions = src.run(history.versions)
    if len(versions) > 1:  # revised since the load: each filter as of the first version too
        out["asof"] = query_as_of(url, int(versions["id"].iloc[0]))
    out["rss_mb"] = peak_rss_mb()
    return out


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from the parent)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def file_path(events: int, log=print) -> dict:
    """The same filters on the GeoParquet path: the data set in memory (as the dashboard holds a file)."""
    from .. import build_map, compact_events, enrich, filter_events, load_layers
    from ..filters import EventFilter
    from ..io.cache import read_events_parquet

    layers = load_layers()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.parquet"
        compact_events(enrich(synthetic_events(events, seed=0), layers)).to_parquet(path)
        t = time.perf_counter()
        data = read_events_parquet(path)
        load_s = time.perf_counter() - t
    out = {"events": events, "load_parquet_s": load_s, "filters": []}
    filter_events(data, EventFilter(actors=["JNIM"]))  # the index, built once per data set
    for spec in ({},) + TYPICAL_FILTERS:
        flt = EventFilter(**spec)
        tf, tt = [], []
        for _ in range(REPEAT):
            t = time.perf_counter()
            shown = filter_events(data, flt)
            tf.append(time.perf_counter() - t)
            html = build_map(shown, layers).get_root().render()
            tt.append(time.perf_counter() - t)
        out["filters"].append({"filter": spec, "matched": len(shown), "filter_s": statistics.median(tf),
                               "total_s": statistics.median(tt), "page_bytes": len(html.encode())})
    return out


def _label(spec: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in spec.items()) or "no filter"


def table(loaded: dict, db: dict, files: dict) -> str:
    files = files or {"events": 0, "filters": [None] * len(db["filters"]), "load_parquet_s": float("nan")}
    lines = [f"| filter | PostGIS, {loaded['events']:,} events: matched | count | answered (count + cells or rows) "
             f"| answered + drawn | drawn as | GeoParquet in memory, {files['events']:,} events: filter "
             f"| filter + drawn |",
             "|---|---:|---:|---:|---:|---|---:|---:|"]
    for d, f in zip(db["filters"], files["filters"]):
        mem = f"{f['filter_s'] * 1000:.0f} ms | {f['total_s']:.2f} s" if f else "not run | not run"
        lines.append(f"| {_label(d['filter'])} | {d['matched']:,} | {d['count_s'] * 1000:.0f} ms | "
                     f"{d.get('answered_s', float('nan')) * 1000:.0f} ms | "
                     f"{d['total_s']:.2f} s | {d['drawn']} | {mem} |")
    lines += ["",
              f"Machine: {machine()}.",
              f"Load: {loaded['events']:,} events into PostGIS in {loaded['load_s']:.0f} s (made, enriched and "
              f"COPYed a million at a time; indexes and summary tables built once at the end), "
              f"{loaded['db_bytes'] / 1e9:.1f} GB with its indexes (summaries: {loaded.get('summary_bytes', 0) / 1e6:.0f} MB)."
              + (f" GeoParquet: {files['events']:,} events read in {files['load_parquet_s']:.2f} s." if files["events"]
                 else " The GeoParquet path was not run (`--skip-file`)."),
              f"Memory of the process answering and drawing the database's filters (peak RSS, a fresh process): "
              f"{db['rss_mb']:.0f} MB.",
              "Each figure is the median of 3 runs. Answered + drawn, as the dashboard does it (geo.db.pushdown): "
              "the count, then the events (markers, up to 3,000) or the cells counted in the database (the padded "
              "view at zoom 6 and the rest at zoom 3), from the summary tables when they hold the filter, the "
              "Folium map built and rendered to HTML."]
    return "\n".join(lines + asof_table(loaded, db)) + "\n"


def asof_table(loaded: dict, db: dict) -> list[str]:
    """The as-of lines: each filter as of the version loaded, after the revisions (``--revisions``), beside the
    same filter now."""
    if not db.get("asof"):
        return []
    r = loaded.get("revised", {})
    loads = [d["load"] for d in db["asof"] if "load" in d]
    lines = ["", f"**As of an older version** (`asof=`): the same filters as of the version loaded, after "
             f"{r.get('revisions', 0):,} revisions and {r.get('deleted', 0):,} deletions in {r.get('versions', 0)} "
             f"versions (kept by `geo.db.history`'s triggers), answered and drawn as the current ones are: the "
             f"summaries corrected by the changes of every later version (`geo.db.asof`), beside the same filter "
             f"now:", "",
             "| filter | now: matched | now: answered | now: answered + drawn | as of the first version: matched "
             "| as of: answered | as of: answered + drawn | drawn as |",
             "|---|---:|---:|---:|---:|---:|---:|---|"]
    for now, d in zip(db["filters"], db["asof"]):
        lines.append(f"| {_label(d['filter'])} | {now['matched']:,} | {now['answered_s'] * 1000:.0f} ms | "
                     f"{now['total_s']:.2f} s | {d['matched']:,} | {d['answered_s'] * 1000:.0f} ms | "
                     f"{d['total_s']:.2f} s | {d['drawn']} |")
    worst = max(db["asof"], key=lambda d: d["total_s"])
    lines += ["", verdict(f"the slowest typical filter as of an older version ({_label(worst['filter'])}) answered "
                          f"and drawn at {loaded['events']:,} events", worst["total_s"], 1.0)[0],
              verdict("its answer alone (counts and cells or rows from the database)",
                      max(d["answered_s"] for d in db["asof"]), 1.0)[0]]
    if loads:
        lines += ["", f"Load average (1 minute) on the machine's {os.cpu_count()} cores while the as-of filters ran: "
                  f"{min(loads):.1f}–{max(loads):.1f}."]
    if r.get("history_bytes"):
        lines += ["", f"History: {r['history_bytes'] / 1e6:.0f} MB for {r['revisions'] + r['deleted']:,} earlier "
                  f"states, {100 * r['history_bytes'] / max(r['events_bytes'], 1):.0f} % of the events' table with its "
                  f"indexes ({r['events_bytes'] / 1e6:.0f} MB); writing the revisions took {r['revise_s']:.0f} s."]
    d = loaded.get("deltas")
    if d:
        lines += ["", f"The versions' changes as summaries (`geo.db.asof`'s delta tables): {d['delta_bytes'] / 1e6:.0f} "
                  f"MB" + (f"; counted for the {d['settled']} versions written before they existed in "
                           f"{d['settle_s']:.0f} s (a version written since counts its own at its commit)"
                           if d.get("settled") else "") + "."]
    return lines


def _cells_page(layers, center, zoom, inner, outer) -> str:
    """The page of a view drawn as cells: the base map and one group of the cells, rendered."""
    import folium

    from ..webmap.aggregate import CellLayer
    from ..webmap.maps import build_base_map

    m = build_base_map(layers, center=center, zoom=zoom)
    group = folium.FeatureGroup(name="Events", show=True)
    CellLayer(inner, outer, "event_type").add_to(group)
    group.add_to(m)
    return m.get_root().render()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo.bench --source postgis", description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000_000, help="events loaded into PostGIS")
    parser.add_argument("--file-events", type=int, default=1_000_000, help="events on the GeoParquet path")
    parser.add_argument("--db", help="an empty PostGIS database (default: a temporary server)")
    parser.add_argument("--keep", action="store_true", help="the database holds the events already: skip the load")
    parser.add_argument("--out", type=Path, help="also write the Markdown table here")
    parser.add_argument("--skip-file", action="store_true", help="skip the GeoParquet path")
    parser.add_argument("--revisions", type=int, default=None,
                        help="events revised after the load, for the as-of line (default: a tenth of --events)")
    parser.add_argument("--versions", type=int, default=10, help="versions the revisions are written in")
    parser.add_argument("--pg-dir", type=Path, help="keep the server's data in this folder; a later run with the "
                        "same folder reuses the events loaded (and revised) there")
    parser.add_argument("--load-only", action="store_true", help="stop after the load and the revisions")
    parser.add_argument("--query-only", help=argparse.SUPPRESS)  # the child process: URL; prints JSON
    args = parser.parse_args(argv)
    if args.query_only:
        print(json.dumps(query(args.query_only)))
        return 0
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    server = None
    url = args.db
    if not url:
        from ..db.pgserver import TempPostgres

        server = TempPostgres(root=args.pg_dir).start()
        url = server.url
    kept = args.pg_dir / "loaded.json" if args.pg_dir else None
    try:
        if kept is not None and server.reused and kept.exists():  # loaded by an earlier run
            loaded = json.loads(kept.read_text())
            log(f"-- reusing {loaded['events']:,} events loaded in {args.pg_dir}")
            if "deltas" not in loaded:  # loaded before geo.db.asof: its versions' changes counted once
                loaded["deltas"] = prepare_as_of(url, log=log)
                kept.write_text(json.dumps(loaded))
        elif args.keep:
            from ..db.postgis import PostgisSource

            loaded = {"events": PostgisSource(url).count(), "load_s": float("nan"), "db_bytes": 0}
        else:
            log(f"-- loading {args.events:,} events into PostGIS")
            loaded = load(url, args.events, log=log)
            log(f"   loaded in {loaded['load_s']:.0f} s")
            revisions = args.events // 10 if args.revisions is None else args.revisions
            if revisions:
                log(f"-- {revisions:,} revisions in {args.versions} versions")
                loaded["revised"] = revise(url, args.events, revisions, args.versions, log=log)
                loaded["deltas"] = prepare_as_of(url, log=log)
            if kept is not None:
                kept.write_text(json.dumps(loaded))
        if args.load_only:
            return 0
        log("-- filters on the database (a fresh process)")
        child = subprocess.run([sys.executable, "-m", "geo.bench.postgis", "--query-only", url],
                               capture_output=True, text=True, check=True)
        db = json.loads(child.stdout.strip().splitlines()[-1])
        files = None
        if not args.skip_file:
            log(f"-- the GeoParquet path at {args.file_events:,} events")
            files = file_path(args.file_events, log=log)
    finally:
        if server is not None:
            server.stop()
    text = table(loaded, db, files)
    print(text)
    if args.out:  # the README: its marked section (bench:postgis-asof); another file: the whole of it
        write_section(args.out, "postgis-asof", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
