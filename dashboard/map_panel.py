"""The dashboard's map section: the map (mounted once, kept where the user moved it, its events
swapped in when they change), the panel of the event clicked on it, the share link and the
downloads, all of which follow the map's view; one fragment, so that a pan or a click reruns only it."""

from __future__ import annotations

import dataclasses

import pandas as pd
import streamlit as st

import geo
import geo.extent
import geo.fatalities
import geo.a11y.readable
import geo.a11y.panel as panel
import geo.events
import geo.matching.groups
import geo.webmap.maps
import geo.io.exports
import geo.static.snapshots
import geo.versions.changes
from geo.sources.dataset import Dataset
from geo.i18n import N_, _, format_date, format_number, set_language
from geo.styles import md_escape as md

from dashboard.folium_frame import MountedMap
from dashboard.accessibility import event_picker, map_as_text, map_heading, map_text
from dashboard.share_link import share_link_box
from dashboard.datasets_panel import records_panel
from dashboard.versions_panel import (CHANGE_DOWNLOADS, CHANGES_PROMISE, change_rows, changes_caption,
                                     changes_download, pinned, revision_history)


def map_key() -> str:
    """The map's widget key: a new one for each data set of the session (``data_gen``, counted by
    dashboard.data_section.uploaded_data), so that new data mounts a new map rather than taking the centre
    and zoom the map mounted on the other data reports."""
    gen = st.session_state.get("data_gen", 0)
    return f"map_{gen}" if gen else "map"


def frame_px(out) -> float:
    """The width in CSS pixels of the map's frame, from the bounds it reports (inf when unknown)."""
    try:
        b, zoom = out["bounds"], int(out["zoom"])
        return (float(b["_northEast"]["lng"]) - float(b["_southWest"]["lng"])) / 360 * 256 * 2**zoom
    except (KeyError, TypeError, ValueError):
        return float("inf")


def take_map_view(out) -> bool:
    """Take the centre and zoom the map reports (st_folium's value) into the session; True if it moved.

    Called at the start of each run of the map section (the value is in the session state under
    the map's key): cells for a new zoom, or past a pan, are built in that same run.
    """
    ss = st.session_state
    if not out or not out.get("center") or out.get("zoom") is None:
        return False
    try:
        moved = geo.View(center=(out["center"]["lat"], out["center"]["lng"]), zoom=int(out["zoom"]))
    except (geo.ViewError, KeyError, TypeError, ValueError):
        return False  # a view the browser reports but a link cannot hold (e.g. zoomed past 18): keep the last one
    if geo.view.same_place(moved, geo.View(center=ss.map_center, zoom=ss.map_zoom)):
        return False
    home = ss.get("map_home")
    if home is not None and (ss.map_center, ss.map_zoom) == tuple(home) and frame_px(out) < geo.extent.HOME_FIT_PX[0] \
            and geo.extent.fits_home(moved.center, moved.zoom, home):
        return False  # the data's own view as a phone's frame fits it: not a move, no zoom in the link
    ss.map_center, ss.map_zoom = moved.center, moved.zoom
    return True


