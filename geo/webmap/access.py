"""The interactive map for keyboard and screen-reader users.

- The map's container is a named region (``role="region"``, "Map of conflict events") described by
  a visually hidden text of what it shows (``geo.a11y.describe.map_description``): a screen reader
  entering the map hears how many events, the filters, the types and the top places. The text is
  a layer of the content group, so it changes with the events it describes.
- Leaflet's keyboard handling stays on (the container takes the focus; arrows pan, +/- zoom).
- Boundary and region shapes (which Chromium would put in the tab order, unnamed, for their tooltips)
  leave it; the map's cells are buttons that zoom in.
- Markers drawn as SVG are buttons in the tab order, named by their tooltip; Enter or Space opens
  the popup exactly as a click does (``geo.webmap.markers``), and the popup is a labelled dialog
  that takes the focus; Escape closes it and gives the focus back to its marker.
- A visible focus ring (``ACCESS_CSS``) on the map, the markers, the controls and the links.
"""

from __future__ import annotations

from folium.template import Template

from .scripting import ScriptElement, js_json
from ..i18n import N_, _

#: The focus ring's colour: 7.1:1 against white, 5.5:1 against the offline map's sea (#d7e3ec).
FOCUS_COLOR = "#0b57d0"
MAP_LABEL = N_("Map of conflict events")

ACCESS_CSS = f"""
.geo-sr-only {{ position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }}
.leaflet-container:focus-visible {{ outline: 3px solid {FOCUS_COLOR}; outline-offset: -3px; }}
.leaflet-container path.event-marker:focus {{ outline: none; }}
.leaflet-container path.event-marker:focus-visible {{ stroke: {FOCUS_COLOR}; stroke-width: 4px;
  stroke-dasharray: none; outline: 2px solid {FOCUS_COLOR}; outline-offset: 2px; }}
.leaflet-container a:focus-visible, .leaflet-popup:focus-visible, .leaflet-popup-content-wrapper:focus-visible {{
  outline: 3px solid {FOCUS_COLOR}; outline-offset: 1px; }}
"""

_DESCRIPTION_JS = """
var Description = L.Layer.extend({
  onAdd: function (map) {
    var box = map.getContainer();
    if (!document.getElementById('geo-access-css')) {
      var style = document.createElement('style'); style.id = 'geo-access-css'; style.textContent = args.css;
      document.head.appendChild(style);
    }
    box.setAttribute('role', 'region');
    box.setAttribute('aria-label', args.label);
    box.setAttribute('aria-roledescription', 'map');
    var text = document.getElementById('geo-map-description');
    if (!text) {
      text = document.createElement('p'); text.id = 'geo-map-description'; text.className = 'geo-sr-only';
      box.appendChild(text);
    }
    text.textContent = args.text;
    box.setAttribute('aria-describedby', 'geo-map-description');
    if (map.keyboard && !map.keyboard.enabled()) { map.keyboard.enable(); }
    if (!map._geoUntab) {
      // Chromium puts every SVG shape with a focus listener (any with a tooltip: each country and
      // region) in the tab order, unnamed: hundreds of stops before the events. Those shapes leave it;
      // the events and cells, which set their own tabindex, stay.
      map._geoUntab = function (layer) {
        var el = layer instanceof L.Path && layer.getElement && layer.getElement();
        if (el && !el.hasAttribute('tabindex')) { el.setAttribute('tabindex', '-1'); }
      };
      map.on('layeradd', function (e) { var l = e.layer; setTimeout(function () { map._geoUntab(l); }, 0); });
    }
    map.eachLayer(map._geoUntab);
  },
  onRemove: function (map) {}
});
parent.addLayer(new Description());
"""


class MapDescription(ScriptElement):
    """The map's name and its text alternative (``text``: plain text, see ``geo.a11y.describe``), added to
    the parent (a map or a FeatureGroup) as a layer: the container becomes a named region described
    by the text, which the next content group replaces."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function(parent, args){ {{ this.code }} })({{ this._parent.get_name() }}, {{ this.args }});"
        "{% endmacro %}"
    )

    def __init__(self, text: str, label: str = MAP_LABEL):
        super().__init__()
        self._name = "MapDescription"
        self.text = text
        self.code = _DESCRIPTION_JS
        self.args = js_json({"text": text, "label": _(label), "css": ACCESS_CSS})


__all__ = ["ACCESS_CSS", "FOCUS_COLOR", "MAP_LABEL", "MapDescription"]
