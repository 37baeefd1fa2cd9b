"""The dashboard's data: where it starts (a file, several, a database or the embedded set), an upload for one
session, the import report, and the data's first and last day.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys


import streamlit as st

import geo
import geo.a11y.readable
from geo.sources.dataset import Dataset
from geo.sources.combine import split_sources
from geo.styles import md_escape as md

from dashboard.connection import EventsConnection, secrets_section, secrets_url
from geo.db.pushdown import DatabaseDataset
from geo.sources.dataset import LiveDataset
from geo.i18n import _, format_number
from geo.io.aggregated import AggregatedDataError
from geo.io.budget import read_bounded
from geo.io.report import for_reader, localized_rejected, short_line, summary_line
from geo.errors import localized_error


def data_path() -> tuple[tuple[str, ...] | None, str | None]:
    """The files or database to start on: `streamlit run dashboard/app.py -- --data PATH [--data NAME=PATH ...]
    [--claims PATH]`, or the GEO_EVENTS (several separated by ":" or ",") / GEO_CLAIMS environment variables,
    or [connections.events] in .streamlit/secrets.toml (a PostGIS database: `postgresql://…`); None for the
    embedded set."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--data", action="append")
    parser.add_argument("--claims")
    args, _rest = parser.parse_known_args(sys.argv[1:])
    paths = tuple(args.data or split_sources(os.environ.get("GEO_EVENTS")) or [u for u in [secrets_url()] if u])
    return (paths or None, args.claims or os.environ.get("GEO_CLAIMS") or None)


def live_data(url: str) -> LiveDataset:
    """A PostGIS database through st.connection("events"): one live data set per process, read again
    when the database changes (see geo.sources.dataset.LiveDataset)."""
    section = secrets_section()
    check_every = section.get("check_every", 3) if url == section.get("url") else 3
    return st.connection("events", type=EventsConnection, url=url, check_every=check_every).data


@st.fragment(run_every=5)
def watch_database(live: LiveDataset, version: int | None) -> None:
    """Every 5 s: when the database's events changed (someone added one), the page runs again on them."""
    if live.current().version != version:
        st.rerun(scope="app")


def settled(data: Dataset) -> Dataset:
    """``data``, its objects left out of the garbage collector's full passes from now on.

    Streamlit runs a full collection after every run of the page; a million events hold a million
    GC-tracked shapely points, which made each run of the page 0.3-0.5 s slower (measured at 1M).
    The data set lives as long as the process (or the session), and without reference cycles
    among its points it is still freed by reference counting when dropped.
    """
    gc.collect()
    gc.freeze()
    return data


@st.cache_resource(show_spinner=False)  # the spinner is shown by the caller, in the page's language
def load_data(events_paths: tuple[str, ...] | None, claims_path: str | None) -> Dataset:
    """The data set(s), loaded once per process and shared read-only by every session."""
    if events_paths is None:
        return settled(Dataset.embedded(load_layers()))
    # each file's own layers: the countries it is in, in detail, and their regions named from its admin1
    return settled(Dataset.from_sources(events_paths, claims_path=claims_path))


VIEW_KEYS = ("link_read", "link_filter", "link_warnings", "actors", "dates", "event_types", "regions", "min_fatalities", "border_on", "border_km",
             "figure", "selected", "player_idx", "playing", "map_content", "last_popup", "map_memo", "cells_anchor",
             "link_seed", "map_base", "map_selected", "map_by_zoom",
             "dates_typed", "typed_dates_seq", "typed_dates_pending", "typed_dates_warnings", "typed_dates_applied")


