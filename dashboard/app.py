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

import argparse
import dataclasses
import gc
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run dashboard/app.py` puts only dashboard/ on the path
    sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402

import geo  # noqa: E402
import geo.readable  # noqa: E402
from geo.io.dataset import Dataset  # noqa: E402
from geo.io.sources import split_sources  # noqa: E402
from geo.styles import md_escape as md  # noqa: E402
from geo.layers import LAYER_ORDER, LAYERS  # noqa: E402
from geo.styles import BASEMAPS, figure_label  # noqa: E402

from dashboard.accessibility import chart_data, chart_description, page_style  # noqa: E402
from dashboard.connection import EventsConnection, secrets_section, secrets_url  # noqa: E402
from dashboard.datasets_panel import coverage_controls, matched, seed_cover, with_aliases  # noqa: E402
from dashboard.layout import HEADLINE_KEY, layout_style  # noqa: E402
from dashboard.map_panel import map_section  # noqa: E402
from dashboard import db_page  # noqa: E402
from geo.io.pushdown import DatabaseDataset  # noqa: E402
from geo.io.dataset import LiveDataset  # noqa: E402
from geo.io.postgis import is_database_url  # noqa: E402
from geo.i18n import N_, _, category, current_language, d3_locale, format_date, format_number, retranslate  # noqa: E402,E501
from geo.layers import title_of  # noqa: E402
from geo.io.report import localized_rejected  # noqa: E402
from geo.errors import localized_error  # noqa: E402
from dashboard.language import init_language, language_picker, speaking  # noqa: E402

init_language()  # before the first word: the link's lang, the sidebar's choice or the browser's
# the page's icon: Material Symbols' "map", from a file of this repository. Streamlit accepts
# page_icon=":material/map:", but the browser then fetches it from fonts.gstatic.com (not offline).
PAGE_ICON = ROOT / "dashboard" / "static" / "map-icon.svg"
st.set_page_config(page_title=_("Conflict map"), page_icon=PAGE_ICON, layout="wide")

BASEMAP_LABELS = {"none": N_("None (offline)"), "osm": N_("OpenStreetMap (online)"),
                  "carto-light": N_("CARTO light (online)")}
COLOR_LABELS = {"event_type": N_("Event type"), "side": N_("Initiator's side")}
DRAW_LABELS = {"auto": N_("Circles"), "heat": N_("Heatmap")}


def label_of(labels: dict):
    """A widget's format_func: the option's label in the language in use."""
    return speaking(lambda key: _(labels[key]) if key in labels else str(key))


def data_path() -> tuple[tuple[str, ...] | None, str | None]:
    """The files or database to start on: `streamlit run dashboard/app.py -- --data PATH [--data NAME=PATH ...]
    [--claims PATH]`, or the GEO_EVENTS (several separated by ":" or ",") / GEO_CLAIMS environment variables,
    or [connections.events] in .streamlit/secrets.toml (a PostGIS database: `postgresql://…`); None for the
    embedded set."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--data", action="append")
    parser.add_argument("--claims")
    args, _rest = parser.parse_known_args(sys.argv[1:])
    paths = tuple(args.data or split_sources(os.environ.get("GEO_EVENTS")) or [u for u in [secrets_url()] if u])
    return (paths or None, args.claims or os.environ.get("GEO_CLAIMS") or None)


def live_data(url: str) -> LiveDataset:
    """A PostGIS database through st.connection("events"): one live data set per process, read again
    when the database changes (see geo.io.dataset.LiveDataset)."""
    section = secrets_section()
    check_every = section.get("check_every", 3) if url == section.get("url") else 3
    return st.connection("events", type=EventsConnection, url=url, check_every=check_every).data


@st.fragment(run_every=5)
def watch_database(live: LiveDataset, version: int | None) -> None:
    """Every 5 s: when the database's events changed (someone added one), the page runs again on them."""
    if live.current().version != version:
        st.rerun(scope="app")


