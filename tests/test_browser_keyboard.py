"""The keyboard's way in: the page's first two tab stops skip to the filters and to the map, and the
filters come before the map's events (reached within 5 tab stops of the page's start)."""

from __future__ import annotations

import pytest
from test_browser import browser, dashboard  # noqa: F401 (the module's dashboard and browser)
from test_browser_a11y import active, open_page, page, settle  # noqa: F401

pytestmark = pytest.mark.browser


def focused_text(page) -> str:
    return page.evaluate("() => (document.activeElement.textContent || '').trim()")


def test_the_first_tab_stops_skip_to_the_filters_and_to_the_map(page, dashboard):  # noqa: F811
    open_page(page, dashboard)
    page.keyboard.press("Tab")
    assert focused_text(page) == "Skip to the filters"
    box = page.evaluate("() => { const r = document.activeElement.getBoundingClientRect();"
                        " return [r.left, r.top, r.width, r.height]; }")
    assert box[0] >= 0 and box[1] >= 0 and box[2] > 20  # shown while it has the focus
    page.keyboard.press("Tab")
    assert focused_text(page) == "Skip to the map"
    page.keyboard.press("Tab")
    assert active(page)["frame"] == "page"  # on to the sidebar's controls, not the map's events


def test_the_filters_are_within_5_tab_stops_of_the_pages_start(page, dashboard):  # noqa: F811
    open_page(page, dashboard)
    stops = 1
    page.keyboard.press("Tab")
    assert focused_text(page) == "Skip to the filters"
    page.keyboard.press("Enter")
    while True:
        page.keyboard.press("Tab")
        stops += 1
        now = active(page)
        assert now["frame"] == "page", "the map's events came before the filters"
        if now["tag"] == "INPUT" and now["name"] == "Actors":
            break
        assert stops < 5, now
    assert stops <= 5
    # and a filter taken from there applies
    page.keyboard.type("CSP-DPA")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    settle(page)
    assert "actor=CSP-DPA" in page.url


def test_skip_to_the_map_goes_to_the_map(page, dashboard):  # noqa: F811
    open_page(page, dashboard)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert focused_text(page) == "Skip to the map"
    page.keyboard.press("Enter")
    for _ in range(3):
        page.keyboard.press("Tab")
        if active(page)["frame"] == "map":
            break
    focused = active(page)
    assert focused["frame"] == "map" and focused["name"] == "Map of conflict events"
    assert page.errors == []
