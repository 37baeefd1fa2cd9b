"""Event markers on the interactive map: one circle per event with its popup and tooltip, drawn by
one small script from compact rows.

folium's ``GeoJson`` layer, the obvious tool, costs twice over at a few thousand events: it keeps
every feature's style in the page twice (in the data and in a style function switching on every
event id) and writes each ``<`` and ``>`` of the popups' HTML as a six-character ``\\u003c``. Here
a feature is a row ``[lon, lat, style, popup, tooltip, event_id]``, the styles are a table of the
few distinct ones, and the JSON is made safe for a ``<script>`` element by breaking only the
sequences that could end or confuse it (``</``, ``<!--``, ``<script``): the page of 3,000 events is
about half the size, and ``MAX_MARKER_BYTES`` bounds it whatever the events' text.
"""

from __future__ import annotations

import json

from folium.template import Template

from .inview import KEEPER_JS
from .scripting import ScriptElement, script_json
from ..i18n import _
from ..styles import esc

#: The markers' rows may take this many bytes of the page; past it the map counts the events into
#: cells instead (``geo.webmap.maps.build_map``), so that long notes cannot make the page heavy.
MAX_MARKER_BYTES = 2_400_000

_MARKERS_JS = KEEPER_JS + """
var styles = args.styles, rows = args.rows, selected = args.selected;
if (args.canvas) {
  // a canvas of their own, taken off the map with the markers (a group replaced in an open map
  // must not leave an empty canvas behind to be redrawn at every move)
  var renderer = L.canvas({padding: 0.5});
  styles = styles.map(function (s) { return Object.assign({renderer: renderer}, s); });
  group.on('remove', function () { if (renderer._map) { renderer.remove(); } });
}
// the popup's content, made when it opens: the full details, or on a narrow frame (a phone) a short
// popup whose details show below the map. An element (not a string), so that streamlit-folium reads
// its text (the event id, last line) when the marker is clicked.
function content(layer, r) {
  var div = document.createElement('div');
  if (layer._map && window.geoKeeper(layer._map).narrow()) {
    div.className = 'ev-popup ev-short';
    div.innerHTML = "<div class='ev-title'>" + r[4] + "</div><div class='muted'>" + args.below + "</div>";
    var id = document.createElement('div');  // the last line, as in the full popup: the event id
    id.className = 'muted'; id.textContent = r[5];
    div.appendChild(id);
  } else {
    div.innerHTML = r[3];
  }
  return div;
}
// the popup gets its content each time it opens: on a click before Leaflet opens it (so that
// streamlit-folium, which reads it on the click, finds the text), or when opened otherwise
function fill(layer) { layer.getPopup().setContent(content(layer, layer._row)); }
function onOpen(e) {
  var l = e.target;
  if (typeof l.getPopup().getContent() === 'string') { fill(l); }
  if (l._map) { window.geoKeeper(l._map).fit(l); }
}
function openInView(layer) {
  // the linked event opens with its whole popup in the frame, kept there through the page's setView
  setTimeout(function () {
    if (!layer._map) { return; }
    var k = window.geoKeeper(layer._map);
    fill(layer);
    layer.openPopup();
    k.target = layer;
    k.apply();
  }, 0);
}
function onClick(e) { fill(e.target); }
function onAdd(e) { openInView(e.target); }
function plain(html) {  // the tooltip's escaped HTML as text (a textarea never runs what it holds)
  var t = document.createElement('textarea'); t.innerHTML = html; return t.value;
}
function reachable(layer, name) {
  // an SVG marker is a button in the tab order: Enter or Space does what a click does (the popup
  // opens and the dashboard hears of it); the popup is a dialog that takes the focus, and gives it
  // back to its marker when it closes. Canvas markers cannot take the focus: the dashboard lists
  // every event in a list that opens the same panel.
  layer.on('add', function () {
    var el = layer.getElement && layer.getElement();
    if (!el) { return; }
    el.setAttribute('tabindex', '0');
    el.setAttribute('role', 'button');
    el.setAttribute('aria-label', name);
    el.setAttribute('aria-haspopup', 'dialog');
    L.DomEvent.on(el, 'keydown', function (e) {
      if (e.key === 'Enter' || e.key === ' ' || e.key === 'Spacebar') {
        L.DomEvent.preventDefault(e);
        L.DomEvent.stopPropagation(e);
        layer._geoKeyboard = true;
        layer.fire('click', {latlng: layer.getLatLng(), originalEvent: e}, true);
      }
    });
  });
  layer.on('popupopen', function (e) {
    var box = e.popup.getElement();
    if (!box) { return; }
    var title = box.querySelector('.ev-title');
    box.setAttribute('role', 'dialog');
    box.setAttribute('aria-label', title ? title.textContent : name);
    box.setAttribute('tabindex', '-1');
    if (!box._geoEscape) {  // Leaflet closes on Escape only while the map itself has the focus
      box._geoEscape = true;
      L.DomEvent.on(box, 'keydown', function (k) {
        if (k.key === 'Escape' || k.key === 'Esc') { L.DomEvent.stopPropagation(k); layer.closePopup(); }
      });
    }
    if (layer._geoKeyboard) { layer._geoKeyboard = false; box.focus({preventScroll: true}); }
  });
  layer.on('popupclose', function () {
    var el = layer.getElement && layer.getElement();
    var active = document.activeElement;
    if (el && (!active || active === document.body || (active.closest && active.closest('.leaflet-popup')))) {
      el.focus({preventScroll: true});
    }
  });
}
for (var i = 0; i < rows.length; i++) {
  var r = rows[i];  // [lon, lat, style, popup, tooltip, event_id]
  var layer = L.circleMarker([r[1], r[0]], styles[r[2]]);
  layer.feature = {type: 'Feature', properties: {event_id: r[5]}};
  layer._row = r;
  layer.on('click', onClick);  // before bindPopup: runs before Leaflet opens the popup on the same click
  layer.bindPopup('', {maxWidth: 420, maxHeight: 360, autoPan: false});
  layer.on('popupopen', onOpen);
  layer.bindTooltip(r[4]);
  if (!args.canvas) { reachable(layer, plain(r[4])); }
  if (selected !== null && r[5] === selected) { layer.on('add', onAdd); }
  group.addLayer(layer);
}
"""


