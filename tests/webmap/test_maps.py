"""build_map: its layers, markers, popups, legend, escaping and offline assets."""

from __future__ import annotations

import json
import re

import folium
import pytest

import geo
from geo.webmap.assets import external_urls
from geo.webmap.maps import BoundaryLayer, events_geojson
from geo.webmap.markers import EventMarkers

TIN = "MLI-2024-07-25-TIN"


def _events_layer(m: folium.Map) -> EventMarkers:
    for child in m._children.values():
        if isinstance(child, folium.FeatureGroup) and child.layer_name == "Events":
            return next(iter(child._children.values()))
    raise AssertionError("no Events layer")


def test_layers_are_toggleable(events, claims, layers):
    m = geo.build_map(events, layers, claims=claims)
    names = [c.layer_name for c in m._children.values() if hasattr(c, "layer_name")]
    for title in ("Countries", "Regions", "Mali–Algeria border", "Tuareg region (Azawad claim, 2012)",
                  "Events"):
        assert title in names
    assert any(isinstance(c, folium.LayerControl) for c in m._children.values())


def test_one_marker_per_event_styled_and_sized(events, claims, layers):
    layer = _events_layer(geo.build_map(events, layers, claims=claims))
    feats = layer.data["features"]
    assert len(feats) == len(events)
    by_id = {f["properties"]["event_id"]: f for f in feats}
    tin = by_id[TIN]
    assert tin["geometry"]["coordinates"] == pytest.approx([2.7019, 19.9433], abs=1e-3)
    style = tin["properties"]["_style"]
    assert style["fillColor"] == geo.EVENT_TYPE_COLORS["Battles"]
    assert style["color"] == "#000000" and style["dashArray"]  # dashed: its claims disagree
    assert "disputed" in style["className"]
    small = min(feats, key=lambda f: f["properties"]["_style"]["radius"])
    assert style["radius"] > small["properties"]["_style"]["radius"]


def test_colour_by_side(events, claims, layers):
    layer = _events_layer(geo.build_map(events, layers, claims=claims, color_by="side"))
    tin = next(f for f in layer.data["features"] if f["properties"]["event_id"] == TIN)
    assert tin["properties"]["_style"]["fillColor"] == geo.SIDE_COLORS["Tuareg-led rebels"]
    html = geo.build_map(events, layers, color_by="side").get_root().render()
    assert "Initiator" in html and "Tuareg-led rebels" in html


def test_popup_shows_claims_side_by_side_and_sources(events, claims):
    tin = events.set_index("event_id", drop=False).loc[TIN]
    html = geo.popup_html(tin, claims)
    for text in ("Battles", "25 July 2024", "Tinzaouaten", "Kidal", "CSP-DPA", "Wagner Group",
                 "Fatalities", "Claims", "84", "47", "JNIM", "The New York Times", "Sources", "approximate"):
        assert text in html, text
    own = claims[claims["event_id"] == TIN]
    statements = own.groupby(["claimant", "claim_date", "source"], dropna=False).ngroups
    assert html.count("<tr>") == 3 + statements  # sides (2 rows), the claims header, a row per statement
    # each side's claimed losses are written out in the statement's row
    assert "Wagner Group: 84 killed" in html and "Military Forces of Mali (FAMa): 2 killed, 10 wounded" in html
    assert 'href="https://kesq.com/' in html and 'rel="noopener noreferrer"' in html


def test_hostile_text_is_escaped(small_events, small_claims, layers):
    m = geo.build_map(small_events, layers, claims=small_claims)
    page = m.get_root().render()
    data = json.dumps(events_geojson(small_events, small_claims, "event_type"))
    for raw in ("<img src=x onerror", "</script><script>alert(3)", "${alert(2)}", "<b>47</b>"):
        assert raw not in page and raw not in data, raw
    popup = geo.popup_html(small_events.iloc[[e == "T-3" for e in small_events["event_id"]]].iloc[0])
    assert "&lt;img src=x onerror=alert(1)&gt;" in popup
    assert "&#36;{alert(2)}" in popup and "&#96;" in popup
    t1 = geo.popup_html(small_events.set_index("event_id", drop=False).loc["T-1"], small_claims)
    assert 'href="javascript' not in t1 and "javascript:alert(1)" in t1  # shown as text, not a link
    assert 'href="https://example.org/a"' in t1


