"""The chart of events over time: its period chosen by the span of the data (``chart_freq``: weeks up
to about six months, months up to about five years, years beyond) and its Vega-Lite specification
(``timeline_spec``): one bar per period and event type, **stacked from 0** so that a week of two events
is a bar of two, each bar spanning its whole week, month or year, the axis naming months and years, the
legend's labels whole, in the language in use.

A bar with ``x2`` (a bar that spans its period) has no clear orientation for Vega-Lite, which then
draws it horizontally: each type a thin tick at its own count, nothing stacked. The periods are
therefore given as already binned (``bin: "binned"``) and the bars as vertical, and the measure is
stacked from zero explicitly.
"""

from __future__ import annotations

import math

import pandas as pd

from ..i18n import _, category, current_language, d3_locale
from ..styles import event_type_color
from .readable import period_ticks

#: The chart's periods, by span: weeks up to about six months, months up to about five years, years beyond.
WEEKS_UP_TO_DAYS = 183
MONTHS_UP_TO_DAYS = 1827
CHART_FREQS = ("W", "M", "Y")
#: Vega-Lite's schema the specification follows (Streamlit's Altair 6 draws Vega-Lite 6).
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
MOST_TICKS = 8


def chart_freq(first, last) -> str:
    """The period of the chart of events from ``first`` to ``last``: "W" up to ``WEEKS_UP_TO_DAYS``,
    "M" up to ``MONTHS_UP_TO_DAYS``, "Y" beyond (thirty years of UCDP GED in years, a month in weeks)."""
    if first is None or last is None or pd.isna(first) or pd.isna(last):
        return "W"
    days = (pd.Timestamp(last) - pd.Timestamp(first)).days
    return "W" if days <= WEEKS_UP_TO_DAYS else "M" if days <= MONTHS_UP_TO_DAYS else "Y"


def axis_ticks(first, last, freq: str, most: int = MOST_TICKS) -> tuple[list[pd.Timestamp], str]:
    """The x axis' tick dates and d3 format: ``period_ticks`` for weeks and months; for years, the
    first day of every k-th year, at most ``most``, labelled by the year alone."""
    if freq != "Y":
        return period_ticks(first, last, freq, most)
    a, b = pd.Timestamp(first).year, pd.Timestamp(last).year
    every = max(1, math.ceil((b - a + 1) / most))
    return [pd.Timestamp(year=y, month=1, day=1) for y in range(a, b + 1, every)], "%Y"


def _tick(t: pd.Timestamp) -> dict:
    return {"year": int(t.year), "month": int(t.month), "date": int(t.day)}


def timeline_spec(data: pd.DataFrame, freq: str, measure: str = "events", *,
                  description: str = "", height: int = 220) -> tuple[pd.DataFrame, dict]:
    """The chart's data and its Vega-Lite specification (a dict, without the data).

    ``data`` is ``geo.a11y.readable.timeline_for_chart``'s frame (``period``, ``period_end``,
    ``label``, ``event_type``, ``events``, ``fatalities``); ``measure`` "events" or "fatalities".
    The returned frame names the event types in the language in use (their colours follow the
    data's own names); the specification stacks the bars from 0 (``y.stack`` "zero", the scale from
    zero), each bar spanning its period (``x`` binned, ``x2`` the next period's first day).
    """
    if measure not in ("events", "fatalities"):
        raise ValueError(f"measure must be 'events' or 'fatalities', not {measure!r}")
    types = sorted(data["event_type"].astype(str).unique())
    names = [category(t) for t in types]
    frame = data.assign(event_type=data["event_type"].astype(str).map(category))
    ticks, fmt = axis_ticks(data["period"].min(), data["period"].max(), freq) if len(data) else ([], "%b %Y")
    what = _("Events") if measure == "events" else _("Fatalities (conservative)")
    spec = {
        "$schema": SCHEMA,
        "description": description,
        "height": height,
        "mark": {"type": "bar", "orient": "vertical"},
        "encoding": {
            # each bar spans its whole period; the ticks name the month and the year (the year alone for years)
            "x": {"field": "period", "type": "temporal", "title": None,
                  "axis": {"values": [_tick(t) for t in ticks], "format": fmt, "formatType": "time", "labelAngle": 0}},
            "x2": {"field": "period_end"},
            "y": {"field": measure, "type": "quantitative", "title": what, "stack": "zero",
                  "scale": {"zero": True}},
            "color": {"field": "event_type", "type": "nominal", "title": _("Event type"),
                      "scale": {"domain": names, "range": [event_type_color(t) for t in types]},
                      "legend": {"orient": "bottom", "direction": "vertical", "labelLimit": 0, "columns": 2}},
            "order": {"field": "event_type", "type": "nominal", "sort": "ascending"},
            "tooltip": [{"field": "label", "type": "nominal", "title": _("Period")},
                        {"field": "event_type", "type": "nominal", "title": _("Event type")},
                        {"field": "events", "type": "quantitative", "title": _("Events")},
                        {"field": "fatalities", "type": "quantitative", "title": _("Fatalities (conservative)")}],
        },
    }
    if current_language() != "en":  # the axis' months and the numbers as the language writes them
        spec["config"] = {"locale": d3_locale()}
    return frame, spec


__all__ = ["CHART_FREQS", "MONTHS_UP_TO_DAYS", "WEEKS_UP_TO_DAYS", "axis_ticks", "chart_freq", "timeline_spec"]
