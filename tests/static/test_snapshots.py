"""Snapshots: the static map (PNG/SVG/PDF) and the standalone HTML map, in PIL and in Chromium."""

from __future__ import annotations

import datetime as dt
import io
import math
import shutil
from html.parser import HTMLParser
from urllib.parse import urlencode, urlparse

import geopandas as gpd
import numpy as np
import pytest
from PIL import Image

import geo
from geo.webmap.assets import external_urls
from geo.static.snapshots import (DEFAULT_TITLE, EVENTS_ATTRIBUTION, VIEWPORT, mercator, render, snapshot_frame,
                           snapshot_html, snapshot_png, view_extent)

TIN = "MLI-2024-07-25-TIN"
TIN_LATLON = (19.9433, 2.7019)
WHEN = dt.datetime(2025, 1, 2, 3, 4, tzinfo=dt.timezone.utc)
LINK = "?type=Battles&lat=19&lon=1&z=7"


def rgb(hex_color: str) -> tuple[int, int, int]:
    return tuple(int(hex_color[i:i + 2], 16) for i in (1, 3, 5))


def decode(png: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(png))
    im.load()
    return im


@pytest.fixture(scope="module")
def default_png(events, claims, layers):
    return render(geo.View(), "png", events, claims, layers, generated=WHEN)


# --- PNG ------------------------------------------------------------------------------------------

def test_png_decodes_at_least_1600_wide_and_is_not_blank(default_png):
    im = decode(default_png)
    assert im.format == "PNG" and im.width == 1600
    assert 900 < im.height < 1600  # the dashboard's map aspect plus the text above and below
    colors = im.convert("RGB").getcolors(maxcolors=1 << 20)
    assert len(colors) >= 50


@pytest.mark.parametrize("width, dpi", [(777, 96), (1234, 150), (2001, 200), (1600, 72)])
def test_png_has_the_asked_width_exactly(events, layers, width, dpi):
    battles = geo.filter_events(events, geo.EventFilter(event_types=["Battles"]))
    im = decode(snapshot_png(battles, layers, geo.View(), width_px=width, dpi=dpi))
    assert im.width == width
    assert im.height == snapshot_frame(battles, geo.View(), width_px=width, dpi=dpi).height
    assert im.info["dpi"] == pytest.approx((dpi, dpi), abs=0.05)  # stored as px per metre


def test_png_metadata_holds_the_link_and_attribution(events, claims, layers):
    view, warnings = geo.view_from_query("?actor=Wagner+Group&from=2024-01-01&z=7&color=side",
                                         vocabulary=geo.Vocabulary.of(events))
    assert warnings == []
    im = decode(render(view, "png", events, claims, layers, generated=WHEN))
    assert im.text["Link"] == urlencode(geo.view_to_query(view), doseq=True)
    assert im.text["Link"] == "actor=Wagner+Group&from=2024-01-01&z=7&color=side"
    assert "Natural Earth" in im.text["Attribution"] and EVENTS_ATTRIBUTION in im.text["Attribution"]
    assert im.text["Title"] == DEFAULT_TITLE
    assert "Actors: Wagner Group" in im.text["Description"]
    assert im.text["Software"].startswith("geo ") and im.text["Creation Time"] == "2025-01-02 03:04 UTC"
    # a caller's attribution replaces the curated data's
    im = decode(snapshot_png(events.head(3), layers, view, attribution="Events: ACLED; www.acleddata.com"))
    assert "ACLED" in im.text["Attribution"] and "curated" not in im.text["Attribution"]


def _pixel_color(png: bytes, x: float, y: float) -> tuple[int, int, int]:
    return decode(png).convert("RGB").getpixel((int(x), int(y)))


@pytest.mark.parametrize("color_by, expected", [("event_type", geo.EVENT_TYPE_COLORS["Battles"]),
                                                ("side", geo.SIDE_COLORS["Tuareg-led rebels"])])
def test_tinzawaten_battle_colours_its_pixel(events, claims, layers, color_by, expected):
    view, _ = geo.view_from_query(LINK + f"&color={color_by}")
    shown = geo.filter_events(events, view.filter)
    assert TIN in set(shown["event_id"])
    kw = dict(width_px=1600, dpi=150, generated=WHEN)
    png = snapshot_png(shown, layers, view, claims=claims, **kw)
    frame = snapshot_frame(shown, view, **kw)
    x, y = frame.pixel(*TIN_LATLON)
    assert 0 <= x < frame.width and frame.top <= y < frame.top + frame.map_height
    # the marker is filled at 80 % opacity over what lies beneath it: the same map without events
    under = _pixel_color(snapshot_png(shown.iloc[:0], layers, view, **kw), x, y)
    want = [0.8 * c + 0.2 * u for c, u in zip(rgb(expected), under)]
    got = _pixel_color(png, x, y)
    assert math.dist(got, want) < 12, (got, want)
    # and the map there is not that colour without the event
    assert math.dist(under, want) > 60


