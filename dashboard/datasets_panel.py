"""The dashboard's pieces for several data sets at once (ACLED, UCDP GED, a curated set...):
the sidebar's coverage filters and the summary of what matched. The matching itself is
``geo.match_events`` (through ``Dataset.matches``); drawing each matched event once is
``geo.matched_events``."""

from __future__ import annotations

import dataclasses

import streamlit as st

import geo
import geo.matching.crosswalk
import geo.a11y.readable
from geo.sources.dataset import Dataset
from geo.i18n import N_, _, category, format_decimal, format_number
from geo.styles import md_escape as md

from dashboard.language import speaking

COVERAGE_LABELS = {"all": N_("All events"), "one": N_("Held by only one data set (coverage gaps)"),
                   "disagree": N_("Data sets disagree on the dead")}


def seed_cover(view: geo.View) -> None:
    """The link's ``cover`` into the coverage widgets (a session's first run)."""
    only_one, factor = geo.view.cover_spec(view.cover)
    st.session_state.coverage = "one" if only_one else "disagree" if factor is not None else "all"
    if factor is not None:
        st.session_state.coverage_factor = factor


def coverage_controls(data: Dataset) -> str:
    """The sidebar's filter of matched events, as a View's ``cover``: "all", "one" (held by only one
    data set) or "disagree:F" (the data sets' figures differ by more than F times). "all" with a
    single data set."""
    if len(data.datasets) < 2:
        return "all"
    sb = st.sidebar
    sb.header(_("Data sets"))
    sb.caption(_("{datasets}: {count} matched pairs of records.").format(
        datasets=md(", ".join(data.datasets)), count=format_number(len(data.matches))))
    mode = sb.radio(_("Show"), list(COVERAGE_LABELS), format_func=speaking(lambda k: _(COVERAGE_LABELS[k])), key="coverage",
                    help=_("Each event held by several data sets is drawn once, with a ring and the number of data "
                           "sets; its popup shows each data set's record side by side."))
    if "coverage_factor" not in st.session_state:
        st.session_state.coverage_factor = 2.0
    factor = sb.number_input(_("Disagree by more than (×)"), min_value=1.0, max_value=1000.0, step=0.5,
                             key="coverage_factor", disabled=mode != "disagree",
                             help=_("The highest data set's fatalities over the lowest's (0 counts as 1)."))
    if mode == "disagree":
        return f"disagree:{float(factor):g}"
    return "one" if mode == "one" else "all"


def matched(shown, data: Dataset, cover: str):
    """The filtered records drawn once per matched event, with the view's ``cover`` applied."""
    if len(data.datasets) < 2:
        return shown
    only_one, min_spread = geo.view.cover_spec(cover) or (False, None)
    return geo.matched_events(shown, data.matches, data.claims, only_one=only_one, min_spread=min_spread)


def records_panel(event) -> None:
    """Each data set's record of the event clicked, side by side, under the map."""
    records = event.get("_datasets") if hasattr(event, "get") else None
    if not records:
        return
    st.markdown(_("**In {count} data sets** ({names})").format(count=int(event["datasets_held"]),
                                                              names=md(event["held_by"]))
                + (_("; their fatalities differ {factor}×").format(factor=format_decimal(float(event["spread"]), 1))
                   if float(event["spread"]) > 1 else ""))
    table = geo.records_table(records)
    table["type"] = table["type"].map(category)  # ACLED's and UCDP's categories in the page's language
    # human headers in the page's language, empty cells empty (the values are the data sets' own)
    st.dataframe(geo.a11y.readable.readable_table(table, geo.a11y.readable.RECORD_TITLES),
                 hide_index=True, width="stretch")


def with_aliases(view: geo.View, data: Dataset) -> geo.View:
    """With several data sets, an actor chosen in one data set's spelling also keeps the events of
    its other spellings (the alias table: "Government of Mali" = "Military Forces of Mali (2021-)")."""
    if len(data.datasets) < 2 or not view.filter.actors:
        return view
    every = geo.matching.crosswalk.same_actor(view.filter.actors, list(data.actor_counts.index))
    if set(every) == set(view.filter.actors):
        return view
    extra = sorted(set(every) - set(view.filter.actors))
    st.sidebar.caption(_("Also the same actor in other data sets: {names}").format(names=md("; ".join(extra))))
    return dataclasses.replace(view, filter=dataclasses.replace(view.filter, actors=tuple(every)))
