"""The dashboard on the analyst's own data, in a real browser: an ACLED export of another country
uploaded into the running app, a UCDP GED file of three decades, and ACLED + UCDP GED + the curated
set together (the real-shaped fixtures of ``tests/fixtures/real/``)."""

from __future__ import annotations

import time

import pytest

from conftest import FIXTURES, ROOT
from test_browser import browser, dashboard, leaflet_view, start_dashboard, stop_dashboard  # noqa: F401
from test_browser_a11y import settle

pytestmark = pytest.mark.browser

REAL = FIXTURES / "real"
AFGHANISTAN = REAL / "acled_afghanistan_2023.csv"
SOMALIA = REAL / "ucdp_ged_somalia_1990_2023.csv"
#: (west, south, east, north) of the countries, with a margin for points placed near a border
AFGHANISTAN_BOX = (60.4, 29.3, 75.0, 38.5)
SOMALIA_BOX = (40.9, -1.7, 51.5, 12.0)
MALI_ONLY = ("Only near the Algeria border", "Tuareg region", "Mali–Algeria border")


@pytest.fixture()
def page(browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = context.new_page()
    pg.errors = []
    pg.add_init_script("Error.stackTraceLimit = 40;")
    pg.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("http://127.0.0.1", "data:"))
             else r.abort())
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    context.close()


def map_frame(page, timeout: float = 30):
    deadline = time.time() + timeout
    while True:
        frames = [f for f in page.frames if "st_folium" in f.url]
        if frames or time.time() > deadline:
            return frames[-1]
        page.wait_for_timeout(250)


def marker_places(page) -> list[tuple[float, float, bool]]:
    """Each event marker's (lat, lon) and whether the map's frame shows it."""
    return map_frame(page).evaluate("""() => { const out = [], b = window.map.getBounds();
        window.map.eachLayer(l => { const el = l.getElement && l.getElement();
            if (el && el.classList && el.classList.contains('event-marker')) {
                const p = l.getLatLng(); out.push([p.lat, p.lng, b.contains(p)]); } });
        return out; }""")


def wait_markers(page, n: int, timeout: float = 90) -> list:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            places = marker_places(page)
            if len(places) == n:
                return places
        except Exception:  # noqa: BLE001 - the map's frame is being (re)mounted
            pass
        page.wait_for_timeout(300)
    raise AssertionError(f"{n} markers were not drawn")


def inside(box, lat: float, lon: float) -> bool:
    west, south, east, north = box
    return west <= lon <= east and south <= lat <= north


def app_text(page) -> str:
    return page.locator('[data-testid="stApp"]').inner_text()


def upload(page, path) -> None:
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))


def test_an_upload_from_another_country_replaces_the_view(page, dashboard):  # noqa: F811
    """Afghanistan dropped on the default page: the map opens on Afghanistan with every marker in view and
    its place names, no NaN coordinate reaches Leaflet, no warning about a link nobody opened, and the
    address bar holds no centre or zoom of the Mali data. Then a switch to a UCDP file of Somalia."""
    page.goto(dashboard)
    page.wait_for_selector('iframe[title*="st_folium"]', timeout=60_000)
    settle(page)
    upload(page, AFGHANISTAN)
    places = wait_markers(page, 320)
    settle(page, quiet=2)
    places = marker_places(page)
    assert all(inside(AFGHANISTAN_BOX, lat, lon) for lat, lon, _ in places)
    assert all(shown for _, _, shown in places), "every marker inside the map's frame"
    lat, lon, zoom = leaflet_view(page)
    assert inside(AFGHANISTAN_BOX, lat, lon) and zoom >= 5
    assert map_frame(page).locator(".place-label").count() >= 5  # its towns are named
    text = app_text(page)
    assert "made on other data" not in text and "could not be used" not in text
    assert "Afghanistan" in page.locator("h1").first.inner_text()
    assert "lat=" not in page.url and "z=" not in page.url and "actor=" not in page.url
    assert not page.errors, page.errors  # e.g. "Invalid LatLng object: (NaN, NaN)"
    # a switch of data set (the file taken away, another dropped): the map follows again
    page.get_by_role("button", name="Remove acled_afghanistan_2023.csv").click()
    settle(page, quiet=1)
    upload(page, SOMALIA)
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            lat, lon, zoom = leaflet_view(page)
            if inside(SOMALIA_BOX, lat, lon):
                break
        except Exception:  # noqa: BLE001
            pass
        page.wait_for_timeout(300)
    settle(page, quiet=2)
    lat, lon, zoom = leaflet_view(page)
    assert inside(SOMALIA_BOX, lat, lon), (lat, lon)
    assert "made on other data" not in app_text(page)
    assert "lat=" not in page.url and "z=" not in page.url
    assert not page.errors, page.errors


