"""Server-side aggregation of events into map cells, for maps of many events.

Past a few thousand events a map of one marker per event is too heavy for the page and the
browser. ``aggregate_events`` counts them instead into the cells of a square grid laid over
Web Mercator *pixels* at the map's zoom: a cell is ``CELL_PX`` screen pixels wide (48 px, about
a finger tip), whatever the zoom, so the grid looks the same at every zoom and each zoom level
in halves each cell. The grid is anchored at the world's pixel origin, never at the data: an
event's cell depends only on its place and the zoom, so cells do not jump when the filter or
the view changes.

``cells_layer`` draws the cells as circles whose area grows with their number of events,
coloured by the most frequent event type (or side), with a tooltip giving the count and the
fatalities; a click zooms the map to the cell. The page stays bounded: cells are counted only
within a padded view (``view_bounds``), events beyond it go into coarser cells, and when a
level holds more than ``max_cells`` cells its cells double in size until it does not.
"""

from __future__ import annotations

from collections.abc import Sequence

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from folium.template import Template

from .scripting import ScriptElement, js_json
from ..i18n import category, current_language, translator
from ..styles import OTHER_COLOR, SIDE_COLORS, actor_side, esc, event_type_color, side_label

#: Width of a cell in screen pixels at the zoom it is made for.
CELL_PX = 48
#: Most cells drawn for the view (the page size is bounded by this, whatever the events).
MAX_CELLS = 2_500
#: Most coarse cells drawn for the events beyond the padded view.
MAX_OUTER_CELLS = 500
#: Zoom levels coarser at which events beyond the padded view are counted.
OUTER_LEVELS = 3
#: The map size assumed when only a centre and zoom are known (the dashboard's map is ~1200×620).
VIEWPORT_PX = (1400, 800)
#: How much of the viewport is added on each side of the view before cells get coarser.
VIEW_PAD = 0.5
_MAX_LAT = 85.05112878
_TILE = 256.0

Bounds = tuple[float, float, float, float]  # west, south, east, north (as shapely's total_bounds)


def _world_px(zoom: float) -> float:
    return _TILE * 2.0 ** zoom


def to_pixels(lon, lat, zoom: float) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator world pixel coordinates of points at ``zoom`` (x east, y south)."""
    world = _world_px(zoom)
    lat = np.clip(np.asarray(lat, dtype=float), -_MAX_LAT, _MAX_LAT)
    x = (np.asarray(lon, dtype=float) + 180.0) / 360.0 * world
    y = (0.5 - np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)) / (2 * np.pi)) * world
    return x, y


def from_pixels(x, y, zoom: float) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude of Web Mercator world pixels at ``zoom``."""
    world = _world_px(zoom)
    lon = np.asarray(x, dtype=float) / world * 360.0 - 180.0
    lat = np.degrees(2 * np.arctan(np.exp((0.5 - np.asarray(y, dtype=float) / world) * 2 * np.pi)) - np.pi / 2)
    return lon, lat


def view_bounds(center: Sequence[float], zoom: float, *, size: tuple[int, int] = VIEWPORT_PX,
                pad: float = VIEW_PAD) -> Bounds:
    """The (west, south, east, north) of a map of ``size`` pixels at ``center`` (lat, lon) and
    ``zoom``, widened by ``pad`` viewports on each side."""
    cx, cy = to_pixels([center[1]], [center[0]], zoom)
    half_w, half_h = size[0] * (0.5 + pad), size[1] * (0.5 + pad)
    (west, east), (north, south) = from_pixels([cx[0] - half_w, cx[0] + half_w], [cy[0] - half_h, cy[0] + half_h],
                                               zoom)
    return float(max(west, -180.0)), float(south), float(min(east, 180.0)), float(north)


def cells_cover(origin: Sequence[float], zoom: float, center: Sequence[float], *,
                size: tuple[int, int] = VIEWPORT_PX, pad: float = VIEW_PAD) -> bool:
    """True while a map at ``center`` (lat, lon) shows only the fine cells built for ``origin``
    at the same ``zoom``: the viewport has not been panned past the padding (``lod_cells``).

    A caller that keeps a map open as the user pans rebuilds the cells where the user is once
    this turns False; until then the map need not change.
    """
    ox, oy = to_pixels([origin[1]], [origin[0]], zoom)
    cx, cy = to_pixels([center[1]], [center[0]], zoom)
    dx = abs(cx[0] - ox[0])
    dx = min(dx, _world_px(zoom) - dx)  # across the antimeridian
    return bool(dx <= size[0] * pad and abs(cy[0] - oy[0]) <= size[1] * pad)


