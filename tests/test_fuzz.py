"""Fuzzing the file readers with wrong values in every column: a clear error or a report,
never an unhandled exception, and every row accounted for."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import geo
from conftest import FIXTURES

with open(FIXTURES / "events_small.csv", encoding="utf-8", newline="") as f:
    ROWS = list(csv.DictReader(f))
COLUMNS = list(ROWS[0])

#: Values of the wrong type or size for any column.
WRONG = st.one_of(
    st.sampled_from(["", "NaN", "inf", "-inf", "1e308", "99999999999999999999", "-1", "0.5", "2999-01-01",
                     "0024-07-25", "2024-02-30", "27 July 2024", "null", "None", "true", "[]", "{}",
                     "\x00", "=HYPERLINK(\"http://x\")", "1,5", " 19.9 "]),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=40),
    st.integers(10_000, 200_000).map(lambda n: "x" * n),  # huge fields
)


def _csv(rows) -> bytes:
    out = io.StringIO()
    # RFC 4180 line ends, so that the writer quotes any field holding a CR or LF (as Excel does)
    w = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    w.writeheader()
    w.writerows(rows)
    return out.getvalue().encode("utf-8", errors="surrogatepass")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(ROWS) - 1), st.sampled_from(COLUMNS), WRONG), min_size=1,
                max_size=8))
def test_wrong_values_anywhere_are_rejected_or_read(changes):
    rows = [dict(r) for r in ROWS]
    for i, col, value in changes:
        rows[i][col] = value
    try:
        data = _csv(rows)
    except UnicodeEncodeError:
        return
    try:
        events, report = geo.read_events(io.BytesIO(data), name="fuzz.csv")
    except geo.DataError:
        return  # a whole-file problem, said in a message
    assert report.accepted + len(report.rejected) == report.rows_read == len(ROWS)
    assert len(events) == report.accepted
    if len(events):
        assert events["event_date"].notna().all()
        assert events["latitude"].between(-90, 90).all() and events["longitude"].between(-180, 180).all()
        assert (events["fatalities"] >= 0).all()
    # the strict loader either loads the same file or names the row and field
    path_rows = io.BytesIO(data)
    try:
        geo.events.events_from_frame(
            __import__("pandas").read_csv(path_rows, dtype=str, keep_default_na=False), "fuzz.csv")
    except geo.DataError as exc:
        assert "fuzz.csv" in str(exc)