def show_map(shown, layers, claims, view: geo.View, attribution: str, shown_from, labels=None,
             description: str | None = None, home_extent=None, *, count: int | None = None,
             make_group=None, dataset=None) -> None:
    """Draw the map and take back what the user did on it: pan, zoom, the event clicked.

    ``shown`` are the events of ``view.filter`` taken from the data set ``shown_from``. A database
    counts them itself (``count``) and draws cells with ``make_group(center, zoom, selected)``
    (``shown`` is None then: only the rows of a few events are fetched).

    The map is mounted once: its base (boundaries, basemap) is built again only when those change.
    The events, legend and overlays are one group (``geo.build_map_content``) that st_folium swaps
    in the mounted map (``feature_group_to_add``) when a filter, the look or the cells change, so
    that the browser redraws one layer, keeps the user's view, and does not report a remounted
    map back (which would run the page once more). ``dataset`` (the ``Dataset`` of ``shown_from``) keeps
    what the map makes once per data set: the boundaries' rings, the claims sorted for popups.
    """
    ss = st.session_state
    base_key = (id(layers), view.basemap, view.hidden_layers, view.lang, map_key())
    if ss.get("map_base") is None or ss.map_base[0] != base_key:
        ss.map_base = (base_key, MountedMap(geo.build_base_map(
            layers, center=view.center, zoom=view.zoom, basemap=view.basemap, visible_layers=view.visible_layers,
            labels=labels, home_extent=home_extent, dataset=dataset), map_key()))
    look = (view.filter, view.color_by, view.figure, view.shade_regions, view.draw, view.lang, view.changed)
    content = look
    # cells or heat follow the zoom: past MAX_MARKERS, as a heatmap, or when the events' texts
    # made the markers too heavy (found when the content was built: remembered for these events)
    by_zoom = ((len(shown) if count is None else count) > geo.webmap.maps.MAX_MARKERS or view.draw == "heat"
               or ss.get("map_by_zoom") == (id(shown_from), look))
    anchor = (view.center, view.zoom)
    if by_zoom:
        # aggregated cells are sized to the zoom and fine only around where they were built:
        # a new zoom, or a pan past them, is new content (built where the user is now)
        anchor = ss.get("cells_anchor")
        if anchor is None or anchor[1] != view.zoom or not geo.webmap.aggregate.cells_cover(anchor[0], view.zoom,
                                                                                      view.center):
            anchor = ss.cells_anchor = (view.center, view.zoom)
        content += (anchor,)
    if ss.get("map_content") != content:
        # the event open in the link (or clicked before) opens in the new content too
        ss.map_selected = view.selected
    ss.map_content = content
    # clicking an event selects it in the map already: the content is not built again for it
    build = (id(shown_from), id(claims), content, ss.get("map_selected"), attribution)
    memo = ss.get("map_memo")
    if memo is None or memo[0] != build:
        group = make_group(anchor[0], anchor[1], ss.get("map_selected")) if make_group else geo.build_map_content(shown, layers, claims=claims, color_by=view.color_by, center=anchor[0],
                                      zoom=anchor[1], selected=ss.get("map_selected"), figure=view.figure,
                                      shade_regions=view.shade_regions, border_km=view.filter.max_border_km,
                                      attribution=attribution, draw=view.draw, description=description,
                                      dataset=dataset)
        if group.by_zoom and not by_zoom:  # drawn as cells after all: from now on they follow the zoom
            ss.map_by_zoom = (id(shown_from), look)
            ss.cells_anchor = anchor
            ss.map_content = content = content + (anchor,)
            build = (id(shown_from), id(claims), content, ss.get("map_selected"), attribution)
        memo = ss.map_memo = (build, group)
    # the base rendered once (dashboard.folium_frame), the group's script once per content
    out = ss.map_base[1].show(memo[1], height=620, center=list(view.center), zoom=view.zoom,
                              returned_objects=["center", "zoom", "bounds", "last_object_clicked_popup"])
    # the view it reports was taken at the start of this run (map_section), before the cells were built
    if not out:
        return
    popup = out.get("last_object_clicked_popup")
    if popup and popup != ss.get("last_popup"):
        ss.last_popup = popup
        lines = [line.strip() for line in str(popup).splitlines() if line.strip()]
        ids = set(shown["event_id"]) if shown is not None else set()
        if lines and lines[-1] in ids and geo.view.valid_selection(lines[-1]):
            ss.selected = lines[-1]


