"""A data set as the dashboard, the snapshots and the command line use it: the events
(with their region and border distance), the claims, what they hold, and whose they are."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ..io import cache
from .combine import combined_frames, load_sources, unique_names
from ..analysis import enrich
from ..errors import DatabaseError
from ..filters import actor_counts
from ..events import CLAIM_COLUMNS, DATA_DIR, compact_events, load_claims, load_events
from ..extent import extent_of
from ..places.labels import place_labels
from ..layers import load_layers, locate, title_of, title_places
from ..db.postgis import PostgisSource
from ..db.urls import is_database_url
from .versioned import with_versions
from .dbversions import DatabaseHistory, has_versions, with_db_versions
from ..matching.pairs import empty_match_table, match_events
from ..io.readers import ImportReport, read_events
from ..sync.store import MANIFEST, is_store, open_store
from ..view import Vocabulary
from ..i18n import N_

EMBEDDED_LABEL = N_("Curated northern-Mali events 2023–2024 (embedded)")
EMBEDDED_ATTRIBUTION = N_(
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
    #: the boundary layers for this data (``geo.load_layers(events)``): its countries in detail, their regions
    layers: dict | None = field(default=None, compare=False, repr=False)
    #: what the data covers, for the page and the snapshots: "Conflict events — Afghanistan"
    title: str = ""
    #: where the events are, for a title in any language (``geo.layers.title_of(data.title_names)``)
    title_names: tuple[str, ...] = ()

    #: the database's change counter when the data set was read (``from_postgis``); None for files
    version: int | None = None
    #: versioned data (a local store): every state of every event (``geo.versions.history.History``), and the
    #: version these events are (``geo.sources.versioned``); None for data without versions
    history: object | None = field(default=None, compare=False, repr=False)
    shown_version: int | None = None
    #: what the maps make once per data set and keep with it (``geo.build_map(..., dataset=data)``): the
    #: boundaries' encoded rings, the claims sorted for popups, the disputed events. Shared like the rest.
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def labels(self) -> pd.DataFrame:
        """The place names of its maps (``geo.places.labels.place_labels``): countries, regions, the towns around
        the events and the events' own places. Made once per data set, on first use."""
        return place_labels(self.layers if self.layers is not None else load_layers(), self.events,
                            extent=self.vocabulary.extent, places=self.memo.get("places"))

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
        name in ``dataset``; the attribution names each. See ``geo.sources.combine``."""
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
        one shown is named (a matched event drawn once, ``geo.matched_events``, by every data set
        in its ``held_by``); all of them when none is."""
        per_set = self.__dict__.get("attributions")
        if not per_set or "dataset" not in events or events.empty:
            return self.attribution
        present = set(pd.unique(events["dataset"].astype(object)))
        if "held_by" in events:  # a matched event drawn once names every data set holding it
            present |= {n for held in pd.unique(events["held_by"].astype(object)) for n in str(held).split("; ")}
        return " | ".join(a for n, a in per_set.items() if n in present) or self.attribution

    @classmethod
    def from_sources(cls, sources, **kw) -> Dataset:
        """Several sources as one data set (``geo.sources.combine.load_sources``): ACLED, UCDP GED, curated..."""
        return load_sources(cls, sources, **kw)

    @classmethod
    def embedded(cls, layers: dict | None = None) -> Dataset:
        """The curated set shipped in data/."""
        layers = layers or load_layers()
        events = compact_events(enrich(load_events(), layers))
        return cls._of(events, load_claims(), EMBEDDED_LABEL, EMBEDDED_ATTRIBUTION, layers=layers)

    @classmethod
    def _of(cls, events, claims, label, attribution, report=None, *, counts: pd.Series | None = None,
            fingerprint: str | None = None, layers: dict | None = None, places=None) -> Dataset:
        if counts is None:
            counts = actor_counts(events)  # once: the vocabulary and the actor list both need it
        places = locate(events) if places is None else places  # where the events are, once (0.5 s at 1M)
        extent = extent_of(places) if len(places) else None
        vocabulary = Vocabulary.of(events, claims, actors=counts.index, fingerprint=fingerprint, extent=extent)
        layers = load_layers(events, places=places) if layers is None else layers
        data = cls(events, claims, vocabulary, label, attribution, report, layers=layers,
                   title_names=(names := title_places(events, places=places)), title=title_of(names))
        data.__dict__["actor_counts"] = counts  # the cached_property's value
        data.memo["places"] = places  # its distinct places, counted once: the place names start from them
        return data

    @classmethod
    def from_source(cls, source, *, name: str | None = None, claims_path: str | Path | None = None,
                    layers: dict | None = None, use_cache: bool = True, reader=None) -> Dataset:
        """An ACLED, UCDP GED or native file (a path or a file-like object), read row by row, or a local store
        kept by ``python -m geo sync`` (a folder: its latest version, ``geo.sync.store``).

        Rows that cannot be used are in ``report.rejected``; a file that is not one of
        the known formats raises ``ImportFormatError``. ``claims_path`` adds a claims
        table in the native CSV format; otherwise the file's own estimates (UCDP's
        low/best/high, a native GeoJSON's claims) are the claims. A file given by path
        is cached as GeoParquet after its first read (see ``geo.io.cache``), so the next
        start skips parsing; uploads (file objects) are not cached. ``reader`` reads the file
        instead of ``read_events`` (the dashboard's uploads: ``geo.io.budget.read_bounded``).
        """
        if is_database_url(source):
            return cls.from_postgis(source, layers=layers)
        is_path = isinstance(source, (str, Path))
        store = open_store(source) if is_path and is_store(source) else None  # a folder kept by `geo sync`
        # the claims file and the boundary layers (which enrich uses) are part of what is cached
        depends = [claims_path] if claims_path else []
        depends += sorted(DATA_DIR.glob("*.geojson")) + sorted(DATA_DIR.glob("world_*.parquet"))
        stamp = Path(source) / MANIFEST if store is not None else source  # a store changes with its manifest
        key = cache.cache_key(stamp, *map(cache.file_stamp, depends)) if is_path and use_cache else None
        hit = cache.load(key) if key else None
        known = {}  # what the cache knows of the data set already (1.5 s at 1M events)
        if hit is not None:
            events, claims, meta = hit["events"], hit["claims"], hit["meta"]
            counts = meta.pop("_actor_counts", None)
            if counts is not None:  # as actor_counts gives them: most events first
                counts = pd.Series([n for _, n in counts], index=pd.Index([a for a, _ in counts], dtype=object,
                                   name="actor"), dtype=int, name="events")
            known = {"counts": counts, "places": hit.get("places"),
                     "fingerprint": meta.pop("_fingerprint", None)}
            report = ImportReport(rejected=hit["rejected"], claims=claims, folded=hit["folded"], **meta)
        else:
            events, report = store.read() if store is not None else (reader or read_events)(source, name=name)
            claims = load_claims(claims_path) if claims_path else report.claims
            if claims is None:
                claims = pd.DataFrame(columns=CLAIM_COLUMNS)
            known["places"] = locate(events)
            layers = layers or load_layers(events, places=known["places"])  # where the data is: its regions
            events = compact_events(enrich(events, layers))
        label = (N_("{format} store '{name}'") if store is not None else N_("{format} file '{name}'")).format(
            format=report.format.upper(), name=Path(report.source_name).name)
        data = cls._of(events, claims, label, report.attribution, report, layers=layers, **known)
        if store is not None:  # the store's version read (a later sync writes a newer one)
            data.__dict__["store_version"] = store.latest().id if store.latest() else None
            with_versions(data, store)  # every earlier version kept: as-of links (geo.sources.versioned)
        if key and hit is None:
            meta = {k: getattr(report, k) for k in ("format", "source_name", "encoding", "rows_read",
                                                    "accepted", "warnings", "attribution")}
            meta["_fingerprint"] = data.vocabulary.fingerprint
            meta["_actor_counts"] = [[str(a), int(n)] for a, n in data.actor_counts.items()]
            cache.store(key, events, claims, report.rejected, meta, folded=report.folded, places=data.memo["places"])
        return data

    @classmethod
    def from_postgis(cls, source: str | PostgisSource, *, layers: dict | None = None, version: int | None = None,
                     history=None) -> Dataset:
        """Every event and claim of a PostGIS database (``postgresql://…``; see ``geo.db.postgis``), as of
        ``version`` (one of its versions, ``geo.db.history``; the newest for None).

        Events written by others without ``region``/``border_km`` are enriched here. The data
        set's ``version`` is the database's change counter when read: compare it with
        ``PostgisSource.state()`` to know whether to read again. A database that keeps its versions gives a
        versioned data set, as a local store does (``history``, ``shown_version``: ``geo.sources.dbversions``;
        ``history`` is given by the caller that has it already). Raises ``DatabaseError``.
        """
        src = source if isinstance(source, PostgisSource) else PostgisSource(source)
        counter, _ = src.state()
        history = history if history is not None else (DatabaseHistory(src) if has_versions(src) else None)
        if history is not None and history.latest is None:
            history = None
        older = history is not None and version is not None and int(version) != history.latest
        read = src.as_of(int(version)) if older else src
        limit = int(os.environ.get("GEO_DB_MAX_EVENTS", MAX_DB_EVENTS))
        total = read.count()
        if total > limit:
            raise DatabaseError(
                f"{src.label} holds {total:,} events; the dashboard reads at most {limit:,} into memory "
                f"(GEO_DB_MAX_EVENTS). Filter it in the database instead: geo.PostgisSource(url).events(filter) "
                f"and .lod_cells(...), or python -m geo snapshot with a filtered link.")
        events = read.events()
        places = locate(events)
        layers = layers or load_layers(events, places=places)  # where the data is: its countries, its regions
        events = compact_events(_enriched(events, layers))
        claims = src.claims()
        if older:  # the claims of the events of that version (the claims table keeps no versions)
            claims = claims[claims["event_id"].isin(set(events["event_id"].astype(str)))].reset_index(drop=True)
        attribution = src.attribution() or EMBEDDED_ATTRIBUTION.replace(
            "Northern Mali conflict events 2023–2024, curated from public reporting by the conflict-map project",
            "the PostGIS database's events")
        # a versioned database's fingerprint is the database's own, of that version: a link made on its page
        # (which never holds the events) names the same data as the link opened on a data set of that version
        fingerprint = read.fingerprint() if history is not None else None
        data = cls._of(events, claims, src.label, attribution, layers=layers, places=places, fingerprint=fingerprint)
        object.__setattr__(data, "version", counter)  # frozen: set once, as it is made
        if history is not None:
            versioned_database(data, src, history, version)
        return data


