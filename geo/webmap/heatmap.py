"""A heatmap of the events, drawn by Leaflet.heat from weights counted on the server.

Handing Leaflet.heat one point per event (folium's ``HeatMap``) puts every event in the page: a
million events are 25 MB of numbers. Here the events are counted into small cells first (8 px at
the map's zoom in and around the view, coarser beyond it, as ``geo.webmap.aggregate.lod_cells`` does for
the circles) and each cell is one weighted point: the heat looks the same at that zoom, and the
page stays bounded whatever the number of events.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import pandas as pd
from folium.elements import JSCSSMixin
from folium.template import Template

from .aggregate import lod_cells
from .scripting import ScriptElement

#: The heat's cells, in pixels at the map's zoom (Leaflet.heat then blurs them together).
HEAT_CELL_PX = 8
#: At most this many weighted points in and around the view (and as many again beyond it).
MAX_HEAT_POINTS = 20_000
#: Leaflet.heat's look: point radius and blur in pixels; colours from pale blue to dark red.
HEAT_RADIUS, HEAT_BLUR = 14, 12
HEAT_GRADIENT = {0.2: "#2c7bb6", 0.4: "#abd9e9", 0.6: "#ffffbf", 0.8: "#fdae61", 1.0: "#d7191c"}


class HeatLayer(JSCSSMixin, ScriptElement):
    """Weighted points ``[lat, lon, events]`` drawn by Leaflet.heat into the parent FeatureGroup.

    ``points`` keeps the rows for callers and tests; ``scale`` is the weight drawn at full heat
    (the 98th percentile of the cells', so that one busy place does not wash out the rest).
    """

    default_js = [("leaflet-heat.js",
                   "https://cdn.jsdelivr.net/gh/python-visualization/folium@main/folium/templates/leaflet_heat.min.js")]
    _read_only = ("points",)
    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function(group, args){ L.heatLayer(args.points, args.options).addTo(group); })"
        "({{ this._parent.get_name() }}, {{ this.args }});"
        "{% endmacro %}"
    )

    def __init__(self, points: list[list[float]], scale: float):
        super().__init__()
        self._name = "HeatLayer"
        self.points = points
        self.scale = scale
        options = {"radius": HEAT_RADIUS, "blur": HEAT_BLUR, "max": scale, "maxZoom": 18,
                   "minOpacity": 0.35, "gradient": {str(k): v for k, v in HEAT_GRADIENT.items()}}
        self.args = json.dumps({"points": points, "options": options}, separators=(",", ":"))  # numbers only


def heat_layer(events: pd.DataFrame, zoom: float, center: Sequence[float], *, base: pd.DataFrame | None = None,
               memo: dict | None = None) -> tuple[HeatLayer, int]:
    """The heat of ``events`` for a map at ``center``/``zoom``, and the number of events in it. ``base`` and
    ``memo``: the data set ``events`` come from, projected once (``geo.webmap.aggregate.mercator``)."""
    inner, outer = lod_cells(events, zoom, center, by=None, max_cells=MAX_HEAT_POINTS,
                             max_outer_cells=MAX_HEAT_POINTS, cell_px=HEAT_CELL_PX, base=base, memo=memo)
    return heat_from_cells(inner, outer)


def heat_from_cells(inner: pd.DataFrame, outer: pd.DataFrame) -> tuple[HeatLayer, int]:
    """The heat of cells counted elsewhere (``lod_cells`` with ``by=None``, ``HEAT_CELL_PX``, at most
    ``MAX_HEAT_POINTS``; a database counts them itself), and the number of events in them."""
    cells = pd.concat([inner, outer], ignore_index=True)
    weights = cells["events"].to_numpy(dtype=float)
    scale = float(np.percentile(weights, 98)) if len(weights) else 1.0
    points = [[round(float(a), 5), round(float(o), 5), int(w)]
              for a, o, w in zip(cells["lat"], cells["lon"], weights)]
    return HeatLayer(points, max(scale, 1.0)), int(weights.sum())


__all__ = ["HEAT_CELL_PX", "MAX_HEAT_POINTS", "HeatLayer", "heat_from_cells", "heat_layer"]
