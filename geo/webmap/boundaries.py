"""The boundary layers on the interactive map, their geometry sent compactly.

A boundary layer's GeoJSON is most of a map page's weight once the whole world is drawn (the
countries of the world as plain GeoJSON: about 0.5 MB). Rings are sent as encoded polylines
(the algorithm of Google's polyline format: each coordinate a zig-zag varint of its difference
from the previous one, in 5-bit ASCII chunks), at the precision each layer is stored at, and
decoded into GeoJSON in the browser before ``L.geoJSON`` draws them: about 3 bytes a coordinate
instead of 15.
"""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import shapely
from folium.template import Template

from ..layers import LAYERS
from ..i18n import _, current_language, format_number
from ..styles import esc
from .scripting import ScriptElement, script_json

#: Decimal places a layer's coordinates are sent with: 5 (about 1 m) where stored so, 2 (about
#: 1 km) for the simplified world (it is simplified at 0.2°, about 20 km).
DETAIL_DECIMALS = 5
LOW_DECIMALS = 2


def encode_ring(coords: np.ndarray, decimals: int) -> str:
    """One ring or line (an (n, 2) array of lon, lat) as an encoded polyline of (lat, lon) pairs."""
    coords = np.asarray(coords, dtype=float).reshape(-1, 2)
    return encode_rings(coords, np.array([len(coords)]), decimals)[0]


def encode_rings(coords: np.ndarray, counts: np.ndarray, decimals: int) -> list[str]:
    """Many rings at once: ``coords`` (an (n, 2) array of lon, lat) cut into rings of ``counts``
    coordinates each, every ring encoded as ``encode_ring`` encodes it. One pass of numpy over a
    layer's coordinates rather than a dozen small ones per ring: a world's 4,000 rings in
    milliseconds, not a second."""
    counts = np.asarray(counts, dtype=np.int64)
    ints = np.round(np.asarray(coords, dtype=float).reshape(-1, 2)[:, ::-1] * 10**decimals).astype(np.int64)
    prev = np.zeros_like(ints)
    prev[1:] = ints[:-1]
    starts = np.cumsum(counts) - counts
    prev[starts[counts > 0]] = 0  # each ring starts from (0, 0)
    deltas = (ints - prev).ravel()
    values = np.where(deltas < 0, ~(deltas << 1), deltas << 1)  # zig-zag: small magnitudes, small codes
    out_len = np.ones(len(values), dtype=np.int64)
    rest = values >> 5
    while (rest > 0).any():
        out_len += rest > 0
        rest >>= 5
    width = int(out_len.max()) if len(values) else 0
    chunks = []
    for i in range(width):
        chunk = (values >> (5 * i)) & 0x1F
        more = out_len > i + 1
        chunks.append(np.where(i < out_len, (chunk | np.where(more, 0x20, 0)) + 63, 0))
    if not chunks:
        return [""] * len(counts)
    grid = np.stack(chunks, axis=1).astype(np.uint8).ravel()
    text = grid[grid > 0].tobytes().decode("ascii")
    written = np.concatenate([[0], np.cumsum(out_len)])  # the characters written before each value
    bounds = zip(written[2 * starts].tolist(), written[2 * (starts + counts)].tolist())
    return [text[a:b] for a, b in bounds]


def decode_ring(text: str, decimals: int) -> np.ndarray:
    """The (n, 2) lon, lat array of an encoded ring (the inverse of ``encode_ring``; for tests)."""
    values, shift, result = [], 0, 0
    for byte in text.encode("ascii"):
        byte -= 63
        result |= (byte & 0x1F) << shift
        shift += 5
        if byte < 0x20:
            values.append(~(result >> 1) if result & 1 else result >> 1)
            shift, result = 0, 0
    pairs = np.cumsum(np.array(values, dtype=np.int64).reshape(-1, 2), axis=0) / 10**decimals
    return pairs[:, ::-1]


def encode_geometry(geom, decimals: int) -> dict | None:
    """A shapely geometry as {"t": GeoJSON type, "c": its rings as encoded polylines, "p": decimals}."""
    return encode_geometries([geom], [decimals])[0]


def encode_geometries(geoms, decimals) -> list[dict | None]:
    """Each geometry as ``encode_geometry`` gives it (``decimals``: one per geometry), the rings of all
    of them encoded together (``encode_rings``)."""
    out: list[dict | None] = [None] * len(geoms)
    pending: dict[int, tuple[list, list]] = {}  # per precision: the rings, and (row, kind, rings per part)
    for i, (geom, places) in enumerate(zip(geoms, decimals)):
        if geom is None or geom.is_empty:
            continue
        kind = geom.geom_type
        if kind == "Polygon":
            parts = [[geom.exterior, *geom.interiors]]
        elif kind == "MultiPolygon":
            parts = [[p.exterior, *p.interiors] for p in geom.geoms]
        elif kind == "LineString":
            parts = [[geom]]
        elif kind == "MultiLineString":
            parts = [list(geom.geoms)]
        else:
            out[i] = {"t": "GeometryCollection", "g": shapely.geometry.mapping(geom)}
            continue
        rings, todo = pending.setdefault(int(places), ([], []))
        todo.append((i, kind, [len(part) for part in parts]))
        rings += [ring for part in parts for ring in part]
    for places, (rings, todo) in pending.items():
        array = np.empty(len(rings), dtype=object)
        array[:] = rings
        codes = iter(encode_rings(shapely.get_coordinates(array), shapely.get_num_coordinates(array), places))
        for i, kind, sizes in todo:
            parts = [[next(codes) for _ in range(n)] for n in sizes]
            coords = parts if kind == "MultiPolygon" else parts[0][0] if kind == "LineString" else parts[0]
            out[i] = {"t": kind, "c": coords, "p": places}
    return out


