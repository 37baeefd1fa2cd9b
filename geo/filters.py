"""Filtering events by actor, date, type, region and fatalities."""

from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from .errors import FilterError
from .i18n import _, category, format_decimal, format_number
from .events import ACTOR_COLUMNS, ASSOC_ACTOR_COLUMNS, LIST_SEP


def _as_tuple(values) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    return tuple(sorted({str(v).strip() for v in values if str(v).strip()}))


def _as_date(value) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise FilterError(f"{value!r} is not a date (expected YYYY-MM-DD)") from None


@dataclass(frozen=True)
class EventFilter:
    """What to keep of the events. Every field's default means "no restriction".

    Attributes
    ----------
    actors
        Keep events in which any of these names is ``actor1``, ``actor2`` or one of
        the associated actors (``assoc_actor_1``/``assoc_actor_2`` hold several
        names separated by "; ").
    start, end
        Keep events dated from ``start`` to ``end``, both inclusive.
    event_types
        Keep events of these ``event_type`` values.
    regions
        Keep events whose ``admin1`` is one of these.
    min_fatalities
        Keep events with at least this many (conservative) fatalities.
    max_border_km
        Keep events within this many km of the Mali–Algeria border; needs the
        ``border_km`` column that ``geo.enrich`` adds (computed on the fly if absent).

    Lists are stored as sorted tuples of unique names, so that two filters that
    mean the same compare equal.
    """

    actors: tuple[str, ...] = ()
    start: dt.date | None = None
    end: dt.date | None = None
    event_types: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    min_fatalities: int = 0
    max_border_km: float | None = None

    def __post_init__(self) -> None:
        # frozen: normalise through object.__setattr__
        for name in ("actors", "event_types", "regions"):
            object.__setattr__(self, name, _as_tuple(getattr(self, name)))
        object.__setattr__(self, "start", _as_date(self.start))
        object.__setattr__(self, "end", _as_date(self.end))
        if self.start and self.end and self.end < self.start:
            raise FilterError(f"the end date {self.end} is before the start date {self.start}")
        try:
            minimum = int(self.min_fatalities or 0)
        except (TypeError, ValueError):
            raise FilterError(f"min_fatalities {self.min_fatalities!r} is not a whole number") from None
        if minimum < 0:
            raise FilterError(f"min_fatalities {minimum} is negative")
        object.__setattr__(self, "min_fatalities", minimum)
        if self.max_border_km is not None:
            try:
                km = float(self.max_border_km)
            except (TypeError, ValueError):
                raise FilterError(f"max_border_km {self.max_border_km!r} is not a number") from None
            if not (km >= 0 and km < float("inf")):
                raise FilterError(f"max_border_km {km} must be a distance of 0 km or more")
            # whole metres: the link writes it with 3 decimals
            object.__setattr__(self, "max_border_km", round(km, 3))

    def is_empty(self) -> bool:
        """True when the filter keeps every event."""
        return self == EventFilter()

    def describe(self, borders: list[str] | None = None) -> list[str]:
        """The filter in plain words, one line per restriction (for captions and snapshots). ``borders``:
        the borders the border distance is measured to outside Mali (``geo.analysis.border_names``);
        none: the Algeria border."""
        lines = []
        if self.actors:
            lines.append(_("Actors: {names}").format(names=", ".join(self.actors)))
        if self.start or self.end:
            lines.append(_("Dates: {start} to {end}").format(start=self.start or "…", end=self.end or "…"))
        if self.event_types:
            lines.append(_("Event types: {names}").format(names=", ".join(category(t) for t in self.event_types)))
        if self.regions:
            lines.append(_("Regions: {names}").format(names=", ".join(self.regions)))
        if self.min_fatalities:
            lines.append(_("At least {count} fatalities").format(count=format_number(self.min_fatalities)))
        if self.max_border_km is not None and borders:  # outside Mali: the data's own borders
            lines.append(_("Within {km} km of the borders {names}").format(km=format_decimal(self.max_border_km, 3),
                                                                         names=", ".join(borders)))
        elif self.max_border_km is not None:
            lines.append(_("Within {km} km of the Algeria border").format(km=format_decimal(self.max_border_km, 3)))
        return lines or [_("All events")]


FILTER_FIELDS = tuple(f.name for f in fields(EventFilter))


