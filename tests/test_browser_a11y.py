"""The dashboard for every reader, in a real browser: axe-core finds no serious or critical
violation (the page and the map's frame), and the page works by keyboard alone, from the first
filter to an open event, on the map and through the list of its events.

axe-core runs from the copy the axe-playwright-python wheel ships (no download), injected into the
page and into the map's frame, and is run once over both (``iframes: true``) and once on the map's
document alone.
"""

from __future__ import annotations

import collections
import re
import time

import pytest
from test_browser import browser, dashboard  # noqa: F401 (the module's dashboard and browser)

pytestmark = pytest.mark.browser

axe_base = pytest.importorskip("axe_playwright_python.base")

BATTLE = "MLI-2024-07-25-TIN"
BATTLE_HEADING = "Tinzaouaten, 25 July 2024: Battles"


@pytest.fixture()
def page(browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 1400, "height": 1200})
    pg = context.new_page()
    pg.errors = []
    # nothing off this machine: axe and the map must work offline
    pg.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("http://127.0.0.1", "data:"))
             else r.abort())
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    context.close()


def settle(page, quiet: float = 1.5, timeout: float = 60) -> None:
    """Until the script has stopped running and nothing is stale, for ``quiet`` seconds on end."""
    deadline, since = time.time() + timeout, None
    while time.time() < deadline:
        idle = page.evaluate("() => { const app = document.querySelector('[data-testid=stApp]');"
                             " return !!app && app.getAttribute('data-test-script-state') === 'notRunning'"
                             " && !document.querySelector('[data-stale=true]'); }")
        if idle:
            since = since or time.time()
            if time.time() - since >= quiet:
                return
        else:
            since = None
        time.sleep(0.2)
    raise AssertionError("the page did not settle")


def map_frame(page):
    return next(f for f in page.frames if "streamlit_folium" in f.url)


def open_page(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector('iframe[title*="st_folium"]', timeout=60_000)
    page.frame_locator('iframe[title*="st_folium"]').locator("path.event-marker").first.wait_for(timeout=60_000)
    settle(page)


def run_axe(page) -> tuple[list[dict], list[dict]]:
    """axe-core over the page with the map's frame, and over the map's document alone."""
    for frame in page.frames:
        frame.evaluate(axe_base.AXE_SCRIPT)
    whole = page.evaluate("axe.run(document, {iframes: true, resultTypes: ['violations']})")
    inside = map_frame(page).evaluate("axe.run(document, {resultTypes: ['violations']})")
    return whole["violations"], inside["violations"]


def by_impact(violations: list[dict]) -> dict[str, int]:
    counts = collections.Counter()
    for v in violations:
        counts[v["impact"]] += len(v["nodes"])
    return dict(counts)


def report(violations: list[dict]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): " + "; ".join(str(n["target"]) for n in v["nodes"][:5])
                     for v in violations)


@pytest.mark.parametrize("query", ["", f"?event={BATTLE}"], ids=["default", "event-open"])
def test_axe_finds_no_serious_or_critical_violation(page, dashboard, query):  # noqa: F811
    open_page(page, dashboard + "/" + query)
    if query:
        page.get_by_role("heading", name=BATTLE_HEADING).wait_for(timeout=30_000)
        map_frame(page).locator(".leaflet-popup-content").wait_for(timeout=30_000)
    whole, inside = run_axe(page)
    serious = [v for v in whole + inside if v["impact"] in ("serious", "critical")]
    print(f"\naxe {query or 'default'}: page and map {by_impact(whole)}, map alone {by_impact(inside)}")
    assert not serious, report(serious)
    # the map was checked: its frame is in the whole run (a violation there would name it) and its own run
    # found its named region and its markers as buttons with names
    frame = map_frame(page)
    assert frame.locator(".leaflet-container[role=region][aria-label][aria-describedby]").count() == 1
    assert frame.locator("path.event-marker[role=button][aria-label][tabindex='0']").count() == 45
    assert page.errors == []