def test_template_syntax_in_the_data_reaches_the_page_as_text(small_events, layers):
    # every map script is put in the page verbatim: branca parsed each again as a Jinja template,
    # so that a note reading "{{ 7*7 }}" showed 49 and one reading "{% if %}" broke the map
    events = small_events.copy()
    events["notes"] = events["notes"].astype(object)
    events.loc[events.index[0], "notes"] = "total {{ 7*7 }} {% if %} {# x"
    events.loc[events.index[1], "location"] = "{{ config }}"
    for draw, extra in (("auto", {}), ("auto", {"max_markers": 1}), ("heat", {})):
        page = geo.build_map(events, layers, draw=draw, **extra).get_root().render()
        if not extra and draw == "auto":
            assert "total {{ 7*7 }} {% if %} {# x" in page and "total 49" not in page
            assert "{{ config }}" in page


def test_map_loads_no_asset_from_the_internet(events, claims, layers):
    page = geo.build_map(events, layers, claims=claims).get_root().render()
    assert external_urls(page) == []
    assert "data:text/javascript;base64," in page and "data:text/css;base64," in page
    # the online build still exists for those who want it
    online = geo.build_map(events, layers, offline=False).get_root().render()
    assert any("leaflet" in u for u in external_urls(online))


def test_every_element_asset_is_offline(events, layers):
    m = geo.build_map(events, layers)
    m.get_root().render()

    def walk(e):
        yield e
        for c in getattr(e, "_children", {}).values():
            yield from walk(c)

    for element in walk(m):
        for _, url in list(getattr(element, "default_js", [])) + list(getattr(element, "default_css", [])):
            assert url.startswith("data:"), (type(element).__name__, url)


def test_basemap_tiles_are_opt_in(events, layers):
    assert "tile.openstreetmap.org" not in geo.build_map(events, layers).get_root().render()
    assert "tile.openstreetmap.org" in geo.build_map(events, layers, basemap="osm").get_root().render()


def test_view_options(events, layers):
    m = geo.build_map(events, layers, center=(19.9, 2.7), zoom=9, visible_layers=["admin1"], selected=TIN)
    assert m.location == [19.9, 2.7] and m.options["zoom"] == 9
    page = m.get_root().render()
    assert f'"selected":"{TIN}"' in page and "openPopup" in page
    shown = {c.layer_name: c.show for c in m._children.values() if isinstance(c, BoundaryLayer)}
    assert shown["Regions"] is True and shown["Countries"] is False


def test_legend_lists_only_present_types(events, layers):
    battles = geo.filter_events(events, geo.EventFilter(event_types=["Battles"]))
    page = geo.build_map(battles, layers).get_root().render()
    legend = re.search(r'"html": "(.*?)", "attribution"', page).group(1)
    assert "Battles" in legend and "Riots" not in legend
    assert f"{len(battles):,} events" in legend


def test_empty_events_give_an_empty_map(events, layers):
    none = geo.filter_events(events, geo.EventFilter(actors=["Nobody"]))
    layer = _events_layer(geo.build_map(none, layers))
    assert layer.data["features"] == []


@pytest.mark.parametrize("kwargs", [{"color_by": "rainbow"}, {"basemap": "google"}])
def test_bad_options_raise(events, layers, kwargs):
    with pytest.raises(ValueError):
        geo.build_map(events, layers, **kwargs)