# --- the filter index ---------------------------------------------------------------------------
#
# filter_events answers a filter over a million events in tens of milliseconds by doing the string
# work once per frame, not once per call. A FilterIndex holds, per column it was asked about:
# integer codes into a vocabulary (actor1, actor2, event_type, admin1), the associated-actor lists
# pre-split into a sparse (distinct list, name code) mapping, the dates as float days since 1970
# (NaN for NaT) and the numbers as float arrays (NaN for missing). A filter is then a few numpy
# gathers and comparisons, combined into one mask and applied with a single ``take``.
#
# Streamlit: keep the loaded frame in ``st.cache_resource`` (one shared object, never mutated), so
# the index built on the first filter is reused by every later rerun and session. ``st.cache_data``
# would hand out a new copy (a new object) on every call: each would pay the copy *and* rebuild the
# index. ``cache_data`` is right for small derived results (a timeline, the actor counts), not for
# the million-row frame.

#: Frames with at least this many rows keep their index between calls (smaller ones build it
#: afresh each time: it is cheap, and it cannot go stale if such a frame is changed in place).
CACHE_MIN_ROWS = 20_000

_INDEXES: dict[int, tuple[weakref.ref, "FilterIndex"]] = {}


def _fingerprint(events: pd.DataFrame) -> tuple:
    # cheap: the shape, the labels, and the identity of each column's data. A frame changed in
    # place keeps its buffers, so treat indexed frames as read-only (or call ``drop_index``).
    parts = [len(events), tuple(map(str, events.columns))]
    for col in ("event_date", "event_type", "actor1", "actor2", "assoc_actor_1", "assoc_actor_2", "admin1",
                "fatalities", "border_km"):
        if col in events:
            arr = events[col].array
            data = getattr(arr, "_ndarray", None)  # numpy-backed: a new wrapper each time, same buffer
            ident = data.__array_interface__["data"][0] if data is not None else id(arr)
            parts.append((col, str(arr.dtype), ident))
    return tuple(parts)


def _factorize(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct values) of a text column; code -1 for missing. Categoricals give theirs as they are."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy(), np.asarray(column.cat.categories, dtype=object)
    codes, uniques = pd.factorize(pd.Series(column.to_numpy(dtype=object), dtype=object), use_na_sentinel=True)
    return codes, np.asarray(uniques, dtype=object)


def _text_codes(column: pd.Series, vocab: dict[str, int]) -> np.ndarray:
    """Codes of a text column in ``vocab`` (extended with its new names); -1 for non-text cells."""
    codes, uniques = _factorize(column)
    table = np.array([vocab.setdefault(u, len(vocab)) if isinstance(u, str) else -1 for u in uniques] + [-1],
                     dtype=np.int64)
    return table[codes]  # code -1 (missing) reads the last slot: -1


