"""The dashboard in French in a real browser: a ``?lang=fr`` link, and a French browser without one."""

from __future__ import annotations

import time

import pytest

from test_browser import CHROMIUM_ARGS, browser, open_map, page, start_dashboard, stop_dashboard  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def dashboard():
    proc, url = start_dashboard()
    yield url
    stop_dashboard(proc)


def test_a_french_link_opens_in_french(page, dashboard, events):  # noqa: F811 (fixtures from test_browser)
    # a link made in French, with a problem (a zoom that is not a number) and an event open
    frame, _ = open_map(page, dashboard + "/?lang=fr&z=abc&event=MLI-2024-07-25-TIN", len(events))
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
    for french in ("Filtres", "Acteurs", "Types d'événements", "Fond de carte", "Couches de frontières",
                   "Frontière Mali–Algérie"):
        assert french in sidebar, french
    assert "Filters" not in sidebar
    app = page.locator('[data-testid="stApp"]').inner_text()
    # the link's warning, in French
    assert "Certaines parties de ce lien n'ont pas pu être utilisées" in app
    assert "Zoom «\u202fabc\u202f» ignoré" in app and "ce n'est pas un nombre" in app
    assert "Événements affichés" in app and "Au fil du temps" in app
    # the open event's popup, in French; the data (actors, places, sources) as written
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=10_000)
    text = popup.inner_text()
    assert "Camp A" in text and "Camp B" in text and "Revendications" in text and "Combats" in text
    assert "juillet 2024" in text and "Tinzaouaten" in text and "CSP-DPA" in text
    assert "Side A" not in text and "Claims" not in text
    assert "Type d'événement" in frame.locator(".map-legend").inner_text()
    # the address bar keeps the language, and the page says it speaks French (for screen readers)
    assert "lang=fr" in page.url
    deadline = time.time() + 10
    while page.evaluate("document.documentElement.lang") != "fr" and time.time() < deadline:
        page.wait_for_timeout(250)
    assert page.evaluate("document.documentElement.lang") == "fr"


def test_a_french_browser_opens_in_french_and_the_link_says_so(browser, dashboard, events):  # noqa: F811
    context = browser.new_context(viewport={"width": 1400, "height": 1200}, locale="fr-FR",
                                  extra_http_headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
    pg = context.new_page()
    try:
        open_map(pg, dashboard + "/?minf=1", len(events[events["fatalities"] >= 1]))
        sidebar = pg.locator('[data-testid="stSidebar"]').inner_text()
        assert "Filtres" in sidebar and "Nombre minimum de morts" in sidebar
        deadline = time.time() + 20
        while "lang=fr" not in pg.url and time.time() < deadline:
            pg.wait_for_timeout(250)
        assert "lang=fr" in pg.url and "minf=1" in pg.url  # a link made now opens in French anywhere
    finally:
        context.close()


def test_switching_to_english_in_the_sidebar(page, dashboard, events):  # noqa: F811
    frame, _ = open_map(page, dashboard + "/?lang=fr", len(events))
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.locator('[data-testid="stSelectbox"]').filter(has_text="Language / Langue").click()
    page.get_by_role("option", name="English").click()
    deadline = time.time() + 30
    while "Filters" not in sidebar.inner_text() and time.time() < deadline:
        page.wait_for_timeout(250)
    assert "Filters" in sidebar.inner_text()

    def legend() -> str:  # the map is mounted again in the new language (its boundaries' names too)
        maps = page.frame_locator('iframe[title*="st_folium"]')
        try:
            return maps.last.locator(".map-legend").inner_text(timeout=2000)
        except Exception:  # noqa: BLE001 - the new map is still being drawn
            return ""

    while "Event type" not in legend() and time.time() < deadline:
        page.wait_for_timeout(250)
    assert "Event type" in legend()  # the map's content follows
    while "lang=" in page.url and time.time() < deadline:
        page.wait_for_timeout(250)
    assert "lang=" not in page.url  # English, the default, stays out of the link
    assert page.evaluate("document.documentElement.lang") == "en"
