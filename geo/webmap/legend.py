"""The interactive map's legend, attribution and stylesheet, drawn as one Leaflet layer.

The legend is a layer (not a bare control) so that it goes with the events it describes: in the
dashboard the events, the legend and the overlays are one group that is replaced in the mounted
map when a filter changes (``geo.webmap.maps.build_map_content``); removing the group removes its legend
and attribution with it, and the next group brings its own.
"""

from __future__ import annotations

import pandas as pd
from folium.template import Template

from .heatmap import HEAT_GRADIENT
from .inview import NARROW_PX
from .scripting import ScriptElement, js_json
from ..i18n import N_, _, format_number, ngettext
from ..styles import esc, figure_label, legend_items

MAP_CSS = """
.leaflet-container { background: #d7e3ec; font: 13px/1.35 system-ui, sans-serif; }
.ev-popup { max-width: 400px; color: #222; }
.ev-popup .ev-title { font-weight: 600; font-size: 14px; margin-bottom: 2px; }
.ev-popup table { border-collapse: collapse; width: 100%; margin: 4px 0; }
.ev-popup th, .ev-popup td { border-bottom: 1px solid #ddd; padding: 2px 4px; text-align: left; vertical-align: top; }
.ev-popup .muted, .ev-popup .src { color: #595959; font-size: 11px; }
.ev-popup h2.ev-title { margin: 0 0 2px; }
.ev-popup h3 { margin: 0; font-size: inherit; font-weight: 700; display: inline; }
.leaflet-popup-content a { color: #005a7f; }
.leaflet-tooltip { color: #222; }
.leaflet-control-attribution { color: #333; }
.leaflet-control-attribution a { color: #005a7f; }
.ev-popup .stmt { font-size: 11px; font-style: italic; }
.ev-popup .notes { margin: 4px 0; }
.ev-popup .range { margin: 4px 0 2px; }
.ev-popup .disputed { color: #b00020; }
.ev-popup .same-place { font-size: 12px; margin-top: 4px; }
.ev-popup .same-place ul { margin: 2px 0 0 16px; padding: 0; }
.map-legend { color: #222; background: rgba(255,255,255,.92); padding: 6px 8px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); line-height: 1.5; }
.map-legend i { display: inline-block; width: 11px; height: 11px; border-radius: 50%;
  margin-right: 5px; vertical-align: -1px; border: 1px solid #333; }
.map-legend .size { color: #555; font-size: 11px; }
.map-legend { max-width: calc(100vw - 150px); max-height: calc(100vh - 120px); overflow-y: auto; }
.map-legend summary { cursor: pointer; font-weight: 600; }
.ev-popup.ev-short { max-width: 240px; }
/* the attribution wraps in the width the scale bar leaves it, never over it (smaller on a phone) */
.leaflet-control-attribution { max-width: calc(100vw - 140px); }
@media (max-width: 519.98px) { .leaflet-control-attribution { font-size: 9px; line-height: 1.3; } }
.map-legend i.ring { background: #fff; border: 2px dashed #000; }
.map-legend i.held { background: #fff; border: 2.5px solid #5b2a86; }
.map-legend i.held.differ { border: 2.5px dashed #b00020; }
.map-legend i.change { background: #c8c8c8; }
.map-legend i.change-added { border: 3px solid #0072B2; }
.map-legend i.change-revised { border: 3px dashed #D55E00; }
.map-legend i.change-deleted { background: transparent; border: 2.5px solid #333; }
.ev-popup .datasets { margin: 4px 0; }
.ev-popup .ds-table td { border: 1px solid #ddd; min-width: 110px; font-size: 12px; }
.ev-popup .ds-record { border-top: 1px dotted #ccc; padding: 2px 0; }
.ev-popup .ds-figure { margin-top: 2px; }
.ev-popup .claimed { font-size: 11px; }
.dataset-count span { display: inline-block; min-width: 14px; height: 14px; line-height: 14px; border-radius: 7px;
  background: #5b2a86; color: #fff; font: bold 10px/14px system-ui, sans-serif; text-align: center; }
"""


def legend_html(mode: str, present: set[str], count: int, figure: str, disputed: int,
                cells: int | None = None, heat: float | None = None) -> str:
    """The legend's HTML: categories present, what sizes show, how many events (and cells)."""
    n_events = ngettext("{count} event", "{count} events", count).format(count=format_number(count))
    if heat is not None:
        stops = ", ".join(f"{color} {int(at * 100)}%" for at, color in sorted(HEAT_GRADIENT.items()))
        return (
            f"<div><b>{esc(_('Heatmap of events'))}</b></div>"
            f"<div style='height:10px;width:160px;background:linear-gradient(to right, {stops})'></div>"
            "<div class='size'>" + esc(_("few → many ({count}+ events in a spot at this zoom)").format(
                count=format_number(round(heat)))) + f" · {esc(n_events)} · " + esc(_("zoom in for detail"))
            + "</div>"
        )
    head = esc(_("Event type") if mode == "event_type" else _("Initiator's side"))
    rows = "".join(
        f"<div><i style='background:{color}'></i>{esc(label)}</div>" for label, color in legend_items(mode, present)
    )
    dispute = ("<div><i class='ring'></i>" + esc(_("claims disagree ({count})").format(
        count=format_number(disputed))) + "</div>" if disputed else "")
    if cells is not None:
        in_cells = ngettext("{events} in {count} circle", "{events} in {count} circles", cells).format(
            events=n_events, count=format_number(cells))
        return (
            f"<div><b>{head}</b> " + esc(_("(most frequent in each circle)")) + f"</div>{rows}"
            "<div class='size'>" + esc(_("Circle area ∝ events in the area")) + f" · {esc(in_cells)} · "
            + esc(_("click one to zoom in")) + "</div>"
        )
    return (
        f"<div><b>{head}</b></div>{rows}{dispute}"
        "<div class='size'>" + esc(_("Circle area ∝ {what}").format(what=figure_label(figure)))
        + f" · {esc(n_events)}</div>"
    )


