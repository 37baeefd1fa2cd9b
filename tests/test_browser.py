"""The dashboard in a real browser: headless Debian Chromium driven by Playwright.

The page runs with every request off this machine refused, as at a newsroom with
no internet: the map must still draw, from the app's own assets.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from urllib.parse import urlparse

import pytest

import geo
from conftest import ROOT

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
if not CHROMIUM:
    if os.environ.get("CI"):
        raise RuntimeError("CI must run the browser tests: install Debian's chromium (apt-get install chromium)")
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_dashboard(env_extra: dict | None = None):
    port = free_port()
    env = {**os.environ, **(env_extra or {})}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("streamlit did not start: " + proc.stdout.read().decode(errors="replace")[-2000:])


def stop_dashboard(proc) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def dashboard():
    proc, url = start_dashboard()
    yield url
    stop_dashboard(proc)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1200})
    pg = context.new_page()
    pg.external_requests = []
    pg.dialogs = []
    pg.errors = []

    def route(r):
        host = urlparse(r.request.url).hostname
        if r.request.url.startswith("data:") or host in ("127.0.0.1", "localhost"):
            r.continue_()
        else:
            pg.external_requests.append(r.request.url)
            r.abort()

    pg.route("**/*", route)
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    context.close()


def open_map(page, url: str, expected_markers: int):
    page.goto(url)
    page.wait_for_selector('[data-testid="stApp"]', timeout=60_000)
    page.wait_for_selector('iframe[title*="st_folium"]', timeout=60_000)
    frame = page.frame_locator('iframe[title*="st_folium"]')
    markers = frame.locator("path.event-marker")
    deadline = time.time() + 60
    while markers.count() != expected_markers and time.time() < deadline:
        page.wait_for_timeout(250)
    assert markers.count() == expected_markers
    return frame, markers


def open_popups(where, markers, until=None) -> list[str]:
    """Click each marker and read its popup, as a user would; ``where`` is the page or frame.

    Clicks just inside the top of each circle (smaller circles at the same place lie on
    top of its centre, not of its rim) and closes each popup to uncover the markers under
    it. Stops early once ``until(text)`` holds for a popup read.
    """
    texts: list[str] = []
    for i in range(markers.count()):
        popup = where.locator(".leaflet-popup-content")
        # an open popup (a link's event) can lie over the next marker: close it first, as a user would
        while popup.count():
            where.locator(".leaflet-popup-close-button").last.dispatch_event("click")
            popup.first.wait_for(state="detached", timeout=5000)
        for attempt in range(3):
            # an opened popup pans the map to fit (Leaflet's autoPan): bring a marker it pushed out back
            # into view, as a user would pan to it
            # (or out from under a control: the attribution, the legend)
            box, view = markers.nth(i).bounding_box(), where.locator(".leaflet-container").bounding_box()
            on_top = markers.nth(i).evaluate(
                "el => { const r = el.getBoundingClientRect();"
                " return document.elementFromPoint(r.left + r.width / 2, r.top + 2) === el; }")
            if box and view and not (on_top and view["x"] <= box["x"] + box["width"] / 2 <= view["x"] + view["width"]
                                     and view["y"] <= box["y"] <= view["y"] + view["height"]):
                where.locator(".leaflet-container").evaluate(
                    "() => { const b = L.latLngBounds([]); window.map.eachLayer(l => {"
                    " if (l.getLatLng && l.options && String(l.options.className).includes('event-marker'))"
                    " b.extend(l.getLatLng()); }); if (b.isValid()) window.map.fitBounds(b, {padding: [60, 60],"
                    " animate: false}); }")
                time.sleep(0.5)
            # a rerun can redraw the map under the click (or an open popup can take it): click again
            box = markers.nth(i).bounding_box()
            markers.nth(i).click(force=True, position={"x": box["width"] / 2, "y": 2})
            try:
                popup.last.wait_for(timeout=5000)
                break
            except sync_api.TimeoutError:
                if attempt == 2:
                    raise
        texts.extend(popup.all_inner_texts())
        where.locator(".leaflet-popup-close-button").last.dispatch_event("click")
        popup.first.wait_for(state="detached", timeout=5000)
        if until and any(until(t) for t in texts):
            break
    return texts


def test_map_draws_offline_with_layers_and_popups(page, dashboard, events):
    frame, markers = open_map(page, dashboard, len(events))
    # the boundary layers are drawn and listed in the layer control
    # the boundary layers are drawn; the sidebar (not an in-map control) switches them, so the link knows
    assert frame.locator("path[fill='#f3efe6']").count() >= 8  # Mali and its neighbours
    assert frame.locator("path[stroke='#c0392b']").count() >= 1  # the Algeria border
    assert frame.locator(".leaflet-control-layers").count() == 0
    sidebar_text = page.locator('[data-testid="stSidebar"]').inner_text()
    for title in ("Countries", "Regions", "Mali–Algeria border", "Tuareg region"):
        assert title in sidebar_text
    assert frame.locator("path.leaflet-interactive").count() > len(events)
    assert "Event type" in frame.locator(".map-legend").inner_text()
    # click markers until the Tinzaouaten battle's popup shows its claims
    texts = open_popups(frame, markers, until=lambda t: "Tinzaouaten" in t and "Claims" in t)
    battle = next(t for t in texts if "Tinzaouaten" in t and "Claims" in t)
    assert "84" in battle and "CSP-DPA" in battle and "Military Forces of Mali (FAMa)" in battle
    assert "Sources" in battle
    # nothing was fetched from off this machine, yet the map drew
    assert page.external_requests == []
    assert page.dialogs == [] and page.errors == []


def map_frame(page):
    """The map's frame as a Frame (to run script in it)."""
    return next(f for f in page.frames if "streamlit_folium" in f.url)


