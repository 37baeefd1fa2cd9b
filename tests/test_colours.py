"""Colour for every reader: the palettes apart under simulated colour-vision deficiencies, disputed
events marked by shape as well as colour, and the map's text readable over every basemap (WCAG 2.1 AA)."""

from __future__ import annotations

import re

import pytest

import geo
from geo.a11y.colours import (
    BASEMAP_BACKGROUNDS,
    MAP_TEXTS,
    MIN_CVD_DELTA_E,
    MIN_TEXT_CONTRAST,
    blend,
    contrast_ratio,
    cvd_distances,
    simulate,
    text_contrasts,
)
from geo.styles import BASEMAPS, EVENT_TYPE_FAMILIES, OTHER_COLOR, SIDE_COLORS, legend_items
from geo.webmap.access import ACCESS_CSS, FOCUS_COLOR
from geo.webmap.labels import LABEL_CSS
from geo.webmap.legend import MAP_CSS, legend_html
from geo.webmap.maps import events_geojson

pytest.importorskip("colorspacious")

#: The colours one legend shows together: by event type, the six families and "Other"; by side, the six sides.
LEGENDS = {
    "event type": {**dict(legend_items("event_type")), "Other": OTHER_COLOR},
    "side": dict(legend_items("side")),
}


def test_wcag_contrast_ratio_matches_known_values():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the lightest AA grey on white
    assert contrast_ratio("#777777", "#ffffff") < 4.5
    assert blend("#ffffff", 0.5, "#000000") == "#808080" and blend("#123456", 1.0, "#ffffff") == "#123456"


def test_simulation_is_colorspacious_machado():
    # deuteranopia folds red and green together
    assert simulate("#ff0000", None) == "#ff0000"
    assert simulate("#d55e00", "deuteranopia") != "#d55e00"
    d = cvd_distances({"red": "#ff0000", "green": "#00ff00"})
    normal = d[d.vision == "normal"].delta_e.item()
    assert d[d.vision == "deuteranopia"].delta_e.item() < normal / 2
    assert set(d.vision) == {"normal", "deuteranopia", "protanopia", "tritanopia"}


@pytest.mark.parametrize("legend", sorted(LEGENDS))
def test_palettes_stay_apart_under_colour_vision_deficiencies(legend):
    d = cvd_distances(LEGENDS[legend])
    n = len(LEGENDS[legend])
    assert len(d) == 4 * n * (n - 1) // 2  # every pair, for normal vision and the three deficiencies
    worst = d.iloc[0]
    assert worst.delta_e >= MIN_CVD_DELTA_E, (
        f"{legend}: {worst.a} and {worst.b} are only ΔE {worst.delta_e:.1f} apart under {worst.vision}")


def test_the_old_palette_fails_the_check():
    """The check has teeth: the grey and magenta replaced here fell below the threshold."""
    old_types = {**EVENT_TYPE_FAMILIES, "Other": "#7f7f7f"}
    old_sides = {**SIDE_COLORS, "Civilians": "#b8307a", "Other": "#7f7f7f"}
    for palette in (old_types, old_sides):
        worst = cvd_distances(palette).iloc[0]
        assert worst.delta_e < MIN_CVD_DELTA_E and worst.vision == "deuteranopia"


def test_every_basemap_has_documented_backgrounds():
    assert set(BASEMAP_BACKGROUNDS) == set(BASEMAPS)
    doc = geo.a11y.colours.__doc__
    for basemap, colours in BASEMAP_BACKGROUNDS.items():
        assert f"``{basemap}``" in doc
        for colour in colours.values():
            assert colour.startswith("#") and len(colour) == 7


def test_map_text_contrast_meets_wcag_aa_over_every_basemap():
    table = text_contrasts()
    assert set(table.basemap) >= set(BASEMAPS)
    assert len(table) >= len(MAP_TEXTS) * sum(len(c) for c in BASEMAP_BACKGROUNDS.values())
    low = table[table.ratio < MIN_TEXT_CONTRAST]
    assert low.empty, low.to_string()


def test_the_contrast_check_catches_leaflets_own_link_colour():
    """Leaflet's default link blue on its 80 % white attribution box falls below AA over OSM's forest:
    why the map sets its own."""
    texts = {"leaflet default": {**MAP_TEXTS["attribution links"], "color": "#0078A8"}}
    assert text_contrasts(texts).ratio.min() < MIN_TEXT_CONTRAST


def _css_colour(css: str, selector: str) -> str | None:
    m = re.search(re.escape(selector) + r"\s*\{[^}]*?(?<![-\w])color:\s*(#[0-9a-fA-F]{3,6})", css)
    return m.group(1).lower() if m else None


def _long(colour: str) -> str:
    h = colour.lstrip("#").lower()
    return "#" + ("".join(c * 2 for c in h) if len(h) == 3 else h)


@pytest.mark.parametrize("name", sorted(MAP_TEXTS))
def test_checked_colours_are_the_ones_the_map_uses(name):
    text = MAP_TEXTS[name]
    found = _css_colour(MAP_CSS + LABEL_CSS + ACCESS_CSS, text["selector"])
    assert found is not None, f"{text['selector']} sets no colour in the map's stylesheet"
    assert _long(found) == _long(text["color"])


def test_focus_ring_is_visible_on_the_map_and_the_page():
    assert contrast_ratio(FOCUS_COLOR, "#ffffff") >= 3 and contrast_ratio(FOCUS_COLOR, "#d7e3ec") >= 3  # WCAG 1.4.11
    assert f"outline: 3px solid {FOCUS_COLOR}" in ACCESS_CSS
    from dashboard.accessibility import PAGE_CSS
    assert ":focus-visible" in PAGE_CSS and FOCUS_COLOR in PAGE_CSS


def test_disputed_events_are_marked_by_shape_not_only_colour(events, claims):
    fc = events_geojson(events, claims, "event_type")
    disputed = [f["properties"]["_style"] for f in fc["features"] if "disputed" in f["properties"]["_style"]["className"]]
    others = [f["properties"]["_style"] for f in fc["features"] if "disputed" not in f["properties"]["_style"]["className"]]
    assert disputed and others
    assert all(s.get("dashArray") for s in disputed) and not any(s.get("dashArray") for s in others)
    html = legend_html("event_type", set(events["event_type"]), len(events), "conservative", len(disputed))
    assert "class='ring'" in html and "dashed" in MAP_CSS.split(".map-legend i.ring", 1)[1].split("}", 1)[0]
    # the static snapshot draws them with a dashed black outline too (and no other black dashes)
    svg = geo.render(geo.View(), "svg", events, claims, geo.load_layers()).decode()
    black_dashes = re.findall(r"stroke-dasharray: [\d.,]+; stroke-dashoffset: 0; stroke: #000000", svg)
    assert black_dashes
    no_claims = geo.render(geo.View(), "svg", events, claims.iloc[:0], geo.load_layers()).decode()
    assert not re.findall(r"stroke-dasharray: [\d.,]+; stroke-dashoffset: 0; stroke: #000000", no_claims)