class FilterIndex:
    """What ``filter_events`` needs of one frame, as numpy arrays; parts are built on first use.

    Read-only once built: it may be shared by every session of a dashboard.
    """

    def __init__(self, events: pd.DataFrame):
        self._events_ref = weakref.ref(events)
        self.n = len(events)
        self.fingerprint = _fingerprint(events)
        self._parts: dict[str, object] = {}
        self.actors: dict[str, int] = {}  # every actor name -> code, over the four actor columns

    def _frame(self) -> pd.DataFrame:
        events = self._events_ref()
        if events is None:  # pragma: no cover - the caller holds the frame while filtering
            raise RuntimeError("the indexed frame is gone")
        return events

    def _part(self, name: str, build):
        if name not in self._parts:
            self._parts[name] = build(self._frame())
        return self._parts[name]

    # -- builders --------------------------------------------------------------------------------

    def _actor_parts(self, events: pd.DataFrame) -> dict:
        vocab = self.actors
        parts = {}
        for col in ("actor1", "actor2"):
            if col in events:
                parts[col] = _text_codes(events[col], vocab)
        for col in ASSOC_ACTOR_COLUMNS:
            if col not in events:
                continue
            # split each distinct list once: rows -> distinct list -> (list, name) pairs
            codes, uniques = _factorize(events[col])
            pair_list, pair_name = [], []
            for i, u in enumerate(uniques):
                if not isinstance(u, str):
                    continue
                for name in {p.strip() for p in u.split(";")}:
                    if name:
                        pair_list.append(i)
                        pair_name.append(vocab.setdefault(name, len(vocab)))
            parts[col] = (codes, len(uniques), np.array(pair_list, dtype=np.int64),
                          np.array(pair_name, dtype=np.int64))
        return parts

    # -- masks -----------------------------------------------------------------------------------

    def actor_mask(self, wanted: tuple[str, ...]) -> np.ndarray:
        parts = self._part("actors", self._actor_parts)
        hit = np.zeros(len(self.actors) + 1, dtype=bool)  # the last slot answers code -1
        for name in wanted:
            code = self.actors.get(name)
            if code is not None:
                hit[code] = True
        mask = np.zeros(self.n, dtype=bool)
        for col in ("actor1", "actor2"):
            if col in parts:
                mask |= hit[parts[col]]
        for col in ASSOC_ACTOR_COLUMNS:
            if col in parts:
                codes, n_lists, pair_list, pair_name = parts[col]
                lists = np.zeros(n_lists + 1, dtype=bool)
                lists[pair_list[hit[pair_name]]] = True
                mask |= lists[codes]
        return mask

    def actor_counts(self) -> pd.Series:
        """Events per actor name (each name once per event), sorted by count, then name."""
        parts = self._part("actors", self._actor_parts)
        n, width = self.n, len(self.actors) + 1
        keys = []  # row * width + name code: one per (row, name) pair
        named = np.ones(width, dtype=bool)
        named[-1] = False  # code -1: no text
        if "" in self.actors:
            named[self.actors[""]] = False  # an empty cell names nobody
        for col in ("actor1", "actor2"):
            if col in parts:
                codes = parts[col]
                ok = named[codes]
                keys.append(np.flatnonzero(ok) * width + codes[ok])
        for col in ASSOC_ACTOR_COLUMNS:
            if col not in parts:
                continue
            codes, n_lists, pair_list, pair_name = parts[col]
            # the lists' names grouped by list: row r has names[start[c]:start[c] + size[c]], c = codes[r]
            names = pair_name[np.argsort(pair_list, kind="stable")]
            size = np.bincount(pair_list, minlength=n_lists + 1)
            size[-1] = 0  # code -1 (no list) reads the last slot: no names
            start = np.concatenate([[0], np.cumsum(size)[:-1]])
            per_row = size[codes]
            rows = np.repeat(np.arange(n, dtype=np.int64), per_row)
            offset = np.arange(len(rows)) - np.repeat(np.cumsum(per_row) - per_row, per_row)
            keys.append(rows * width + names[np.repeat(start[codes], per_row) + offset])
        pairs = np.sort(np.concatenate(keys)) if keys else np.array([], dtype=np.int64)
        pairs = pairs[np.concatenate([[True], pairs[1:] != pairs[:-1]])] if len(pairs) else pairs  # each once
        counts = np.bincount(pairs % width, minlength=width)
        by_code = {code: name for name, code in self.actors.items()}
        found = [(by_code[c], int(counts[c])) for c in np.flatnonzero(counts[:-1])]
        found.sort(key=lambda item: (-item[1], item[0].casefold()))
        return pd.Series([c for _, c in found], index=pd.Index([a for a, _ in found], dtype=object, name="actor"),
                         dtype=int, name="events")

    def isin(self, column: str, wanted: tuple[str, ...]) -> np.ndarray:
        def build(events):
            codes, uniques = _factorize(events[column])
            return codes, pd.Index(uniques, dtype=object)

        codes, uniques = self._part("isin:" + column, build)
        hit = np.zeros(len(uniques) + 1, dtype=bool)
        hit[:-1] = uniques.isin(wanted)
        return hit[codes]

    def days(self) -> np.ndarray | None:
        """Float days since 1970 (NaN for no date); None when event_date is not a naive datetime."""
        def build(events):
            col = events["event_date"]
            if not (pd.api.types.is_datetime64_dtype(col.dtype) and getattr(col.dtype, "tz", None) is None):
                return None
            arr = col.to_numpy()
            days = arr.astype("datetime64[D]").astype(np.int64).astype(float)  # floors to the day
            days[np.isnat(arr)] = np.nan
            return days

        return self._part("days", build)

    def numbers(self, column: str) -> np.ndarray:
        return self._part("num:" + column, lambda events: pd.to_numeric(events[column]).to_numpy(
            dtype=float, na_value=np.nan))

    def border_km(self) -> np.ndarray:
        def build(events):
            from .analysis import border_distance_km  # late: analysis needs the layers

            return pd.Series(border_distance_km(events)).to_numpy(dtype=float, na_value=np.nan)

        return self._part("border_km", build)


