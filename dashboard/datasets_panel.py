"""The dashboard's pieces for several data sets at once (ACLED, UCDP GED, a curated set...):
the sidebar's coverage filters and the summary of what matched. The matching itself is
``geo.match_events`` (through ``Dataset.matches``); drawing each matched event once is
``geo.matched_events``."""

from __future__ import annotations

import streamlit as st

import geo
from geo.io.dataset import Dataset
from geo.styles import md_escape as md

COVERAGE_LABELS = {"all": "All events", "one": "Held by only one data set (coverage gaps)",
                   "disagree": "Data sets disagree on the dead"}


def coverage_controls(data: Dataset) -> tuple[bool, float | None]:
    """The sidebar's filter of matched events: all, only those one data set holds, or those whose
    data sets' figures differ by more than a chosen factor. (False, None) with a single data set."""
    if len(data.datasets) < 2:
        return False, None
    sb = st.sidebar
    sb.header("Data sets")
    sb.caption(md(", ".join(data.datasets)) + f": {len(data.matches):,} matched pairs of records.")
    mode = sb.radio("Show", list(COVERAGE_LABELS), format_func=COVERAGE_LABELS.get, key="coverage",
                    help="Each event held by several data sets is drawn once, with a ring and the number of data "
                         "sets; its popup shows each data set's record side by side.")
    factor = sb.number_input("Disagree by more than (×)", min_value=1.0, max_value=1000.0, value=2.0, step=0.5,
                             key="coverage_factor", disabled=mode != "disagree",
                             help="The highest data set's fatalities over the lowest's (0 counts as 1).")
    return mode == "one", (float(factor) if mode == "disagree" else None)


def matched(shown, data: Dataset, coverage: tuple[bool, float | None]):
    """The filtered records drawn once per matched event, with the coverage filter applied."""
    if len(data.datasets) < 2:
        return shown
    only_one, min_spread = coverage
    return geo.matched_events(shown, data.matches, data.claims, only_one=only_one, min_spread=min_spread)


def records_panel(event) -> None:
    """Each data set's record of the event clicked, side by side, under the map."""
    records = event.get("_datasets") if hasattr(event, "get") else None
    if not records:
        return
    st.markdown(f"**In {int(event['datasets_held'])} data sets** ({md(event['held_by'])})"
                + (f"; their fatalities differ {float(event['spread']):.1f}×" if float(event["spread"]) > 1 else ""))
    st.dataframe(geo.records_table(records), hide_index=True, width="stretch")
