"""Figures about a set of events: summaries now; claims, time and regions to come."""

from __future__ import annotations

import pandas as pd


def summarize(events: pd.DataFrame) -> dict:
    """Headline figures of a set of events.

    Returns a dict with ``events`` (count), ``fatalities`` (sum of the conservative
    figures), ``first`` and ``last`` (dates, or None when there are no events) and
    ``locations`` (distinct named places).
    """
    if events.empty:
        return {"events": 0, "fatalities": 0, "first": None, "last": None, "locations": 0}
    dates = events["event_date"]
    return {
        "events": int(len(events)),
        "fatalities": int(events["fatalities"].sum()),
        "first": dates.min().date(),
        "last": dates.max().date(),
        "locations": int(events["location"].nunique()),
    }
