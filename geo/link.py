"""Reading a share link back into a ``View``, however broken, without raising.

``view_from_query`` takes what ``st.query_params`` gives, a link or a bare query string. Each part
of the link has its own reader (the filter, the map's place, the layers, the look, the open event,
the data and the language); what a reader cannot use is dropped or clamped and said in plain words.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl, urlsplit

from .extent import shows_data
from .filters import EventFilter
from .i18n import LANGUAGES, _, current_language, format_number, normalize_language, use_language
from .layers import LAYER_ORDER
from .styles import BASEMAPS, COLOR_MODES, DRAW_MODES
from .view import (_CONTROL, _KEYS, LATEST, MAX_KEYS, MAX_LIST_ITEMS, MAX_VALUE_CHARS, MAX_WARNINGS, MAX_ZOOM,
                   MIN_ZOOM, View, ViewError, asof_text, cover_spec)
from .vocabulary import Vocabulary

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]00:?00)?")


def parse_link(link: str) -> dict[str, list[str]]:
    """The query parameters of a share link, or of its bare query string, as lists."""
    text = str(link or "").strip()
    if "?" in text or "://" in text:
        text = urlsplit(text).query
    params: dict[str, list[str]] = {}
    for key, value in parse_qsl(text, keep_blank_values=True, max_num_fields=10_000):
        params.setdefault(key, []).append(value)
    return params


#: The parts of a link that still mean the same on other data: the language and the look. The filter
#: (names and dates of the old data), the map's place, the open event and the data's fingerprint do not.
CARRIED_KEYS = ("lang", "basemap", "color", "draw", "shade", "hide")


def carried_over(params: Mapping[str, str | Iterable[str]]) -> dict[str, list[str]]:
    """What of the page's current link (``params``, as ``st.query_params`` gives it) a new data set keeps.

    After an upload or a switch of data set, the address bar still holds the view the app itself wrote
    for the other data: its centre and zoom, its filters, its open event and its fingerprint. Those must
    not win over the new data's own view, nor make the page warn of "a link made on other data" that the
    user never opened; the language and the look (basemap, colours, drawing, shading, hidden layers)
    carry over. A figure carries over unless it names a claimant (of the other data).
    """
    kept: dict[str, list[str]] = {}
    for key, raw in params.items():
        values = [str(v) for v in (raw if isinstance(raw, (list, tuple)) else [raw])]
        if key in CARRIED_KEYS or (key == "fig" and values and not values[0].startswith("claimant:")):
            kept[key] = values
    return kept


@dataclass
class _Reader:
    """The link's cleaned values by key, and the warnings said while reading them."""

    got: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def warn(self, text: str) -> None:
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(text)
        elif len(self.warnings) == MAX_WARNINGS:
            self.warnings.append(_("More problems in the link were ignored."))

    def one(self, key: str) -> str | None:
        """The key's single value (the first, said, when it was given several times)."""
        values = self.got.get(key, [])
        if not values:
            return None
        if len(values) > 1:
            self.warn(_("'{key}' was given {count} times; used the first.").format(key=key, count=len(values)))
        return values[0]


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
    for key, raw in items:
        key = str(key)
        if key not in _KEYS:
            r.warn(_("Ignored unknown setting '{key}'.").format(key=_short(_CONTROL.sub("?", key))))
            continue
        r.got[key] = _clean_values(key, raw, r)
    home = voc.home if voc is not None else None
    flt = _read_filter(r, voc)
    view = View(filter=flt) if home is None else View(filter=flt, center=home[0], zoom=home[1], home=home)
    for reader in (_read_place, _read_layers, _read_look, _read_figure, _read_selected, _read_data, _read_language,
                   _read_asof, _read_changed):
        view = reader(view, r, voc)
    return view, r.warnings


def _names(r: _Reader, key: str, known: frozenset[str] | None, message: str) -> tuple[str, ...]:
    values = list(dict.fromkeys(r.got.get(key, [])))
    if known is not None:
        for v in (v for v in values if v not in known):
            r.warn(message.format(value=_short(v)))
        values = [v for v in values if v in known]
    return tuple(values)


