"""``python -m geo.bench --animation [--events 20000] [--out README.md]``: the animated map's benchmark.

52 weekly frames of synthetic events (2023, the benchmark's Sahel events: ``synthetic_events``) written
as a 1920x1080 MP4 (H.264) and as an 800 px wide GIF, each timed in a fresh process (the imports and the
base map included) with its peak memory. Targets (issue 29): the MP4 in at most 60 s and 10 MB, the GIF in
at most 8 MB. With ``--out FILE`` the table replaces the lines between ``<!-- animation-benchmark -->`` and
``<!-- /animation-benchmark -->`` in FILE (the README), or is written to FILE when it has no such lines.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from .synthetic import machine

START, END = "<!-- animation-benchmark -->", "<!-- /animation-benchmark -->"
LINK = "from=2023-01-02&to=2023-12-31"  # Monday 2 January to Sunday 31 December: 52 weeks
TARGETS = {"mp4": (60.0, 10.0), "gif": (None, 8.0)}  # seconds, MB

_CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
import geo
from geo.bench.synthetic import synthetic_events
from geo.layers import load_layers
from geo.static.animate import animate
from geo.vocabulary import Vocabulary
events = synthetic_events(int(sys.argv[3]), seed=1)
layers = load_layers(events)
view, _w = geo.view_from_query(sys.argv[4], vocabulary=Vocabulary.of(events))
t1 = time.perf_counter()
size = (1920, 1080) if sys.argv[2] == "mp4" else (800, None)
result = animate(events, layers, view, sys.argv[1], step="week", size=size)
t2 = time.perf_counter()
naive = None
if sys.argv[2] == "mp4":  # the baseline: each frame drawn as a whole snapshot (boundaries, names, legend…)
    import dataclasses
    from geo.analysis import periods
    from geo.static.staticmap import snapshot_png
    weeks = periods(view.filter.start, view.filter.end, "W")[:3]
    t3 = time.perf_counter()
    for a, b in weeks:
        week = dataclasses.replace(view, filter=dataclasses.replace(view.filter, start=a.date(), end=b.date()))
        snapshot_png(geo.filter_events(events, week.filter), layers, week, width_px=1920, dpi=100)
    naive = (time.perf_counter() - t3) / len(weeks) * 52
print(json.dumps({"naive_s": naive, "data_s": t1 - t0, "animate_s": t2 - t1, "frames": result.frames, "periods": result.periods,
                  "seconds": result.seconds, "width": size[0],
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run_one(fmt: str, n_events: int, folder: Path) -> dict:
    """One animation written in a fresh process: its timings, size and peak memory."""
    out = folder / f"bench.{fmt}"
    done = subprocess.run([sys.executable, "-c", _CHILD, str(out), fmt, str(n_events), LINK], capture_output=True,
                          text=True, check=True)
    row = json.loads(done.stdout.strip().splitlines()[-1])
    row.update(fmt=fmt, mb=out.stat().st_size / 1e6)
    return row


def table(rows: list[dict], n_events: int) -> str:
    lines = [f"52 weekly frames of {n_events:,} synthetic events (2023: the year's "
             f"{rows[0].get('in_range', '')} events), on {machine()}:", "",
             "| output | frames (periods + held) | plays | synthetic data + layers | animation (base map, frames, "
             "encoding) | file | peak memory | target |",
             "|---|---:|---:|---:|---:|---:|---:|---|"]
    naive = rows[0].get("naive_s")
    for r in rows:
        secs, mb = TARGETS[r["fmt"]]
        target = " and ".join(([f"≤ {secs:g} s"] if secs else []) + [f"≤ {mb:g} MB"])
        met = (secs is None or r["animate_s"] <= secs) and r["mb"] <= mb
        name = "MP4 (H.264) 1920x1080" if r["fmt"] == "mp4" else f"GIF {r['width']} px wide"
        lines.append(f"| {name} | {r['frames']} ({r['periods']} + held) | {r['seconds']:g} s | {r['data_s']:.1f} s | "
                     f"{r['animate_s']:.1f} s | {r['mb']:.2f} MB | {r['rss_mb']:.0f} MB | {target}: "
                     f"{'met' if met else 'NOT met'} |")
    if naive:
        lines += ["", f"Drawing each frame as a whole snapshot instead (boundaries, place names, legend and text again "
                      f"for every week; measured on 3 weeks in the same run) would take {naive:.0f} s for the 52 "
                      f"frames, before any encoding: {naive / rows[0]['animate_s']:.1f}× the animation's time."]
    return "\n".join(lines) + "\n"


def write_out(path: Path, text: str) -> None:
    """The table between the markers of ``path`` (the README), or ``path`` itself when it has none."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if START in old and END in old:
        new = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _m: f"{START}\n{text}{END}", old, flags=re.S)
        path.write_text(new, encoding="utf-8")
    else:
        path.write_text(text, encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo.bench --animation", description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=20_000, help="synthetic events over five years")
    parser.add_argument("--out", type=Path, help="write the table into this file (between the README's markers)")
    args = parser.parse_args(argv)
    from .synthetic import synthetic_events

    events = synthetic_events(args.events, seed=1)
    in_range = int(((events["event_date"] >= "2023-01-02") & (events["event_date"] <= "2023-12-31")).sum())
    with tempfile.TemporaryDirectory(prefix="geo-bench-animation-") as folder:
        rows = [run_one(fmt, args.events, Path(folder)) for fmt in ("mp4", "gif")]
    rows[0]["in_range"] = f"{in_range:,}"
    text = table(rows, args.events)
    print(text)
    if args.out:
        write_out(args.out, text)
    return 0