def test_frame_is_the_web_maps_extent(events):
    view = geo.View(center=(19.9433, 2.7019), zoom=9)
    xmin, xmax, ymin, ymax = view_extent(view)
    # Leaflet at zoom 9: 256 * 2**9 px around the world
    assert (xmax - xmin) == pytest.approx(VIEWPORT[0] * 2 * math.pi * 6378137 / (256 * 2**9))
    assert (ymax - ymin) / (xmax - xmin) == pytest.approx(VIEWPORT[1] / VIEWPORT[0])
    frame = snapshot_frame(events, view, width_px=2000, dpi=200)
    x, y = frame.pixel(*view.center)
    assert x == pytest.approx(1000) and y == pytest.approx(frame.top + frame.map_height / 2)
    # 0.1° of longitude east is 0.1 / 360 of the world, in CSS px times the scale
    x2, _ = frame.pixel(view.center[0], view.center[1] + 0.1)
    assert x2 - x == pytest.approx(0.1 / 360 * 256 * 2**9 * frame.scale)
    # the same Web Mercator as PROJ's EPSG:3857, which the boundary layers are drawn in
    mx, my = mercator(TIN_LATLON[0], TIN_LATLON[1])
    pt = gpd.GeoSeries(gpd.points_from_xy([TIN_LATLON[1]], [TIN_LATLON[0]]), crs="EPSG:4326").to_crs("EPSG:3857")
    assert float(mx) == pytest.approx(pt.x.iloc[0], abs=0.01) and float(my) == pytest.approx(pt.y.iloc[0], abs=0.01)


def test_selected_event_is_ringed_and_hostile_text_is_drawn_safely(small_events, small_claims, layers):
    view = geo.View(center=(19.9, 2.7), zoom=8, selected="T-3")
    title = "A title with $x^2$ maths, <b>tags</b>\x00 and a\nnewline"
    png = snapshot_png(small_events, layers, view, claims=small_claims, title=title,
                       attribution="Events: test\x07 fixture")
    im = decode(png)
    assert "\x00" not in im.text["Title"] and "\n" not in im.text["Title"] and "$x^2$" in im.text["Title"]
    assert "\x07" not in im.text["Attribution"]
    frame = snapshot_frame(small_events, view, title=title, attribution="Events: test\x07 fixture")
    x, y = frame.pixel(19.9430, 2.7020)
    # the ring lies just outside the marker of T-3 (21 fatalities): dark pixels above it
    r = geo.styles.marker_radius(21) * frame.scale
    column = [im.convert("RGB").getpixel((int(x), int(y - r - d))) for d in range(2, int(9 * frame.scale))]
    assert any(max(p) < 60 for p in column)


def test_no_events_still_gives_a_map(events, layers):
    view = geo.View(filter=geo.EventFilter(actors=["Nobody"]))
    png = render(view, "png", events, None, layers)
    assert decode(png).width == 1600


def test_svg_and_pdf_come_from_the_same_code(events, claims, layers):
    view = geo.View(filter=geo.EventFilter(event_types=["Battles"]))
    svg = render(view, "svg", events, claims, layers, generated=WHEN)
    pdf = render(view, "pdf", events, claims, layers, generated=WHEN)
    assert svg.lstrip().startswith(b"<?xml") and b"<svg" in svg[:2000]
    assert b"type=Battles" in svg and b"Natural Earth" in svg  # dc:source and dc:rights
    assert pdf.startswith(b"%PDF-")
    with pytest.raises(ValueError):
        snapshot_png(events, layers, view, fmt="gif")


# --- HTML -----------------------------------------------------------------------------------------

class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture(scope="module")
def html_view(events):
    view, warnings = geo.view_from_query("?actor=Wagner+Group&from=2024-01-01&lat=19.9&lon=2.7&z=7"
                                         f"&event={TIN}&hide=countries", vocabulary=geo.Vocabulary.of(events))
    assert warnings == []
    return view


