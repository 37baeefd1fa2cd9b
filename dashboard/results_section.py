"""What the dashboard shows for the events in view, besides the map: the figures, the chart over time, the
table and the note on the data's sources.
"""

from __future__ import annotations



import pandas as pd
import streamlit as st

import geo
import geo.a11y.chart
import geo.a11y.readable
from geo.sources.dataset import Dataset
from geo.styles import md_escape as md

from dashboard.accessibility import chart_data, chart_description
from dashboard.filters_section import FREQ_LABELS
from dashboard.language import label_of
from dashboard.layout import HEADLINE_KEY
from geo.i18n import N_, _, category, format_number, retranslate


def figures(shown: pd.DataFrame, total: int) -> None:
    s = geo.summarize(shown)
    c1, c2, c3, c4 = st.container(key=HEADLINE_KEY).columns([1, 1, 1.6, 1])
    c1.metric(_("Events shown"), format_number(s["events"]),
              help=_("of {count} in the data").format(count=format_number(total)))
    c2.metric(_("Fatalities (conservative)"), format_number(s["fatalities"]))
    span = geo.a11y.readable.date_span(s["first"], s["last"]) or "—"
    exact = geo.a11y.readable.exact_span(s["first"], s["last"]) or None
    c3.metric(_("Date span"), span, help=exact)
    c4.metric(_("Places"), format_number(s["locations"]))




MEASURE_LABELS = {"events": N_("Events"), "fatalities": N_("Fatalities")}
#: The chart's periods: "auto" follows the span (geo.a11y.chart.chart_freq), or the reader's choice.
CHART_FREQ_LABELS = {**FREQ_LABELS, "Y": N_("Year")}


def _span(shown, make) -> tuple:
    """The first and last day of the events charted (a database's selection: from its months)."""
    if make is None:
        return shown["event_date"].min(), shown["event_date"].max()
    months = make("M")
    if months.empty:
        return None, None
    return months["period"].min(), pd.Timestamp(months["period"].max()) + pd.offsets.MonthEnd(0)


def timeline_chart(shown, make=None) -> None:
    """The chart of events over time; ``make(freq)`` gives its data when ``shown`` is not a frame
    (a database's selection), else ``geo.timeline`` of ``shown``. Its period follows the span unless
    the reader chooses one; the specification is ``geo.a11y.chart.timeline_spec`` (stacked from 0)."""
    st.header(_("Over time"))
    if shown is None or (make is None and shown.empty):
        st.caption(_("No events to chart."))
        return
    auto = geo.a11y.chart.chart_freq(*_span(shown, make))
    c1, c2 = st.columns(2)
    labels = {"auto": _("Automatic ({period})").format(period=_(CHART_FREQ_LABELS[auto]).lower()),
              **{f: _(text) for f, text in CHART_FREQ_LABELS.items()}}  # said now, in the page's language
    choice = c1.radio(_("Period"), list(labels), key="tl_freq", horizontal=True, format_func=labels.get)
    freq = auto if choice == "auto" else choice
    measure = c2.radio(_("Count"), ["events", "fatalities"], key="tl_measure", horizontal=True,
                       format_func=label_of(MEASURE_LABELS))
    data = geo.a11y.readable.timeline_for_chart(make(freq) if make else geo.timeline(shown, freq=freq, by="event_type"),
                                                freq)
    period = _(CHART_FREQ_LABELS[freq])
    data, spec = geo.a11y.chart.timeline_spec(data, freq, measure,
                                              description=chart_description(data, measure, period))
    st.vega_lite_chart(data, spec, width="stretch")
    chart_data(data, measure, period)


TABLE_ROWS = 5_000


def per_filter(name: str, key, make):
    """``make()``, kept in the session while ``key`` (the data set and the filter) stays the same.

    Only the last one is kept: a session holds at most one filtered frame (shallow when nothing is
    filtered out) besides what the run itself needs.
    """
    ss = st.session_state
    memo = ss.get(f"memo_{name}")
    if memo is None or memo[0] != key:
        memo = ss[f"memo_{name}"] = (key, make())
    return memo[1]


def table_rows(shown: pd.DataFrame, claims: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The table's rows (the newest TABLE_ROWS of the events shown) and the number of events shown."""
    per_event = claims.groupby("event_id").size() if not claims.empty else pd.Series(dtype=int)
    newest = shown.nlargest(TABLE_ROWS, "event_date") if len(shown) > TABLE_ROWS else shown
    table = pd.DataFrame(newest.drop(columns="geometry"))
    table["claims"] = table["event_id"].map(per_event).fillna(0).astype(int)
    return table, len(shown)


def events_table(rows: tuple[pd.DataFrame, int]) -> None:
    """The events shown, newest first; past TABLE_ROWS only the newest (the exports hold them all)."""
    table, total = rows
    if total > TABLE_ROWS:
        st.caption(_("The {rows} most recent of {total} events; download the events for all.").format(
            rows=format_number(TABLE_ROWS), total=format_number(total)))
    # ACLED's and UCDP's category names in the language in use (the data and the exports keep theirs),
    # human headers, empty cells empty
    table = table.assign(**{c: table[c].map(category) for c in ("event_type", "sub_event_type") if c in table})
    st.dataframe(geo.a11y.readable.readable_table(table, geo.a11y.readable.EVENT_TITLES), hide_index=True, width="stretch")


def about(data: Dataset) -> None:
    with st.expander(_("About the data")):
        if data.report is None and data.version is None:  # the embedded set (not a file, not a database)
            st.markdown(_(
                "**Events**: a curated set of events in northern Mali, 2023–2024, compiled by this project "
                "from public reporting (AP, Reuters, AFP, EFE, RFI, Al Jazeera, France 24, Amnesty "
                "International, the parties' own statements). Each event names its outlets; `fatalities` is the most conservative credible "
                "figure, and what each party claimed is listed beside it. This is not ACLED or UCDP data. "
                "Licence: CC BY 4.0. See `data/README.md` for how it was compiled and its limits."
            ))
        else:
            st.markdown(_("**Events**: {label}.").format(label=md(retranslate(data.label))))
        st.text(_("Cite: {attribution}").format(attribution=retranslate(data.attribution)))
        in_mali = len((data.layers or {}).get("tuareg_region", ())) > 0  # Mali's own layers are drawn
        st.markdown(_(
            "**Boundaries**: Made with Natural Earth (1:10m, public domain). Regions follow Mali's "
            "9-region scheme (Taoudénit within Tombouctou, Ménaka within Gao). The Tuareg region is the "
            "area claimed as Azawad in 2012 (Tombouctou, Gao, Kidal), shown for context; it is not a "
            "recognised boundary."
        ) if in_mali else _(
            "**Boundaries**: Made with Natural Earth (1:10m, public domain). Regions are each country's "
            "first-level divisions, cut from the same lines and named from the data's own admin1 column "
            "where it has one."
        ))
