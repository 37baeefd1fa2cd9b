"""A benchmark of the dashboard at scale: ``python -m geo.bench``.

Builds synthetic events in the canonical schema (a fixed seed: the same events every run), and
for each size measures loading (CSV through ``geo.load_events`` vs GeoParquet), filtering
(``filter_events``, the median over typical filters), building and rendering the map
(``build_map`` + ``render``) and the page's size; then the naive recipe (one
``folium.CircleMarker`` with a popup per event in a ``MarkerCluster``) where it finishes in
reasonable time, and how long headless Chromium takes to draw the largest map. Prints a
Markdown table::

    python -m geo.bench --sizes 10000 100000 1000000 --out bench.md
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from .events import CRS, EVENT_COLUMNS
from .io.cache import read_events_parquet

#: The Sahel box the synthetic events fall in (lat 10–25, lon -12–4).
SAHEL_BBOX = (-12.0, 10.0, 4.0, 25.0)  # west, south, east, north
EVENT_TYPES = {
    "Battles": 0.30, "Violence against civilians": 0.25, "Explosions/Remote violence": 0.20,
    "Strategic developments": 0.12, "Protests": 0.08, "Riots": 0.05,
}
_NAMED = ["Military Forces of Mali (FAMa)", "Wagner Group", "JNIM", "CSP-DPA", "Civilians (Mali)",
          "Islamic State Sahel", "Military Forces of Burkina Faso", "Military Forces of Niger",
          "Dozo Militia", "Unidentified Armed Group (Mali)"]


#: How many geocoded places the synthetic events happen at (ACLED's Africa data: tens of thousands).
PLACES = 40_000


def synthetic_events(n: int, seed: int = 0) -> gpd.GeoDataFrame:
    """``n`` synthetic events in the canonical schema (``geo.events.EVENT_COLUMNS``), reproducibly.

    About 400 actors (a few frequent, most rare), associated-actor lists ("; "-separated),
    ACLED's six event types, dates over five years (2020–2024), 40,000 geocoded places (fixed
    coordinates per place, as ACLED geocodes; a few busy, most quiet) clustered around 80 centres
    in the Sahel box (lat 10–25, lon -12–4), 20 regions, and fatalities that are mostly zero with a
    long tail. Sorted by date, index 0..n-1, as ``load_events`` returns.
    """
    rng = np.random.default_rng(seed)
    actors = np.array(_NAMED + [f"Armed Group {i:03d}" for i in range(400 - len(_NAMED))], dtype=object)
    weights = 1.0 / np.arange(1, len(actors) + 1) ** 0.9
    weights /= weights.sum()
    # a pool of associated-actor lists (data sets repeat the same coalitions)
    pool = [""] * 3000
    for i in range(1000, 3000):
        k = 1 + (i % 3 == 0)
        pool[i] = "; ".join(dict.fromkeys(rng.choice(actors, size=k, p=weights)))
    pool = np.array(pool, dtype=object)
    w, s, e, nth = SAHEL_BBOX
    centres = np.column_stack([rng.uniform(w + 1, e - 1, 80), rng.uniform(s + 1, nth - 1, 80)])
    # geocoded places, as in ACLED: each named place has fixed coordinates, and events take them
    cluster = rng.integers(0, 80, PLACES)
    spread = rng.choice([0.02, 0.3, 1.0], size=PLACES, p=[0.5, 0.35, 0.15])
    place_lon = np.clip(centres[cluster, 0] + rng.normal(0, 1, PLACES) * spread, w, e).round(4)
    place_lat = np.clip(centres[cluster, 1] + rng.normal(0, 1, PLACES) * spread, s, nth).round(4)
    # a few places are busy (a capital, a contested town), most see a handful of events
    place_w = 1.0 / np.arange(1, PLACES + 1) ** 0.6
    place = rng.choice(PLACES, size=n, p=place_w / place_w.sum())
    lon, lat = place_lon[place], place_lat[place]
    days = rng.integers(0, 5 * 365 + 1, n)
    types = np.array(list(EVENT_TYPES), dtype=object)
    fatal = np.where(rng.random(n) < 0.5, 0, rng.negative_binomial(1, 0.15, n) + 1)
    regions = np.array([f"Region {i:02d}" for i in range(20)], dtype=object)
    places = np.array([f"Place {i:05d}" for i in range(PLACES)], dtype=object)
    a1 = rng.choice(len(actors), size=n, p=weights)
    a2 = rng.choice(len(actors) + 1, size=n, p=np.append(weights * 0.8, 0.2))  # 20 %: no actor2
    actor2 = np.append(actors, "")[a2]
    days.sort()  # ids in date order: the frame comes sorted by date, then event_id
    dates = np.datetime64("2020-01-01", "ns") + days.astype("timedelta64[D]")
    columns = {
        "event_id": np.array([f"SYN{i:07d}" for i in range(n)], dtype=object),
        "event_date": dates,
        "time_precision": rng.choice([1, 2, 3], size=n, p=[0.85, 0.1, 0.05]),
        "event_type": types[rng.choice(len(types), size=n, p=list(EVENT_TYPES.values()))],
        "sub_event_type": np.full(n, "Armed clash", dtype=object),
        "actor1": actors[a1],
        "assoc_actor_1": pool[rng.integers(0, len(pool), n)],
        "actor2": actor2,
        "assoc_actor_2": np.where(actor2 == "", "", pool[rng.integers(0, len(pool), n)]).astype(object),
        "country": np.full(n, "Mali", dtype=object),
        "admin1": regions[cluster[place] % 20],
        "location": places[place],
        "latitude": lat,
        "longitude": lon,
        "geo_precision": rng.choice([1, 2, 3], size=n, p=[0.8, 0.15, 0.05]),
        "fatalities": fatal.astype(int),
        "source": np.full(n, "Synthetic", dtype=object),
        "source_url": np.full(n, "", dtype=object),
        "notes": np.full(n, "Synthetic event for the benchmark.", dtype=object),
    }
    # text as the loaders give it (object), not pandas' inferred string dtype
    frame = pd.DataFrame({k: pd.Series(v, dtype=object) if np.asarray(v).dtype == object else v
                          for k, v in columns.items()}, columns=EVENT_COLUMNS)
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["longitude"], frame["latitude"]), crs=CRS)


#: Typical filters: one actor; a date window; a type in a region; a minimum of fatalities.
TYPICAL_FILTERS = (
    {"actors": ["JNIM"]},
    {"start": "2023-01-01", "end": "2023-03-31"},
    {"event_types": ["Battles"], "regions": ["Region 03"]},
    {"min_fatalities": 5},
)


def machine() -> str:
    """One line: CPU model, cores, RAM, Python and pandas versions."""
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        kb = next(int(x.split()[1]) for x in Path("/proc/meminfo").read_text().splitlines()
                  if x.startswith("MemTotal"))
        ram = f"{kb / 1024 ** 2:.0f} GB RAM"
    except (OSError, StopIteration):
        ram = "RAM unknown"
    return (f"{cpu}, {os.cpu_count()} cores, {ram}; Python {platform.python_version()}, pandas {pd.__version__}, "
            f"{platform.system()}")


def _timed(fn, repeat: int = 1):
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def naive_map(events: pd.DataFrame):
    """The usual recipe: one CircleMarker with a popup per event, in a MarkerCluster."""
    import folium
    from folium.plugins import MarkerCluster

    from .styles import esc

    m = folium.Map(location=[17.5, -2.0], zoom_start=6, tiles=None)
    cluster = MarkerCluster().add_to(m)
    for ev in events.itertuples(index=False):
        folium.CircleMarker(
            [ev.latitude, ev.longitude], radius=5,
            popup=folium.Popup(f"<b>{esc(ev.event_type)}</b><br>{ev.event_date:%Y-%m-%d}<br>{esc(ev.actor1)} vs "
                               f"{esc(ev.actor2)}<br>{int(ev.fatalities)} fatalities", max_width=300),
        ).add_to(cluster)
    return m


def chromium_draw_seconds(html: str, timeout_s: float = 60) -> float | None:
    """Seconds from navigation to the map's cells (or markers) drawn, in headless Chromium; None without it."""
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not exe:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "map.html"
        path.write_text(html, encoding="utf-8")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=exe, args=["--no-sandbox", "--disable-gpu"])
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 800})
                t = time.perf_counter()
                page.goto(path.as_uri(), wait_until="commit")
                page.wait_for_selector("path.event-cell, path.event-marker, .leaflet-marker-icon",
                                       timeout=timeout_s * 1000)
                return time.perf_counter() - t
            finally:
                browser.close()


