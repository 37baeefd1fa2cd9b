"""The dashboard in a real browser, its links: a link opens its view, a pan or zoom reaches the address bar,
a hostile link warns, the time player steps the map, and downloads follow the view (the browser and the
dashboard are test_browser's)."""

from __future__ import annotations

import time

import pytest

from test_browser import browser, dashboard, leaflet_view, open_map, page, sync_api  # noqa: F401

pytestmark = pytest.mark.browser


def test_a_link_opens_the_linked_view(page, dashboard, events):
    import geo

    link = ("/?actor=Wagner+Group&from=2024-01-01&lat=19.9&lon=2.7&z=9&color=side"
            "&event=MLI-2024-07-25-TIN&hide=countries")
    wagner = geo.filter_events(events, geo.EventFilter(actors=["Wagner Group"], start="2024-01-01"))
    frame, _ = open_map(page, dashboard + link, len(wagner))
    # the link's event takes precedence over its centre: the map keeps the link's zoom and pans, as
    # little as needed, so that the event's whole popup is inside the map (at 19.9, 2.7 it reached
    # above the map's top); the address bar then holds the moved centre
    popup = frame.locator(".leaflet-popup")
    popup.wait_for(timeout=20_000)
    deadline, last = time.time() + 20, None
    while time.time() < deadline:
        lat, lng, zoom = leaflet_view(page)
        if (lat, lng, zoom) == last and f"lat={lat:.4f}".rstrip("0") in page.url:
            break
        last = (lat, lng, zoom)
        page.wait_for_timeout(1000)
    assert zoom == 9
    assert abs(lng - 2.7) < 0.01 and 19.9 < lat < 19.9 + 620 / (256 * 2**9) * 360 / 2  # moved north, within one frame
    box, view = popup.bounding_box(), frame.locator(".leaflet-container").bounding_box()
    assert view["y"] <= box["y"] and box["y"] + box["height"] <= view["y"] + view["height"]
    assert view["x"] <= box["x"] and box["x"] + box["width"] <= view["x"] + view["width"]
    assert f"lat={lat:.4f}".rstrip("0") in page.url and "z=9" in page.url
    # the linked event is open, the colours follow the link, the hidden layer is off
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=10_000)
    assert "Tinzaouaten" in popup.inner_text() and "Claims" in popup.inner_text()
    assert "Initiator" in frame.locator(".map-legend").inner_text()
    assert frame.locator("path[fill='#f3efe6']").count() == 0  # the countries layer is hidden
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
    assert "Wagner Group" in sidebar
    assert page.locator('[data-testid="stDateInput"] input').first.input_value() == "2024-01-01"
    # the address bar holds the canonical link (with the data's fingerprint)
    assert "actor=Wagner+Group" in page.url and "z=9" in page.url
    assert f"data={geo.Vocabulary.of(events).fingerprint}" in page.url


def test_panning_reaches_the_url_and_survives_a_filter_change(page, dashboard, events):
    import geo

    frame, _ = open_map(page, dashboard, len(events))
    # zoom in with the map's own control, as a user would
    frame.locator(".leaflet-control-zoom-in").click()
    deadline = time.time() + 20
    while "z=7" not in page.url and time.time() < deadline:
        page.wait_for_timeout(250)
    assert "z=7" in page.url
    # the zoom reran the map's part of the page: the share box and the downloads follow it too
    share_box = page.locator('[data-testid="stExpander"]', has_text="Share this view")
    deadline = time.time() + 20
    while "z=7" not in (share_box.text_content() or "") and time.time() < deadline:
        page.wait_for_timeout(250)
    assert "z=7" in share_box.text_content()
    # a filter change redraws the events but keeps the map where the user put it
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.locator('[data-testid="stMultiSelect"]').first.click()
    page.keyboard.type("JNIM")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    deadline = time.time() + 20
    while "actor=JNIM" not in page.url and time.time() < deadline:
        page.wait_for_timeout(250)
    jnim = geo.filter_events(events, geo.EventFilter(actors=["JNIM"]))
    frame = page.frame_locator('iframe[title*="st_folium"]')
    deadline = time.time() + 30
    while frame.locator("path.event-marker").count() != len(jnim) and time.time() < deadline:
        page.wait_for_timeout(250)
    assert frame.locator("path.event-marker").count() == len(jnim)  # the new events are drawn
    assert "actor=JNIM" in page.url and "z=7" in page.url
    assert leaflet_view(page)[2] == 7


def test_a_hostile_link_shows_warnings_not_a_traceback(page, dashboard, events):
    open_map(page, dashboard + "/?z=99999&from=%00%3Cscript%3E&actor=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E"
             "&lat=1e999&lon=-1e999&" + "x=" * 2000, len(events))
    text = page.locator('[data-testid="stApp"]').inner_text()
    assert "Parts of this link could not be used" in text
    assert "Traceback" not in text and "Error" not in text.split("Parts of this link")[0]
    assert page.dialogs == []


