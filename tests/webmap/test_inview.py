"""The map's keeper (geo.webmap.inview) is in every map page; the browser tests (test_browser_layout.py)
check what it does."""

from __future__ import annotations

import json

import geo
from geo.webmap.inview import NARROW_PX, ViewKeeper


def test_the_base_map_carries_the_keeper_and_the_datas_extent(layers):
    extent = (-5.25, 14.83, 2.96, 21.27)
    html = geo.build_base_map(layers, center=(18.08, -1.15), zoom=6, home_extent=extent).get_root().render()
    assert "window.geoKeeper" in html
    assert json.dumps({"home": list(extent)}) in html
    # without the data's extent (a link's own centre), nothing is fitted
    plain = geo.build_base_map(layers, center=(19.9, 2.7), zoom=9).get_root().render()
    assert "window.geoKeeper" in plain and '{"home": null}' in plain


def test_markers_open_in_view_and_the_legend_folds(events, claims, layers):
    html = geo.build_map(events, layers, claims=claims, selected="MLI-2024-07-25-TIN").get_root().render()
    assert "openInView" in html and "autoPan: false" in html  # no animated auto-pan to race the page
    assert "Details below the map." in html  # the phone's short popup
    assert "<details open><summary>' + args.title + '</summary>" in html and '"title": "Legend"' in html
    assert f'"narrow": {NARROW_PX}' in html


def test_the_keeper_keeps_its_extent_as_floats():
    assert ViewKeeper((1, 2, 3, 4)).home == (1.0, 2.0, 3.0, 4.0) and ViewKeeper().home is None
