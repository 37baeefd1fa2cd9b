"""The dashboard's page on a PostGIS database: the figures, the map, the chart and the table asked of
the database for the view's filter (``geo.db.pushdown``), never its events all at once.

The events come as rows only when few enough to draw as markers (``geo.db.pushdown.ROW_LIMIT``, the
map's own threshold); past that the map draws cells counted in the database, the figures and the
chart are sums in the database, and the table shows a page of the newest events.
"""

from __future__ import annotations

import dataclasses

import streamlit as st

import geo
import geo.a11y.readable
import geo.static.snapshots
from dashboard.accessibility import map_heading
from dashboard.versions_panel import changes_download, revision_history
from dashboard.map_panel import (DOWNLOADS, DOWNLOADS_PROMISE, app_url, download_buttons, map_key, selected_event,
                                 share, show_map, take_map_view)
from geo.i18n import _, format_number
from geo.db.pushdown import DatabaseDataset, Selection
from geo.styles import md_escape as md
from geo.webmap.aggregate import OUTER_LEVELS, view_bounds
from geo.webmap.heatmap import HEAT_CELL_PX, MAX_HEAT_POINTS

#: Most events a download of a database's view holds (they are read into this server's memory).
DOWNLOAD_LIMIT = 300_000


def selection(data: DatabaseDataset, flt: geo.EventFilter) -> Selection:
    """The view's selection, kept in the session while the data's version and the filter stay."""
    ss = st.session_state
    key = (data.version, data.vocabulary.fingerprint, flt)
    memo = ss.get("db_selection")
    if memo is None or memo[0] != key:
        memo = ss.db_selection = (key, data.select(flt))
    return memo[1]


def figures(sel: Selection, total: int):
    """The headline figures; the number of places is filled in by the function returned (called last:
    over millions of events it is the slowest of them, and the map need not wait for it)."""
    s = sel.figures
    c1, c2, c3, c4 = st.columns([1, 1, 1.6, 1])
    c1.metric(_("Events shown"), format_number(s["events"]),
              help=_("of {count} in the data").format(count=format_number(total)))
    c2.metric(_("Fatalities (conservative)"), format_number(s["fatalities"]))
    # in the words of a file's page (a link opened on an older version shows that page: the same figures)
    span = geo.a11y.readable.date_span(s["first"], s["last"]) or "—"
    exact = geo.a11y.readable.exact_span(s["first"], s["last"]) or None
    c3.metric(_("Date span"), span, help=exact)
    box = c4.empty()
    box.metric(_("Places"), "…", help=_("Counting the distinct places in the database."))
    def places() -> None:
        n = sel.places
        if n is None:
            box.metric(_("Places"), "—", help=_(
                "Not counted: {count} events, more than {limit}, of a filter the database counts only event by "
                "event. Narrow the filter to count them.").format(
                count=format_number(sel.count), limit=format_number(geo.db.pushdown.PLACES_LIMIT)))
        else:
            box.metric(_("Places"), format_number(n))
    return places


def _group_maker(sel: Selection, data: DatabaseDataset, view: geo.View, attribution: str):
    """``make_group(center, zoom, selected)`` for show_map: cells (or heat) counted in the database."""
    def make(center, zoom, selected):
        heat = view.draw == "heat"
        kw = dict(by=None, cell_px=HEAT_CELL_PX, max_cells=MAX_HEAT_POINTS, max_outer_cells=MAX_HEAT_POINTS) \
            if heat else dict(by=view.color_by)
        inner, outer, _ = sel.lod_cells(int(zoom), view_bounds(center, zoom), outer_levels=OUTER_LEVELS, **kw)
        one = data.event(selected) if selected else None
        return geo.webmap.maps.build_counted_content(
            (inner, outer), data.layers, count=sel.count, color_by=view.color_by, draw=view.draw,
            region_counts=sel.region_counts() if view.shade_regions else None,
            border_km=view.filter.max_border_km, selected=one,
            claims=data.claims_of(one["event_id"]) if one is not None and len(one) else None,
            figure=view.figure, attribution=attribution)
    return make


