"""A map of counts per region (ACLED's aggregated data): one circle per region, at its centroid, sized by
its number of events; the tooltip says the region and its totals. No event is drawn: the file has none."""

from __future__ import annotations

from collections.abc import Mapping

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from ..extent import extent_of, home_view, places_of
from ..i18n import _, format_number
from ..styles import esc
from .maps import build_base_map

#: The largest circle's radius (pixels); the others by area.
MAX_RADIUS = 28
FILL = "#b2182b"


def totals_map(totals: pd.DataFrame, layers: Mapping[str, gpd.GeoDataFrame], *, measure: str = "events",
               attribution: str | None = None) -> folium.Map:
    """The regions of ``totals`` (``geo.io.aggregated.region_totals``: country, admin1, events, fatalities,
    latitude, longitude) as circles of area ∝ ``measure``, over ``layers``, opened on them. Regions without
    a centroid are not drawn (the page's table lists them)."""
    placed = totals.dropna(subset=["latitude", "longitude"])
    view = home_view(extent_of(places_of(placed))) if len(placed) else None
    m = build_base_map(layers, center=view[0] if view else None, zoom=view[1] if view else None)
    group = folium.FeatureGroup(name=_("Region totals"), show=True)
    top = max(int(placed[measure].max()) if len(placed) else 0, 1)
    for row in placed.sort_values(measure, ascending=False).itertuples(index=False):
        value = int(getattr(row, measure))
        where = ", ".join(esc(v) for v in (getattr(row, "admin2", ""), row.admin1, row.country) if v)
        tip = _("{where}: {events} events, {fatalities} fatalities").format(
            where=where, events=format_number(int(row.events)), fatalities=format_number(int(row.fatalities)))
        folium.CircleMarker(
            location=[float(row.latitude), float(row.longitude)], radius=max(3.0, MAX_RADIUS * np.sqrt(value / top)),
            color="#4a0d16", weight=1, fill=True, fill_color=FILL, fill_opacity=0.55, tooltip=tip,
        ).add_to(group)
    group.add_to(m)
    if attribution:
        m.get_root().html.add_child(folium.Element(
            "<div class='totals-attribution' style='position:absolute;bottom:4px;left:60px;z-index:800;"
            "font:11px system-ui,sans-serif;background:rgba(255,255,255,.85);padding:1px 4px'>"
            + esc(attribution) + "</div>"))
    return m


__all__ = ["totals_map"]
