"""The dashboard on a PostGIS database in a real browser: the map past the markers is drawn from cells
the database counted, a filter that leaves few events draws their markers (fetched as rows), the
figures are the database's, and a zoom rebuilds the cells; a real server (the pg_server fixture)."""

from __future__ import annotations

import re
import time

import pytest

from test_browser import CHROMIUM_ARGS, CHROMIUM, start_dashboard, stop_dashboard, sync_api  # noqa: F401

import geo
from geo.bench.synthetic import synthetic_events
from geo.db.postgis import PostgisSource

pytestmark = pytest.mark.browser
FRAME = 'iframe[title*="st_folium"]'


@pytest.fixture(scope="module")
def database(pg_server):
    url = pg_server.create_database("t_browser_pushdown")
    src = PostgisSource(url)
    src.init()
    src.bulk_load([geo.compact_events(geo.enrich(synthetic_events(6_000, seed=21), geo.load_layers()))])
    return url, src.events()


@pytest.fixture(scope="module")
def app(database):
    proc, url = start_dashboard({"GEO_EVENTS": database[0]})
    yield url
    stop_dashboard(proc)


@pytest.fixture()
def page():
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pg = browser.new_context(viewport={"width": 1400, "height": 1200}).new_page()
        pg.errors = []
        pg.on("pageerror", lambda e: pg.errors.append(str(e)))
        yield pg
        browser.close()


def wait(cond, page, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while not cond() and time.time() < deadline:
        page.wait_for_timeout(250)
    assert cond()


def metric(page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return box.locator('[data-testid="stMetricValue"]').inner_text()


def test_cells_from_the_database_then_markers_of_a_narrow_filter(page, app, database):
    _, mem = database
    page.goto(app)
    page.wait_for_selector(FRAME, timeout=90_000)
    frame = page.frame_locator(FRAME)
    wait(lambda: frame.locator(".event-cell").count() > 0, page)
    wait(lambda: metric(page, "Events shown") == f"{len(mem):,}", page)
    assert f"{len(mem):,} event" in frame.locator(".map-legend").inner_text()
    wait(lambda: metric(page, "Places") == f"{geo.summarize(mem)['locations']:,}", page)
    assert "A page of the result" in page.locator('[data-testid="stCaptionContainer"]').all_inner_texts().__str__()

    # a narrow filter: its events fetched as rows and drawn one by one
    flt = geo.EventFilter(actors=["CSP-DPA"], min_fatalities=5)
    want = geo.filter_events(mem, flt)
    assert 0 < len(want) <= 3000
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_role("combobox", name="Actors", exact=True).click()
    page.keyboard.type("CSP-DPA")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    sidebar.get_by_label("Minimum fatalities").fill("5")
    page.keyboard.press("Enter")
    wait(lambda: frame.locator("path.event-marker").count() == len(want), page)
    assert frame.locator(".event-cell").count() == 0
    wait(lambda: metric(page, "Events shown") == f"{len(want):,}", page)
    assert "actor=CSP-DPA" in page.url and "minf=5" in page.url

    # all events again, then a zoom: cells counted again for the new zoom
    page.goto(app)
    wait(lambda: frame.locator(".event-cell").count() > 0, page, 90)
    before = frame.locator(".event-cell").count()
    zoom = int(re.search(r"[?&]z=(\d+)", page.url).group(1)) if "z=" in page.url else None
    frame.locator(".leaflet-control-zoom-in").click()
    wait(lambda: "z=" in page.url and (zoom is None or f"z={zoom + 1}" in page.url), page)
    wait(lambda: frame.locator(".event-cell").count() > 0 and frame.locator(".event-cell").count() != before, page)
    assert page.errors == []
