"""A data set as the dashboard, the snapshots and the command line use it: the events
(with their region and border distance), the claims, what they hold, and whose they are."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from .analysis import enrich
from .events import CLAIM_COLUMNS, load_claims, load_events
from .layers import load_layers
from .readers import ImportReport, read_events
from .view import Vocabulary

EMBEDDED_LABEL = "Curated northern-Mali events 2023–2024 (embedded)"
EMBEDDED_ATTRIBUTION = (
    "Events: Northern Mali conflict events 2023–2024, curated from public reporting by the "
    "conflict-map project (CC BY 4.0)"
)


@dataclass(frozen=True)
class Dataset:
    """Events and claims ready for every view. Shared read-only: never change its frames."""

    events: gpd.GeoDataFrame
    claims: pd.DataFrame
    vocabulary: Vocabulary
    label: str
    attribution: str
    report: ImportReport | None = None

    @classmethod
    def embedded(cls, layers: dict | None = None) -> Dataset:
        """The curated set shipped in data/."""
        events = enrich(load_events(), layers or load_layers())
        claims = load_claims()
        return cls(events, claims, Vocabulary.of(events, claims), EMBEDDED_LABEL, EMBEDDED_ATTRIBUTION)

    @classmethod
    def from_source(cls, source, *, name: str | None = None, claims_path: str | Path | None = None,
                    layers: dict | None = None) -> Dataset:
        """An ACLED, UCDP GED or native file (a path or a file-like object), read row by row.

        Rows that cannot be used are in ``report.rejected``; a file that is not one of
        the known formats raises ``ImportFormatError``. ``claims_path`` adds a claims
        table in the native CSV format; otherwise the file's own estimates (UCDP's
        low/best/high, a native GeoJSON's claims) are the claims.
        """
        events, report = read_events(source, name=name)
        claims = load_claims(claims_path) if claims_path else report.claims
        if claims is None:
            claims = pd.DataFrame(columns=CLAIM_COLUMNS)
        events = enrich(events, layers or load_layers())
        label = f"{report.format.upper()} file '{Path(report.source_name).name}'"
        return cls(events, claims, Vocabulary.of(events, claims), label, report.attribution, report)
