"""The Dates field in a real browser, with the keyboard alone: a typed range applies on Enter without
leaving the field (the map, the figures and the share link follow), a line says "Press Enter to apply"
while it waits (in French too), a half-typed range says what it waits for, bad dates warn in plain words,
leaving the field applies, and the calendar beside it still works with the mouse."""

from __future__ import annotations

import time

import pytest
from test_browser import browser, dashboard, open_map, page  # noqa: F401 (the module's fixtures)
from test_browser_a11y import active, settle, tab_to

import geo

pytestmark = pytest.mark.browser


def field(pg):
    return pg.locator('[data-testid="stSidebar"] .geo-td-input')


def waiting_line(pg):
    return pg.locator('[data-testid="stSidebar"] .geo-td-wait')


def markers(pg):
    return pg.frame_locator('iframe[title*="st_folium"]').locator("path.event-marker")


def until(pg, check, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while not check() and time.time() < deadline:
        pg.wait_for_timeout(200)
    assert check()


def in_range(events, start: str, end: str | None = None):
    return geo.filter_events(events, geo.EventFilter(start=start, end=end))


def sidebar_warnings(pg) -> str:
    return "\n".join(pg.locator('[data-testid="stSidebar"] [data-testid="stAlert"]').all_inner_texts())


def test_a_typed_range_applies_on_enter_without_leaving_the_field(page, dashboard, events):  # noqa: F811
    open_map(page, dashboard, len(events))
    settle(page)
    headline = page.locator(".st-key-headline [data-testid=stMetric]").first
    before = headline.inner_text()
    # the keyboard's way: skip to the filters, then the Actors filter, then the Dates field
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    tab_to(page, lambda a: a["tag"] == "INPUT" and a["name"] == "Dates", limit=4)
    page.keyboard.press("Control+a")
    page.keyboard.type("2024-07-25 – 2024-07-31")
    line = waiting_line(page)
    assert line.inner_text() == "Press Enter to apply" and line.is_visible()
    assert line.get_attribute("aria-live") == "polite" and line.get_attribute("role") == "status"
    assert line.get_attribute("id") in field(page).get_attribute("aria-describedby")
    page.wait_for_timeout(1500)
    assert "from=" not in page.url and line.inner_text() == "Press Enter to apply"  # waiting, not applied
    page.keyboard.press("Enter")
    until(page, lambda: "from=2024-07-25" in page.url and "to=2024-07-31" in page.url)
    wanted = in_range(events, "2024-07-25", "2024-07-31")
    assert 0 < len(wanted) < len(events)
    until(page, lambda: markers(page).count() == len(wanted))
    settle(page)
    assert headline.inner_text() != before and str(len(wanted)) in headline.inner_text()
    # the focus never left the field, the line is gone, the field and the calendar show the range
    assert active(page)["name"] == "Dates" and active(page)["tag"] == "INPUT"
    assert line.inner_text() == "" and not line.is_visible()
    assert field(page).input_value() == "2024-07-25 – 2024-07-31"
    assert page.locator('[data-testid="stDateInput"] input').first.input_value() == "2024-07-25"
    assert sidebar_warnings(page) == "" and page.errors == []


def test_half_typed_bad_and_left_ranges(page, dashboard, events):  # noqa: F811
    open_map(page, dashboard, len(events))
    settle(page)
    field(page).focus()
    # only a start: nothing applies, and the line says what it waits for
    page.keyboard.press("Control+a")
    page.keyboard.type("2024-07-25")
    page.keyboard.press("Enter")
    until(page, lambda: waiting_line(page).inner_text() == "Type the end date after the start, then press Enter.")
    settle(page)
    assert "from=" not in page.url and field(page).input_value() == "2024-07-25"
    # the end typed, then the field left (Tab): that applies too
    page.keyboard.type(" – 2024-07-31")
    assert waiting_line(page).inner_text() == "Press Enter to apply"
    page.keyboard.press("Tab")
    until(page, lambda: "from=2024-07-25" in page.url and "to=2024-07-31" in page.url)
    until(page, lambda: markers(page).count() == len(in_range(events, "2024-07-25", "2024-07-31")))
    settle(page)
    assert waiting_line(page).inner_text() == ""
    # bad dates: the link's plain warnings, never a traceback; the field shows what applies
    first, last = events["event_date"].min().date(), events["event_date"].max().date()
    for typed, warning, url_part in [
        ("2024-07-31 – 2024-07-01", "Ignored the end date 2024-07-01: it is before the start date 2024-07-31.",
         "from=2024-07-31"),
        ("1990-01-01 – 2024-07-31", (f"The start date 1990-01-01 is outside this data ({first} to {last}); "
                                     f"used {first}."), "to=2024-07-31"),
        ("last week", "Ignored the dates 'last week': not a start and an end date like 2024-07-10 – 2024-07-20.",
         "to=2024-07-31"),
    ]:
        field(page).focus()
        page.keyboard.press("Control+a")
        page.keyboard.type(typed)
        page.keyboard.press("Enter")
        until(page, lambda warning=warning: warning in sidebar_warnings(page))
        settle(page)
        assert url_part in page.url, (typed, page.url)
        assert waiting_line(page).inner_text() == ""
    assert "last week" not in field(page).input_value()  # back to the applied range
    assert page.locator('[data-testid="stException"]').count() == 0 and page.errors == []


def test_the_calendar_still_works_with_the_mouse(page, dashboard, events):  # noqa: F811
    open_map(page, dashboard + "/?from=2024-07-01&to=2024-07-31", len(in_range(events, "2024-07-01", "2024-07-31")))
    settle(page)
    assert field(page).input_value() == "2024-07-01 – 2024-07-31"  # the link's dates in the field
    page.locator('[data-testid="stDateInput"] button').first.click()
    calendar = page.locator('[data-testid="stDateInputCalendar"]')
    calendar.wait_for()
    calendar.locator('[aria-label*="July 25, 2024"]').first.click()
    calendar.locator('[aria-label*="July 31, 2024"]').first.click()
    until(page, lambda: "from=2024-07-25" in page.url and "to=2024-07-31" in page.url)
    until(page, lambda: markers(page).count() == len(in_range(events, "2024-07-25", "2024-07-31")))
    until(page, lambda: field(page).input_value() == "2024-07-25 – 2024-07-31")  # the typed field follows
    assert page.errors == []


def test_the_waiting_line_in_french(page, dashboard, events):  # noqa: F811
    open_map(page, dashboard + "/?lang=fr", len(events))
    settle(page)
    assert page.locator('[data-testid="stSidebar"] .geo-td-label').inner_text() == "Dates"
    assert field(page).get_attribute("placeholder") == "AAAA-MM-JJ – AAAA-MM-JJ"
    field(page).focus()
    page.keyboard.press("Control+a")
    page.keyboard.type("2024-07-25 – 2024-07-31")
    assert waiting_line(page).inner_text() == "Appuyez sur Entrée pour appliquer"
    page.keyboard.press("Enter")
    until(page, lambda: "from=2024-07-25" in page.url and "lang=fr" in page.url)
    settle(page)
    assert waiting_line(page).inner_text() == "" and not waiting_line(page).is_visible()
    field(page).focus()
    page.keyboard.press("Control+a")
    page.keyboard.type("la semaine dernière")
    page.keyboard.press("Enter")
    until(page, lambda: "Dates «\u202fla semaine dernière\u202f» ignorées" in sidebar_warnings(page))
    assert page.errors == []


def test_on_a_phone_the_field_fits_and_enter_applies(browser, dashboard, events):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  device_scale_factor=2)
    try:
        pg = context.new_page()
        pg.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("data:", "http://127.0.0.1"))
                 else r.abort())
        open_map(pg, dashboard, len(events))
        settle(pg)
        pg.locator('[data-testid="stExpandSidebarButton"]').click()
        box = field(pg)
        box.wait_for(state="visible")
        until(pg, lambda: box.bounding_box()["x"] >= 0)  # the sidebar has slid in
        pg.wait_for_timeout(500)
        rect = box.bounding_box()
        assert rect["x"] >= 0 and rect["x"] + rect["width"] <= 390 and rect["height"] >= 40  # a finger's height
        box.tap()
        pg.keyboard.press("Control+a")
        pg.keyboard.type("2024-07-25 – 2024-07-31")
        assert waiting_line(pg).inner_text() == "Press Enter to apply"
        pg.keyboard.press("Enter")
        until(pg, lambda: "from=2024-07-25" in pg.url and "to=2024-07-31" in pg.url)
        until(pg, lambda: waiting_line(pg).inner_text() == "")
    finally:
        context.close()
