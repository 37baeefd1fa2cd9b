"""A versioned PostGIS database in a real browser (issue 28): the "changed since" layer draws the added, revised
and deleted events, the legend lists their marks, and a revised event's revision history opens from the map; a
real server (the pg_server fixture)."""

from __future__ import annotations

import time

import psycopg
import pytest
from conftest import ROOT
from test_browser import CHROMIUM, CHROMIUM_ARGS, start_dashboard, stop_dashboard, sync_api

import geo
from geo.db import history as dbhistory
from geo.db.postgis import PostgisSource

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def database(pg_server):
    """The embedded events loaded on 20 November 2026, then a sync on the 22nd: one revised (7 more dead), one
    deleted, one added."""
    url = pg_server.create_database("t_browser_db_versions")
    src = PostgisSource(url)
    src.init()
    src.load(ROOT / "data" / "events.csv", claims_path=ROOT / "data" / "claims.csv")
    events = geo.load_events()
    revised, deleted, copied = (events["event_id"].iloc[i] for i in (10, 30, 20))
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE versions SET created = '2026-11-20 09:12:00+00'")
        with conn.transaction():
            dbhistory.begin_version(conn, "ACLED")
            conn.execute("UPDATE events SET fatalities = fatalities + 7 WHERE event_id = %s", (revised,))
            conn.execute("DELETE FROM events WHERE event_id = %s", (deleted,))
            conn.execute("INSERT INTO events (event_id, event_date, event_type, actor1, country, location, latitude, "
                         "longitude, fatalities, source) SELECT 'NEW-1', event_date, event_type, actor1, country, "
                         "'Newplace', latitude, longitude, 1, source FROM events WHERE event_id = %s", (copied,))
        conn.execute("UPDATE versions SET created = '2026-11-22 09:12:00+00' WHERE id = 2")
    return url, events


@pytest.fixture(scope="module")
def app(database):
    proc, url = start_dashboard({"GEO_EVENTS": database[0]})
    yield url
    stop_dashboard(proc)


@pytest.fixture()
def page():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pg = b.new_context(viewport={"width": 1400, "height": 1200}).new_page()
        pg.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("data:", "http://127.0.0.1"))
                 else r.abort())
        yield pg
        b.close()


def test_changed_since_on_a_database_and_a_revised_events_history(page, app, database, pg_server):
    _url, events = database
    page.goto(f"{app}/?changed=2026-11-21")
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
    assert revised.get_attribute("stroke-dasharray")
    page.get_by_text("Changed since 21 November 2026: 1 added").wait_for(timeout=30_000)
    legend = frame.locator(".map-legend")
    for line in ("What changed", "added (1): a solid blue ring", "revised (1): a dashed orange ring",
                 "deleted (1): hollow"):
        assert line in legend.inner_text()
    deleted.dispatch_event("click")
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=15_000)
    assert "Deleted from ACLED on 22 November 2026" in popup.inner_text()
    frame.locator(".leaflet-popup-close-button").dispatch_event("click")
    revised.dispatch_event("click")
    before = int(events["fatalities"].iloc[10])
    page.get_by_text("Revision history (2 versions)").wait_for(timeout=60_000)
    body = page.locator('[data-testid="stExpander"]').filter(has_text="Revision history")
    body.get_by_text("ACLED: revised").wait_for(timeout=30_000)
    text = body.inner_text()
    assert "22 November 2026 09:12:00 UTC · ACLED: revised" in text
    assert f"fatalities: {before} → {before + 7}" in text
    assert "20 November 2026 09:12:00 UTC · db load: events.csv: added" in text
    assert "changed=2026-11-21" in page.url and "asof=2026-11-22T09%3A12%3A00Z" in page.url
    # the downloads give the changes, and say so
    page.get_by_text("Changes (CSV + CSVW metadata, zip): one row per change").wait_for(timeout=30_000)
    assert pg_server.password not in page.content()
