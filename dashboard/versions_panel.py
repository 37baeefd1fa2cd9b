"""The dashboard on versioned data (a local store): the version shown (a link's ``asof``, else the newest), the
notice that newer data exists with "Show current data", what a share link carries (this version, or always the
latest), the "changed since" filter and its download, and an event's revision history.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import streamlit as st

import geo
import geo.versions.changes
from geo.errors import localized_error
from geo.i18n import N_, _, format_date, format_number
from geo.sources import versioned
from geo.sources.dbversions import DatabaseHistory
from geo.styles import md_escape as md
from geo.view import LATEST

CHANGE_LABELS = {"added": N_("added"), "revised": N_("revised"), "deleted": N_("deleted")}


def _when(ts) -> str:
    """A version's time, for reading: the date in words and the UTC time to the second."""
    ts = pd.Timestamp(ts).tz_convert("UTC")
    return f"{format_date(ts.date())} {ts.strftime('%H:%M:%S')} UTC"


def shown_data(data):
    """The data set this session shows: as of the link's ``asof`` (read once, on the session's first run), of
    the version chosen since, or the newest. A database's page holds no events: an older version, or what
    changed since a day, is a data set that holds that version's events (``geo.sources.versioned.as_of``)."""
    if getattr(data, "history", None) is None:
        return data
    ss = st.session_state
    try:
        if "asof_version" not in ss:
            params = {k: st.query_params.get_all(k) for k in st.query_params.keys()}
            view, _warnings, shown = versioned.open_view(params, data, lang="en")
            explicit = isinstance(view.asof, dt.datetime)
            # a link's time pins its version, the newest too: a database that changes meanwhile keeps it shown
            ss.asof_version = shown.shown_version if explicit else None
            ss.share_latest = view.asof == LATEST
            ss.changed_on = view.changed is not None
            ss.changed_day = view.changed or data.history.versions["created"].iloc[-1].date()
        return versioned.as_of(data, ss.asof_version, in_memory=bool(ss.get("changed_on")))
    except geo.GeoError as exc:  # a database too large to hold one version's events: its newest data, and why
        ss.asof_version, ss.changed_on = None, False
        st.warning(_("The data as of an older version, or what changed since a day, could not be shown: {problem}")
                   .format(problem=md(localized_error(exc))))
        return data


def controls(data) -> None:
    """The sidebar's Versions box: the version shown, what the link shares, changes since a day."""
    history = getattr(data, "history", None)
    if history is None:
        return
    ss = st.session_state
    versions = history.versions.iloc[::-1]
    ids = [int(v) for v in versions["id"]]
    label = {int(r["id"]): _("{when} · {source}: +{added} ~{revised} −{deleted}").format(
        when=_when(r["created"]), source=r["source"], added=format_number(int(r["added"])),
        revised=format_number(int(r["revised"])), deleted=format_number(int(r["deleted"])))
        for r in versions.to_dict("records")}

    def pick() -> None:
        ss.asof_version = None if ss.version_pick == history.latest else ss.version_pick

    ss.version_pick = data.shown_version
    with st.sidebar.expander(_("Versions"), icon=":material/history:", expanded=data.shown_version != history.latest):
        st.selectbox(_("Data as of"), ids, key="version_pick", format_func=lambda v: label[v], on_change=pick,
                     help=_("Every update of the data is kept: choose one to see the data as it was then."))
        st.radio(_("The share link shows"), [False, True], key="share_latest",
                 format_func=lambda latest: _("always the latest data") if latest else _("exactly this version"))
        st.toggle(_("Only what changed since"), key="changed_on",
                  help=_("Events added, revised or deleted since a day, each marked on the map."))
        st.date_input(_("Changed since"), key="changed_day", disabled=not ss.changed_on, format="YYYY-MM-DD")


def with_version(view: geo.View, data) -> geo.View:
    """The view with what the link says of the version: ``asof`` and ``changed``."""
    if getattr(data, "history", None) is None:
        return view
    ss = st.session_state
    changed = ss.changed_day if ss.get("changed_on") and isinstance(ss.get("changed_day"), dt.date) else None
    return dataclasses.replace(view, asof=versioned.link_asof(data, bool(ss.get("share_latest"))), changed=changed)


def changed_shown(data, view: geo.View):
    """With ``changed`` in the view: the events added, revised or deleted since that day, the view's filter
    applied (each with ``change`` and ``changed_on``); else None."""
    if view.changed is None or getattr(data, "history", None) is None:
        return None
    changed = versioned.changed_events(data, view.changed)
    return geo.filter_events(changed, view.filter) if len(changed) else changed