@pytest.fixture(scope="module")
def full_html(events, claims, layers):
    return render(geo.View(), "html", events, claims, layers, generated=WHEN)


def test_html_is_standalone_and_says_what_it_shows(events, claims, layers, html_view):
    page = render(html_view, "html", events, claims, layers, generated=WHEN)
    parser = _Tags()
    parser.feed(page)
    parser.close()
    scripts = [a for t, a in parser.tags if t == "script" and a.get("src")]
    sheets = [a for t, a in parser.tags if t == "link" and a.get("rel") == "stylesheet"]
    assert all(a["src"].startswith("data:") for a in scripts) and scripts
    assert all(a["href"].startswith("data:") for a in sheets)
    assert external_urls(page) == [] and '<script src="http' not in page
    text = " ".join(parser.text)
    assert DEFAULT_TITLE in text
    assert "Actors: Wagner Group · Dates: 2024-01-01 to …" in text
    assert "Made with Natural Earth" in text and EVENTS_ATTRIBUTION in text
    assert "Generated 2025-01-02 03:04 UTC" in text
    query = urlencode(geo.view_to_query(html_view), doseq=True)
    assert f"?{query}" in text and query.replace("&", "&amp;") in page


def test_html_of_the_embedded_data_is_small(full_html):
    size = len(full_html.encode("utf-8"))
    assert size < 2_000_000, size  # "well under 5 MB"
    assert "All events" in full_html


def test_html_link_with_a_base_is_a_safe_anchor(events, layers):
    page = snapshot_html(events.head(2), layers, geo.View(zoom=7), base_url="https://dash.example.org/app")
    assert 'href="https://dash.example.org/app?z=7"' in page
    page = snapshot_html(events.head(2), layers, geo.View(zoom=7), base_url="javascript:alert(1)//")
    assert 'href="javascript' not in page


# --- in Chromium ----------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def open_snapshot(browser, page_html: str, tmp_path):
    """Open the HTML as a file, refusing (and recording) every request that is not a file: or data: URL."""
    path = tmp_path / "snapshot.html"
    path.write_text(page_html, encoding="utf-8")
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    pg = context.new_page()
    pg.external, pg.dialogs, pg.errors = [], [], []

    def route(r):
        if urlparse(r.request.url).scheme in ("file", "data"):
            r.continue_()
        else:
            pg.external.append(r.request.url)
            r.abort()

    pg.route("**/*", route)
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.goto(path.as_uri())
    return context, pg


def click_markers(pg, markers, want=None) -> list[str]:
    from test_browser import open_popups

    return open_popups(pg, markers, until=want)


@pytest.mark.browser
def test_html_opens_offline_in_chromium_with_markers_and_popups(browser, full_html, events, tmp_path):
    context, pg = open_snapshot(browser, full_html, tmp_path)
    try:
        markers = pg.locator("path.event-marker")
        markers.first.wait_for(timeout=20_000)
        assert markers.count() == len(events)
        assert "Event type" in pg.locator(".map-legend").inner_text()
        assert "Made with Natural Earth" in pg.locator(".snapshot-info").inner_text()
        # the header does not push the map off the page: the map fills the rest of the window
        box = pg.locator(".folium-map").bounding_box()
        assert box["height"] > 500 and box["y"] + box["height"] <= 901
        texts = click_markers(pg, markers, want=lambda t: "Tinzaouaten" in t and "Claims" in t)
        battle = next(t for t in texts if "Tinzaouaten" in t and "Claims" in t)
        assert "84" in battle and "CSP-DPA" in battle
        assert pg.external == [] and pg.dialogs == [] and pg.errors == []
    finally:
        context.close()


@pytest.mark.browser
def test_heatmap_view_draws_offline_in_the_html_and_the_png(browser, events, claims, layers, tmp_path):
    view = geo.View(draw="heat")
    context, pg = open_snapshot(browser, render(view, "html", events, claims, layers), tmp_path)
    try:
        pg.locator("canvas.leaflet-heatmap-layer").wait_for(timeout=20_000)  # Leaflet.heat, inlined
        assert "Heatmap of events" in pg.locator(".map-legend").inner_text()
        assert pg.locator("path.event-marker").count() == 0
        assert pg.external == [] and pg.errors == []
    finally:
        context.close()
    png = Image.open(io.BytesIO(render(view, "png", events, claims, layers))).convert("RGB")
    pixels = np.asarray(png).reshape(-1, 3).astype(int)
    red = np.abs(pixels - np.array([0xD7, 0x19, 0x1C])).sum(axis=1) < 60  # the gradient's hottest colour
    assert red.sum() > 50