def settled(data: Dataset) -> Dataset:
    """``data``, its objects left out of the garbage collector's full passes from now on.

    Streamlit runs a full collection after every run of the page; a million events hold a million
    GC-tracked shapely points, which made each run of the page 0.3-0.5 s slower (measured at 1M).
    The data set lives as long as the process (or the session), and without reference cycles
    among its points it is still freed by reference counting when dropped.
    """
    gc.collect()
    gc.freeze()
    return data


@st.cache_resource(show_spinner=False)  # the spinner is shown by the caller, in the page's language
def load_data(events_paths: tuple[str, ...] | None, claims_path: str | None) -> Dataset:
    """The data set(s), loaded once per process and shared read-only by every session."""
    if events_paths is None:
        return settled(Dataset.embedded(load_layers()))
    # each file's own layers: the countries it is in, in detail, and their regions named from its admin1
    return settled(Dataset.from_sources(events_paths, claims_path=claims_path))


VIEW_KEYS = ("link_read", "link_filter", "link_warnings", "actors", "dates", "event_types", "regions", "min_fatalities", "border_on", "border_km",
             "figure", "selected", "player_idx", "playing", "map_content", "last_popup", "map_memo", "cells_anchor",
             "link_seed", "map_base", "map_selected", "map_by_zoom")


def uploaded_data(default: Dataset) -> Dataset:
    """A file dropped on the sidebar, for this session only; else the process's data set."""
    ss = st.session_state
    ups = st.sidebar.file_uploader(
        _("Your own data"), type=["csv", "geojson", "json", "parquet"], key="upload", accept_multiple_files=True,
        help=_("An ACLED export (CSV), the UCDP GED (CSV), or a file this app exported; several at once are "
               "matched (one event, many data sets). They stay in your session: nobody else sees them."))
    ups = list(ups or [])
    key = tuple((u.name, u.size, u.file_id) for u in ups) or None
    up = ups[0] if ups else None
    if key != ss.get("upload_key"):
        ss.upload_key, ss.upload_data = key, None
        for k in VIEW_KEYS:  # new data: the widgets start again from the link
            ss.pop(k, None)
        if up is not None:
            try:
                with st.spinner(_("Reading {files}…").format(files=md(", ".join(u.name for u in ups)))):
                    ss.upload_data = settled(Dataset.from_sources(ups))
            except geo.GeoError as exc:
                ss.upload_error = localized_error(exc)
            except Exception as exc:  # noqa: BLE001 - a file from anywhere: say so, never a traceback
                ss.upload_error = _("{file}: the file could not be read ({error}).").format(
                    file=up.name, error=type(exc).__name__)
    if ss.get("upload_error"):
        st.sidebar.error(md(ss.pop("upload_error")))
    return ss.get("upload_data") or default


def import_report(data: Dataset) -> None:
    # several data sets: one report each (geo.io.dataset.Dataset.combine keeps them by name)
    reports = data.__dict__.get("reports") or {"": data.report}
    for k, (name, report) in enumerate(reports.items()):
        if report is None:
            continue
        n_bad = len(report.rejected)
        head = (_("Import report of {name}").format(name=md(name)) if name else _("Import report")) + ": " + _(
            "{used} of {read} rows used").format(used=format_number(report.accepted), read=format_number(report.rows_read))
        with st.expander(head + (_(", {count} rejected").format(count=format_number(n_bad)) if n_bad else ""),
                         expanded=report.needs_review, icon=":material/upload_file:"):
            st.text(str(report))
            if n_bad:
                rejected = localized_rejected(report.rejected)  # the reasons in the page's language
                st.dataframe(geo.readable.readable_table(rejected, geo.readable.REJECTED_TITLES),
                             hide_index=True, width="stretch")
                st.download_button(_("Rejected rows (CSV)"), rejected.to_csv(index=False),
                                   file_name="rejected-rows.csv", mime="text/csv",
                                   key="download_rejected" + (f"_{k}" if k else ""), on_click="ignore")


@st.cache_resource(show_spinner=False)
def load_layers():
    return geo.load_layers()


def date_span(data) -> tuple:
    """The first and last day of the data (a database says it without reading its events)."""
    if isinstance(data, DatabaseDataset):
        return data.first, data.last
    return data.events["event_date"].min().date(), data.events["event_date"].max().date()


