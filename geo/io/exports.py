"""The events behind a view, as files analysts use: CSV, GeoJSON, KML and GeoParquet.

- ``csv``: exactly the columns of data/events.csv (``EVENT_COLUMNS`` in order,
  dates as YYYY-MM-DD), then any other non-geometry columns. Claims are not
  inlined: ``export_claims`` writes them as data/claims.csv does. Both read back
  with ``load_events`` / ``load_claims`` to the same frames.
- ``geojson``: a FeatureCollection of points; each feature's properties are the
  same columns (ISO dates, numbers as numbers) plus ``claims``, the list of the
  event's claims (``CLAIM_COLUMNS``, ISO dates, null for a number not stated).
  The collection's ``attribution`` names the data's source. This is the native
  GeoJSON that ``geo.io.readers.read_events`` reads back.
- ``kml``: a Google Earth document, one Placemark per event (name, time stamp,
  a description escaped as HTML, the columns as ExtendedData, a style per colour).
- ``parquet``: GeoParquet (``GeoDataFrame.to_parquet``) of the same columns; the
  claims (as JSON records) and the attribution go in the file's key-value
  metadata (keys ``claims`` and ``attribution``), so that the table itself stays
  the canonical one.

With an ``ExportMeta`` (``geo.io.metadata``) every format also carries the title, the filters in
words, the share link and the data's version where it has a place for them: GeoJSON's top-level
members, Parquet's key-value metadata (``filters`` as a JSON list), KML's document ``ExtendedData``
(and its description); a CSV's go in its CSVW metadata file (``export_csvw``).
"""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq

from ..events import CLAIM_COLUMNS, CLAIM_SCHEMA, CRS, EVENT_COLUMNS, EVENT_SCHEMA, FORMULA_START
from ..styles import esc, event_color
from .metadata import ExportMeta, csvw_metadata

#: Export formats: name -> (file suffix, media type).
EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    "csv": (".csv", "text/csv"),
    "geojson": (".geojson", "application/geo+json"),
    "kml": (".kml", "application/vnd.google-earth.kml+xml"),
    "parquet": (".parquet", "application/vnd.apache.parquet"),
}

_XML_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DATE = {c.name for c in EVENT_SCHEMA + CLAIM_SCHEMA if c.kind == "date"}


def _columns(events: pd.DataFrame) -> list[str]:
    extra = [c for c in events.columns if c not in EVENT_COLUMNS and c != "geometry"
             and not (isinstance(events, gpd.GeoDataFrame) and c == events.geometry.name)]
    return [c for c in EVENT_COLUMNS if c in events.columns] + extra


