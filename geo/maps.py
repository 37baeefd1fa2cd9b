"""The interactive map: boundary layers, event markers with popups, and a legend."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium.template import Template
from folium.utilities import JsCode

from .aggregate import cells_layer, cell_summary
from .heatmap import HEAT_GRADIENT, heat_layer
from .assets import make_offline
from .overlays import border_layer, region_layer, uncertainty_layer
from .analysis import claim_ranges, event_figures
from .popups import popup_html, tooltip_text
from .layers import LAYER_ORDER, LAYERS, NATURAL_EARTH_ATTRIBUTION
from .markers import MAX_MARKER_BYTES, EventMarkers
from .styles import (
    COLOR_MODES,
    actor_side,
    esc,
    event_color,
    legend_items,
    marker_radius,
)

#: Where the map opens: northern Mali with the Algeria border in view.
DEFAULT_CENTER = (17.5, -2.0)
DEFAULT_ZOOM = 6

#: Tile basemaps a user can add. They need the internet; "none" draws the map on
#: the Natural Earth layers alone, which always works.
BASEMAPS: dict[str, dict | None] = {
    "none": None,
    "osm": {
        "tiles": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "attr": "&copy; OpenStreetMap contributors",
        "name": "OpenStreetMap",
    },
    "carto-light": {
        "tiles": "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
        "attr": "&copy; OpenStreetMap contributors &copy; CARTO",
        "name": "CARTO light",
    },
}

EVENTS_LAYER_NAME = "Events"
#: How events are drawn: "auto" (a marker each, or cells past MAX_MARKERS) or "heat" (a heatmap).
DRAW_MODES = ("auto", "heat")
#: Level of detail: up to this many events each is drawn as a marker with its popup; past it the
#: events are counted into map cells on the server (``geo.aggregate``), so that the page's size
#: and the browser's work stay bounded whatever the number of events.
MAX_MARKERS = 3_000


class _Script(MacroElement):
    """A piece of JavaScript run after the map is made; ``{map}`` names the map.

    Data reaches the script only through ``json_args`` (serialised with ``<``,
    ``>`` and ``&`` as ``\\u`` escapes), never pasted into code.
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function(map, args){ {{ this.code }} })({{ this._parent.get_name() }}, {{ this.args }});"
        "{% endmacro %}"
    )

    def __init__(self, code: str, json_args: dict):
        super().__init__()
        self._name = "Script"
        self.code = code
        self.args = js_json(json_args)