def seed_from_link(span: tuple, voc: geo.Vocabulary) -> None:
    """On a session's first run, put the linked View into the widgets' state, once."""
    if "link_read" in st.session_state:
        return
    params = {k: st.query_params.get_all(k) for k in st.query_params.keys()}
    # the warnings are kept in English and said in the page's language when shown (it may change)
    view, warnings = geo.view_from_query(params, vocabulary=voc, lang="en")
    first, last = span
    f = view.filter
    ss = st.session_state
    ss.link_read = True
    ss.actors = list(f.actors)
    start = min(max(f.start or first, first), last)
    end = max(min(f.end or last, last), start)
    for given, used, what in ((f.start, start, "start"), (f.end, end, "end")):
        if given is not None and given != used:
            warnings.append((N_("The start date {given} is outside this data ({first} to {last}); used {used}.")
                             if what == "start" else
                             N_("The end date {given} is outside this data ({first} to {last}); used {used}.")).format(
                given=given, first=first, last=last, used=used))
    ss.dates = (start, end)
    ss.event_types = list(f.event_types)
    ss.regions = list(f.regions)
    ss.min_fatalities = f.min_fatalities
    ss.border_on = f.max_border_km is not None
    ss.border_km = int(min(max(round(f.max_border_km or 100), 1), 1500))
    if f.max_border_km is not None and ss.border_km != f.max_border_km:
        warnings.append(N_("The border distance {given} km was set to {used} km (whole km from 1 to 1,500).").format(
            given=f"{f.max_border_km:g}", used=ss.border_km))
    ss.link_warnings = warnings
    ss.figure = view.figure
    ss.shade_regions = view.shade_regions
    ss.draw = view.draw
    ss.color_by = view.color_by
    ss.basemap = view.basemap
    # only a link that hides layers sets the widget; otherwise its own default (every layer) applies.
    # On a 1M-event data set (a long first run) the layers widget was once seen reporting an empty
    # list on the first interaction, hiding every layer; with the default, an early report agrees.
    if view.hidden_layers:
        ss.layers_shown = list(view.visible_layers)
    ss.map_center, ss.map_zoom = view.center, view.zoom
    ss.selected = view.selected
    seed_cover(view)
    # what the link put in the widgets, restored if a widget's state is missing when the sidebar is
    # drawn (a safeguard for long first runs on large data: the link must still apply)
    ss.link_seed = {k: ss[k] for k in SEEDED_WIDGETS if k in ss}
    # the linked event's popup opens with the map's first content (see dashboard.map_panel)
    ss.map_selected = view.selected


SEEDED_WIDGETS = ("actors", "dates", "event_types", "regions", "min_fatalities", "border_on", "border_km",
                  "figure", "shade_regions", "color_by", "basemap", "layers_shown", "draw", "coverage",
                  "coverage_factor")