def test_no_mali_control_on_afghanistan_data(page, dashboard):  # noqa: F811
    page.goto(dashboard)
    page.wait_for_selector('iframe[title*="st_folium"]', timeout=60_000)
    settle(page)
    upload(page, AFGHANISTAN)
    wait_markers(page, 320)
    settle(page, quiet=2)
    text = app_text(page)
    assert not [c for c in MALI_ONLY if c in text]


@pytest.fixture(scope="module")
def ucdp_app():
    proc, url = start_dashboard({"GEO_EVENTS": str(SOMALIA)})
    yield url
    stop_dashboard(proc)


def test_a_ucdp_file_of_three_decades_folds_its_report_and_hides_the_server_path(page, ucdp_app):
    """GED of Somalia, 1990-2023, started from a path on the server: the report is one quiet line
    (nothing to review) naming the file, never its folder; its button opens the whole report."""
    page.goto(ucdp_app)
    page.wait_for_selector('iframe[title*="st_folium"]', timeout=60_000)
    settle(page, quiet=2)
    text = app_text(page)
    assert "Import report of ucdp_ged_somalia_1990_2023.csv: 3,200 of 3,200 rows used" in text
    assert str(REAL) not in text and "fixtures/" not in text and str(ROOT) not in text
    line = page.locator(".st-key-import_report_top")
    assert line.locator('[data-testid="stAlert"]').count() == 0  # not a warning: nothing to review
    assert line.bounding_box()["height"] < 60  # one line
    # the map starts high on the first screen
    assert page.locator('iframe[title*="st_folium"]').bounding_box()["y"] < 450
    line.get_by_role("button", name="Read the report").click()
    dialog = page.locator('[data-testid="stPopoverBody"]')
    dialog.wait_for(timeout=20_000)
    said = dialog.inner_text()
    assert "UCDP GED file 'ucdp_ged_somalia_1990_2023.csv'" in said and "3,200 accepted" in said
    assert "fixtures/" not in said and str(ROOT) not in said
    lat, lon, zoom = leaflet_view(page)
    assert inside(SOMALIA_BOX, lat, lon)
    # 34 years: the chart counts per year (issue 24 part A's chart), not in unreadable weeks
    assert "Bar chart of events per year by event type, January 1990 to January 2023" in text
    assert not page.errors, page.errors


def test_a_report_that_needs_the_reader_is_one_line_below_the_map_on_a_phone(browser):  # noqa: F811
    """Rejected rows: the report's line is a warning with a button; on a phone it is under the map."""
    proc, url = start_dashboard({"GEO_EVENTS": str(FIXTURES / "acled" / "acled_mali.csv")})
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  device_scale_factor=2)
    try:
        page = context.new_page()
        page.goto(url)
        page.wait_for_selector('iframe[title*="st_folium"]', timeout=60_000)
        settle(page, quiet=2)
        below = page.locator(".st-key-import_report_below")
        assert page.locator(".st-key-import_report_top").is_hidden() and below.is_visible()
        assert "5 of 10 rows used, 5 rejected" in below.inner_text()  # the short line of a phone
        assert below.locator('[data-testid="stAlert"]').count() == 1
        frame = page.locator('iframe[title*="st_folium"]').bounding_box()
        assert below.bounding_box()["y"] >= frame["y"] + frame["height"] - 1
        assert frame["y"] < 844  # the map's top on the first screen
        # one line: the warning's text unwrapped, and its button beside it (it was ~136 px: text, then button)
        alert = below.locator('[data-testid="stAlert"]').bounding_box()
        button = below.get_by_role("button", name="Report").bounding_box()
        assert below.bounding_box()["height"] < 56, below.bounding_box()
        assert button["x"] >= alert["x"] + alert["width"] - 1 and abs(
            (button["y"] + button["height"] / 2) - (alert["y"] + alert["height"] / 2)) < 6
        assert below.locator('[data-testid="stAlert"] p').evaluate(
            "p => { const r = document.createRange(); r.selectNodeContents(p); return r.getClientRects().length; }") == 1
        below.get_by_role("button", name="Report").click()
        dialog = page.locator('[data-testid="stPopoverBody"]')
        dialog.wait_for(timeout=20_000)
        assert "latitude 95.2 out of range" in dialog.inner_text()
        assert "fixtures/" not in dialog.inner_text()
    finally:
        context.close()
        stop_dashboard(proc)


@pytest.mark.parametrize("viewport, phone", [({"width": 390, "height": 844}, True),
                                             ({"width": 1024, "height": 768}, False)], ids=["phone", "tablet"])
