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
from .report import verdict, write_section
from .synthetic import TYPICAL_FILTERS, machine, synthetic_claims, synthetic_events

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


#: The GED-sized case: as many events as the whole of UCDP GED, over 30 years.
GED_SIZE, GED_YEARS = 400_000, 30


def _case(n: int, seed: int, years: int, layers):
    """A data set as the dashboard holds it (``Dataset``: enriched, compact) of ``n`` real-shaped events:
    UCDP's three figures for each, several claimants for some, long notes for 1 %."""
    from .. import compact_events, enrich
    from ..sources.dataset import Dataset

    plain = synthetic_events(n, seed=seed, years=years, long_notes=0.01)
    claims = synthetic_claims(plain, seed=seed)
    seconds, events = _timed(lambda: compact_events(enrich(plain, layers)))
    return plain, claims, seconds, lambda c: Dataset._of(events, c, "synthetic", "synthetic", layers=layers)


def _maps(row: dict, data, bare, repeat: int = 5) -> str:
    """The map of every event, first for the data set (its per-data-set work), then as each later view
    pays it, with the claims and without: the two alternated, so that the machine's other work falls on
    both alike (the median of ``repeat`` each)."""
    from .. import build_map

    def build(d, claims):
        return build_map(d.events, d.layers, claims=claims, dataset=d).get_root().render()

    row["first"], html = _timed(lambda: build(data, data.claims))
    _timed(lambda: build(bare, None))  # its own first map
    with_claims, without = [], []
    for _ in range(repeat):
        with_claims.append(_timed(lambda: build(data, data.claims))[0])
        without.append(_timed(lambda: build(bare, None))[0])
    row["build"], row["bare"] = statistics.median(with_claims), statistics.median(without)
    row["bytes"] = len(html.encode("utf-8"))
    row["claims"] = len(data.claims)
    return html


def run(sizes, *, naive_max: int = 100_000, naive_cap_s: float = 60.0, browser: bool = True,
        seed: int = 0, ged: bool = True, log=print) -> tuple[list[dict], float | None]:
    """Measure every size (and the GED-sized case); returns (one dict per size, Chromium seconds for
    the largest map)."""
    from .. import compact_events, load_events, load_layers
    from ..filters import EventFilter, filter_events

    layers = load_layers()
    rows, naive_per_event, largest_html = [], None, None
    cases = [(n, 5) for n in sizes] + ([(GED_SIZE, GED_YEARS)] if ged else [])
    with tempfile.TemporaryDirectory() as tmp:
        for n, years in cases:
            log(f"-- {n:,} events over {years} years")
            plain, claims, enrich_s, make = _case(n, seed, years, layers)
            csv, parquet = Path(tmp) / f"events{n}.csv", Path(tmp) / f"events{n}.parquet"
            plain.drop(columns="geometry").to_csv(csv, index=False, date_format="%Y-%m-%d")
            row = {"events": n, "years": years, "enrich": enrich_s}
            row["dataset"], data = _timed(lambda: make(claims))  # vocabulary, actor counts, places, title
            bare = make(claims.iloc[0:0])
            events = data.events
            del plain  # a million rows: keep only the compact copy
            events.to_parquet(parquet)
            row["load_csv"], _ = _timed(lambda: compact_events(load_events(csv)))
            row["load_parquet"], _ = _timed(lambda: read_events_parquet(parquet))  # as the cache reads it
            flts = [EventFilter(**f) for f in TYPICAL_FILTERS]
            row["filter_first"], _ = _timed(lambda: filter_events(events, flts[0]))  # builds the index
            per = [_timed(lambda f=f: filter_events(events, f), repeat=5)[0] for f in flts]
            row["filter"], row["filter_each"], row["filter_max"] = statistics.median(per), per, max(per)
            html = _maps(row, data, bare)
            if years == 5:
                largest_html = html
            expected = naive_per_event * n if naive_per_event else 0
            if n > naive_max or expected > naive_cap_s or years != 5:
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


def _label(r: dict) -> str:
    return f"{r['events']:,}" + (f" (GED-sized, {r['years']} years)" if r["years"] != 5 else "")