def test_actor_filter_redraws_the_map(page, dashboard, events):
    import geo

    open_map(page, dashboard, len(events))
    # a mark left in the mounted map: a filter must redraw the events in it, not remount the map
    map_frame(page).evaluate("() => { window.__mounted_before_filter = true; }")
    wagner = geo.filter_events(events, geo.EventFilter(actors=["Wagner Group"]))
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.locator('[data-testid="stMultiSelect"]').first.click()
    page.keyboard.type("Wagner Group")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    frame = page.frame_locator('iframe[title*="st_folium"]')
    deadline = time.time() + 30
    while frame.locator("path.event-marker").count() != len(wagner) and time.time() < deadline:
        page.wait_for_timeout(250)
    assert frame.locator("path.event-marker").count() == len(wagner)
    assert map_frame(page).evaluate("() => window.__mounted_before_filter === true")
    # the old events' legend and attribution went with them; no renderer was left behind
    assert frame.locator(".map-legend").count() == 1
    assert f"{len(wagner):,} events" in frame.locator(".map-legend").inner_text()
    assert frame.locator(".leaflet-control-attribution").inner_text().count("Natural Earth") == 1
    assert frame.locator(".leaflet-overlay-pane svg").count() == 1
    assert frame.locator(".leaflet-overlay-pane canvas").count() == 0
    assert page.dialogs == [] and page.errors == []


def test_hiding_a_boundary_layer_redraws_the_base_and_keeps_the_events(page, dashboard, events):
    frame, markers = open_map(page, dashboard, len(events))
    land = frame.locator("path[fill='#f3efe6']")  # the countries layer
    assert land.count() >= 8
    widget = page.locator('[data-testid="stMultiSelect"]', has_text="Boundary layers")
    widget.get_by_role("button", name="Remove Countries").first.click()
    deadline = time.time() + 30
    while "hide=" not in page.url and time.time() < deadline:
        page.wait_for_timeout(250)
    assert "countries" in page.url  # the link says which layer is hidden
    deadline = time.time() + 30
    while (land.count() or markers.count() != len(events)) and time.time() < deadline:
        page.wait_for_timeout(250)
    # the base map (boundaries) was built again without the countries; the events came back in it
    assert land.count() == 0 and markers.count() == len(events)
    assert frame.locator("path[stroke='#c0392b']").count() >= 1  # the Algeria border is still drawn
    assert frame.locator(".map-legend").count() == 1
    assert page.errors == []


