"""Snapshots of a view: a static map (PNG, SVG or PDF) and a standalone HTML map,
and ``render``, the one function that makes any output of a view.

Both snapshots say by themselves what they show and whose data it is: title,
filter summary, event count and fatalities, attribution (Natural Earth and the
events' source), generation date and the share link (``geo.static.captions``). The
static map is drawn by ``geo.static.staticmap``; the data exports are ``geo.io.exports``.

``render(view, fmt, events, ...)`` makes any output for a view; the dashboard's
download buttons and ``python -m geo snapshot`` both call it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import geopandas as gpd
import pandas as pd

from .captions import DEFAULT_TITLE, EVENTS_ATTRIBUTION, SOFTWARE, SnapshotText, clean_text, snapshot_text, utc
from ..a11y.describe import disputed_count, map_description
from ..io.exports import EXPORT_FORMATS, export_claims, export_events
from ..matching.groups import GROUP_COLUMNS, match_groups, matched_events, matches_within
from ..filters import filter_events
from ..layers import data_title, load_layers
from ..matching.pairs import empty_match_table
from ..webmap.maps import build_map
from .frame import VIEWPORT, MapFrame, mercator, view_extent
from .staticmap import IMAGE_FORMATS, snapshot_frame, snapshot_png
from ..styles import esc, safe_link
from ..i18n import _, speaks_view_language
from ..view import View, cover_spec

__all__ = ["DEFAULT_TITLE", "EVENTS_ATTRIBUTION", "IMAGE_FORMATS", "OUTPUTS", "SOFTWARE", "SUFFIXES", "VIEWPORT",
           "MapFrame", "SnapshotText", "clean_text", "mercator", "output_name", "render", "snapshot_frame",
           "snapshot_html", "snapshot_png", "snapshot_text", "view_extent"]

#: Every output of ``render``: format -> (file suffix, media type).
OUTPUTS: dict[str, tuple[str, str]] = {
    "png": (".png", "image/png"),
    "svg": (".svg", "image/svg+xml"),
    "pdf": (".pdf", "application/pdf"),
    "html": (".html", "text/html"),
    **EXPORT_FORMATS,
    "claims_csv": (".csv", "text/csv"),
    "matches_csv": (".csv", "text/csv"),
}
#: File suffix -> output, for the command line (".csv" is the events).
SUFFIXES: dict[str, str] = {suffix: fmt for fmt, (suffix, _) in OUTPUTS.items()
                            if fmt not in ("claims_csv", "matches_csv")}


# --- the standalone HTML --------------------------------------------------------------------------

_HTML_CSS = """
html, body { margin: 0; height: 100%; }
body { display: flex; flex-direction: column; font: 13px/1.4 system-ui, sans-serif; color: #222; }
body > .folium-map { flex: 1 1 auto; height: auto !important; min-height: 420px; }
.snapshot-info { padding: 8px 12px 6px; border-bottom: 1px solid #ccc; background: #fafafa; }
.snapshot-info h1 { font-size: 18px; margin: 0 0 2px; }
.snapshot-info p { margin: 1px 0; }
.snapshot-info .small { color: #555; font-size: 11px; }
.snapshot-info code { font-size: 11px; word-break: break-all; }
"""


@speaks_view_language()
def snapshot_html(events: pd.DataFrame, layers: Mapping[str, gpd.GeoDataFrame], view: View, *,
                  claims: pd.DataFrame | None = None, title=None, attribution=None, generated=None,
                  base_url: str = "") -> str:
    """One self-contained HTML file: the interactive map of ``view`` with a header panel.

    The map is ``build_map``'s (same layers, styling, popups and legend; Leaflet
    inlined as data: URIs, so it opens offline). The header gives the
    title, filter summary, counts, attribution, generation date and share link,
    all escaped. With a tile basemap in the view the tiles need the internet; the
    rest of the map works without them. ``events`` are drawn as given.
    """
    text = snapshot_text(events, view, title=title, attribution=attribution, generated=generated,
                         base_url=base_url)
    m = build_map(events, layers, claims=claims, color_by=view.color_by, basemap=view.basemap,
                  visible_layers=view.visible_layers, center=view.center, zoom=view.zoom,
                  selected=view.selected, attribution=text.attribution[1], figure=view.figure,
                  shade_regions=view.shade_regions, border_km=view.filter.max_border_km, draw=view.draw,
                  description=map_description(events, view.filter.describe(), color_by=view.color_by,
                                              draw=view.draw, disputed=disputed_count(events, claims)))
    page = m.get_root().render()
    link = safe_link(text.link, text.link) if text.link.lower().startswith("http") else f"<code>{esc(text.link)}</code>"
    tiles = ("" if view.basemap == "none" else "<p class='small'>" + esc(
        _("The basemap tiles need the internet; the rest of the map works without it.")) + "</p>")
    header = (
        "<header class='snapshot-info'>"
        f"<h1>{esc(text.title)}</h1>"
        "<p class='filters'><b>" + esc(_("Filters:")) + f"</b> {esc(' · '.join(text.filters))}</p>"
        f"<p class='counts'>{esc(text.counts)}</p>"
        f"<p class='small attribution'>{' · '.join(esc(a) for a in text.attribution)}</p>"
        "<p class='small'>" + esc(_("Generated {date} · Share link:").format(date=text.generated))
        + f" {link}</p>{tiles}"
        "</header>"
    )
    head = f"<title>{esc(text.title)}</title><meta name='generator' content='{esc(SOFTWARE)}'>" \
           f"<style>{_HTML_CSS}</style></head>"
    if "</head>" not in page or "<body>" not in page:
        raise RuntimeError("unexpected page structure from folium")  # pragma: no cover
    page = page.replace("</head>", head, 1).replace("<body>", "<body>" + header, 1)
    page = page.replace("<html>", f"<html lang='{view.lang}'>", 1)
    # folium's page forbids zooming it on a phone (maximum-scale=1, user-scalable=no): a reader who
    # enlarges text must be able to (WCAG 2.1, 1.4.4); Leaflet handles pinches on the map itself
    return re.sub(r",\s*maximum-scale=1\.0,\s*user-scalable=no", "", page, count=1)


# --- one entry point for the dashboard and the command line ---------------------------------------

@speaks_view_language()
def render(view: View, fmt: str, events: pd.DataFrame, claims: pd.DataFrame | None = None,
           layers: Mapping[str, gpd.GeoDataFrame] | None = None, *, title=None, attribution=None,
           generated=None, width_px: int = 1600, dpi: float = 150, base_url: str = "",
           matches: pd.DataFrame | None = None) -> bytes | str:
    """The output ``fmt`` (a key of ``OUTPUTS``) for ``view`` over all ``events``.

    Filters ``events`` with ``view.filter`` first; exports hold only the claims of
    the events kept. Images are bytes; html, csv, claims_csv, matches_csv, geojson and kml are
    str; parquet is bytes. ``layers`` are those of where the events are (``load_layers(events)``) when
    not given, and the title names where they are (``data_title``).

    ``matches`` (the match table of events from several data sets, ``geo.match_events``): the
    maps draw each matched event once, with each data set's record in its popup
    (``geo.matched_events``); the event exports carry each record's ``match_group``,
    ``datasets_held`` and ``held_by``; ``matches_csv`` is the match table of the events kept.
    """
    if fmt not in OUTPUTS:
        raise ValueError(f"unknown output {fmt!r}; use one of {', '.join(OUTPUTS)}")
    shown = filter_events(events, view.filter)
    if fmt == "matches_csv":
        table = matches_within(shown, matches) if matches is not None else empty_match_table()
        return table.to_csv(index=False, lineterminator="\n")
    if matches is not None and "dataset" in shown:
        only_one, min_spread = cover_spec(view.cover) or (False, None)
        drawn = matched_events(shown, matches, claims, only_one=only_one, min_spread=min_spread)
        if fmt in IMAGE_FORMATS or fmt == "html":
            shown = drawn
        else:  # the records, each with its match group; those of the groups the view's cover keeps
            groups = match_groups(shown, matches)
            shown = shown.assign(**{c: groups[c].to_numpy() for c in GROUP_COLUMNS})
            if view.cover != "all":
                shown = shown[shown["match_group"].isin(set(drawn["match_group"]))]
    if fmt in IMAGE_FORMATS or fmt == "html":
        layers = load_layers(events) if layers is None else layers  # the layers of where the data is
        title = title or data_title(events)
        kw = dict(claims=claims, title=title, attribution=attribution, generated=generated, base_url=base_url)
        if fmt == "html":
            return snapshot_html(shown, layers, view, **kw)
        return snapshot_png(shown, layers, view, width_px=width_px, dpi=dpi, fmt=fmt, **kw)
    if fmt == "claims_csv":
        return export_claims(claims, shown)
    own = attribution or getattr(events, "attrs", {}).get("attribution") or _(EVENTS_ATTRIBUTION)
    return export_events(shown, fmt, claims=claims, attribution=own)


def output_name(fmt: str, view: View | None = None, generated=None) -> str:
    """A file name for a download: ``conflict-map-YYYYMMDD-HHMM`` + the format's suffix."""
    stem = "conflict-claims" if fmt == "claims_csv" else "conflict-matches" if fmt == "matches_csv" else (
        "conflict-events" if fmt in EXPORT_FORMATS else "conflict-map")
    return f"{stem}-{utc(generated):%Y%m%d-%H%M}{OUTPUTS[fmt][0]}"