def table(rows: list[dict], draw: float | None, sizes) -> str:
    """The results as Markdown tables, with the machine and the Chromium figure."""
    head = ("| events | claims | load CSV | enrich | load GeoParquet | the data set, once | filter (median / slowest of 4) "
            "| first map (per-data-set work) | map build + render | without claims | page | naive build + render "
            "| naive page | per-event speed-up vs naive |\n"
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
    lines = []
    for r in rows:
        naive = (f"{r['naive']:.1f} s" if r.get("naive") is not None else r.get("naive_note", "—"))
        naive_page = f"{r['naive_bytes'] / 1e6:.1f} MB" if r.get("naive_bytes") else "—"
        ratio = f"{speedup(r):,.0f}×" if speedup(r) else "—"
        lines.append(f"| {_label(r)} | {r['claims']:,} | {r['load_csv']:.2f} s | {r['enrich']:.2f} s | "
                     f"{r['load_parquet']:.2f} s | {r['dataset']:.2f} s | {r['filter'] * 1000:.0f} / "
                     f"{r['filter_max'] * 1000:.0f} ms | {r['first']:.2f} s | {r['build']:.3f} s | {r['bare']:.3f} s | "
                     f"{r['bytes'] / 1e6:.2f} MB | {naive} | {naive_page} | {ratio} |")
    notes = [
        "",
        f"Machine: {machine()}.",
        "Events: `geo.bench.synthetic.synthetic_events` (40,000 places, 400 actors, five years; the GED-sized case "
        "30) with notes of 2–8 kB on 1 % of them, and `synthetic_claims`: UCDP GED's low, best and high estimates "
        "for every event, and two to four parties' claims for 5 % of them.",
        "Filters (each the median of 5 runs, index built): " + "; ".join(
            f"{', '.join(f'{k}={v}' for k, v in f.items())}: "
            + " / ".join(f"{r['filter_each'][i] * 1000:.0f}" for r in rows) + " ms"
            for i, f in enumerate(TYPICAL_FILTERS)) + f" (at {' / '.join(_label(r) for r in rows)} events).",
        "First filter of a frame (builds its index): "
        + " / ".join(f"{r['filter_first'] * 1000:.0f} ms" for r in rows) + ".",
        "Load CSV: `load_events` + `compact_events` (the first start on a file); enrich: `geo.enrich` (region "
        "by spatial join, border distance, Tuareg region), paid once per file; load GeoParquet: the cached, "
        "enriched data set (every later start); the data set, once: `Dataset` (vocabulary, actor counts, places, "
        "title); first map: `build_map(..., dataset=data)` + render the first time, with the work done once per "
        "data set (place names, boundaries' encoded rings, claims sorted); map build + render: every later map of "
        "the data set (median of 5), as the dashboard pays it; without claims: the same events, no claims (the two "
        "alternated).",
        "Speed-up: the naive recipe's per-event cost (measured at its largest finished size) × events, "
        "over our build + render.",
    ]
    if draw is not None:
        last = [r for r in rows if r["years"] == 5][-1]
        notes.append(f"Headless Chromium draws the {last['events']:,}-event map {draw:.2f} s after navigation "
                     "starts (file:// page, cells in the DOM).")
    return head + "\n".join(lines) + "\n" + "\n".join(notes) + "\n"


def speedup(r: dict) -> float | None:
    return r["naive_per_event"] * r["events"] / r["build"] if r.get("naive_per_event") else None


def targets(rows: list[dict]) -> tuple[str, bool]:
    """The issue's targets, each with its verdict (Markdown list), and whether all are met."""
    by_n = {r["events"]: r for r in rows if r["years"] == 5}
    checks = [
        verdict("map build + render at 10,000 events", by_n.get(10_000, {}).get("build"), 0.1),
        verdict("map build + render at 1,000,000 events", by_n.get(1_000_000, {}).get("build"), 0.3),
        verdict("with claims, over without (the slowest size)", max(r["build"] / r["bare"] for r in rows), 1.2, "×"),
        verdict("per-event speed-up vs naive at 100,000 events",
                speedup(by_n[100_000]) if 100_000 in by_n else None, 1000, "×", at_least=True),
        verdict("page (the largest)", max(r["bytes"] for r in rows) / 1e6, 0.6, "MB"),
    ]
    return "Targets:\n\n" + "\n".join(line for line, _ in checks) + "\n", all(ok for _, ok in checks)


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m geo.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--out", type=Path, help="write the tables here: README.md's benchmark section, or a file")
    parser.add_argument("--naive-max", type=int, default=100_000, help="largest size the naive map is tried at")
    parser.add_argument("--naive-cap", type=float, default=60.0, help="skip the naive map past this many seconds")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium drawing time")
    parser.add_argument("--no-ged", action="store_true", help="skip the GED-sized case (400,000 events, 30 years)")
    args = parser.parse_args(argv)
    rows, draw = run(args.sizes, naive_max=args.naive_max, naive_cap_s=args.naive_cap,
                     browser=not args.no_browser, ged=not args.no_ged)
    goals, _met = targets(rows)
    text = table(rows, draw, args.sizes) + "\n" + goals
    print(text)
    if args.out:
        write_section(args.out, "maps", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