class EventMarkers(ScriptElement):
    """The events of a FeatureCollection from ``geo.webmap.maps.events_geojson``, drawn into the parent
    FeatureGroup as circle markers with popups and tooltips: on a canvas of their own if ``canvas``
    (thousands of markers), else as SVG paths (class ``event-marker``).

    ``data`` keeps the FeatureCollection for callers and tests; ``payload_bytes`` is what the
    markers add to the page.
    """

    _read_only = ("data",)
    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function(group, args){ {{ this.code }} })({{ this._parent.get_name() }}, {{ this.args }});"
        "{% endmacro %}"
    )

    def __init__(self, data: dict, selected: str | None = None, *, canvas: bool = False):
        super().__init__()
        self._name = "EventMarkers"
        self.data = data
        styles: dict[str, int] = {}
        table: list[dict] = []
        rows = []
        for f in data["features"]:
            p = f["properties"]
            key = json.dumps(p["_style"], sort_keys=True)
            if key not in styles:
                styles[key] = len(table)
                table.append(p["_style"])
            lon, lat = f["geometry"]["coordinates"]
            rows.append([round(lon, 6), round(lat, 6), styles[key], p["_popup"], p["_tip"], p["event_id"]])
        self.code = _MARKERS_JS
        self.args = script_json({"styles": table, "rows": rows, "selected": selected, "canvas": canvas,
                                 "below": esc(_("Details below the map."))})
        self.payload_bytes = len(self.args.encode("utf-8"))


__all__ = ["EventMarkers", "MAX_MARKER_BYTES", "script_json"]