def test_a_content_group_leaves_the_map_with_its_legend_and_renderers(browser, tmp_path):
    # the dashboard swaps build_map_content groups in a mounted map: a group taken off the map must
    # take its legend, its attribution and its own canvas (markers) or SVG (cells) renderer with it
    from geo.bench.synthetic import synthetic_events

    layers = geo.load_layers()
    many = synthetic_events(2_000, seed=3)
    base = geo.build_base_map(layers, center=(16.0, -3.0), zoom=6)
    markers = geo.build_map_content(many.iloc[:1_500], layers, center=(16.0, -3.0), zoom=6)
    cells = geo.build_map_content(many, layers, max_markers=1_000, center=(16.0, -3.0), zoom=6)
    markers.add_to(base)
    cells.add_to(base)
    page_file = tmp_path / "map.html"
    base.save(str(page_file))
    context = browser.new_context()
    try:
        pg = context.new_page()
        errors = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.goto(page_file.as_uri())
        pg.wait_for_selector("path.event-cell")
        count = ("() => [document.querySelectorAll('.map-legend').length,"
                 " document.querySelectorAll('.leaflet-overlay-pane canvas').length,"
                 " document.querySelectorAll('.leaflet-overlay-pane svg').length,"
                 " document.querySelector('.leaflet-control-attribution').innerText.split('Natural Earth').length - 1]")
        # the map's own SVG (boundaries), the markers' canvas, the cells' SVG; a legend each
        assert pg.evaluate(count) == [2, 1, 2, 1]
        remove = "name => { const g = window[name]; g._map.removeLayer(g); }"
        pg.evaluate(remove, markers.get_name())
        assert pg.evaluate(count) == [1, 0, 2, 1]
        assert "1,500 events" not in pg.locator(".map-legend").inner_text()
        pg.evaluate(remove, cells.get_name())
        assert pg.evaluate(count) == [0, 0, 1, 0]
        assert pg.locator("path.event-cell").count() == 0
        assert errors == []
    finally:
        context.close()


def test_hostile_data_fires_no_script(browser, tmp_path):
    from conftest import FIXTURES

    proc, url = start_dashboard({"GEO_EVENTS": str(FIXTURES / "events_small.csv"),
                                 "GEO_CLAIMS": str(FIXTURES / "claims_small.csv")})
    context = browser.new_context(viewport={"width": 1400, "height": 1200})
    try:
        pg = context.new_page()
        dialogs = []
        pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        frame, markers = open_map(pg, url, 5)
        texts = open_popups(frame, markers)
        pg.wait_for_timeout(500)
        assert dialogs == []
        # the payloads are shown as the text they are
        joined = "\n".join(texts)
        assert "<img src=x onerror=alert(1)>" in joined and "${alert(2)}" in joined
        assert "javascript:alert(1)" in joined
        assert frame.locator(".leaflet-popup-content img").count() == 0
    finally:
        context.close()
        stop_dashboard(proc)


def leaflet_view(page, timeout: float = 20) -> tuple[float, float, int]:
    """The map's centre and zoom as Leaflet holds them inside the st_folium iframe.

    Retries while the map is being (re)mounted: its frame or its `map` may not exist yet.
    """
    deadline = time.time() + timeout
    while True:
        try:
            frame = next(f for f in page.frames if "st_folium" in f.url)
            lat, lng, zoom = frame.evaluate(
                "[window.map.getCenter().lat, window.map.getCenter().lng, window.map.getZoom()]")
            return lat, lng, zoom
        except Exception:
            if time.time() > deadline:
                raise
            page.wait_for_timeout(250)