def _table(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The columns as written to text: dates as YYYY-MM-DD, everything else as is."""
    out = pd.DataFrame(frame[columns]).copy()
    for c in columns:
        if c in _DATE or pd.api.types.is_datetime64_any_dtype(out[c]):
            out[c] = pd.to_datetime(out[c]).dt.strftime("%Y-%m-%d").astype(object)
    return out


def _csv(frame: pd.DataFrame, columns: list[str]) -> str:
    """The table as CSV with formula-like text (``=``, ``+``, ``-``, ``@``, tab, CR at the start) behind an
    apostrophe, so that a spreadsheet shows it instead of running it; ``load_events`` and ``read_events``
    take the apostrophe off again. Numbers stay numbers (a negative longitude is not text). Line breaks
    inside text are written as ``\\n`` (a bare CR would not be quoted and would split the row)."""
    table = _table(frame, columns)
    for c in columns:
        values = table[c]
        if not (values.dtype == object or pd.api.types.is_string_dtype(values.dtype)):
            continue
        has_cr = values.map(lambda v: isinstance(v, str) and "\r" in v).astype(bool)
        if has_cr.any():
            values = table[c] = values.astype(object).where(
                ~has_cr, values.astype(str).str.replace("\r\n", "\n").str.replace("\r", "\n"))
        risky = values.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_START)).astype(bool)
        if risky.any():
            table[c] = values.astype(object).where(~risky, "'" + values.astype(str))
    return table.to_csv(index=False, lineterminator="\n")


def _records(frame: pd.DataFrame) -> list[dict]:
    """JSON-ready records: dates as ISO text, missing values as None, numpy scalars as Python ones."""
    records = _table(frame, list(frame.columns)).astype(object).to_dict("records")
    return [{k: (None if _missing(v) else (v.item() if hasattr(v, "item") else v)) for k, v in r.items()}
            for r in records]


def _missing(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _own_claims(claims: pd.DataFrame | None, events: pd.DataFrame | None) -> pd.DataFrame:
    if claims is None:
        return pd.DataFrame(columns=CLAIM_COLUMNS)
    claims = claims.reindex(columns=CLAIM_COLUMNS)
    if events is not None:
        claims = claims[claims["event_id"].isin(set(events["event_id"]))]
    return claims


def export_claims(claims: pd.DataFrame | None, events: pd.DataFrame | None = None) -> str:
    """The claims (those about ``events`` when given) as CSV in data/claims.csv's columns."""
    return _csv(_own_claims(claims, events), CLAIM_COLUMNS)


def _claims_by_event(claims: pd.DataFrame | None, events: pd.DataFrame) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for record in _records(_own_claims(claims, events)):
        out.setdefault(str(record["event_id"]), []).append(record)
    return out


def _geojson(events: pd.DataFrame, claims, attribution, meta: ExportMeta | None = None) -> str:
    by_event = _claims_by_event(claims, events)
    features = []
    for props in _records(events[_columns(events)]):
        props["claims"] = by_event.get(str(props["event_id"]), [])
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [props["longitude"], props["latitude"]]},
            "properties": props,
        })
    doc = {"type": "FeatureCollection"}
    if meta is not None:
        doc.update(meta.as_dict())
    if attribution:
        doc["attribution"] = attribution
    doc["features"] = features
    return json.dumps(doc, ensure_ascii=False, indent=None, separators=(",", ":"))


def _xml_text(value) -> str:
    return _XML_BAD.sub(" ", "" if _missing(value) else str(value))


def _kml_color(hex_color: str) -> str:
    r, g, b = hex_color[1:3], hex_color[3:5], hex_color[5:7]
    return f"cc{b}{g}{r}".lower()  # aabbggrr