def _enriched(events, layers):
    """Rows inserted by others (the loader enriches, a plain INSERT does not) get their region and border."""
    missing = events["region"].isna() | events["border_km"].isna() | events["in_tuareg_region"].isna()
    if missing.any():
        done = enrich(events.loc[missing, [c for c in events.columns if c not in
                                           ("region", "border_km", "in_tuareg_region")]], layers)
        events = events.copy()
        for col in ("region", "border_km", "in_tuareg_region"):
            events.loc[missing, col] = done[col] if col in done else False  # Mali's column: data in Mali
    events["in_tuareg_region"] = events["in_tuareg_region"].astype(bool)
    return events


def versioned_database(data, src: PostgisSource, history=None, version: int | None = None):
    """``data`` (a database's ``Dataset`` or ``geo.db.pushdown.DatabaseDataset``) with its versions: an older
    version is a ``Dataset`` read through ``PostgisSource.as_of`` (``geo.sources.versioned.as_of``), holding
    its events, as ``Dataset.from_postgis`` reads them. ``data`` itself when the database keeps no versions."""
    data = with_db_versions(data, src, version, history)
    if getattr(data, "history", None) is None:
        return data
    history, counter, layers = data.history, data.version, data.layers

    def read(v: int):
        older = Dataset.from_postgis(src, layers=layers, version=v, history=history)
        object.__setattr__(older, "version", counter)  # the database's state it was read in (the page follows it)
        return older

    data.__dict__["_read_version"] = read
    return data


