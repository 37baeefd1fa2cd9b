"""Which library reads an ACLED workbook (``.xlsx``) faster: python-calamine or openpyxl.

``python -m geo.bench --excel [--rows 100000]`` writes a synthetic ACLED export of ``rows`` rows as a
workbook (31 columns, as ACLED's curated files hold them; dates as Excel dates, numbers as numbers)
and reads every cell of it back, each library in a fresh subprocess, so that each one's time and peak
memory are its own: calamine (``CalamineWorkbook`` + ``to_python``) and openpyxl in its streaming
mode (``read_only=True``, ``values_only`` rows). Then ``geo.read_events`` on the same workbook (the
whole import: the archive checks, the sheet, the rows checked). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

from .synthetic import machine, synthetic_events

ACLED_ORDER = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude",
    "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
)


def acled_frame(rows: int, seed: int = 0) -> pd.DataFrame:
    """``rows`` synthetic events in ACLED's 31 columns (dates as dates, numbers as numbers)."""
    ev = synthetic_events(rows, seed=seed).drop(columns="geometry")
    frame = pd.DataFrame({
        "event_id_cnty": ev["event_id"], "event_date": ev["event_date"].dt.date,
        "year": ev["event_date"].dt.year, "time_precision": ev["time_precision"],
        "disorder_type": "Political violence", "event_type": ev["event_type"],
        "sub_event_type": ev["sub_event_type"], "actor1": ev["actor1"], "assoc_actor_1": ev["assoc_actor_1"],
        "inter1": "Rebel group", "actor2": ev["actor2"], "assoc_actor_2": ev["assoc_actor_2"],
        "inter2": "State forces", "interaction": "Rebel group-State forces", "civilian_targeting": "",
        "iso": 466, "region": "Western Africa", "country": ev["country"], "admin1": ev["admin1"],
        "admin2": "", "admin3": "", "location": ev["location"], "latitude": ev["latitude"],
        "longitude": ev["longitude"], "geo_precision": ev["geo_precision"], "source": ev["source"],
        "source_scale": "National", "notes": ev["notes"], "fatalities": ev["fatalities"], "tags": "",
        "timestamp": 1700000000,
    })
    return frame[list(ACLED_ORDER)]


def write_workbook(frame: pd.DataFrame, path: Path) -> Path:
    """The frame as a one-sheet workbook, written by openpyxl's streaming writer."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("ACLED")
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        sheet.append([None if v == "" else v for v in row])
    book.save(path)
    return path


_READERS = {
    "calamine": """
from python_calamine import CalamineWorkbook
book = CalamineWorkbook.from_path(PATH)
rows = book.get_sheet_by_index(0).to_python()
n = len(rows) - 1
""",
    "openpyxl": """
from openpyxl import load_workbook
book = load_workbook(PATH, read_only=True, data_only=True)
n = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True)) - 1
book.close()
""",
    "read_events": """
import geo.io.readers
events, report = geo.io.readers.read_events(PATH)
n = len(events)
""",
}


def time_reader(name: str, path: Path) -> dict:
    """One reader on ``path`` in a fresh interpreter: rows, seconds and peak memory above the
    interpreter's own after its imports."""
    code = ("import resource, time, sys\nPATH = sys.argv[1]\n"
            + _READERS[name].split("\n", 2)[1] + "\n"  # the import first: not timed
            + "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\nt0 = time.perf_counter()\n"
            + _READERS[name].split("\n", 2)[2]
            + "import json; print(json.dumps({'rows': n, 'seconds': time.perf_counter() - t0,"
              " 'mb': (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024}))\n")
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True,
                         cwd=root)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(rows: int = 100_000, repeat: int = 3) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = write_workbook(acled_frame(rows), Path(tmp) / f"acled_{rows}.xlsx")
        size = path.stat().st_size / 1e6
        lines = [f"Reading every cell of a {rows:,}-row ACLED workbook ({size:.1f} MB, 31 columns); "
                 f"best of {repeat} runs, each in a fresh process:", "",
                 "| reader | rows | seconds | peak memory above the interpreter's |",
                 "|---|---:|---:|---:|"]
        for name in _READERS:
            runs = [time_reader(name, path) for _ in range(repeat)]
            best = min(runs, key=lambda r: r["seconds"])
            label = {"calamine": "python-calamine (`to_python`)",
                     "openpyxl": "openpyxl (`read_only`, `values_only`)",
                     "read_events": "`geo.read_events` (calamine, the whole import)"}[name]
            lines.append(f"| {label} | {best['rows']:,} | {best['seconds']:.2f} s | {best['mb']:.0f} MB |")
    lines += ["", f"Machine: {machine()}."]
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print(run(args.rows, args.repeat))
