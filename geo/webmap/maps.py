"""The interactive map: boundary layers, event markers with popups, and a legend."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium.elements import JSCSSMixin

from .aggregate import CellLayer, cells_layer, cell_summary
from .heatmap import HeatLayer, heat_from_cells, heat_layer
from .assets import make_offline
from .boundaries import BoundaryLayer
from .inview import ViewKeeper
from .labels import PlaceLabels
from .overlays import border_layer, dataset_rings_layer, region_layer, uncertainty_layer
from ..matching.groups import DATASETS_DISAGREE
from .claimsindex import claims_index
from .popups import popup_floor, popup_html
from ..places.labels import GEONAMES_ATTRIBUTION, place_labels
from ..layers import LAYER_ORDER, NATURAL_EARTH_ATTRIBUTION
from .markers import MAX_MARKER_BYTES, SAME_PLACE_LISTED, EventMarkers, events_geojson, figures, markers_layer  # noqa: F401
from .legend import MapLegend, change_legend, figure_label, legend_html
from ..i18n import _, format_number, retranslate
from .access import MapDescription
from ..a11y.describe import map_description
from ..styles import BASEMAPS, COLOR_MODES, DRAW_MODES, actor_side, esc, marker_radius
from ..view import DEFAULT_CENTER, DEFAULT_ZOOM

EVENTS_LAYER_NAME = "Events"
#: Level of detail: up to this many events each is drawn as a marker with its popup; past it the
#: events are counted into map cells on the server (``geo.webmap.aggregate``), so that the page's size
#: and the browser's work stay bounded whatever the number of events.
MAX_MARKERS = 3_000


def build_map(
    events: gpd.GeoDataFrame,
    layers: Mapping[str, gpd.GeoDataFrame],
    *,
    claims: pd.DataFrame | None = None,
    color_by: str = "event_type",
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
    basemap: str = "none",
    visible_layers: Iterable[str] | None = None,
    selected: str | None = None,
    attribution: str | None = None,
    prefer_canvas: bool | None = None,
    offline: bool = True,
    figure: str = "conservative",
    shade_regions: bool = False,
    border_km: float | None = None,
    uncertainty: bool = True,
    max_markers: int = MAX_MARKERS,
    max_marker_bytes: int = MAX_MARKER_BYTES,
    layer_control: bool = True,
    draw: str = "auto",
    labels: pd.DataFrame | None = None,
    description: str | None = None, dataset=None,
) -> folium.Map:
    """An interactive map of ``events`` over the boundary ``layers``.

    Parameters
    ----------
    events, layers
        Canonical events (``load_events``), drawn as circles coloured by ``color_by`` ("event_type" or
        "side") and sized by ``figure``; the boundary layers (``load_layers``).
    claims, center, zoom
        The claims table (each popup shows its event's claims side by side); the view (the data's own).
    basemap
        "none" (offline, Natural Earth only), "osm" or "carto-light" (need the internet).
    visible_layers
        The boundary layers shown at first (all by default); the others stay in the layer control.
    selected, attribution
        An event_id whose popup opens when the map loads; the data's attribution line.
    prefer_canvas
        Draw markers on a canvas; by default past 1,000 events.
    figure
        What circle sizes show: "conservative" fatalities (default), "highest" claim, or "claimant:NAME".
    shade_regions, border_km, uncertainty
        A choropleth of the regions by events; the zone within ``border_km`` of the border; dashed
        rings around events whose location is approximate.
    layer_control, offline
        Leaflet's layer control (the dashboard's sidebar switches the layers instead); Leaflet from the
        installed package, not a CDN (default).
    max_markers, max_marker_bytes
        The level of detail: up to ``max_markers`` events (and ``max_marker_bytes`` of popups, 2.4 MB),
        one marker each with its popup; past it, cells of about 48 px counted on the server
        (``geo.webmap.aggregate``), fine in and around the view, coarser beyond, so the page stays
        under ~1 MB whatever the number of events; the ``selected`` event is drawn over them.
    draw
        "auto" (the level of detail above) or "heat": a heatmap weighted by the events' number in
        8 px cells (``geo.webmap.heatmap``), the ``selected`` event drawn over it.
    labels, description
        Place names (``geo.places.labels.place_labels``; by default the data set's, else those of ``layers``
        and ``events``); the text for screen readers (``geo.a11y.describe.map_description``).
    dataset
        The ``geo.sources.dataset.Dataset`` of ``events``: its place names, encoded boundaries, sorted claims
        and projection are made once and kept with it (``memo``).
    """
    labels = labels if labels is not None else dataset.labels if dataset is not None else place_labels(layers, events)
    m = build_base_map(layers, center=center, zoom=zoom, basemap=basemap, visible_layers=visible_layers,
                       offline=False, labels=labels, dataset=dataset)  # made offline once, with its content, below
    parts = _content(events, layers, claims=claims, color_by=color_by, center=center, zoom=zoom, selected=selected,
                     attribution=attribution, prefer_canvas=prefer_canvas, figure=figure,
                     shade_regions=shade_regions, border_km=border_km, uncertainty=uncertainty,
                     max_markers=max_markers, max_marker_bytes=max_marker_bytes, draw=draw,
                     description=description, memo=_memo(dataset), base=getattr(dataset, "events", None))
    for part in parts:  # each overlay its own layer, so that the layer control can switch it
        part.add_to(m)
    if layer_control:
        folium.LayerControl(collapsed=True).add_to(m)
    return make_offline(m) if offline else m


class _HeatPlugin(JSCSSMixin, MacroElement):
    """Loads Leaflet.heat with the map, for heat layers added to it later."""

    default_js = HeatLayer.default_js


def build_base_map(
    layers: Mapping[str, gpd.GeoDataFrame],
    *,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
    basemap: str = "none",
    visible_layers: Iterable[str] | None = None,
    offline: bool = True,
    labels: pd.DataFrame | None = None,
    home_extent: tuple[float, float, float, float] | None = None,
    dataset=None,
) -> folium.Map:
    """The map without its events: the basemap, the boundary ``layers`` and the place names (``labels``,
    from ``geo.places.labels.place_labels``; by default the countries' and regions' names), see ``build_map``.

    With ``build_map_content`` it makes a map whose events can be replaced while it stays open:
    the dashboard mounts this map once and swaps the content group in it when a filter, the zoom
    (cells) or the look changes, so the browser redraws one layer instead of a whole page. It loads
    every script a content group may need (Leaflet.heat), since a group added later cannot.

    ``home_extent`` (west, south, east, north), given when the map opens on the data's own view: a
    frame too small to show it at ``zoom`` (a phone's) fits it, until the reader moves the map
    (``geo.webmap.inview``). ``dataset``: see ``build_map`` (its labels, and its boundaries encoded once).
    """
    if basemap not in BASEMAPS:
        raise ValueError(f"basemap must be one of {tuple(BASEMAPS)}, not {basemap!r}")
    m = folium.Map(
        location=list(center or DEFAULT_CENTER),
        zoom_start=DEFAULT_ZOOM if zoom is None else zoom,
        tiles=None,
        control_scale=True,
        min_zoom=2,
        max_zoom=18,
        world_copy_jump=True,
    )
    tile = BASEMAPS[basemap]
    if tile:
        folium.TileLayer(tiles=tile["tiles"], attr=tile["attr"], name=tile["name"], overlay=False,
                         control=False).add_to(m)
    shown = set(LAYER_ORDER if visible_layers is None else visible_layers)
    for key in LAYER_ORDER:
        if key in layers and len(layers[key]):  # Mali's own layers are empty for data elsewhere: not drawn
            # the countries layer is the land itself when there is no tile basemap
            BoundaryLayer(key, layers[key], show=key in shown, memo=_memo(dataset)).add_to(m)
    if labels is None:
        labels = dataset.labels if dataset is not None else place_labels(layers)
    PlaceLabels(labels, memo=_memo(dataset)).add_to(m)
    ViewKeeper(home_extent).add_to(m)
    _HeatPlugin().add_to(m)
    if offline:
        make_offline(m)
    return m


#: The name of the group ``build_map_content`` returns.
CONTENT_LAYER_NAME = "Map content"


def build_map_content(
    events: gpd.GeoDataFrame,
    layers: Mapping[str, gpd.GeoDataFrame],
    *,
    claims: pd.DataFrame | None = None,
    color_by: str = "event_type",
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
    selected: str | None = None,
    attribution: str | None = None,
    prefer_canvas: bool | None = None,
    figure: str = "conservative",
    shade_regions: bool = False,
    border_km: float | None = None,
    uncertainty: bool = True,
    max_markers: int = MAX_MARKERS,
    max_marker_bytes: int = MAX_MARKER_BYTES,
    draw: str = "auto",
    description: str | None = None,
    dataset=None,
) -> folium.FeatureGroup:
    """Everything ``build_map`` draws over the boundaries, as one FeatureGroup for a map from
    ``build_base_map``: the events (markers, cells or heat), the region shading, the border zone,
    the uncertainty rings, the legend and the attribution. Removing the group from the map removes
    all of it (canvas and SVG renderers included), so that groups can replace one another in an
    open map. The parameters are ``build_map``'s; ``center`` and ``zoom`` place the cells or heat.

    The group's ``by_zoom`` is True when the events are drawn as cells or heat (past ``max_markers``,
    past the markers' byte budget, or ``draw="heat"``): those are counted for ``center`` and
    ``zoom``, so a map kept open needs a new group at another zoom or once a pan leaves the area
    they cover (``geo.webmap.aggregate.cells_cover``).
    """
    group = folium.FeatureGroup(name=CONTENT_LAYER_NAME, show=True, control=False)
    parts = _content(events, layers, claims=claims, color_by=color_by, center=center, zoom=zoom,
                     selected=selected, attribution=attribution, prefer_canvas=prefer_canvas, figure=figure,
                     shade_regions=shade_regions, border_km=border_km, uncertainty=uncertainty,
                     max_markers=max_markers, max_marker_bytes=max_marker_bytes, draw=draw,
                     description=description, memo=_memo(dataset),
                     base=getattr(dataset, "events", None))
    for part in parts:
        part.add_to(group)
    group.by_zoom = any(isinstance(c, (CellLayer, HeatLayer)) for part in parts
                        for c in getattr(part, "_children", {}).values())
    return make_offline(group)


def _present(column: pd.Series, missing=np.nan) -> list:
    """The distinct values of a column (``missing`` for its missing ones): a compact column's from its codes,
    without making a million objects."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy()
        used = np.flatnonzero(np.bincount(codes[codes >= 0], minlength=len(column.cat.categories)))
        values = list(column.cat.categories[used])
        return values + ([missing] if (codes < 0).any() else [])
    return list(pd.unique(column.astype(object).where(column.notna(), missing)))


def _memo(dataset) -> dict | None:
    """Where a data set keeps what the map makes once for it (``Dataset.memo``); None without one."""
    return getattr(dataset, "memo", None) if dataset is not None else None


def _content(events, layers, *, claims, color_by, center, zoom, selected, attribution, prefer_canvas, figure,
             shade_regions, border_km, uncertainty, max_markers, max_marker_bytes, draw, description=None,
             memo=None, base=None) -> list:
    """The overlays, the events' group and the legend, in drawing order."""
    if draw not in DRAW_MODES:
        raise ValueError(f"draw must be one of {DRAW_MODES}, not {draw!r}")
    if color_by not in COLOR_MODES:
        raise ValueError(f"color_by must be one of {COLOR_MODES}, not {color_by!r}")
    if prefer_canvas is None:  # many markers: a canvas. Cells are few, and drawn as SVG regardless
        prefer_canvas = 1000 < len(events) <= max_markers
    center = center or DEFAULT_CENTER
    zoom = DEFAULT_ZOOM if zoom is None else zoom
    parts = []
    if shade_regions and "admin1" in layers:
        parts.append(region_layer(events, layers))
    if border_km is not None and "algeria_border" in layers:
        parts.append(border_layer(layers, border_km))
    aggregated = draw == "heat" or len(events) > max_markers
    markers = None
    index = claims_index(claims, memo)  # sorted once per data set (with a memo)
    # long texts (notes, claims) can make a few thousand popups heavy: past the budget, cells. Popups whose
    # texts alone pass it are never made; the others are made (all at once) and weighed
    if not aggregated and popup_floor(events, index.of(events["event_id"])) > max_marker_bytes:
        aggregated = True
    if not aggregated:
        markers = markers_layer(events, claims, color_by, figure, selected, canvas=prefer_canvas, index=index)
        aggregated = markers.payload_bytes > max_marker_bytes
    # rings around thousands of aggregated events would hide the cells (the layer caps them anyway)
    rings = uncertainty_layer(events) if uncertainty and not aggregated else None
    if rings is not None:
        parts.append(rings)
    if not aggregated and "datasets_held" in events:  # events held by several data sets: a ring and a count
        held = dataset_rings_layer(events, [marker_radius(f) for f in figures(events, claims, figure, index)],
                                   DATASETS_DISAGREE)
        if held is not None:
            parts.append(held)
    if color_by == "side":
        present = {actor_side(a) for a in _present(events["actor1"], "")}
    else:
        present = set(_present(events["event_type"]))
    cells = heat = None
    if draw == "heat":
        group = folium.FeatureGroup(name=EVENTS_LAYER_NAME, show=True)
        layer, _grid = heat_layer(events, zoom, center)
        layer.add_to(group)
        heat = layer.scale
    elif aggregated:
        group = cells_layer(events, zoom, center, by=color_by, name=EVENTS_LAYER_NAME, base=base, memo=memo)
        cells = cell_summary(next(iter(group._children.values())))[1]
    if aggregated:
        if selected is not None:  # the linked event is drawn on top of the cells, its popup open
            one = events.iloc[np.flatnonzero(events["event_id"].to_numpy() == selected)[:1]]
            if len(one):
                markers_layer(one, claims, color_by, figure, selected, index=index).add_to(group)
    else:
        group = folium.FeatureGroup(name=EVENTS_LAYER_NAME, show=True)
        markers.add_to(group)
    parts.append(group)
    lines = [esc(_(NATURAL_EARTH_ATTRIBUTION).split(".")[0]), esc(_(GEONAMES_ATTRIBUTION).rstrip("."))]
    if attribution:
        lines.append(esc(retranslate(attribution)))
    disputed = index.disputed_count(events, base)
    html = legend_html(color_by, present, len(events), figure, disputed, cells, heat)
    if not aggregated and "datasets_held" in events:  # several data sets: what the rings say
        held = pd.to_numeric(events["datasets_held"], errors="coerce").fillna(1)
        differ = pd.to_numeric(events.get("spread", 1.0), errors="coerce").fillna(1) > DATASETS_DISAGREE
        html += ("<div><i class='held'></i>" + esc(_("in several data sets ({count}; the badge says how many)").format(
                     count=format_number(int((held > 1).sum())))) + "</div><div><i class='held differ'></i>"
                 + esc(_("data sets disagree on the dead ({count})").format(
                     count=format_number(int(((held > 1) & differ).sum())))) + "</div>")
    if not aggregated and "change" in events:  # "changed since": what the marks say
        html += change_legend(events["change"])
    parts.append(MapLegend(html, lines))
    if description is None:
        description = map_description(events, color_by=color_by, disputed=disputed)
    parts.append(MapDescription(description))
    return parts


def build_counted_content(
    cells: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame],
    layers: Mapping[str, gpd.GeoDataFrame],
    *,
    count: int,
    color_by: str = "event_type",
    draw: str = "auto",
    region_counts: pd.DataFrame | None = None,
    border_km: float | None = None,
    selected: gpd.GeoDataFrame | None = None,
    claims: pd.DataFrame | None = None,
    figure: str = "conservative",
    attribution: str | None = None,
) -> folium.FeatureGroup:
    """``build_map_content`` for events counted elsewhere (a database): ``cells`` are ``lod_cells``' (inner,
    outer) for the map's centre and zoom (by ``color_by``; for ``draw="heat"``, by None at the heat's
    cell size), ``count`` the events they hold, ``region_counts`` the shading's counts (see
    ``region_layer``), ``selected`` the open event's row drawn over the cells. Always ``by_zoom``."""
    if draw not in DRAW_MODES:
        raise ValueError(f"draw must be one of {DRAW_MODES}, not {draw!r}")
    if color_by not in COLOR_MODES:
        raise ValueError(f"color_by must be one of {COLOR_MODES}, not {color_by!r}")
    group = folium.FeatureGroup(name=CONTENT_LAYER_NAME, show=True, control=False)
    parts = []
    if region_counts is not None and "admin1" in layers:
        parts.append(region_layer(None, layers, counts=region_counts))
    if border_km is not None and "algeria_border" in layers:
        parts.append(border_layer(layers, border_km))
    events_group = folium.FeatureGroup(name=EVENTS_LAYER_NAME, show=True)
    inner, outer = cells
    n_cells = heat = None
    if draw == "heat":
        layer, _ = heat_from_cells(inner, outer)
        heat = layer.scale
        present = set()
    else:
        layer = CellLayer(inner, outer, color_by)
        n_cells = len(inner) + len(outer)
        present = set(inner["dominant"]) | set(outer["dominant"])
    layer.add_to(events_group)
    if selected is not None and len(selected):  # the linked event is drawn on top of the cells, its popup open
        markers_layer(selected.head(1), claims, color_by, figure, str(selected["event_id"].iloc[0])).add_to(
            events_group)
    parts.append(events_group)
    lines = [NATURAL_EARTH_ATTRIBUTION.split(".")[0], GEONAMES_ATTRIBUTION.rstrip(".")]
    if attribution:
        lines.append(esc(attribution))
    parts.append(MapLegend(legend_html(color_by, present, int(count), figure, 0, n_cells, heat), lines))
    for part in parts:
        part.add_to(group)
    group.by_zoom = True
    return make_offline(group)


__all__ = ["BASEMAPS", "CONTENT_LAYER_NAME", "DRAW_MODES", "MAX_MARKERS", "build_base_map", "build_map",
           "build_map_content", "build_counted_content", "events_geojson", "figure_label", "popup_html"]
