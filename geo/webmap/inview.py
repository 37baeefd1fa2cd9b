"""Keeping what matters in view of the map's frame, whatever the frame's size: the open event's whole
popup (a link's event, or one clicked), and on a small frame (a phone) the data's extent.

The dashboard's map lives in streamlit-folium's iframe, which sets the map's centre and zoom from
the session (``map.setView`` in its render handler) whenever they differ from what it last set:
once when the map opens and again whenever the page sends another view. Any pan made before such
a ``setView`` is undone by it. So the map keeps a small *keeper* (``window.geoKeeper(map)``): until
the reader touches the map (a press, a touch, the wheel, a key), after **every** move or resize
of the map, whoever made it, the keeper puts back what must be in view, with a non-animated
``panBy`` / ``fitBounds`` (synchronous: nothing can run in between). A ``setView`` arriving at
any time is therefore followed by the keeper's correction, and the correction is a fixed point
(applied twice it does not move), so the map settles wherever the last ``setView`` came from.
The moved centre is then reported by streamlit-folium like any pan, and the share link follows.

- **The open event** (``target``): its popup, the popup's tip and the marker are brought inside
  the frame with a margin, by the smallest pan; a popup taller or wider than the frame shows its
  top left (place, date, who). A popup opened by a click is brought into view once, the same way
  (Leaflet's own animated auto-pan is off: it could race the page's ``setView``).
- **Narrow frames** (under ``NARROW_PX``, a phone): a popup of the full details would not fit;
  a click opens a short one (what, where, when, and "Details below the map"), while the page
  shows the event's details under the map. The legend starts folded.
- **The data's extent** (``home``): given when the map opens on the data's own view; if the
  frame cannot show the extent at that zoom (a phone's frame, narrower than the desktop one the
  home view was fitted to), the map fits it.
"""

from __future__ import annotations

from folium.template import Template

from .scripting import ScriptElement, js_json

#: A map frame narrower than this (CSS pixels) is a phone's: the full popup (up to 420 px wide,
#: plus its margins) would not fit, so events open a short popup and the details show below the map.
NARROW_PX = 520
#: The margin, in pixels, kept between what is brought into view and the frame's edge.
MARGIN_PX = 12

KEEPER_JS = """
if (!window.geoKeeper) {
  window.geoKeeper = function (map) {
    if (map._geoKeeper) { return map._geoKeeper; }
    var NARROW = %(narrow)d, PAD = %(margin)d;
    var k = map._geoKeeper = {home: null, target: null, touched: false, busy: false};
    k.narrow = function () { return map.getSize().x < NARROW; };
    var box = function (el, c) {
      var r = el.getBoundingClientRect();
      return [r.left - c.left, r.top - c.top, r.right - c.left, r.bottom - c.top];
    };
    // the smallest pan bringing the box [x0, y0, x1, y1] (container pixels) inside the frame
    var shift = function (lo, hi, size) {
      if (hi - lo > size - 2 * PAD) { return lo - PAD; }   // too large: show its start
      if (lo < PAD) { return lo - PAD; }
      if (hi > size - PAD) { return hi - (size - PAD); }
      return 0;
    };
    k.fit = function (layer) {
      var popup = layer.getPopup && layer.getPopup();
      if (!layer._map || !popup || !popup.isOpen() || !popup.getElement()) { return false; }
      var c = map.getContainer().getBoundingClientRect(), size = map.getSize();
      var b = box(popup.getElement(), c);
      var tip = popup.getElement().querySelector('.leaflet-popup-tip-container');
      if (tip) { var t = box(tip, c); b = [Math.min(b[0], t[0]), Math.min(b[1], t[1]), Math.max(b[2], t[2]), Math.max(b[3], t[3])]; }
      var p = map.latLngToContainerPoint(layer.getLatLng()), r = (layer.getRadius ? layer.getRadius() : 8) + 2;
      b = [Math.min(b[0], p.x - r), Math.min(b[1], p.y - r), Math.max(b[2], p.x + r), Math.max(b[3], p.y + r)];
      var dx = shift(b[0], b[2], size.x), dy = shift(b[1], b[3], size.y);
      if (Math.abs(dx) >= 1 || Math.abs(dy) >= 1) { map.panBy([Math.round(dx), Math.round(dy)], {animate: false}); return true; }
      return false;
    };
    k.fitHome = function () {
      if (!k.home) { return false; }
      var size = map.getSize();
      // a frame not laid out yet (0 px while it mounts): fitBounds would compute a NaN zoom and centre
      if (!(size.x > 4 * PAD + 16 && size.y > 4 * PAD + 16)) { return false; }
      var sw = map.latLngToContainerPoint(k.home.getSouthWest()), ne = map.latLngToContainerPoint(k.home.getNorthEast());
      if (sw.x >= PAD && ne.x <= size.x - PAD && ne.y >= PAD && sw.y <= size.y - PAD) { return false; }
      var before = [map.getCenter(), map.getZoom()];
      map.fitBounds(k.home, {padding: [2 * PAD, 2 * PAD], animate: false});
      return !(map.getZoom() === before[1] && map.getCenter().equals(before[0]));
    };
    // after every move or resize, until the reader touches the map: put back what must be in view
    k.apply = function () {
      if (k.touched || k.busy || !map._loaded) { return; }
      k.busy = true;
      try {
        k.fitHome();
        if (k.target) {
          if (!k.target._map || !k.target.isPopupOpen()) { k.target = null; } else { k.fit(k.target); }
        }
      } finally { k.busy = false; }
    };
    var touched = function () { k.touched = true; };
    ['mousedown', 'touchstart', 'wheel', 'keydown', 'pointerdown'].forEach(function (type) {
      map.getContainer().addEventListener(type, touched, {capture: true, passive: true});
    });
    map.on('moveend resize zoomend', k.apply);
    return k;
  };
}
""" % {"narrow": NARROW_PX, "margin": MARGIN_PX}


class ViewKeeper(ScriptElement):
    """The keeper of a map (see the module's doc), with the data's extent ``home`` as (west, south,
    east, north) when the map opens on the data's own view (else None: nothing to fit)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function(map, args){ {{ this.code }}"
        " var k = window.geoKeeper(map);"
        " if (args.home) { k.home = L.latLngBounds([args.home[1], args.home[0]], [args.home[3], args.home[2]]);"
        "   map.whenReady(function () { setTimeout(k.apply, 0); }); }"
        "})({{ this._parent.get_name() }}, {{ this.args }});"
        "{% endmacro %}"
    )

    def __init__(self, home: tuple[float, float, float, float] | None = None):
        super().__init__()
        self._name = "ViewKeeper"
        self.home = None if home is None else tuple(float(v) for v in home)
        self.code = KEEPER_JS
        self.args = js_json({"home": self.home})


__all__ = ["KEEPER_JS", "MARGIN_PX", "NARROW_PX", "ViewKeeper"]
