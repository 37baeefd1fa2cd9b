"""The interactive map: boundary layers, event markers with popups, and a legend."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

import folium
import geopandas as gpd
import pandas as pd
from branca.element import MacroElement
from folium.template import Template
from folium.utilities import JsCode

from .assets import make_offline
from .events import claims_for, split_list
from .layers import LAYER_ORDER, LAYERS, NATURAL_EARTH_ATTRIBUTION
from .styles import (
    COLOR_MODES,
    GEO_PRECISION_TEXT,
    TIME_PRECISION_TEXT,
    actor_side,
    esc,
    event_color,
    legend_items,
    marker_radius,
    safe_link,
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


def _fmt_date(value, precision) -> str:
    if pd.isna(value):
        return "date unknown"
    ts = pd.Timestamp(value)
    text = ts.strftime("%B %Y") if precision == 3 else ts.strftime("%-d %B %Y")
    return f"{text} ({TIME_PRECISION_TEXT.get(int(precision), 'precision unknown')})"


def _side_html(actor, assoc) -> str:
    names = [esc(actor)] if str(actor or "").strip() else []
    names += [esc(a) for a in split_list(assoc or "")]
    return "<br>".join(names) if names else "<i>none named</i>"


def _num(value) -> str:
    return "–" if pd.isna(value) else f"{int(value):,}"


def _losses(c) -> str:
    parts = [f"{int(c[k]):,} {k}" for k in ("killed", "wounded", "captured") if not pd.isna(c[k])]
    return ", ".join(parts) if parts else "no figure given"


def claims_html(claims: pd.DataFrame) -> str:
    """The claims about one event as an HTML table, side by side: who, when, where reported, what.

    One row per statement (a claimant's words on one day in one outlet); its
    lines give the losses claimed for each side.
    """
    if claims.empty:
        return ""
    rows = []
    keys = ["claimant", "claim_date", "source"]
    for (claimant, when, source), group in claims.groupby(keys, sort=False, dropna=False):
        date = "date unknown" if pd.isna(when) else pd.Timestamp(when).strftime("%-d %b %Y")
        urls = []
        for u in group.get("source_url", pd.Series(dtype=object)).fillna(""):
            urls += [x for x in split_list(u) if x not in urls]
        links = " ".join(safe_link(u) for u in urls)
        what = "<br>".join(f"{esc(c['side'])}: {esc(_losses(c))}" for _, c in group.iterrows())
        said = "".join(
            f"<div class='stmt'>{esc(t)}</div>" for t in dict.fromkeys(group.get("statement", [])) if t
        )
        rows.append(
            f"<tr><td><b>{esc(claimant)}</b><div class='src'>{esc(date)} · {esc(source)} {links}</div></td>"
            f"<td>{what}{said}</td></tr>"
        )
    return (
        "<div class='claims'><b>Claims</b><table><tr><th>Who says (when, where)</th><th>What they claim</th></tr>"
        + "".join(rows) + "</table></div>"
    )


def _same_place_html(others: list[Mapping]) -> str:
    if not others:
        return ""
    items = "".join(
        f"<li>{esc(pd.Timestamp(o['event_date']).strftime('%-d %b %Y'))} · {esc(o['event_type'])} · "
        f"{int(o['fatalities']):,} killed</li>"
        for o in others
    )
    return (f"<div class='same-place'><b>Also at this place</b> ({len(others)}; larger circles lie "
            f"beneath smaller ones):<ul>{items}</ul></div>")


def popup_html(event: Mapping, claims: pd.DataFrame | None = None,
               same_place: list[Mapping] | None = None) -> str:
    """The popup of one event: what, when, where, who, how many, who claims what, sources.

    Every piece of data text is escaped; links are made only of http(s) URLs.
    """
    title = esc(event["event_type"])
    if str(event.get("sub_event_type") or "").strip():
        title += f" · {esc(event['sub_event_type'])}"
    place = esc(event["location"])
    if str(event.get("admin1") or "").strip():
        place += f", {esc(event['admin1'])}"
    precision = GEO_PRECISION_TEXT.get(int(event.get("geo_precision") or 1), "")
    urls = split_list(event.get("source_url") or "")
    sources = esc(event.get("source") or "not given")
    if urls:
        sources += " · " + " ".join(safe_link(u) for u in urls)
    own_claims = claims_for(claims, event["event_id"]) if claims is not None else pd.DataFrame()
    fatalities = int(event["fatalities"])
    return (
        "<div class='ev-popup'>"
        f"<div class='ev-title'>{title}</div>"
        f"<div>{esc(_fmt_date(event['event_date'], int(event.get('time_precision') or 1)))}</div>"
        f"<div>{place} <span class='muted'>({esc(precision)})</span></div>"
        "<table class='sides'><tr><th>Side A</th><th>Side B</th></tr>"
        f"<tr><td>{_side_html(event['actor1'], event.get('assoc_actor_1'))}</td>"
        f"<td>{_side_html(event.get('actor2'), event.get('assoc_actor_2'))}</td></tr></table>"
        f"<div><b>Fatalities</b> (conservative): {fatalities:,}"
        + (f" <span class='muted'>· {len(own_claims)} claim(s) below</span>" if len(own_claims) else "")
        + "</div>"
        + claims_html(own_claims)
        + (f"<div class='notes'>{esc(event['notes'])}</div>" if str(event.get("notes") or "").strip() else "")
        + f"<div class='sources'><b>Sources</b>: {sources}</div>"
        + _same_place_html(same_place or [])
        + f"<div class='muted'>{esc(event['event_id'])}</div>"
        "</div>"
    )


def tooltip_text(event: Mapping) -> str:
    """One line for hovering: date, place, type, fatalities (escaped HTML)."""
    date = pd.Timestamp(event["event_date"]).strftime("%-d %b %Y")
    return esc(f"{date} · {event['location']} · {event['event_type']} · {int(event['fatalities'])} killed")


_POPUP_CSS = """
.leaflet-container { background: #d7e3ec; font: 13px/1.35 system-ui, sans-serif; }
.ev-popup { max-width: 400px; }
.ev-popup .ev-title { font-weight: 600; font-size: 14px; margin-bottom: 2px; }
.ev-popup table { border-collapse: collapse; width: 100%; margin: 4px 0; }
.ev-popup th, .ev-popup td { border-bottom: 1px solid #ddd; padding: 2px 4px; text-align: left; vertical-align: top; }
.ev-popup .muted, .ev-popup .src { color: #666; font-size: 11px; }
.ev-popup .stmt { font-size: 11px; font-style: italic; }
.ev-popup .notes { margin: 4px 0; }
.ev-popup .same-place { font-size: 12px; margin-top: 4px; }
.ev-popup .same-place ul { margin: 2px 0 0 16px; padding: 0; }
.map-legend { background: rgba(255,255,255,.92); padding: 6px 8px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); line-height: 1.5; }
.map-legend i { display: inline-block; width: 11px; height: 11px; border-radius: 50%;
  margin-right: 5px; vertical-align: -1px; border: 1px solid #333; }
.map-legend .size { color: #555; font-size: 11px; }
"""


def _legend_html(mode: str, present: set[str], count: int, title: str | None) -> str:
    head = esc(title) if title else ("Event type" if mode == "event_type" else "Initiator's side")
    rows = "".join(
        f"<div><i style='background:{color}'></i>{esc(label)}</div>" for label, color in legend_items(mode, present)
    )
    return (
        f"<div><b>{head}</b></div>{rows}"
        f"<div class='size'>Circle area ∝ fatalities · {count:,} event(s)</div>"
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


def events_geojson(events: gpd.GeoDataFrame, claims: pd.DataFrame | None, color_by: str) -> dict:
    """The events as a GeoJSON FeatureCollection carrying their popup, tooltip and style.

    Features come largest first, so that a small circle is drawn over (and can be
    clicked on top of) a large one at the same place; each popup lists the other
    events at its exact place.
    """
    order = events.sort_values(["fatalities", "event_date"], ascending=[False, True], kind="stable")
    places: dict[tuple[float, float], list] = {}
    for _, ev in order.iterrows():
        places.setdefault((float(ev["latitude"]), float(ev["longitude"])), []).append(ev)
    features = []
    for _, ev in order.iterrows():
        here = places[(float(ev["latitude"]), float(ev["longitude"]))]
        others = [o for o in here if o["event_id"] != ev["event_id"]]
        n_claims = 0 if claims is None else int((claims["event_id"] == ev["event_id"]).sum())
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(ev["longitude"]), float(ev["latitude"])]},
            "properties": {
                "event_id": str(ev["event_id"]),
                "_popup": popup_html(ev, claims, others),
                "_tip": tooltip_text(ev),
                "_style": {
                    "radius": marker_radius(ev["fatalities"]),
                    "fillColor": event_color(ev, color_by),
                    "color": "#222" if n_claims else "#ffffff",
                    "weight": 2 if n_claims else 1,
                    "fill": True,
                    "fillOpacity": 0.8,
                    "opacity": 1.0,
                    "className": "event-marker",
                },
            },
        })
    return {"type": "FeatureCollection", "features": features}


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
    offline
        Load Leaflet from the installed package instead of a CDN (default).
    """
    if color_by not in COLOR_MODES:
        raise ValueError(f"color_by must be one of {COLOR_MODES}, not {color_by!r}")
    if basemap not in BASEMAPS:
        raise ValueError(f"basemap must be one of {tuple(BASEMAPS)}, not {basemap!r}")
    if prefer_canvas is None:
        prefer_canvas = len(events) > 1000
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

    group = folium.FeatureGroup(name=EVENTS_LAYER_NAME, show=True)
    if color_by == "side":
        present = {actor_side(a) for a in events["actor1"]}
    else:
        present = set(events["event_type"])
    selected_js = js_json(selected)
    folium.GeoJson(
        events_geojson(events, claims, color_by),
        name="event markers",
        marker=folium.CircleMarker(),
        style_function=lambda f: f["properties"]["_style"],
        control=False,
        on_each_feature=JsCode(
            "function (f, layer) {"
            " layer.bindPopup(f.properties._popup, {maxWidth: 420, maxHeight: 360});"
            " layer.bindTooltip(f.properties._tip);"
            f" if (f.properties.event_id === {selected_js}) {{"
            # open the linked event without panning: the link's centre and zoom win
            "   layer.on('add', function () { setTimeout(function () {"
            "     var p = layer.getPopup(); p.options.autoPan = false; layer.openPopup();"
            "     p.options.autoPan = true; }, 0); }); }"
            "}"
        ),
    ).add_to(group)
    group.add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    lines = [NATURAL_EARTH_ATTRIBUTION.split(".")[0]]
    if attribution:
        lines.append(esc(attribution))
    _Script(_LEGEND_JS, {
        "html": _legend_html(color_by, present, len(events), None),
        "attribution": lines,
        "css": _POPUP_CSS,
    }).add_to(m)
    if offline:
        make_offline(m)
    return m