def js_json(value) -> str:
    """JSON that is safe inside a <script> element: no '<', '>' or '&' survives."""
    return (
        json.dumps(value, ensure_ascii=False, default=str)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


_POPUP_CSS = """
.leaflet-container { background: #d7e3ec; font: 13px/1.35 system-ui, sans-serif; }
.ev-popup { max-width: 400px; }
.ev-popup .ev-title { font-weight: 600; font-size: 14px; margin-bottom: 2px; }
.ev-popup table { border-collapse: collapse; width: 100%; margin: 4px 0; }
.ev-popup th, .ev-popup td { border-bottom: 1px solid #ddd; padding: 2px 4px; text-align: left; vertical-align: top; }
.ev-popup .muted, .ev-popup .src { color: #666; font-size: 11px; }
.ev-popup .stmt { font-size: 11px; font-style: italic; }
.ev-popup .notes { margin: 4px 0; }
.ev-popup .range { margin: 4px 0 2px; }
.ev-popup .disputed { color: #b00020; }
.ev-popup .same-place { font-size: 12px; margin-top: 4px; }
.ev-popup .same-place ul { margin: 2px 0 0 16px; padding: 0; }
.map-legend { background: rgba(255,255,255,.92); padding: 6px 8px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); line-height: 1.5; }
.map-legend i { display: inline-block; width: 11px; height: 11px; border-radius: 50%;
  margin-right: 5px; vertical-align: -1px; border: 1px solid #333; }
.map-legend .size { color: #555; font-size: 11px; }
.map-legend i.ring { background: #fff; border: 2px dashed #000; }
"""


FIGURE_LABELS = {"conservative": "conservative fatalities", "highest": "highest claimed fatalities"}


def figure_label(figure: str) -> str:
    """How the legend names what circle sizes show."""
    if figure.startswith("claimant:"):
        return f"fatalities claimed by {figure.split(':', 1)[1]} (else conservative)"
    return FIGURE_LABELS.get(figure, figure)


def _legend_html(mode: str, present: set[str], count: int, figure: str, disputed: int,
                 cells: int | None = None, heat: float | None = None) -> str:
    if heat is not None:
        stops = ", ".join(f"{color} {int(at * 100)}%" for at, color in sorted(HEAT_GRADIENT.items()))
        return (
            "<div><b>Heatmap of events</b></div>"
            f"<div style='height:10px;width:160px;background:linear-gradient(to right, {stops})'></div>"
            f"<div class='size'>few → many ({heat:,.0f}+ events in a spot at this zoom) · {count:,} event(s)"
            " · zoom in for detail</div>"
        )
    head = "Event type" if mode == "event_type" else "Initiator's side"
    rows = "".join(
        f"<div><i style='background:{color}'></i>{esc(label)}</div>" for label, color in legend_items(mode, present)
    )
    dispute = (f"<div><i class='ring'></i>claims disagree ({disputed:,})</div>" if disputed else "")
    if cells is not None:
        return (
            f"<div><b>{head}</b> (most frequent in each circle)</div>{rows}"
            f"<div class='size'>Circle area ∝ events in the area · {count:,} event(s) in {cells:,} "
            "circles · click one to zoom in</div>"
        )
    return (
        f"<div><b>{head}</b></div>{rows}{dispute}"
        f"<div class='size'>Circle area ∝ {esc(figure_label(figure))} · {count:,} event(s)</div>"
    )


_LEGEND_JS = """
var legend = L.control({position: 'bottomright'});
legend.onAdd = function () {
  var div = L.DomUtil.create('div', 'map-legend');
  div.innerHTML = args.html;
  L.DomEvent.disableClickPropagation(div);
  return div;
};
legend.addTo(map);
if (map.attributionControl) { args.attribution.forEach(function (a) { map.attributionControl.addAttribution(a); }); }
var style = document.createElement('style'); style.textContent = args.css; document.head.appendChild(style);
"""


def _boundary_layer(key: str, gdf: gpd.GeoDataFrame, show: bool) -> folium.GeoJson:
    info = LAYERS[key]
    gdf = gdf.copy()  # do not add the tooltip column to the caller's layer
    label_col = "name" if "name" in gdf else None
    tips = []
    for _, row in gdf.iterrows():
        tip = f"<b>{esc(row[label_col])}</b>" if label_col else f"<b>{esc(info.title)}</b>"
        if key == "tuareg_region":
            tip += f"<br>{esc(info.description)}"
        elif key == "algeria_border" and "length_km" in gdf:
            tip += "<br>" + esc(f"{row['length_km']:,.0f} km")
        tips.append(tip)
    gdf["_tip"] = tips
    keep = [c for c in ("name", "_tip") if c in gdf] + ["geometry"]
    style = dict(info.style)
    return folium.GeoJson(
        gdf[keep].to_json(),
        name=info.title,
        style_function=lambda _f, s=style: s,
        show=show,
        on_each_feature=JsCode(
            "function (f, layer) { layer.bindTooltip(f.properties._tip, {sticky: true}); }"
        ),
    )


def events_geojson(events: gpd.GeoDataFrame, claims: pd.DataFrame | None, color_by: str,
                   figure: str = "conservative") -> dict:
    """The events as a GeoJSON FeatureCollection carrying their popup, tooltip and style.

    Circles are sized by ``figure`` (see ``geo.analysis.event_figures``). Events
    whose claims disagree get a dashed black outline, those with claims that agree
    a solid one. Features come largest first, so that a small circle is drawn over
    (and can be clicked on top of) a large one at the same place; each popup lists
    the other events at its exact place.
    """
    sizes = event_figures(events, claims, figure)
    has_claims = claims is not None and not claims.empty
    ranges = claim_ranges(claims) if has_claims else None
    by_event = dict(tuple(claims.groupby("event_id", sort=False))) if has_claims else {}
    order = events.assign(_size=sizes).sort_values(["_size", "event_date"], ascending=[False, True], kind="stable")
    rows = order.to_dict("records")  # plain dicts: reading a field of a row Series costs ~10x more
    places: dict[tuple[float, float], list] = {}
    for ev in rows:
        places.setdefault((float(ev["latitude"]), float(ev["longitude"])), []).append(ev)
    features = []
    for ev in rows:
        here = places[(float(ev["latitude"]), float(ev["longitude"]))]
        # list a few of the others, and count the rest: a place with thousands of events
        # (a region's centroid in ACLED) must not make every popup thousands of lines long
        others = [o for o in here[: SAME_PLACE_LISTED + 1] if o["event_id"] != ev["event_id"]][:SAME_PLACE_LISTED]
        n_others = len(here) - 1
        own = by_event.get(ev["event_id"])
        rng = ranges.loc[ev["event_id"]] if own is not None else None
        disputed = bool(rng is not None and rng["disputed"])
        style = {
            "radius": marker_radius(ev["_size"]),
            "fillColor": event_color(ev, color_by),
            "color": "#000000" if disputed else ("#222" if own is not None else "#ffffff"),
            "weight": 2.5 if disputed else (2 if own is not None else 1),
            "fill": True,
            "fillOpacity": 0.8,
            "opacity": 1.0,
            "className": "event-marker disputed" if disputed else "event-marker",
        }
        if disputed:
            style["dashArray"] = "4 3"
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(ev["longitude"]), float(ev["latitude"])]},
            "properties": {
                "event_id": str(ev["event_id"]),
                "_popup": popup_html(ev, own if own is not None else _NO_CLAIMS, others, claim_range=rng,
                                     same_place_total=n_others),
                "_tip": tooltip_text(ev) + (" · claims disputed" if disputed else ""),
                "_style": style,
            },
        })
    return {"type": "FeatureCollection", "features": features}