def notice(data, shown: pd.DataFrame) -> None:
    """One line when an older version is shown: newer data exists, how many shown events changed since."""
    newer = versioned.newer_data(data, shown)
    if newer is None:
        return
    c1, c2 = st.columns([5, 1], vertical_alignment="center")
    c1.info(_("Showing the data as of {asof}. Newer data exists ({latest}): {count} of the {total} events shown "
              "have changed since.").format(asof=_when(data.history.created(data.shown_version)),
                                            latest=_when(newer["latest"]), count=format_number(newer["changed"]),
                                            total=format_number(len(shown))), icon=":material/history:")
    if c2.button(_("Show current data"), key="show_current"):
        st.session_state.asof_version = None
        st.rerun()


def changes_caption(changed: pd.DataFrame, view: geo.View) -> None:
    counts = changed["change"].value_counts() if len(changed) else {}
    st.caption(_("Changed since {day}: {added} added (blue ring), {revised} revised (orange dashed ring), {deleted} "
                 "deleted (hollow).").format(day=format_date(view.changed), added=format_number(counts.get("added", 0)),
                                            revised=format_number(counts.get("revised", 0)),
                                            deleted=format_number(counts.get("deleted", 0))))


#: A "changed since" view's downloads (``dashboard.map_panel.downloads``): its events' changes, one row per change.
CHANGE_DOWNLOADS = {
    "png": N_("Map of the changes (PNG)"), "html": N_("Map of the changes (HTML, works offline)"),
    "pdf": N_("Map of the changes (PDF)"), "svg": N_("Map of the changes (SVG)"),
    "csv": N_("Changes (CSV + CSVW metadata, zip): one row per change"),
    "geojson": N_("Changes (GeoJSON): one feature per change"), "kml": N_("Changes (KML): one placemark per change"),
    "parquet": N_("Changes (GeoParquet): one row per change"),
}
CHANGES_PROMISE = N_("A view of what changed: the files hold the changes since {day} of the events shown, one row per "
                     "change (the event, the version and its date, added, revised or deleted, the field, from and to), "
                     "with the filters, the share link and the data's version; the maps draw the changed events.")


def change_rows(data, view: geo.View, shown: pd.DataFrame):
    """In a "changed since" view of versioned data: a function giving one row per change of the events ``shown``
    (``geo.versions.changes.change_rows``, up to the version shown); None otherwise."""
    if view.changed is None or getattr(data, "history", None) is None or "change" not in shown:
        return None
    return lambda: geo.versions.changes.change_rows(data.history, shown, view.changed, data.shown_version)


def changes_download(data, view: geo.View) -> None:
    """Every change up to the version shown (one row per change, as CSV; made when clicked); in a "changed since"
    view the downloads give the changes of the events shown instead (``change_rows``)."""
    history = getattr(data, "history", None)
    if history is None or view.changed is not None:
        return
    # a database's first version is its load (millions of "added" rows at scale): its changes are those after it
    since = int(history.versions["id"].iloc[0]) if isinstance(history, DatabaseHistory) else None

    def make() -> str:
        changes = history.changes(since)
        changes = changes[changes["version"] <= data.shown_version]
        return changes.assign(created=changes["created"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")).to_csv(index=False)

    st.download_button(_("Changes (CSV, one row per change)"), data=make, file_name="changes.csv", mime="text/csv",
                       key="download_changes", icon=":material/download:", on_click="ignore")


def revision_history(data, event_id: str | None) -> None:
    """The open event's revisions: each version's date and the fields that changed, from → to."""
    history = getattr(data, "history", None)
    if history is None or event_id is None:
        return
    entries = [e for e in history.revisions(event_id) if e["version"] <= data.shown_version]
    if not entries:
        return
    with st.expander(_("Revision history ({count} versions)").format(count=len(entries)),
                     icon=":material/history:", expanded=len(entries) > 1):
        lines = []
        for e in entries:
            head = _("{when} · {source}: {change}").format(when=_when(e["created"]), source=md(e["source"]),
                                                            change=_(CHANGE_LABELS.get(e["change"], e["change"])))
            fields = "; ".join(f"`{md(f)}`: {md(a) or '∅'} → {md(b) or '∅'}" for f, a, b in e["fields"])
            lines.append(f"- **{head}**" + (f" — {fields}" if fields else ""))
        st.markdown("\n".join(lines), help=None)


def pinned(view: geo.View, data) -> geo.View:
    """The view as a snapshot or an export names it: the version it was made from, even when the link shares
    "always the latest"."""
    if getattr(data, "history", None) is None:
        return view
    return dataclasses.replace(view, asof=versioned.link_asof(data, False))