def active(page) -> dict:
    """What has the keyboard focus, through the map's frame: its frame, tag, name and role."""
    return page.evaluate("""() => {
      let doc = document, el = document.activeElement, frame = 'page';
      while (el && el.tagName === 'IFRAME' && el.contentDocument) { frame = 'map'; doc = el.contentDocument;
        el = doc.activeElement; }
      if (!el) return {frame, tag: '', name: '', role: ''};
      const labelled = el.getAttribute('aria-labelledby');
      let name = el.getAttribute('aria-label') || (labelled && doc.getElementById(labelled.split(' ')[0])
        ? doc.getElementById(labelled.split(' ')[0]).textContent : '') || '';
      if (!name && el.labels && el.labels.length) name = el.labels[0].textContent;
      const cs = getComputedStyle(el);
      return {frame, tag: el.tagName, name: name.trim(), role: el.getAttribute('role') || '',
              outline: cs.outlineStyle + ' ' + cs.outlineWidth, stroke: cs.stroke};
    }""")


def tab_to(page, wanted, limit: int = 250, key: str = "Tab") -> dict:
    """Press Tab until ``wanted(focused)`` holds; the focused element's description."""
    for _ in range(limit):
        page.keyboard.press(key)
        now = active(page)
        if wanted(now):
            return now
    raise AssertionError(f"not reached by {key} in {limit} presses; last focus {active(page)}")


def test_keyboard_only_from_the_first_filter_to_an_open_event_through_the_list(page, dashboard):  # noqa: F811
    open_page(page, dashboard)
    # the first filter: Actors. Type an actor and take it with Enter, as a keyboard user would
    tab_to(page, lambda f: f["frame"] == "page" and f["tag"] == "INPUT" and f["name"] == "Actors")
    page.keyboard.type("CSP-DPA")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    settle(page)
    assert "CSP-DPA" in page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first.inner_text()
    # on through the page to the list of the map's events; open the battle from it
    focused = tab_to(page, lambda f: f["frame"] == "page" and f["name"] == "Open an event")
    assert focused["tag"] == "INPUT" and "solid" in focused["outline"]  # the focus is visible
    page.keyboard.type("2024-07-25 · Tinzaouaten")
    page.keyboard.press("Enter")
    heading = page.get_by_role("heading", name=BATTLE_HEADING)
    heading.wait_for(timeout=30_000)
    settle(page)
    assert heading.evaluate("h => h.tagName") == "H2"
    assert f"event={BATTLE}" in page.url
    # the same event opens on the map: its popup, a dialog named by its title
    popup = map_frame(page).locator(".leaflet-popup[role=dialog]")
    popup.wait_for(timeout=30_000)
    assert "Tinzaouaten" in popup.inner_text() and "Claims" in popup.inner_text()
    assert page.errors == []