def _read_filter(r: _Reader, voc: Vocabulary | None) -> EventFilter:
    """actor, type, region, from, to, minf and border."""
    actors = _names(r, "actor", voc.actors if voc else None, _("Ignored actor '{value}': not in this data."))
    types = _names(r, "type", voc.event_types if voc else None, _("Ignored event type '{value}': not in this data."))
    regions = _names(r, "region", voc.regions if voc else None, _("Ignored region '{value}': not in this data."))
    start = _date(r.one("from"), _("Ignored the start date ('from') '{value}': not a date like 2024-07-25."), r)
    end = _date(r.one("to"), _("Ignored the end date ('to') '{value}': not a date like 2024-07-25."), r)
    if start and end and end < start:
        r.warn(_("Ignored the end date {end}: it is before the start date {start}.").format(end=end, start=start))
        end = None
    min_fat = 0
    text = r.one("minf")
    if text is not None:
        number = _number(text)
        if number is None or not math.isfinite(number):
            r.warn(_("Ignored minimum fatalities '{value}': not a number.").format(value=_short(text)))
        elif number < 0:
            r.warn(_("Ignored minimum fatalities {value}: it is negative.").format(value=_short(text)))
        else:
            min_fat = int(min(number, 10**9))
    border = None
    text = r.one("border")
    if text is not None:
        number = _number(text)
        if number is None or not math.isfinite(number) or number < 0:
            r.warn(_("Ignored the border distance '{value}': not a distance in km.").format(value=_short(text)))
        else:
            border = min(number, 40_000.0)
    return EventFilter(actors=actors, start=start, end=end, event_types=types, regions=regions,
                       min_fatalities=min_fat, max_border_km=border)


def _read_place(view: View, r: _Reader, voc: Vocabulary | None) -> View:
    """lat, lon and z; a place that shows none of the data gives the data's home view."""
    home = voc.home if voc is not None else None
    lat_t, lon_t = r.one("lat"), r.one("lon")
    if lat_t is not None or lon_t is not None:
        lat, lon = _number(lat_t), _number(lon_t)
        if lat is None or lon is None or not (math.isfinite(lat) and math.isfinite(lon)):
            r.warn(_("Ignored the map centre: 'lat' and 'lon' must both be numbers."))
        elif not (-90 <= lat <= 90 and -180 <= lon <= 180):
            r.warn(_("Ignored the map centre ({lat}, {lon}): it is off the globe.").format(
                lat=_short(lat_t), lon=_short(lon_t)))
        else:
            view = replace(view, center=(lat, lon))
    z_t = r.one("z")
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
    return view


def _read_layers(view: View, r: _Reader, voc: Vocabulary | None) -> View:
    """hide: the layers switched off."""
    hidden = []
    for key in r.got.get("hide", []):
        if key in LAYER_ORDER:
            hidden.append(key)
        else:
            r.warn(_("Ignored unknown layer '{value}'.").format(value=_short(key)))
    return replace(view, hidden_layers=tuple(hidden))


def _read_look(view: View, r: _Reader, voc: Vocabulary | None) -> View:
    """basemap, color, shade, cover and draw."""
    for key, attr, allowed in (("basemap", "basemap", BASEMAPS), ("color", "color_by", COLOR_MODES),
                               ("draw", "draw", DRAW_MODES)):
        value = r.one(key)
        if value is None:
            continue
        if value in allowed:
            view = replace(view, **{attr: value})
        else:
            r.warn(_("Ignored {key} '{value}': use one of {allowed}.").format(
                key=key, value=_short(value), allowed=", ".join(allowed)))
    shade = r.one("shade")
    if shade is not None:
        if shade == "regions":
            view = replace(view, shade_regions=True)
        else:
            r.warn(_("Ignored shade '{value}': the only shading is 'regions'.").format(value=_short(shade)))
    cover = r.one("cover")
    if cover is not None:
        if cover_spec(cover) is not None:
            view = replace(view, cover=cover)
        else:
            r.warn(_("Ignored cover '{value}': use all, one or disagree:FACTOR (1 to 1000).").format(
                value=_short(cover)))
    return view