@st.fragment
def map_section(sel: Selection, data: DatabaseDataset, view: geo.View) -> None:
    """The map and what follows its view (as ``dashboard.map_panel.map_section`` for a file). A fragment:
    a pan or zoom reruns it alone, so it says itself when the database cannot answer."""
    try:
        _map_section(sel, data, view)
    except geo.GeoError as exc:
        st.warning(_("The map could not be read from the database: {problem}").format(problem=md(exc)))


def _map_section(sel: Selection, data: DatabaseDataset, view: geo.View) -> None:
    ss = st.session_state
    take_map_view(ss.get(map_key()))
    view = dataclasses.replace(view, center=ss.map_center, zoom=ss.map_zoom, selected=ss.get("selected"))
    rows = sel.rows if view.draw != "heat" else None
    claims = sel.claims_of(rows["event_id"]) if rows is not None else None
    map_heading()  # where "Skip to the map" goes
    if rows is not None:
        show_map(rows, data.layers, claims, view, data.attribution, rows, data.labels)
    else:
        show_map(None, data.layers, None, view, data.attribution, sel, data.labels, count=sel.count,
                 make_group=_group_maker(sel, data, view, data.attribution))
    view = dataclasses.replace(view, center=ss.map_center, zoom=ss.map_zoom, selected=ss.selected,
                               dataset=data.vocabulary.fingerprint)
    st.caption(_("Filters: {filters}").format(filters=md("; ".join(view.filter.describe(geo.analysis.border_names(data.layers))))))
    if view.selected:
        one = data.event(view.selected)
        selected_event(one, data.claims_of(one["event_id"]), view.selected)
    revision_history(data, view.selected)  # a versioned database: the open event's revisions
    changes_download(data, view)
    share(view)
    downloads(view, sel, data)


def downloads(view: geo.View, sel: Selection, data: DatabaseDataset) -> None:
    """The downloads of this view: the events are read from the database when a button is clicked,
    up to DOWNLOAD_LIMIT of them."""
    st.header(_("Download this view"))
    if sel.count > DOWNLOAD_LIMIT:
        st.caption(_("This view holds {count} events: downloads hold at most {limit}. Narrow the filters to "
                     "download them.").format(count=format_number(sel.count), limit=format_number(DOWNLOAD_LIMIT)))
        return
    st.caption(_(DOWNLOADS_PROMISE))

    def make(fmt: str, name: str):
        def build():
            events = sel.rows if sel.rows is not None else geo.db.pushdown.db_rows(sel.source, sel.filter)
            return geo.static.snapshots.download(view, fmt, events, data.claims_of(events["event_id"]), data.layers,
                                                 name=name, base_url=app_url(), attribution=data.attribution,
                                                 title=data.title)
        return build

    download_buttons(view, DOWNLOADS, make, events=sel.rows, attribution=data.attribution,
                     places=list(data.title_names) if sel.rows is None else None)


def events_table(sel: Selection, table_rows, size: int) -> None:
    """The newest ``size`` events of the view, read from the database: past that, a page of the result."""
    page = sel.newest(size)
    table, _shown = table_rows(page, sel.claims_of(page["event_id"]))
    if sel.count > size:
        st.caption(_("A page of the result: the {rows} most recent of {total} events in the database.").format(
            rows=format_number(size), total=format_number(sel.count)))
    st.dataframe(table, hide_index=True, width="stretch")


def body(data: DatabaseDataset, view: geo.View, *, timeline_chart, table_rows, table_size: int) -> None:
    """Everything under the sidebar for a database (the page's own chart and table functions passed in)."""
    try:
        _body(data, view, timeline_chart=timeline_chart, table_rows=table_rows, table_size=table_size)
    except geo.GeoError as exc:  # the database went away mid-view: what was drawn stays, with why
        st.warning(_("This view could not be read from the database: {problem}").format(problem=md(exc)))


def _body(data: DatabaseDataset, view: geo.View, *, timeline_chart, table_rows, table_size: int) -> None:
    sel = selection(data, view.filter)
    places = figures(sel, data.total)
    if sel.count == 0:
        st.info(_("No events match these filters ({filters}). Widen the dates or remove an actor, type or region.")
                .format(filters=md("; ".join(view.filter.describe(geo.analysis.border_names(data.layers))))))
    map_section(sel, data, view)
    timeline_chart(None if sel.count == 0 else sel, make=sel.timeline)
    events_table(sel, table_rows, table_size)
    places()
