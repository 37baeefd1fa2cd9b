"""The benchmarks (``python -m geo.bench``): the map at scale, the PostGIS database at 10M events, matching across data sets, and their synthetic events; the library itself never imports them."""
