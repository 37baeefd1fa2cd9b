"""The documented deployment (deploy/nginx.conf): two dashboard servers behind Debian's nginx, sharing
one PostGIS database, with 8 browser sessions across them; a new event reaches every session."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg
import pytest

from conftest import ROOT
from geo.db.postgis import PostgisSource
from test_browser import CHROMIUM, CHROMIUM_ARGS, free_port, start_dashboard, stop_dashboard, sync_api

pytestmark = pytest.mark.browser

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SESSIONS = 8


def nginx_config(tmp: Path, port: int, app_ports: tuple[int, int]) -> Path:
    """deploy/nginx.conf with this test's ports, inside a minimal main configuration of its own."""
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    site = site.replace("127.0.0.1:8501", f"127.0.0.1:{app_ports[0]}").replace("127.0.0.1:8502",
                                                                                f"127.0.0.1:{app_ports[1]}")
    assert "listen 8080;" in site
    site = site.replace("listen 8080;", f"listen 127.0.0.1:{port};")
    (tmp / "site.conf").write_text(site)
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp / sub).mkdir()
    main = f"""
daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
{"user root;" if os.geteuid() == 0 else ""}
events {{ worker_connections 256; }}
http {{
    log_format upstreams '$upstream_addr "$request" $status';
    access_log {tmp}/access.log upstreams;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/site.conf;
}}
"""
    conf = tmp / "nginx.conf"
    conf.write_text(main)
    return conf


@pytest.fixture()
def deployment(pg_url):
    if not Path(NGINX).exists():
        pytest.skip("nginx is not installed (apt-get install nginx)")
    src = PostgisSource(pg_url)
    src.init()
    src.load(ROOT / "data" / "events.csv", claims_path=ROOT / "data" / "claims.csv")
    apps = [start_dashboard({"GEO_EVENTS": pg_url}) for _ in range(2)]
    tmp = Path(tempfile.mkdtemp(prefix="geo-nginx-"))
    port = free_port()
    conf = nginx_config(tmp, port, tuple(int(url.rsplit(":", 1)[1]) for _, url in apps))
    check = subprocess.run([NGINX, "-t", "-p", str(tmp), "-c", str(conf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    proxy = subprocess.Popen([NGINX, "-p", str(tmp), "-c", str(conf)], stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                break
        except OSError:
            time.sleep(0.2)
    yield url, pg_url, [u for _, u in apps], tmp
    proxy.terminate()
    proxy.wait(timeout=10)
    for proc, _ in apps:
        stop_dashboard(proc)
    shutil.rmtree(tmp, ignore_errors=True)


def events_shown(page) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Events shown")
    return metric.locator('[data-testid="stMetricValue"]').inner_text(timeout=60_000).strip()


def test_eight_sessions_on_two_servers_behind_nginx_see_a_new_event(deployment):
    url, db_url, app_urls, tmp = deployment
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            pages = []
            for _ in range(SESSIONS):  # one browser context each: its own cookies, its own session
                context = browser.new_context(viewport={"width": 1200, "height": 900})
                page = context.new_page()
                page.goto(url)
                page.wait_for_selector('[data-testid="stApp"]', timeout=60_000)
                pages.append(page)
            for page in pages:
                deadline = time.time() + 60
                while events_shown(page) != "45" and time.time() < deadline:
                    page.wait_for_timeout(250)
                assert events_shown(page) == "45"
            # each browser is pinned to one server, and the sessions are spread over both
            backends = [next(c["value"] for c in page.context.cookies() if c["name"] == "geo_backend")
                        for page in pages]
            servers = {u.split("//")[1] for u in app_urls}
            assert set(backends) == servers and all(backends.count(s) == SESSIONS // 2 for s in servers)
            # another analyst adds an event: every open session shows it within 10 s, without a reload
            with psycopg.connect(db_url, autocommit=True) as other:
                other.execute("INSERT INTO events (event_id, event_date, event_type, actor1, country, location,"
                              " latitude, longitude, fatalities) VALUES (%s, %s, 'Battles', 'JNIM', 'Mali',"
                              " 'Kidal', 18.44, 1.41, 2)", ("LIVE-NGINX-1", dt.date(2024, 8, 3)))
            start = time.time()
            for page in pages:
                while events_shown(page) != "46" and time.time() - start < 10:
                    page.wait_for_timeout(200)
                assert events_shown(page) == "46", "a session did not show the new event within 10 s"
            # the sessions lived on: still pinned, no reload went elsewhere
            assert [next(c["value"] for c in page.context.cookies() if c["name"] == "geo_backend")
                    for page in pages] == backends
        finally:
            browser.close()
    # nginx logs a WebSocket when it closes: every session's went through it, to both servers
    time.sleep(1)
    log = (tmp / "access.log").read_text()
    streams = [line.split()[0] for line in log.splitlines() if "/_stcore/stream" in line and " 101" in line]
    assert len(streams) >= SESSIONS and set(streams) == {u.split("//")[1] for u in app_urls}