def _kml(events: pd.DataFrame, claims, attribution, meta: ExportMeta | None = None) -> str:
    ns = "http://www.opengis.net/kml/2.2"
    ET.register_namespace("", ns)
    q = lambda tag: f"{{{ns}}}{tag}"  # noqa: E731
    root = ET.Element(q("kml"))
    doc = ET.SubElement(root, q("Document"))
    ET.SubElement(doc, q("name")).text = _xml_text(meta.title if meta is not None and meta.title else "Conflict events")
    about = dict(meta.as_text()) if meta is not None else {}
    if attribution:
        about["attribution"] = attribution
    if about:  # Google Earth shows the description as HTML: the data's text escaped
        lines = [esc(about[k]) for k in ("attribution", "filters", "share_link", "data_version") if k in about]
        ET.SubElement(doc, q("description")).text = _xml_text("<br>".join(lines))
        data = ET.SubElement(doc, q("ExtendedData"))
        for key, value in about.items():
            d = ET.SubElement(data, q("Data"), name=key)
            ET.SubElement(d, q("value")).text = _xml_text(value)
    header = len(doc)
    counts = (claims["event_id"].value_counts() if claims is not None and len(claims) else pd.Series(dtype=int))
    styles: set[str] = set()
    columns = _columns(events)
    for record in _records(events[columns]):
        color = event_color(record, "event_type")
        style_id = "ev-" + color[1:].lower()
        if style_id not in styles:
            styles.add(style_id)
            style = ET.Element(q("Style"), id=style_id)
            icon = ET.SubElement(style, q("IconStyle"))
            ET.SubElement(icon, q("color")).text = _kml_color(color)
            ET.SubElement(ET.SubElement(icon, q("Icon")), q("href")).text = \
                "http://maps.google.com/mapfiles/kml/shapes/placemark_circle.png"
            doc.insert(header, style)
        pm = ET.SubElement(doc, q("Placemark"))
        ET.SubElement(pm, q("name")).text = _xml_text(f"{record['event_date']} · {record['location']} · "
                                                       f"{record['event_type']}")
        # Google Earth shows descriptions as HTML: escape the data as HTML, then ElementTree escapes it as XML
        n_claims = int(counts.get(record["event_id"], 0))
        description = (f"<b>{esc(record['event_type'])}</b> · {esc(record.get('sub_event_type'))}<br>"
                       f"{esc(record['actor1'])} vs {esc(record.get('actor2') or 'none named')}<br>"
                       f"Fatalities (conservative): {int(record['fatalities'] or 0):,}"
                       + (f" · {n_claims} claim(s) in the claims file" if n_claims else "")
                       + f"<br>{esc(record.get('notes'))}<br><i>Sources: {esc(record.get('source'))}</i>")
        ET.SubElement(pm, q("description")).text = _xml_text(description)
        ET.SubElement(ET.SubElement(pm, q("TimeStamp")), q("when")).text = _xml_text(record["event_date"])
        ET.SubElement(pm, q("styleUrl")).text = "#" + style_id
        data = ET.SubElement(pm, q("ExtendedData"))
        for key in columns:
            d = ET.SubElement(data, q("Data"), name=_xml_text(key))
            ET.SubElement(d, q("value")).text = _xml_text(record[key])
        point = ET.SubElement(pm, q("Point"))
        ET.SubElement(point, q("coordinates")).text = f"{record['longitude']!r},{record['latitude']!r},0"
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _parquet(events: pd.DataFrame, claims, attribution, about: ExportMeta | None = None) -> bytes:
    columns = _columns(events)
    gdf = gpd.GeoDataFrame(pd.DataFrame(events[columns]).reset_index(drop=True),
                           geometry=gpd.points_from_xy(events["longitude"], events["latitude"]), crs=CRS)
    buf = io.BytesIO()
    gdf.to_parquet(buf, index=False)
    table = pq.read_table(io.BytesIO(buf.getvalue()))
    meta = dict(table.schema.metadata or {})
    meta[b"claims"] = json.dumps(_records(_own_claims(claims, events)), ensure_ascii=False).encode("utf-8")
    for key, value in (about.as_dict() if about is not None else {}).items():
        meta[key.encode()] = (json.dumps(value, ensure_ascii=False) if isinstance(value, list) else str(value)
                              ).encode("utf-8")
    if attribution:
        meta[b"attribution"] = str(attribution).encode("utf-8")
    out = io.BytesIO()
    pq.write_table(table.replace_schema_metadata(meta), out, compression="zstd")
    return out.getvalue()


def export_events(events: pd.DataFrame, fmt: str, *, claims: pd.DataFrame | None = None,
                  attribution: str | None = None, meta: ExportMeta | None = None) -> bytes | str:
    """The events as a file of format ``fmt`` (a key of ``EXPORT_FORMATS``): str, or bytes for parquet.

    ``claims`` (the claims table) are attached to their events in GeoJSON and
    GeoParquet and counted in KML; CSV leaves them to ``export_claims``.
    ``attribution`` is the data's citation, written where the format has room; ``meta``
    (``ExportMeta``) the filters, share link, data version, title and date, likewise (a CSV's
    go in its CSVW file: ``export_csvw``).
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    if fmt == "csv":
        return _csv(events, _columns(events))
    if fmt == "geojson":
        return _geojson(events, claims, attribution, meta)
    if fmt == "kml":
        return _kml(events, claims, attribution, meta)
    return _parquet(events, claims, attribution, meta)


def export_csvw(table: pd.DataFrame, csv_name: str, meta: ExportMeta | None = None, *,
                claims: bool = False) -> str:
    """The CSVW metadata file (``csv_name + "-metadata.json"``) of ``export_events(table, "csv")`` (or,
    with ``claims``, of ``export_claims``; any other CSV's columns otherwise): what the file holds,
    whose data it is, the filters, the share link and the data's version, and each column's type."""
    if claims:
        columns = CLAIM_COLUMNS
        table = _own_claims(table, None)
    else:
        columns = _columns(table) if "event_id" in table.columns else list(table.columns)
    return csvw_metadata(table, columns, csv_name, meta, dates=_DATE)
