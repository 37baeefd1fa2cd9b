"""Snapshot captions name the borders of the data's own countries (issue 24): a border filter on
Afghanistan data reads "the borders Afghanistan–Pakistan, …", never "the Algeria border" (Mali's)."""

from __future__ import annotations

import dataclasses

import pytest

import geo
from conftest import FIXTURES
from geo.static.captions import snapshot_text
from geo.static.snapshots import render

AFGHANISTAN = FIXTURES / "real" / "acled_afghanistan_2023.csv"


@pytest.fixture(scope="module")
def afghan():
    return geo.read_events(AFGHANISTAN)[0]


@pytest.mark.parametrize("lang, says, never", [
    ("en", "Within 20 km of the borders Afghanistan–Pakistan", "Algeria"),
    ("fr", "Afghanistan–Pakistan", "algérienne"),
])
def test_a_border_filter_outside_mali_names_the_datas_borders(afghan, lang, says, never):
    view = geo.View(filter=geo.EventFilter(max_border_km=20), lang=lang)
    lines = snapshot_text(afghan, view).filters
    assert any(says in line for line in lines), lines
    assert not any(never in line for line in lines), lines


def test_the_html_snapshot_and_the_image_metadata_say_the_same(afghan):
    view = geo.View(filter=geo.EventFilter(max_border_km=20))
    html = render(view, "html", afghan)
    assert "Afghanistan–Pakistan" in html and "Algeria border" not in html
    svg = render(view, "svg", afghan, width_px=400, dpi=50)
    svg = svg.decode() if isinstance(svg, bytes) else svg
    assert "Afghanistan–Pakistan" in svg and "Algeria border" not in svg


def test_data_in_mali_keeps_the_algeria_border(events):
    view = geo.View(filter=geo.EventFilter(max_border_km=20))
    assert snapshot_text(events, view).filters == ["Within 20 km of the Algeria border"]
    assert snapshot_text(events, dataclasses.replace(view, lang="fr")).filters == [
        "À moins de 20 km de la frontière algérienne"]