def test_keyboard_only_on_the_map_opens_the_event_panel(page, dashboard):  # noqa: F811
    open_page(page, dashboard)
    tab_to(page, lambda f: f["frame"] == "page" and f["tag"] == "INPUT" and f["name"] == "Actors")
    # into the map: the container first (arrows pan, + zooms), then each event, named
    container = tab_to(page, lambda f: f["frame"] == "map")
    assert container["name"] == "Map of conflict events" and container["role"] == "region"
    frame = map_frame(page)
    view = "() => [window.map.getCenter().lng, window.map.getZoom()]"

    def after(key: str, moved) -> list:
        before = frame.evaluate(view)
        page.keyboard.press(key)
        deadline, now = time.time() + 10, before
        while time.time() < deadline and not moved(before, now):
            time.sleep(0.2)
            now = frame.evaluate(view)
        assert moved(before, now), (key, before, now)
        settle(page)
        return now

    after("ArrowRight", lambda b, a: a[0] > b[0] and a[1] == b[1])  # pans east
    after("Equal", lambda b, a: a[1] == b[1] + 1)  # "+" (or "="): zooms in
    marker = tab_to(page, lambda f: f["frame"] == "map" and f["name"].startswith("25 Jul 2024 · Tinzaouaten · Battles"))
    assert marker["role"] == "button" and marker["stroke"] not in ("", "none")  # the focus ring on the circle
    page.keyboard.press("Enter")
    # the popup opens as a dialog and takes the focus; the dashboard opens the same panel under the map
    frame.locator(".leaflet-popup[role=dialog]").wait_for(timeout=10_000)
    assert active(page)["role"] == "dialog" and active(page)["name"].startswith("Battles")
    page.get_by_role("heading", name=BATTLE_HEADING).wait_for(timeout=30_000)
    # Escape closes the popup and gives the focus back to the event
    page.keyboard.press("Escape")
    frame.locator(".leaflet-popup").wait_for(state="detached", timeout=10_000)
    assert active(page)["name"].startswith("25 Jul 2024 · Tinzaouaten · Battles")
    assert page.errors == []


def test_the_map_and_the_chart_have_text_alternatives(page, dashboard):  # noqa: F811
    open_page(page, dashboard)
    frame = map_frame(page)
    description = frame.locator("#geo-map-description").text_content()
    assert description.startswith("Map of 45 conflict events") and "Places with the most events" in description
    # the same text, for everyone, under the map; the chart's numbers as a table
    page.get_by_text("The map as text").click()
    assert "Places with the most events" in page.locator('[data-testid="stExpander"]', has_text="The map as text") \
        .inner_text()
    # the chart in words, under it
    # 20 months: the chart counts per month (the period follows the span, geo.a11y.chart.chart_freq)
    assert page.get_by_text("Bar chart of events per month by event type, April 2023 to December 2024").count() == 1
    page.get_by_text("Chart data (table)").click()
    table = page.locator('[data-testid="stExpander"]', has_text="Chart data (table)").locator("table")
    assert table.locator("th", has_text="Battles").count() >= 1 and table.locator("tbody tr").count() >= 15


def test_cells_of_large_data_are_reached_and_opened_by_keyboard(browser, tmp_path):  # noqa: F811
    """Past MAX_MARKERS the map draws cells: each is a named button; Enter zooms in to it, as a click does."""
    import geo
    from geo.bench.synthetic import synthetic_events

    many = synthetic_events(2_000, seed=3)
    m = geo.build_map(many, geo.load_layers(), max_markers=1_000, center=(16.0, -3.0), zoom=5)
    page_file = tmp_path / "cells.html"
    m.save(str(page_file))
    context = browser.new_context()
    try:
        pg = context.new_page()
        errors = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.goto(page_file.as_uri())
        pg.wait_for_selector("path.event-cell")
        first, unnamed = None, []
        for _ in range(400):
            pg.keyboard.press("Tab")
            tag, name, cell = pg.evaluate(
                "() => { const e = document.activeElement; return [e.tagName, e.getAttribute('aria-label') ||"
                " e.getAttribute('title') || e.textContent.trim(), e.classList.contains('event-cell')]; }")
            if tag.lower() == "path" and not name:
                unnamed.append(tag)  # a shape in the tab order that says nothing (a country, a region)
            if cell:
                first = name
                break
        assert first and re.fullmatch(r"[\d,]+ events?, [\d,]+ fatalities, mostly .+: zoom in", first), first
        assert unnamed == []
        zoom = pg.evaluate("() => { for (const k in window) { if (k.startsWith('map_') && window[k].getZoom)"
                           " return window[k].getZoom(); } }")
        pg.keyboard.press("Enter")
        pg.wait_for_function("z => { for (const k in window) { if (k.startsWith('map_') && window[k].getZoom)"
                             " return window[k].getZoom() > z; } }", arg=zoom, timeout=10_000)
        assert errors == []
    finally:
        context.close()
