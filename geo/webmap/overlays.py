"""Analysis layers drawn over the map: events by region, the border zone, and the
uncertainty of approximate locations."""

from __future__ import annotations

import json
import weakref
from collections.abc import Mapping

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from folium.template import Template
from folium.utilities import JsCode

from ..analysis import border_crs, border_names, by_region, measured_borders
from .scripting import ScriptElement, script_json
from ..i18n import _, current_language, format_decimal, format_number, ngettext
from ..styles import esc

#: Sequential colours (light to dark) for the regional choropleth.
CHOROPLETH_COLORS = ("#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000")
#: Radius drawn around an approximate location, by ACLED geo_precision, in metres.
UNCERTAINTY_M = {2: 10_000, 3: 50_000}
#: Past this many approximate events the rings are not drawn (they would hide the map).
MAX_RINGS = 2_000

_TOOLTIP_JS = JsCode("function (f, layer) { layer.bindTooltip(f.properties._tip, {sticky: true}); }")


def _classes(values: pd.Series) -> list[float]:
    """Upper bounds of up to five classes over the non-zero values (quantiles, rounded up)."""
    positive = values[values > 0]
    if positive.empty:
        return []
    qs = sorted({int(-(-positive.quantile(q) // 1)) for q in (0.2, 0.4, 0.6, 0.8, 1.0)})
    return qs


def region_layer(events: pd.DataFrame | None, layers: Mapping[str, gpd.GeoDataFrame], *, measure: str = "events",
                 show: bool = True, counts: pd.DataFrame | None = None, memo: dict | None = None) -> folium.FeatureGroup:
    """A choropleth of Mali's regions by number of events (or fatalities), from a spatial join; or from
    ``counts`` (events and fatalities indexed by region name, as a database counts them) instead of ``events``.

    ``memo`` (a data set's) keeps the shading of the last ``events`` drawn: the same events at another zoom or
    place (a pan, a zoom) are not counted and encoded again."""
    name = _("Regions by events") if measure == "events" else _("Regions by fatalities")
    key = ("region_layer", id(layers["admin1"]))
    found = memo.get(key) if memo is not None and counts is None and events is not None else None
    said = (len(events), measure, current_language()) if found is not None else None
    if found is not None and found[0]() is events and found[1] == said:
        text = found[2]
    else:
        text = _region_json(events, layers, measure, counts)
        if memo is not None and counts is None and events is not None:
            memo[key] = (weakref.ref(events), (len(events), measure, current_language()), text)
    group = folium.FeatureGroup(name=name, show=show)
    folium.GeoJson(
        text,
        name="region shading",
        style_function=lambda f: {"fillColor": f["properties"]["_fill"], "fillOpacity": 0.55,
                                  "color": "#555", "weight": 1},
        on_each_feature=_TOOLTIP_JS,
        control=False,
    ).add_to(group)
    return group


def _region_json(events, layers, measure: str, counts) -> str:
    """The regions' GeoJSON, each with its fill and tooltip (``region_layer``)."""
    if counts is None:
        regions = by_region(events, layers)
    else:
        regions = layers["admin1"][["admin1_code", "name", "geometry"]].copy()
        for col in ("events", "fatalities"):
            regions[col] = regions["name"].map(counts[col]).fillna(0).astype(int)
    bounds = _classes(regions[measure])

    def color(value: int) -> str:
        if value <= 0:
            return "#ffffff"
        for i, upper in enumerate(bounds):
            if value <= upper:
                return CHOROPLETH_COLORS[min(i, len(CHOROPLETH_COLORS) - 1)]
        return CHOROPLETH_COLORS[-1]

    regions["_fill"] = regions[measure].map(color)
    regions["_tip"] = [
        f"<b>{esc(r['name'])}</b><br>" + esc(
            ngettext("{count} event", "{count} events", int(r["events"])).format(count=format_number(int(r["events"]))) + " · "
            + _("{count} fatalities").format(count=format_number(int(r["fatalities"]))))
        for _row, r in regions.iterrows()
    ]
    return regions[["name", "_fill", "_tip", "geometry"]].to_json()


def border_zone(layers: Mapping[str, gpd.GeoDataFrame], km: float) -> gpd.GeoDataFrame:
    """The area within ``km`` of the border ``border_km`` measures to (``geo.analysis.measured_borders``:
    the Mali–Algeria border for data in Mali, else the land borders of the data's countries), in EPSG:4326."""
    lines = measured_borders(layers)
    if lines.empty:
        return gpd.GeoDataFrame({"km": []}, geometry=gpd.GeoSeries([], crs="EPSG:4326"))
    crs = border_crs(lines)
    zone = gpd.GeoSeries([lines.to_crs(crs).union_all()], crs=crs).buffer(km * 1000, quad_segs=16).to_crs("EPSG:4326")
    return gpd.GeoDataFrame({"km": [km]}, geometry=zone.to_numpy(), crs="EPSG:4326")


def border_layer(layers: Mapping[str, gpd.GeoDataFrame], km: float) -> folium.FeatureGroup:
    zone = border_zone(layers, km)
    names = border_names(layers)
    if names:  # the borders of the data's countries (outside Mali)
        tip = name = _("Within {km} km of the borders {names}").format(km=format_decimal(km, 3), names=", ".join(names))
    else:
        tip = _("Within {km} km of the Mali–Algeria border").format(km=format_decimal(km, 3))
        name = _("Within {km} km of the Algeria border").format(km=format_decimal(km, 3))
    zone["_tip"] = esc(tip)
    group = folium.FeatureGroup(name=name, show=True)
    folium.GeoJson(
        zone[["_tip", "geometry"]].to_json(),
        name="border zone",
        style_function=lambda f: {"fillColor": "#c0392b", "fillOpacity": 0.08, "color": "#c0392b",
                                  "weight": 1, "dashArray": "2 4"},
        on_each_feature=_TOOLTIP_JS,
        control=False,
    ).add_to(group)
    return group


class _Rings(ScriptElement):
    """Dashed rings drawn by one script into the parent FeatureGroup; ``rings`` holds
    ``[lat, lon, radius in metres]`` rows (a folium ``Circle`` each would cost ~1 ms and 600 bytes)."""

    _read_only = ("rings",)
    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function(group, rows){ for (var i = 0; i < rows.length; i++) {"
        " L.circle([rows[i][0], rows[i][1]], {radius: rows[i][2], color: '#555555', weight: 1,"
        " dashArray: '3 3', fill: false, interactive: false, className: 'uncertainty-ring'}).addTo(group); }"
        " })({{ this._parent.get_name() }}, {{ this.data }});"
        "{% endmacro %}"
    )

    def __init__(self, rings: list[list[float]]):
        super().__init__()
        self._name = "Rings"
        self.rings = rings
        self.data = json.dumps(rings, separators=(",", ":"))  # numbers only


def uncertainty_layer(events: pd.DataFrame) -> folium.FeatureGroup | None:
    """Dashed rings around events whose place is approximate (geo_precision 2 or 3)."""
    precision = pd.to_numeric(events["geo_precision"], errors="coerce").to_numpy()
    approx = np.isin(precision, list(UNCERTAINTY_M))
    if not approx.any() or approx.sum() > MAX_RINGS:
        return None
    lat = events["latitude"].to_numpy(dtype=float)[approx]
    lon = events["longitude"].to_numpy(dtype=float)[approx]
    radius = [UNCERTAINTY_M[int(p)] for p in precision[approx]]
    group = folium.FeatureGroup(name=_("Location uncertainty"), show=True)
    _Rings([[round(float(a), 6), round(float(o), 6), r] for a, o, r in zip(lat, lon, radius)]).add_to(group)
    return group


class _DatasetRings(ScriptElement):
    """Around each event held by several data sets, a ring (a circle marker a few pixels wider than
    the event's) and a badge with the number of data sets; the ring is dashed red when their
    figures disagree. ``rows`` are ``[lat, lon, radius px, count, disagree (0/1), tooltip]``."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function(group, rows){ for (var i = 0; i < rows.length; i++) { var r = rows[i];"
        " L.circleMarker([r[0], r[1]], {radius: r[2], color: r[4] ? '#b00020' : '#5b2a86', weight: 2.5,"
        " dashArray: r[4] ? '5 3' : null, fill: false, interactive: false,"
        " className: r[4] ? 'dataset-ring datasets-disagree' : 'dataset-ring'}).addTo(group);"
        " L.marker([r[0], r[1]], {interactive: false, keyboard: false, icon: L.divIcon({className: 'dataset-count',"
        " html: '<span title=\"' + r[5] + '\">' + r[3] + '</span>', iconSize: [16, 16],"
        " iconAnchor: [-r[2] + 6, r[2] + 4]})}).addTo(group); }"
        " })({{ this._parent.get_name() }}, {{ this.data }});"
        "{% endmacro %}"
    )

    def __init__(self, rows: list[list]):
        super().__init__()
        self._name = "DatasetRings"
        self.rows = rows
        self.data = script_json(rows)


def dataset_rings_layer(events: pd.DataFrame, radius_px, disagree: float) -> folium.FeatureGroup | None:
    """Rings and counts around the events held by several data sets (``geo.matched_events``' rows:
    ``datasets_held``, ``held_by``, ``spread``); ``radius_px`` are the events' circle radii."""
    if "datasets_held" not in events:
        return None
    held = pd.to_numeric(events["datasets_held"], errors="coerce").fillna(1).to_numpy()
    multi = held > 1
    if not multi.any() or multi.sum() > MAX_RINGS:
        return None
    spread = pd.to_numeric(events["spread"], errors="coerce").fillna(1).to_numpy() if "spread" in events \
        else np.ones(len(events))
    lat = events["latitude"].to_numpy(dtype=float)
    lon = events["longitude"].to_numpy(dtype=float)
    names = events["held_by"].astype(str).to_numpy() if "held_by" in events else np.full(len(events), "")
    radius = np.asarray(radius_px, dtype=float)
    rows = []
    for k in np.flatnonzero(multi):
        tip = _("in {count} data sets: {names}").format(count=int(held[k]), names=names[k]) + (
            _("; their figures differ {factor}x").format(factor=format_decimal(spread[k], 1))
            if spread[k] > disagree else "")
        rows.append([round(float(lat[k]), 6), round(float(lon[k]), 6), float(radius[k]) + 4, int(held[k]),
                     int(spread[k] > disagree), esc(tip)])
    group = folium.FeatureGroup(name=_("Data sets holding each event"), show=True)
    _DatasetRings(rows).add_to(group)
    return group
