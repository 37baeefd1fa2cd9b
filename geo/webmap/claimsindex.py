"""The claims table as the map reads it: sorted once per data set, so that a map takes the claims of
the events it draws (a few thousand) without a pass over all of them.

UCDP GED gives three claims an event (its low, best and high estimates), the curated set several
claimants: a million events carry three million claims. Popups need each drawn event's claims in
the order they list them (by date, then claimant: ``geo.events.claims_for``), their range and
dispute (``geo.claim_ranges``) and the figure's note (``geo.fatalities.fatality_note``); the legend
and the map's description count the disputed events of the whole view. ``ClaimsIndex`` sorts the
table once (by event, then date and claimant) and answers those questions for the events in view.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd

from ..analysis import claim_ranges

_SORT = ["event_id", "claim_date", "claimant"]


class ClaimsIndex:
    """One claims table, sorted once as popups list it. Read-only: never changes ``claims``."""

    def __init__(self, claims: pd.DataFrame | None):
        self.claims = claims  # held, so that a memo keyed by its id stays right
        if claims is None or claims.empty or "event_id" not in claims:
            self._table = pd.DataFrame(columns=list(claims.columns) if claims is not None else ["event_id"])
            self._order = np.zeros(0, dtype=np.int64)
            self._ids = np.array([], dtype=object)
        else:
            keys = [k for k in _SORT if k in claims]
            # as claims_for orders one event's claims (stable: ties keep the table's order), every event at
            # once; only the order is kept (the claims are not copied)
            self._table = claims
            self._order = claims.reset_index(drop=True)[keys].sort_values(
                keys, kind="stable", na_position="last").index.to_numpy()
            self._ids = claims["event_id"].to_numpy(dtype=object)[self._order]
        n = len(self._ids)
        change = np.ones(n, dtype=bool)
        if n > 1:
            change[1:] = self._ids[1:] != self._ids[:-1]
        self._first = np.append(np.flatnonzero(change), n)  # each event's first row, and the end

    @cached_property
    def _events(self) -> pd.Index:
        return pd.Index(self._ids[self._first[:-1]])

    def rows_of(self, event_ids) -> tuple[np.ndarray, np.ndarray]:
        """(first row, end row) in ``sorted`` of each of ``event_ids``; (0, 0) for an event without claims."""
        ids = pd.Index(np.asarray(event_ids, dtype=object))
        if not len(self._ids) or not len(ids):
            zero = np.zeros(len(ids), dtype=np.int64)
            return zero, zero
        where = self._events.get_indexer(ids)
        start = np.where(where >= 0, self._first[np.maximum(where, 0)], 0)
        end = np.where(where >= 0, self._first[np.maximum(where, 0) + 1], 0)
        return start, end

    def take(self, rows: np.ndarray) -> pd.DataFrame:
        """The claims at these rows of the sorted order (``rows_of``'s), with a fresh index."""
        return self._table.take(self._order[rows]).reset_index(drop=True)

    def of(self, event_ids) -> pd.DataFrame:
        """The claims of ``event_ids`` (each event's in popup order, events in the order given)."""
        start, end = self.rows_of(event_ids)
        return self.take(np.concatenate([np.arange(s, e) for s, e in zip(start, end) if e > s]
                                        or [np.zeros(0, np.int64)]))

    @cached_property
    def ranges(self) -> pd.DataFrame:
        """``geo.claim_ranges`` of the whole table, once."""
        return claim_ranges(self.claims)

    @cached_property
    def disputed_ids(self) -> pd.Index:
        """The events whose claims disagree."""
        if self.claims is None or self.claims.empty:
            return pd.Index([], dtype=object)
        ranges = self.ranges
        return pd.Index(ranges.index[ranges["disputed"].to_numpy(dtype=bool)])

    def disputed_count(self, events: pd.DataFrame, base: pd.DataFrame | None = None) -> int:
        """How many of ``events`` have claims that disagree (``geo.a11y.describe.disputed_count``). ``base``, the
        data set's events, gets its flags once: events taken from it (a filter's ``take``, its index labels,
        checked against its ids) read theirs instead of looking a million ids up."""
        if events.empty or not len(self.disputed_ids):
            return 0
        ids = events["event_id"].to_numpy(dtype=object)
        flags = self._flags(base)
        if flags is not None:
            base_ids, flags = flags
            if events is base:
                return int(flags.sum())
            pos = events.index.to_numpy()
            if (pos.dtype.kind in "iu" and pos.min() >= 0 and pos.max() < len(flags)
                    and np.array_equal(base_ids[pos], ids)):
                return int(flags[pos].sum())
        return int((self.disputed_ids.get_indexer(ids) >= 0).sum())

    def _flags(self, base: pd.DataFrame | None):
        """(ids, disputed flags) of ``base``'s events by position, made once; None without a usable base."""
        if base is None or not isinstance(base.index, pd.RangeIndex) or base.index.start != 0 or base.index.step != 1:
            return None
        found = self.__dict__.get("_base_flags")
        if found is None or found[0] is not base:
            ids = base["event_id"].to_numpy(dtype=object)
            found = self.__dict__["_base_flags"] = (base, ids, self.disputed_ids.get_indexer(ids) >= 0)
        return found[1], found[2]


def claims_index(claims: pd.DataFrame | None, memo: dict | None = None) -> ClaimsIndex:
    """The ``ClaimsIndex`` of ``claims``: made once and kept in ``memo`` (a data set's) when given."""
    if memo is None:
        return ClaimsIndex(claims)
    key = ("claims_index", id(claims))
    found = memo.get(key)
    if found is None or found.claims is not claims:
        found = memo[key] = ClaimsIndex(claims)
    return found


__all__ = ["ClaimsIndex", "claims_index"]
