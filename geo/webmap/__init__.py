"""The interactive Folium map: boundary layers, event markers and popups, cells and heatmap
for large data, overlays, the legend, offline Leaflet assets and the scripts that carry data.

Uses the core only; the snapshots (``geo.static``) build on it, never the other way.
"""
