"""The share link under the map: the link as text, and a "Copy link" button that copies it and says so."""

from __future__ import annotations

import pytest

import geo
from test_browser import browser, dashboard, open_map  # noqa: F401 (the module's dashboard and browser)

pytestmark = pytest.mark.browser


def test_copy_link_puts_the_pages_link_on_the_clipboard_and_says_so(browser, dashboard, events):  # noqa: F811
    context = browser.new_context(viewport={"width": 1400, "height": 1200})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=dashboard)
    page = context.new_page()
    try:
        jnim = geo.filter_events(events, geo.EventFilter(actors=["JNIM"]))
        open_map(page, dashboard + "/?actor=JNIM", len(jnim))
        box = page.locator('[data-testid="stExpander"]', has_text="Share this view")
        box.get_by_text("Share this view").click()
        url = box.locator(".geo-share-url")
        url.wait_for(timeout=20_000)
        link = url.inner_text().strip()
        assert link.startswith(dashboard) and "actor=JNIM" in link
        # the link shown is the address bar's
        assert link.split("?", 1)[1] == page.url.split("?", 1)[1]
        status = box.locator(".geo-share-status")
        assert status.inner_text() == ""
        box.get_by_role("button", name="Copy link").click()
        page.wait_for_function("() => document.querySelector('.geo-share-status').textContent !== ''",
                               timeout=10_000)
        assert status.inner_text() == "Link copied."
        assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
        assert page.evaluate("() => navigator.clipboard.readText()") == link
        # no code block: Streamlit's syntax highlighter is not loaded for it
        assert box.locator('[data-testid="stCode"]').count() == 0
    finally:
        context.close()


def test_the_share_box_speaks_french(browser, dashboard):  # noqa: F811
    page = browser.new_context(viewport={"width": 1400, "height": 1200}).new_page()
    try:
        page.goto(dashboard + "/?lang=fr")
        box = page.locator('[data-testid="stExpander"]', has_text="Partager cette vue")
        box.wait_for(timeout=60_000)
        box.get_by_text("Partager cette vue").click()
        box.get_by_role("button", name="Copier le lien").wait_for(timeout=20_000)
        url = box.locator(".geo-share-url")
        # a read-only field named in the page's language: a screen reader says what it holds
        assert url.get_attribute("aria-label") == "Lien de partage"
        assert url.get_attribute("role") == "textbox" and url.get_attribute("aria-readonly") == "true"
    finally:
        page.context.close()
