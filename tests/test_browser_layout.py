"""What a reader sees on a wide screen and on a phone, checked by geometry (bounding boxes), not by
screenshots: a linked event's whole popup inside the map, the map's top on a phone's first screen,
the data's extent in a phone's frame, the legend folded on a phone, the attribution clear of the
scale bar, event details below the map on a phone."""

from __future__ import annotations

import time

import pytest

import geo
from test_browser import browser, dashboard, leaflet_view, map_frame, open_map, sync_api  # noqa: F401

pytestmark = pytest.mark.browser

TIN = "MLI-2024-07-25-TIN"
LINK = f"/?actor=CSP-DPA&from=2024-07-01&to=2024-07-31&event={TIN}"
PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1400, "height": 900}


@pytest.fixture()
def context_for(browser):  # noqa: F811
    made = []

    def make(viewport, phone=False):
        context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone,
                                      device_scale_factor=2 if phone else 1)
        made.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("data:", "http://127.0.0.1"))
                   else r.abort())
        return page

    yield make
    for context in made:
        context.close()


def inside(inner: dict, outer: dict, slack: float = 0.5) -> bool:
    return (inner["x"] >= outer["x"] - slack and inner["y"] >= outer["y"] - slack
            and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + slack
            and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + slack)


def overlap(a: dict, b: dict) -> bool:
    return (min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"]) > 0
            and min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"]) > 0)


def popup_box(frame) -> dict | None:
    """The open popup with its tip, in the page's coordinates."""
    popup = frame.locator(".leaflet-popup")
    if popup.count() != 1:
        return None
    box, tip = popup.bounding_box(), frame.locator(".leaflet-popup-tip-container").bounding_box()
    if box is None or tip is None:
        return None
    x0, y0 = min(box["x"], tip["x"]), min(box["y"], tip["y"])
    x1 = max(box["x"] + box["width"], tip["x"] + tip["width"])
    y1 = max(box["y"] + box["height"], tip["y"] + tip["height"])
    return {"x": x0, "y": y0, "width": x1 - x0, "height": y1 - y0}


def settled_popup(page, frame, seconds: float = 30) -> tuple[dict, dict]:
    """The popup's box and the map's once the popup has stayed in one place for 2 s (the page's own
    moves of the map, streamlit-folium's setView among them, are over)."""
    deadline, last, since = time.time() + seconds, None, time.time()
    while time.time() < deadline:
        box = popup_box(frame)
        if box != last:
            last, since = box, time.time()
        elif box is not None and time.time() - since >= 2:
            return box, frame.locator(".leaflet-container").bounding_box()
        page.wait_for_timeout(200)
    raise AssertionError(f"the popup did not settle: {last}")


def test_a_linked_event_opens_with_its_whole_popup_in_the_map(context_for, dashboard, events):  # noqa: F811
    page = context_for(DESKTOP)
    shown = geo.filter_events(events, geo.EventFilter(actors=["CSP-DPA"], start="2024-07-01", end="2024-07-31"))
    frame, _ = open_map(page, dashboard + LINK, len(shown))
    box, view = settled_popup(page, frame)
    assert inside(box, view), (box, view)
    text = frame.locator(".leaflet-popup-content").inner_text()
    assert "Tinzaouaten" in text and "25 July 2024" in text and "Side A" in text  # its top: place, date, who
    # the event took precedence over the view: the map moved, minimally, and the link holds where it is now
    deadline = time.time() + 20
    while "lat=" not in page.url and time.time() < deadline:
        page.wait_for_timeout(250)
    lat, lon, zoom = leaflet_view(page)
    assert f"lat={lat:.4f}".rstrip("0") in page.url and f"event={TIN}" in page.url
    assert zoom == geo.Vocabulary.of(events).home[1]  # a pan was enough: the zoom is the data's own
    # and it stays in view: no later move of the page's takes it out again
    page.wait_for_timeout(3000)
    assert inside(popup_box(frame), view)
    assert page.errors == []


def test_the_desktop_layout(context_for, dashboard, events):  # noqa: F811
    page = context_for(DESKTOP)
    frame, markers = open_map(page, dashboard, len(events))
    view = frame.locator(".leaflet-container").bounding_box()
    iframe = page.locator('iframe[title*="st_folium"]').bounding_box()
    assert iframe["y"] < DESKTOP["height"] / 2  # the map starts on the upper half of the first screen
    # the legend is open, the attribution clear of the scale bar, every event in the frame
    legend = frame.locator(".map-legend")
    assert "Event type" in legend.inner_text() and legend.bounding_box()["height"] > 60
    attribution = frame.locator(".leaflet-control-attribution").bounding_box()
    scale = frame.locator(".leaflet-control-scale").bounding_box()
    assert not overlap(attribution, scale), (attribution, scale)
    assert not overlap(legend.bounding_box(), scale)
    # the whole map, its scale bar included, is on the first screen
    assert view["y"] + view["height"] <= DESKTOP["height"] and scale["y"] + scale["height"] <= DESKTOP["height"]
    for i in range(markers.count()):
        assert inside(markers.nth(i).bounding_box(), view), i
    assert page.errors == []


@pytest.mark.parametrize("viewport", [PHONE, SMALL_PHONE], ids=["390x844", "360x740"])
def test_the_phone_layout(context_for, dashboard, events, viewport):  # noqa: F811
    page = context_for(viewport, phone=True)
    frame, markers = open_map(page, dashboard, len(events))
    view = frame.locator(".leaflet-container").bounding_box()
    # the map's top is on the first screen (the title and figures are compact), and the map fills the width
    assert view["y"] < viewport["height"] * 0.5, view
    assert view["width"] >= viewport["width"] - 40
    # the map fits the data's extent in the phone's frame: every event inside it (not the desktop zoom)
    deadline = time.time() + 20
    while time.time() < deadline and not all(inside(markers.nth(i).bounding_box(), view)
                                             for i in range(markers.count())):
        page.wait_for_timeout(250)
    for i in range(markers.count()):
        assert inside(markers.nth(i).bounding_box(), view), i
    assert leaflet_view(page)[2] < geo.Vocabulary.of(events).home[1]  # zoomed out from the desktop's view
    # the legend is folded: a one-line button that opens it
    legend = frame.locator(".map-legend")
    folded = legend.bounding_box()
    assert folded["height"] < 45 and "Event type" not in legend.inner_text()
    legend.locator("summary").click()
    assert "Event type" in legend.inner_text() and legend.bounding_box()["height"] > folded["height"]
    legend.locator("summary").click()
    # the attribution never covers the scale bar
    attribution = frame.locator(".leaflet-control-attribution").bounding_box()
    scale = frame.locator(".leaflet-control-scale").bounding_box()
    assert not overlap(attribution, scale), (attribution, scale)
    assert inside(attribution, view) and inside(scale, view)
    assert page.errors == []


def test_on_a_phone_event_details_open_below_the_map(context_for, dashboard, events):  # noqa: F811
    page = context_for(PHONE, phone=True)
    shown = geo.filter_events(events, geo.EventFilter(actors=["CSP-DPA"], start="2024-07-01", end="2024-07-31"))
    frame, markers = open_map(page, dashboard + "/?actor=CSP-DPA&from=2024-07-01&to=2024-07-31", len(shown))
    view = frame.locator(".leaflet-container").bounding_box()
    popup = frame.locator(".leaflet-popup-content")
    panel = page.get_by_role("button", name="Close event details")
    for attempt in range(4):  # a rerun can redraw the map under a tap: tap again
        marker = frame.locator("path.event-marker").first
        marker.tap(force=True)
        try:
            panel.wait_for(timeout=8000)
            break
        except sync_api.TimeoutError:
            if attempt == 3:
                raise
    # a short popup that fits the phone's frame, naming the event and pointing below the map
    box = popup_box(frame)
    assert box is not None and inside(box, view), (box, view)
    assert "Details below the map" in popup.inner_text() and "Claims" not in popup.inner_text()
    # the details (claims and all) are below the map
    assert panel.bounding_box()["y"] > view["y"] + view["height"]
    assert "Claimed killed" in page.locator('[data-testid="stApp"]').inner_text()
    assert page.errors == []


def test_on_a_phone_a_linked_event_is_in_view(context_for, dashboard, events):  # noqa: F811
    page = context_for(PHONE, phone=True)
    shown = geo.filter_events(events, geo.EventFilter(actors=["CSP-DPA"], start="2024-07-01", end="2024-07-31"))
    frame, _ = open_map(page, dashboard + LINK, len(shown))
    box, view = settled_popup(page, frame)
    assert inside(box, view), (box, view)
    marker = map_frame(page).evaluate(
        "id => { let p = null; window.map.eachLayer(l => { if (l.feature && l.feature.properties &&"
        " l.feature.properties.event_id === id && l.getLatLng) { p = window.map.latLngToContainerPoint(l.getLatLng()); } });"
        " return p && [p.x, p.y, window.map.getSize().x, window.map.getSize().y]; }", TIN)
    assert marker and 0 <= marker[0] <= marker[2] and 0 <= marker[1] <= marker[3]
    assert "Details below the map" in frame.locator(".leaflet-popup-content").inner_text()
    assert "Claimed killed" in page.locator('[data-testid="stApp"]').inner_text()  # the details, below
