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
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from ..io.cache import read_events_parquet
from .synthetic import TYPICAL_FILTERS, machine, synthetic_events

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

    from ..styles import esc

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
    from .. import build_map, compact_events, enrich, load_events, load_layers
    from ..filters import EventFilter, filter_events

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