@pytest.mark.browser
def test_html_opens_the_selected_event(browser, events, claims, layers, html_view, tmp_path):
    page = render(html_view, "html", events, claims, layers)
    context, pg = open_snapshot(browser, page, tmp_path)
    try:
        shown = geo.filter_events(events, html_view.filter)
        pg.locator("path.event-marker").first.wait_for(timeout=20_000)
        assert pg.locator("path.event-marker").count() == len(shown)
        popup = pg.locator(".leaflet-popup-content")
        popup.wait_for(timeout=10_000)
        assert "Tinzaouaten" in popup.inner_text()
        assert pg.external == [] and pg.errors == []
    finally:
        context.close()


@pytest.mark.browser
def test_hostile_text_fires_no_script_in_the_html(browser, small_events, small_claims, layers, tmp_path):
    view = geo.View(center=(18.5, 0.0), zoom=6)
    title = "<img src=x onerror=alert(4)> `${alert(5)}` </script><script>alert(6)</script>"
    page = snapshot_html(small_events, layers, view, claims=small_claims, title=title,
                         attribution="<script>alert(7)</script> data")
    for raw in ("<img src=x onerror", "</script><script>alert(3)", "${alert(2)}", "<script>alert(7)"):
        assert raw not in page, raw
    context, pg = open_snapshot(browser, page, tmp_path)
    try:
        markers = pg.locator("path.event-marker")
        markers.first.wait_for(timeout=20_000)
        assert markers.count() == len(small_events)
        texts = click_markers(pg, markers)
        pg.wait_for_timeout(300)
        assert pg.dialogs == [] and pg.errors == []
        joined = "\n".join(texts)
        assert "<img src=x onerror=alert(1)>" in joined and "${alert(2)}" in joined
        assert "javascript:alert(1)" in joined
        header = pg.locator(".snapshot-info").inner_text()
        assert "<img src=x onerror=alert(4)>" in header and "${alert(5)}" in header
        assert pg.locator("img[src=x]").count() == 0
        assert pg.external == []
    finally:
        context.close()


def test_overlays_of_the_view_reach_both_snapshots(events, claims, layers):
    view, warnings = geo.view_from_query("?fig=highest&shade=regions&border=200",
                                         vocabulary=geo.Vocabulary.of(events, claims))
    assert warnings == [] and view.shade_regions and view.filter.max_border_km == 200
    plain = decode(render(geo.View(filter=view.filter), "png", events, claims, layers, generated=WHEN))
    im = decode(render(view, "png", events, claims, layers, generated=WHEN))
    assert im.text["Link"] == "border=200&fig=highest&shade=regions"
    assert "Within 200 km of the Algeria border" in im.text["Description"]
    assert "highest claimed fatalities" in im.text["Description"]
    assert im.size == plain.size and im.tobytes() != plain.tobytes()  # the shading and sizes are drawn
    page = render(view, "html", events, claims, layers, generated=WHEN)
    assert "Within 200 km of the Algeria border" in page and "Regions by events" in page


def test_snapshots_name_the_places(events, claims, layers):
    """Offline, the snapshot names countries, regions, towns and the events' own places (a village too
    small for the gazetteer), in the SVG as in the PNG, and credits GeoNames."""
    view, _ = geo.view_from_query("", vocabulary=geo.Vocabulary.of(events))
    svg = render(view, "svg", events, claims, layers, generated=WHEN)
    svg = svg.decode("utf-8") if isinstance(svg, bytes) else svg
    for name in ("Kidal", "Gao", "Timbuktu", "Tinzaouaten", "Tombouctou", "MALI", "BURKINA FASO"):
        assert name in svg, name
    assert "GeoNames" in svg
    from matplotlib.figure import Figure

    from geo.places.labels import place_labels
    from geo.static.staticmap import _draw_labels, snapshot_frame

    # the names drawn at this zoom: the data's places, and fewer than the candidates (none overlaps another)
    labels = place_labels(layers, events)
    drawn = _draw_labels(Figure().add_subplot(), labels, view, snapshot_frame(events, view))
    assert {"Kidal", "Timbuktu", "Tinzaouaten"} <= set(drawn)
    assert 20 < len(drawn) < (labels["min_zoom"] <= view.zoom).sum()
