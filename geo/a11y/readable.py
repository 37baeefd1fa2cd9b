"""Tables and charts in words: what the dashboard shows a reader instead of field names and ``None``.

- ``readable_table(frame, titles)``: human column names, empty cells empty (never ``None``, ``nan``
  or ``<NA>``), dates as dates; the frame given is not changed.
- ``date_span(first, last)``: "July 2024", "25 July 2024", "April – July 2024", "Apr 2023 – Dec 2024".
- ``timeline_for_chart(timeline, freq)`` and ``period_ticks(...)``: a timeline's bars spanning their
  whole week or month, and axis ticks that always name the month and year.

Pure pandas (no streamlit): the dashboard only calls these.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..analysis import FREQUENCIES
from ..i18n import N_, _, format_date, format_number
from ..styles import esc

#: The events table's columns, as a reader names them (ACLED's field names are a codebook's).
EVENT_TITLES = {
    "event_date": N_("Date"),
    "event_type": N_("Event type"),
    "sub_event_type": N_("Sub-type"),
    "actor1": N_("Side A"),
    "assoc_actor_1": N_("With side A"),
    "actor2": N_("Side B"),
    "assoc_actor_2": N_("With side B"),
    "location": N_("Place"),
    "admin1": N_("Region"),
    "fatalities": N_("Fatalities (conservative)"),
    "claims": N_("Claims"),
    "source": N_("Sources"),
    "event_id": N_("Event ID"),
    "dataset": N_("Data set"),
    "held_by": N_("Held by"),
}
#: The claims of one event (the event panel).
CLAIM_TITLES = {
    "claimant": N_("Who claims"),
    "source": N_("Reported in"),
    "claim_date": N_("Date of the claim"),
    "side": N_("Whose losses"),
    "killed": N_("Killed"),
    "wounded": N_("Wounded"),
    "captured": N_("Captured"),
    "statement": N_("What they said"),
}
#: The rows an import rejected (the import report).
REJECTED_TITLES = {"row": N_("Row"), "event_id": N_("Event ID"), "field": N_("Field"), "reason": N_("Why it was rejected")}
#: Each data set's records of a matched event (``geo.records_table``).
RECORD_TITLES = {
    "data set": N_("Data set"), "record": N_("Record"), "dates": N_("Dates"), "place": N_("Place"), "actors": N_("Actors"),
    "type": N_("Event type"), "fatalities": N_("Fatalities"), "claims": N_("Claims"),
}


def title_of(column: str) -> str:
    """A column with no title of its own: ``source_region`` -> "Source region"."""
    text = str(column).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def is_empty(value) -> bool:
    """None, NaN, NaT, pandas' NA and blank text are empty; 0 and False are not."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, np.floating) and np.isnan(value):
        return True
    if isinstance(value, str):
        return not value.strip() or value.strip() in ("None", "nan", "NaN", "<NA>", "NaT")
    try:
        return bool(pd.isna(value)) if np.ndim(value) == 0 else False
    except (TypeError, ValueError):
        return False


def _text(value) -> str:
    if is_empty(value):
        return ""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return f"{int(value)}"
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        ts = pd.Timestamp(value)
        return f"{ts:%Y-%m-%d}" if ts == ts.normalize() else f"{ts:%Y-%m-%d %H:%M}"
    return str(value)


def _column(col: pd.Series) -> pd.Series:
    """One column for display: numbers and dates stay sortable where nothing is missing; a column
    with missing values becomes text, its missing cells ""."""
    if pd.api.types.is_datetime64_any_dtype(col):
        dates = pd.to_datetime(col)
        if dates.isna().any():
            return pd.Series([_text(v) for v in dates], index=col.index, dtype=object)
        dates = dates.dt.tz_localize(None) if getattr(dates.dt, "tz", None) is not None else dates
        if (dates == dates.dt.normalize()).all():
            return pd.Series(dates.dt.date, index=col.index, dtype=object)
        return dates
    if pd.api.types.is_bool_dtype(col) and not col.isna().any():
        return col.map({True: _("yes"), False: _("no")}).astype(object)
    if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
        if not col.isna().any():
            return col.astype("int64") if pd.api.types.is_integer_dtype(col) else col
        return pd.Series([_text(v) for v in col], index=col.index, dtype=object)
    return _texts(col)


