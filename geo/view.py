"""The View, the whole of what a user sees, and its share link.

A View is what the URL, the widgets, the snapshots and the command line have in
common: the filter, where the map is centred and how far it is zoomed, the
layers shown, the basemap, how events are coloured and the event that is open.
``view_to_query`` writes it as a short canonical query string; ``geo.link.view_from_query``
reads any query string back, however broken, without raising.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from .errors import GeoError
from .filters import EventFilter
from .layers import LAYER_ORDER
from .analysis import FIGURES
from .styles import BASEMAPS, COLOR_MODES, DRAW_MODES
from .i18n import DEFAULT_LANGUAGE, LANGUAGES
from .vocabulary import Vocabulary, dataset_fingerprint  # noqa: F401  (part of the link's API)

#: Where the map opens: northern Mali with the Algeria border in view.
DEFAULT_CENTER = (17.5, -2.0)
DEFAULT_ZOOM = 6
#: ``View.asof`` of a link that always shows the newest data.
LATEST = "latest"


MIN_ZOOM, MAX_ZOOM = 2, 18
#: Decimal places of the centre: 4 is about 11 m, less than a pixel up to zoom 13, and short to read.
CENTER_DECIMALS = 4
#: Limits on what a link may carry; past them a value is dropped with a warning.
MAX_VALUE_CHARS = 300
MAX_LIST_ITEMS = 100
MAX_KEYS = 40
MAX_WARNINGS = 20

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class ViewError(GeoError):
    """A View was given a value it cannot hold."""


@dataclass(frozen=True)
class View:
    """Everything a user can set in the dashboard. Every field has a default.

    Attributes
    ----------
    filter
        Which events are shown (an ``EventFilter``).
    center, zoom
        The map's centre (lat, lon), rounded to 4 decimals, and zoom (2–18).
    hidden_layers
        Boundary layers switched off (keys of ``load_layers``); none by default.
    basemap
        "none" (offline), "osm" or "carto-light".
    color_by
        "event_type" or "side".
    selected
        The event_id whose details are open, or None.
    figure
        What circle sizes show: "conservative" fatalities, the "highest" claim, or
        "claimant:NAME" for one claimant's figures.
    shade_regions
        Whether Mali's regions are shaded by their number of events.
    draw
        How events are drawn: "auto" (markers, or cells when many) or "heat" (a heatmap).
    dataset
        A short fingerprint of the data the view was made on (see ``dataset_fingerprint``).
    cover
        With several data sets loaded: "all" matched events, "one" (held by only one data set), or
        "disagree:F" (the data sets' fatalities differ by more than F times; see ``geo.matched_events``).
    lang
        The language of the interface, the snapshots' captions and the link's warnings: "en" (the
        default, left out of the link) or "fr" (``geo.i18n.LANGUAGES``).
    asof
        On versioned data (a local store, a database that keeps its versions): the moment whose data the view
        shows (a UTC ``datetime`` to the second; the data as it was then), ``"latest"`` (always the newest
        data, chosen by the sharer), or None (not said: the newest).
    changed
        A date: show only the events added, revised or deleted since that day, each marked as such.
    """

    filter: EventFilter = field(default_factory=EventFilter)
    center: tuple[float, float] = DEFAULT_CENTER
    zoom: int = DEFAULT_ZOOM
    hidden_layers: tuple[str, ...] = ()
    basemap: str = "none"
    color_by: str = "event_type"
    selected: str | None = None
    dataset: str | None = None
    figure: str = "conservative"
    shade_regions: bool = False
    draw: str = "auto"
    #: the data's own view ((lat, lon), zoom; ``Vocabulary.home``), where a link without a centre and
    #: zoom opens: not part of what the view shows (views at the same place compare equal)
    home: tuple[tuple[float, float], int] | None = field(default=None, compare=False, repr=False)
    cover: str = "all"
    lang: str = DEFAULT_LANGUAGE
    asof: dt.datetime | str | None = None
    changed: dt.date | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.filter, EventFilter):
            raise ViewError("filter must be an EventFilter")
        try:
            lat, lon = (round(float(v), CENTER_DECIMALS) for v in self.center)
        except (TypeError, ValueError):
            raise ViewError(f"center {self.center!r} is not a (lat, lon) pair") from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ViewError(f"center ({lat}, {lon}) is off the globe")
        # -0.0 and 0.0 are the same place: keep one spelling so views compare equal
        object.__setattr__(self, "center", (lat + 0.0, lon + 0.0))
        if isinstance(self.zoom, bool) or not isinstance(self.zoom, (int, float)) or self.zoom != int(self.zoom):
            raise ViewError(f"zoom {self.zoom!r} is not a whole number")
        if not MIN_ZOOM <= int(self.zoom) <= MAX_ZOOM:
            raise ViewError(f"zoom {self.zoom} is outside {MIN_ZOOM}–{MAX_ZOOM}")
        object.__setattr__(self, "zoom", int(self.zoom))
        hidden = tuple(k for k in LAYER_ORDER if k in set(self.hidden_layers))
        if set(self.hidden_layers) - set(hidden):
            raise ViewError(f"unknown layer(s) {sorted(set(self.hidden_layers) - set(hidden))}")
        object.__setattr__(self, "hidden_layers", hidden)
        if self.basemap not in BASEMAPS:
            raise ViewError(f"basemap {self.basemap!r} is not one of {', '.join(BASEMAPS)}")
        if self.color_by not in COLOR_MODES:
            raise ViewError(f"color_by {self.color_by!r} is not one of {', '.join(COLOR_MODES)}")
        if self.figure not in FIGURES and not (
            self.figure.startswith("claimant:") and self.figure[9:].strip() == self.figure[9:]
            and self.figure[9:] and not _CONTROL.search(self.figure) and len(self.figure) <= MAX_VALUE_CHARS
        ):
            raise ViewError(f"figure {self.figure!r} is not conservative, highest or claimant:NAME")
        if not isinstance(self.shade_regions, bool):
            raise ViewError("shade_regions must be True or False")
        if self.draw not in DRAW_MODES:
            raise ViewError(f"draw {self.draw!r} is not one of {', '.join(DRAW_MODES)}")
        if self.home is not None:
            try:
                (h_lat, h_lon), h_zoom = self.home
                home = ((round(float(h_lat), CENTER_DECIMALS), round(float(h_lon), CENTER_DECIMALS)), int(h_zoom))
            except (TypeError, ValueError):
                raise ViewError(f"home {self.home!r} is not ((lat, lon), zoom)") from None
            object.__setattr__(self, "home", home)
        if self.lang not in LANGUAGES:
            raise ViewError(f"lang {self.lang!r} is not one of {', '.join(LANGUAGES)}")
        if cover_spec(self.cover) is None:
            raise ViewError(f"cover {self.cover!r} is not all, one or disagree:FACTOR (a factor of 1-1000)")
        if self.asof is not None and self.asof != LATEST:
            if not isinstance(self.asof, dt.datetime):
                raise ViewError(f"asof {self.asof!r} is not a datetime, 'latest' or None")
            when = self.asof.replace(tzinfo=dt.timezone.utc) if self.asof.tzinfo is None else \
                self.asof.astimezone(dt.timezone.utc)
            object.__setattr__(self, "asof", when.replace(microsecond=0))
        if self.changed is not None and (not isinstance(self.changed, dt.date) or isinstance(self.changed, dt.datetime)):
            raise ViewError(f"changed {self.changed!r} is not a date")
        for name in ("selected", "dataset"):
            value = getattr(self, name)
            if value is None:
                continue
            value = str(value).strip()
            if not value or _CONTROL.search(value) or len(value) > MAX_VALUE_CHARS:
                raise ViewError(f"{name} {value!r} is empty, too long or holds control characters")
            object.__setattr__(self, name, value)

    @property
    def visible_layers(self) -> tuple[str, ...]:
        """The boundary layers shown, in drawing order."""
        return tuple(k for k in LAYER_ORDER if k not in self.hidden_layers)


def asof_text(when: dt.datetime) -> str:
    """A moment as a link writes it: UTC to the second, ``2026-12-01T09:12:00Z``."""
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# key in the link -> (what it is, whether it repeats)
_KEYS = {
    "actor": "actors", "type": "event_types", "region": "regions",  # repeated
    "from": "start", "to": "end", "minf": "min_fatalities", "border": "max_border_km",
    "lat": "lat", "lon": "lon", "z": "zoom", "hide": "hidden_layers", "basemap": "basemap",
    "color": "color_by", "event": "selected", "data": "dataset", "fig": "figure", "shade": "shade_regions",
    "draw": "draw", "cover": "cover", "lang": "lang", "asof": "asof", "changed": "changed",
}
_LISTS = {"actor", "type", "region", "hide"}


def _fits(**fields) -> bool:
    try:
        View(**fields)
    except ViewError:
        return False
    return True


def valid_figure(figure: str) -> bool:
    """Whether a View can hold this sizing (e.g. a claimant's name with a newline cannot)."""
    return _fits(figure=figure)


def valid_selection(event_id: str) -> bool:
    """Whether a View can hold this event as the selected one (and so a link can carry it)."""
    return _fits(selected=event_id)


def same_place(a: View, b: View) -> bool:
    """Whether two views show the map at the same zoom with centres less than a pixel apart.

    A browser reports its map's centre snapped to whole pixels; treating a sub-pixel
    difference as a move would rewrite every link the moment it is opened.
    """
    if a.zoom != b.zoom:
        return False
    pixel_deg = 360.0 / (256 * 2**a.zoom)
    return abs(a.center[0] - b.center[0]) < pixel_deg and abs(a.center[1] - b.center[1]) < pixel_deg


def cover_spec(cover: str) -> tuple[bool, float | None] | None:
    """A view's ``cover`` as ``geo.matched_events``' (only_one, min_spread); None if it is not valid."""
    if cover == "all":
        return False, None
    if cover == "one":
        return True, None
    if isinstance(cover, str) and cover.startswith("disagree:"):
        try:
            factor = float(cover[9:])
        except ValueError:
            return None
        if 1 <= factor <= 1000 and cover[9:] == f"{factor:g}":
            return False, factor
    return None


def view_to_query(view: View) -> dict[str, str | list[str]]:
    """The canonical query parameters of a view: only what differs from the default.

    Keys come in a fixed order; lists are repeated keys (a list value here), dates
    are ISO dates. ``urlencode(view_to_query(v), doseq=True)`` is the link's query.
    A view at its data's own view (``View.home``, ``Vocabulary.home``) leaves the centre and
    zoom out: a link without them opens there.
    """
    default = View() if view.home is None else View(center=view.home[0], zoom=view.home[1])
    f = view.filter
    q: dict[str, str | list[str]] = {}
    if f.actors:
        q["actor"] = list(f.actors)
    if f.start:
        q["from"] = f.start.isoformat()
    if f.end:
        q["to"] = f.end.isoformat()
    if f.event_types:
        q["type"] = list(f.event_types)
    if f.regions:
        q["region"] = list(f.regions)
    if f.min_fatalities:
        q["minf"] = str(f.min_fatalities)
    if f.max_border_km is not None:
        q["border"] = _fmt_number(f.max_border_km, 3)
    if view.center != default.center:
        q["lat"], q["lon"] = (_fmt_coord(c) for c in view.center)
    if view.zoom != default.zoom:
        q["z"] = str(view.zoom)
    if view.hidden_layers:
        q["hide"] = list(view.hidden_layers)
    if view.basemap != default.basemap:
        q["basemap"] = view.basemap
    if view.color_by != default.color_by:
        q["color"] = view.color_by
    if view.figure != default.figure:
        q["fig"] = view.figure
    if view.shade_regions:
        q["shade"] = "regions"
    if view.draw != default.draw:
        q["draw"] = view.draw
    if view.cover != default.cover:
        q["cover"] = view.cover
    if view.selected is not None:
        q["event"] = view.selected
    if view.dataset is not None:
        q["data"] = view.dataset
    if view.lang != DEFAULT_LANGUAGE:
        q["lang"] = view.lang
    if view.changed is not None:
        q["changed"] = view.changed.isoformat()
    if view.asof is not None:
        q["asof"] = view.asof if view.asof == LATEST else asof_text(view.asof)
    return q


def view_to_link(view: View, base: str = "") -> str:
    """The share link: ``base`` (the app's address) followed by the view's query."""
    query = urlencode(view_to_query(view), doseq=True)
    base = base.split("?", 1)[0]
    return f"{base}?{query}" if query else base


def _fmt_number(value: float, decimals: int) -> str:
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _fmt_coord(value: float) -> str:
    return _fmt_number(value, CENTER_DECIMALS)
