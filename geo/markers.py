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
import re

from branca.element import MacroElement
from folium.template import Template

#: The markers' rows may take this many bytes of the page; past it the map counts the events into
#: cells instead (``geo.maps.build_map``), so that long notes cannot make the page heavy.
MAX_MARKER_BYTES = 2_400_000

_UNSAFE = re.compile(r"</|<!--|<script", re.IGNORECASE)


def script_json(value) -> str:
    """JSON that can be pasted into a ``<script>`` element and read back unchanged by JavaScript.

    The HTML parser ends a script at ``</script`` and treats ``<!--`` and ``<script`` in it
    specially; each such ``<`` is written ``\\u003c`` (``</`` as ``<\\/``), which JSON and JavaScript
    read back as the same text. The line separators U+2028/2029, not allowed raw in older
    JavaScript strings, are escaped too. Everything else, including the ``<`` and ``>`` of HTML in
    popups, stays as it is (half the bytes of escaping every ``<``).
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    text = _UNSAFE.sub(lambda m: "<\\/" if m.group(0) == "</" else "\\u003c" + m.group(0)[1:], text)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


_MARKERS_JS = """
var styles = args.styles, rows = args.rows, selected = args.selected;
function openQuietly(layer) {
  // the linked event opens without panning: the link's centre and zoom win
  setTimeout(function () { var p = layer.getPopup(); p.options.autoPan = false; layer.openPopup();
    p.options.autoPan = true; }, 0);
}
for (var i = 0; i < rows.length; i++) {
  var r = rows[i];  // [lon, lat, style, popup, tooltip, event_id]
  var layer = L.circleMarker([r[1], r[0]], styles[r[2]]);
  layer.feature = {type: 'Feature', properties: {event_id: r[5]}};
  layer.bindPopup(r[3], {maxWidth: 420, maxHeight: 360});
  layer.bindTooltip(r[4]);
  if (selected !== null && r[5] === selected) {
    layer.on('add', (function (l) { return function () { openQuietly(l); }; })(layer));
  }
  group.addLayer(layer);
}
"""


class EventMarkers(MacroElement):
    """The events of a FeatureCollection from ``geo.maps.events_geojson``, drawn into the parent
    FeatureGroup as circle markers (canvas or SVG, as the map prefers) with popups and tooltips.

    ``data`` keeps the FeatureCollection for callers and tests; ``payload_bytes`` is what the
    markers add to the page.
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function(group, args){ {{ this.code }} })({{ this._parent.get_name() }}, {{ this.args }});"
        "{% endmacro %}"
    )

    def __init__(self, data: dict, selected: str | None = None):
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
        self.args = script_json({"styles": table, "rows": rows, "selected": selected})
        self.payload_bytes = len(self.args.encode("utf-8"))


__all__ = ["EventMarkers", "MAX_MARKER_BYTES", "script_json"]
