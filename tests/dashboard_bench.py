"""Drive the dashboard on a large file in headless Chromium and time what a user waits for.

    python tests/dashboard_bench.py --events 1000000 --out dashboard_bench.md

Writes synthetic events (``geo.bench.synthetic.synthetic_events``, the benchmark's generator) to a CSV
file, starts ``streamlit run dashboard/app.py`` on it twice (the first start imports the CSV and
caches it as GeoParquet; the second reads the cache), then, as a user would, changes every filter
in the sidebar, the map options, pans past the cells and zooms in and out. Each step is timed
from the input to the map settled: the app's run finished (Streamlit's status widget gone) and
the map's legend showing the new events (or, for a pan, the new view in the address bar). The
table gives each step's seconds, the events shown and what the map drew; the server's memory is
read from /proc. Not part of the test suite (it takes minutes at 1M events); the correctness of
the same paths is tested in ``test_scale.py``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.bench.report import verdict, write_section  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
FRAME = 'iframe[title*="st_folium"]'


def start(path: Path, cache: Path, port: int):
    env = {**os.environ, "GEO_EVENTS": str(path), "GEO_CACHE_DIR": str(cache)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("streamlit did not start")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return float("nan")


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def legend(page) -> str:
    try:
        return page.frame_locator(FRAME).locator(".map-legend").inner_text(timeout=500)
    except Exception:  # the frame is being remounted
        return ""


def running(page) -> bool:
    return page.locator('[data-testid="stStatusWidget"]').count() > 0


def settle(page, changed, timeout: float = 300.0, hold: float = 0.5) -> float:
    """Seconds until ``changed()`` holds, the app is idle and the legend is drawn, and stays so for
    ``hold`` seconds (a rerun that the map's remount triggers would break it)."""
    t0 = time.perf_counter()
    deadline = t0 + timeout
    stable_since = None
    while time.perf_counter() < deadline:
        ok = changed() and not running(page) and legend(page)
        if ok:
            stable_since = stable_since or time.perf_counter()
            if time.perf_counter() - stable_since >= hold:
                return stable_since - t0
        else:
            stable_since = None
        page.wait_for_timeout(50)
    raise TimeoutError("the dashboard did not settle")


def shown(text: str) -> str:
    m = re.search(r"([\d,]+) events?(?: in ([\d,]+) circles?)?", text)
    if not m:
        return "?"
    drawn = "heatmap" if "Heatmap" in text else f"{m.group(2)} cells" if m.group(2) else "markers"
    return f"{m.group(1)} events, {drawn}"


def drive(page, url: str, rows: list, *, ged: bool = False) -> None:
    """Each filter, map option, zoom and pan, as a user does them, timed into ``rows``. ``ged``: the
    UCDP GED-shaped file opened filtered to one actor (its own filters and the same map steps)."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    frame = page.frame_locator(FRAME)

    def step(label: str, action, expect=None, hold: float = 0.5):
        before, url_before = legend(page), page.url
        action()
        cond = expect or (lambda: legend(page) and legend(page) != before)
        took = settle(page, cond, hold=hold)
        rows.append((label, took, shown(legend(page))))
        print(rows[-1], page.url[len(url):], flush=True)
        return url_before

    def multiselect(label: str, text: str):
        sidebar.get_by_role("combobox", name=label, exact=True).click()
        page.keyboard.type(text)
        page.keyboard.press("Enter")
        page.keyboard.press("Escape")

    if ged:  # opened filtered to the actor: narrower filters, then the map's steps on the actor's events
        home = url + "/?actor=" + GED_ACTOR.replace(" ", "+")
        step("Filter: + event type Battles", lambda: multiselect("Event types", "Battles"))
        step("Filter: + minimum fatalities 5", lambda: (
            sidebar.get_by_label("Minimum fatalities").fill("5"), page.keyboard.press("Enter")))
        step("Filter: back to the actor alone (a page load)", lambda: page.goto(home))
    else:
        step("Filter: actor JNIM", lambda: multiselect("Actors", "JNIM"))
        step("Filter: + event type Battles", lambda: multiselect("Event types", "Battles"))
        step("Filter: + region Region 03", lambda: multiselect("Regions", "Region 03"))
        step("Filter: + minimum fatalities 5", lambda: (
            sidebar.get_by_label("Minimum fatalities").fill("5"), page.keyboard.press("Enter")))
        step("Filter: + only near the Algeria border", lambda: sidebar.get_by_text(
            "Only near the Algeria border").click())
        page.goto(url)  # all events again
        settle(page, lambda: True)
        step("Filter: dates 2023-01-01 – 2023-03-31 (from a shared link: a page load)",
             lambda: page.goto(url + "/?from=2023-01-01&to=2023-03-31"))
        step("Filter: minimum fatalities 5 (26 % of events)", lambda: (
            sidebar.get_by_label("Minimum fatalities").fill("5"), page.keyboard.press("Enter")))
        page.goto(url)
        settle(page, lambda: True)
    step("Map: colour by side", lambda: sidebar.get_by_text("Initiator's side").click())
    step("Map: draw as a heatmap", lambda: sidebar.get_by_text("Heatmap").click(),
         expect=lambda: "draw=heat" in page.url and "Heatmap" in legend(page))
    step("Map: back to circles", lambda: sidebar.get_by_text("Circles").click(),
         expect=lambda: "draw=heat" not in page.url and legend(page) and "Heatmap" not in legend(page))
    step("Map: shade regions", lambda: sidebar.get_by_text("Shade regions by number of events").click(),
         expect=lambda: "shade=regions" in page.url)
    def zoomed(by: int):
        # a link at the data's own view holds no zoom: then any zoom in the link is the new one
        level = int(re.search(r"[?&]z=(\d+)", page.url).group(1)) if "z=" in page.url else None
        return lambda: ("z=" in page.url) if level is None else (f"z={level + by}" in page.url)

    step("Zoom in (map control): cells rebuilt", lambda: frame.locator(".leaflet-control-zoom-in").click(),
         expect=zoomed(1), hold=2.0)
    step("Zoom in again", lambda: frame.locator(".leaflet-control-zoom-in").click(), expect=zoomed(1),
         hold=2.0)

    def drag(dx: int, dy: int):
        box = page.locator(FRAME).bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        for i in range(1, 11):
            page.mouse.move(x + dx * i / 10, y + dy * i / 10)
            page.wait_for_timeout(20)
        page.mouse.up()

    for dx, dy, what in ((300, 0, "within the fine cells"), (-900, 0, "within them"),
                         (-900, 0, "past them: cells rebuilt where the user is")):
        before_url = page.url
        step(f"Pan {abs(dx)} px ({what})", lambda: drag(dx, dy),
             expect=lambda b=before_url: page.url != b, hold=2.0)
    step("Zoom out (map control)", lambda: frame.locator(".leaflet-control-zoom-out").click(),
         expect=zoomed(-1), hold=2.0)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--db", help="a PostGIS database already loaded (postgresql://…): the app on it, one start")
    parser.add_argument("--ged", type=int, default=3_000,
                        help="events of the claims-heavy UCDP GED-shaped file driven after the main run (0: none)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from geo.bench.synthetic import machine, synthetic_events

    rows: list[tuple[str, float, str]] = []
    tmp = Path(tempfile.mkdtemp(prefix="dashbench-"))
    path = args.db or tmp / f"events_{args.events}.csv"
    if not args.db:
        t = time.perf_counter()
        synthetic_events(args.events, seed=7).drop(columns="geometry").to_csv(path, index=False,
                                                                              date_format="%Y-%m-%d")
        print(f"wrote {path} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t:.0f} s", flush=True)
    starts = (("the database (PostGIS)",) if args.db else
              ("first start (CSV import, enrich, cache)", "second start (cached GeoParquet)"))
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    notes, notes_mb = [], {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            for start_kind in starts:
                proc, url = start(path, tmp / "cache", free_port())
                page = browser.new_context(viewport={"width": 1400, "height": 1200}).new_page()
                t0 = time.perf_counter()
                page.goto(url)
                page.wait_for_selector(FRAME, timeout=600_000)
                settle(page, lambda: True, timeout=600)
                rows.append((f"Open the dashboard: {start_kind}", time.perf_counter() - t0, shown(legend(page))))
                print(rows[-1], flush=True)
                if start_kind.startswith("first"):
                    page.context.close()
                    proc.terminate()
                    proc.wait(timeout=30)
            notes_mb["after_start"] = rss_mb(proc.pid)
            notes.append(f"Server memory after the {'start' if args.db else 'second start'}: "
                         f"{notes_mb['after_start']:,.0f} MB (RSS).")
            drive(page, url, rows)
        finally:
            notes.append(f"Server memory at the end: {rss_mb(proc.pid):,.0f} MB (RSS), peak "
                         f"{peak_mb(proc.pid):,.0f} MB (VmHWM).")
            print(notes[-1], flush=True)
            browser.close()
            proc.terminate()
    ged_rows = run_ged(args.ged, tmp) if args.ged and not args.db else []
    shutil.rmtree(tmp, ignore_errors=True)
    what = ("a PostGIS database (`python tests/dashboard_bench.py --db URL`)" if args.db else
            f"{args.events:,} synthetic events (`python tests/dashboard_bench.py --events {args.events}`)")
    text = f"Dashboard on {what}, headless Chromium 1400×1200.\n\n{step_table(rows)}\n\n" + "\n".join(notes)
    if ged_rows:
        text += (f"\n\nA claims-heavy UCDP GED file ({args.ged:,} events, `geo.bench.synthetic.synthetic_ged`: "
                 f"{args.ged * 3:,} claims from low/best/high, 80 % with {GED_ACTOR} on side A), opened filtered "
                 f"to that actor, then every click:\n\n{step_table(ged_rows)}")
    text += f"\n\nMachine: {machine()}.\n\n" + targets(rows, notes_mb, ged_rows, bool(args.db))
    print(text)
    if args.out:
        write_section(args.out, "dashboard", text)
    return 0


def step_table(rows) -> str:
    return ("| step | seconds to the map settled | the map then shows |\n|---|---:|---|\n"
            + "\n".join(f"| {label} | {sec:.1f} | {what} |" for label, sec, what in rows))


def targets(rows, memory: dict, ged_rows, db: bool) -> str:
    """The issue's targets for the dashboard, each with its verdict."""
    steps = [(label, sec) for label, sec, _ in rows if not label.startswith("Open") and "page load" not in label]
    second = next((sec for label, sec, _ in rows if "second start" in label), None)
    slowest = max(steps, key=lambda x: x[1]) if steps else ("", None)
    checks = [verdict(f"every step ({len(steps)}; the slowest: {slowest[0]})", slowest[1], 1.0)]
    if not db:
        checks += [verdict("the second start", second, 6.0),
                   verdict("server memory after the second start", memory.get("after_start"), 700, "MB")]
    if ged_rows:
        clicks = [(label, sec) for label, sec, _ in ged_rows if not label.startswith("Open") and "page load" not in label]
        worst = max(clicks, key=lambda x: x[1])
        checks.append(verdict(f"every click on the UCDP GED-shaped file ({len(clicks)}; the slowest: {worst[0]})", worst[1], 1.5))
    return "Targets:\n\n" + "\n".join(line for line, _ in checks) + "\n"


GED_ACTOR = "Government of Mali"


def run_ged(n: int, tmp: Path) -> list[tuple[str, float, str]]:
    """The dashboard on a claims-heavy UCDP GED-shaped file of ``n`` events, opened filtered to one actor:
    each click timed from the input to the map settled."""
    from playwright.sync_api import sync_playwright

    from geo.bench.synthetic import synthetic_ged

    path = tmp / f"ged_{n}.csv"
    synthetic_ged(n, seed=11, main_actor=GED_ACTOR).to_csv(path, index=False)
    rows: list[tuple[str, float, str]] = []
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        proc, url = start(path, tmp / "cache-ged", free_port())
        try:
            page = browser.new_context(viewport={"width": 1400, "height": 1200}).new_page()
            t0 = time.perf_counter()
            page.goto(url + "/?actor=" + GED_ACTOR.replace(" ", "+"))
            page.wait_for_selector(FRAME, timeout=600_000)
            settle(page, lambda: True, timeout=600)
            rows.append((f"Open the dashboard on the file, filtered to {GED_ACTOR} (first start)",
                         time.perf_counter() - t0, shown(legend(page))))
            print(rows[-1], flush=True)
            drive(page, url, rows, ged=True)
        finally:
            browser.close()
            proc.terminate()
    return rows


if __name__ == "__main__":
    raise SystemExit(main())
