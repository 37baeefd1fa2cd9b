"""A data set as the dashboard, the snapshots and the command line use it: the events
(with their region and border distance), the claims, what they hold, and whose they are."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import pandas as pd

from . import cache
from ..analysis import enrich
from ..filters import actor_counts
from ..events import CLAIM_COLUMNS, DATA_DIR, compact_events, load_claims, load_events
from ..layers import load_layers
from ..matching import empty_match_table, match_events
from .readers import ImportReport, read_events
from ..view import Vocabulary

EMBEDDED_LABEL = "Curated northern-Mali events 2023–2024 (embedded)"
EMBEDDED_ATTRIBUTION = (
    "Events: Northern Mali conflict events 2023–2024, curated from public reporting by the "
    "conflict-map project (CC BY 4.0)"
)


@dataclass(frozen=True)
class Dataset:
    """Events and claims ready for every view. Shared read-only: never change its frames.

    The events are enriched (``geo.enrich``) and compact (``geo.compact_events``: repeated text
    as categoricals, a third of the memory and faster filters at a million events).
    """

    events: gpd.GeoDataFrame
    claims: pd.DataFrame
    vocabulary: Vocabulary
    label: str
    attribution: str
    report: ImportReport | None = None

    @cached_property
    def actor_counts(self) -> pd.Series:
        """Every actor with its number of events, counted once per data set (seconds at 1M events)."""
        return actor_counts(self.events)

    @cached_property
    def matches(self) -> pd.DataFrame:
        """The match table across the data sets held (``geo.match_events``); empty with one data set."""
        if len(self.datasets) < 2:
            return empty_match_table()
        return match_events(self.events)

    @property
    def datasets(self) -> list[str]:
        """The names of the data sets held (the ``dataset`` column's), [] for a single file."""
        if "dataset" not in self.events:
            return []
        column = self.events["dataset"]
        present = set(pd.unique(column.astype(object)))
        order = list(column.cat.categories) if isinstance(column.dtype, pd.CategoricalDtype) else sorted(present)
        return [str(n) for n in order if n in present]

    @classmethod
    def combine(cls, parts: list[tuple[str, Dataset]]) -> Dataset:
        """One data set of several (``[(name, Dataset), ...]``): every record keeps its data set's
        name in ``dataset``; the attribution names each. See ``geo.io.sources``."""
        from .sources import combined_frames, unique_names
        if len(parts) == 1:
            return parts[0][1]
        if not parts:
            raise ValueError("no data set to combine")
        names = unique_names([n for n, _ in parts])
        parts = list(zip(names, [d for _, d in parts]))
        events, claims = combined_frames(parts)
        label = "; ".join(f"{n}: {d.label}" for n, d in parts)
        attribution = " | ".join(f"{n}: {d.attribution}" for n, d in parts)
        data = cls._of(events, claims, label, attribution, parts[0][1].report)
        data.__dict__["attributions"] = {n: f"{n}: {d.attribution}" for n, d in parts}
        data.__dict__["reports"] = {n: d.report for n, d in parts}  # each file's import report
        return data

    def attribution_of(self, events: pd.DataFrame) -> str:
        """The attribution of the data sets ``events`` (some of this data set's) come from: each
        one shown is named; all of them when none is."""
        per_set = self.__dict__.get("attributions")
        if not per_set or "dataset" not in events or events.empty:
            return self.attribution
        present = set(pd.unique(events["dataset"].astype(object)))
        return " | ".join(a for n, a in per_set.items() if n in present) or self.attribution

    @classmethod
    def from_sources(cls, sources, **kw) -> Dataset:
        """Several sources as one data set (``geo.io.sources.load_sources``): ACLED, UCDP GED, curated..."""
        from .sources import load_sources
        return load_sources(sources, **kw)

    @classmethod
    def embedded(cls, layers: dict | None = None) -> Dataset:
        """The curated set shipped in data/."""
        events = compact_events(enrich(load_events(), layers or load_layers()))
        return cls._of(events, load_claims(), EMBEDDED_LABEL, EMBEDDED_ATTRIBUTION)

    @classmethod
    def _of(cls, events, claims, label, attribution, report=None, *, counts: pd.Series | None = None,
            fingerprint: str | None = None) -> Dataset:
        if counts is None:
            counts = actor_counts(events)  # once: the vocabulary and the actor list both need it
        vocabulary = Vocabulary.of(events, claims, actors=counts.index, fingerprint=fingerprint)
        data = cls(events, claims, vocabulary, label, attribution, report)
        data.__dict__["actor_counts"] = counts  # the cached_property's value
        return data

    @classmethod
    def from_source(cls, source, *, name: str | None = None, claims_path: str | Path | None = None,
                    layers: dict | None = None, use_cache: bool = True) -> Dataset:
        """An ACLED, UCDP GED or native file (a path or a file-like object), read row by row.

        Rows that cannot be used are in ``report.rejected``; a file that is not one of
        the known formats raises ``ImportFormatError``. ``claims_path`` adds a claims
        table in the native CSV format; otherwise the file's own estimates (UCDP's
        low/best/high, a native GeoJSON's claims) are the claims. A file given by path
        is cached as GeoParquet after its first read (see ``geo.io.cache``), so the next
        start skips parsing; uploads (file objects) are not cached.
        """
        is_path = isinstance(source, (str, Path))
        # the claims file and the boundary layers (which enrich uses) are part of what is cached
        depends = [claims_path] if claims_path else []
        depends += sorted(DATA_DIR.glob("*.geojson"))
        key = cache.cache_key(source, *map(cache.file_stamp, depends)) if is_path and use_cache else None
        hit = cache.load(key) if key else None
        known = {}  # what the cache knows of the data set already (1.5 s at 1M events)
        if hit is not None:
            events, claims, meta = hit["events"], hit["claims"], hit["meta"]
            counts = meta.pop("_actor_counts", None)
            if counts is not None:  # as actor_counts gives them: most events first
                counts = pd.Series([n for _, n in counts], index=pd.Index([a for a, _ in counts], dtype=object,
                                   name="actor"), dtype=int, name="events")
            known = {"counts": counts,
                     "fingerprint": meta.pop("_fingerprint", None)}
            report = ImportReport(rejected=hit["rejected"], claims=claims, **meta)
        else:
            events, report = read_events(source, name=name)
            claims = load_claims(claims_path) if claims_path else report.claims
            if claims is None:
                claims = pd.DataFrame(columns=CLAIM_COLUMNS)
            events = compact_events(enrich(events, layers or load_layers()))
        label = f"{report.format.upper()} file '{Path(report.source_name).name}'"
        data = cls._of(events, claims, label, report.attribution, report, **known)
        if key and hit is None:
            meta = {k: getattr(report, k) for k in ("format", "source_name", "encoding", "rows_read",
                                                    "accepted", "warnings", "attribution")}
            meta["_fingerprint"] = data.vocabulary.fingerprint
            meta["_actor_counts"] = [[str(a), int(n)] for a, n in data.actor_counts.items()]
            cache.store(key, events, claims, report.rejected, meta)
        return data
