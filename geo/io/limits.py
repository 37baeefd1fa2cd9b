"""What one file may cost to read: the limits, each with its environment variable, and the checks that
refuse a file past them before any work in proportion to the excess.

| limit | default | environment variable |
| --- | --- | --- |
| columns of a CSV, JSON, Parquet or sheet header | 500 | ``GEO_MAX_COLUMNS`` |
| one line of a CSV file | 1 MiB | ``GEO_MAX_LINE_KB`` |
| an archive or workbook unpacked (every member) | 1 GiB | ``GEO_MAX_UNPACKED_MB`` |
| ... and relative to its own size | 100 times | ``GEO_MAX_UNPACK_RATIO`` |
| cells of a sheet (rows × columns of the rectangle the cells span) | 40 million | ``GEO_MAX_SHEET_CELLS`` |
| an upload's parsing: memory above the worker's own | 2 GiB | ``GEO_UPLOAD_MEMORY_MB`` |
| an upload's parsing: time | 120 s | ``GEO_UPLOAD_SECONDS`` |
| uploads parsed at once by one server process | 2 | ``GEO_UPLOAD_WORKERS`` |

The values are read when used, so a deployment sets them in the server's environment.
"""

from __future__ import annotations

import os

import numpy as np

from ..errors import ImportFormatError
from ..i18n import N_

KB, MB = 1024, 1024 * 1024
#: name -> (default, environment variable, unit in bytes)
LIMITS = {
    "columns": (500, "GEO_MAX_COLUMNS", 1),
    "line_bytes": (1024, "GEO_MAX_LINE_KB", KB),
    "unpacked_bytes": (1024, "GEO_MAX_UNPACKED_MB", MB),
    "unpack_ratio": (100, "GEO_MAX_UNPACK_RATIO", 1),
    "sheet_cells": (40_000_000, "GEO_MAX_SHEET_CELLS", 1),
    "upload_memory_bytes": (2048, "GEO_UPLOAD_MEMORY_MB", MB),
    "upload_seconds": (120, "GEO_UPLOAD_SECONDS", 1),
    "upload_workers": (2, "GEO_UPLOAD_WORKERS", 1),
}


def limit(name: str) -> int | float:
    """The limit in force (bytes for sizes): the environment variable's value, else the default. Seconds
    may be a fraction; the others are whole numbers, at least 1."""
    default, variable, unit = LIMITS[name]
    try:
        value = float(os.environ.get(variable, default))
    except ValueError:
        value = default
    if name == "upload_seconds":
        return max(value, 0.01)
    return max(int(value), 1) * unit


def size_text(n: int) -> str:
    """A size in words: "1 GB", "50 MB", "1 KB"."""
    for unit, name in ((1024 ** 3, "GB"), (MB, "MB"), (KB, "KB")):
        if n >= unit:
            return f"{n / unit:,.0f} {name}" if n % unit == 0 or n >= 10 * unit else f"{n / unit:,.1f} {name}"
    return f"{n} bytes"


def check_columns(count: int, label: str, what: str = "header") -> None:
    """Refuse a table of more columns than the limit (before anything is done per column)."""
    most = limit("columns")
    if count > most:
        raise ImportFormatError(N_("the {what} has {count} columns; at most {limit} are read (ACLED's exports have 31, "
                                   "UCDP GED's 49): is it a table turned sideways, or not an event file? "
                                   "(GEO_MAX_COLUMNS raises the limit)").format(
            what=what, count=f"{count:,}", limit=f"{most:,}"), path=label)


def header_fields(first_line: bytes) -> int:
    """How many fields the header line can have at most: the count of its commonest separator, plus one
    (quotes can only make it fewer)."""
    return max(first_line.count(b","), first_line.count(b";"), first_line.count(b"\t")) + 1


def check_lines(data: bytes, label: str) -> None:
    """Refuse a text file with a line longer than the limit: where it is, without a Python loop over
    the lines (numpy over slices of 8 MB, so the memory stays small)."""
    most = limit("line_bytes")
    if len(data) <= most:
        return
    view = np.frombuffer(data, dtype=np.uint8)
    last = -1  # the previous newline
    step = 8 * MB
    for start in range(0, len(view), step):
        ends = np.flatnonzero(view[start:start + step] == 10) + start
        edges = np.concatenate(([last], ends))
        gaps = np.diff(edges) - 1
        if len(gaps) and gaps.max() > most:
            at = int(np.argmax(gaps > most))
            _long_line(data, int(edges[at]) + 1, int(gaps[at]), label)
        if len(ends):
            last = int(ends[-1])
        if start + step - last - 1 > most and start + step < len(view):
            _long_line(data, last + 1, start + step - last - 1, label, at_least=True)
    if len(view) - last - 1 > most:
        _long_line(data, last + 1, len(view) - last - 1, label)


def _long_line(data: bytes, start: int, length: int, label: str, at_least: bool = False) -> None:
    line = data.count(b"\n", 0, start) + 1
    raise ImportFormatError(N_("line {line} is {length} long; a line of an event file may be at most {limit} "
                               "(GEO_MAX_LINE_KB): not an event file, or a damaged one").format(
        line=f"{line:,}", length=("over " if at_least else "") + size_text(length),
        limit=size_text(limit("line_bytes"))), path=label)
