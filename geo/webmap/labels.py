"""Place names on the interactive map, drawn by the browser for the zoom and the view.

The candidates come from ``geo.places.labels.place_labels`` (countries, regions, towns, the events'
places), most important first. At each zoom and pan the browser places them in that order and
skips any whose box would overlap one already placed, so names never cover each other and the
busiest places keep theirs. Names are set as text (never as HTML) and carry a white halo to read
over any basemap. They lie over the events, beside each place (a place with events is marked by
them, other towns by a dot), and let clicks through to the events.
"""

from __future__ import annotations

import pandas as pd
from folium.template import Template

from ..i18n import current_language
from ..places.labels import label_names
from .scripting import ScriptElement, script_json

#: At most this many names at once (a busy view stays readable and cheap to redraw).
MAX_SHOWN = 160

LABEL_CSS = """
.leaflet-labels-pane { pointer-events: none; }
.place-label { white-space: nowrap; color: #222; font: 12px/14px system-ui, sans-serif;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff, 0 0 4px #fff; }
.place-label .dot { display: inline-block; width: 5px; height: 5px; margin: 0 4px 1px 0; border-radius: 50%;
  background: #222; border: 1px solid #fff; vertical-align: middle; }
.place-label.pl-country { color: #444; font-size: 13px; letter-spacing: .12em; text-transform: uppercase; }
.place-label.pl-region { color: #4a4a4a; font-style: italic; letter-spacing: .04em; }
.place-label.pl-place { font-weight: 600; }
"""


class PlaceLabels(ScriptElement):
    """The place names of a map (see the module's doc); ``labels`` is ``place_labels``' frame."""

    _template = Template(
        "{% macro header(this, kwargs) %}<style>" + LABEL_CSS + "</style>{% endmacro %}"
        "{% macro script(this, kwargs) %}"
        "(function (map, data, maxShown) {"
        " var pane = map.getPane('labels') || map.createPane('labels'); pane.style.zIndex = 450;"
        " pane.classList.add('leaflet-labels-pane');"
        " var layer = L.layerGroup().addTo(map), ctx = document.createElement('canvas').getContext('2d');"
        " function measure(d) { if (d.w === undefined) { ctx.font = (d[3] === 'country' ? '13px' : '12px')"
        "  + ' system-ui, sans-serif'; var t = d[3] === 'country' ? d[0].toUpperCase() : d[0];"
        "  d.w = ctx.measureText(t).width * (d[3] === 'country' ? 1.15 : 1.04) + (d[3] === 'town' || d[3] === 'place' ? 11 : 2); }"
        "  return d.w; }"
        " function draw() { layer.clearLayers(); var z = map.getZoom(), size = map.getSize(), placed = [];"
        "  for (var i = 0; i < data.length && placed.length < maxShown; i++) { var d = data[i];"
        "   if (d[4] > z) continue; var p = map.latLngToContainerPoint([d[1], d[2]]);"
        "   if (p.x < -50 || p.y < -20 || p.x > size.x + 50 || p.y > size.y + 20) continue;"
        "   var w = measure(d), h = 15, dot = d[3] === 'town', beside = dot || d[3] === 'place';"
        "   var x0 = dot ? p.x - 5 : (beside ? p.x + 6 : p.x - w / 2), y0 = p.y - h / 2;"
        "   var box = [x0 - 2, y0 - 1, x0 + w + 2, y0 + h + 1];"
        "   var free = true; for (var j = 0; j < placed.length; j++) { var o = placed[j];"
        "    if (box[0] < o[2] && box[2] > o[0] && box[1] < o[3] && box[3] > o[1]) { free = false; break; } }"
        "   if (!free) continue; placed.push(box);"
        "   var el = document.createElement('span'); if (dot) { var s = document.createElement('span');"
        "    s.className = 'dot'; el.appendChild(s); } el.appendChild(document.createTextNode(d[0]));"
        "   L.marker([d[1], d[2]], {pane: 'labels', interactive: false, keyboard: false,"
        "    icon: L.divIcon({className: 'place-label pl-' + d[3], html: el, iconSize: [w, h],"
        "    iconAnchor: beside ? [dot ? 5 : -6, h / 2] : [w / 2, h / 2]})}).addTo(layer); } }"
        " map.on('zoomend moveend', draw); map.whenReady(draw);"
        "})({{ this._parent.get_name() }}, {{ this.data }}, {{ this.max_shown }});"
        "{% endmacro %}"
    )

    def __init__(self, labels: pd.DataFrame, max_shown: int = MAX_SHOWN, *, memo: dict | None = None):
        super().__init__()
        self._name = "PlaceLabels"
        # a data set's labels are written once per language (``memo``, the data set's: names are in the page's
        # language); the entry holds the frame it is of
        found = memo.get(("place labels", id(labels), current_language())) if memo is not None else None
        if found is None or found[0] is not labels:
            rows = [[str(n), round(float(lat), 4), round(float(lon), 4), str(k), int(z)]
                    for n, lat, lon, k, z in zip(label_names(labels), labels["lat"], labels["lon"], labels["kind"],
                                                 labels["min_zoom"])]
            found = (labels, len(rows), script_json(rows))
            if memo is not None:
                memo[("place labels", id(labels), current_language())] = found
        self.count, self.data = found[1], found[2]
        self.max_shown = int(max_shown)


__all__ = ["LABEL_CSS", "MAX_SHOWN", "PlaceLabels"]
