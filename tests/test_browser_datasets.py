"""Several data sets in the dashboard, in a real browser: an ACLED-style and a UCDP-style file of the
same events, matched, each matched event drawn once with both data sets' figures in its popup."""

from __future__ import annotations

import time

import pytest

from conftest import FIXTURES
from test_browser import CHROMIUM, CHROMIUM_ARGS, open_popups, start_dashboard, stop_dashboard, sync_api  # noqa: F401

import geo
from geo.sources.dataset import Dataset

pytestmark = pytest.mark.browser

ACLED = FIXTURES / "acled" / "acled_mali.csv"
UCDP = FIXTURES / "ucdp" / "ged_mali.csv"


@pytest.fixture(scope="module")
def two_sets():
    proc, url = start_dashboard({"GEO_EVENTS": f"ACLED={ACLED},UCDP GED={UCDP}"})
    yield url
    stop_dashboard(proc)


@pytest.fixture()
def page():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = b.new_context(viewport={"width": 1400, "height": 1200})
        pg = context.new_page()
        pg.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("data:", "http://127.0.0.1"))
                 else r.abort())
        yield pg
        b.close()


def wait_markers(page, n):
    frame = page.frame_locator('iframe[title*="st_folium"]')
    markers = frame.locator("path.event-marker")
    deadline = time.time() + 90
    while markers.count() != n and time.time() < deadline:
        page.wait_for_timeout(250)
    assert markers.count() == n
    return frame, markers


def test_two_datasets_one_popup_with_both_figures(page, two_sets):
    data = Dataset.from_sources([f"ACLED={ACLED}", f"UCDP GED={UCDP}"], use_cache=False)
    drawn = geo.matched_events(data.events, data.matches, data.claims)
    assert len(drawn) < len(data.events)  # the Tinzaouaten battle is in both: drawn once
    page.goto(two_sets)
    page.wait_for_selector('[data-testid="stApp"]', timeout=60_000)
    frame, markers = wait_markers(page, len(drawn))
    # the matched event has its ring and its count of data sets
    assert frame.locator("path.dataset-ring").count() == int((drawn["datasets_held"] > 1).sum()) >= 1
    assert "2" in frame.locator(".dataset-count span").first.inner_text()
    texts = open_popups(frame, markers, until=lambda t: "In 2 data sets" in t)
    popup = next(t for t in texts if "In 2 data sets" in t)
    # both data sets' records side by side: ACLED's figure, UCDP's best with its low and high
    assert "ACLED" in popup and "UCDP GED" in popup
    assert "MLI90001" in popup and "UCDP-500001" in popup
    assert "47 (low 40, high 120)" in popup
    assert "Military Forces of Mali (2021-)" in popup and "Government of Mali" in popup
    app_text = page.locator('[data-testid="stApp"]').inner_text()
    assert "Data sets" in app_text and "matched pairs of records" in app_text
    # one import report per file
    assert "Import report of ACLED: 5 of 10 rows used, 5 rejected" in app_text
    assert "Import report of UCDP GED:" in app_text
    # an actor chosen in UCDP's spelling keeps ACLED's records of it too (the alias table)
    page.goto(two_sets + "/?actor=Government+of+Mali")
    page.wait_for_selector('[data-testid="stApp"]', timeout=60_000)
    army = geo.filter_events(data.events, geo.EventFilter(actors=["Government of Mali",
                                                                  "Military Forces of Mali (2021-)"]))
    frame, markers = wait_markers(page, len(geo.matched_events(army, data.matches, data.claims)))
    assert "Also the same actor in other data sets: Military Forces of Mali (2021-)" in \
        page.locator('[data-testid="stSidebar"]').inner_text()
    page.goto(two_sets)
    page.wait_for_selector('[data-testid="stApp"]', timeout=60_000)
    frame, markers = wait_markers(page, len(drawn))
    # the coverage filter: only the events one data set holds
    page.locator('[data-testid="stSidebar"]').get_by_text("Held by only one data set").click()
    wait_markers(page, int((drawn["datasets_held"] == 1).sum()))
    assert frame.locator("path.dataset-ring").count() == 0
    deadline = time.time() + 30
    while "cover=one" not in page.url and time.time() < deadline:  # the share link holds it
        page.wait_for_timeout(250)
    assert "cover=one" in page.url
