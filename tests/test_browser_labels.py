"""The map stays clear (issue 24): in the running dashboard, at 1400x900 and on a 390x844 phone, in English
and French, on the curated data and the real-shaped files (an ACLED export of Afghanistan, UCDP GED of
Somalia drawn as cells, ACLED + UCDP GED + the curated set), at the data's own view, a zoom in, a pan and
after a filter: no place name's box meets a drawn event circle's (marker or cell), none crosses the map's
edge, the legend covers none, and no region is named beside its capital town of the same name."""

from __future__ import annotations

import time

import pytest

from conftest import FIXTURES
from geo.places.labels import TWIN_PX, name_key
from test_browser import browser, dashboard, start_dashboard, stop_dashboard  # noqa: F401
from test_browser_a11y import settle

pytestmark = pytest.mark.browser

REAL, MULTI = FIXTURES / "real", FIXTURES / "multi"
SIZES = {"desktop": {"width": 1400, "height": 900}, "phone": {"width": 390, "height": 844}}

#: Everything the test needs from the map's frame, in page pixels: each label's box (its element and its
#: text, whichever is larger), each event circle's box in the map, the map's and the legend's boxes.
GEOMETRY = """() => {
  const box = r => [r.left, r.top, r.right, r.bottom];
  const over = (a, b) => a[0] < b[2] - 0.5 && a[2] > b[0] + 0.5 && a[1] < b[3] - 0.5 && a[3] > b[1] + 0.5;
  const map = box(document.querySelector('.leaflet-container').getBoundingClientRect());
  const labels = [...document.querySelectorAll('.place-label')].map(el => {
    const range = document.createRange(); range.selectNodeContents(el);
    const t = range.getBoundingClientRect(), b = el.getBoundingClientRect();
    return {name: el.textContent, kind: (el.className.match(/pl-(\\w+)/) || [])[1],
            box: [Math.min(t.left, b.left), Math.min(t.top, b.top), Math.max(t.right, b.right), Math.max(t.bottom, b.bottom)]};
  });
  const circles = [...document.querySelectorAll('path.event-marker, path.event-cell')]
    .map(e => ({name: e.getAttribute('aria-label') || 'a circle', cell: e.classList.contains('event-cell'),
                box: box(e.getBoundingClientRect())}))
    .filter(c => c.box[2] > c.box[0] && over(c.box, map));
  const legend = document.querySelector('.map-legend');
  return {map, labels, circles, legend: legend ? box(legend.getBoundingClientRect()) : null,
          covering: labels.flatMap(l => circles.filter(c => over(l.box, c.box)).map(c => l.name + ' over ' + c.name)),
          cut: labels.filter(l => l.box[0] < map[0] || l.box[1] < map[1] || l.box[2] > map[2] || l.box[3] > map[3])
                     .map(l => l.name),
          under_legend: legend ? labels.filter(l => over(l.box, box(legend.getBoundingClientRect()))).map(l => l.name) : []};
}"""


def map_frame(page, timeout: float = 60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        frames = [f for f in page.frames if "st_folium" in f.url]
        if frames:
            return frames[-1]
        page.wait_for_timeout(250)
    raise AssertionError("no map")


def drawn(page, timeout: float = 90) -> dict:
    """The map's geometry once its events and names are drawn and have stayed the same for a second."""
    deadline, last = time.time() + timeout, None
    while time.time() < deadline:
        try:
            now = map_frame(page).evaluate(GEOMETRY)
        except Exception:  # noqa: BLE001 - the map's frame is being (re)mounted
            now = None
        if now and now["circles"] and now["labels"]:
            key = (len(now["circles"]), [(lab["name"], [round(v) for v in lab["box"]]) for lab in now["labels"]])
            if key == last:
                return now
            last = key
        page.wait_for_timeout(1000)
    raise AssertionError("the map's events and names were not drawn")


def twins(geometry: dict) -> list[tuple[str, str]]:
    """Each region named within TWIN_PX of a town or place of the same name (any spelling) on screen."""
    regions = [lab for lab in geometry["labels"] if lab["kind"] == "region"]
    points = [lab for lab in geometry["labels"] if lab["kind"] in ("town", "place")]
    return [(r["name"], t["name"]) for r in regions for t in points if name_key(r["name"]) == name_key(t["name"])
            and abs(r["box"][0] - t["box"][0]) + abs(r["box"][1] - t["box"][1]) < TWIN_PX]


def assert_clear(geometry: dict, where: str) -> None:
    assert geometry["covering"] == [], (where, geometry["covering"])
    assert geometry["cut"] == [], (where, geometry["cut"])
    assert geometry["under_legend"] == [], (where, geometry["under_legend"])
    assert twins(geometry) == [], (where, twins(geometry))
    assert len(geometry["labels"]) >= 3, (where, geometry["labels"])


def check_views(page, url: str, where: str) -> dict:
    """The data's own view, a zoom in and a pan: each clear. Returns the first view's geometry."""
    page.goto(url)
    page.wait_for_selector('iframe[title*="st_folium"]', timeout=90_000)
    settle(page, quiet=2, timeout=120)
    first = drawn(page)
    assert_clear(first, where + ", the data's view")
    frame = map_frame(page)
    frame.evaluate("() => window.map.setZoom(window.map.getZoom() + 1, {animate: false})")
    settle(page, quiet=2, timeout=120)
    assert_clear(drawn(page), where + ", a zoom in")
    frame = map_frame(page)
    frame.evaluate("() => window.map.panBy([-180, 120], {animate: false})")
    settle(page, quiet=2, timeout=120)
    assert_clear(drawn(page), where + ", a pan")
    return first


@pytest.fixture()
def context_for(browser):  # noqa: F811
    made = []

    def make(size: str, lang: str):
        context = browser.new_context(viewport=SIZES[size], locale="fr-FR" if lang == "fr" else "en-GB",
                                      is_mobile=size == "phone", has_touch=size == "phone",
                                      device_scale_factor=2 if size == "phone" else 1)
        made.append(context)
        page = context.new_page()
        page.errors = []
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("http://127.0.0.1", "data:"))
                   else r.abort())
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        return page

    yield make
    for context in made:
        context.close()