def selected_event(events: pd.DataFrame, claims: pd.DataFrame, event_id: str | None) -> None:
    """The event's details under the map: everything its popup holds (geo.a11y.panel), as lines that
    wrap on a phone; the claims' table, for a wide screen, folded under them."""
    if event_id is None:
        return
    match = events[events["event_id"] == event_id]
    if match.empty:
        return
    ev = match.iloc[0]
    st.header(panel.event_headline(ev))
    headline = geo.matching.groups.headline_figure(ev)  # several data sets: whose figure, and the others' range
    st.markdown(panel.actors_markdown(ev) + "  \n" + (
        _("Fatalities: **{figure}**").format(figure=md(headline)) if headline else
        _("Conservative fatalities: **{count}**").format(count=format_number(int(ev["fatalities"])))))
    note = geo.fatalities.fatality_note(event_id, ev["fatalities"], claims)
    if note:
        st.caption(md(note))
    records_panel(ev)
    own = geo.events.claims_for(claims, event_id)
    st.subheader(_("Claims"), anchor=False)  # the panel reads in order: the event (h2), then its claims (h3)
    if own.empty:
        st.caption(_("No competing claims recorded for this event."))
    else:
        said = panel.claims_range_markdown(own)
        if said:
            st.markdown(said)
        for item in panel.claim_items(own):
            st.markdown(item)
        with st.expander(_("The claims as a table"), icon=":material/table:"):
            st.dataframe(geo.a11y.readable.readable_table(own, geo.a11y.readable.CLAIM_TITLES), hide_index=True,
                         width="stretch")
    if str(ev.get("notes") or "").strip():
        st.markdown(_("**Notes**: {notes}").format(notes=md(ev["notes"])))
    st.markdown(panel.sources_markdown(ev))
    if st.button(_("Close event details")):
        st.session_state.selected = None
        st.session_state.last_popup = None  # so that clicking the same event again opens it
        st.rerun()


@st.fragment
def map_section(shown, layers, claims, view: geo.View, data: Dataset, voc: geo.Vocabulary, after_map=None) -> None:
    """The map and what follows its view: the event clicked, the share link and the downloads.

    A fragment: a pan, a zoom or a click on the map reruns this part of the page only, not the
    sidebar, the chart or the table, which follow the filter alone (at 1M events a whole run of
    the page costs ~0.5 s of server time). In such a run ``view`` is the last whole run's: the
    map's place and the event clicked are taken from the session.
    """
    ss = st.session_state
    set_language(view.lang)  # a fragment's own run may come in a thread of its own
    ss.map_home = voc.home
    take_map_view(ss.get(map_key()))
    if ss.get("selected") and "_datasets" in shown:  # a link's event= may name any record of a matched event
        ss.selected = geo.matching.groups.drawn_event_id(shown, ss.selected) or ss.selected
    view = dataclasses.replace(view, center=ss.map_center, zoom=ss.map_zoom, selected=ss.get("selected"))
    # several data sets: the matched events (and the coverage filter) are the content's key too
    description = map_text(shown, claims, view, len(data.events), tuple(geo.analysis.border_names(layers)),
                           data)
    # opened on the data's own view: a phone's smaller frame fits the data's extent (geo.webmap.inview)
    at_home = voc.home is not None and (view.center, view.zoom) == tuple(voc.home)
    map_heading()  # where "Skip to the map" goes
    show_map(shown, layers, claims, view, data.attribution_of(shown), shown if "_datasets" in shown else data.events,
             data.labels, description, home_extent=voc.extent if at_home else None, dataset=data)
    if after_map is not None:  # what a phone shows right under the map (the import report's line)
        after_map()
    # the map may have moved or an event been clicked: the link follows
    view = dataclasses.replace(view, center=ss.map_center, zoom=ss.map_zoom, selected=ss.selected,
                               dataset=voc.fingerprint)
    st.caption(_("Filters: {filters}").format(filters=md("; ".join(view.filter.describe(geo.analysis.border_names(layers))))))
    map_as_text(shown, description)
    event_picker(shown, shown if "_datasets" in shown else data.events)
    selected_event(shown if "_datasets" in shown or "change" in shown else data.events, claims, view.selected)
    revision_history(data, view.selected)
    if view.changed is not None:
        changes_caption(shown, view)
    changes_download(data, view)
    share(view)
    changes = change_rows(data, view, shown)  # "changed since": the downloads give the changes of the events shown
    downloads(pinned(view, data), data.events if changes is None else shown, claims, layers, app_url(),
              data.attribution, geo.layers.title_of(data.title_names) if data.title_names else data.title,
              matches=data.matches if len(data.datasets) > 1 and changes is None else None, shown=shown,
              changes=changes)


def app_url() -> str:
    try:
        return (st.context.url or "").split("?", 1)[0]
    except Exception:  # no browser behind this run (tests)
        return ""


