"""The local store's versions at scale: ``python -m geo.bench --versions`` (or ``python -m geo.bench.versions``).

Writes ``--events`` synthetic events (``geo.bench.synthetic``) into a local store as a first version (the way
a sync writes them: ``geo.sync.writer.StoreSink``), then a second version revising ``--revisions`` of them (one
more fatality) and deleting a tenth as many. Opens the store as the dashboard does (``Dataset.from_source``) and
times each typical filter answered and drawn (``filter_events`` + ``build_map`` rendered) on the current data and
as of the first version (``geo.sources.versioned.as_of``: the older version read once, then kept); reports the
ratio, the one-time cost of reading the older version, and the store's storage against the first version alone.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from .synthetic import TYPICAL_FILTERS, machine, synthetic_events

REPEAT = 3


def _write(root, frame, *, deleted=(), page: int = 100_000) -> None:
    from ..sync.store import row_hashes
    from ..sync.writer import StoreSink

    sink = StoreSink(root, "acled", "delta")
    for start in range(0, len(frame), page):
        part = frame.iloc[start:start + page]
        sink.add(part, row_hashes(part))
    sink.delete(deleted)
    sink.commit({}, {})


def _view_seconds(data, flt, layers) -> tuple[float, int]:
    from .. import build_map, filter_events

    times = []
    for _ in range(REPEAT):
        t = time.perf_counter()
        shown = filter_events(data.events, flt)
        build_map(shown, layers).get_root().render()
        times.append(time.perf_counter() - t)
    return statistics.median(times), len(shown)


def run(events: int, revisions: int, log=print) -> dict:
    from ..filters import EventFilter
    from ..sources.dataset import Dataset
    from ..sources.versioned import as_of

    frame = synthetic_events(events, seed=3)
    frame["event_id"] = [f"SYN-{i:08d}" for i in range(events)]
    rng = np.random.default_rng(28)
    picked = rng.choice(events, revisions + revisions // 10, replace=False)
    revised = frame.iloc[np.sort(picked[:revisions])].copy()
    revised["fatalities"] += 1
    deleted = frame["event_id"].iloc[picked[revisions:]].tolist()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "store"
        t = time.perf_counter()
        _write(root, frame)
        first_bytes = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
        _write(root, revised, deleted=deleted)
        log(f"   store written in {time.perf_counter() - t:.0f} s")
        store_bytes = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
        t = time.perf_counter()
        data = Dataset.from_source(root, use_cache=False)
        open_s = time.perf_counter() - t
        t = time.perf_counter()
        older = as_of(data, 1)
        asof_open_s = time.perf_counter() - t
        log(f"   opened in {open_s:.0f} s; the first version read in {asof_open_s:.0f} s")
        layers = data.layers
        from .. import filter_events
        filter_events(data.events, EventFilter(actors=["JNIM"]))  # each data set's index, built once
        filter_events(older.events, EventFilter(actors=["JNIM"]))
        rows = []
        for spec in ({},) + TYPICAL_FILTERS:
            flt = EventFilter(**spec)
            now_s, now_n = _view_seconds(data, flt, layers)
            old_s, old_n = _view_seconds(older, flt, layers)
            rows.append({"filter": spec, "current_s": now_s, "asof_s": old_s, "current_n": now_n, "asof_n": old_n})
            log(f"   {spec}: {now_s:.2f} s / {old_s:.2f} s")
    return {"events": events, "revisions": revisions, "deleted": len(deleted), "open_s": open_s,
            "asof_open_s": asof_open_s, "first_bytes": first_bytes, "store_bytes": store_bytes, "rows": rows}


def table(r: dict) -> str:
    lines = [f"| filter | current: events | current: filter + drawn | as of the first version: events "
             f"| as of: filter + drawn | as of / current |", "|---|---:|---:|---:|---:|---:|"]
    for row in r["rows"]:
        label = ", ".join(f"{k}={v}" for k, v in row["filter"].items()) or "no filter"
        lines.append(f"| {label} | {row['current_n']:,} | {row['current_s']:.2f} s | {row['asof_n']:,} | "
                     f"{row['asof_s']:.2f} s | {row['asof_s'] / row['current_s']:.2f}× |")
    worst = max(row["asof_s"] / row["current_s"] for row in r["rows"])
    lines += ["", f"A local store of {r['events']:,} synthetic events, then a sync revising {r['revisions']:,} and "
              f"deleting {r['deleted']:,}: each view as of the first version costs at most {worst:.2f}× the current "
              f"one (median of {REPEAT}; the older version is read from the store once, {r['asof_open_s']:.0f} s, "
              f"then kept: opening the store took {r['open_s']:.0f} s). Storage: {r['store_bytes'] / 1e6:.0f} MB "
              f"with both versions, {r['first_bytes'] / 1e6:.0f} MB for the first alone "
              f"(+{100 * (r['store_bytes'] - r['first_bytes']) / r['first_bytes']:.0f} % for the history). {machine()}."]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo.bench --versions", description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--revisions", type=int, default=100_000)
    parser.add_argument("--out", type=Path, help="also write the Markdown table here")
    args = parser.parse_args(argv)
    text = table(run(args.events, args.revisions))
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