def sidebar(span: tuple, counts: pd.Series, voc: geo.Vocabulary) -> geo.View:
    """The widgets, and the View they make together with the map's state."""
    for key, value in st.session_state.get("link_seed", {}).items():
        if key not in st.session_state:
            st.session_state[key] = value
    sb = st.sidebar
    sb.header(_("Filters"))
    actors = sb.multiselect(
        _("Actors"), options=list(counts.index), key="actors", format_func=lambda a: f"{a} ({counts[a]})",
        help=_("Events in which any chosen actor took part, on either side, as main or associated actor."),
    )
    first, last = span
    dates = sb.date_input(_("Dates"), min_value=first, max_value=last, key="dates", format="YYYY-MM-DD")
    start, end = (tuple(dates) + (None, None))[:2] if isinstance(dates, (tuple, list)) else (dates, None)
    # the data's own first and last day mean "no restriction": keep them out of the link
    start = None if start == first else start
    end = None if end == last else end
    # the options come from the data set's vocabulary, computed once per data set, not per rerun
    types = sb.multiselect(_("Event types"), sorted(voc.event_types, key=str.casefold), key="event_types",
                           format_func=speaking(category))
    regions = sb.multiselect(_("Regions"), sorted(voc.regions - {""}, key=str.casefold), key="regions",
                             help=_("The region each event's source reports (ACLED's admin1)."))
    min_fat = sb.number_input(_("Minimum fatalities"), min_value=0, step=1, key="min_fatalities")
    near = sb.checkbox(_("Only near the Algeria border"), key="border_on")
    border_km = sb.slider(_("Within km of the border"), 1, 1500, step=1, key="border_km", disabled=not near)
    sb.header(_("Map"))
    color_by = sb.radio(_("Colour events by"), list(COLOR_LABELS), format_func=label_of(COLOR_LABELS),
                        key="color_by", horizontal=True)
    figures_ = ["conservative", "highest"] + [
        f for f in (f"claimant:{c}" for c in sorted(voc.claimants or (), key=str.casefold))
        if geo.view.valid_figure(f)]
    figure = sb.selectbox(_("Size events by"), figures_, key="figure", format_func=speaking(figure_label),
                          help=_("Draw each event by its conservative fatalities, by the highest figure anyone "
                                 "claimed, or by one claimant's figures. Dashed outlines: the claims disagree."))
    draw = sb.radio(_("Draw events as"), list(DRAW_LABELS), format_func=label_of(DRAW_LABELS), key="draw",
                    horizontal=True,
                    help=_("Circles: one per event, or per area when there are more than {count} (click one to "
                           "zoom in). Heatmap: where events are dense.").format(count=format_number(geo.MAX_MARKERS)))
    shade = sb.checkbox(_("Shade regions by number of events"), key="shade_regions")
    shown_layers = sb.multiselect(_("Boundary layers"), list(LAYER_ORDER), key="layers_shown",
                                  default=None if "layers_shown" in st.session_state else list(LAYER_ORDER),
                                  format_func=speaking(lambda k: _(LAYERS[k].title)))
    basemap = sb.selectbox(_("Basemap"), list(BASEMAPS), format_func=label_of(BASEMAP_LABELS), key="basemap",
                           help=_("Tile basemaps need the internet; the boundary layers always draw."))
    flt = geo.EventFilter(actors=actors, start=start, end=end, event_types=types, regions=regions,
                          min_fatalities=int(min_fat), max_border_km=border_km if near else None)
    ss = st.session_state
    return geo.View(
        filter=flt, center=ss.map_center, zoom=ss.map_zoom,
        hidden_layers=[k for k in LAYER_ORDER if k not in shown_layers],
        basemap=basemap, color_by=color_by, selected=ss.selected, dataset=None, figure=figure,
        shade_regions=shade, draw=draw, home=voc.home, lang=ss.lang,
    )


def link_warnings(box, view: geo.View) -> None:
    """The link's problems, in plain words: shown from opening until the user changes the filters or
    dismisses them (the map's first report of its view reruns the page; the warning stays through it)."""
    ss = st.session_state
    if not ss.link_warnings:
        return
    if "link_filter" not in ss:
        ss.link_filter = view.filter
    if view.filter != ss.link_filter:
        ss.link_warnings = []
        return
    with box:
        st.warning(_("Parts of this link could not be used, and were left out:") + "\n\n"
                   + "\n".join(f"- {md(retranslate(w))}" for w in ss.link_warnings))
        if st.button(_("Dismiss"), key="dismiss_link_warnings"):
            ss.link_warnings = []
            st.rerun()


def figures(shown: pd.DataFrame, total: int) -> None:
    s = geo.summarize(shown)
    c1, c2, c3, c4 = st.container(key=HEADLINE_KEY).columns([1, 1, 1.6, 1])
    c1.metric(_("Events shown"), format_number(s["events"]),
              help=_("of {count} in the data").format(count=format_number(total)))
    c2.metric(_("Fatalities (conservative)"), format_number(s["fatalities"]))
    span = geo.readable.date_span(s["first"], s["last"]) or "—"
    exact = geo.readable.exact_span(s["first"], s["last"]) or None
    c3.metric(_("Date span"), span, help=exact)
    c4.metric(_("Places"), format_number(s["locations"]))


