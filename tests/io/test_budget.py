"""An upload parsed in a worker process within a memory and a time ceiling (``geo.io.budget``)."""

from __future__ import annotations

import io

import pytest
from geopandas.testing import assert_geodataframe_equal

import hostile_files as h
from conftest import FIXTURES
from geo.errors import ImportFormatError
from geo.io.budget import read_bounded
from geo.io.readers import read_events

ACLED = FIXTURES / "acled" / "acled_mali.csv"


def many_rows(copies: int) -> bytes:
    """The ACLED fixture's rows again and again, each copy with ids of its own (about 3.3 kB a copy)."""
    text = ACLED.read_bytes()
    head, body = text.split(b"\n", 1)
    return head + b"\n" + b"".join(body.replace(b"MLI9", b"M%dX" % i) for i in range(copies))


def test_the_worker_gives_what_read_events_gives():
    upload = io.BytesIO(ACLED.read_bytes())
    upload.name = "acled_mali.csv"
    events, report = read_bounded(upload)
    expected, expected_report = read_events(ACLED, name="acled_mali.csv")
    assert_geodataframe_equal(events, expected)
    assert report.rejected.equals(expected_report.rejected) and report.warnings == expected_report.warnings
    assert upload.tell() == 0  # the upload's position is left where it was


def test_the_files_own_errors_come_back_as_they_are():
    with pytest.raises(ImportFormatError, match=r"^wide.csv: the header has 200,000 columns") as info:
        read_bounded(h.wide_csv(), name="wide.csv")
    assert info.value.path == "wide.csv"
    with pytest.raises(ImportFormatError, match="nothing but zero bytes"):
        read_bounded(h.nul_bytes(5), name="zeros.csv")


def test_past_the_memory_ceiling_the_upload_is_refused_plainly(monkeypatch):
    monkeypatch.setenv("GEO_UPLOAD_MEMORY_MB", "60")
    data = many_rows(6000)  # 20 MB of rows: several times 60 MB once parsed
    with pytest.raises(ImportFormatError, match=r"big.csv: reading the file needed more than 60 MB of memory, the "
                                                 r"most an upload may use \(GEO_UPLOAD_MEMORY_MB\)"):
        read_bounded(data, name="big.csv")


def test_past_the_time_ceiling_the_upload_is_refused_plainly(monkeypatch):
    monkeypatch.setenv("GEO_UPLOAD_SECONDS", "0.05")
    with pytest.raises(ImportFormatError, match=r"took longer than 0.05 s, the most an upload may take"):
        read_bounded(many_rows(3000), name="slow.csv")
    monkeypatch.delenv("GEO_UPLOAD_SECONDS")
    assert len(read_bounded(ACLED)[0]) == 5  # the next upload has its worker as before
