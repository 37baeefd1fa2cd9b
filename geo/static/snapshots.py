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

import datetime as dt
import io
import re
import zipfile
from collections.abc import Mapping

import geopandas as gpd
import pandas as pd

from .captions import (DEFAULT_TITLE, EVENTS_ATTRIBUTION, SOFTWARE, SnapshotText, asof_note, clean_text, snapshot_text,
                       utc)
from ..a11y.describe import disputed_count, map_description
from ..io.exports import EXPORT_FORMATS, export_claims, export_csvw, export_events
from ..io.metadata import ExportMeta, data_kind, file_stem
from ..places.labels import GEONAMES_ATTRIBUTION
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
from ..vocabulary import dataset_fingerprint

__all__ = ["DEFAULT_TITLE", "EVENTS_ATTRIBUTION", "IMAGE_FORMATS", "OUTPUTS", "SOFTWARE", "SUFFIXES", "VIEWPORT",
           "MapFrame", "SnapshotText", "clean_text", "export_meta", "mercator", "output_name", "render",
           "render_files", "csv_metadata", "download", "download_name", "name_stem", "PACKAGED",
           "snapshot_frame",
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
                  base_url: str = "", version: str | None = None) -> str:
    """One self-contained HTML file: the interactive map of ``view`` with a header panel.

    The map is ``build_map``'s (same layers, styling, popups and legend; Leaflet
    inlined as data: URIs, so it opens offline). The header gives the
    title, filter summary, counts, attribution, generation date, share link and the data's
    version (``version``, else ``view.dataset``; also in ``<meta name='data-version'>``), all escaped. With a tile basemap in the view the tiles need the internet; the
    rest of the map works without them. ``events`` are drawn as given.
    """
    text = snapshot_text(events, view, title=title, attribution=attribution, generated=generated,
                         base_url=base_url, layers=layers)
    version = clean_text(version or view.dataset or "")
    m = build_map(events, layers, claims=claims, color_by=view.color_by, basemap=view.basemap,
                  visible_layers=view.visible_layers, center=view.center, zoom=view.zoom,
                  selected=view.selected, attribution=text.attribution[-1], figure=view.figure,
                  shade_regions=view.shade_regions, border_km=view.filter.max_border_km, draw=view.draw,
                  description=map_description(events, text.filters, color_by=view.color_by,
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
        # the place names (GeoNames) are credited once, in the map's own attribution, which the header does not repeat
        f"<p class='small attribution'>{' · '.join(esc(a) for a in text.attribution if a != _(GEONAMES_ATTRIBUTION))}"
        "</p>"
        "<p class='small'>" + esc(_("Generated {date} · Share link:").format(date=text.generated))
        + f" {link}</p>" + ("<p class='small version'>" + esc(_("Data version: {version}").format(version=version))
                            + "</p>" if version else "") + tiles
        + "</header>"
    )
    head = f"<title>{esc(text.title)}</title><meta name='generator' content='{esc(SOFTWARE)}'>" \
           + (f"<meta name='data-version' content='{esc(version)}'>" if version else "") + \
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
        kw["version"] = view.dataset or dataset_fingerprint(events)
        if fmt == "html":
            return snapshot_html(shown, layers, view, **kw)
        return snapshot_png(shown, layers, view, width_px=width_px, dpi=dpi, fmt=fmt, **kw)
    if fmt == "claims_csv":
        return export_claims(claims, shown)
    own = attribution or getattr(events, "attrs", {}).get("attribution") or _(EVENTS_ATTRIBUTION)
    meta = export_meta(view, events, shown, attribution=own, title=title, generated=generated, base_url=base_url)
    return export_events(shown, fmt, claims=claims, attribution=own + asof_note(view), meta=meta)


@speaks_view_language()
def export_meta(view: View, events: pd.DataFrame, shown: pd.DataFrame | None = None, *, attribution=None, title=None,
                generated=None, base_url: str = "") -> ExportMeta:
    """What a file of ``view`` carries about itself: the attribution, the filters in words (in the view's
    language), the share link, the data's version (``view.dataset``, else the fingerprint of all ``events``),
    the title and the time. ``shown`` are the view's events (``events`` filtered, by default)."""
    shown = filter_events(events, view.filter) if shown is None else shown
    own = attribution or getattr(events, "attrs", {}).get("attribution") or _(EVENTS_ATTRIBUTION)
    text = snapshot_text(shown, view, title=title, attribution=own, generated=generated, base_url=base_url)
    return ExportMeta(attribution=text.attribution[-1], filters=tuple(text.filters),
                      link=text.link if text.query else base_url,
                      version=view.dataset or dataset_fingerprint(events), title=text.title,
                      generated=utc(generated).isoformat(timespec="seconds"))


def render_files(view: View, fmt: str, events: pd.DataFrame, claims: pd.DataFrame | None = None,
                 layers: Mapping[str, gpd.GeoDataFrame] | None = None, *, name: str | None = None,
                 **kwargs) -> dict[str, bytes | str]:
    """The files of output ``fmt`` by name: ``render``'s file, and for a CSV (events, claims, matches) its
    CSVW metadata file beside it (``name + "-metadata.json"``, ``csv_metadata``). ``name`` defaults to
    ``output_name``'s; ``kwargs`` are ``render``'s."""
    name = name or output_name(fmt, view, kwargs.get("generated"), events=events,
                               attribution=kwargs.get("attribution"))
    files = {name: render(view, fmt, events, claims, layers, **kwargs)}
    if OUTPUTS[fmt][0] == ".csv":
        files[name + "-metadata.json"] = csv_metadata(view, fmt, events, claims, files[name], name, **kwargs)
    return files


@speaks_view_language()
def csv_metadata(view: View, fmt: str, events: pd.DataFrame, claims: pd.DataFrame | None, text: str, name: str,
                 **kwargs) -> str:
    """The CSVW metadata file of the CSV ``text`` (output ``fmt`` of ``view``, named ``name``): whose data
    it is, the filters in words, the share link, the data's version, and each column's type."""
    shown = filter_events(events, view.filter)
    meta = export_meta(view, events, shown, attribution=kwargs.get("attribution"), title=kwargs.get("title"),
                       generated=kwargs.get("generated"), base_url=kwargs.get("base_url", ""))
    if fmt == "claims_csv":
        table = claims if claims is not None else pd.DataFrame(columns=["event_id"])
        return export_csvw(table[table["event_id"].isin(set(shown["event_id"]))], name, meta, claims=True)
    if fmt == "csv" and kwargs.get("matches") is None:
        return export_csvw(shown, name, meta)
    return export_csvw(pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""]), name, meta)