def test_time_player_steps_the_map_through_months(page, dashboard, events):
    open_map(page, dashboard, len(events))
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Time player").click()
    sidebar.get_by_text("Month", exact=True).click()
    page.wait_for_timeout(1000)
    sidebar.get_by_text("Play", exact=True).click()
    seen = set()
    deadline = time.time() + 40
    while len(seen) < 3 and time.time() < deadline:
        if "from=" in page.url:
            seen.add(page.url.split("from=")[1][:10])
        page.wait_for_timeout(200)
    assert len(seen) >= 3, seen  # the link follows the player: at least three months stepped
    assert sorted(seen) == sorted(seen, key=lambda d: d)  # forwards in time
    months = sorted(seen)
    assert all(m.endswith("-01") or m == "2023-04-10" for m in months)  # whole months (the first clipped)
    # the map draws the month's events
    frame = page.frame_locator('iframe[title*="st_folium"]')
    sidebar.get_by_text("Play", exact=True).click()  # pause
    page.wait_for_timeout(2500)
    import geo
    from urllib.parse import parse_qs, urlsplit

    q = parse_qs(urlsplit(page.url).query)
    shown = geo.filter_events(events, geo.EventFilter(start=q["from"][0], end=q.get("to", [None])[0]))
    deadline = time.time() + 20
    while frame.locator("path.event-marker").count() != len(shown) and time.time() < deadline:
        page.wait_for_timeout(250)
    assert frame.locator("path.event-marker").count() == len(shown)


def download(page, label: str):
    """Click a download button and return the download. The map's first report of its view
    reruns the page and can replace the button under the click: wait for the page to settle,
    and click again if no download came."""
    page.wait_for_function("() => document.location.search.includes('data=')", timeout=30_000)
    page.wait_for_timeout(1500)
    for attempt in range(3):
        try:
            with page.expect_download(timeout=30_000) as info:
                page.get_by_role("button", name=label).click()
            return info.value
        except sync_api.TimeoutError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def test_downloads_are_made_from_the_current_view(page, dashboard, events):
    import io

    from PIL import Image

    import geo

    frame, _ = open_map(page, dashboard + "/?actor=Wagner+Group&color=side",
                        len(geo.filter_events(events, geo.EventFilter(actors=["Wagner Group"]))))
    png = download(page, "Map picture (PNG)")
    assert png.suggested_filename.endswith(".png")
    data = open(png.path(), "rb").read()
    image = Image.open(io.BytesIO(data))
    assert image.width >= 1600
    link = image.text.get("Link", "")
    assert "actor=Wagner+Group" in link and "color=side" in link
    import json

    fc = json.loads(open(download(page, "Events with claims (GeoJSON)").path(), encoding="utf-8").read())
    wagner = geo.filter_events(events, geo.EventFilter(actors=["Wagner Group"]))
    assert {f["properties"]["event_id"] for f in fc["features"]} == set(wagner["event_id"])


def test_a_zoom_or_a_pan_is_reported_once_without_the_debounce(page, dashboard, events):
    """The map's view reaches the server 50 ms after it stops moving (dashboard.folium_frame.VIEW_REPORTER_JS),
    not after streamlit-folium's 250 ms debounce: one report per move, sent by the reporter, and
    streamlit-folium's own (the same value) never sent again."""
    frame, _ = open_map(page, dashboard, len(events))
    inner = next(f for f in page.frames if "streamlit_folium" in f.url)
    inner.evaluate("""() => { window.__sent = []; const host = window.Streamlit, send = host.setComponentValue;
        host.setComponentValue = function (v) { window.__sent.push(JSON.stringify(v)); return send.apply(this, arguments); };
        window.__geoViewReports = 0; }""")
    frame.locator(".leaflet-control-zoom-in").click()
    deadline = time.time() + 20
    while "z=7" not in page.url and time.time() < deadline:
        page.wait_for_timeout(100)
    assert "z=7" in page.url
    page.wait_for_timeout(1000)  # past streamlit-folium's debounce: it sent nothing more
    sent = inner.evaluate("window.__sent")
    assert inner.evaluate("window.__geoViewReports") == 1 and len(sent) == 1
    assert '"zoom":7' in sent[0] and '"bounds"' in sent[0] and '"center"' in sent[0]
    # a drag: one report too, with the new centre
    box = page.locator('iframe[title*="st_folium"]').bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 11):
        page.mouse.move(x + 20 * i, y)
        page.wait_for_timeout(20)
    page.mouse.up()
    page.wait_for_timeout(1500)
    sent = inner.evaluate("window.__sent")
    assert inner.evaluate("window.__geoViewReports") == 2 and len(sent) == 2 and sent[1] != sent[0]


def test_an_events_tooltip_shows_on_hover(page, dashboard, events):
    """A marker's tooltip (day, place, type, dead) is made when the pointer first comes over it, and shown."""
    frame, markers = open_map(page, dashboard, len(events))
    inner = next(f for f in page.frames if "streamlit_folium" in f.url)
    assert inner.evaluate("""() => { let n = 0; window.map.eachLayer(l => { if (l._row && l.getTooltip()) n++; });
        return n; }""") == 0  # none made before a hover
    box = markers.first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tip = frame.locator(".leaflet-tooltip")
    tip.first.wait_for(timeout=10_000)
    text = tip.first.inner_text()
    assert " · " in text and "killed" in text
    page.mouse.move(5, 5)  # away: Leaflet hides it
    deadline = time.time() + 10
    while frame.locator(".leaflet-tooltip").count() and time.time() < deadline:
        page.wait_for_timeout(100)
    assert frame.locator(".leaflet-tooltip").count() == 0
