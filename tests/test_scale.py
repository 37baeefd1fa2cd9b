"""The dashboard on a large file, in headless Chromium: the map draws cells, not markers, and a
filter change keeps the user's view."""

from __future__ import annotations

import time

import pytest

from test_browser import browser, leaflet_view, start_dashboard, stop_dashboard, sync_api  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

#: Events in the file: well past MAX_MARKERS, small enough for the app to load in seconds.
N_EVENTS = 100_000


@pytest.fixture(scope="module")
def big_dashboard(tmp_path_factory):
    from geo.bench.synthetic import synthetic_events

    path = tmp_path_factory.mktemp("scale") / "events_100k.csv"
    synthetic_events(N_EVENTS, seed=5).drop(columns="geometry").to_csv(path, index=False, date_format="%Y-%m-%d")
    proc, url = start_dashboard({"GEO_EVENTS": str(path)})
    yield url
    stop_dashboard(proc)


def _cells(page, timeout: float = 120):
    """The map's frame and its cell circles, once drawn."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout * 1000)
    page.wait_for_selector('iframe[title*="st_folium"]', timeout=timeout * 1000)
    frame = page.frame_locator('iframe[title*="st_folium"]')
    cells = frame.locator("path.event-cell")
    deadline = time.time() + timeout
    while cells.count() == 0 and time.time() < deadline:
        page.wait_for_timeout(250)
    assert cells.count() > 0
    return frame, cells


def _read(page, what: str, default=None):
    """Read from the map's frame; None while it is being remounted (two frames for a moment)."""
    frame = page.frame_locator('iframe[title*="st_folium"]')
    try:
        if what == "legend":
            return frame.locator(".map-legend").inner_text(timeout=2000)
        return frame.locator("path.event-cell").count()
    except sync_api.Error:
        return default


def _wait(page, condition, timeout: float) -> None:
    deadline = time.time() + timeout
    while not condition() and time.time() < deadline:
        page.wait_for_timeout(250)
    assert condition()


def _new_legend(page, before: str, timeout: float = 60) -> str:
    """The map's legend once the map has been redrawn with other cells (or ``before`` at the timeout)."""
    legend = before
    deadline = time.time() + timeout
    while (legend == before or not _read(page, "cells", 0)) and time.time() < deadline:
        page.wait_for_timeout(250)
        legend = _read(page, "legend", before)
    return legend


def test_a_large_file_draws_cells_and_keeps_the_view_across_a_filter_change(browser, big_dashboard):
    page = browser.new_context(viewport={"width": 1400, "height": 1200}).new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(big_dashboard)
    frame, cells = _cells(page)
    assert frame.locator("path.event-marker").count() == 0  # aggregated: no marker per event
    legend = frame.locator(".map-legend").inner_text()
    assert f"{N_EVENTS:,} events in" in legend and "circles" in legend
    # zoom and filters redraw the cells in the mounted map (no remount: the mark stays)
    next(f for f in page.frames if "streamlit_folium" in f.url).evaluate("() => { window.__mounted = true; }")
    # a cell tells its count on hover
    cells.first.dispatch_event("mouseover")
    assert "event" in frame.locator(".leaflet-tooltip").first.inner_text(timeout=10_000)
    # zoom in with the map's control, as a user would, then change a filter (the map opens on the data's
    # own view: its zoom fits the data)
    z = leaflet_view(page)[2] + 1
    frame.locator(".leaflet-control-zoom-in").click()
    _wait(page, lambda: f"z={z}" in page.url, 30)
    # the cells are redrawn for the new zoom at once, not at the user's next action
    zoomed = _new_legend(page, legend)
    assert zoomed != legend and "circles" in zoomed
    assert f"z={z}" in page.url and leaflet_view(page)[2] == z
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.locator('[data-testid="stMultiSelect"]').first.click()
    page.keyboard.type("JNIM")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    _wait(page, lambda: "actor=JNIM" in page.url, 60)
    # the map is redrawn with the filtered events' cells ...
    legend = _new_legend(page, zoomed)
    assert legend != zoomed and "circles" in legend
    assert _read(page, "cells", 0) > 0
    # ... where the user had put it
    assert f"z={z}" in page.url
    assert leaflet_view(page)[2] == z
    assert next(f for f in page.frames if "streamlit_folium" in f.url).evaluate("() => window.__mounted === true")
    # each redraw took the last one's cells, legend and SVG renderer away (the cells' renderer; the
    # boundaries have their own, in their own pane)
    assert frame.locator(".map-legend").count() == 1
    assert frame.locator(".leaflet-overlay-pane svg").count() == 1
    assert frame.locator(".leaflet-boundaries-pane svg").count() == 1
    assert errors == []
    page.context.close()


def test_cells_drawn_for_long_texts_follow_the_zoom_too(browser, tmp_path):
    # 600 events with 5 kB notes are past the markers' byte budget, not past MAX_MARKERS: drawn as
    # cells all the same, which must be counted again at a new zoom like any other cells
    from geo.bench.synthetic import synthetic_events

    path = tmp_path / "wordy.csv"
    events = synthetic_events(600, seed=4).drop(columns="geometry")
    events = events.assign(notes=events["event_id"] + ": a long note. " * 400)  # each event's own, as ACLED's
    events.to_csv(path, index=False, date_format="%Y-%m-%d")
    proc, url = start_dashboard({"GEO_EVENTS": str(path)})
    page = browser.new_context(viewport={"width": 1400, "height": 1200}).new_page()
    try:
        page.goto(url)
        frame, _ = _cells(page)
        legend = frame.locator(".map-legend").inner_text()
        assert "600 events in" in legend
        z = leaflet_view(page)[2] + 1
        frame.locator(".leaflet-control-zoom-in").click()
        _wait(page, lambda: f"z={z}" in page.url, 30)
        zoomed = _new_legend(page, legend)
        assert zoomed != legend and "600 events in" in zoomed
    finally:
        page.context.close()
        stop_dashboard(proc)
