"""French everywhere the reader sees it (issue 25), in Chromium: no English text of Streamlit's own in the
sidebar ("Upload", "200MB per file • CSV…", "Choose options", "No results"), and the countries on the map
by their French names (Natural Earth's NAME_FR)."""

from __future__ import annotations

import pytest

from test_browser import browser, open_map, page, start_dashboard, stop_dashboard  # noqa: F401

pytestmark = pytest.mark.browser

#: Streamlit's own English texts of the sidebar's widgets (its uploader and multiselects).
STREAMLIT_ENGLISH = ("Upload", "per file", "200MB", "Drag and drop", "Browse files", "Choose options",
                     "Choose an option", "No results")


@pytest.fixture(scope="module")
def dashboard():
    proc, url = start_dashboard()
    yield url
    stop_dashboard(proc)


def _after(locator) -> str:
    """The text a CSS ``::after`` writes on the element (the quotes taken off)."""
    return locator.evaluate("e => getComputedStyle(e, '::after').content").strip('"')


def test_the_french_sidebar_has_no_english_streamlit_text(page, dashboard, events):  # noqa: F811
    frame, _ = open_map(page, dashboard + "/?lang=fr", len(events))
    sidebar = page.locator('[data-testid="stSidebar"]')
    for expander in ("Filtres",):  # the filters open: their multiselects are in the sidebar's text
        header = sidebar.get_by_text(expander, exact=True)
        if header.count() and not sidebar.locator('[data-testid="stMultiSelect"]').first.is_visible():
            header.first.click()
    sidebar.locator('[data-testid="stMultiSelect"]').first.wait_for(timeout=20_000)
    text = sidebar.inner_text()
    assert not [w for w in STREAMLIT_ENGLISH if w in text], text
    # what is written instead: our caption under the uploader, its button, the multiselects' placeholder
    assert "Jusqu'à 200 Mo par fichier" in text
    button = sidebar.locator('[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]')
    assert _after(button) == "Téléverser"
    assert not sidebar.locator('[data-testid="stFileUploaderDropzone"] button p').first.is_visible()
    placeholders = sidebar.locator('[data-testid="stMultiSelect"] input').evaluate_all(
        "els => els.map(e => e.placeholder)")
    # (a multiselect with choices made shows none: the boundary layers)
    assert placeholders.count("Choisissez des options") >= 3 and set(placeholders) <= {"Choisissez des options", ""}
    # a search that finds nothing says so in French
    box = sidebar.locator('[data-testid="stMultiSelect"] input').first
    box.click()
    box.type("zzqxw")
    empty = page.locator('[data-testid="stMultiSelectDropdown"] [role="listbox"][data-empty="true"] [role="option"]')
    empty.first.wait_for(state="attached", timeout=10_000)
    assert _after(empty.first) == "Aucun résultat"
    assert not page.get_by_text("No results").first.is_visible()
    box.press("Escape")
    # the countries on the map in French: Natural Earth's NAME_FR
    labels = frame.locator(".place-label.pl-country")
    labels.first.wait_for(timeout=20_000)
    names = {n.strip().casefold() for n in labels.all_inner_texts()}
    assert names & {"algérie", "mauritanie"}, names
    assert not names & {"algeria", "mauritania", "guinea", "senegal"}, names


def test_the_english_sidebar_keeps_streamlits_words(page, dashboard, events):  # noqa: F811
    frame, _ = open_map(page, dashboard + "/?lang=en", len(events))
    sidebar = page.locator('[data-testid="stSidebar"]')
    button = sidebar.locator('[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]')
    button.first.wait_for(timeout=20_000)
    # in English the button keeps Streamlit's own text, its name for screen readers (no CSS text over it)
    assert _after(button) in ("none", "normal") and button.first.inner_text().strip() == "Upload"
    assert "Up to 200 MB per file" in sidebar.inner_text()
    labels = frame.locator(".place-label.pl-country")
    labels.first.wait_for(timeout=20_000)
    assert {n.strip().casefold() for n in labels.all_inner_texts()} & {"algeria", "mauritania"}
