"""What an exported file says about itself, and the names the files get.

``ExportMeta`` is the promise under the download buttons: whose data it is (the attribution),
the filters in words, the share link and the data's version (the fingerprint the link's ``data=``
holds), with the title and the time it was made. ``geo.io.exports`` writes it where each format
has a place for it: GeoJSON's top-level members, Parquet's key-value metadata, KML's document
``ExtendedData``; a CSV gets a W3C CSV on the Web (CSVW) metadata file beside it
(``csvw_metadata``: ``name.csv-metadata.json``, https://www.w3.org/TR/tabular-metadata/).

``file_stem`` names a file by what it holds: the data, the place, the main filter and the dates
(``acled_afghanistan_2020-01-01_2020-12-31``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field

import pandas as pd

#: The keys the metadata goes under (GeoJSON members, Parquet keys, KML Data names), in this order.
META_KEYS = ("title", "attribution", "filters", "share_link", "data_version", "generated")


@dataclass(frozen=True)
class ExportMeta:
    """What a file of a view carries about itself (all plain text; ``filters`` one line per filter)."""

    attribution: str = ""
    filters: tuple[str, ...] = field(default_factory=tuple)
    link: str = ""
    version: str = ""
    title: str = ""
    generated: str = ""  # ISO 8601, UTC

    def as_dict(self) -> dict[str, object]:
        """The metadata under ``META_KEYS`` (``filters`` a list), empty values left out."""
        values = {"title": self.title, "attribution": self.attribution, "filters": list(self.filters),
                  "share_link": self.link, "data_version": self.version, "generated": self.generated}
        return {k: values[k] for k in META_KEYS if values[k] not in ("", [], None)}

    def as_text(self) -> dict[str, str]:
        """The same as text values (``filters`` joined by " · "), for formats that hold only text."""
        return {k: (" · ".join(v) if isinstance(v, list) else str(v)) for k, v in self.as_dict().items()}

    @classmethod
    def from_dict(cls, values: dict) -> "ExportMeta":
        """The metadata read back from ``as_dict``'s (or ``as_text``'s) keys."""
        filters = values.get("filters") or ()
        if isinstance(filters, str):
            filters = tuple(f for f in filters.split(" · ") if f)
        return cls(attribution=str(values.get("attribution") or ""), filters=tuple(map(str, filters)),
                   link=str(values.get("share_link") or ""), version=str(values.get("data_version") or ""),
                   title=str(values.get("title") or ""), generated=str(values.get("generated") or ""))


def _datatype(series: pd.Series, name: str, dates: set[str]) -> str:
    if name in dates or pd.api.types.is_datetime64_any_dtype(series):
        return "date"
    if pd.api.types.is_bool_dtype(series):
        return "boolean"
    if pd.api.types.is_integer_dtype(series):
        return "integer"
    if pd.api.types.is_float_dtype(series):
        return "number"
    return "string"


def csvw_metadata(table: pd.DataFrame, columns: list[str], csv_name: str, meta: ExportMeta | None,
                  dates: set[str] = frozenset(), titles: dict[str, str] | None = None) -> str:
    """The CSVW metadata (JSON) of a CSV named ``csv_name`` holding ``columns`` of ``table``.

    Dublin Core properties say what the file holds: ``dc:title``, ``dc:source`` (the attribution,
    whose data it is), ``dc:description`` (the filters in words, one per line), ``dc:relation`` (the
    share link), ``dc:hasVersion`` (the data's version) and ``dc:created``; ``tableSchema`` names each
    column with its datatype (dates as ``date``, counts as ``integer``, coordinates as ``number``).
    Empty cells are missing values (``"null": ""``)."""
    meta = meta or ExportMeta()
    doc: dict[str, object] = {"@context": "http://www.w3.org/ns/csvw", "url": csv_name}
    for key, value in (("dc:title", meta.title), ("dc:source", meta.attribution),
                       ("dc:description", list(meta.filters)), ("dc:relation", meta.link),
                       ("dc:hasVersion", meta.version), ("dc:created", meta.generated)):
        if value:
            doc[key] = value
    doc["dialect"] = {"header": True, "delimiter": ",", "encoding": "utf-8"}
    doc["tableSchema"] = {"columns": [
        {"name": _csvw_name(c), "titles": c, "datatype": _datatype(table[c], c, set(dates)), "null": ""}
        | ({"dc:description": titles[c]} if titles and c in titles else {}) for c in columns]}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _csvw_name(column: str) -> str:
    """A CSVW column name (a URI template variable: letters, digits, "_" and "%"-escapes)."""
    return re.sub(r"[^A-Za-z0-9_]", "_", str(column)) or "_"


def slug(text: str, limit: int = 40) -> str:
    """``text`` for a file name: ASCII lower case, words joined by "-" ("Côte d'Ivoire" -> "cote-d-ivoire")."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    out = "-".join(words)
    return out[:limit].rstrip("-")


def data_kind(attribution: str | None, events: pd.DataFrame | None = None) -> str:
    """Which data a file holds, for its name: "acled", "ucdp", "acled-ucdp", "curated" or "events"."""
    text = f"{attribution or ''}"
    if events is not None and "dataset" in events.columns and len(events):
        text += " " + " ".join(map(str, pd.unique(events["dataset"].astype(str))))
    kinds = [k for k, words in (("acled", ("ACLED", "Armed Conflict Location")), ("ucdp", ("UCDP", "Uppsala")))
             if any(w.lower() in text.lower() for w in words)]
    if kinds:
        return "-".join(kinds)
    if "curated" in text.lower() or "curat" in text.lower():
        return "curated"
    return "events"


def file_stem(kind: str, places: list[str], main_filter: str, start, end) -> str:
    """A file name (without suffix) that says what the file holds: data, place, main filter, dates.

    ``places``: where the events are (country names, most events first); one or two are named,
    more are "N-countries". ``main_filter``: an actor (its short name before ":"), a type or a region.
    ``start``/``end`` (dates or None) are the period shown."""
    parts = [slug(kind) or "events"]
    named = [slug(p, 30) for p in places if slug(p, 30)]
    if len(named) > 2:
        parts.append(f"{len(named)}-countries")
    elif named:
        parts.append("-".join(named))
    main = str(main_filter or "").split(":")[0]  # ACLED's "JNIM: Group for Support of Islam and Muslims" -> JNIM
    if slug(main, 30):
        parts.append(slug(main, 30))
    for day in (start, end):
        if day is not None and not pd.isna(day):
            parts.append(pd.Timestamp(day).strftime("%Y-%m-%d"))
    return "_".join(parts)


__all__ = ["META_KEYS", "ExportMeta", "csvw_metadata", "data_kind", "file_stem", "slug"]