def run(sizes, *, naive_max: int = 100_000, naive_cap_s: float = 60.0, browser: bool = True,
        seed: int = 0, log=print) -> tuple[list[dict], float | None]:
    """Measure every size; returns (one dict per size, Chromium seconds for the largest map)."""
    from . import build_map, compact_events, enrich, load_events, load_layers
    from .filters import EventFilter, filter_events

    layers = load_layers()
    rows, naive_per_event, largest_html = [], None, None
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            log(f"-- {n:,} events")
            plain = synthetic_events(n, seed=seed)
            csv, parquet = Path(tmp) / f"events{n}.csv", Path(tmp) / f"events{n}.parquet"
            plain.drop(columns="geometry").to_csv(csv, index=False, date_format="%Y-%m-%d")
            row = {"events": n}
            # as the dashboard holds (and caches) a data set: enriched (region, border distance),
            # repeated text as categoricals
            row["enrich"], events = _timed(lambda p=plain: compact_events(enrich(p, layers)))
            del plain  # a million rows: keep only the compact copy
            events.to_parquet(parquet)
            row["load_csv"], _ = _timed(lambda: compact_events(load_events(csv)))
            row["load_parquet"], _ = _timed(lambda: read_events_parquet(parquet))  # as the cache reads it
            flts = [EventFilter(**f) for f in TYPICAL_FILTERS]
            row["filter_first"], _ = _timed(lambda: filter_events(events, flts[0]))  # builds the index
            per = [_timed(lambda f=f: filter_events(events, f), repeat=5)[0] for f in flts]
            row["filter"], row["filter_each"], row["filter_max"] = statistics.median(per), per, max(per)
            row["build"], fmap = _timed(lambda: build_map(events, layers))
            row["render"], html = _timed(lambda: fmap.get_root().render())
            row["bytes"] = len(html.encode("utf-8"))
            largest_html = html
            expected = naive_per_event * n if naive_per_event else 0
            if n > naive_max or expected > naive_cap_s:
                row["naive"] = None
                row["naive_note"] = (f"skipped: ~{expected:,.0f} s expected" if expected > naive_cap_s
                                     else "skipped")
            else:
                t0 = time.perf_counter()
                m = naive_map(events)
                page = m.get_root().render()
                row["naive"] = time.perf_counter() - t0
                row["naive_bytes"] = len(page.encode("utf-8"))
                naive_per_event = row["naive"] / n
            row["naive_per_event"] = naive_per_event
            log("   " + ", ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()
                                  if k != "filter_each"))
            rows.append(row)
    draw = chromium_draw_seconds(largest_html) if browser and largest_html else None
    return rows, draw