#: The change marks of a "changed since" view (``geo.webmap.markers.CHANGE_STYLES``), each told by its shape and
#: in words, not by its colour alone: added a solid ring, revised a dashed ring, deleted hollow.
CHANGE_LEGEND = (("added", N_("added ({count}): a solid blue ring")),
                 ("revised", N_("revised ({count}): a dashed orange ring")),
                 ("deleted", N_("deleted ({count}): hollow, in its type's colour")))


def change_legend(changes) -> str:
    """The legend's lines for the change marks of the events drawn (``changes``: their ``change`` column: added,
    revised, deleted), each kind with its count; "" when no event is marked."""
    counts = {k: int(n) for k, n in pd.Series(changes, dtype=object).value_counts().items()}
    rows = "".join(f"<div><i class='change change-{kind}' aria-hidden='true'></i>"
                   + esc(_(text).format(count=format_number(counts[kind]))) + "</div>"
                   for kind, text in CHANGE_LEGEND if counts.get(kind))
    head = esc(_("What changed"))
    return f"<div><b>{head}</b></div>{rows}" if rows else ""


_LEGEND_JS = """
// the legend never hides an event or an open popup: after every move, resize or popup it goes to the
// first corner of the map where it covers none (bottom right, top right, bottom left, top left), and
// folds where none is free; a legend the reader opens stays open until the map moves again
var keepClear = function (map, div) {
  var busy = false, userOpen = false, details = div.firstChild;
  // the reader opens it (a click, or Enter or Space on its summary: a click too)
  details.firstChild.addEventListener('click', function () { if (!details.open) { userOpen = true; } });
  map.on('movestart zoomstart', function () { userOpen = false; });
  // the place names make room for it wherever it goes, open or folded (geo.webmap.labels)
  details.addEventListener('toggle', function () { map.fire('geolegend'); });
  var covers = function () {
    var r = div.getBoundingClientRect();
    var els = map.getContainer().querySelectorAll('path.event-marker, .leaflet-popup');
    for (var i = 0; i < els.length; i++) {
      var b = els[i].getBoundingClientRect();
      if (b.width && b.right > r.left && b.left < r.right && b.bottom > r.top && b.top < r.bottom) { return true; }
    }
    return false;
  };
  var corner = function (pos) {
    var c = map._controlCorners[pos];
    if (div.parentNode !== c) { if (pos.indexOf('bottom') === 0) { c.insertBefore(div, c.firstChild); } else { c.appendChild(div); } }
  };
  return function () {
    if (busy || userOpen || !details.open || !map._controlCorners) { return; }
    busy = true;
    try {
      var corners = ['bottomright', 'topright', 'bottomleft', 'topleft'];
      for (var i = 0; i < corners.length; i++) { corner(corners[i]); if (!covers()) { return; } }
      corner(corners[0]);
      details.open = false;
    } finally { busy = false; map.fire('geolegend'); }
  };
};
var Legend = L.Layer.extend({
  onAdd: function (map) {
    if (!document.getElementById('geo-map-css')) {
      var style = document.createElement('style'); style.id = 'geo-map-css'; style.textContent = args.css;
      document.head.appendChild(style);
    }
    var control = this._control = L.control({position: 'bottomright'});
    control.onAdd = function () {
      var div = L.DomUtil.create('div', 'map-legend');
      // folds away: open on a wide map, folded on a phone's (geo.webmap.inview.NARROW_PX)
      div.innerHTML = '<details open><summary>' + args.title + '</summary>' + args.html + '</details>';
      if (map.getSize().x < args.narrow) { div.firstChild.open = false; }
      L.DomEvent.disableClickPropagation(div);
      return div;
    };
    control.addTo(map);
    this._keepClear = keepClear(map, control.getContainer());
    map.on('moveend zoomend resize popupopen popupclose', this._keepClear);
    setTimeout(this._keepClear, 0);
    if (map.attributionControl) {
      args.attribution.forEach(function (a) { map.attributionControl.addAttribution(a); });
    }
  },
  onRemove: function (map) {
    map.off('moveend zoomend resize popupopen popupclose', this._keepClear);
    this._control.remove();
    if (map.attributionControl) {
      args.attribution.forEach(function (a) { map.attributionControl.removeAttribution(a); });
    }
  }
});
parent.addLayer(new Legend());
"""


class MapLegend(ScriptElement):
    """The legend (``html``), the attribution lines and the map's stylesheet, added to the parent
    (a map or a FeatureGroup) as a layer: shown while the parent is, and gone with it."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function(parent, args){ {{ this.code }} })({{ this._parent.get_name() }}, {{ this.args }});"
        "{% endmacro %}"
    )

    def __init__(self, html: str, attribution: list[str]):
        super().__init__()
        self._name = "MapLegend"
        self.html = html
        self.code = _LEGEND_JS
        self.args = js_json({"html": html, "attribution": attribution, "css": MAP_CSS, "narrow": NARROW_PX,
                             "title": esc(_("Legend"))})


__all__ = ["CHANGE_LEGEND", "MAP_CSS", "MapLegend", "change_legend", "legend_html"]