def _read_figure(view: View, r: _Reader, voc: Vocabulary | None) -> View:
    """fig: conservative, highest or claimant:NAME (a claimant of this data)."""
    fig = r.one("fig")
    if fig is None:
        return view
    name = fig[9:] if fig.startswith("claimant:") else None
    if voc is not None and voc.claimants is not None and name is not None and name not in voc.claimants:
        r.warn(_("Ignored sizing by claimant '{value}': no such claimant in this data.").format(value=_short(name)))
        return view
    try:
        return replace(view, figure=fig)
    except ViewError:
        r.warn(_("Ignored fig '{value}': use conservative, highest or claimant:NAME.").format(value=_short(fig)))
        return view


def _read_selected(view: View, r: _Reader, voc: Vocabulary | None) -> View:
    """event: the open event, if this data has it."""
    selected = r.one("event")
    if selected is None:
        return view
    if voc is not None and selected not in voc.event_ids:
        r.warn(_("Ignored event '{value}': not in this data.").format(value=_short(selected)))
        return view
    return replace(view, selected=selected)


def _read_data(view: View, r: _Reader, voc: Vocabulary | None) -> View:
    """data: the fingerprint of the data the link was made on (said when it is not this data)."""
    dataset = r.one("data")
    if dataset is None:
        return view
    if voc is not None and voc.fingerprint and dataset != voc.fingerprint:
        r.warn(_("This link was made on other data (fingerprint {given}; this data is {own}). The view is "
                 "applied, but the events may differ.").format(given=_short(dataset), own=voc.fingerprint))
    return replace(view, dataset=dataset)


def _read_language(view: View, r: _Reader, voc: Vocabulary | None) -> View:
    """lang: en or fr ("fr-FR" or "FR" still mean French: used, and said)."""
    lang = r.one("lang")
    if lang is None:
        return view
    if lang in LANGUAGES:
        return replace(view, lang=lang)
    code = normalize_language(lang)
    if code is not None:
        view = replace(view, lang=code)
    r.warn((_("Language '{value}' read as '{code}'.") if code else
            _("Ignored language '{value}': use one of {allowed}.")).format(
        value=_short(lang), code=code, allowed=", ".join(LANGUAGES)))
    return view


def _utc_moment(text: str) -> dt.datetime | None:
    """``2026-12-01T09:12:00Z`` (the seconds, the ``Z`` or ``+00:00`` optional; UTC) as a datetime, else None."""
    m = _ISO_TIME.fullmatch(text)
    if not m:
        return None
    try:
        return dt.datetime.fromisoformat(f"{m[1]}T{m[2]}:{m[3]}:{m[4] or '00'}").replace(tzinfo=dt.timezone.utc)
    except ValueError:
        return None


def _read_asof(view: View, r: _Reader, voc: Vocabulary | None) -> View:
    """asof: the moment whose data the link shows (UTC, to the second), or ``latest``. On versioned data a moment
    before the first version shows the first, one in the future the newest; said in plain words."""
    text = r.one("asof")
    if text is None:
        return view
    if text == LATEST:
        return replace(view, asof=LATEST)
    when = _utc_moment(text)
    if when is None:
        r.warn(_("Ignored the data's time ('asof') '{value}': not a UTC time like 2026-12-01T09:12:00Z; showing the "
                 "newest data.").format(value=_short(text)))
        return view
    versions = voc.versions if voc is not None else None
    if voc is not None and not versions:
        r.warn(_("This data keeps no versions: the link's time {value} was ignored; showing the data as it is.")
               .format(value=asof_text(when)))
        return view
    now = dt.datetime.now(dt.timezone.utc)
    if when > now.replace(microsecond=0):
        latest = versions[-1].replace(microsecond=0) if versions else None
        r.warn(_("The data's time {value} is in the future; showing the newest data.").format(value=asof_text(when)))
        return replace(view, asof=latest) if latest is not None else view
    if versions and when < versions[0].replace(microsecond=0):
        first = versions[0].replace(microsecond=0)
        r.warn(_("The data's time {value} is before its first version ({first}); showing the first version.")
               .format(value=asof_text(when), first=asof_text(first)))
        return replace(view, asof=first)
    return replace(view, asof=when)