def uploaded_data(default: Dataset) -> Dataset:
    """A file dropped on the sidebar, for this session only; else the process's data set."""
    ss = st.session_state
    ups = st.sidebar.file_uploader(
        _("Your own data"), type=["csv", "geojson", "json", "parquet", "xlsx", "zip", "tsv", "txt"], key="upload", accept_multiple_files=True,
        help=_("An ACLED export (CSV), the UCDP GED (CSV), or a file this app exported; several at once are "
               "matched (one event, many data sets). They stay in your session: nobody else sees them."))
    # Streamlit's own line under the button is English only: hidden (dashboard.language), said here
    st.sidebar.caption(_("Up to {size} MB per file: CSV, GeoJSON, JSON or Parquet").format(
        size=format_number(int(st.get_option("server.maxUploadSize")))))
    ups = list(ups or [])
    key = tuple((u.name, u.size, u.file_id) for u in ups) or None
    up = ups[0] if ups else None
    if key != ss.get("upload_key"):
        ss.upload_key, ss.upload_data = key, None
        if "link_read" in ss:
            # the page already ran on other data: the address bar holds the view the app wrote for it,
            # which must not win over the new data's own view (geo.link.carried_over), and the map
            # mounts afresh (a map mounted on the other data reports the other data's centre and zoom)
            ss.link_carry = True
            ss.data_gen = ss.get("data_gen", 0) + 1
        for k in VIEW_KEYS:  # new data: the widgets start again from the link
            ss.pop(k, None)
        ss.upload_aggregated = None
        if up is not None:
            try:
                with st.spinner(_("Reading {files}…").format(files=md(", ".join(u.name for u in ups)))):
                    # parsed in a worker process within the upload budget (geo.io.budget)
                    ss.upload_data = settled(Dataset.from_sources(ups, reader=read_bounded))
            except AggregatedDataError:  # counts per region and period: a page of their own (aggregated_page)
                try:
                    ss.upload_aggregated = geo.io.readers.read_aggregated(up, name=up.name)
                except geo.GeoError as exc:
                    ss.upload_error = localized_error(exc)
            except geo.GeoError as exc:
                ss.upload_error = localized_error(exc)
            except Exception as exc:  # noqa: BLE001 - a file from anywhere: say so, never a traceback
                ss.upload_error = _("{file}: the file could not be read ({error}).").format(
                    file=up.name, error=type(exc).__name__)
    if ss.get("upload_error"):
        st.sidebar.error(md(ss.pop("upload_error")))
    return ss.get("upload_data") or default


#: Where the import report's line is drawn: above the map on a wide screen, below it on a phone
#: (dashboard.layout hides the other one).
REPORT_PLACES = ("top", "below")


def import_report(data: Dataset, where: str = "top") -> None:
    """Each file's import report as one line with a button that opens the whole report (a dialog): a
    warning when it needs the reader (rejected rows, dates whose order is ambiguous), else a quiet
    caption. The file is named by its own name, never by its path on the server."""
    # several data sets: one report each (geo.sources.dataset.Dataset.combine keeps them by name)
    reports = data.__dict__.get("reports") or {"": data.report}
    shown = [(name, report) for name, report in reports.items() if report is not None]
    if not shown:
        return
    # on a phone (below the map) one line each: the short text and a short button
    line_of, button = (short_line, _("Report")) if where == "below" else (summary_line, _("Read the report"))
    with st.container(key=f"import_report_{where}"):
        for k, (name, report) in enumerate(shown):
            line = md(line_of(report, name if len(shown) > 1 else None))
            row = st.container(horizontal=True, vertical_alignment="center", gap="small")
            if report.needs_review:
                row.warning(line, icon=":material/upload_file:", width="stretch")
            else:
                row.caption(":material/upload_file: " + line, width="stretch")
            with row.popover(button, icon=":material/description:", key=f"report_{where}_{k}"):
                report_body(report, f"{where}_{k}")


def report_body(report, key: str) -> None:
    """The whole report: its text (the file named by its own name, never the server's path), the rejected
    rows and their download."""
    report = for_reader(report)
    st.text(str(report))
    if report.rejected_count:
        rejected = localized_rejected(report.rejected)  # the reasons in the page's language
        st.dataframe(geo.a11y.readable.readable_table(rejected, geo.a11y.readable.REJECTED_TITLES),
                     hide_index=True, width="stretch")
        st.download_button(_("Rejected rows (CSV)"), rejected.to_csv(index=False),
                           file_name="rejected-rows.csv", mime="text/csv",
                           key=f"download_rejected_{key}", on_click="ignore")


@st.cache_resource(show_spinner=False)
def load_layers():
    return geo.load_layers()


def date_span(data) -> tuple:
    """The first and last day of the data (a database says it without reading its events)."""
    if isinstance(data, DatabaseDataset):
        return data.first, data.last
    return data.events["event_date"].min().date(), data.events["event_date"].max().date()
