"""One session uploads hostile files while another opens links: the second's pages load within 1.5 times
their time without the upload, measured in the same test, and the first gets a plain message.

The server runs with an upload memory ceiling of 300 MB (``GEO_UPLOAD_MEMORY_MB``), so that the heaviest
file here, 30 MB of well-formed rows, is parsed in its worker for seconds before the ceiling stops it:
the whole time the other session works.
"""

from __future__ import annotations

import statistics
import re
import time

import pytest

import hostile_files as h
from conftest import FIXTURES
from test_browser import browser, open_map, start_dashboard, stop_dashboard  # noqa: F401 (the browser)

pytestmark = pytest.mark.browser
LINKS = ("", "?lang=fr", "?color=side")


@pytest.fixture(scope="module")
def server():
    proc, url = start_dashboard({"GEO_UPLOAD_MEMORY_MB": "300"})
    yield url
    stop_dashboard(proc)


def heavy_rows(megabytes: int) -> bytes:
    text = (FIXTURES / "acled" / "acled_mali.csv").read_bytes()
    head, body = text.split(b"\n", 1)
    copies = megabytes * 1_000_000 // len(body) + 1
    return head + b"\n" + b"".join(body.replace(b"MLI9", b"M%dX" % i) for i in range(copies))


def timed_load(page, url: str, markers: int) -> float:
    start = time.perf_counter()
    open_map(page, url, markers)
    return time.perf_counter() - start


def alert_text(page, timeout: float = 120) -> str:
    alert = page.locator('[data-testid="stSidebar"] [data-testid="stAlertContentError"]')
    alert.first.wait_for(timeout=timeout * 1000)
    return alert.first.inner_text()


def test_a_hostile_upload_does_not_slow_another_session(browser, server, events, tmp_path):  # noqa: F811
    files = {"heavy.csv": heavy_rows(30), "wide.csv": h.wide_csv(200_000), "bomb.zip": h.zip_bomb(3 * 1024),
             "laughs.xlsx": h.entity_workbook()}
    expected = {"heavy.csv": "reading the file needed more than 300 MB of memory",
                "wide.csv": "the header has 200,000 columns", "bomb.zip": "the archive unpacks to 3 GB",
                "laughs.xlsx": "the workbook declares XML entities"}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    uploader_ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    reader_ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        uploader, reader = uploader_ctx.new_page(), reader_ctx.new_page()
        open_map(uploader, server, len(events))
        timed_load(reader, server, len(events))  # the first load warms the server's caches: not counted
        without, during = [], []
        for k, name in enumerate(["heavy.csv", "wide.csv", "heavy.csv", "bomb.zip", "laughs.xlsx", "heavy.csv"]):
            link = server + "/" + LINKS[k % len(LINKS)]
            without.append(timed_load(reader, link, len(events)))
            uploader.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(tmp_path / name))
            during.append(timed_load(reader, link, len(events)))
            message = alert_text(uploader)
            assert expected[name] in message and "Traceback" not in message, message
            uploader.goto(server)  # a fresh page: the next upload starts from none
            uploader.wait_for_selector('[data-testid="stApp"]', timeout=60_000)
        print(f"page loads without an upload: {[round(t, 2) for t in without]} s; during one: "
              f"{[round(t, 2) for t in during]} s")
        assert statistics.median(during) <= 1.5 * statistics.median(without), (without, during)
    finally:
        uploader_ctx.close()
        reader_ctx.close()


def test_a_workbook_and_a_zip_upload_for_this_session(browser, server, events):  # noqa: F811
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        open_map(page, server, len(events))
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
            str(FIXTURES / "variants" / "acled_curated.xlsx"))
        frame = page.frame_locator('iframe[title*="st_folium"]')
        deadline = time.time() + 90
        while frame.locator("path.event-marker").count() != 5 and time.time() < deadline:
            page.wait_for_timeout(250)
        text = page.locator('[data-testid="stApp"]').inner_text()
        assert frame.locator("path.event-marker").count() == 5, text[-2000:]
        assert re.search(r"Import report(?: of [^:\n]+)?: 5 of 10 rows used, 5 rejected", text), text[-2000:]
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
            str(FIXTURES / "variants" / "ucdp_ged_csv.zip"))
        # added to the workbook (several files at once are several data sets): the zip's report beside its own
        report = "Import report of UCDP GED: 6 of 8 rows used"
        deadline = time.time() + 90
        while report not in page.locator('[data-testid="stApp"]').inner_text() and time.time() < deadline:
            page.wait_for_timeout(250)
        text = page.locator('[data-testid="stApp"]').inner_text()
        assert report in text and "Import report of ACLED: 5 of 10 rows used" in text, text[-2000:]
    finally:
        context.close()