FREQ_LABELS = {"W": N_("Week"), "M": N_("Month")}
MEASURE_LABELS = {"events": N_("Events"), "fatalities": N_("Fatalities")}
PLAYER_SECONDS = 1.5


def time_player(span: tuple) -> None:
    """Step the date filter through weeks or months; Play advances it by itself.

    The ticking fragment only asks for a step; the step itself is taken here, at the
    top of the next run, before the widgets it changes are drawn (Streamlit forbids
    changing a drawn widget's value).
    """
    ss = st.session_state
    first, last = span
    freq = ss.get("player_freq", "W")
    spans = [(max(a.date(), first), min(b.date(), last)) for a, b in geo.analysis.periods(first, last, freq)]
    if ss.get("player_idx", 0) >= len(spans):
        ss.player_idx = 0
    if ss.pop("player_step", False):
        if ss.get("player_idx", 0) + 1 < len(spans):
            ss.player_idx = ss.get("player_idx", 0) + 1
            ss.dates = spans[ss.player_idx]
        else:
            ss.playing = False  # the end: stop

    def apply() -> None:  # callbacks run before the widgets are drawn
        ss.dates = spans[ss.player_idx]

    def show_all() -> None:
        ss.playing = False
        ss.dates = (first, last)

    with st.sidebar.expander(_("Time player"), icon=":material/play_pause:"):
        st.radio(_("Step by"), list(FREQ_LABELS), format_func=label_of(FREQ_LABELS), key="player_freq",
                 horizontal=True)
        st.select_slider(_("Period"), options=list(range(len(spans))), key="player_idx", on_change=apply,
                         format_func=speaking(lambda i: geo.readable.date_span(*spans[i], days=True)))
        st.toggle(_("Play"), key="playing", on_change=lambda: ss.get("playing") and apply(),
                  help=_("Advance one period every {seconds} seconds").format(seconds=f"{PLAYER_SECONDS:g}"))
        st.button(_("Show all dates"), on_click=show_all)

    @st.fragment(run_every=PLAYER_SECONDS if ss.get("playing") else None)
    def tick() -> None:
        # the fragment also runs within every full run: step only once a period has passed
        if ss.get("playing") and time.monotonic() - ss.get("player_time", 0.0) >= PLAYER_SECONDS * 0.9:
            ss.player_time = time.monotonic()
            ss.player_step = True
            st.rerun(scope="app")

    with st.sidebar:
        tick()


def timeline_chart(shown, make=None) -> None:
    """The chart of events over time; ``make(freq)`` gives its data when ``shown`` is not a frame
    (a database's selection), else ``geo.timeline`` of ``shown``."""
    import altair as alt

    st.header(_("Over time"))
    c1, c2 = st.columns(2)
    freq = c1.radio(_("Period"), list(FREQ_LABELS), format_func=label_of(FREQ_LABELS), key="tl_freq",
                    horizontal=True)
    measure = c2.radio(_("Count"), ["events", "fatalities"], key="tl_measure", horizontal=True,
                       format_func=label_of(MEASURE_LABELS))
    if shown is None or (make is None and shown.empty):
        st.caption(_("No events to chart."))
        return
    data = geo.readable.timeline_for_chart(make(freq) if make else geo.timeline(shown, freq=freq, by="event_type"),
                                           freq)
    types = sorted(data["event_type"].unique())
    colors = [geo.event_type_color(t) for t in types]
    ticks, fmt = geo.readable.period_ticks(data["period"].min(), data["period"].max(), freq)
    values = [alt.DateTime(year=t.year, month=t.month, date=t.day) for t in ticks]
    what = _("Events") if measure == "events" else _("Fatalities (conservative)")
    # the types' names in the language in use (the data keep theirs); the colours follow the data's names
    data = data.assign(event_type=data["event_type"].map(category))
    names = [category(t) for t in types]
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            # each bar spans its whole week or month; the ticks name the month and the year
            x=alt.X("period:T", title=None, axis=alt.Axis(values=values, format=fmt, labelAngle=0)),
            x2="period_end:T",
            y=alt.Y(f"{measure}:Q", title=what),
            color=alt.Color("event_type:N", title=_("Event type"), scale=alt.Scale(domain=names, range=colors),
                            legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=0, columns=2)),
            tooltip=[alt.Tooltip("label:N", title=_("Period")), alt.Tooltip("event_type:N", title=_("Event type")),
                     alt.Tooltip("events:Q", title=_("Events")),
                     alt.Tooltip("fatalities:Q", title=_("Fatalities (conservative)"))],
        )
        .properties(height=220, description=chart_description(data, measure, _(FREQ_LABELS[freq])))
    )
    if current_language() != "en":  # the axis' months and the numbers as the language writes them
        chart = chart.configure(locale=d3_locale())
    st.altair_chart(chart, width="stretch")
    chart_data(data, measure, _(FREQ_LABELS[freq]))


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
    st.dataframe(geo.readable.readable_table(table, geo.readable.EVENT_TITLES), hide_index=True, width="stretch")


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
        st.markdown(_(
            "**Boundaries**: Made with Natural Earth (1:10m, public domain). Regions follow Mali's "
            "9-region scheme (Taoudénit within Tombouctou, Ménaka within Gao). The Tuareg region is the "
            "area claimed as Azawad in 2012 (Tombouctou, Gao, Kidal), shown for context; it is not a "
            "recognised boundary."
        ))