def _categories(events: pd.DataFrame, by: str | None) -> tuple[np.ndarray, list[str]]:
    """Integer codes (and their names) of what a cell's dominant category is taken over."""
    if by is None or len(events) == 0:
        return np.zeros(len(events), dtype=np.int64), [""]
    column = events["actor1" if by == "side" else by]
    if isinstance(column.dtype, pd.CategoricalDtype):  # compact data: the codes are there already
        codes, values = column.cat.codes.to_numpy(), list(column.cat.categories)
    else:
        codes, values = pd.factorize(pd.Series(column.to_numpy(), dtype=object))
        values = list(values)
    labels = [actor_side(str(v)) if by == "side" else str(v) for v in values] + [""]  # "" for missing
    names, label_codes = np.unique(np.array(labels, dtype=object), return_inverse=True)
    return label_codes[codes].astype(np.int64), [str(n) for n in names]  # code -1 reads ""


def _group(cx: np.ndarray, cy: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(cell x, cell y, each point's cell number) with cells ordered by y, then x."""
    if len(cx) == 0:
        return cx, cy, np.zeros(0, dtype=np.int64)
    x0, y0 = cx.min(), cy.min()
    width, height = int(cx.max() - x0) + 1, int(cy.max() - y0) + 1
    key = (cy - y0) * width + (cx - x0)
    if width * height <= max(4 * len(key), 1 << 20):
        # a dense table of the cells spanned: one pass, no sort (np.unique sorts: 0.13 s at 1M)
        present = np.flatnonzero(np.bincount(key, minlength=width * height))
        number = np.empty(width * height, dtype=np.int64)
        number[present] = np.arange(len(present))
        uniq, inverse = present, number[key]
    else:
        uniq, inverse = np.unique(key, return_inverse=True)
    return uniq % width + x0, uniq // width + y0, inverse


def _cells(lon, lat, fat, cats, names, zoom: float, cell_px: float, max_cells: int, unit=None) -> pd.DataFrame:
    if unit is not None and float(zoom).is_integer():  # the data set's projection, made once (``mercator``): scaled to the zoom, exactly
        x, y = unit[0] * (_world_px(zoom) / _TILE), unit[1] * (_world_px(zoom) / _TILE)
    else:
        x, y = to_pixels(lon, lat, zoom)
    size = float(cell_px)
    while True:
        cx, cy = np.floor(x / size).astype(np.int64), np.floor(y / size).astype(np.int64)
        gx, gy, inv = _group(cx, cy)
        if len(gx) <= max(max_cells, 1) or size > _world_px(zoom):
            break
        size *= 2  # too many cells: coarser ones, so that the page stays bounded
    n = len(gx)
    counts = np.bincount(inv, minlength=n)
    fats = np.bincount(inv, weights=fat, minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_x = np.bincount(inv, weights=x, minlength=n) / counts
        mean_y = np.bincount(inv, weights=y, minlength=n) / counts
    k = max(len(names), 1)
    if n * k <= 20_000_000:
        per = np.bincount(inv * k + cats, minlength=n * k).reshape(n, k)
        dominant = per.argmax(axis=1) if n else np.zeros(0, dtype=np.int64)
    else:  # many categories: sort instead of a dense table
        pairs = pd.DataFrame({"c": inv, "t": cats}).value_counts().reset_index()
        pairs = pairs.sort_values(["c", "count", "t"], ascending=[True, False, True]).drop_duplicates("c")
        dominant = pairs.sort_values("c")["t"].to_numpy()
    lon_c, lat_c = from_pixels(mean_x, mean_y, zoom)
    west, north = from_pixels(gx * size, gy * size, zoom)
    east, south = from_pixels((gx + 1) * size, (gy + 1) * size, zoom)
    return pd.DataFrame({
        "cell_x": gx, "cell_y": gy, "cell_px": np.full(n, size),
        "lon": lon_c, "lat": lat_c, "west": west, "south": south, "east": east, "north": north,
        "events": counts.astype(np.int64), "fatalities": np.round(fats).astype(np.int64),
        "dominant": np.array(names, dtype=object)[dominant] if n else np.array([], dtype=object),
    })


def _arrays(events: pd.DataFrame, by: str | None):
    if "longitude" in events and "latitude" in events:
        lon = events["longitude"].to_numpy(dtype=float, na_value=np.nan)
        lat = events["latitude"].to_numpy(dtype=float, na_value=np.nan)
    else:
        lon, lat = shapely.get_x(events.geometry.array), shapely.get_y(events.geometry.array)
    fat = pd.to_numeric(events["fatalities"]).to_numpy(dtype=float, na_value=0.0) if "fatalities" in events \
        else np.zeros(len(events))
    cats, names = _categories(events, by)
    ok = np.isfinite(lon) & np.isfinite(lat)
    return lon, lat, np.nan_to_num(fat), cats, names, ok


def _within(lon, lat, bounds: Bounds) -> np.ndarray:
    west, south, east, north = bounds
    return (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)


def _frame(cells: pd.DataFrame, zoom: float) -> gpd.GeoDataFrame:
    cells = cells.assign(zoom=float(zoom))
    geometry = shapely.box(cells["west"], cells["south"], cells["east"], cells["north"])
    return gpd.GeoDataFrame(cells, geometry=geometry, crs="EPSG:4326")


def aggregate_events(events: pd.DataFrame, zoom: float, bounds: Bounds | None = None, *,
                     cell_px: float = CELL_PX, max_cells: int = MAX_CELLS,
                     by: str | None = "event_type") -> gpd.GeoDataFrame:
    """Events counted into square map cells of ``cell_px`` screen pixels at ``zoom``.

    Parameters
    ----------
    events
        Canonical events (``longitude``, ``latitude``, ``fatalities``; ``event_type`` or
        ``actor1`` for ``by``). Not changed. Events without coordinates are left out.
    zoom
        The map zoom the cells are sized for.
    bounds
        (west, south, east, north): only events inside (edges included) are counted;
        all events when None.
    cell_px
        Cell width in screen pixels at ``zoom``.
    max_cells
        At most this many cells: past it, cells double in size until they fit.
    by
        The column whose most frequent value is each cell's ``dominant`` (ties: the first by
        name); "side" takes each event's initiator's side (``geo.styles.actor_side``).

    Returns
    -------
    GeoDataFrame
        One row per non-empty cell, ordered north to south then west to east: ``cell_x``,
        ``cell_y`` (the cell's column and row in the grid), ``cell_px`` (its width in pixels
        at ``zoom``), ``lon``, ``lat`` (the mean position of its events), ``west``, ``south``,
        ``east``, ``north`` (its edges), ``events``, ``fatalities`` (the conservative sum),
        ``dominant``, ``zoom``, and the cell's square as geometry (EPSG:4326).
    """
    lon, lat, fat, cats, names, ok = _arrays(events, by)
    if bounds is not None:
        ok &= _within(lon, lat, bounds)
    cells = _cells(lon[ok], lat[ok], fat[ok], cats[ok], names, zoom, cell_px, max_cells)
    return _frame(cells, zoom)


def mercator(events: pd.DataFrame, lon: np.ndarray, lat: np.ndarray, *, base: pd.DataFrame | None = None,
             memo: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The events' Web Mercator pixels at zoom 0 (``to_pixels(lon, lat, 0)``; any zoom's are these times
    2**zoom, exactly). ``base``, the data set's events, is projected once and kept in ``memo``; events taken
    from it (a filter's ``take``: the same index labels, checked against its coordinates) read theirs."""
    if base is None or memo is None or not isinstance(base.index, pd.RangeIndex) or base.index.start != 0 \
            or base.index.step != 1:
        return to_pixels(lon, lat, 0)
    found = memo.get(("mercator", id(base)))
    if found is None or found[0] is not base:
        b_lon, b_lat = _arrays(base, None)[:2]
        found = memo[("mercator", id(base))] = (base, b_lon, b_lat, *to_pixels(b_lon, b_lat, 0))
    _base, b_lon, b_lat, ux, uy = found
    pos = events.index.to_numpy()
    if events is base:
        return ux, uy
    if (pos.dtype.kind in "iu" and len(pos) and pos.min() >= 0 and pos.max() < len(b_lon)
            and np.array_equal(b_lon[pos], lon, equal_nan=True) and np.array_equal(b_lat[pos], lat, equal_nan=True)):
        return ux[pos], uy[pos]
    return to_pixels(lon, lat, 0)


def lod_cells(events: pd.DataFrame, zoom: float, center: Sequence[float], *, by: str | None = "event_type",
              bounds: Bounds | None = None, max_cells: int = MAX_CELLS,
              max_outer_cells: int = MAX_OUTER_CELLS, cell_px: float = CELL_PX, base: pd.DataFrame | None = None,
              memo: dict | None = None) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The cells a map at ``center``/``zoom`` draws: (cells in the padded view, coarser cells of
    the events beyond it, at ``OUTER_LEVELS`` zooms out). Every located event is in exactly one.
    ``base`` and ``memo``: the data set ``events`` come from, projected once (``mercator``)."""
    bounds = bounds or view_bounds(center, zoom)
    lon, lat, fat, cats, names, ok = _arrays(events, by)
    ux, uy = mercator(events, lon, lat, base=base, memo=memo)
    inside = ok & _within(lon, lat, bounds)
    outside = ok & ~inside
    inner = _cells(lon[inside], lat[inside], fat[inside], cats[inside], names, zoom, cell_px, max_cells,
                   unit=(ux[inside], uy[inside]))
    outer_zoom = max(zoom - OUTER_LEVELS, 0)
    outer = _cells(lon[outside], lat[outside], fat[outside], cats[outside], names, outer_zoom, cell_px,
                   max_outer_cells, unit=(ux[outside], uy[outside]))
    return _frame(inner, zoom), _frame(outer, outer_zoom)


def cell_color(name: str, by: str | None) -> str:
    if by == "side":
        return SIDE_COLORS.get(name, OTHER_COLOR)
    return event_type_color(name)


def label(name: str) -> str:
    """A cell's most frequent event type or side, in the language in use."""
    return side_label(name) if name in SIDE_COLORS else category(name)


def cell_radius(counts: np.ndarray, largest: int) -> np.ndarray:
    """Circle radius in pixels: the area grows with the count, from 6 px to 22 px (the largest cell)."""
    largest = max(int(largest), 1)
    return np.round(6.0 + 16.0 * np.sqrt(np.asarray(counts, dtype=float) / largest), 1)


_CELLS_JS = """
var svg = L.svg({padding: 0.2});
group.on('remove', function () { if (svg._map) { svg.remove(); } });  // not left in a map the group leaves
var names = args.names, colors = args.colors, rows = args.cells;
function fmt(n) { return String(n).replace(/\\B(?=(\\d{3})+(?!\\d))/g, args.group); }
function plain(html) { var t = document.createElement('textarea'); t.innerHTML = html; return t.value; }
var words = args.words;
for (var i = 0; i < rows.length; i++) {
  var c = rows[i];  // [lat, lon, events, fatalities, dominant, radius, south, west, north, east, outer]
  var m = L.circleMarker([c[0], c[1]], {renderer: svg, radius: c[5], fillColor: colors[c[4]],
    color: '#ffffff', weight: 1, fillOpacity: c[10] ? 0.45 : 0.8, opacity: 1,
    className: c[10] ? 'event-cell outer-cell' : 'event-cell'});
  m.bindTooltip('<b>' + (c[2] === 1 ? words.event : words.events).replace('{count}', fmt(c[2])) + '</b><br>'
    + words.fatalities.replace('{count}', fmt(c[3])) + '<br>' + words.mostly.replace('{name}', names[c[4]])
    + '<br><i>' + words.zoom + '</i>');
  m.on('click', (function (b) { return function (e) {
    var map = e.target._map; if (map) { map.fitBounds(b, {maxZoom: 18}); } }; })([[c[6], c[7]], [c[8], c[9]]]));
  // a button for the keyboard: Enter or Space zooms in as a click does (see geo.webmap.access)
  m.on('add', (function (m, name) { return function () {
    var el = m.getElement(); if (!el) { return; }
    el.setAttribute('tabindex', '0'); el.setAttribute('role', 'button'); el.setAttribute('aria-label', name);
    L.DomEvent.on(el, 'keydown', function (e) {
      if (e.key === 'Enter' || e.key === ' ') { L.DomEvent.preventDefault(e); m.fire('click', {latlng: m.getLatLng()}); }
    });
  }; })(m, plain(words.label.replace('{events}', (c[2] === 1 ? words.event : words.events).replace('{count}',
         fmt(c[2]))).replace('{fatalities}', words.fatalities_short.replace('{count}', fmt(c[3])))
         .replace('{name}', names[c[4]]))));
  m.addTo(group);
}
"""


class CellLayer(ScriptElement):
    """The cells, drawn by a script into its parent FeatureGroup (compact: ~70 bytes a cell).

    ``cells`` keeps the GeoDataFrames drawn (inner then outer), for tests and callers.
    """

    _read_only = ("cells",)
    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function(group, args){ {{ this.code }} })({{ this._parent.get_name() }}, {{ this.args }});"
        "{% endmacro %}"
    )

    def __init__(self, inner: gpd.GeoDataFrame, outer: gpd.GeoDataFrame, by: str | None):
        super().__init__()
        self._name = "CellLayer"
        self.cells = (inner, outer)
        both = pd.concat([inner.assign(outer=0), outer.assign(outer=1)], ignore_index=True)
        names = sorted(set(both["dominant"]))
        index = {n: i for i, n in enumerate(names)}
        largest = int(both["events"].max()) if len(both) else 1
        radius = cell_radius(both["events"].to_numpy(), largest)
        rows = [
            [round(r.lat, 5), round(r.lon, 5), int(r.events), int(r.fatalities), index[r.dominant], float(rad),
             round(r.south, 5), round(r.west, 5), round(r.north, 5), round(r.east, 5), int(r.outer)]
            for r, rad in zip(both.itertuples(index=False), radius)
        ]
        self.code = _CELLS_JS
        # names are escaped here: the script writes them into tooltips as HTML
        # the tooltip's words in the language in use, escaped ({count} and {name} filled in by the script);
        # French for 0 and 1 takes the singular, the script's "1" test is English's: both read right for 1
        t = translator(current_language())
        words = {"event": esc(t.ngettext("{count} event", "{count} events", 1)),
                 "events": esc(t.ngettext("{count} event", "{count} events", 2)),
                 "fatalities": esc(t.gettext("{count} fatalities (conservative)")),
                 "mostly": esc(t.gettext("mostly {name}")), "zoom": esc(t.gettext("click to zoom in")),
                 # the keyboard's name of a cell (its aria-label): "12 events, 30 fatalities, mostly Battles: zoom in"
                 "label": esc(t.gettext("{events}, {fatalities}, mostly {name}: zoom in")),
                 "fatalities_short": esc(t.gettext("{count} fatalities"))}
        group_sep = t.locale.number_symbols["latn"]["group"]
        self.args = js_json({"cells": rows, "names": [esc(label(n)) for n in names],
                             "colors": [cell_color(n, by) for n in names], "words": words, "group": group_sep})


def cells_layer(events: pd.DataFrame, zoom: float, center: Sequence[float], *, by: str | None = "event_type",
                name: str = "Events", base: pd.DataFrame | None = None, memo: dict | None = None) -> folium.FeatureGroup:
    """A FeatureGroup drawing ``events`` as cells for a map at ``center``/``zoom`` (see ``lod_cells``)."""
    inner, outer = lod_cells(events, zoom, center, by=by, base=base, memo=memo)
    group = folium.FeatureGroup(name=name, show=True)
    CellLayer(inner, outer, by).add_to(group)
    return group


def cell_summary(layer: CellLayer) -> tuple[int, int]:
    """(events, cells) drawn by a CellLayer."""
    inner, outer = layer.cells
    return int(inner["events"].sum() + outer["events"].sum()), len(inner) + len(outer)


__all__ = ["CELL_PX", "MAX_CELLS", "MAX_OUTER_CELLS", "VIEWPORT_PX", "CellLayer", "aggregate_events", "cells_cover",
           "cells_layer",
           "lod_cells", "view_bounds", "to_pixels", "from_pixels"]
