"""What a data set holds, for checking a share link against it: its actors, types, regions and
event ids (``Vocabulary``), and a short fingerprint of its events (``dataset_fingerprint``), which a
link carries so that opening it on other data can say so."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .extent import data_extent, home_view
from .filters import actor_counts


@dataclass(frozen=True)
class Vocabulary:
    """What the data holds, for checking a link against it."""

    actors: frozenset[str] = frozenset()
    event_types: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()
    event_ids: frozenset[str] | EventIds = frozenset()
    fingerprint: str | None = None
    claimants: frozenset[str] | None = None
    #: where the events are (west, south, east, north), and the view that fits them: ((lat, lon), zoom)
    extent: tuple[float, float, float, float] | None = None
    home: tuple[tuple[float, float], int] | None = None
    #: on versioned data, when each version was made (UTC datetimes, oldest first); None for unversioned data
    versions: tuple | None = None

    @classmethod
    def of(cls, events: pd.DataFrame, claims: pd.DataFrame | None = None, *,
           actors: Iterable[str] | None = None, fingerprint: str | None = None,
           extent: tuple[float, float, float, float] | None = None) -> Vocabulary:
        """What ``events`` and ``claims`` hold; ``actors`` (the names of ``actor_counts(events)``),
        ``fingerprint`` (``dataset_fingerprint(events)``) and ``extent`` (``geo.extent.data_extent``)
        when the caller has them already."""
        return cls(
            claimants=None if claims is None else frozenset(claims["claimant"].dropna().astype(str)),
            actors=frozenset(actor_counts(events).index if actors is None else actors),
            event_types=_distinct(events["event_type"]),
            regions=_distinct(events["admin1"]),
            event_ids=EventIds(events["event_id"]),
            fingerprint=dataset_fingerprint(events) if fingerprint is None else fingerprint,
            extent=(extent := data_extent(events) if extent is None else extent),
            home=home_view(extent),
        )


class EventIds:
    """The ids of a data set's events, for checking a link's event (``event_id in ids``).

    It keeps the events' own column (pandas' copy-on-write keeps it as it was) and compares it at each
    check, a few milliseconds at a million events, once per opened link; a set of the ids would
    hold a second table of a million entries beside the frame (33 MB and 0.3 s at 1M events).
    Iterates, counts and compares like the frozenset of the ids.
    """

    __slots__ = ("_ids",)

    def __init__(self, ids: pd.Series):
        self._ids = ids

    def __contains__(self, event_id) -> bool:
        return isinstance(event_id, str) and bool((self._ids == event_id).any())

    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self):
        return iter(_texts(self._ids))

    def __eq__(self, other) -> bool:
        if isinstance(other, (EventIds, set, frozenset)):
            return len(self) == len(other) and frozenset(self) == frozenset(other)
        return NotImplemented

    def __hash__(self) -> int:  # equal id sets have equal sizes
        return hash(len(self))

    def __repr__(self) -> str:
        return f"EventIds({len(self)} ids)"


def dataset_fingerprint(events: pd.DataFrame) -> str:
    """A short, stable fingerprint of a set of events (8 hex characters).

    It changes when an event is added, removed, moved, re-dated or re-counted,
    not when the rows are reordered.
    """
    if events.empty:
        return "00000000"
    ids = _texts(events["event_id"])
    # each distinct date, coordinate and count is formatted once (a million rows: ~1,800 dates)
    key = pd.DataFrame({
        "id": ids,
        "date": _formatted(pd.to_datetime(events["event_date"]), lambda u: u.strftime("%Y-%m-%d")),
        "lat": _formatted(events["latitude"].round(4), lambda u: u.astype(str)),
        "lon": _formatted(events["longitude"].round(4), lambda u: u.astype(str)),
        "f": _formatted(events["fatalities"], lambda u: u.astype(str)),
    }, dtype=object)  # as object: building Arrow strings of a million ids would double the time
    order = pc.sort_indices(pa.array(ids, type=pa.string())).to_numpy()  # in id order: rows may come in any order
    rows = pd.util.hash_pandas_object(key, index=False).to_numpy()[order]
    return hashlib.sha256(rows.tobytes()).hexdigest()[:8]


def _distinct(values: pd.Series) -> frozenset[str]:
    """The distinct non-missing values of a column, as text (a categorical's without a pass over its rows)."""
    return frozenset(str(v) for v in values.unique() if not pd.isna(v))


def _texts(values: pd.Series) -> np.ndarray:
    """A column as an object array of str (as ``astype(str)`` gives, without building Arrow strings)."""
    out = values.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(out, skipna=False) != "string":
        out = np.array([str(v) for v in out], dtype=object)
    return out


def _formatted(values: pd.Series, fmt) -> np.ndarray:
    """``fmt`` applied to each distinct value once, spread back over the rows (NaN where missing)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    texts = np.asarray(fmt(pd.Index(uniques)), dtype=object)
    return np.append(texts, np.nan)[codes]  # code -1 (missing) reads the last slot


__all__ = ["EventIds", "Vocabulary", "dataset_fingerprint"]