_NO_CLAIMS = pd.DataFrame(columns=["event_id"])
#: How many other events at the same place a popup lists by name.
SAME_PLACE_LISTED = 10


def _markers_layer(events: gpd.GeoDataFrame, claims: pd.DataFrame | None, color_by: str, figure: str,
                   selected: str | None) -> EventMarkers:
    """One circle marker per event, with its popup and tooltip; ``selected``'s popup opens."""
    return EventMarkers(events_geojson(events, claims, color_by, figure), selected)


def _disputed_count(events: pd.DataFrame, claims: pd.DataFrame | None) -> int:
    if claims is None or claims.empty:
        return 0
    ranges = claim_ranges(claims)
    return int(events["event_id"].isin(ranges.index[ranges["disputed"]]).sum())


def build_map(
    events: gpd.GeoDataFrame,
    layers: Mapping[str, gpd.GeoDataFrame],
    *,
    claims: pd.DataFrame | None = None,
    color_by: str = "event_type",
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
    basemap: str = "none",
    visible_layers: Iterable[str] | None = None,
    selected: str | None = None,
    attribution: str | None = None,
    prefer_canvas: bool | None = None,
    offline: bool = True,
    figure: str = "conservative",
    shade_regions: bool = False,
    border_km: float | None = None,
    uncertainty: bool = True,
    max_markers: int = MAX_MARKERS,
    max_marker_bytes: int = MAX_MARKER_BYTES,
    layer_control: bool = True,
    draw: str = "auto",
) -> folium.Map:
    """An interactive map of ``events`` over the boundary ``layers``.

    Parameters
    ----------
    events
        Canonical events (see ``load_events``); drawn as circles coloured by
        ``color_by`` ("event_type" or "side") and sized by fatalities. Events with
        claims get a dark outline.
    layers
        The boundary layers from ``load_layers``; each is a toggle in the layer control.
    claims
        The claims table; each event's popup shows its claims side by side.
    center, zoom
        The view; northern Mali by default.
    basemap
        "none" (offline, Natural Earth only), "osm" or "carto-light" (need the internet).
    visible_layers
        The boundary layers shown at first; all by default. The others stay in the
        layer control, unticked.
    selected
        An event_id whose popup opens when the map loads.
    attribution
        The event data's attribution line, shown with Natural Earth's.
    prefer_canvas
        Draw markers on a canvas; by default when there are more than 1,000 events.
    figure
        What circle sizes show: "conservative" fatalities (default), "highest" claim,
        or "claimant:NAME" (that claimant's figures).
    shade_regions
        Add a choropleth of Mali's regions by number of events.
    border_km
        Draw the zone within this many km of the Algeria border.
    uncertainty
        Draw dashed rings around events whose location is approximate.
    layer_control
        Add Leaflet's layer control (on by default). The dashboard leaves it out: its
        sidebar switches the layers, so that the share link knows which are shown.
    offline
        Load Leaflet from the installed package instead of a CDN (default).
    max_markers
        The level of detail: up to this many events, one marker each (canvas-drawn past
        1,000) with its popup; past it, the events are counted on the server into cells of
        about 48 px at ``zoom`` (``geo.aggregate``), drawn as circles sized by their count with
        the count and fatalities in a tooltip; a click zooms in. Only cells in and around the
        view are fine (beyond it they are coarser) and their number is capped, so the page
        stays under ~1 MB whatever the number of events. In that mode the uncertainty rings
        are left out and the ``selected`` event is drawn as a marker over the cells.
    max_marker_bytes
        The markers' share of the page (``geo.markers.MAX_MARKER_BYTES``, 2.4 MB): events whose
        popups would take more (long notes, many claims) are drawn as cells too, so the page
        stays under ~3 MB whatever the events say.
    draw
        "auto" (the level of detail above) or "heat": a heatmap of the events, weighted by
        their number in 8 px cells at ``zoom`` (``geo.heatmap``), drawn by Leaflet.heat (inlined
        like Leaflet); the ``selected`` event is drawn over it as a marker.
    """
    if draw not in DRAW_MODES:
        raise ValueError(f"draw must be one of {DRAW_MODES}, not {draw!r}")
    if color_by not in COLOR_MODES:
        raise ValueError(f"color_by must be one of {COLOR_MODES}, not {color_by!r}")
    if basemap not in BASEMAPS:
        raise ValueError(f"basemap must be one of {tuple(BASEMAPS)}, not {basemap!r}")
    if prefer_canvas is None:  # many markers: a canvas. Cells are few, and drawn as SVG regardless
        prefer_canvas = 1000 < len(events) <= max_markers
    center = center or DEFAULT_CENTER
    m = folium.Map(
        location=list(center),
        zoom_start=DEFAULT_ZOOM if zoom is None else zoom,
        tiles=None,
        prefer_canvas=prefer_canvas,
        control_scale=True,
        min_zoom=2,
        max_zoom=18,
        world_copy_jump=True,
    )
    tile = BASEMAPS[basemap]
    if tile:
        folium.TileLayer(tiles=tile["tiles"], attr=tile["attr"], name=tile["name"], overlay=False,
                         control=False).add_to(m)
    shown = set(LAYER_ORDER if visible_layers is None else visible_layers)
    for key in LAYER_ORDER:
        if key in layers:
            # the countries layer is the land itself when there is no tile basemap
            _boundary_layer(key, layers[key], show=key in shown).add_to(m)

    if shade_regions and "admin1" in layers:
        region_layer(events, layers).add_to(m)
    if border_km is not None and "algeria_border" in layers:
        border_layer(layers, border_km).add_to(m)
    aggregated = draw == "heat" or len(events) > max_markers
    markers = None
    if not aggregated:
        markers = _markers_layer(events, claims, color_by, figure, selected)
        # long texts (notes, claims) can make a few thousand popups heavy: past the budget, cells
        aggregated = markers.payload_bytes > max_marker_bytes
    # rings around thousands of aggregated events would hide the cells (the layer caps them anyway)
    rings = uncertainty_layer(events) if uncertainty and not aggregated else None
    if rings is not None:
        rings.add_to(m)
    if color_by == "side":
        present = {actor_side(a) for a in pd.unique(events["actor1"].fillna("").astype(object))}
    else:
        present = set(pd.unique(events["event_type"]))
    cells = heat = None
    if draw == "heat":
        group = folium.FeatureGroup(name=EVENTS_LAYER_NAME, show=True)
        layer, _ = heat_layer(events, DEFAULT_ZOOM if zoom is None else zoom, center)
        layer.add_to(group)
        heat = layer.scale
    elif aggregated:
        group = cells_layer(events, DEFAULT_ZOOM if zoom is None else zoom, center, by=color_by,
                            name=EVENTS_LAYER_NAME)
        cells = cell_summary(next(iter(group._children.values())))[1]
    if aggregated:
        if selected is not None:  # the linked event is drawn on top of the cells, its popup open
            one = events.iloc[np.flatnonzero(events["event_id"].to_numpy() == selected)[:1]]
            if len(one):
                _markers_layer(one, claims, color_by, figure, selected).add_to(group)
    else:
        group = folium.FeatureGroup(name=EVENTS_LAYER_NAME, show=True)
        markers.add_to(group)
    group.add_to(m)
    if layer_control:
        folium.LayerControl(collapsed=True).add_to(m)
    lines = [NATURAL_EARTH_ATTRIBUTION.split(".")[0]]
    if attribution:
        lines.append(esc(attribution))
    _Script(_LEGEND_JS, {
        "html": _legend_html(color_by, present, len(events), figure, _disputed_count(events, claims), cells,
                             heat),
        "attribution": lines,
        "css": _POPUP_CSS,
    }).add_to(m)
    if offline:
        make_offline(m)
    return m
