"""The dashboard: filters in the sidebar, the map, the figures and the table.

Run from the repository's top folder::

    streamlit run dashboard/app.py

Start it on your own file (ACLED, UCDP GED or an export of this app) with
`streamlit run dashboard/app.py -- --data PATH` or GEO_EVENTS=PATH, or drop a file
on the sidebar; several at once (`--data ACLED=a.csv --data "UCDP GED=b.csv"`)
are matched. Everything that computes lives in geo/;
this file only lays out widgets and calls it.

The address bar is always the share link: the script reads the View from the
URL on a session's first run and writes the canonical View back on every run.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run dashboard/app.py` puts only dashboard/ on the path
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

import geo  # noqa: E402
import geo.a11y.readable  # noqa: E402
from geo.styles import md_escape as md  # noqa: E402

from dashboard.accessibility import page_style, skip_links  # noqa: E402
from dashboard.animation_section import animation_downloads  # noqa: E402
from dashboard.datasets_panel import coverage_controls, matched, with_aliases  # noqa: E402
from dashboard.layout import layout_style  # noqa: E402
from dashboard.map_panel import map_section  # noqa: E402
from dashboard import db_page, versions_panel  # noqa: E402
from geo.db.pushdown import DatabaseDataset  # noqa: E402
from geo.db.urls import is_database_url  # noqa: E402
from geo.i18n import _  # noqa: E402,E501
from geo.layers import title_of  # noqa: E402
from geo.errors import localized_error  # noqa: E402
from dashboard.language import init_language, language_picker  # noqa: E402
from dashboard import aggregated_page  # noqa: E402
from dashboard.data_section import data_path, date_span, import_report, live_data, load_data, uploaded_data, watch_database  # noqa: E402,E501
from dashboard.live_section import live_section  # noqa: E402
from dashboard.filters_section import link_warnings, seed_from_link, sidebar, time_player  # noqa: E402
from dashboard.results_section import TABLE_ROWS, about, events_table, figures, per_filter, table_rows, timeline_chart  # noqa: E402,E501

init_language()  # before the first word: the link's lang, the sidebar's choice or the browser's
# the page's icon: Material Symbols' "map", from a file of this repository. Streamlit accepts
# page_icon=":material/map:", but the browser then fetches it from fonts.gstatic.com (not offline).
PAGE_ICON = ROOT / "dashboard" / "static" / "map-icon.svg"
st.set_page_config(page_title=_("Conflict map"), page_icon=PAGE_ICON, layout="wide")


def main() -> None:
    events_path, claims_path = data_path()
    page_style()
    layout_style()
    title = st.empty()
    skip_links()  # the first two tab stops: to the filters, to the map
    language_picker()
    try:
        # one database: followed live; files (or several sources) are read once
        one = events_path[0] if events_path and len(events_path) == 1 else None
        live = live_data(one) if one and is_database_url(one) else None
        with st.spinner(_("Loading events…")):
            loaded = live.current() if live else load_data(events_path, claims_path)
        data = versions_panel.shown_data(uploaded_data(loaded))  # versioned data: as of the link's time
    except geo.GeoError as exc:
        if aggregated_page.show(exc, events_path, title):  # ACLED's counts per region and period, not events
            return
        st.error(_("The data could not be loaded. {error}").format(error=md(localized_error(exc))))
        st.stop()
    if aggregated_page.show(None, None, title):
        return
    if live is not None and data.version is not None:  # not an upload: follow the database
        if live.problem:
            st.warning(_("Showing the events as last read: {problem}").format(problem=md(live.problem)))
        watch_database(live, data.version)
    db = isinstance(data, DatabaseDataset)  # a database: each view is asked of it (dashboard.db_page)
    events, claims, voc, layers = (None, None, data.vocabulary, data.layers) if db else (
        data.events, data.claims, data.vocabulary, data.layers)
    title.title(md(title_of(data.title_names) if data.title_names else data.title))
    import_report(data)
    live_section(data)  # data synced from ACLED's or UCDP's API: as of when, what changed, "Update now"
    if (data.total == 0) if db else events.empty:
        st.warning(_("The data holds no events that could be used."))
        st.stop()
    span = date_span(data)
    seed_from_link(span, voc)
    warning_box = st.container()
    st.caption((_("Armed-conflict events over Mali's regions, the Algeria border and the Tuareg region.")
                if data.report is None else _("Armed-conflict events over the regions of the countries they are in."))
               + " " + _("Click an event for who fought, what each side claimed and who reported it."))
    player = time_player(span)
    view = sidebar(span, data.actor_counts, voc, data.layers)
    view = with_aliases(dataclasses.replace(view, cover=coverage_controls(data)), data)
    versions_panel.controls(data)
    view = versions_panel.with_version(view, data)
    link_warnings(warning_box, view)
    if not db:  # the player's range as a video or a GIF (a database's events are never all held here)
        animation_downloads(player, view, data, span, title_of(data.title_names) if data.title_names else data.title)
    if db:
        db_page.body(data, view, timeline_chart=timeline_chart, table_rows=table_rows, table_size=TABLE_ROWS)
        about(data)
        return
    # a pan, a zoom or a click reruns the page with the same filter: its events are not taken again
    same = (voc.fingerprint, id(events), view.filter, view.cover)
    shown = per_filter("shown", same, lambda: matched(geo.filter_events(events, view.filter), data, view.cover))
    changed = versions_panel.changed_shown(data, view)  # "changed since": added, revised and deleted events
    shown = shown if changed is None else changed
    versions_panel.notice(data, shown)
    figures(shown, len(events))
    if shown.empty:
        st.info(_("No events match these filters ({filters}). Widen the dates or remove an actor, type or region.")
                .format(filters=md("; ".join(view.filter.describe(geo.analysis.border_names(layers))))))
    map_section(shown, layers, claims, view, data, voc, after_map=lambda: import_report(data, "below"))
    timeline_chart(shown)
    events_table(per_filter("table", same, lambda: table_rows(shown, claims)))
    about(data)


main()