def share(view: geo.View) -> None:
    """Write the canonical view into the address bar, and show the link to copy (a view at the data's
    own view, ``view.home``, leaves the centre and zoom out: the link opens on the data)."""
    query = geo.view_to_query(view)
    current = {k: st.query_params.get_all(k) for k in st.query_params.keys()}
    wanted = {k: (v if isinstance(v, list) else [v]) for k, v in query.items()}
    if current != wanted:
        st.query_params.from_dict(query)
    with st.expander(_("Share this view"), icon=":material/link:"):
        st.caption(_("The address bar always holds this link. Copy it with the button under it."))
        share_link_box(geo.view_to_link(view, app_url()))


DOWNLOADS = {
    "png": N_("Map picture (PNG)"), "html": N_("Interactive map (HTML, works offline)"), "pdf": N_("Map (PDF)"),
    "svg": N_("Map (SVG)"), "csv": N_("Events (CSV + CSVW metadata, zip)"),
    "geojson": N_("Events with claims (GeoJSON)"), "kml": N_("Events (KML, Google Earth)"),
    "parquet": N_("Events (GeoParquet)"), "claims_csv": N_("Claims (CSV + CSVW metadata, zip)"),
}
#: The sentence under the buttons: true of every file (tests/io/test_export_metadata.py reads each back).
DOWNLOADS_PROMISE = N_("Each file carries the filters, the share link, whose data it is and the data's version: "
                       "the maps in their picture and metadata, GeoJSON, GeoParquet and KML in their own metadata, "
                       "each CSV in the CSVW metadata file zipped with it. Files are made when you click, from "
                       "exactly what the map shows.")


def download_buttons(view: geo.View, outputs: dict[str, str], make, events=None, attribution=None,
                     places=None, changed=None) -> None:
    """One button per output (``make(fmt, name)`` builds its file when clicked), named by what it holds (with
    ``changed``, a day: the changes since that day)."""
    cols = st.columns(3)
    snapshots = geo.static.snapshots
    key = (id(events), view.filter, attribution, tuple(places or ()), changed)  # one pass over the events per view
    if st.session_state.get("download_stem", (None,))[0] != key:
        stem = snapshots.name_stem(view, events, attribution=attribution, places=places)
        st.session_state.download_stem = (key, stem if changed is None else geo.versions.changes.changes_stem(
            stem, changed))
    stem = st.session_state.download_stem[1]
    for i, (fmt, label) in enumerate(outputs.items()):
        name = snapshots.download_name(fmt, view, stem=stem)
        cols[i % 3].download_button(
            _(label), data=make(fmt, name), file_name=name,
            mime="application/zip" if fmt in snapshots.PACKAGED else snapshots.OUTPUTS[fmt][1],
            key=f"download_{fmt}", icon=":material/download:", on_click="ignore",
        )


def downloads(view: geo.View, events, claims, layers, base: str, attribution: str | None, title: str,
              matches=None, shown=None, changes=None) -> None:
    """One button per output; each file is made from exactly this view, only when clicked. ``changes`` (a
    "changed since" view: ``events`` are the changed events shown): a function giving one row per change of
    them (``geo.versions.changes.change_rows``), which the event files hold instead."""
    st.header(_("Download this view"))
    st.caption(_(DOWNLOADS_PROMISE) if changes is None else _(CHANGES_PROMISE).format(
        day=format_date(view.changed)))

    def make(fmt: str, name: str):
        if changes is not None and fmt in geo.io.exports.EXPORT_FORMATS:
            return lambda: geo.versions.changes.export_changes(
                changes(), fmt, name=name, attribution=attribution,
                meta=geo.static.snapshots.export_meta(view, events, attribution=attribution, title=title,
                                                      base_url=base))
        return lambda: geo.static.snapshots.download(view, fmt, events, claims, layers, name=name, base_url=base,
                                                     attribution=attribution, title=title, matches=matches)

    outputs = CHANGE_DOWNLOADS if changes is not None else DOWNLOADS | (
        {"matches_csv": N_("Matches across data sets (CSV + CSVW metadata, zip)")} if matches is not None else {})
    download_buttons(view, outputs, make, events=shown if shown is not None else events, attribution=attribution,
                     changed=view.changed if changes is not None else None)