def filter_index(events: pd.DataFrame) -> FilterIndex:
    """The FilterIndex of ``events``: built once per frame object and kept while the frame lives.

    Frames of fewer than ``CACHE_MIN_ROWS`` rows get a fresh index each time. The cache is keyed
    by the frame's identity and checked against a fingerprint of its columns; a frame changed in
    place keeps its identity, so frames that are filtered repeatedly must be treated as read-only
    (the dashboard's shared data set is), or passed to ``drop_index`` after a change.
    """
    if len(events) < CACHE_MIN_ROWS:
        return FilterIndex(events)
    key = id(events)
    entry = _INDEXES.get(key)
    if entry is not None:
        ref, index = entry
        if ref() is events and index.fingerprint == _fingerprint(events):
            return index
    index = FilterIndex(events)
    _INDEXES[key] = (weakref.ref(events, lambda _r, k=key: _drop_key(k, _r)), index)
    return index


def _drop_key(key: int, ref) -> None:
    entry = _INDEXES.get(key)
    if entry is not None and entry[0] is ref:
        del _INDEXES[key]


def drop_index(events: pd.DataFrame) -> None:
    """Forget the cached FilterIndex of ``events`` (after changing the frame in place)."""
    _INDEXES.pop(id(events), None)


def actor_mask(events: pd.DataFrame, actors) -> np.ndarray:
    """Boolean array: rows in which any of ``actors`` takes part, on either side."""
    wanted = _as_tuple(actors)
    if not wanted:
        return np.ones(len(events), dtype=bool)
    return filter_index(events).actor_mask(wanted)


def filter_mask(events: pd.DataFrame, flt: EventFilter | None = None) -> np.ndarray:
    """Boolean array over the rows of ``events``: True where ``flt`` keeps the event."""
    flt = flt or EventFilter()
    mask = np.ones(len(events), dtype=bool)
    if flt.is_empty():
        return mask
    index = filter_index(events)
    if flt.actors:
        mask &= index.actor_mask(flt.actors)
    if flt.start is not None or flt.end is not None:
        days = index.days()
        if days is None:  # not a plain datetime column: compare as pandas does
            if flt.start is not None:
                mask &= (events["event_date"] >= pd.Timestamp(flt.start)).to_numpy()
            if flt.end is not None:
                mask &= (events["event_date"] < pd.Timestamp(flt.end) + pd.Timedelta(days=1)).to_numpy()
        else:
            with np.errstate(invalid="ignore"):
                if flt.start is not None:
                    mask &= days >= (flt.start - _EPOCH).days
                if flt.end is not None:
                    mask &= days <= (flt.end - _EPOCH).days  # inclusive: the whole last day
    if flt.event_types:
        mask &= index.isin("event_type", flt.event_types)
    if flt.regions:
        mask &= index.isin("admin1", flt.regions)
    with np.errstate(invalid="ignore"):
        if flt.min_fatalities:
            mask &= index.numbers("fatalities") >= flt.min_fatalities
        if flt.max_border_km is not None:
            km = index.numbers("border_km") if "border_km" in events else index.border_km()
            mask &= km <= flt.max_border_km
    return mask


_EPOCH = dt.date(1970, 1, 1)


def filter_events(events: pd.DataFrame, flt: EventFilter | None = None) -> pd.DataFrame:
    """The events that ``flt`` keeps, as a new frame; ``events`` is not changed.

    One boolean mask over numpy arrays from the frame's ``FilterIndex`` (built on the first
    call and reused while the frame lives), applied with a single ``take``. Rows keep their
    order and index labels.
    """
    mask = filter_mask(events, flt)
    if mask.all():
        # every row: a shallow copy. Copy-on-write (pandas >= 3) keeps the caller's frame
        # unchanged if the result is changed, without copying a million rows up front.
        return events.copy(deep=False)
    return events.take(np.flatnonzero(mask))


def actor_counts(events: pd.DataFrame) -> pd.Series:
    """Every actor named in the events (main or associated), with its number of events.

    Sorted by count, then name. An actor named twice in one event counts once. Counted on the
    frame's ``FilterIndex`` (integer codes; each distinct associated-actor list split once):
    under a second for a million events.
    """
    if not any(col in events for col in ACTOR_COLUMNS):
        return pd.Series(dtype=int)
    return filter_index(events).actor_counts()


def distinct_values(events: pd.DataFrame, column: str) -> list[str]:
    """The non-empty values of a text column, sorted."""
    values = events[column].dropna().astype(str)
    return sorted({v for v in values if v.strip()}, key=str.casefold)


__all__ = ["EventFilter", "FilterIndex", "filter_events", "filter_mask", "filter_index", "drop_index",
           "actor_mask", "actor_counts", "distinct_values", "FILTER_FIELDS", "LIST_SEP"]