def output_name(fmt: str, view: View | None = None, generated=None, *, events: pd.DataFrame | None = None,
                attribution: str | None = None, places: list[str] | None = None, stem: str | None = None) -> str:
    """A file name for a download that says what it holds: the data, the place, the main filter and the
    dates, then what the file is, e.g. ``acled_afghanistan_2020-01-01_2020-12-31.csv``,
    ``acled_mali_jnim_2024-07-01_2024-07-31_claims.csv``, ``curated_mali_2023-04-10_2024-12-02_map.png``.

    The data is told from ``attribution`` (or the events' own, or their ``dataset`` column); the place
    from ``places`` (country names) or the countries of ``events`` (most events first; more than two
    are counted); the main filter is the view's first actor, else its one event type or region; the
    dates are the filter's, else the first and last of the events. ``stem``: ``name_stem``'s, computed
    once for several formats. Without events, ``view`` and ``attribution``:
    ``conflict-events-YYYYMMDD-HHMM`` as before."""
    what = {"claims_csv": "claims", "matches_csv": "matches"}.get(fmt, "map" if fmt in IMAGE_FORMATS + ("html",)
                                                                   else "")
    if stem is None and events is None and view is None:
        old = "conflict-claims" if fmt == "claims_csv" else "conflict-matches" if fmt == "matches_csv" else (
            "conflict-events" if fmt in EXPORT_FORMATS else "conflict-map")
        return f"{old}-{utc(generated):%Y%m%d-%H%M}{OUTPUTS[fmt][0]}"
    stem = stem or name_stem(view, events, attribution=attribution, places=places)
    if view is not None and isinstance(view.asof, dt.datetime):  # the data's version, when one is shown
        stem += f"_asof-{view.asof:%Y%m%dT%H%M%SZ}"
    return stem + (f"_{what}" if what else "") + OUTPUTS[fmt][0]


def name_stem(view: View | None, events: pd.DataFrame | None, *, attribution: str | None = None,
              places: list[str] | None = None) -> str:
    """The part of ``output_name`` that says what the view holds (the same for every format of it): one pass
    over the view's events."""
    view = view or View()
    shown = filter_events(events, view.filter) if events is not None else None
    own = attribution or (getattr(events, "attrs", {}).get("attribution") if events is not None else None) \
        or EVENTS_ATTRIBUTION
    if places is None and shown is not None and "country" in shown.columns and len(shown):
        places = list(shown["country"].astype(str).value_counts().index)
    f = view.filter
    main = (f.actors[0] if f.actors else f.event_types[0] if len(f.event_types) == 1 else
            f.regions[0] if len(f.regions) == 1 else "")
    start, end = f.start, f.end
    if shown is not None and len(shown):
        start = start or shown["event_date"].min()
        end = end or shown["event_date"].max()
    return file_stem(data_kind(own, shown), list(places or []), main, start, end)


#: The outputs the dashboard offers as a zip: the CSV and its CSVW metadata file, together.
PACKAGED = ("csv", "claims_csv", "matches_csv")


def download_name(fmt: str, view: View | None = None, *, events: pd.DataFrame | None = None,
                  attribution: str | None = None, places: list[str] | None = None, generated=None,
                  stem: str | None = None) -> str:
    """The name of the dashboard's download of ``fmt``: ``output_name``'s, a ``.zip`` for a CSV (``PACKAGED``)."""
    name = output_name(fmt, view, generated, events=events, attribution=attribution, places=places, stem=stem)
    return name[: -len(".csv")] + ".zip" if fmt in PACKAGED else name


def download(view: View, fmt: str, events: pd.DataFrame, claims: pd.DataFrame | None = None,
             layers: Mapping[str, gpd.GeoDataFrame] | None = None, *, name: str, **kwargs) -> bytes | str:
    """The dashboard's download of ``fmt`` named ``name`` (``download_name``'s): ``render``'s file, or for a
    CSV a zip holding the CSV and its CSVW metadata file (``render_files``)."""
    if fmt not in PACKAGED:
        return render(view, fmt, events, claims, layers, **kwargs)
    files = render_files(view, fmt, events, claims, layers, name=name[: -len(".zip")] + ".csv", **kwargs)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for file_name, data in files.items():
            zf.writestr(file_name, data.encode("utf-8") if isinstance(data, str) else data)
    return out.getvalue()