def test_build_map_does_not_mutate_inputs(events, claims, layers):
    before = (events.copy(), claims.copy(), {k: v.copy() for k, v in layers.items()})
    geo.build_map(events, layers, claims=claims)
    assert events.equals(before[0]) and claims.equals(before[1])
    for k, v in layers.items():
        assert list(v.columns) == list(before[2][k].columns)


@pytest.mark.parametrize(
    "text",
    ["[click](javascript:alert(1))", "**bold** _it_", "<img src=x onerror=alert(1)>", ":red[alarm] :skull:",
     "$x^2$", "line\nbreak # heading", "![img](http://x/y.png)", "back\\slash `code`"],
)
def test_md_escape_leaves_no_markdown(text):
    from geo.styles import md_escape

    out = md_escape(text)
    assert "\n" not in out
    # every punctuation mark that Markdown could act on is backslash-escaped ...
    i = 0
    while i < len(out):
        if out[i] == "\\":
            i += 2
            continue
        assert out[i] not in "[]()*_<>:$`#!\\-", (out, i)
        i += 1
    # ... and unescaping gives the text back
    import re

    assert re.sub(r"\\(.)", r"\1", out) == text.replace("\n", " ")


def test_a_crowded_place_lists_a_few_and_counts_the_rest(events, layers):
    import pandas as pd

    from geo.webmap.maps import SAME_PLACE_LISTED

    crowd = pd.concat([events.iloc[[0]]] * 40, ignore_index=True)
    crowd["event_id"] = [f"X{i}" for i in range(len(crowd))]
    popup = events_geojson(crowd, None, "event_type")["features"][0]["properties"]["_popup"]
    assert "Also at this place</h3> (39;" in popup
    assert popup.count("<li>") == SAME_PLACE_LISTED + 1 and f"and {39 - SAME_PLACE_LISTED:,} more" in popup


def test_layer_control_can_be_left_out(events, layers):
    assert not any(isinstance(c, folium.LayerControl)
                   for c in geo.build_map(events, layers, layer_control=False)._children.values())


def test_the_dashboard_map_is_a_base_and_one_content_group(events, claims, layers):
    from geo.webmap.assets import asset_uri
    from geo.webmap.legend import MapLegend

    base = geo.build_base_map(layers, center=(19.9, 2.7), zoom=8, visible_layers=["admin1"])
    page = base.get_root().render()
    # the boundaries and no events; Leaflet.heat loaded for a heatmap group added later
    assert "event-marker" not in page and "map-legend" not in page
    assert asset_uri("leaflet-heat.js") in page and external_urls(page) == []
    group = geo.build_map_content(events, layers, claims=claims, shade_regions=True, border_km=50)
    assert isinstance(group, folium.FeatureGroup) and not group.control
    parts = list(group._children.values())
    assert [type(p).__name__ for p in parts] == ["FeatureGroup", "FeatureGroup", "FeatureGroup", "FeatureGroup",
                                                 "MapLegend", "MapDescription"]
    # regions, border zone, rings, events, legend, the text alternative
    drawn = next(c for p in parts for c in p._children.values() if isinstance(c, EventMarkers))
    whole = _events_layer(geo.build_map(events, layers, claims=claims))
    assert drawn.data == whole.data  # the same markers as build_map's
    assert isinstance(parts[-2], MapLegend) and f"{len(events):,} events" in parts[-2].html


def test_a_copy_of_a_content_group_shares_its_data_not_its_elements(events, layers):
    import copy


    group = geo.build_map_content(events, layers)
    twin = copy.deepcopy(group)
    original = next(c for p in group._children.values() for c in p._children.values() if isinstance(c, EventMarkers))
    copied = next(c for p in twin._children.values() for c in p._children.values() if isinstance(c, EventMarkers))
    assert copied is not original and copied.data is original.data  # read-only data: shared
    copied._id = "renamed"  # what streamlit-folium does to the elements it is given
    assert original._id != "renamed" and copied._parent is not original._parent