def main() -> None:
    events_path, claims_path = data_path()
    page_style()
    layout_style()
    title = st.empty()
    language_picker()
    try:
        # one database: followed live; files (or several sources) are read once
        one = events_path[0] if events_path and len(events_path) == 1 else None
        live = live_data(one) if one and is_database_url(one) else None
        with st.spinner(_("Loading events…")):
            loaded = live.current() if live else load_data(events_path, claims_path)
        data = uploaded_data(loaded)
    except geo.GeoError as exc:
        st.error(_("The data could not be loaded. {error}").format(error=md(localized_error(exc))))
        st.stop()
    if live is not None and data.version is not None:  # not an upload: follow the database
        if live.problem:
            st.warning(_("Showing the events as last read: {problem}").format(problem=md(live.problem)))
        watch_database(live, data.version)
    db = isinstance(data, DatabaseDataset)  # a database: each view is asked of it (dashboard.db_page)
    events, claims, voc, layers = (None, None, data.vocabulary, data.layers) if db else (
        data.events, data.claims, data.vocabulary, data.layers)
    title.title(md(title_of(data.title_names) if data.title_names else data.title))
    import_report(data)
    if (data.total == 0) if db else events.empty:
        st.warning(_("The data holds no events that could be used."))
        st.stop()
    span = date_span(data)
    seed_from_link(span, voc)
    warning_box = st.container()
    st.caption((_("Armed-conflict events over Mali's regions, the Algeria border and the Tuareg region.")
                if data.report is None else _("Armed-conflict events over the regions of the countries they are in."))
               + " " + _("Click an event for who fought, what each side claimed and who reported it."))
    time_player(span)
    view = sidebar(span, data.actor_counts, voc)
    view = with_aliases(dataclasses.replace(view, cover=coverage_controls(data)), data)
    link_warnings(warning_box, view)
    if db:
        db_page.body(data, view, timeline_chart=timeline_chart, table_rows=table_rows, table_size=TABLE_ROWS)
        about(data)
        return
    # a pan, a zoom or a click reruns the page with the same filter: its events are not taken again
    same = (voc.fingerprint, id(events), view.filter, view.cover)
    shown = per_filter("shown", same, lambda: matched(geo.filter_events(events, view.filter), data, view.cover))
    figures(shown, len(events))
    if shown.empty:
        st.info(_("No events match these filters ({filters}). Widen the dates or remove an actor, type or region.")
                .format(filters=md("; ".join(view.filter.describe()))))
    map_section(shown, layers, claims, view, data, voc)
    timeline_chart(shown)
    events_table(per_filter("table", same, lambda: table_rows(shown, claims)))
    about(data)


main()
