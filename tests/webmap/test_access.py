"""The interactive map for keyboard and screen-reader users (geo.webmap.access, geo.webmap.markers)."""

from __future__ import annotations

import geo
from geo.webmap.access import MAP_LABEL, MapDescription
from geo.webmap.markers import EventMarkers


def _parts(group):
    return list(group._children.values())


def test_content_carries_the_maps_text_alternative(events, layers, claims):
    group = geo.build_map_content(events, layers, claims=claims)
    desc = [p for p in _parts(group) if isinstance(p, MapDescription)]
    assert len(desc) == 1
    assert desc[0].text.startswith(f"Map of {len(events)} conflict events")
    assert "Places with the most events" in desc[0].text and "claims that disagree" in desc[0].text
    own = geo.build_map_content(events, layers, claims=claims, description="Seen from <here> & there")
    text = next(p for p in _parts(own) if isinstance(p, MapDescription))
    assert text.text == "Seen from <here> & there" and "<here>" not in text.args  # JSON for a <script>


def test_the_map_page_names_and_describes_the_region(events, layers, claims):
    page = geo.build_map(events, layers, claims=claims, description="Forty-five events.").get_root().render()
    for needed in ("'role', 'region'", "aria-describedby", "geo-map-description", MAP_LABEL, "Forty-five events.",
                   "map.keyboard.enable()", ":focus-visible"):
        assert needed in page, needed


def test_svg_markers_are_buttons_canvas_markers_are_listed_instead(events, layers, claims):
    svg = next(c for p in _parts(geo.build_map_content(events, layers, claims=claims))
               for c in getattr(p, "_children", {}).values() if isinstance(c, EventMarkers))
    assert '"canvas":false' in svg.args.replace(" ", "")
    for needed in ("setAttribute('tabindex', '0')", "setAttribute('role', 'button')", "'aria-label'",
                   "layer.fire('click'", "e.key === 'Enter'", "e.key === ' '", "'dialog'"):
        assert needed in svg.code, needed
    assert "if (!args.canvas) { reachable(" in svg.code


def test_cells_are_buttons_that_zoom_in(events, layers):
    from geo.webmap.aggregate import CellLayer

    group = geo.build_map_content(events, layers, max_markers=5)
    cells = next(c for p in _parts(group) for c in getattr(p, "_children", {}).values() if isinstance(c, CellLayer))
    for needed in ("setAttribute('tabindex', '0')", "setAttribute('role', 'button')", "'aria-label'",
                   "e.key === 'Enter'", "m.fire('click'", "': zoom in'"):
        assert needed in cells.code, needed