CASES = [(size, lang) for size in SIZES for lang in ("en", "fr")]


@pytest.mark.parametrize("size, lang", CASES)
def test_curated_data_labels_stay_clear(context_for, dashboard, size, lang):  # noqa: F811
    page = context_for(size, lang)
    first = check_views(page, f"{dashboard}/?lang={lang}", f"curated, {size}, {lang}")
    names = {lab["name"] for lab in first["labels"]}
    assert "Tombouctou" not in names  # the region is named by its town, Timbuktu
    if size == "desktop":
        assert {"Timbuktu", "Gao", "Kidal"} <= names, names
    else:  # the phone's legend starts folded: opened by the reader, the names under it make room
        frame = map_frame(page)
        frame.locator(".map-legend summary").dispatch_event("click")
        deadline = time.time() + 20
        while not frame.evaluate("() => document.querySelector('.map-legend details').open") and time.time() < deadline:
            page.wait_for_timeout(250)
        page.wait_for_timeout(500)
        opened = drawn(page)
        assert opened["legend"][3] - opened["legend"][1] > 60  # open: taller than its summary
        assert_clear(opened, f"curated, {size}, {lang}, the legend opened")
    assert not page.errors, page.errors


def test_labels_make_room_after_a_filter_change(context_for, dashboard):  # noqa: F811
    """A filter redraws the events in the mounted map: the names are placed again around the new circles
    (some freed, none covering one)."""
    page = context_for("desktop", "en")
    check_views(page, dashboard, "curated before a filter")
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.locator('[data-testid="stMultiSelect"]').first.click()
    page.keyboard.type("Wagner Group")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    settle(page, quiet=2, timeout=120)
    after = drawn(page)
    assert_clear(after, "curated, Wagner Group")
    assert len(after["circles"]) < 45


@pytest.fixture(scope="module")
def afghanistan():
    proc, url = start_dashboard({"GEO_EVENTS": str(REAL / "acled_afghanistan_2023.csv")})
    yield url
    stop_dashboard(proc)


@pytest.fixture(scope="module")
def somalia():
    proc, url = start_dashboard({"GEO_EVENTS": str(REAL / "ucdp_ged_somalia_1990_2023.csv")})
    yield url
    stop_dashboard(proc)


@pytest.fixture(scope="module")
def three_sets():
    proc, url = start_dashboard({"GEO_EVENTS": f"ACLED={MULTI / 'acled_mali_july2024.csv'},"
                                               f"UCDP GED={MULTI / 'ucdp_ged_mali_july2024.csv'},curated"})
    yield url
    stop_dashboard(proc)


@pytest.mark.parametrize("size, lang", CASES)
def test_afghanistan_labels_stay_clear(context_for, afghanistan, size, lang):
    page = context_for(size, lang)
    first = check_views(page, f"{afghanistan}/?lang={lang}", f"Afghanistan, {size}, {lang}")
    assert "Kandahar" in {lab["name"] for lab in first["labels"]} or size == "phone"
    assert not page.errors, page.errors


@pytest.mark.parametrize("size, lang", CASES)
def test_somalia_cells_and_labels_stay_clear(context_for, somalia, size, lang):
    """3,200 events drawn as cells: no name over a cell."""
    page = context_for(size, lang)
    first = check_views(page, f"{somalia}/?lang={lang}", f"Somalia, {size}, {lang}")
    assert all(c["cell"] for c in first["circles"])
    assert not page.errors, page.errors


@pytest.mark.parametrize("size, lang", CASES)
def test_three_data_sets_labels_stay_clear(context_for, three_sets, size, lang):
    page = context_for(size, lang)
    check_views(page, f"{three_sets}/?lang={lang}", f"three data sets, {size}, {lang}")
    assert not page.errors, page.errors
