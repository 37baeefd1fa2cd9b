"""geo: the core of the conflict-mapping dashboard.

Pure Python over GeoDataFrames (it never imports streamlit): load events and
claims, load the boundary layers, filter events, and build the interactive map.
"""

from .webmap.aggregate import aggregate_events
from .analysis import (
    border_distance_km,
    by_region,
    claim_ranges,
    claimant_totals,
    enrich,
    event_figures,
    summarize,
    timeline,
)
from .errors import DatabaseError, DataError, FilterError, GeoError, ImportFormatError, MatchError
from .matching.groups import (collapse_groups, coverage_mask, group_figures, match_groups, matched_events,
                        matches_within, records_table)
from .matching.crosswalk import load_aliases, load_crosswalk
from .fatalities import conservative_fatalities, fatality_note
from .a11y.readable import date_span, readable_table
from .matching.pairs import MATCH_COLUMNS, match_events
from .events import (
    CLAIM_COLUMNS,
    CLAIM_SCHEMA,
    EVENT_COLUMNS,
    EVENT_SCHEMA,
    compact_events,
    load_claims,
    load_events,
)
from .io.exports import EXPORT_FORMATS, export_claims, export_events
from .filters import EventFilter, actor_counts, distinct_values, filter_events
from .io.formats import ACLED_ATTRIBUTION, NATIVE_ATTRIBUTION, UCDP_ATTRIBUTION
from .db.postgis import PostgisSource, read_database
from .db.urls import is_database_url
from .io.readers import ImportReport
from .io.readers import read_events as _read_file
from .sync.store import is_store, open_store
from .layers import LAYERS, NATURAL_EARTH_ATTRIBUTION, load_layers
from .webmap.maps import BASEMAPS, MAX_MARKERS, build_base_map, build_map, build_map_content, popup_html
from .static.snapshots import render, snapshot_html, snapshot_png
from .styles import (COLOR_MODES, EVENT_TYPE_COLORS, EVENT_TYPE_FAMILIES, SIDE_COLORS, actor_side,
                     event_type_color, event_type_family)
from .view import (
    View,
    ViewError,
    Vocabulary,
    dataset_fingerprint,
    view_to_link,
    view_to_query,
)
from .link import parse_link, view_from_query



def read_events(source, *, name=None):
    """Read events from a file (ACLED, UCDP GED, the app's own formats: see ``geo.io.readers.read_events``)
    or from a PostGIS database given as ``postgresql://user:password@host/db`` (``geo.PostgisSource``), or
    from a local store kept by ``python -m geo sync`` (a folder: ``geo.sync.store.open_store``).

    Returns (events, ImportReport). Raises ``ImportFormatError``/``DataError`` for files and
    ``DatabaseError`` for databases.
    """
    if is_database_url(source):
        return read_database(source)
    if is_store(source):  # a folder kept by `python -m geo sync`: its latest version
        return open_store(source).read()
    return _read_file(source, name=name)


__all__ = [
    "DatabaseError",
    "PostgisSource",
    "MATCH_COLUMNS",
    "MatchError",
    "collapse_groups",
    "coverage_mask",
    "group_figures",
    "load_aliases",
    "load_crosswalk",
    "match_events",
    "match_groups",
    "matched_events",
    "matches_within",
    "records_table",
    "conservative_fatalities",
    "date_span",
    "fatality_note",
    "readable_table",
    "ACLED_ATTRIBUTION",
    "MAX_MARKERS",
    "aggregate_events",
    "EXPORT_FORMATS",
    "ImportFormatError",
    "ImportReport",
    "NATIVE_ATTRIBUTION",
    "UCDP_ATTRIBUTION",
    "export_claims",
    "export_events",
    "read_events",
    "render",
    "snapshot_html",
    "snapshot_png",
    "BASEMAPS",
    "CLAIM_COLUMNS",
    "CLAIM_SCHEMA",
    "COLOR_MODES",
    "DataError",
    "EVENT_COLUMNS",
    "EVENT_SCHEMA",
    "EVENT_TYPE_COLORS",
    "EVENT_TYPE_FAMILIES",
    "event_type_color",
    "event_type_family",
    "EventFilter",
    "FilterError",
    "GeoError",
    "LAYERS",
    "NATURAL_EARTH_ATTRIBUTION",
    "SIDE_COLORS",
    "actor_counts",
    "border_distance_km",
    "by_region",
    "claim_ranges",
    "claimant_totals",
    "enrich",
    "event_figures",
    "timeline",
    "actor_side",
    "build_base_map",
    "build_map",
    "build_map_content",
    "distinct_values",
    "filter_events",
    "load_claims",
    "load_events",
    "compact_events",
    "load_layers",
    "popup_html",
    "summarize",
    "View",
    "ViewError",
    "Vocabulary",
    "dataset_fingerprint",
    "parse_link",
    "view_from_query",
    "view_to_link",
    "view_to_query",
]
