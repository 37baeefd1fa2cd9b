"""The dashboard's filters: the sidebar's widgets, seeded once from the share link, the link's warnings and the
time player.
"""

from __future__ import annotations

import time


import pandas as pd
import streamlit as st

import geo
import geo.a11y.readable
import geo.link
from geo.styles import md_escape as md
from geo.layers import LAYER_ORDER, LAYERS
from geo.styles import BASEMAPS, figure_label

from dashboard.accessibility import filters_anchor
from dashboard.datasets_panel import seed_cover
from geo.i18n import N_, _, category, format_number, retranslate, use_language
from dashboard.language import label_of, speaking
from dashboard.typed_dates import typed_dates_field


BASEMAP_LABELS = {"none": N_("None (offline)"), "osm": N_("OpenStreetMap (online)"),
                  "carto-light": N_("CARTO light (online)")}


COLOR_LABELS = {"event_type": N_("Event type"), "side": N_("Initiator's side")}


DRAW_LABELS = {"auto": N_("Circles"), "heat": N_("Heatmap")}


def seed_from_link(span: tuple, voc: geo.Vocabulary) -> None:
    """On a session's first run, put the linked View into the widgets' state, once."""
    if "link_read" in st.session_state:
        return
    params = {k: st.query_params.get_all(k) for k in st.query_params.keys()}
    if st.session_state.pop("link_carry", False):  # new data in this session: the link is the app's own
        params = geo.link.carried_over(params)
    # the warnings are kept in English and said in the page's language when shown (it may change)
    view, warnings = geo.view_from_query(params, vocabulary=voc, lang="en")
    first, last = span
    f = view.filter
    ss = st.session_state
    ss.link_read = True
    ss.actors = list(f.actors)
    with use_language("en"):  # kept in English, said in the page's language when shown
        start, end, moved = geo.link.clamp_dates(f.start, f.end, first, last)
    warnings += moved
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


def sidebar(span: tuple, counts: pd.Series, voc: geo.Vocabulary, layers: dict | None = None) -> geo.View:
    """The widgets, and the View they make together with the map's state."""
    for key, value in st.session_state.get("link_seed", {}).items():
        if key not in st.session_state:
            st.session_state[key] = value
    sb = st.sidebar
    filters_anchor(sb)  # where "Skip to the filters" goes (a sidebar's heading has no id)
    sb.header(_("Filters"))
    actors = sb.multiselect(
        _("Actors"), options=list(counts.index), key="actors", format_func=lambda a: f"{a} ({counts[a]})",
        placeholder=_("Choose options"),
        help=_("Events in which any chosen actor took part, on either side, as main or associated actor."),
    )
    first, last = span
    typed_dates_field(sb, span)  # Enter applies a typed range; the calendar below is for the mouse
    dates = sb.date_input(_("Dates on a calendar"), min_value=first, max_value=last, key="dates",
                          format="YYYY-MM-DD")
    start, end = (tuple(dates) + (None, None))[:2] if isinstance(dates, (tuple, list)) else (dates, None)
    # the data's own first and last day mean "no restriction": keep them out of the link
    start = None if start == first else start
    end = None if end == last else end
    # the options come from the data set's vocabulary, computed once per data set, not per rerun
    types = sb.multiselect(_("Event types"), sorted(voc.event_types, key=str.casefold), key="event_types",
                           format_func=speaking(category), placeholder=_("Choose options"))
    regions = sb.multiselect(_("Regions"), sorted(voc.regions - {""}, key=str.casefold), key="regions",
                             placeholder=_("Choose options"),
                             help=_("The region each event's source reports (ACLED's admin1)."))
    min_fat = sb.number_input(_("Minimum fatalities"), min_value=0, step=1, key="min_fatalities")
    borders = geo.analysis.border_names(layers) if layers is not None else []
    if borders:  # outside Mali: the land borders of the data's countries (geo.analysis.measured_borders)
        near = sb.checkbox(_("Only near a border"), key="border_on",
                           help=_("Events within the distance below of the nearest of these borders: {names}.").format(
                               names=md(", ".join(borders))))
    else:
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
    # only the layers this data has (the Tuareg region and the Mali–Algeria border: data in Mali)
    available = [k for k in LAYER_ORDER if layers is None or k not in layers or len(layers[k])]
    if "layers_shown" in st.session_state:
        st.session_state.layers_shown = [k for k in st.session_state.layers_shown if k in available]
    shown_layers = sb.multiselect(_("Boundary layers"), available, key="layers_shown",
                                  placeholder=_("Choose options"),
                                  default=None if "layers_shown" in st.session_state else available,
                                  format_func=speaking(lambda k: _(LAYERS[k].title)))
    basemap = sb.selectbox(_("Basemap"), list(BASEMAPS), format_func=label_of(BASEMAP_LABELS), key="basemap",
                           help=_("Tile basemaps need the internet; the boundary layers always draw."))
    flt = geo.EventFilter(actors=actors, start=start, end=end, event_types=types, regions=regions,
                          min_fatalities=int(min_fat), max_border_km=border_km if near else None)
    ss = st.session_state
    return geo.View(
        filter=flt, center=ss.map_center, zoom=ss.map_zoom,
        hidden_layers=[k for k in available if k not in shown_layers],
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


FREQ_LABELS = {"W": N_("Week"), "M": N_("Month")}
PLAYER_SECONDS = 1.5


def time_player(span: tuple):
    """Step the date filter through weeks or months; Play advances it by itself. Returns the player's box
    (where ``dashboard.animation_section`` puts its downloads).

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

    box = st.sidebar.expander(_("Time player"), icon=":material/play_pause:")
    with box:
        st.radio(_("Step by"), list(FREQ_LABELS), format_func=label_of(FREQ_LABELS), key="player_freq",
                 horizontal=True)
        st.select_slider(_("Period"), options=list(range(len(spans))), key="player_idx", on_change=apply,
                         format_func=speaking(lambda i: geo.a11y.readable.date_span(*spans[i], days=True)))
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
    return box
