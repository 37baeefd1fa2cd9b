"""The dashboard on a synced store: the line saying whose data and as of when, with what changed, and
"Update now" (a sync in a subprocess, with a progress bar) when credentials are set."""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT
from geo.i18n import use_language
from geo.sync.clients import AcledClient
from geo.sync.run import sync_acled
from geo.sync.status import SyncJob, status_line
from geo.sync.store import open_store
from geo.sync.writer import StoreSink
from syncutil import api, env, fast  # noqa: F401 (fixtures)

APP = str(ROOT / "dashboard" / "app.py")
SETTINGS = ("ACLED_API_URL", "UCDP_API_URL", "ACLED_USERNAME", "ACLED_PASSWORD", "UCDP_TOKEN")


@pytest.fixture()
def store(api, tmp_path):
    def sync():
        with AcledClient(api.url, api.username, api.password, page_size=50, **fast()) as client:
            return sync_acled(client, StoreSink(tmp_path, "acled", "delta"), countries=["Mali"])
    sync()
    api.revise("MAL3", fatalities=99)
    api.delete("MAL4")
    sync()
    return tmp_path


def test_status_line_in_english_and_french(store):
    s = open_store(store)
    line = status_line(s)
    assert line.startswith("ACLED, as of ") and line.endswith(": 0 new, 1 revised, 1 deleted since the previous update")
    assert " UTC" in line
    with use_language("fr"):
        assert "1 révisé" in status_line(s) and "au " in status_line(s)


def test_a_background_sync_reports_progress_and_outcome(api, env, store):
    api.add_acled([{**api.acled["MAL5"], "event_id_cnty": "MAL900", "timestamp": str(api.tick())}])
    job = SyncJob(store, "acled", settings=env)
    deadline = time.monotonic() + 120
    while job.running and time.monotonic() < deadline:
        time.sleep(0.2)
    assert job.ok, job.outcome()
    assert "ACLED: 1 new, 0 revised, 0 deleted" in job.outcome() and job.progress()["done"] is True
    bad = SyncJob(store, "acled", settings={**env, "ACLED_PASSWORD": "nope"})
    bad.process.wait(120)
    assert not bad.ok and bad.outcome().startswith("ACLED refused the login") and "nope" not in bad.outcome()


def _app(monkeypatch, store, creds: dict | None):
    monkeypatch.setenv("GEO_EVENTS", str(store))
    for k in SETTINGS:
        monkeypatch.delenv(k, raising=False)
    for k, v in (creds or {}).items():
        monkeypatch.setenv(k, v)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def _line(at) -> str:
    return next(c.value for c in at.caption if "as of" in c.value)


def test_the_dashboard_says_as_of_when_and_offers_no_update_without_credentials(monkeypatch, store):
    at = _app(monkeypatch, store, None)
    assert "0 new, 1 revised, 1 deleted since the previous update" in _line(at).replace("\\", "")
    assert not [b for b in at.button if b.label == "Update now"]
    assert {m.label: m.value for m in at.metric}["Events shown"] == "119"


def test_update_now_syncs_and_the_page_shows_the_new_data(monkeypatch, api, env, store):
    at = _app(monkeypatch, store, env)
    api.revise("MAL6", fatalities=60)
    api.add_acled([{**api.acled["MAL7"], "event_id_cnty": "MAL901", "timestamp": str(api.tick())}])
    [button] = [b for b in at.button if b.label == "Update now"]
    button.click().run()
    from dashboard.live_section import _jobs

    job = _jobs()[str(store)]
    job.process.wait(120)
    assert job.ok, job.outcome()
    at.run()
    at.run()
    assert not at.exception, at.exception
    assert "1 new, 1 revised, 0 deleted since the previous update" in _line(at).replace("\\", "")
    assert {m.label: m.value for m in at.metric}["Events shown"] == "120"