def table(rows: list[dict], draw: float | None, sizes) -> str:
    """The results as a Markdown table, with the machine and the Chromium figure."""
    head = ("| events | load CSV | enrich | load GeoParquet | filter (median / slowest of 4) | map build + render | page | "
            "naive build + render | naive page | per-event speed-up vs naive |\n"
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
    lines = []
    for r in rows:
        ours = r["build"] + r["render"]
        naive = (f"{r['naive']:.1f} s" if r.get("naive") is not None else r.get("naive_note", "—"))
        naive_page = f"{r['naive_bytes'] / 1e6:.1f} MB" if r.get("naive_bytes") else "—"
        ratio = f"{r['naive_per_event'] * r['events'] / ours:,.0f}×" if r.get("naive_per_event") else "—"
        lines.append(f"| {r['events']:,} | {r['load_csv']:.2f} s | {r['enrich']:.2f} s | {r['load_parquet']:.2f} s | "
                     f"{r['filter'] * 1000:.0f} / {r['filter_max'] * 1000:.0f} ms | {ours:.2f} s | {r['bytes'] / 1e6:.2f} MB | {naive} | "
                     f"{naive_page} | {ratio} |")
    notes = [
        "",
        f"Machine: {machine()}.",
        "Filters (each the median of 5 runs, index built): " + "; ".join(
            f"{', '.join(f'{k}={v}' for k, v in f.items())}: "
            + " / ".join(f"{r['filter_each'][i] * 1000:.0f}" for r in rows) + " ms"
            for i, f in enumerate(TYPICAL_FILTERS)) + f" (at {' / '.join(f'{n:,}' for n in sizes)} events).",
        "First filter of a frame (builds its index): "
        + " / ".join(f"{r['filter_first'] * 1000:.0f} ms" for r in rows) + ".",
        "Load CSV: `load_events` + `compact_events` (the first start on a file); enrich: `geo.enrich` (region "
        "by spatial join, border distance, Tuareg region), paid once per file; load GeoParquet: the cached, "
        "enriched data set (every later start).",
        "Speed-up: the naive recipe's per-event cost (measured at its largest finished size) × events, "
        "over our build + render.",
    ]
    if draw is not None:
        notes.append(f"Headless Chromium draws the {rows[-1]['events']:,}-event map {draw:.2f} s after navigation "
                     "starts (file:// page, cells in the DOM).")
    return head + "\n".join(lines) + "\n" + "\n".join(notes) + "\n"


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--source" in argv:  # python -m geo.bench --source postgis [...]: the database benchmark
        i = argv.index("--source")
        source = argv[i + 1] if i + 1 < len(argv) else ""
        if source not in ("postgis", "file"):
            raise SystemExit("--source must be 'postgis' or 'file'")
        del argv[i:i + 2]
        if source == "postgis":
            from .bench_postgis import main as postgis_main

            return postgis_main(argv)
    if "--matching" in argv:  # the matching benchmark: geo/bench_matching.py
        from . import bench_matching
        bench_matching.main([a for a in argv if a != "--matching"])
        return 0
    parser = argparse.ArgumentParser(prog="python -m geo.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--out", type=Path, help="also write the Markdown table here")
    parser.add_argument("--naive-max", type=int, default=100_000, help="largest size the naive map is tried at")
    parser.add_argument("--naive-cap", type=float, default=60.0, help="skip the naive map past this many seconds")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium drawing time")
    args = parser.parse_args(argv)
    rows, draw = run(args.sizes, naive_max=args.naive_max, naive_cap_s=args.naive_cap,
                     browser=not args.no_browser)
    text = table(rows, draw, args.sizes)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