def _texts(col: pd.Series) -> pd.Series:
    """``_text`` of every cell of a text column, each distinct text said once (a table of thousands of rows
    repeats its actors, places and types)."""
    if isinstance(col.dtype, pd.CategoricalDtype) or pd.api.types.infer_dtype(col, skipna=True) in ("string", "empty"):
        codes, uniques = pd.factorize(col, use_na_sentinel=True)  # texts only: no 1 == 1.0 == True to merge
        said = np.array([_text(v) for v in uniques] + [""], dtype=object)  # missing (code -1) reads the last
        return pd.Series(said[codes], index=col.index, dtype=object)
    return pd.Series([_text(v) for v in col], index=col.index, dtype=object)


def readable_table(frame: pd.DataFrame, titles: Mapping[str, str] | None = None, *,
                   columns: list[str] | None = None) -> pd.DataFrame:
    """``frame`` as a reader sees it: the ``columns`` given (default: ``titles``' keys that are in
    ``frame``, then no others; without ``titles`` every column), titled by ``titles`` (else
    ``title_of``; the titles in the language in use), every empty cell "" and no ``None``/``nan``/``<NA>``
    text. A new frame; cells holding lists or dicts (internal columns) are left out. The index is reset."""
    titles = dict(titles or {})
    if columns is None:
        columns = [c for c in titles if c in frame] if titles else [c for c in frame.columns if c != "geometry"]
    out = {}
    for c in columns:
        if c not in frame:
            continue
        col = frame[c]
        if col.dtype == object and col.map(lambda v: isinstance(v, (list, dict, tuple, set, np.ndarray))).any():
            continue
        out[_(titles[c]) if titles.get(c) else title_of(c)] = _column(col).reset_index(drop=True)
    return pd.DataFrame(out)


def date_span(first, last, *, days: bool = False) -> str:
    """The dates from ``first`` to ``last`` in words, saying a month or a year once; "" without dates.

    By month (the headline figures): "July 2024", "April – July 2024", "Apr 2023 – Dec 2024" (one
    day: "25 July 2024"). With ``days`` (a time player's week): "22–28 July 2024", "29 July – 4 August
    2024", "29 Dec 2023 – 4 Jan 2024"; a whole month or year is still "July 2024", "2024".
    """
    if is_empty(first) or is_empty(last):
        return ""
    a, b = sorted((pd.Timestamp(first).normalize(), pd.Timestamp(last).normalize()))
    if a == b:
        return format_date(a, "long")
    whole_months = a.day == 1 and (b + pd.Timedelta(days=1)).day == 1
    if days and whole_months and (a.month, b.month) == (1, 12) and a.year == b.year:
        return format_date(a, "y")
    if not days or whole_months:
        if (a.year, a.month) == (b.year, b.month):
            return format_date(a, "month")
        if a.year == b.year:
            return f"{format_date(a, 'LLLL')} – {format_date(b, 'month')}"
        return f"{format_date(a, 'short_month')} – {format_date(b, 'short_month')}"
    if (a.year, a.month) == (b.year, b.month):
        return f"{format_date(a, 'd')}–{format_date(b, 'long')}"
    if a.year == b.year:
        return f"{format_date(a, 'd MMMM')} – {format_date(b, 'long')}"
    return f"{format_date(a, 'medium')} – {format_date(b, 'medium')}"


def exact_span(first, last) -> str:
    """The first and last day: "25 July 2024" or "3 April 2023 to 27 December 2024"."""
    if is_empty(first) or is_empty(last):
        return ""
    a, b = sorted((pd.Timestamp(first), pd.Timestamp(last)))
    if a.normalize() == b.normalize():
        return format_date(a)
    return _("{first} to {last}").format(first=format_date(a), last=format_date(b))


_NEXT = {"D": pd.DateOffset(days=1), "W": pd.DateOffset(weeks=1), "M": pd.DateOffset(months=1),
         "Q": pd.DateOffset(months=3), "Y": pd.DateOffset(years=1)}