#: The browser's side: encoded rings back into GeoJSON coordinates.
DECODE_JS = (
    "function geoDecodeRing(s, p) { var f = Math.pow(10, p), out = [], lat = 0, lon = 0, i = 0, n = s.length;"
    " while (i < n) { var v = [0, 0]; for (var k = 0; k < 2; k++) { var sh = 0, r = 0, b;"
    " do { b = s.charCodeAt(i++) - 63; r |= (b & 31) << sh; sh += 5; } while (b >= 32);"
    " v[k] = (r & 1) ? ~(r >> 1) : (r >> 1); } lat += v[0]; lon += v[1]; out.push([lon / f, lat / f]); }"
    " return out; }"
    "function geoDecode(g) { if (g.t === 'GeometryCollection') return g.g; var p = g.p, c = g.c, r;"
    " if (g.t === 'Polygon') r = c.map(function (x) { return geoDecodeRing(x, p); });"
    " else if (g.t === 'MultiPolygon') r = c.map(function (q) { return q.map(function (x) { return geoDecodeRing(x, p); }); });"
    " else if (g.t === 'LineString') r = geoDecodeRing(c, p);"
    " else r = c.map(function (x) { return geoDecodeRing(x, p); });"
    " return {type: g.t, coordinates: r}; }"
)


def encode_layer(gdf: gpd.GeoDataFrame) -> list[dict | None]:
    """Each geometry of a boundary layer encoded (``encode_geometry``): at ``DETAIL_DECIMALS``, or at
    ``LOW_DECIMALS`` for the rows whose ``detail`` is False (the world beyond the data's countries)."""
    detail = gdf["detail"].to_numpy(dtype=bool) if "detail" in gdf else np.ones(len(gdf), dtype=bool)
    return encode_geometries(list(gdf.geometry), np.where(detail, DETAIL_DECIMALS, LOW_DECIMALS))


class BoundaryLayer(folium.map.Layer, ScriptElement):
    """A boundary layer (``geo.layers.LAYERS``) drawn by ``L.geoJSON`` with its tooltips, its
    geometry encoded once, when it is made.

    folium's ``GeoJson`` serialises the data and re-parses the script at every render, which
    the dashboard pays on every run of the page (its map is rendered again each run): about
    0.1 s a run for Mali's regions and the countries around them. A frame with a ``detail``
    column (the countries) sends its rows without detail at ``LOW_DECIMALS``. Boundaries are drawn
    in their own pane, under the place names (``geo.webmap.labels``), which lie under the events.
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "var {{ this.get_name() }} = (function () {" + DECODE_JS +
        " var map = {{ this._parent.get_name() }}; if (!map.getPane('boundaries'))"
        " { map.createPane('boundaries').style.zIndex = 350; }"
        " var d = {{ this.data }};"
        " d.features.forEach(function (f) { f.geometry = geoDecode(f.g); delete f.g; });"
        " return L.geoJSON(d, {pane: 'boundaries', style: function () { return {{ this.style }}; },"
        " onEachFeature: function (f, layer) { layer.bindTooltip(f.properties._tip, {sticky: true}); }});"
        " })();"
        "{% endmacro %}"
    )

    def __init__(self, key: str, gdf: gpd.GeoDataFrame, show: bool, *, memo: dict | None = None):
        info = LAYERS[key]
        super().__init__(name=_(info.title), overlay=True, control=True, show=show)
        self._name = "BoundaryLayer"
        self.key = key
        self.style = script_json(dict(info.style))
        # a data set's layers are encoded once (``memo``: the data set's, see ``geo.webmap.maps.build_map``) per
        # level of detail, and written once per language (the tooltips'); each entry holds its frame, so that
        # the frame's id stays its own
        rings_key = ("boundary rings", key, id(gdf), DETAIL_DECIMALS, LOW_DECIMALS)
        data_key = rings_key + (current_language(),)
        found = memo.get(data_key) if memo is not None else None
        if found is not None and found[0] is gdf:
            self.data = found[1]
            return
        rings = memo.get(rings_key) if memo is not None else None
        rings = rings[1] if rings is not None and rings[0] is gdf else encode_layer(gdf)
        self.data = self._features(key, gdf, info, rings)
        if memo is not None:
            memo[rings_key], memo[data_key] = (gdf, rings), (gdf, self.data)

    @staticmethod
    def _features(key: str, gdf: gpd.GeoDataFrame, info, rings: list) -> str:
        label_col = "name" if "name" in gdf else None
        features = []
        rows = gdf.drop(columns=gdf.geometry.name).to_dict("records")
        for i, (row, geometry) in enumerate(zip(rows, rings)):
            if geometry is None:
                continue
            name = row[label_col] if label_col else None
            tip = f"<b>{esc(name)}</b>" if name else f"<b>{esc(_(info.title))}</b>"
            if key == "tuareg_region":
                tip += f"<br>{esc(_(info.description))}"
            elif key == "algeria_border" and "length_km" in row:
                tip += "<br>" + esc(_("{count} km").format(count=format_number(round(row["length_km"]))))
            props = {"_tip": tip} | ({"name": name} if label_col else {})
            features.append({"type": "Feature", "id": str(i), "properties": props, "g": geometry})
        return script_json({"type": "FeatureCollection", "features": features})


__all__ = ["BoundaryLayer", "decode_ring", "encode_geometries", "encode_geometry", "encode_layer", "encode_ring",
           "encode_rings"]