def test_upload_an_acled_file_for_this_session_only(browser, page, dashboard, events):
    from conftest import FIXTURES

    open_map(page, dashboard, len(events))
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        str(FIXTURES / "acled" / "acled_mali.csv"))
    frame = page.frame_locator('iframe[title*="st_folium"]')
    deadline = time.time() + 60
    while frame.locator("path.event-marker").count() != 5 and time.time() < deadline:
        page.wait_for_timeout(250)
    assert frame.locator("path.event-marker").count() == 5
    app_text = page.locator('[data-testid="stApp"]').inner_text()
    assert "Import report of acled_mali.csv: 5 of 10 rows used, 5 rejected" in app_text
    page.locator(".st-key-import_report_top").get_by_role("button", name="Read the report").click()
    page.locator('[data-testid="stPopoverBody"]').wait_for(timeout=20_000)
    assert "latitude 95.2 out of range" in page.locator('[data-testid="stPopoverBody"]').inner_text()
    page.keyboard.press("Escape")
    page.get_by_text("About the data").click()
    assert "acleddata.com" in page.locator('[data-testid="stApp"]').inner_text()
    # another session still sees the embedded data
    other = browser.new_context(viewport={"width": 1400, "height": 1200})
    try:
        other_page = other.new_page()
        open_map(other_page, dashboard, len(events))
        assert "Import report" not in other_page.locator('[data-testid="stApp"]').inner_text()
    finally:
        other.close()


def test_data_from_another_country_opens_where_it_is(browser):
    """ACLED data from Afghanistan: the map opens on it with every marker in view, Afghanistan and its
    neighbours drawn as land with their regions named from the data, and a title naming the country."""
    from conftest import FIXTURES

    proc, url = start_dashboard({"GEO_EVENTS": str(FIXTURES / "acled" / "acled_afghanistan.csv")})
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        frame, markers = open_map(page, url, 12)
        title = page.locator("h1").first.inner_text()
        assert "Afghanistan" in title and "Mali" not in title
        lat, lon, zoom = leaflet_view(page)
        assert 31 < lat < 37.5 and 61 < lon < 71 and zoom >= 5
        # every marker is inside the map's frame, not off-screen
        box = page.locator('iframe[title*="st_folium"]').bounding_box()
        for i in range(markers.count()):
            m = markers.nth(i).bounding_box()
            assert box["x"] <= m["x"] and m["x"] + m["width"] <= box["x"] + box["width"], i
            assert box["y"] <= m["y"] and m["y"] + m["height"] <= box["y"] + box["height"], i
        # land is land: the country under each event is a drawn country, and its regions are named
        found = map_frame(page).evaluate("""() => {
            const names = {countries: [], regions: []};
            window.map.eachLayer(l => { if (l.feature && l.feature.properties && l.feature.properties.name) {
                const tip = l.getTooltip() ? l.getTooltip().getContent() : '';
                (l.options.dashArray === '4 3' ? names.regions : names.countries).push(l.feature.properties.name);
            }});
            return names; }""")
        assert {"Afghanistan", "Pakistan", "Iran", "Brazil"} <= set(found["countries"])
        assert {"Kabul", "Kandahar", "Helmand", "Herat"} <= set(found["regions"])
        # the share link opens on the data: no centre or zoom in it until the user moves the map
        assert "lat=" not in page.url and "z=" not in page.url
    finally:
        context.close()
        stop_dashboard(proc)


def test_place_names_are_drawn_offline_and_never_overlap(browser, dashboard, events):
    """At 1400x900 the default view names the north of Mali (towns, regions, the events' own villages)
    with no tile server, no two names overlap, and the names follow a zoom."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        frame, _ = open_map(page, dashboard, len(events))
        labels = frame.locator(".place-label")
        deadline = time.time() + 20
        while labels.count() < 10 and time.time() < deadline:
            page.wait_for_timeout(250)
        names = labels.all_inner_texts()
        for name in ("Kidal", "Gao", "Timbuktu", "Tinzaouaten", "MALI"):
            assert any(n.strip().upper() == name.upper() for n in names), (name, names)
        boxes = [labels.nth(i).bounding_box() for i in range(labels.count())]
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                overlap_x = min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"])
                overlap_y = min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"])
                assert overlap_x <= 1 or overlap_y <= 1, (a, b)
        frame.locator(".leaflet-control-zoom-in").click()
        deadline = time.time() + 20
        while set(labels.all_inner_texts()) <= set(names) and time.time() < deadline:
            page.wait_for_timeout(250)
        # closer in, names redrawn for the new view: some that had no room (or zoom) before appear
        assert labels.count() > 5 and set(labels.all_inner_texts()) - set(names)
    finally:
        context.close()
