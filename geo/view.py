"""The View, the whole of what a user sees, and its share link.

A View is what the URL, the widgets, the snapshots and the command line have in
common: the filter, where the map is centred and how far it is zoomed, the
layers shown, the basemap, how events are coloured and the event that is open.
``view_to_query`` writes it as a short canonical query string; ``view_from_query``
reads any query string back, however broken, without raising.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl, urlencode, urlsplit

from .errors import GeoError
from .filters import EventFilter
from .layers import LAYER_ORDER
from .analysis import FIGURES
from .styles import BASEMAPS, COLOR_MODES, DRAW_MODES
from .extent import shows_data
from .i18n import DEFAULT_LANGUAGE, LANGUAGES, _, current_language, format_number, normalize_language, use_language
from .vocabulary import Vocabulary, dataset_fingerprint  # noqa: F401  (part of the link's API)

#: Where the map opens: northern Mali with the Algeria border in view.
DEFAULT_CENTER = (17.5, -2.0)
DEFAULT_ZOOM = 6


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


# key in the link -> (what it is, whether it repeats)
_KEYS = {
    "actor": "actors", "type": "event_types", "region": "regions",  # repeated
    "from": "start", "to": "end", "minf": "min_fatalities", "border": "max_border_km",
    "lat": "lat", "lon": "lon", "z": "zoom", "hide": "hidden_layers", "basemap": "basemap",
    "color": "color_by", "event": "selected", "data": "dataset", "fig": "figure", "shade": "shade_regions",
    "draw": "draw", "cover": "cover", "lang": "lang",
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


def parse_link(link: str) -> dict[str, list[str]]:
    """The query parameters of a share link, or of its bare query string, as lists."""
    text = str(link or "").strip()
    if "?" in text or "://" in text:
        text = urlsplit(text).query
    params: dict[str, list[str]] = {}
    for key, value in parse_qsl(text, keep_blank_values=True, max_num_fields=10_000):
        params.setdefault(key, []).append(value)
    return params


@dataclass
class _Reader:
    warnings: list[str] = field(default_factory=list)

    def warn(self, text: str) -> None:
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(text)
        elif len(self.warnings) == MAX_WARNINGS:
            self.warnings.append(_("More problems in the link were ignored."))


def _clean_values(key: str, raw, r: _Reader) -> list[str]:
    values = list(raw) if isinstance(raw, (list, tuple)) else [raw]
    out = []
    for value in values[:MAX_LIST_ITEMS]:
        value = "" if value is None else str(value)
        if len(value) > MAX_VALUE_CHARS:
            r.warn(_("Ignored a '{key}' value of {count} characters (the limit is {limit}).").format(
                key=key, count=format_number(len(value)), limit=MAX_VALUE_CHARS))
        elif _CONTROL.search(value):
            r.warn(_("Ignored a '{key}' value holding control characters.").format(key=key))
        elif value.strip():
            out.append(value.strip())
    if len(values) > MAX_LIST_ITEMS:
        r.warn(_("Ignored {count} '{key}' values past the first {limit}.").format(
            count=format_number(len(values) - MAX_LIST_ITEMS), key=key, limit=MAX_LIST_ITEMS))
    return out


def _one(key: str, values: list[str], r: _Reader) -> str | None:
    if not values:
        return None
    if len(values) > 1:
        r.warn(_("'{key}' was given {count} times; used the first.").format(key=key, count=len(values)))
    return values[0]


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "…"


def _link_language(params) -> str | None:
    """The valid ``lang`` of a link's parameters, if it has one (its warnings are said in it)."""
    try:
        raw = params.get("lang") if hasattr(params, "get") else None
    except Exception:  # noqa: BLE001 - a Mapping that misbehaves: the caller says so
        return None
    values = list(raw) if isinstance(raw, (list, tuple)) else [raw]
    for value in values[:1]:
        if isinstance(value, str) and value in LANGUAGES:
            return value
    return None


def view_from_query(
    params: Mapping[str, str | Iterable[str]] | str, *, vocabulary: Vocabulary | None = None,
    lang: str | None = None,
) -> tuple[View, list[str]]:
    """Read a view from query parameters; never raises.

    ``params`` is what ``st.query_params`` gives (a str or a list of str per key),
    or a link or query string. What cannot be used (an unknown key, a bad date, a
    zoom out of range, a centre off the globe, an end before the start, control
    characters, oversized values; with ``vocabulary``, names not in the data) is
    dropped or clamped, and each such decision is a plain-words warning. The
    rest of the view still applies.

    The warnings are in ``lang`` if given, else in the link's own language (its ``lang``), else in the
    language in use (``geo.i18n.use_language``). (The dashboard keeps them in English and says them in
    the page's language when shown: ``geo.i18n.retranslate``.)
    """
    try:
        if isinstance(params, str):
            params = parse_link(params)
        said = lang or _link_language(params)
    except Exception:  # a Mapping that misbehaves is still "a broken link"
        said = lang
    with use_language(said or current_language()):
        return _read_view(params, vocabulary)


