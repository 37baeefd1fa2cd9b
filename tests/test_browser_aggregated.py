"""ACLED's aggregated data dropped on the sidebar (issue 25), in Chromium: region totals on the map, the
counts, one sentence on why event-level controls are not offered; other sessions keep their events."""

from __future__ import annotations

import time

import pytest

from conftest import FIXTURES
from test_browser import browser, open_map, page, start_dashboard, stop_dashboard  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def dashboard():
    proc, url = start_dashboard()
    yield url
    stop_dashboard(proc)


def test_an_uploaded_aggregated_file_shows_region_totals(page, dashboard, events):  # noqa: F811
    open_map(page, dashboard, len(events))
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        str(FIXTURES / "aggregated" / "acled_aggregated_weekly.csv"))
    app = page.locator('[data-testid="stApp"]')
    deadline = time.time() + 60
    # the run ends when the last of the events' page (its elements stay until replaced) is gone
    while not ("Counts over time" in app.inner_text() and "Open an event" not in app.inner_text()) \
            and time.time() < deadline:
        page.wait_for_timeout(250)
    text = app.inner_text()
    assert "numbers of events and fatalities per region and week, not single events" in text
    assert "Region totals" in text and "Counts over time" in text and "Open an event" not in text
    assert "Download this view" not in text
    frame = page.frame_locator('iframe[title*="st_folium"]')
    circles = frame.locator("path.leaflet-interactive")
    deadline = time.time() + 30
    while circles.count() < 4 and time.time() < deadline:
        page.wait_for_timeout(250)
    assert circles.count() >= 4  # Kidal, Mopti, Gao, Tombouctou
    assert frame.locator("path.event-marker").count() == 0
