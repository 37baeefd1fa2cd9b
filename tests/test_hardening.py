"""Hardening, in a real browser: hostile data stays inert everywhere it is shown, and
eight sessions at once each get their own map and filters from one shared copy of the data."""

from __future__ import annotations

import time

import pytest

import geo
from conftest import FIXTURES
from test_browser import browser, open_map, open_popups, start_dashboard, stop_dashboard  # noqa: F401  (fixtures; skips without Chromium)

pytestmark = pytest.mark.browser

HOSTILE_EVENTS = FIXTURES / "events_hostile.csv"
HOSTILE_CLAIMS = FIXTURES / "claims_hostile.csv"


@pytest.fixture(scope="module")
def hostile_dashboard():
    proc, url = start_dashboard({"GEO_EVENTS": str(HOSTILE_EVENTS), "GEO_CLAIMS": str(HOSTILE_CLAIMS)})
    yield url
    stop_dashboard(proc)


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def watch(page) -> list[str]:
    fired: list[str] = []
    page.on("dialog", lambda d: (fired.append(d.message), d.dismiss()))
    return fired


def test_hostile_text_is_inert_in_every_part_of_the_dashboard(browser, hostile_dashboard):
    context = browser.new_context(viewport={"width": 1400, "height": 1400})
    try:
        page = context.new_page()
        fired = watch(page)
        # a crafted link too: hostile values in the URL
        frame, markers = open_map(page, hostile_dashboard + "/?event=H-1&actor=%3Cimg%20src%3Dx%20onerror%3D"
                                  "alert(20)%3E&evil=%22%3E%3Csvg%20onload%3Dalert(21)%3E", 5)
        # the linked event's details under the map show its place as the text it is
        page.get_by_role("button", name="Close event details").wait_for(timeout=20_000)
        assert "${alert(4)}" in page.locator('[data-testid="stApp"]').inner_text()
        # every popup opened (each click selects its event: the details under the map follow)
        texts = open_popups(frame, markers)
        # tooltips
        markers.first.hover(force=True)
        page.get_by_text("About the data").click()
        page.wait_for_timeout(1000)
        assert fired == []
        # nothing became an element: no injected img/svg/script anywhere in the page or the map
        for where in (page, frame):
            assert where.locator("img[src='x'], svg[onload], [onerror]").count() == 0
        assert frame.locator(".leaflet-popup-content a[href^='javascript'], a[href^='data:']").count() == 0
        assert page.locator("a[href^='javascript']").count() == 0
        # and the payloads are shown as the text they are
        joined = "\n".join(texts)
        assert "<img src=x onerror=alert(2)>" in joined and "${alert(4)}" in joined
        assert "[click me](javascript:alert(5))" in joined and "javascript:alert(9)" in joined
        app_text = page.locator('[data-testid="stApp"]').inner_text()
        assert "Close event details" in app_text  # the last event clicked, in the details under the map
        assert "Parts of this link could not be used" in app_text
    finally:
        context.close()


def test_hostile_text_is_inert_in_the_html_snapshot(browser, tmp_path):
    events, claims = geo.load_events(HOSTILE_EVENTS), geo.load_claims(HOSTILE_CLAIMS)
    html = geo.snapshot_html(events, geo.load_layers(), geo.View(selected="H-1"), claims=claims)
    path = tmp_path / "snapshot.html"
    path.write_text(html, encoding="utf-8")
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        fired = watch(page)
        page.goto(path.as_uri())
        markers = page.locator("path.event-marker")
        markers.first.wait_for(timeout=20_000)
        open_popups(page, markers)
        page.wait_for_timeout(500)
        assert fired == []
        assert page.locator("img[src='x'], svg[onload], [onerror]").count() == 0
    finally:
        context.close()


def test_eight_sessions_at_once(browser, events):
    proc, url = start_dashboard()
    links = {
        "/?actor=Wagner+Group": geo.EventFilter(actors=["Wagner Group"]),
        "/?actor=JNIM": geo.EventFilter(actors=["JNIM"]),
        "/?actor=CSP-DPA": geo.EventFilter(actors=["CSP-DPA"]),
        "/?region=Kidal": geo.EventFilter(regions=["Kidal"]),
        "/?region=Gao": geo.EventFilter(regions=["Gao"]),
        "/?type=Battles": geo.EventFilter(event_types=["Battles"]),
        "/?from=2024-01-01": geo.EventFilter(start="2024-01-01"),
        "/?minf=10": geo.EventFilter(min_fatalities=10),
    }
    contexts = []
    try:
        # warm the shared cache with one session, then measure what eight more cost
        first = browser.new_context()
        contexts.append(first)
        open_map(first.new_page(), url, len(events))
        before = rss_mb(proc.pid)
        pages = []
        for link in links:  # open all eight before waiting on any: they load at the same time
            ctx = browser.new_context(viewport={"width": 1200, "height": 1000})
            contexts.append(ctx)
            page = ctx.new_page()
            page.goto(url + link, wait_until="commit")
            pages.append((page, link))
        deadline = time.time() + 120
        for page, link in pages:
            expected = len(geo.filter_events(events, links[link]))
            frame = page.frame_locator('iframe[title*="st_folium"]')
            while frame.locator("path.event-marker").count() != expected and time.time() < deadline:
                page.wait_for_timeout(250)
            assert frame.locator("path.event-marker").count() == expected, link
        after = rss_mb(proc.pid)
        # one copy of the data serves everyone: eight sessions cost far less than eight loads
        print(f"server RSS: {before:.0f} MB with 1 session, {after:.0f} MB with 9 (+{after - before:.0f} MB)")
        assert after - before < 400
        # each session kept its own filter
        for page, link in pages:
            key = link[2:].split("=")[0]
            assert f"{key}=" in page.url
    finally:
        for ctx in contexts:
            ctx.close()
        stop_dashboard(proc)