def _read_changed(view: View, r: _Reader, voc: Vocabulary | None) -> View:
    """changed: a date; only the events added, revised or deleted since then are shown."""
    text = r.one("changed")
    if text is None:
        return view
    day = _date(text, _("Ignored 'changed since' '{value}': not a date like 2024-07-25."), r)
    if day is None:
        return view
    if voc is not None and not voc.versions:
        r.warn(_("Ignored 'changed since' {value}: this data keeps no versions.").format(value=day))
        return view
    return replace(view, changed=day)


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


def clamp_dates(start: dt.date | None, end: dt.date | None, first: dt.date, last: dt.date,
                ) -> tuple[dt.date, dt.date, list[str]]:
    """A start and an end (``None``: the data's first or last day) kept inside the data's span
    ``first``–``last``, the end never before the start; each date moved is said in plain words."""
    used_start = min(max(start or first, first), last)
    used_end = max(min(end or last, last), used_start)
    warnings = []
    if start is not None and start != used_start:
        warnings.append(_("The start date {given} is outside this data ({first} to {last}); used {used}.").format(
            given=start, first=first, last=last, used=used_start))
    if end is not None and end != used_end:
        warnings.append(_("The end date {given} is outside this data ({first} to {last}); used {used}.").format(
            given=end, first=first, last=last, used=used_end))
    return used_start, used_end, warnings


_TYPED_DAY = r"(\d{4}-\d{1,2}-\d{1,2})"
#: Two days as people type a range: "2024-07-10 – 2024-07-20", "… - …", "… to …", "… au …", ISO 8601's
#: "…/…", "…..…", or a space; either day may be left out ("2024-07-10 –": the end is still to come).
_TYPED_RANGE = re.compile(rf"\s*{_TYPED_DAY}?\s*(?:(?:[–—-]+|/|\.\.|to|au|à)\s*)?{_TYPED_DAY}?\s*", re.IGNORECASE)


@dataclass(frozen=True)
class TypedDates:
    """A date range typed in a field: the days to apply (``None``: apply nothing), whether the range
    still waits for its end (only a start was typed), and what could not be used, in plain words."""

    start: dt.date | None
    end: dt.date | None
    waiting: bool = False
    warnings: tuple[str, ...] = ()


def typed_dates(text: str, first: dt.date, last: dt.date) -> TypedDates:
    """Read a typed date range against the data's span ``first``–``last``; never raises.

    An empty field means every date. Dates outside the data are clamped and an end before the start is
    dropped, with the same warnings as a share link's ``from`` and ``to``; text that is not a range of
    dates like 2024-07-10 – 2024-07-20 applies nothing and says so. Only a start: nothing applies yet,
    and ``waiting`` says the end is awaited.
    """
    text = _CONTROL.sub("?", str(text or ""))[:MAX_VALUE_CHARS]
    m = _TYPED_RANGE.fullmatch(text)
    if not text.strip():
        return TypedDates(first, last)
    if m is None or not (m.group(1) or m.group(2)):
        return TypedDates(None, None, warnings=(_(
            "Ignored the dates '{value}': not a start and an end date like 2024-07-10 – 2024-07-20.").format(
            value=_short(text.strip())),))
    days = []
    for raw, message in ((m.group(1), _("Ignored the start date '{value}': not a date like 2024-07-25.")),
                         (m.group(2), _("Ignored the end date '{value}': not a date like 2024-07-25."))):
        try:
            days.append(None if raw is None else dt.date(*map(int, raw.split("-"))))
        except ValueError:
            return TypedDates(None, None, warnings=(message.format(value=raw),))
    start, end = days
    if start is not None and end is None:
        return TypedDates(None, None, waiting=True)
    warnings = []
    if start is not None and end < start:
        warnings.append(_("Ignored the end date {end}: it is before the start date {start}.").format(
            end=end, start=start))
        end = None
    start, end, moved = clamp_dates(start, end, first, last)
    return TypedDates(start, end, warnings=tuple(warnings + moved))