#: A period's label in the chart's tooltip ({date}: its first day, or its month for months and quarters).
PERIOD_LABELS = {"D": (None, "long"), "W": (N_("Week of {date}"), "long"), "M": (None, "month"),
                 "Q": (N_("Quarter from {date}"), "month"), "Y": (None, "y")}


def timeline_for_chart(timeline: pd.DataFrame, freq: str) -> pd.DataFrame:
    """``geo.timeline``'s rows for a bar chart: with ``period_end`` (the next period's first day, so
    that a bar spans its week or month) and ``label`` (the period in words: "Week of 22 July 2024",
    "July 2024"). A new frame."""
    if freq not in FREQUENCIES:
        raise ValueError(f"freq must be one of {', '.join(FREQUENCIES)}, not {freq!r}")
    out = timeline.copy()
    start = pd.to_datetime(out["period"]) if len(out) else pd.Series([], dtype="datetime64[ns]")
    out["period_end"] = start + _NEXT[freq]
    template, style = PERIOD_LABELS[freq]
    template = _(template) if template else "{date}"
    out["label"] = [template.format(date=format_date(t, style)) for t in start]
    return out


def period_ticks(first, last, freq: str, most: int = 8) -> tuple[list[pd.Timestamp], str]:
    """The x axis of a timeline from ``first`` to ``last`` (periods' first days): at most ``most``
    tick dates and a d3 time format that always names the month and the year ("%b %Y", or
    "%-d %b %Y" for the weeks of a short span), so that one week is not labelled "Mon 22"."""
    a, b = pd.Timestamp(first).normalize(), pd.Timestamp(last).normalize()
    if freq in ("D", "W"):
        step = pd.DateOffset(days=1 if freq == "D" else 7)
        days = pd.date_range(a, b, freq=step)
        if len(days) <= most:
            return list(days), "%-d %b %Y"
    months = pd.date_range(a.to_period("M").start_time, b, freq="MS")
    months = months[months >= a] if len(months) > 1 else months
    if len(months) == 0:
        months = pd.DatetimeIndex([a])
    every = max(1, math.ceil(len(months) / most))
    if freq in ("Q", "Y"):
        every = max(every, 3 if freq == "Q" else 12)
    return list(months[::every]), "%b %Y"


def table_html(frame: pd.DataFrame, *, index: str | None = None, caption: str | None = None) -> str:
    """``frame`` as one HTML table to read (class ``geo-table``): a header cell per column (``scope="col"``),
    and with ``index`` (a column's name) that column as each row's header cell (``scope="row"``), so that
    a screen reader names a cell by its row and column. Whole numbers are grouped in the language in use
    ("1,204" / "1 204") and aligned right; every text is escaped. ``caption`` names the table. One string
    of HTML, however many cells: a page draws it at once, not a cell at a time."""
    cols = [c for c in frame.columns if c != index]
    head = ([index] if index is not None else []) + cols
    out = ['<table class="geo-table">']
    if caption:
        out.append(f"<caption>{esc(caption)}</caption>")
    out.append("<thead><tr>" + "".join(f'<th scope="col">{esc(str(c))}</th>' for c in head) + "</tr></thead><tbody>")
    keys = frame[index].tolist() if index is not None else []
    values = [frame[c].tolist() for c in cols]
    for i in range(len(frame)):
        row = [] if index is None else [f'<th scope="row">{esc(_text(keys[i]))}</th>']
        for col in values:
            v = col[i]
            number = isinstance(v, (int, np.integer)) and not isinstance(v, bool)
            row.append(f'<td class="num">{esc(format_number(int(v)))}</td>' if number else f"<td>{esc(_text(v))}</td>")
        out.append("<tr>" + "".join(row) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


__all__ = ["CLAIM_TITLES", "EVENT_TITLES", "PERIOD_LABELS", "RECORD_TITLES", "REJECTED_TITLES", "date_span",
           "exact_span", "is_empty", "period_ticks", "readable_table", "table_html", "timeline_for_chart",
           "title_of"]