#: Most events ``Dataset.from_postgis`` reads into memory (GEO_DB_MAX_EVENTS overrides): about 2.5 GB.
MAX_DB_EVENTS = 3_000_000


class LiveDataset:
    """A PostGIS database's data set that follows the database: ``current()`` asks the database
    for its change counter at most every ``check_every`` seconds (one tiny query) and reads the
    events again only when they changed. Shared by every session of a server (thread-safe).

    When the database cannot be reached, ``current()`` keeps the last data set and ``problem``
    says why (a plain sentence without the password); it clears once the database answers again.
    The first read raises ``DatabaseError`` instead (there is nothing to show).
    """

    def __init__(self, url: str, *, layers: dict | None = None, check_every: float = 3.0, settle=None,
                 pushdown: bool = False):
        import threading

        self.source = PostgisSource(url)
        self.layers = layers
        self.check_every = float(check_every)
        self.settle = settle or (lambda data: data)
        #: ask the database for each view (``geo.db.pushdown.DatabaseDataset``) rather than hold its events
        self.pushdown = pushdown
        self.problem: str | None = None
        self._lock = threading.Lock()
        self._data = self.settle(self._read(None))
        self._checked = time.monotonic()

    def _read(self, previous):
        if self.pushdown:
            from ..db.pushdown import DatabaseDataset

            # its versions too: a link's older version is read as a data set of its own (versioned_database)
            return versioned_database(DatabaseDataset.read(self.source, previous=previous, layers=self.layers),
                                      self.source)
        return Dataset.from_postgis(self.source, layers=self.layers)

    @property
    def label(self) -> str:
        return self.source.label

    def version(self) -> int:
        return self._data.version

    def current(self) -> Dataset:
        """The data set as of at most ``check_every`` seconds ago."""
        with self._lock:
            if time.monotonic() - self._checked < self.check_every:
                return self._data
            self._checked = time.monotonic()
            try:
                version, _ = self.source.state()
                if version != self.version():
                    self._data = self.settle(self._read(self._data))
                self.problem = None
            except DatabaseError as exc:
                self.problem = str(exc)
            return self._data
