"""The dashboard: filters in the sidebar, the map, the figures and the table.

Run from the repository's top folder::

    streamlit run dashboard/app.py

Set GEO_EVENTS (and GEO_CLAIMS) to a CSV in the canonical schema to map your
own events instead of the embedded set. Everything that computes lives in geo/;
this file only lays out widgets and calls it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run dashboard/app.py` puts only dashboard/ on the path
    sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402
from streamlit_folium import st_folium  # noqa: E402

import geo  # noqa: E402
from geo.maps import BASEMAPS  # noqa: E402

st.set_page_config(page_title="Northern Mali conflict map", page_icon="🗺️", layout="wide")

TABLE_COLUMNS = [
    "event_date", "event_type", "sub_event_type", "actor1", "assoc_actor_1", "actor2", "assoc_actor_2",
    "location", "admin1", "fatalities", "claims", "source", "event_id",
]
BASEMAP_LABELS = {"none": "None (offline)", "osm": "OpenStreetMap (online)", "carto-light": "CARTO light (online)"}
COLOR_LABELS = {"event_type": "Event type", "side": "Initiator's side"}


@st.cache_resource(show_spinner="Loading events…")
def load_data(events_path: str | None, claims_path: str | None):
    """Events and claims, loaded once per process and shared read-only by every session."""
    events = geo.load_events(events_path)
    if claims_path is None and events_path is not None:
        claims = pd.DataFrame(columns=geo.CLAIM_COLUMNS)
    else:
        claims = geo.load_claims(claims_path)
    return events, claims


@st.cache_resource(show_spinner="Loading boundaries…")
def load_layers():
    return geo.load_layers()


def sidebar_filter(events: pd.DataFrame) -> tuple[geo.EventFilter, str, str]:
    sb = st.sidebar
    sb.header("Filters")
    counts = geo.actor_counts(events)
    actors = sb.multiselect(
        "Actors", options=list(counts.index), key="actors",
        format_func=lambda a: f"{a} ({counts[a]})",
        help="Events in which any chosen actor took part, on either side, as main or associated actor.",
    )
    first, last = events["event_date"].min().date(), events["event_date"].max().date()
    dates = sb.date_input("Dates", value=(first, last), min_value=first, max_value=last, key="dates",
                          format="YYYY-MM-DD")
    start, end = (tuple(dates) + (None, None))[:2] if isinstance(dates, (tuple, list)) else (dates, None)
    types = sb.multiselect("Event types", geo.distinct_values(events, "event_type"), key="event_types")
    regions = sb.multiselect("Regions", geo.distinct_values(events, "admin1"), key="regions")
    min_fat = sb.number_input("Minimum fatalities", min_value=0, value=0, step=1, key="min_fatalities")
    sb.header("Map")
    color_by = sb.radio("Colour events by", list(COLOR_LABELS), format_func=COLOR_LABELS.get, key="color_by",
                        horizontal=True)
    basemap = sb.selectbox("Basemap", list(BASEMAPS), format_func=BASEMAP_LABELS.get, key="basemap",
                           help="Tile basemaps need the internet; the boundary layers always draw.")
    flt = geo.EventFilter(actors=actors, start=start, end=end, event_types=types, regions=regions,
                          min_fatalities=int(min_fat))
    return flt, color_by, basemap


def figures(shown: pd.DataFrame, total: int) -> None:
    s = geo.summarize(shown)
    c1, c2, c3, c4 = st.columns([1, 1, 2, 1])
    c1.metric("Events shown", f"{s['events']:,}", help=f"of {total:,} in the data")
    c2.metric("Fatalities (conservative)", f"{s['fatalities']:,}")
    span = f"{s['first']:%d %b %Y} – {s['last']:%d %b %Y}" if s["events"] else "—"
    c3.metric("Date span", span)
    c4.metric("Places", f"{s['locations']:,}")


def events_table(shown: pd.DataFrame, claims: pd.DataFrame) -> None:
    per_event = claims.groupby("event_id").size() if not claims.empty else pd.Series(dtype=int)
    table = pd.DataFrame(shown.drop(columns="geometry"))
    table["claims"] = table["event_id"].map(per_event).fillna(0).astype(int)
    table["event_date"] = table["event_date"].dt.date
    st.dataframe(table[[c for c in TABLE_COLUMNS if c in table]], hide_index=True, width="stretch")
    ids = set(shown["event_id"])
    sel = claims[claims["event_id"].isin(ids)]
    if not sel.empty:
        with st.expander(f"Claims about the events shown ({len(sel)})"):
            cols = ["event_id", "claimant", "source", "claim_date", "side", "killed", "wounded", "captured",
                    "statement"]
            view = sel[[c for c in cols if c in sel]].copy()
            view["claim_date"] = view["claim_date"].dt.date
            st.dataframe(view, hide_index=True, width="stretch")


def about(events_path: str | None) -> None:
    with st.expander("About the data"):
        if events_path is None:
            st.markdown(
                "**Events**: a curated set of events in northern Mali, 2023–2024, compiled by this project "
                "from public reporting (AP, Reuters, AFP, Al Jazeera, RFI, Jeune Afrique, the parties' own "
                "statements). Each event names its outlets; `fatalities` is the most conservative credible "
                "figure, and what each party claimed is listed beside it. This is not ACLED or UCDP data. "
                "Licence: CC BY 4.0. See `data/README.md` for how it was compiled and its limits."
            )
        else:
            st.markdown(f"**Events**: loaded from `{events_path}`.")
        st.markdown(
            "**Boundaries**: Made with Natural Earth (1:10m, public domain). Regions follow Mali's "
            "9-region scheme (Taoudénit within Tombouctou, Ménaka within Gao). The Tuareg region is the "
            "area claimed as Azawad in 2012 (Tombouctou, Gao, Kidal), shown for context; it is not a "
            "recognised boundary."
        )


def main() -> None:
    events_path = os.environ.get("GEO_EVENTS") or None
    claims_path = os.environ.get("GEO_CLAIMS") or None
    st.title("Northern Mali: conflict events")
    try:
        events, claims = load_data(events_path, claims_path)
        layers = load_layers()
    except geo.GeoError as exc:
        st.error(f"The data could not be loaded. {exc}")
        st.stop()
    if events.empty:
        st.warning("The data holds no events.")
        st.stop()
    st.caption("Armed-conflict events over Mali's regions, the Algeria border and the Tuareg region. "
               "Click an event for who fought, what each side claimed and who reported it.")
    flt, color_by, basemap = sidebar_filter(events)
    shown = geo.filter_events(events, flt)
    figures(shown, len(events))
    if shown.empty:
        st.info("No events match these filters (" + "; ".join(flt.describe()) + "). "
                "Widen the dates or remove an actor, type or region.")
    fmap = geo.build_map(shown, layers, claims=claims, color_by=color_by, basemap=basemap)
    st_folium(fmap, key="map", height=620, use_container_width=True, returned_objects=[])
    st.caption("Filters: " + "; ".join(flt.describe()))
    events_table(shown, claims)
    about(events_path)


main()
