"""``python -m geo.bench --sync``: a whole UCDP GED (400,000 events by default) synced from a local fake API
(``geo.bench.fakeapi``, in its own process) by ``python -m geo sync ucdp`` (in another), timed, with the
sync process's peak memory (its maximum resident set size, from ``wait4``), then a second sync of a new
version (the same events: every page read and compared, nothing written but the manifest's version).

    python -m geo.bench --sync [--events 400000] [--asof 1000000] [--out sync.md] [--readme README.md]

``--readme`` writes the table into the README between ``<!-- sync-bench -->`` and ``<!-- /sync-bench -->``.
Targets: at most 120 s and 800 MB.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET_SECONDS, TARGET_MB = 120, 800
START, END = "<!-- sync-bench -->", "<!-- /sync-bench -->"


def _timed(command: list[str], env: dict) -> tuple[float, float, float, str]:
    """(seconds, peak RSS in MB, CPU seconds, stdout) of a command run to its end."""
    out = tempfile.TemporaryFile()
    t0 = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    out.seek(0)
    text = out.read().decode("utf-8", "replace")
    if proc.returncode:
        raise SystemExit(f"{' '.join(command[2:])} failed ({proc.returncode}): {text}")
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, text  # ru_maxrss: kB on Linux


def run(events: int, page_size: int = 1000) -> str:
    load_before = os.getloadavg()[0]
    server = subprocess.Popen([sys.executable, "-m", "geo.bench.fakeapi", "--ucdp-events", str(events),
                               "--ucdp-version", "25.1", "--ucdp-version", "25.0.1"], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline())
        url = f"http://127.0.0.1:{port}"
        with tempfile.TemporaryDirectory() as folder:
            store = Path(folder) / "ucdp"
            env = {**os.environ, "UCDP_API_URL": url, "UCDP_TOKEN": "ucdp-t0ken", "PYTHONPATH": str(ROOT)}
            base = [sys.executable, "-m", "geo", "sync", "ucdp", "--out", str(store), "--quiet",
                    "--page-size", str(page_size)]
            first = _timed(base + ["--version", "25.1"], env)
            second = _timed(base + ["--version", "25.0.1"], env)  # the same events under another version
            size = sum(p.stat().st_size for p in store.rglob("*") if p.is_file()) / 2**20
    finally:
        server.terminate()
    pages = -(-events // page_size)
    ok = lambda s, mb: "yes" if s <= TARGET_SECONDS and mb <= TARGET_MB else "**no**"  # noqa: E731
    lines = [f"| sync | events | pages of {page_size:,} | seconds | CPU seconds of the sync | events/s | "
             f"peak memory (RSS) | within {TARGET_SECONDS} s and {TARGET_MB} MB |", "|---|---:|---:|---:|---:|---:|---:|---|"]
    for label, (seconds, mb, cpu, _out) in (("first: every event new", first),
                                            ("a new version, the same events", second)):
        lines.append(f"| {label} | {events:,} | {pages:,} | {seconds:.1f} | {cpu:.1f} | {events / seconds:,.0f} "
                     f"| {mb:,.0f} MB | {ok(seconds, mb)} |")
    lines += ["", f"Store on disk: {size:,.0f} MB (one GeoParquet file per UCDP version, zstd). "
              f"Machine: {platform.machine()}, {os.cpu_count()} cores; Python {platform.python_version()}; "
              f"load average {load_before:.1f} before and {os.getloadavg()[0]:.1f} after (the machine is shared: the "
              f"wall time grows with the load, the CPU seconds much less)."]
    return "\n".join(lines)


def asof_cost(events: int = 1_000_000, deltas: int = 5, revised: float = 0.02) -> str:
    """What an as-of view of a store costs at ``events`` events: the store written by ``StoreSink`` directly (no
    HTTP), then ``deltas`` ACLED-like syncs each revising ``revised`` of the events, adding half as many and
    deleting a tenth as many; ``store.events()`` timed (best of 2) as of each version."""
    import numpy as np

    from ..sync.store import open_store, row_hashes
    from ..sync.writer import StoreSink
    from .synthetic import synthetic_events

    base = synthetic_events(events, seed=3)
    rng = np.random.default_rng(3)
    with tempfile.TemporaryDirectory() as folder:
        sink = StoreSink(folder, "acled", "delta")
        for start in range(0, events, 200_000):
            part = base.iloc[start:start + 200_000]
            sink.add(part, row_hashes(part))
        sink.commit({"timestamp": 1}, {})
        extra = synthetic_events(int(events * revised / 2 * deltas) + 1, seed=4)
        extra["event_id"] = "NEW-" + extra["event_id"].astype(str)
        for k in range(deltas):
            sink = StoreSink(folder, "acled", "delta")
            pick = base.iloc[rng.choice(events, int(events * revised), replace=False)].copy()
            pick["fatalities"] = pick["fatalities"] + 1 + k
            new = extra.iloc[k * len(extra) // deltas:(k + 1) * len(extra) // deltas]
            for part in (pick, new):
                sink.add(part, row_hashes(part))
            sink.delete(base["event_id"].iloc[rng.choice(events, int(events * revised / 10), replace=False)])
            sink.commit({"timestamp": 2 + k}, {})
        store = open_store(folder)
        lines = ["| as of | files read | events | seconds (best of 2) | × the first version's |", "|---|---:|---:|---:|---:|"]
        first = None
        for v in store.versions():
            times = []
            for _ in range(2):
                t0 = time.perf_counter()
                frame, _claims = store.events(asof=v.id)
                times.append(time.perf_counter() - t0)
            first = first or min(times)
            files = len([f for x in store._chain(v) for f in x.files])
            lines.append(f"| version {v.id}{' (full)' if v.full else ''} | {files} | {len(frame):,} | {min(times):.2f} "
                         f"| {min(times) / first:.2f} |")
            print(lines[-1], flush=True)
        size = sum(p.stat().st_size for p in Path(folder).rglob("*.parquet")) / 2**20
    lines += ["", f"{deltas} syncs each revising {revised:.0%} of {events:,} events (plus {revised / 2:.0%} new, "
              f"{revised / 10:.1%} deleted); a full file is written when the deltas since the last reach half of it. "
              f"Store: {size:,.0f} MB."]
    return "\n".join(lines)


def write_readme(path: Path, text: str) -> None:
    readme = path.read_text(encoding="utf-8")
    if START not in readme or END not in readme:
        raise SystemExit(f"{path}: no {START} … {END} markers")
    new = re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _m: f"{START}\n{text}\n{END}", readme, flags=re.S)
    path.write_text(new, encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=400_000)
    parser.add_argument("--page-size", type=int, default=1000)
    parser.add_argument("--out", help="also write the table to this Markdown file")
    parser.add_argument("--readme", help="write the table into this README between the sync-bench markers")
    parser.add_argument("--asof", type=int, metavar="EVENTS", help="also time as-of views of a store of EVENTS events")
    args = parser.parse_args(argv)
    text = run(args.events, args.page_size)
    if args.asof:
        text += "\n\n**As of an earlier version** (the local store, read by `store.events(asof=…)`):\n\n" + asof_cost(args.asof)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    if args.readme:
        write_readme(Path(args.readme), text)
    return 0
