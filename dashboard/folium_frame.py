"""The mounted map, drawn by streamlit-folium's component without rendering its base again at every run.

``st_folium(fmap, feature_group_to_add=group)`` renders the whole map to HTML and JavaScript at every run
(the boundaries, place names and basemap: ~0.3 MB of script, ~45 ms at 1M events), hashes it for the
component's key, and only then turns the group into its script. The browser uses the base only when it
mounts the map; a filter, a pan or a click swaps the group. ``MountedMap`` renders the base once per base map
(when made) and, at each run, only the group (``show``), then calls the same component with the same
arguments ``st_folium`` would give it (``tests/test_folium_frame.py`` holds the two side by side, for the
pinned streamlit-folium).

A pan or a zoom reaches the server sooner, too. streamlit-folium reports the map's view 250 ms after the
map stops moving (a debounce, after Leaflet's 250 ms zoom animation): half a second of every zoom spent
waiting. The base map carries ``VIEW_REPORTER_JS``, which reports the same value, built the same way, 50 ms
after the map stops; streamlit-folium's own report then finds it already sent and sends nothing.
"""

from __future__ import annotations

import copy

import folium
import streamlit as st
import streamlit_folium as sf
from branca.element import MacroElement
from folium.template import Template

#: Milliseconds after the map stops moving that its view is reported (streamlit-folium waits 250).
REPORT_AFTER_MS = 50

#: streamlit-folium's value of the map (its ``updateComponentValue``: the same fields in the same order, the
#: same filter by ``returned_objects``, sent only when it differs from the last one sent), sent sooner.
VIEW_REPORTER_JS = """
(function (map) {
  var FIELDS = ['last_clicked', 'last_object_clicked', 'last_object_clicked_count', 'last_object_clicked_tooltip',
                'last_object_clicked_popup', 'all_drawings', 'last_active_drawing', 'last_geocoder_result', 'bounds',
                'zoom', 'last_circle_radius', 'last_circle_polygon', 'center', 'selected_layers', 'selected_tags'];
  var timer = null;
  function report() {
    var g = window.__GLOBAL_DATA__, host = window.Streamlit;
    if (!g || !host || !host.setComponentValue || g.wrap_longitude) { return; }  // left to streamlit-folium
    var all = {last_clicked: g.lat_lng_clicked, last_object_clicked: g.last_object_clicked,
               last_object_clicked_count: g.last_object_clicked_count,
               last_object_clicked_tooltip: g.last_object_clicked_tooltip,
               last_object_clicked_popup: g.last_object_clicked_popup, all_drawings: g.all_drawings,
               last_active_drawing: g.last_active_drawing, last_geocoder_result: g.last_geocoder_result,
               bounds: map.getBounds(), zoom: map.getZoom(), last_circle_radius: g.last_circle_radius,
               last_circle_polygon: g.last_circle_polygon, center: map.getCenter(),
               selected_layers: Object.values(g.selected_layers || {}), selected_tags: g.selected_tags};
    var value = {};
    FIELDS.forEach(function (k) { if (!g.returned_objects || g.returned_objects.indexOf(k) >= 0) { value[k] = all[k]; } });
    if (JSON.stringify(g.previous_data) !== JSON.stringify(value)) {
      g.previous_data = value;
      window.__geoViewReports = (window.__geoViewReports || 0) + 1;
      host.setComponentValue(value);
    }
  }
  map.on('moveend', function () { clearTimeout(timer); timer = setTimeout(report, %d); });
})({{ this._parent.get_name() }});
""" % REPORT_AFTER_MS


class ViewReporter(MacroElement):
    """``VIEW_REPORTER_JS`` in a map's script."""

    _template = Template("{% macro script(this, kwargs) %}" + VIEW_REPORTER_JS + "{% endmacro %}")

    def __init__(self):
        super().__init__()
        self._name = "ViewReporter"


class MountedMap:
    """A base map's rendered parts, made once: its HTML, header and script, the component's key (a hash of
    the script, as ``st_folium`` makes it), the libraries it loads and its bounds."""

    def __init__(self, fmap: folium.Map, key: str):
        fmap = copy.deepcopy(fmap)  # rendering renames its elements: the caller's map is left as it was
        ViewReporter().add_to(fmap)
        fmap.get_root().render()
        fmap.render()
        self.html, self.header = sf._get_html(fmap), sf._get_header(fmap)
        self.script = sf._get_map_string(fmap)
        self.map_id = sf.get_full_id(fmap)
        self.key = key
        self.hash_key = sf.generate_js_hash(self.script, key, False)
        css, js = [], []
        for elem in _walk(fmap):
            css += [href for _, href in getattr(elem, "default_css", [])]
            js += [src for _, src in getattr(elem, "default_js", [])]
        self.css_links, self.js_links = list(dict.fromkeys(css)), list(dict.fromkeys(js))
        try:
            south_west, north_east = fmap.get_bounds()
        except AttributeError:
            south_west, north_east = [None, None], [None, None]
        self.bounds = {"_southWest": {"lat": south_west[0], "lng": south_west[1]},
                       "_northEast": {"lat": north_east[0], "lng": north_east[1]}}
        self.zoom = fmap.options.get("zoom")
        self._base = fmap  # a rendered copy: each run's group is added to a copy of it
        self._group: tuple = (None, None)  # the last group shown, and its script

    def show(self, group: folium.FeatureGroup, *, height: int, center, zoom, returned_objects: list[str]):
        """The component with ``group`` swapped in (``st_folium``'s ``feature_group_to_add``); its value, as
        ``st_folium`` returns it. The group's script is made once per group (a pan or a click that keeps
        the content sends the same)."""
        if self._group[0] is not group:
            fmap = copy.deepcopy(self._base)  # the group joins a copy (~1 ms): the kept base stays as rendered
            # rendering renames the group's elements: a copy (sharing its data, geo.webmap.scripting.ScriptElement)
            self._group = (group, sf._get_feature_group_string(copy.deepcopy(group), map=fmap, idx=0))
        feature_group = self._group[1]
        defaults = {"last_clicked": None, "last_object_clicked": None, "last_object_clicked_count": None,
                    "last_object_clicked_tooltip": None, "last_object_clicked_popup": None, "all_drawings": None,
                    "last_active_drawing": None, "bounds": self.bounds, "zoom": self.zoom,
                    "last_circle_radius": None, "last_circle_polygon": None, "selected_layers": None,
                    "selected_tags": None, "last_geocoder_result": None}
        hash_key, key = self.hash_key, self.key

        def on_change() -> None:  # as st_folium's: the value is kept under the caller's key too
            st.session_state[key] = st.session_state.get(hash_key, {})

        return sf._component_func(
            script=self.script, header=self.header, html=self.html, id=self.map_id, key=hash_key, height=height,
            width=None, returned_objects=returned_objects,
            default={k: v for k, v in defaults.items() if k in returned_objects}, zoom=zoom, center=center,
            feature_group=feature_group, return_on_hover=False, layer_control=None, pixelated=False,
            css_links=self.css_links, js_links=self.js_links, on_change=on_change, wrap_longitude=False)


def _walk(element):
    """The map's elements that bring libraries (as ``st_folium`` finds them)."""
    if isinstance(element, folium.elements.JSCSSMixin):
        yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)
