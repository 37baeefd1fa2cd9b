"""Popups kept with their data set: an event's popup and tooltip are made once per language and reused by every
later map of the same data set (another filter, a page load, another session), so that narrowing a filter, or
going back to an earlier one, costs no popup already made.

What a popup holds besides the event's own fields, claims, range and note (the other events at its place) follows
the events drawn: it is added when the map is built, from each of those events' own line, kept here too.

The rows are read column by column (``records``) rather than by ``DataFrame.to_dict``, which boxes every
value of every text column one at a time (several times slower on Arrow-backed text).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import NamedTuple

import pandas as pd

#: Most events whose popups a data set keeps (the least recently drawn go first): ~10-20 MB with UCDP's claims.
MAX_KEPT = 10_000
#: Columns of events that are not a data set's own rows (several data sets matched, "changed since"): their
#: popups depend on more than the event, and are never kept.
UNKEPT_COLUMNS = ("_datasets", "_possible", "change", "changed_on", "change_source", "held_by")


class PopupParts(NamedTuple):
    """What a map needs of one event's popup, whatever else is drawn: the popup as made for the event alone
    (``geo.webmap.popups.popup_fragments`` without others at its place: its pieces, the last its id), its line
    in the other popups' "Also at this place", its tooltip (without the map's suffixes), and whether it has
    claims and they disagree."""

    pieces: tuple
    item: str
    tip: str
    has_claims: bool
    disputed: bool


class PopupCache:
    """A bounded, thread-safe store of ``PopupParts`` by (language, event id); shared by every session."""

    def __init__(self, limit: int = MAX_KEPT):
        self.limit = int(limit)
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def get_many(self, keys: list) -> list:
        """The parts kept for each key (None where none are), the found ones marked as recently used."""
        with self._lock:
            found = [self._items.get(k) for k in keys]
            for k, v in zip(keys, found):
                if v is not None:
                    self._items.move_to_end(k)
            return found

    def put_many(self, pairs) -> None:
        with self._lock:
            for k, v in pairs:
                self._items[k] = v
                self._items.move_to_end(k)
            while len(self._items) > self.limit:
                self._items.popitem(last=False)


def popup_cache(memo: dict | None, claims, events: pd.DataFrame) -> PopupCache | None:
    """The data set's ``PopupCache`` for ``claims`` (kept in its ``memo``), or None when ``events`` are not
    its own rows (matched across data sets, "changed since") or there is no memo."""
    if memo is None or any(c in events for c in UNKEPT_COLUMNS):
        return None
    key = ("popups", id(claims))
    found = memo.get(key)
    if found is None or found[0] is not claims:
        found = memo[key] = (claims, PopupCache())
    return found[1]


def records(frame: pd.DataFrame) -> list[dict]:
    """``frame.to_dict("records")``, the same values (missing numbers of nullable integer columns as None),
    read a column at a time."""
    columns = list(frame.columns)
    arrays = []
    for c in columns:
        col = frame[c]
        masked = isinstance(col.dtype, pd.api.extensions.ExtensionDtype) and col.dtype.kind in "iub" \
            and not isinstance(col.dtype, pd.CategoricalDtype)
        arrays.append(col.to_numpy(dtype=object, na_value=None) if masked else col.to_numpy(dtype=object))
    return [dict(zip(columns, values)) for values in zip(*arrays)] if columns else [{} for _ in range(len(frame))]


__all__ = ["MAX_KEPT", "PopupCache", "PopupParts", "popup_cache", "records"]