def _read_view(params, voc: Vocabulary | None) -> tuple[View, list[str]]:
    r = _Reader()
    try:
        items = list(params.items())
    except Exception:  # a Mapping that misbehaves is still "a broken link"
        return View(), [_("The link could not be read; showing the default view.")]
    if len(items) > MAX_KEYS:
        r.warn(_("The link has {count} parameters; only the first {limit} were read.").format(
            count=len(items), limit=MAX_KEYS))
        items = items[:MAX_KEYS]
    got: dict[str, list[str]] = {}
    for key, raw in items:
        key = str(key)
        if key not in _KEYS:
            r.warn(_("Ignored unknown setting '{key}'.").format(key=_short(_CONTROL.sub("?", key))))
            continue
        got[key] = _clean_values(key, raw, r)

    def names(key: str, known: frozenset[str] | None, message: str) -> tuple[str, ...]:
        values = list(dict.fromkeys(got.get(key, [])))
        if voc is not None and known is not None:
            unknown = [v for v in values if v not in known]
            for v in unknown:
                r.warn(message.format(value=_short(v)))
            values = [v for v in values if v in known]
        return tuple(values)

    actors = names("actor", voc.actors if voc else None, _("Ignored actor '{value}': not in this data."))
    types = names("type", voc.event_types if voc else None, _("Ignored event type '{value}': not in this data."))
    regions = names("region", voc.regions if voc else None, _("Ignored region '{value}': not in this data."))
    start = _date(_one("from", got.get("from", []), r), _("Ignored the start date ('from') '{value}': not a date "
                                                           "like 2024-07-25."), r)
    end = _date(_one("to", got.get("to", []), r), _("Ignored the end date ('to') '{value}': not a date like "
                                                     "2024-07-25."), r)
    if start and end and end < start:
        r.warn(_("Ignored the end date {end}: it is before the start date {start}.").format(end=end, start=start))
        end = None
    min_fat = 0
    text = _one("minf", got.get("minf", []), r)
    if text is not None:
        number = _number(text)
        if number is None or not math.isfinite(number):
            r.warn(_("Ignored minimum fatalities '{value}': not a number.").format(value=_short(text)))
        elif number < 0:
            r.warn(_("Ignored minimum fatalities {value}: it is negative.").format(value=_short(text)))
        else:
            min_fat = int(min(number, 10**9))
    border = None
    text = _one("border", got.get("border", []), r)
    if text is not None:
        number = _number(text)
        if number is None or not math.isfinite(number) or number < 0:
            r.warn(_("Ignored the border distance '{value}': not a distance in km.").format(value=_short(text)))
        else:
            border = min(number, 40_000.0)
    flt = EventFilter(actors=actors, start=start, end=end, event_types=types, regions=regions,
                      min_fatalities=min_fat, max_border_km=border)

    home = voc.home if voc is not None else None
    view = View(filter=flt) if home is None else View(filter=flt, center=home[0], zoom=home[1], home=home)
    lat_t, lon_t = _one("lat", got.get("lat", []), r), _one("lon", got.get("lon", []), r)
    if lat_t is not None or lon_t is not None:
        lat, lon = _number(lat_t), _number(lon_t)
        if lat is None or lon is None or not (math.isfinite(lat) and math.isfinite(lon)):
            r.warn(_("Ignored the map centre: 'lat' and 'lon' must both be numbers."))
        elif not (-90 <= lat <= 90 and -180 <= lon <= 180):
            r.warn(_("Ignored the map centre ({lat}, {lon}): it is off the globe.").format(
                lat=_short(lat_t), lon=_short(lon_t)))
        else:
            view = replace(view, center=(lat, lon))
    z_t = _one("z", got.get("z", []), r)
    if z_t is not None:
        z = _number(z_t)
        if z is None or not math.isfinite(z):
            r.warn(_("Ignored zoom '{value}': not a number.").format(value=_short(z_t)))
        elif home is not None and not MIN_ZOOM <= z <= MAX_ZOOM:
            r.warn(_("Ignored zoom {value}: it is outside {low}–{high}; the map shows all the data.").format(
                value=_short(z_t), low=MIN_ZOOM, high=MAX_ZOOM))
            view = replace(view, center=home[0], zoom=home[1])
        else:
            clamped = int(min(max(round(z), MIN_ZOOM), MAX_ZOOM))
            if clamped != z:
                r.warn(_("Zoom {value} is outside {low}–{high} or not whole; used {used}.").format(
                    value=_short(z_t), low=MIN_ZOOM, high=MAX_ZOOM, used=clamped))
            view = replace(view, zoom=clamped)
    if home is not None and (view.center, view.zoom) != home and not shows_data(view.center, view.zoom, voc.extent):
        r.warn(_("The map centre ({lat}, {lon}) at zoom {zoom} shows none of this data's events; the map shows all "
                 "the data instead.").format(lat=f"{view.center[0]:g}", lon=f"{view.center[1]:g}", zoom=view.zoom))
        view = replace(view, center=home[0], zoom=home[1])
    hidden = []
    for key in got.get("hide", []):
        if key in LAYER_ORDER:
            hidden.append(key)
        else:
            r.warn(_("Ignored unknown layer '{value}'.").format(value=_short(key)))
    view = replace(view, hidden_layers=tuple(hidden))
    for key, attr, allowed in (("basemap", "basemap", BASEMAPS), ("color", "color_by", COLOR_MODES)):
        value = _one(key, got.get(key, []), r)
        if value is None:
            continue
        if value in allowed:
            view = replace(view, **{attr: value})
        else:
            r.warn(_("Ignored {key} '{value}': use one of {allowed}.").format(
                key=key, value=_short(value), allowed=", ".join(allowed)))
    fig = _one("fig", got.get("fig", []), r)
    if fig is not None:
        name = fig[9:] if fig.startswith("claimant:") else None
        if voc is not None and voc.claimants is not None and name is not None and name not in voc.claimants:
            r.warn(_("Ignored sizing by claimant '{value}': no such claimant in this data.").format(
                value=_short(name)))
        else:
            try:
                view = replace(view, figure=fig)
            except ViewError:
                r.warn(_("Ignored fig '{value}': use conservative, highest or claimant:NAME.").format(
                    value=_short(fig)))
    shade = _one("shade", got.get("shade", []), r)
    if shade is not None:
        if shade == "regions":
            view = replace(view, shade_regions=True)
        else:
            r.warn(_("Ignored shade '{value}': the only shading is 'regions'.").format(value=_short(shade)))
    cover = _one("cover", got.get("cover", []), r)
    if cover is not None:
        if cover_spec(cover) is not None:
            view = replace(view, cover=cover)
        else:
            r.warn(_("Ignored cover '{value}': use all, one or disagree:FACTOR (1 to 1000).").format(
                value=_short(cover)))
    draw = _one("draw", got.get("draw", []), r)
    if draw is not None:
        if draw in DRAW_MODES:
            view = replace(view, draw=draw)
        else:
            r.warn(_("Ignored draw '{value}': use one of {allowed}.").format(
                value=_short(draw), allowed=", ".join(DRAW_MODES)))
    selected = _one("event", got.get("event", []), r)
    if selected is not None:
        if voc is not None and selected not in voc.event_ids:
            r.warn(_("Ignored event '{value}': not in this data.").format(value=_short(selected)))
        else:
            view = replace(view, selected=selected)
    dataset = _one("data", got.get("data", []), r)
    if dataset is not None:
        view = replace(view, dataset=dataset)
        if voc is not None and voc.fingerprint and dataset != voc.fingerprint:
            r.warn(_("This link was made on other data (fingerprint {given}; this data is {own}). The view is "
                     "applied, but the events may differ.").format(given=_short(dataset), own=voc.fingerprint))
    lang = _one("lang", got.get("lang", []), r)
    if lang is not None:
        if lang in LANGUAGES:
            view = replace(view, lang=lang)
        else:
            # "fr-FR" or "FR" still mean French: used, and said
            code = normalize_language(lang)
            if code is not None:
                view = replace(view, lang=code)
            r.warn((_("Language '{value}' read as '{code}'.") if code else
                    _("Ignored language '{value}': use one of {allowed}.")).format(
                value=_short(lang), code=code, allowed=", ".join(LANGUAGES)))
    return view, r.warnings


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(text)
    except (TypeError, ValueError, OverflowError):
        return None


def _date(text: str | None, message: str, r: _Reader) -> dt.date | None:
    if text is None:
        return None
    if _ISO_DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    r.warn(message.format(value=_short(text)))
    return None


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