def test_opening_a_page_writes_no_zoom_and_cuts_no_figure(browser, dashboard, viewport, phone):  # noqa: F811
    """A phone fits the data in its frame (a zoom out): the link still holds no centre or zoom until the
    reader moves the map; and the headline figures ("Date span") are whole, never cut with an ellipsis."""
    context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone,
                                  device_scale_factor=2 if phone else 1, locale="fr-FR")
    try:
        page = context.new_page()
        page.goto(dashboard + "/?from=2024-08-01&to=2024-11-30&lang=fr")
        page.wait_for_selector('iframe[title*="st_folium"]', timeout=60_000)
        settle(page, quiet=3)
        lat, lon, zoom = leaflet_view(page)
        assert "z=" not in page.url and "lat=" not in page.url, page.url
        cut = page.evaluate("""() => [...document.querySelectorAll('.st-key-headline [data-testid=stMetricValue]')]
            .flatMap(v => [v, ...v.querySelectorAll('*')])
            .filter(e => e.scrollWidth > e.clientWidth + 1 || getComputedStyle(e).textOverflow === 'ellipsis')
            .map(e => e.textContent)""")
        assert cut == [], cut
        span = page.locator(".st-key-headline [data-testid=stMetric]").nth(2).inner_text()
        assert "août – octobre 2024" in span, span  # the events shown: August to October
        if phone:  # the reader zooms in past the data's own view: now the link holds the view
            home_zoom = 6  # the shipped data's home view, fitted on the phone a zoom out
            assert zoom < home_zoom
            for _ in range(home_zoom + 1 - zoom):
                map_frame(page).locator(".leaflet-control-zoom-in").tap()
                page.wait_for_timeout(800)
            deadline = time.time() + 20
            while "z=" not in page.url and time.time() < deadline:
                page.wait_for_timeout(250)
            assert f"z={home_zoom + 1}" in page.url
    finally:
        context.close()


MULTI = FIXTURES / "multi"  # the Tinzaouaten case, written by issue 24 part A (branch i24a)


@pytest.fixture(scope="module")
def three_sets():
    proc, url = start_dashboard({"GEO_EVENTS": f"ACLED={MULTI / 'acled_mali_july2024.csv'},"
                                               f"UCDP GED={MULTI / 'ucdp_ged_mali_july2024.csv'},curated"})
    yield url
    stop_dashboard(proc)


def test_three_data_sets_keep_the_battle_and_the_strike_apart(page, three_sets):
    """ACLED + UCDP GED + the curated set: the battle of 25 July and the drone strike of 30 July stay two
    events; ?event= with the curated battle's id opens the battle's group; its headline figure names its
    data set (never another's figure called "conservative"); the attribution names all three."""
    page.goto(three_sets + "/?event=MLI-2024-07-25-TIN")
    heading = page.get_by_role("heading", name="Tinzaouatene, 25 July 2024: Battles")
    heading.wait_for(timeout=90_000)
    settle(page, quiet=2)
    text = app_text(page)
    assert "Fatalities: 14 (ACLED); the other data sets: 31 to 40" in text
    assert "Conservative fatalities: 14" not in text
    frame = map_frame(page)
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=30_000)
    assert "14 (ACLED); the other data sets: 31 to 40" in popup.inner_text()
    battles = frame.locator('path.event-marker[aria-label^="25 Jul 2024 · Tinzaouatene · Battles"]')
    strikes = frame.locator('path.event-marker[aria-label^="30 Jul 2024 · Tinzaouatene · Explosions/Remote violence"]')
    assert battles.count() == 1 and strikes.count() == 1
    attribution = frame.locator(".leaflet-control-attribution").inner_text()
    assert "ACLED" in attribution and "UCDP" in attribution and "conflict-map project" in attribution
    assert not page.errors, page.errors


LEGEND_OVERLAPS = """() => {
    const legend = document.querySelector('.map-legend');
    if (!legend) return ['no legend'];
    const r = legend.getBoundingClientRect(), hits = [];
    document.querySelectorAll('path.event-marker, .leaflet-popup').forEach(e => {
        const b = e.getBoundingClientRect();
        if (b.width && b.right > r.left && b.left < r.right && b.bottom > r.top && b.top < r.bottom)
            hits.push(e.getAttribute('aria-label') || e.className.baseVal || e.className); });
    return hits; }"""


@pytest.mark.parametrize("query", ["", "?lang=fr", "?event=MLI-2024-07-25-TIN"], ids=["default", "french", "popup"])
def test_the_legend_never_hides_an_event_or_the_open_popup(page, dashboard, query):  # noqa: F811
    """At 1400x900 the legend (open: it moves to a free corner of the map, else folds) covers no event's circle
    and no open popup, in English and in French."""
    page.goto(dashboard + "/" + query)
    page.wait_for_selector('iframe[title*="st_folium"]', timeout=60_000)
    wait_markers(page, 45 if "event" not in query else 45)
    settle(page, quiet=2)
    frame = map_frame(page)
    if "event" in query:
        frame.locator(".leaflet-popup-content").wait_for(timeout=30_000)
        page.wait_for_timeout(1000)
    assert frame.evaluate(LEGEND_OVERLAPS) == []
    if "event" not in query:  # on a wide map with room for it, the legend stays open
        assert frame.evaluate("() => document.querySelector('.map-legend details').open")
    assert not page.errors, page.errors
