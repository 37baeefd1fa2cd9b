"""The dashboard for keyboard, screen-reader and low-vision users: the page's focus ring and text
contrast, the map as text, the list of the map's events that opens the same panel as a click, and
the chart's numbers as a table. The texts come from ``geo.a11y.describe``; this module lays them out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

import geo
import geo.a11y.readable
from geo.a11y.describe import chart_table, disputed_count, map_description, top_places
from geo.webmap.claimsindex import claims_index
from geo.i18n import _, category, pgettext, current_language, format_date, format_number
from geo.styles import esc, md_escape as md
from geo.webmap.access import FOCUS_COLOR

#: Streamlit's captions (its text at 60 % opacity) and disabled labels are light grey (3.9:1 and 2.3:1):
#: darker greys that pass WCAG 2.1 AA (4.5:1) on white and on the sidebar (#f0f2f6 at most), and a
#: focus ring on every control.
PAGE_CSS = f"""
<style>
[data-testid="stCaptionContainer"] {{ opacity: 1; }}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {{ color: #57585f; }}
[data-testid="stWidgetLabel"] [disabled] p, label[disabled] p, [data-disabled="true"] p,
[data-testid="stSidebar"] [aria-disabled="true"] ~ * p {{ color: #5f6068; }}
[data-testid="stWidgetLabel"] p {{ color: inherit; }}
:focus-visible {{ outline: 3px solid {FOCUS_COLOR} !important; outline-offset: 2px; }}
/* Streamlit's own "Skip to main content" gives way to the page's skip links (skip_links) */
[data-testid="stSkipToContent"] {{ display: none !important; }}
.geo-skip a {{ position: absolute; left: -10000px; top: 0.5rem; z-index: 1000000; padding: 0.4rem 0.8rem;
  background: #ffffff; color: #0b3d91; border-radius: 0.3rem; font-weight: 600; }}
.geo-skip a:focus {{ left: 0.5rem; }}
/* the skip links' targets take no room in the page's flow (no gap above the map) */
[data-testid="stElementContainer"]:has(.geo-anchor) {{ position: absolute; }}
.geo-table {{ border-collapse: collapse; font-size: 0.875rem; margin: 0.25rem 0 0.5rem; }}
.geo-table caption {{ text-align: left; padding-bottom: 0.25rem; }}
.geo-table th, .geo-table td {{ padding: 0.25rem 0.75rem; border-bottom: 1px solid rgba(49, 51, 63, 0.1); }}
.geo-table thead th {{ text-align: left; font-weight: 600; }}
.geo-table th[scope="row"] {{ text-align: left; font-weight: 400; white-space: nowrap; }}
.geo-table td.num, .geo-table thead th:not(:first-child) {{ text-align: right; font-variant-numeric: tabular-nums; }}
.geo-sr-only {{ position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }}
</style>
"""

#: The list of the map's events holds at most this many (the newest); the filters narrow it.
MAX_LISTED = geo.MAX_MARKERS


#: The ids the skip links go to: the sidebar's "Filters" heading and the heading just before the map.
FILTERS_ANCHOR, MAP_ANCHOR = "filters", "the-map"


def skip_links() -> None:
    """The page's first two tab stops, shown when focused: "Skip to the filters" and "Skip to the map"
    (drawn first in the sidebar, which comes before the page's main part)."""
    nav, filters, to_map = _("Skip links"), _("Skip to the filters"), _("Skip to the map")
    st.sidebar.html(f'<nav class="geo-skip" aria-label="{esc(nav)}">'
                    f'<a href="#{FILTERS_ANCHOR}">{esc(filters)}</a>'
                    f'<a href="#{MAP_ANCHOR}">{esc(to_map)}</a></nav>')


def filters_anchor(where) -> None:
    """The target of "Skip to the filters", just before the filters' heading (not shown)."""
    where.html(f'<span id="{FILTERS_ANCHOR}" class="geo-sr-only geo-anchor" tabindex="-1"></span>')


def map_heading() -> None:
    """The map's heading, for screen readers and as the target of "Skip to the map" (not shown)."""
    title = _("Map")
    st.html(f'<h2 id="{MAP_ANCHOR}" class="geo-sr-only geo-anchor" tabindex="-1">{esc(title)}</h2>')


def page_style() -> None:
    """The focus ring and the readable greys, once per run (a <style> takes no room on the page)."""
    st.html(PAGE_CSS)


def _memo(name: str, key, make):
    ss = st.session_state
    memo = ss.get(f"a11y_{name}")
    if memo is None or memo[0] != key:
        memo = ss[f"a11y_{name}"] = (key, make())
    return memo[1]


def map_text(shown: pd.DataFrame, claims: pd.DataFrame, view: geo.View, total: int, borders: tuple = (),
             data=None) -> str:
    """The map's text alternative (kept while the events and the look stay the same); ``borders``: the borders
    a border filter measures to outside Mali (``geo.analysis.border_names``); ``data``: the data set ``shown``
    comes from, whose claims are sorted once (``claims_index``), not at each filter."""
    key = (id(shown), len(shown), id(claims), view.filter, view.color_by, total, tuple(borders), current_language())

    def disputed() -> int:
        if data is None or claims is None:
            return disputed_count(shown, claims)
        return claims_index(claims, data.memo).disputed_count(shown, data.events)

    return _memo("description", key, lambda: map_description(
        shown, view.filter.describe(list(borders)), color_by=view.color_by, disputed=disputed(), total=total))


def map_as_text(shown: pd.DataFrame, description: str) -> None:
    """Under the map: what it shows, in words and as a table of its top places."""
    with st.expander(_("The map as text"), icon=":material/description:"):
        st.markdown(md(description))
        places = _memo("places", (id(shown), len(shown)), lambda: top_places(shown, 10))  # a pan or zoom keeps them
        if len(places):
            st.html(geo.a11y.readable.table_html(places.rename(columns={
                "place": _("Place"), "events": _("Events"), "fatalities": _("Fatalities")}), index=_("Place")))


def _event_labels(events: pd.DataFrame) -> dict[str, str]:
    rows = events.nlargest(MAX_LISTED, "event_date") if len(events) > MAX_LISTED else events
    if rows.empty:
        return {}
    rows = rows.sort_values(["event_date", "event_id"], ascending=[False, True])
    dates = pd.to_datetime(rows["event_date"]).dt.strftime("%Y-%m-%d").fillna(_("date unknown"))
    dead = pd.to_numeric(rows["fatalities"], errors="coerce").fillna(0).astype(int)
    killed = _("{count} killed")
    # each distinct place, type and number said once (thousands of rows, a few hundred texts)
    labels = (dates.to_numpy(dtype=object) + " · " + _each_once(rows["location"], str) + " · "
              + _each_once(rows["event_type"], category) + " · "
              + _each_once(dead, lambda n: killed.format(count=format_number(int(n)))))
    return dict(zip((str(i) for i in rows["event_id"]), labels.tolist()))


def _each_once(values, fn) -> np.ndarray:
    """``fn`` of each value (an object array), called once per distinct value."""
    codes, uniques = pd.factorize(pd.Series(values).astype(object), use_na_sentinel=False)
    return np.array([fn(v) for v in uniques] + [""], dtype=object)[codes]


def event_picker(shown: pd.DataFrame, all_events: pd.DataFrame) -> None:
    """"Open an event": every event on the map (up to MAX_LISTED, newest first) in a list to type in,
    for the keyboard; choosing one opens its panel and its popup on the map, as a click does.

    Follows the map: an event clicked there (or opened from the link) shows as chosen here.
    """
    ss = st.session_state
    labels = _memo("events", (id(shown), len(shown), current_language()), lambda: _event_labels(shown))
    selected = ss.get("selected")
    if selected is not None and selected not in labels:
        one = all_events[all_events["event_id"] == selected]
        labels = {**labels, **_event_labels(one)} if len(one) else labels
    if ss.get("open_event") != selected:
        ss.open_event = selected if selected in labels else None

    def chosen() -> None:
        ss.selected = ss.open_event
        ss.map_selected = ss.open_event  # the map opens its popup too
        ss.last_popup = None  # so that clicking it on the map later opens it again

    options = list(labels)
    st.selectbox(
        _("Open an event"), options, key="open_event", index=None, format_func=labels.get, on_change=chosen,
        placeholder=_("Choose one of {count} events (type a place, a date or a type)").format(
            count=format_number(len(options))),
        help=(_("Every event on the map (the newest {count}; narrow the filters for others): choose one to open its "
                "details, as clicking it on the map does.").format(count=format_number(MAX_LISTED))
              if len(shown) > MAX_LISTED else
              _("Every event on the map: choose one to open its details, as clicking it on the map does.")))


def chart_description(data: pd.DataFrame, measure: str, freq_label: str, table: pd.DataFrame | None = None) -> str:
    """One sentence on the chart (its Vega ``description``, and a caption under it for everyone); ``table``:
    ``chart_table(data, measure)`` when the caller has it."""
    if data.empty:
        return _("No events to chart.")
    table = chart_table(data, measure) if table is None else table
    peak = table.loc[table["Total"].idxmax()]
    first, last = pd.Timestamp(table["period"].min()), pd.Timestamp(table["period"].max())
    # one month said once ("July 2024", not "July 2024 to July 2024")
    span = (format_date(first, "month") if (first.year, first.month) == (last.year, last.month)
            else pgettext("months", "{first} to {last}").format(first=format_date(first, "month"),
                                                                last=format_date(last, "month")))
    return (_("Bar chart of {measure} per {period} by event type, {span}: {total} in all; the most, "
              "{peak}, in the {period} of {peak_date}.").format(
                measure=_("events") if measure == "events" else _("fatalities"), period=freq_label.lower(),
                span=span, total=format_number(int(table["Total"].sum())), peak=format_number(int(peak["Total"])),
                peak_date=format_date(peak["period"]))
            + " " + _("The numbers are in the table under the chart."))


def chart_data(data: pd.DataFrame, measure: str, freq_label: str) -> None:
    """The chart in words, then its numbers, one row per period and a column per event type: an HTML table (st.table),
    which screen readers walk by row and column, unlike the canvas grid of st.dataframe."""
    numbers = chart_table(data, measure)  # once, for the sentence and the table
    st.caption(md(chart_description(data, measure, freq_label, numbers)))
    with st.expander(_("Chart data (table)"), icon=":material/table:"):
        # each period in words, as the chart's tooltips say it ("July 2024", "Week of 22 July 2024")
        words = dict(zip(pd.to_datetime(data["period"]).dt.date, data["label"])) if "label" in data else {}
        table = numbers.assign(period=[words.get(p, p) for p in numbers["period"]])
        table = table.rename(columns={"period": freq_label, "Total": _("Total")})
        st.caption((_("Events per {period} and event type.") if measure == "events" else
                    _("Fatalities per {period} and event type.")).format(period=freq_label.lower()))
        # one HTML table, not st.table: its hundreds of cells were each drawn as Markdown at every filter
        st.html(geo.a11y.readable.table_html(table, index=freq_label))
