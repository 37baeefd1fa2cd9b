"""Several data sets at once: ACLED, UCDP GED and a curated set loaded together, each record
keeping its data set's name in a ``dataset`` column, and matched across them.

``load_sources(["ACLED=a.csv", "UCDP GED=b.csv", "curated"])`` (``Dataset.from_sources``) reads
each source and ``Dataset.combine`` makes one ``Dataset`` of them: its events are all of theirs
(every filter works across them), its claims too, its attribution names every data set, and
``Dataset.matches`` (computed once, on first use) is the match table of ``geo.match_events``.
``parse_source_spec("ACLED=path.csv")`` reads the dashboard's ``--data NAME=PATH`` form.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import MatchError
from ..events import compact_events

#: The name a data set gets from its file's format when none is given.
FORMAT_NAMES = {"acled": "ACLED", "ucdp": "UCDP GED"}
#: What separates a name from a path in ``--data NAME=PATH``.
NAME_SEP = "="


def parse_source_spec(spec: str) -> tuple[str | None, str]:
    """``"ACLED=exports/mali.csv"`` -> ``("ACLED", "exports/mali.csv")``; a bare path has no name.

    A path that exists as written is taken whole, even with an "=" in it."""
    spec = str(spec).strip()
    if "://" in spec.split(NAME_SEP, 1)[0]:  # a database URL (postgresql://…?sslmode=require): whole
        return None, spec
    if NAME_SEP in spec and not Path(spec).exists():
        name, path = spec.split(NAME_SEP, 1)
        if name.strip() and path.strip():
            return name.strip(), path.strip()
    return None, spec


def split_sources(value: str | None) -> list[str]:
    """A list of sources given in one string (an environment variable): separated by the OS's
    path separator (":" on Linux) or by commas; a database URL is one source."""
    if not value:
        return []
    import os

    # a database URL (postgresql://user:password@host:5432/db) holds ":" itself: it is kept whole
    parts = [p for chunk in str(value).split(",") for p in ([chunk] if "://" in chunk else chunk.split(os.pathsep))]
    return [p.strip() for p in parts if p.strip()]


def default_name(data, fallback: str) -> str:
    """ACLED, UCDP GED, or the file's name without its suffix (a curated set, a native export)."""
    report = getattr(data, "report", None)
    if report is not None and report.format in FORMAT_NAMES:
        return FORMAT_NAMES[report.format]
    if report is not None and report.source_name:
        return Path(str(report.source_name)).stem
    return fallback


def unique_names(names: list[str]) -> list[str]:
    """Names made distinct: a second "ACLED" becomes "ACLED (2)"."""
    out, seen = [], {}
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n} ({seen[n]})")
    return out


def combined_frames(parts: list[tuple[str, object]]):
    """The events and claims of several data sets as one, with ``dataset``; ids made distinct.

    An id found in an earlier data set is prefixed with its own data set's name ("curated:ID"),
    in its claims too, so that a selection, a popup or a claim never mixes two records.
    """
    frames, claim_frames, seen = [], [], set()
    id_sets = {}
    for name, data in parts:
        ids = frozenset(data.events["event_id"].astype(str))
        if ids and ids in id_sets:
            raise MatchError(f"data sets {id_sets[ids]!r} and {name!r} hold the same events (the same ids): "
                             "the same file given twice? A data set cannot be matched with itself")
        id_sets[ids] = name
        events = data.events.copy(deep=False)
        claims = data.claims.copy(deep=False)
        ids = events["event_id"].astype(str)
        clash = ids.isin(seen)
        if clash.any():
            renamed = dict(zip(ids[clash], name + ":" + ids[clash]))
            events["event_id"] = ids.where(~clash, name + ":" + ids)
            claims["event_id"] = claims["event_id"].astype(str).map(lambda x: renamed.get(x, x))
        seen.update(events["event_id"].astype(str))
        for col in events.columns:  # categoricals of different categories concatenate as object
            if isinstance(events[col].dtype, pd.CategoricalDtype):
                events[col] = events[col].astype(object)
        events["dataset"] = name
        frames.append(events)
        if len(claims):
            claim_frames.append(claims)
    events = pd.concat(frames, ignore_index=True)
    events = events.sort_values(["event_date", "event_id"], kind="stable", ignore_index=True)
    claims = (pd.concat(claim_frames, ignore_index=True) if claim_frames
              else parts[0][1].claims.iloc[0:0].copy())
    events = compact_events(events)
    events["dataset"] = pd.Categorical(events["dataset"], categories=[n for n, _ in parts])
    return events, claims


#: The word that names the curated set shipped with the app in a list of sources.
EMBEDDED_SPECS = ("embedded", "curated")


def load_sources(dataset_cls, sources, *, names=None, claims_path=None, layers=None, use_cache: bool = True,
                 reader=None):
    """One ``Dataset`` of one or several sources (paths, ``NAME=PATH``, file objects, or
    "embedded"/"curated" for the shipped set), each named by ``names``, its ``NAME=``, its
    format ("ACLED", "UCDP GED") or its file name. One source gives that data set unchanged.

    ``claims_path`` (a native claims CSV) goes with the first file source. ``dataset_cls`` is
    ``geo.sources.dataset.Dataset`` (given, so that this module never imports it back). ``reader`` reads
    the file objects (uploads) instead of ``read_events`` (``geo.io.budget.read_bounded``).
    """
    sources = list(sources)
    parts = []
    for k, source in enumerate(sources):
        name = names[k] if names is not None and k < len(names) else None
        if isinstance(source, (str, Path)):
            given, path = parse_source_spec(str(source))
            name = name or given
            if path.strip().lower() in EMBEDDED_SPECS:
                data = dataset_cls.embedded(layers)
                parts.append((name or "curated", data))
                continue
            data = dataset_cls.from_source(path, claims_path=claims_path if k == 0 else None, layers=layers,
                                       use_cache=use_cache)
        else:
            data = dataset_cls.from_source(source, name=getattr(source, "name", None), layers=layers,
                                       use_cache=use_cache, reader=reader)
        parts.append((name or default_name(data, f"data set {k + 1}"), data))
    if not parts:
        return dataset_cls.embedded(layers)
    return dataset_cls.combine(parts)
