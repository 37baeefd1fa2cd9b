"""Place names on the interactive map, drawn by the browser for the zoom and the view.

The candidates come from ``geo.places.labels.place_labels`` (countries, regions, towns, the events'
places), most important first; a country may come twice (its middle, then its part near the data) and
is named once, at the first that fits. At each zoom and pan, after a filter changes what the map draws, and
when the legend moves or folds, the browser places them in that order; a name is placed only where
its whole box lies inside the map's frame (a country's or region's name is moved inward to fit) and
where it covers none of these: a name already placed, a circle of the events drawn (markers, cells,
the rings of events held by several data sets: those in view, found through the map's own layers),
a control of the map (the legend, the zoom buttons, the scale, the attribution). A town's or an event
place's name goes to the right of its point, else to its left, above or below it, clear of the
circles drawn there. Names are set as text (never as HTML) and carry a white halo to read over any
basemap, and let clicks through to the events.
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
.place-label .dot.after { margin: 0 0 1px 4px; }
.place-label.pl-country { color: #444; font-size: 13px; letter-spacing: .12em; text-transform: uppercase; }
.place-label.pl-region { color: #4a4a4a; font-style: italic; letter-spacing: .04em; }
.place-label.pl-place { font-weight: 600; }
"""

#: The browser's placing of the names (see the module's doc); ``data`` rows are [name, lat, lon, kind, min_zoom].
LABELS_JS = """
var pane = map.getPane('labels') || map.createPane('labels'); pane.style.zIndex = 450;
pane.classList.add('leaflet-labels-pane');
var layer = L.layerGroup().addTo(map), ctx = document.createElement('canvas').getContext('2d');
// each kind's font and letter spacing (px), as LABEL_CSS sets them: the box measured is the box drawn
var FONTS = {country: ['13px', 1.56], region: ['italic 12px', 0.48], place: ['600 12px', 0], town: ['12px', 0]};
var H = 15, DOT = 11, CELL = 64;
function measure(d) {
  if (d.w === undefined) {
    var f = FONTS[d[3]] || FONTS.town, t = d[3] === 'country' ? d[0].toUpperCase() : d[0];
    ctx.font = f[0] + ' system-ui, sans-serif';
    d.w = Math.ceil(ctx.measureText(t).width + f[1] * t.length) + 2 + (d[3] === 'town' ? DOT : 0);
  }
  return d.w;
}
// boxes [x0, y0, x1, y1] (container pixels) in a grid of CELL px, for cheap overlap tests
function Grid() { this.cells = {}; }
Grid.prototype.each = function (b, fn) {
  for (var gx = Math.floor(b[0] / CELL); gx <= Math.floor(b[2] / CELL); gx++) {
    for (var gy = Math.floor(b[1] / CELL); gy <= Math.floor(b[3] / CELL); gy++) {
      if (fn(gx + ',' + gy) === true) { return true; }
    }
  }
  return false;
};
Grid.prototype.add = function (b) {
  var cells = this.cells; this.each(b, function (k) { (cells[k] || (cells[k] = [])).push(b); });
};
Grid.prototype.hits = function (b) {
  var cells = this.cells;
  return this.each(b, function (k) {
    var list = cells[k] || [];
    for (var i = 0; i < list.length; i++) {
      var o = list[i];
      if (b[0] < o[2] && b[2] > o[0] && b[1] < o[3] && b[3] > o[1]) { return true; }
    }
  });
};
// the events' circles the map draws (markers, cells, data-set rings), kept as the map adds and removes them
var circles = {}, CIRCLE = /(^|\\s)(event-(?:marker|cell)|dataset-ring)(\\s|$)/;
function track(l) {
  if (l instanceof L.CircleMarker && !(l instanceof L.Circle) && CIRCLE.test(l.options.className || '')) {
    circles[L.stamp(l)] = l; return true;
  }
  return false;
}
map.eachLayer(track);
function obstacles(size) {
  var grid = new Grid();
  for (var id in circles) {
    var l = circles[id];
    if (!l._map) { continue; }
    var p = map.latLngToContainerPoint(l.getLatLng());
    var r = (l._radius || l.options.radius || 0) + (l.options.stroke === false ? 0 : (l.options.weight || 0) / 2) + 1;
    if (p.x + r < 0 || p.y + r < 0 || p.x - r > size.x || p.y - r > size.y) { continue; }
    grid.add([p.x - r, p.y - r, p.x + r, p.y + r, p.x, p.y, r]);
  }
  var c = map.getContainer(), cr = c.getBoundingClientRect(), els = c.querySelectorAll('.leaflet-control');
  for (var i = 0; i < els.length; i++) {
    var b = els[i].getBoundingClientRect();
    if (b.width && b.height) { grid.add([b.left - cr.left - 2, b.top - cr.top - 2, b.right - cr.left + 2, b.bottom - cr.top + 2]); }
  }
  return grid;
}
// how far from p the circles drawn over p reach (a place's own circles): its name goes beyond them
function reach(grid, p) {
  var far = 0;
  grid.each([p.x, p.y, p.x, p.y], function (k) {
    var list = grid.cells[k] || [];
    for (var i = 0; i < list.length; i++) {
      var o = list[i];
      if (o.length > 4) { var dd = Math.sqrt((o[4] - p.x) * (o[4] - p.x) + (o[5] - p.y) * (o[5] - p.y));
        if (dd <= o[6] + 2) { far = Math.max(far, dd + o[6]); } }
    }
  });
  return far;
}
// where a name may go: [x0, y0, dot after the text]
function spots(d, p, w, grid, size) {
  if (d[3] === 'town') { return [[p.x - 5, p.y - H / 2, false], [p.x - w + 5, p.y - H / 2, true]]; }
  if (d[3] === 'place') {
    var g = Math.max(6, reach(grid, p) + 3);
    var k = g;  // then diagonally, clear of the circles' square
    return [[p.x + g, p.y - H / 2], [p.x - g - w, p.y - H / 2], [p.x - w / 2, p.y - g - H], [p.x - w / 2, p.y + g],
            [p.x + k, p.y - k - H], [p.x + k, p.y + k], [p.x - k - w, p.y - k - H], [p.x - k - w, p.y + k]];
  }
  // a country's or region's name, centred on its point: moved inward (by up to half its width) to fit
  var x0 = p.x - w / 2, y0 = p.y - H / 2;
  x0 = Math.min(Math.max(x0, 1), size.x - 1 - w);
  y0 = Math.min(Math.max(y0, 1), size.y - 1 - H);
  if (Math.abs(x0 - (p.x - w / 2)) > w / 2 || Math.abs(y0 - (p.y - H / 2)) > H) { return []; }
  return [[x0, y0], [x0, y0 - H - 2], [x0, y0 + H + 2]];
}
function draw() {
  layer.clearLayers();
  var z = map.getZoom(), size = map.getSize(), shown = 0;
  if (!(size.x > 0 && size.y > 0)) { return; }
  var grid = obstacles(size), names = new Grid(), named = {};
  for (var i = 0; i < data.length && shown < maxShown; i++) {
    var d = data[i];
    if (d[4] > z || (d[3] === 'country' && named[d[0]])) { continue; }
    var p = map.latLngToContainerPoint([d[1], d[2]]), w = measure(d);
    if (p.x < -w || p.y < -2 * H || p.x > size.x + w || p.y > size.y + 2 * H) { continue; }
    var options = spots(d, p, w, grid, size), spot = null, box = null;
    for (var j = 0; j < options.length && !spot; j++) {
      var s = options[j], text = [s[0], s[1], s[0] + w, s[1] + H];
      if (text[0] < 1 || text[1] < 1 || text[2] > size.x - 1 || text[3] > size.y - 1) { continue; }
      var pad = [text[0] - 2, text[1] - 1, text[2] + 2, text[3] + 1];
      if (names.hits(pad) || grid.hits(text)) { continue; }
      spot = s; box = pad;
    }
    if (!spot) { continue; }
    names.add(box); shown++;
    if (d[3] === 'country') { named[d[0]] = true; }  // a town of the same name leaves it named
    var el = document.createElement('span'), dot = null;
    if (d[3] === 'town') { dot = document.createElement('span'); dot.className = spot[2] ? 'dot after' : 'dot'; }
    if (dot && !spot[2]) { el.appendChild(dot); }
    el.appendChild(document.createTextNode(d[0]));
    if (dot && spot[2]) { el.appendChild(dot); }
    L.marker([d[1], d[2]], {pane: 'labels', interactive: false, keyboard: false,
      icon: L.divIcon({className: 'place-label pl-' + d[3], html: el, iconSize: [w, H],
        iconAnchor: [p.x - spot[0], p.y - spot[1]]})}).addTo(layer);
  }
}
// once per turn of the browser, however many events asked for it (a filter adds thousands of circles)
var pending = false;
function later() { if (!pending) { pending = true; setTimeout(function () { pending = false; draw(); }, 0); } }
map.on('layeradd', function (e) { if (track(e.layer)) { later(); } });
map.on('layerremove', function (e) { var id = L.stamp(e.layer); if (circles[id]) { delete circles[id]; later(); } });
map.on('zoomend moveend resize geolegend', later);
map.whenReady(later);
"""


class PlaceLabels(ScriptElement):
    """The place names of a map (see the module's doc); ``labels`` is ``place_labels``' frame."""

    _template = Template(
        "{% macro header(this, kwargs) %}<style>" + LABEL_CSS + "</style>{% endmacro %}"
        "{% macro script(this, kwargs) %}"
        "(function (map, data, maxShown) { {{ this.code }} })"
        "({{ this._parent.get_name() }}, {{ this.data }}, {{ this.max_shown }});"
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
        self.code = LABELS_JS
        self.max_shown = int(max_shown)


__all__ = ["LABELS_JS", "LABEL_CSS", "MAX_SHOWN", "PlaceLabels"]
