"""Where a static map lies and what it shows: Web Mercator, the image's frame (its extent and the
lat/lon -> pixel transform) and the extent a view covers on the dashboard's map.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..view import View


#: The dashboard's map in CSS pixels (st_folium height 620 in the wide layout): the area a snapshot shows.
VIEWPORT = (1000, 620)


#: Leaflet's look: the map background (sea / no data), marker fill opacity.
BACKGROUND = "#d7e3ec"


MARKER_FILL_OPACITY = 0.8


EARTH_RADIUS = 6378137.0  # EPSG:3857's sphere


def mercator(lat, lon):
    """EPSG:3857 metres of WGS84 degrees (arrays or scalars); latitude clamped to ±85.06°."""
    lat = np.clip(np.asarray(lat, dtype=float), -85.0511, 85.0511)
    x = EARTH_RADIUS * np.radians(np.asarray(lon, dtype=float))
    y = EARTH_RADIUS * np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))
    return x, y


@dataclass(frozen=True)
class MapFrame:
    """Where the map lies in a static snapshot and what it covers.

    Pixels count from the image's top-left corner; the map spans the whole width,
    from ``top`` to ``top + map_height`` px. ``extent`` is (xmin, xmax, ymin, ymax)
    in EPSG:3857 metres; ``scale`` is image pixels per CSS pixel of the web map.
    """

    width: int
    height: int
    dpi: float
    top: int
    map_height: int
    extent: tuple[float, float, float, float]
    scale: float

    def pixel(self, lat, lon) -> tuple[float, float]:
        """The image pixel (x, y) where a WGS84 point is drawn."""
        x, y = mercator(lat, lon)
        xmin, xmax, ymin, ymax = self.extent
        return (float((x - xmin) / (xmax - xmin) * self.width),
                float(self.top + (ymax - y) / (ymax - ymin) * self.map_height))

    def points(self, css_px: float) -> float:
        """Typographic points of a length in CSS pixels (fonts, line widths, markers)."""
        return css_px * self.scale * 72.0 / self.dpi


def view_extent(view: View, size: tuple[float, float] = VIEWPORT) -> tuple[float, float, float, float]:
    """The EPSG:3857 box (xmin, xmax, ymin, ymax) a Leaflet map of ``size`` CSS px shows for the view."""
    res = 2 * math.pi * EARTH_RADIUS / (256 * 2 ** view.zoom)  # metres per CSS pixel
    cx, cy = (float(v) for v in mercator(*view.center))
    w, h = size
    return (cx - w / 2 * res, cx + w / 2 * res, cy - h / 2 * res, cy + h / 2 * res)
