"""The page of ACLED's aggregated data (counts per region and week or month): region totals on the map, the
chart of the counts and the filters that apply (period, type, region). Event-level controls (popups, claims,
matching) are not offered, and one sentence says why. All logic is geo.io.aggregated's and geo.webmap.totals'."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

import geo
from geo.i18n import _, category, format_date, format_number
from geo.io.aggregated import Aggregated, counts_by_period, filter_aggregated, region_totals
from geo.io.report import localized_rejected
from geo.styles import md_escape as md
from geo.webmap.totals import totals_map

from dashboard.language import speaking


def _layers(agg: Aggregated, totals: pd.DataFrame):
    """The boundary layers of where the regions are (once per file and session)."""
    key = ("aggregated_layers", agg.source_name, agg.rows_read)
    if st.session_state.get("aggregated_layers_key") != key:
        placed = totals.dropna(subset=["latitude", "longitude"])
        frame = pd.DataFrame({"latitude": placed["latitude"], "longitude": placed["longitude"],
                              "admin1": placed["admin1"], "country": placed["country"]})
        st.session_state.aggregated_layers = geo.load_layers(frame) if len(frame) else geo.load_layers()
        st.session_state.aggregated_layers_key = key
    return st.session_state.aggregated_layers


def body(agg: Aggregated) -> None:
    """The whole page for ``agg`` (the title is the caller's)."""
    period = _("week") if agg.period == "week" else _("month")
    st.info(_("This file holds ACLED's aggregated data: numbers of events and fatalities per region and {period}, "
              "not single events. The map shows each region's totals and the chart the counts; event popups, claims "
              "and matching across data sets need single events, so they are not offered here.").format(period=period))
    if len(agg.rejected):
        with st.expander(_("{count} of {total} rows could not be read").format(
                count=format_number(len(agg.rejected)), total=format_number(agg.rows_read))):
            st.dataframe(localized_rejected(agg.rejected), hide_index=True)
    table = agg.table
    sb = st.sidebar
    sb.header(_("Filters"))
    first, last = agg.first, agg.last
    dates = sb.date_input(_("Dates"), value=(first, last), min_value=first, max_value=last, key="agg_dates",
                          format="YYYY-MM-DD")
    start, end = (tuple(dates) + (None, None))[:2] if isinstance(dates, (tuple, list)) else (dates, None)
    types = sb.multiselect(_("Event types"), sorted(set(table["event_type"]) - {""}, key=str.casefold),
                           key="agg_types", format_func=speaking(category), placeholder=_("Choose options"))
    regions = sb.multiselect(_("Regions"), sorted(set(table["admin1"]) - {""}, key=str.casefold), key="agg_regions",
                             placeholder=_("Choose options"))
    shown = filter_aggregated(table, start=start, end=end, event_types=types, regions=regions)
    totals = region_totals(shown) if len(shown) else region_totals(table.iloc[0:0])
    cols = st.columns(3)
    cols[0].metric(_("Events"), format_number(int(shown["events"].sum())))
    cols[1].metric(_("Fatalities"), format_number(int(shown["fatalities"].sum())) if "fatalities" in agg.measures
                   else "—")
    cols[2].metric(_("Regions"), format_number(len(totals)))
    if shown.empty:
        st.info(_("No counts match these filters. Widen the dates or remove a type or region."))
        return
    st.header(_("Region totals"))
    measure = "events" if "events" in agg.measures else "fatalities"
    st_folium(totals_map(totals, _layers(agg, region_totals(table)), measure=measure, attribution=agg.attribution),
              key="aggregated_map", height=560, use_container_width=True, returned_objects=[])
    unplaced = int(totals["latitude"].isna().sum())
    if unplaced:
        st.caption(_("{count} region(s) have no centroid in the file: they are in the table, not on the map.").format(
            count=format_number(unplaced)))
    st.header(_("Counts over time"))
    chart = counts_by_period(shown, measure=measure)
    chart.columns = [category(c) or _("Other") for c in chart.columns]
    st.bar_chart(chart, x_label=_("{period} starting").format(period=period.capitalize()),
                 y_label=_("Events") if measure == "events" else _("Fatalities"))
    st.dataframe(totals.rename(columns={"country": _("Country"), "admin1": _("Region"), "admin2": _("District"),
                                        "events": _("Events"), "fatalities": _("Fatalities"),
                                        "latitude": _("Centroid latitude"), "longitude": _("Centroid longitude")}),
                 hide_index=True, width="stretch")
    st.caption(_("Counts from {first} to {last}. {attribution}").format(
        first=format_date(first), last=format_date(last), attribution=md(agg.attribution)))


def show(error: Exception | None, paths, title) -> bool:
    """Show the aggregated page, if the data is aggregated: the file of ``--data`` that ``error``
    (an ``AggregatedDataError``) refused, or the session's upload. True when shown."""
    from geo.io.aggregated import AggregatedDataError

    agg = st.session_state.get("upload_aggregated")
    if error is not None:
        if not isinstance(error, AggregatedDataError) or not paths or len(paths) != 1:
            return False
        agg = geo.io.readers.read_aggregated(paths[0])
    if agg is None:
        return False
    names = tuple(dict.fromkeys(n for n in agg.table["country"] if n))
    title.title(md(geo.layers.title_of(names) if names else _("Conflict events")))
    body(agg)
    return True
