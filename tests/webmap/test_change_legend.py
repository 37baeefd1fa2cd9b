"""The legend of a "changed since" view lists the change marks (issue 28): each kind drawn, with its count, told
by its shape and in words (not by colour alone), in English and French."""

from __future__ import annotations

import pandas as pd

import geo
from geo.i18n import use_language
from geo.webmap.legend import MAP_CSS, MapLegend, change_legend


def _changed(events, kinds):
    some = events.iloc[: len(kinds)].copy()
    some["change"] = kinds
    some["changed_on"] = pd.Timestamp("2026-11-22", tz="UTC")
    some["change_source"] = "ACLED"
    return some


def _legend(events, layers, **kw) -> str:
    group = geo.build_map_content(events, layers, **kw)
    found = [c for c in group._children.values() if isinstance(c, MapLegend)]
    assert len(found) == 1
    return found[0].html


def test_the_legend_lists_each_change_mark_drawn(events, layers):
    html = _legend(_changed(events, ["added", "revised", "revised", "deleted"]), layers)
    assert "What changed" in html
    assert "added (1): a solid blue ring" in html
    assert "revised (2): a dashed orange ring" in html
    assert "deleted (1): hollow, in its type&#x27;s colour" in html or "deleted (1): hollow, in its type's colour" \
        in html
    for kind in ("added", "revised", "deleted"):
        assert f"<i class='change change-{kind}' aria-hidden='true'></i>" in html


def test_only_the_kinds_drawn_and_nothing_without_changes(events, layers):
    html = _legend(_changed(events, ["deleted", "deleted"]), layers)
    assert "deleted (2)" in html and "added (" not in html and "revised (" not in html
    assert "What changed" not in _legend(events.iloc[:5], layers)
    assert change_legend(pd.Series([], dtype=object)) == ""


def test_marks_told_apart_by_shape_not_colour_alone():
    """A solid ring, a dashed ring, a hollow circle: three shapes, whatever colours a reader sees."""
    rules = {kind: MAP_CSS.split(f".map-legend i.change-{kind} {{")[1].split("}")[0] for kind in
             ("added", "revised", "deleted")}
    assert "solid" in rules["added"] and "dashed" in rules["revised"]
    assert "transparent" in rules["deleted"] and "transparent" not in rules["added"] + rules["revised"]


def test_the_change_legend_in_french(events, layers):
    with use_language("fr"):
        html = _legend(_changed(events, ["added", "revised", "deleted"]), layers)
    assert "What changed" not in html and "a solid blue ring" not in html
    assert "Ce qui a changé" in html and "ajouté (1)" in html and "révisé (1)" in html and "supprimé (1)" in html


def test_cells_carry_no_change_marks_and_no_change_legend(events, layers):
    html = _legend(_changed(events, ["added"] * 5), layers, draw="heat")
    assert "What changed" not in html


def test_the_static_map_draws_and_lists_the_change_marks(events, layers):
    """A "Map of the changes" picture (SVG, PNG, PDF): the rings and the hollow circle drawn, and the legend's
    lines, as the web map's."""
    from geo.static.snapshots import render

    view = geo.View(changed=pd.Timestamp("2026-11-21").date())
    changed = _changed(events, ["added", "revised", "deleted"])
    svg = render(view, "svg", changed, None, layers).decode("utf-8")
    assert "What changed" in svg and "added (1): a solid blue ring" in svg and "revised (1): a dashed orange ring" \
        in svg and "deleted (1): hollow" in svg
    assert "stroke: #0072b2" in svg.lower() and "stroke: #d55e00" in svg.lower()  # the added and revised rings
    plain = render(view, "svg", events.iloc[:3], None, layers).decode("utf-8")
    assert "What changed" not in plain
    assert "stroke: #0072b2" not in plain.lower() and "stroke: #d55e00" not in plain.lower()
