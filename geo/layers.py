"""The boundary layers: Mali's regions, its neighbours, the Algeria border and the
Tuareg region, built from Natural Earth by ``data/build_boundaries.py``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd

from .errors import DataError
from .events import DATA_DIR

#: A projected CRS for distances and lengths over Mali and its neighbours
#: (Africa Albers Equal Area Conic). Lengths along the Mali–Algeria border come
#: within 0.5 % of geodesic lengths.
AFRICA_ALBERS = "ESRI:102022"

NATURAL_EARTH_ATTRIBUTION = "Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com."


@dataclass(frozen=True)
class LayerInfo:
    """How a boundary layer is named, described and drawn."""

    key: str
    title: str
    description: str
    style: dict
    show: bool = True


LAYERS: dict[str, LayerInfo] = {
    "countries": LayerInfo(
        "countries",
        "Countries",
        "Mali and its seven neighbours (Natural Earth 1:10m admin-0).",
        {"color": "#8a8a8a", "weight": 1, "fillColor": "#f3efe6", "fillOpacity": 1.0},
    ),
    "admin1": LayerInfo(
        "admin1",
        "Mali's regions",
        "Mali's nine first-level regions of the 9-region scheme (Taoudénit within Tombouctou, "
        "Ménaka within Gao), cut from Natural Earth 1:10m lines and named by their capitals.",
        {"color": "#6b6b6b", "weight": 1, "dashArray": "4 3", "fillColor": "#ffffff", "fillOpacity": 0.0},
    ),
    "tuareg_region": LayerInfo(
        "tuareg_region",
        "Tuareg region (Azawad claim, 2012)",
        "Tombouctou, Gao and Kidal: the northern regions that Tuareg rebels claimed as the "
        "independent state of Azawad in 2012. Context only, not a recognised boundary.",
        {"color": "#b5651d", "weight": 2, "dashArray": "8 4", "fillColor": "#e0a96d", "fillOpacity": 0.12},
    ),
    "algeria_border": LayerInfo(
        "algeria_border",
        "Mali–Algeria border",
        "The Mali–Algeria land border (Natural Earth 1:10m admin-0 boundary lines), about 1,270 km.",
        {"color": "#c0392b", "weight": 3, "opacity": 0.9},
    ),
}

#: Drawing order, bottom to top.
LAYER_ORDER = ("countries", "tuareg_region", "admin1", "algeria_border")


@lru_cache(maxsize=1)
def _read_layers() -> dict[str, gpd.GeoDataFrame]:
    layers = {}
    for key in LAYER_ORDER:
        path = DATA_DIR / f"{key}.geojson"
        try:
            gdf = gpd.read_file(path)
        except Exception as exc:  # pyogrio raises several types for a missing or bad file
            raise DataError(f"cannot read boundary layer ({exc})", path=str(path)) from None
        layers[key] = gdf.set_crs("EPSG:4326", allow_override=True)
    return layers


def load_layers() -> dict[str, gpd.GeoDataFrame]:
    """The four boundary layers, keyed ``countries``, ``admin1``, ``algeria_border``
    and ``tuareg_region``, each in EPSG:4326.

    Each frame's ``attrs`` holds its ``title``, ``description`` and ``attribution``.
    The frames are fresh copies: the caller may change them.
    """
    out = {}
    for key, gdf in _read_layers().items():
        # copy so that a caller's change cannot reach the cached frames
        layer = gdf.copy()
        info = LAYERS[key]
        layer.attrs = {"title": info.title, "description": info.description,
                       "attribution": NATURAL_EARTH_ATTRIBUTION}
        out[key] = layer
    return out
