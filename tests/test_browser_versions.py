"""Versioned data in a real browser: the "changed since" layer with added, revised and deleted events, and a
revised event's revision history opened from the map (issue 28)."""

from __future__ import annotations

import datetime as dt
import time

import pandas as pd
import pytest

import geo
from test_versions import write
from test_browser import CHROMIUM, CHROMIUM_ARGS, start_dashboard, stop_dashboard, sync_api  # noqa: F401

pytestmark = pytest.mark.browser

T0 = dt.datetime(2026, 11, 20, 9, 12, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The embedded events as a first version, then a sync: one revised (more dead), one deleted, one added."""
    events = geo.load_events()
    root = tmp_path_factory.mktemp("versions") / "store"
    write(root, events, at=T0)
    revised = events.iloc[[10]].assign(fatalities=events["fatalities"].iloc[10] + 7)
    added = events.iloc[[20]].assign(event_id="NEW-1", location="Newplace")
    write(root, pd.concat([revised, added]), at=T0 + dt.timedelta(days=2), deleted=[events["event_id"].iloc[30]])
    proc, url = start_dashboard({"GEO_EVENTS": str(root)})
    yield url, events
    stop_dashboard(proc)


@pytest.fixture()
def page():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = b.new_context(viewport={"width": 1400, "height": 1200})
        pg = context.new_page()
        pg.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("data:", "http://127.0.0.1"))
                 else r.abort())
        yield pg
        b.close()


def test_changed_since_layer_and_revision_history(page, store):
    url, events = store
    page.goto(f"{url}/?changed=2026-11-21")
    page.wait_for_selector('[data-testid="stApp"]', timeout=60_000)
    frame = page.frame_locator('iframe[title*="st_folium"]')
    markers = frame.locator("path.event-marker")
    deadline = time.time() + 90
    while markers.count() != 3 and time.time() < deadline:
        page.wait_for_timeout(250)
    assert markers.count() == 3  # only what changed since the day: added, revised, deleted
    added, revised, deleted = (frame.locator(f"path.change-{kind}") for kind in ("added", "revised", "deleted"))
    assert added.count() == revised.count() == deleted.count() == 1
    assert deleted.get_attribute("fill-opacity") == "0"  # drawn hollow
    assert float(revised.get_attribute("fill-opacity")) > 0
    assert revised.get_attribute("stroke-dasharray")
    page.get_by_text("Changed since 21 November 2026: 1 added").wait_for(timeout=30_000)
    # the deleted event says so, and when
    deleted.dispatch_event("click")
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=15_000)
    assert "Deleted from ACLED on 22 November 2026" in popup.inner_text()
    frame.locator(".leaflet-popup-close-button").dispatch_event("click")
    # the revised event: its panel shows the revision history, fatalities from → to
    revised.dispatch_event("click")
    before = int(events["fatalities"].iloc[10])
    history = page.get_by_text("Revision history (2 versions)")
    history.wait_for(timeout=60_000)
    body = page.locator('[data-testid="stExpander"]').filter(has_text="Revision history")
    body.get_by_text("ACLED: revised").wait_for(timeout=30_000)
    text = body.inner_text()
    assert "22 November 2026 09:12:00 UTC · ACLED: revised" in text
    assert f"fatalities: {before} → {before + 7}" in text
    assert "20 November 2026 09:12:00 UTC · ACLED: added" in text
    # the link carries the version and the day
    assert "changed=2026-11-21" in page.url and "asof=2026-11-22T09%3A12%3A00Z" in page.url
