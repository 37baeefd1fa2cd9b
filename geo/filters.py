"""Filtering events by actor, date, type, region and fatalities."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from .errors import FilterError
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

    def describe(self) -> list[str]:
        """The filter in plain words, one line per restriction (for captions and snapshots)."""
        lines = []
        if self.actors:
            lines.append("Actors: " + ", ".join(self.actors))
        if self.start or self.end:
            lines.append(f"Dates: {self.start or '…'} to {self.end or '…'}")
        if self.event_types:
            lines.append("Event types: " + ", ".join(self.event_types))
        if self.regions:
            lines.append("Regions: " + ", ".join(self.regions))
        if self.min_fatalities:
            lines.append(f"At least {self.min_fatalities} fatalities")
        if self.max_border_km is not None:
            lines.append(f"Within {self.max_border_km:g} km of the Algeria border")
        return lines or ["All events"]


FILTER_FIELDS = tuple(f.name for f in fields(EventFilter))


def actor_mask(events: pd.DataFrame, actors) -> np.ndarray:
    """Boolean array: rows in which any of ``actors`` takes part, on either side."""
    wanted = set(_as_tuple(actors))
    mask = np.zeros(len(events), dtype=bool)
    if not wanted:
        return ~mask
    for col in ("actor1", "actor2"):
        if col in events:
            mask |= events[col].isin(wanted).to_numpy()
    for col in ASSOC_ACTOR_COLUMNS:
        if col not in events:
            continue
        # explode keeps each name's row position; positions, not labels, so a
        # frame with a duplicated index filters correctly too
        names = pd.Series(events[col].to_numpy(), dtype=object).str.split(";").explode()
        hit = names.str.strip().isin(wanted)
        rows = np.unique(hit.index.to_numpy()[hit.to_numpy()])
        mask[rows] = True
    return mask


def filter_events(events: pd.DataFrame, flt: EventFilter | None = None) -> pd.DataFrame:
    """The events that ``flt`` keeps, as a new frame; ``events`` is not changed.

    Vectorised: one boolean mask per restriction, combined, applied once.
    """
    flt = flt or EventFilter()
    mask = np.ones(len(events), dtype=bool)
    if flt.actors:
        mask &= actor_mask(events, flt.actors)
    if flt.start is not None:
        mask &= (events["event_date"] >= pd.Timestamp(flt.start)).to_numpy()
    if flt.end is not None:
        # inclusive: everything before the start of the next day
        mask &= (events["event_date"] < pd.Timestamp(flt.end) + pd.Timedelta(days=1)).to_numpy()
    if flt.event_types:
        mask &= events["event_type"].isin(flt.event_types).to_numpy()
    if flt.regions:
        mask &= events["admin1"].isin(flt.regions).to_numpy()
    if flt.min_fatalities:
        mask &= (events["fatalities"] >= flt.min_fatalities).to_numpy()
    if flt.max_border_km is not None:
        if "border_km" in events:
            km = events["border_km"]
        else:
            from .analysis import border_distance_km  # late: analysis needs the layers

            km = border_distance_km(events)
        mask &= (pd.Series(km).to_numpy() <= flt.max_border_km)
    return events.iloc[np.flatnonzero(mask)].copy()


def actor_counts(events: pd.DataFrame) -> pd.Series:
    """Every actor named in the events (main or associated), with its number of events.

    Sorted by count, then name. An actor named twice in one event counts once.
    """
    frames = []
    for col in ACTOR_COLUMNS:
        if col not in events:
            continue
        s = pd.Series(events[col].to_numpy(), dtype=object)
        if col in ASSOC_ACTOR_COLUMNS:
            s = s.str.split(";").explode().str.strip()
        frames.append(pd.DataFrame({"row": s.index, "actor": s.to_numpy()}))
    if not frames:
        return pd.Series(dtype=int)
    both = pd.concat(frames, ignore_index=True)
    both = both[both["actor"].fillna("").astype(str).str.len() > 0].drop_duplicates()
    counts = both.groupby("actor").size()
    order = sorted(counts.index, key=lambda a: (-counts[a], a.casefold()))
    return counts.loc[order].rename("events")


def distinct_values(events: pd.DataFrame, column: str) -> list[str]:
    """The non-empty values of a text column, sorted."""
    values = events[column].dropna().astype(str)
    return sorted({v for v in values if v.strip()}, key=str.casefold)


__all__ = ["EventFilter", "filter_events", "actor_mask", "actor_counts", "distinct_values",
           "FILTER_FIELDS", "LIST_SEP"]
