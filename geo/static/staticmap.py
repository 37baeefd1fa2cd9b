"""The static map of a view: PNG, SVG or PDF, drawn offline with matplotlib.

It is drawn over the Natural Earth layers, in Web Mercator (EPSG:3857) like the
web map, with the web map's colours, marker sizes, outlines and overlays. Its
extent is what the dashboard's map shows for the view: the area a Leaflet map of
``VIEWPORT`` CSS pixels (the dashboard's map size) covers at ``view.zoom``
around ``view.center``. A larger ``width_px`` gives a sharper picture of the same
area, not a wider one: every length drawn (markers, lines, text) is in CSS
pixels scaled by ``width_px / VIEWPORT[0]``, as on a high-density screen.
``snapshot_frame`` gives the extent and the lat/lon -> pixel transform.

matplotlib and PIL are imported by the functions that draw (not with ``geo``: 0.5 s off every start).
Only matplotlib's object API is used (``Figure`` + ``FigureCanvasAgg``, never
pyplot), so rendering is safe in Streamlit's threads.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd

from ..analysis import by_region, claim_ranges, event_figures
from ..a11y.describe import disputed_count, map_description
from .captions import SOFTWARE, SnapshotText, clean_text, snapshot_text, utc
from ..places.labels import place_labels
from ..layers import LAYER_ORDER, LAYERS
from ..webmap.markers import CHANGE_STYLES
from ..webmap.overlays import CHOROPLETH_COLORS, MAX_RINGS, UNCERTAINTY_M, border_zone
from ..i18n import _, speaks_view_language
from ..styles import actor_side, esc, event_color, marker_radius
from ..view import View
from .frame import BACKGROUND, MARKER_FILL_OPACITY, MapFrame, VIEWPORT, mercator, view_extent
from .furniture import _legend, _scale_bar
from .labelplace import LABEL_PX, Occupancy, event_boxes, furniture_boxes, place

IMAGE_FORMATS = ("png", "svg", "pdf")
_PAD, _TITLE_PX, _LINE_PX, _SMALL_PX = 12, 20, 12, 10  # CSS px


def _wrap(lines: list[str], font_px: float, limit: int) -> list[str]:
    chars = max(int((VIEWPORT[0] - 2 * _PAD) / (0.58 * font_px)), 20)
    out = [part for line in lines for part in (textwrap.wrap(line, chars) or [""])]
    return out if len(out) <= limit else out[: limit - 1] + [out[limit - 1][: chars - 1] + "…"]


def _layout(text: SnapshotText, view: View, width_px: int, dpi: float):
    header = _wrap([" · ".join(text.filters)], _LINE_PX, 4) + [text.counts]
    header = _wrap(header, _LINE_PX, 6)
    footer = _wrap(text.attribution + [_("Generated {date} · Link: {link}").format(date=text.generated, link=text.link)],
                   _SMALL_PX, 6)
    scale = width_px / VIEWPORT[0]
    top = round((_PAD + _TITLE_PX * 1.3 + _LINE_PX * 1.4 * len(header) + _PAD / 2) * scale)
    map_h = round(VIEWPORT[1] * scale)
    bottom = round((_PAD / 2 + _SMALL_PX * 1.45 * len(footer) + _PAD / 2) * scale)
    frame = MapFrame(width_px, top + map_h + bottom, float(dpi), top, map_h, view_extent(view), scale)
    return frame, header, footer


@speaks_view_language()
def snapshot_frame(events: pd.DataFrame, view: View, *, width_px: int = 1600, dpi: float = 150, title=None,
                   attribution=None, generated=None, base_url: str = "") -> MapFrame:
    """The frame ``snapshot_png`` draws with the same arguments (for locating points in the image)."""
    text = snapshot_text(events, view, title=title, attribution=attribution, generated=generated,
                         base_url=base_url)
    return _layout(text, view, int(width_px), dpi)[0]


def _dashes(style: dict, weight: float):
    if not style.get("dashArray"):
        return "solid"
    return (0, tuple(float(d) / weight for d in str(style["dashArray"]).replace(",", " ").split()))


def _draw_layers(ax, layers: Mapping[str, gpd.GeoDataFrame], view: View, frame: MapFrame) -> None:
    from matplotlib.colors import to_rgba
    for z, key in enumerate(LAYER_ORDER):
        if key not in layers or key in view.hidden_layers:
            continue
        style = LAYERS[key].style
        gdf = layers[key]
        if gdf.empty:
            continue
        gdf = gdf.set_crs("EPSG:4326", allow_override=gdf.crs is None).to_crs("EPSG:3857")
        weight = float(style.get("weight", 3))
        edge = to_rgba(style.get("color", "#3388ff"), style.get("opacity", 1.0))
        common = dict(ax=ax, linewidth=frame.points(weight), linestyle=_dashes(style, weight),
                      zorder=1 + z, aspect=None)
        polygons = gdf[gdf.geom_type.isin(["Polygon", "MultiPolygon"])]
        lines = gdf[~gdf.geom_type.isin(["Polygon", "MultiPolygon", "Point", "MultiPoint"])]
        if len(polygons):
            fill = to_rgba(style.get("fillColor", style.get("color", "#3388ff")), style.get("fillOpacity", 0.2))
            polygons.plot(facecolor=fill, edgecolor=edge, **common)
        if len(lines):
            lines.plot(color=[edge], **common)


def _region_colors(values: pd.Series) -> list[str]:
    """The web map's choropleth classes (geo.webmap.overlays.region_layer): up to five quantile classes."""
    positive = values[values > 0]
    bounds = sorted({int(-(-positive.quantile(q) // 1)) for q in (0.2, 0.4, 0.6, 0.8, 1.0)}) if len(positive) else []
    out = []
    for v in values:
        i = next((i for i, upper in enumerate(bounds) if v <= upper), len(CHOROPLETH_COLORS) - 1)
        out.append("#ffffff" if v <= 0 else CHOROPLETH_COLORS[min(i, len(CHOROPLETH_COLORS) - 1)])
    return out


def _draw_shading(ax, events, layers, view: View, frame: MapFrame) -> None:
    """The regions shaded by their number of ``events`` and the border zone (what lies under the events)."""
    from matplotlib.colors import to_rgba
    pt = frame.points
    if view.shade_regions and "admin1" in layers:
        regions = by_region(events, layers).to_crs("EPSG:3857")
        regions.plot(ax=ax, facecolor=[to_rgba(c, 0.55) for c in _region_colors(regions["events"])],
                     edgecolor="#555555", linewidth=pt(1), zorder=6, aspect=None)
    km = view.filter.max_border_km
    if km is not None and "algeria_border" in layers:
        border_zone(layers, km).to_crs("EPSG:3857").plot(
            ax=ax, facecolor=to_rgba("#c0392b", 0.08), edgecolor="#c0392b", linewidth=pt(1),
            linestyle=(0, (2, 4)), zorder=7, aspect=None)


def _draw_rings(ax, events, frame: MapFrame) -> None:
    """The dashed uncertainty ring of each approximately located event (up to ``MAX_RINGS``)."""
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Circle
    approx = events[events["geo_precision"].isin(list(UNCERTAINTY_M))]
    if 0 < len(approx) <= MAX_RINGS:
        x, y = mercator(approx["latitude"], approx["longitude"])
        # metres on the ground are 1/cos(lat) times longer in Web Mercator
        rings = [Circle((xi, yi), UNCERTAINTY_M[int(prec)] / math.cos(math.radians(float(lat))))
                 for xi, yi, lat, prec in zip(x, y, approx["latitude"], approx["geo_precision"])]
        # one collection, not a patch each: adding hundreds of patches (an animation's every frame) is slow
        ax.add_collection(PatchCollection(rings, facecolors="none", edgecolors="#555555", zorder=8,
                                          linewidths=frame.points(1), linestyles=[(0, (3, 3))]), autolim=False)


def _draw_labels(ax, labels: pd.DataFrame, view: View, frame: MapFrame, events: pd.DataFrame | None = None,
                 sizes=None, furniture=None) -> list[str]:
    """The place names the web map shows at this zoom (``geo.static.labelplace.place``: none over another,
    over an event's circle — ``events`` with their ``sizes`` — or across the map's edge), each with a white
    halo; towns with a dot. Returns the names drawn."""
    from matplotlib import patheffects
    obstacles = [np.asarray(furniture, dtype=float).reshape(-1, 4)] if furniture is not None else []
    if events is not None and len(events) and view.draw != "heat":
        obstacles.append(event_boxes(events, sizes, frame))
    taken = Occupancy(frame.width, frame.height, np.vstack(obstacles)) if obstacles else None
    chosen = place(labels, view, frame, taken)
    # the halo is drawn as a white outline of its own, under the name itself: the name stays text in
    # an SVG or PDF (searchable, selectable), where a path effect would turn it into outlines
    halo = [patheffects.Stroke(linewidth=frame.points(3), foreground="white")]
    for name, lat, lon, kind, (dx, dy, ha, va), _box in chosen:
        text = name.upper() if kind == "country" else name
        x, y = (float(v) for v in mercator(lat, lon))
        # over the events, as on the web map, but never on their circles (a place with events is marked by them)
        style = dict(fontsize=frame.points(LABEL_PX[kind]), zorder=12, parse_math=False, va=va, ha=ha, clip_on=True,
                     color="#444444" if kind in ("country", "region") else "#222222",
                     fontstyle="italic" if kind == "region" else "normal",
                     fontweight="bold" if kind == "place" else "normal")
        if kind == "town":
            ax.scatter([x], [y], s=(frame.points(5)) ** 2, c="#222222", edgecolors="white",
                       linewidths=frame.points(1), zorder=12)
        for effects, color in ((halo, "white"), ([], style["color"])):
            ax.annotate(text, (x, y), xytext=(frame.points(dx), frame.points(dy)), textcoords="offset points",
                        **{**style, "color": color, "path_effects": effects})
    return [c[0] for c in chosen]


def _draw_events(ax, events, view, claims, frame: MapFrame, ranges=None) -> tuple[set[str], int]:
    """The markers, largest first, styled as geo.webmap.maps.events_geojson styles them; the selected one ringed.
    An animation gives each event's ``_size`` and the claims' ``ranges`` (``claim_ranges``) once for all frames."""
    from matplotlib.colors import to_rgba
    pt = frame.points
    if "_size" not in events:
        events = events.assign(_size=event_figures(events, claims, view.figure))
    events = events.sort_values(["_size", "event_date"], ascending=[False, True], kind="stable")
    if view.color_by == "side":
        present = {actor_side(a) for a in events["actor1"].astype(str)}
    else:
        present = set(events["event_type"].astype(str))
    claimed = np.zeros(len(events), dtype=bool)
    disputed = np.zeros(len(events), dtype=bool)
    if ranges is None and claims is not None and len(claims):
        ranges = claim_ranges(claims)
    if ranges is not None:
        claimed = events["event_id"].isin(ranges.index).to_numpy()
        disputed = events["event_id"].isin(ranges.index[ranges["disputed"]]).to_numpy()
    if len(events):
        x, y = mercator(events["latitude"], events["longitude"])
        colors = [event_color(r, view.color_by) for r in events[["actor1", "event_type"]].to_dict("records")]
        size = (2 * pt(1) * np.array([marker_radius(f) for f in events["_size"]])) ** 2
        # an animation's earlier events fade (``_fade``: 1 for the period shown, less the older they are)
        fade = events["_fade"].to_numpy(dtype=float) if "_fade" in events else np.ones(len(events))
        fill = np.array([to_rgba(c, MARKER_FILL_OPACITY * f) for c, f in zip(colors, fade)]).reshape(-1, 4)
        edge = np.where(claimed[:, None], to_rgba("#222222"), to_rgba("#ffffff"))
        edge[disputed] = to_rgba("#000000")
        change = events["change"].astype(str).to_numpy() if "change" in events else np.full(len(events), "")
        gone = change == "deleted"  # "changed since": a deleted event hollow, outlined in its colour (the web map's)
        fill[gone, 3] = 0.0
        edge[gone] = np.array([to_rgba(c) for c in colors]).reshape(-1, 4)[gone]
        edge[:, 3] = fade
        plain = ~disputed
        ax.scatter(x[plain], y[plain], s=size[plain], zorder=10, facecolors=fill[plain], edgecolors=edge[plain],
                   linewidths=np.where(gone[plain], pt(3), np.where(claimed[plain], pt(2), pt(1))))
        if disputed.any():  # a dashed black outline (dashArray "4 3" at weight 2.5)
            ax.scatter(x[disputed], y[disputed], s=size[disputed], zorder=10, edgecolors=edge[disputed],
                       facecolors=fill[disputed], linewidths=pt(2.5), linestyles=[(0, (4 / 2.5, 3 / 2.5))])
        for kind, dash in (("added", "solid"), ("revised", (0, (3 / 3.5, 2 / 3.5)))):  # their rings
            on = change == kind
            if on.any():
                ax.scatter(x[on], y[on], s=size[on], zorder=10.5, facecolors="none", linewidths=pt(3.5),
                           edgecolors=CHANGE_STYLES[kind]["color"], linestyles=[dash])
    sel = events[events["event_id"] == view.selected] if view.selected else events.iloc[:0]
    if len(sel):
        ev = sel.iloc[0]
        x, y = mercator(ev["latitude"], ev["longitude"])
        d = 2 * pt(marker_radius(ev["_size"]) + 5)
        for color, width in (("#ffffff", 5), ("#000000", 2.5)):
            ax.scatter([x], [y], s=d ** 2, facecolors="none", edgecolors=color, linewidths=pt(width), zorder=11)
        label = f"{clean_text(ev['location'])} · {pd.Timestamp(ev['event_date']):%-d %b %Y}"
        ax.annotate(label, (float(x), float(y)), xytext=(d / 2 + pt(4), d / 2), textcoords="offset points",
                    fontsize=pt(13), fontweight="bold", zorder=12, parse_math=False,
                    bbox=dict(boxstyle="round,pad=0.3", facecolor="white", edgecolor="#333333", alpha=0.92))
    return present, int(disputed.sum())


def heat_grid(events, frame: MapFrame) -> np.ndarray:
    """The events counted on a grid of ~HEAT_CELL_PX px over the frame's map, blurred as Leaflet.heat blurs."""
    from ..webmap.heatmap import HEAT_CELL_PX

    xmin, xmax, ymin, ymax = frame.extent
    map_w_px = frame.width / frame.scale
    nx = max(int(map_w_px / HEAT_CELL_PX), 1)
    ny = max(int(nx * (ymax - ymin) / (xmax - xmin)), 1)
    if len(events):
        x, y = mercator(events["latitude"], events["longitude"])
        grid, _x, _y = np.histogram2d(np.asarray(y, dtype=float), np.asarray(x, dtype=float), bins=(ny, nx),
                                      range=((ymin, ymax), (xmin, xmax)))
    else:
        grid = np.zeros((ny, nx))
    for _pass in range(3):  # three box blurs: close to a Gaussian, as Leaflet.heat's blur
        grid = _box_blur(grid, 2)
    return grid


def heat_scale(grid: np.ndarray) -> float:
    """Full heat: the 98th percentile of the grid's non-empty cells (1 for an empty grid)."""
    positive = grid[grid > 1e-9]
    return float(np.percentile(positive, 98)) if len(positive) else 1.0


def _draw_heat(ax, events, view: View, frame: MapFrame, scale: float | None = None) -> set[str]:
    """The web map's heatmap: events counted on a grid of ~HEAT_CELL_PX px, blurred, coloured by
    HEAT_GRADIENT (full heat at ``scale``: by default the 98th percentile of the non-empty cells; an
    animation gives one for all its frames). Returns {"heat"}."""
    from matplotlib.colors import LinearSegmentedColormap, to_rgba

    from ..webmap.heatmap import HEAT_GRADIENT

    xmin, xmax, ymin, ymax = frame.extent
    grid = heat_grid(events, frame)
    scale = heat_scale(grid) if scale is None else scale
    stops = sorted(HEAT_GRADIENT.items())
    cmap = LinearSegmentedColormap.from_list("heat", [(0.0, to_rgba(stops[0][1], 0.0))] + [
        (at, to_rgba(color, 0.35 + 0.55 * at)) for at, color in stops])
    ax.imshow(np.clip(grid / max(scale, 1e-9), 0, 1), cmap=cmap, vmin=0, vmax=1, origin="lower",
              extent=(xmin, xmax, ymin, ymax), interpolation="bilinear", zorder=9, aspect="auto")
    return {"heat"}


def _box_blur(grid: np.ndarray, r: int) -> np.ndarray:
    """The mean over a (2r+1)-cell window along each axis in turn (edges padded with zeros)."""
    k = 2 * r + 1
    for axis in (0, 1):
        pad = [(0, 0), (0, 0)]
        pad[axis] = (r + 1, r)
        c = np.cumsum(np.pad(grid, pad), axis=axis)
        n = grid.shape[axis]
        grid = (np.take(c, np.arange(k, k + n), axis=axis) - np.take(c, np.arange(n), axis=axis)) / k
    return grid


def map_figure(frame: MapFrame):
    """An empty figure of ``frame``'s size (white) with the map's axes (the sea's colour, no ticks, a grey
    frame): ``(figure, axes)``. No Agg canvas yet: geopandas asks for a redraw after each layer."""
    from matplotlib.figure import Figure
    dpi = frame.dpi
    # a hair over the exact size so that rounding down in the renderer still gives the width
    fig = Figure(figsize=((frame.width + 0.01) / dpi, (frame.height + 0.01) / dpi), dpi=dpi, facecolor="white")
    ax = fig.add_axes((0, 1 - (frame.top + frame.map_height) / frame.height, 1, frame.map_height / frame.height))
    ax.set_facecolor(BACKGROUND)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor("#999999")
    return fig, ax


def fit_extent(ax, frame: MapFrame) -> None:
    """The axes show exactly ``frame.extent`` (after geopandas' plots, which move the limits)."""
    xmin, xmax, ymin, ymax = frame.extent
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect("auto")
    ax.set_xlabel("")
    ax.set_ylabel("")


def draw_marks(ax, events, view: View, claims, frame: MapFrame, ranges=None,
               heat: float | None = None) -> tuple[set[str], int]:
    """The events as the view draws them (a heatmap, full at ``heat``, or rings and markers): the legend's
    categories and the number of disputed events drawn."""
    _draw_rings(ax, events, frame)
    if view.draw == "heat":
        return _draw_heat(ax, events, view, frame, heat), 0
    return _draw_events(ax, events, view, claims, frame, ranges)


def _figure(events, layers, view, claims, text: SnapshotText, width_px: int, dpi: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    frame, header, footer = _layout(text, view, width_px, dpi)
    fig, ax = map_figure(frame)
    W, H = frame.width, frame.height
    _draw_layers(ax, layers, view, frame)
    _draw_shading(ax, events, layers, view, frame)
    if view.draw != "heat" and "_size" not in events:  # the circles' sizes, for the marks and the names' room
        events = events.assign(_size=event_figures(events, claims, view.figure))
    present, disputed = draw_marks(ax, events, view, claims, frame)
    fit_extent(ax, frame)
    if len(present):
        changes = events["change"].value_counts().to_dict() if "change" in events and view.draw != "heat" else None
        _legend(ax, view, present, disputed, frame, changes=changes)
    else:
        ax.text(0.5, 0.5, _("No events match the filter"), transform=ax.transAxes, ha="center", va="center",
                fontsize=frame.points(16), color="#444444", zorder=20)
    _scale_bar(ax, frame)
    # the names last: clear of the events' circles, the legend and the scale bar
    _draw_labels(ax, place_labels(layers, events), view, frame, events, events.get("_size"),
                 furniture=furniture_boxes(fig, ax, frame))
    fit_extent(ax, frame)

    def put(y_css: float, line: str, size: float, **kw) -> None:
        fig.text(_PAD * frame.scale / W, 1 - y_css * frame.scale / H, line, fontsize=frame.points(size),
                 va="top", ha="left", parse_math=False, **kw)

    put(_PAD, text.title, _TITLE_PX, fontweight="bold")
    y = _PAD + _TITLE_PX * 1.3
    for line in header:
        put(y, line, _LINE_PX, color="#222222")
        y += _LINE_PX * 1.4
    y = (frame.top + frame.map_height) / frame.scale + _PAD / 2
    for line in footer:
        put(y, line, _SMALL_PX, color="#444444")
        y += _SMALL_PX * 1.45
    FigureCanvasAgg(fig)
    return fig, frame


def svg_alt_text(svg: bytes, title: str, description: str) -> bytes:
    """The SVG with its accessible name and description: ``<title>`` and ``<desc>`` as the root's first
    children, and ``role="img"`` with ``aria-labelledby`` on the root (what screen readers read for an
    SVG image, inline or opened on its own)."""
    text = svg.decode("utf-8")
    start = text.find("<svg")
    end = text.find(">", start)
    if start < 0 or end < 0:
        raise RuntimeError("unexpected SVG from matplotlib")  # pragma: no cover
    head = text[start:end].rstrip("/")
    accessible = (f'{head} role="img" aria-labelledby="map-title map-desc">'
                  f'<title id="map-title">{esc(title)}</title><desc id="map-desc">{esc(description)}</desc>')
    return (text[:start] + accessible + text[end + 1:]).encode("utf-8")


@speaks_view_language()
def snapshot_png(events: pd.DataFrame, layers: Mapping[str, gpd.GeoDataFrame], view: View, *,
                 claims: pd.DataFrame | None = None, width_px: int = 1600, dpi: float = 150, title=None,
                 attribution=None, generated=None, fmt: str = "png", base_url: str = "",
                 version: str | None = None) -> bytes:
    """A static, report-ready map of ``events`` in ``view``: PNG bytes (or SVG/PDF with ``fmt``).

    Drawn offline over the boundary ``layers`` with the web map's colours and
    sizes, ``width_px`` pixels wide exactly (at ``dpi``; the height follows from
    the view's aspect and the text). It carries a title, the filter summary, the
    event count and fatalities, a legend of the categories present with a size
    key, a scale bar, the attribution (Natural Earth; ``attribution`` or the
    curated data's) and the generation date (UTC, now by default). The selected
    event is ringed and labelled. ``events`` are drawn as given: filter them first
    (``render`` does). PNG text metadata: Title, Link (the view's query string), Share link,
    Attribution, Filters, Data version (``version``, else ``view.dataset``), Description,
    Software, Creation Time; SVG and PDF carry the same in their own metadata fields (SVG's
    Dublin Core: Rights, Coverage = the filters, Relation = the link, Identifier = the version;
    PDF: Keywords = the attribution, Subject = the description, filters, link and version).
    """
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"fmt must be one of {IMAGE_FORMATS}, not {fmt!r}")
    width_px, generated = int(width_px), utc(generated)
    if not 200 <= width_px <= 12000 or not 20 <= float(dpi) <= 1200:
        raise ValueError(f"width_px {width_px} or dpi {dpi} out of range (200–12000 px, 20–1200 dpi)")
    text = snapshot_text(events, view, title=title, attribution=attribution, generated=generated,
                         base_url=base_url, layers=layers)
    fig, frame = _figure(events, layers, view, claims, text, width_px, float(dpi))
    attribution_text = " ".join(text.attribution)
    # the alt text: what the map shows (counts, filters, types, top places), then how it is drawn
    alt = clean_text(map_description(events, text.filters, color_by=view.color_by, draw=view.draw,
                                     disputed=disputed_count(events, claims)))
    description = f"{alt} {text.counts}"
    filters, version = " · ".join(text.filters), clean_text(version or view.dataset or "")
    out = io.BytesIO()
    if fmt == "svg":
        fig.savefig(out, format="svg", metadata={"Title": text.title, "Source": text.query, "Rights": attribution_text,
                                                 "Description": description, "Creator": SOFTWARE,
                                                 "Coverage": filters, "Relation": text.link,
                                                 "Identifier": version, "Date": utc(generated).isoformat()})
        return svg_alt_text(out.getvalue(), text.title, description)
    if fmt == "pdf":
        fig.savefig(out, format="pdf", metadata={"Title": text.title,
                                                 "Subject": f"{description} Filters: {filters}. Link: {text.link} "
                                                            f"Data version: {version}",
                                                 "Keywords": attribution_text, "Creator": SOFTWARE,
                                                 "CreationDate": utc(generated)})
        return out.getvalue()
    canvas = fig.canvas
    canvas.draw()
    image = Image.fromarray(np.ascontiguousarray(np.asarray(canvas.buffer_rgba())[:, :, :3]), "RGB")
    if image.width != width_px:  # never expected; the exact width is a promise
        image = image.resize((width_px, round(image.height * width_px / image.width)), Image.LANCZOS)
    info = PngInfo()
    for key, value in (("Title", text.title), ("Link", text.query), ("Share link", text.link),
                       ("Attribution", attribution_text), ("Filters", filters), ("Data version", version),
                       ("Description", description), ("Alt", alt), ("Software", SOFTWARE),
                       ("Creation Time", text.generated)):
        info.add_text(key, clean_text(value))
    image.save(out, format="PNG", pnginfo=info, dpi=(dpi, dpi), compress_level=6)
    return out.getvalue()
