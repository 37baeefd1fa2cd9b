"""Live data in the dashboard: for data from a store kept by ``python -m geo sync``, whose data it is and as of
when ("ACLED, as of 1 December 2026 09:12 UTC: 1,204 new, 37 revised, 5 deleted since the previous update"),
and, when credentials are set (environment or ``st.secrets``), "Update now": the sync runs in a subprocess
(``geo.sync.status.SyncJob``), one per store and server, with a progress bar; no session waits for it. When
the store has a newer version than the data shown, the data is read again (every session, on its next run).
"""

from __future__ import annotations

import os

import streamlit as st

from geo.i18n import _
from geo.styles import md_escape as md
from geo.sync.status import SETTINGS, SyncJob, status_line
from geo.sync.store import is_store, open_store

from dashboard.data_section import load_data


@st.cache_resource(show_spinner=False)
def _jobs() -> dict:
    """The syncs running in this server process, by store folder (shared by every session)."""
    return {}


def _secrets() -> dict:
    try:
        return {k: st.secrets[k] for k in SETTINGS if k in st.secrets}
    except Exception:  # noqa: BLE001 - no secrets file, or an unreadable one
        return {}


def _stores(data) -> list[tuple[str, object]]:
    reports = data.__dict__.get("reports") or {"": data.report}
    found = []
    for report in reports.values():
        path = getattr(report, "source_name", None)
        if path and is_store(path):
            found.append((str(path), open_store(path)))
    return found


def live_section(data) -> None:
    """The status line of each synced store the data comes from, and "Update now"."""
    for path, store in _stores(data):
        latest = store.latest()
        shown = data.__dict__.get("store_version")
        if latest is not None and shown not in (None, latest.id) and st.session_state.get(f"reread_{path}") != latest.id:
            st.session_state[f"reread_{path}"] = latest.id  # once per version: never a loop of reruns
            load_data.clear()  # a sync wrote a newer version: read it (the cache key follows the manifest)
            st.rerun()
        st.caption(md(status_line(store)))
        from geo.sync.clients import Settings  # httpx and stamina: only for synced data, not at every start

        secrets = _secrets()
        settings = Settings.from_env(os.environ, secrets)
        if settings.has_credentials(store.source):
            _update(path, store, {**secrets, **{k: os.environ[k] for k in SETTINGS if os.environ.get(k)}})


def _update(path: str, store, settings: dict) -> None:
    jobs = _jobs()
    job = jobs.get(path)
    version = None
    if job is None or not job.running:
        cols = st.columns([1, 2]) if store.source == "ucdp" else [st.container()]
        if store.source == "ucdp":
            current = (store.latest().state.get("version") if store.latest() else "") or ""
            version = cols[1].text_input(_("UCDP GED version"), value=current, key=f"ucdp_version_{path}",
                                         help=_("e.g. 25.1 (yearly) or 25.0.10 (a monthly candidate release)"))
        if cols[0].button(_("Update now"), key=f"update_{path}",
                          help=_("Fetch what changed since the last update from the source's API")):
            jobs[path] = SyncJob(path, store.source, version=version, settings=settings)
            st.session_state[f"sync_seen_{path}"] = False
    if path in jobs:
        _watch(path)


@st.fragment(run_every=1)
def _watch(path: str) -> None:
    """While the sync runs: its progress bar, every second; then its outcome, and the new data."""
    job = _jobs().get(path)
    if job is None:
        return
    if job.running:
        info = job.progress()
        st.progress(job.fraction() or 0.0, text=_("Updating… {pages} page(s), {rows} row(s) read").format(
            pages=info.get("pages", 0), rows=info.get("rows", 0)))
        return
    if job.ok:
        st.success(md(job.outcome().splitlines()[0] if job.outcome() else _("Updated.")))
    else:
        st.error(_("The update failed: {error}").format(error=md(job.outcome())))
    if not st.session_state.get(f"sync_seen_{path}", True):
        st.session_state[f"sync_seen_{path}"] = True
        if job.ok:
            load_data.clear()
            st.rerun(scope="app")
