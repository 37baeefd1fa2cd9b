"""The JSON that ACLED's and UCDP's APIs answer, read as a table of strings for the readers' ACLED and
UCDP mappings (``geo.io.formats``): the same columns as their CSV exports, so a page of the API, a
saved answer uploaded as a file and an export give the same events.

- ACLED: ``{"status": 200, "success": true, "count": K, "data": [{...}, ...]}``, every value a string,
  in the columns of an ACLED export (``GET {ACLED}/api/acled/read?_format=json``).
- UCDP: ``{"TotalCount": N, "TotalPages": P, "NextPageUrl": "...", "Result": [{...}, ...]}`` in GED's
  columns, numbers as JSON numbers (``GET {UCDP}/api/gedevents/{version}``).

The answer is untrusted: a record that is not an object is an empty row (rejected by the readers with
its row number), a nested value is kept as its JSON text, and an API that says it failed
(``"success": false``) is an ``ImportFormatError`` quoting (shortened) what it said.
"""

from __future__ import annotations

import json
import math

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import ImportFormatError
from ..i18n import N_
from .limits import check_columns

#: Which wrapper is which API, by the keys of its top-level object.
ACLED_KEYS = ("data",)
UCDP_KEYS = ("Result",)


def api_kind(doc) -> str | None:
    """"acled" or "ucdp" when ``doc`` (parsed JSON) is an answer of their API, else None."""
    if not isinstance(doc, dict):
        return None
    if isinstance(doc.get("Result"), list) and ("TotalCount" in doc or "TotalPages" in doc or "NextPageUrl" in doc):
        return "ucdp"
    if isinstance(doc.get("data"), list) and ("success" in doc or "status" in doc or "count" in doc):
        return "acled"
    if doc.get("success") is False and ("error" in doc or "status" in doc):  # ACLED's answer to a refusal
        return "acled"
    return None


def _cell(value) -> str:
    """One JSON value as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        return repr(value)  # the shortest text that reads back the same, as JSON wrote it
    return json.dumps(value, ensure_ascii=False)[:10_000]  # a nested value: its text, bounded


def records_table(records: list) -> pd.DataFrame:
    """API records (a list of JSON objects) as a table of strings, as the CSV reader gives a file's: one
    column per key met (in the order first met), "" where a record lacks it or holds null; a record that
    is not an object is a row of "".

    Built column by column in Arrow (no type inference: UCDP's ``gwnob`` stays "625", never "625.0"); a
    column of strings only (ACLED's API, or JSON parsed with ``parse_int=str, parse_float=str``) is
    converted in C, any other value through ``_cell``.
    """
    rows = [r if isinstance(r, dict) else {} for r in records]
    keys = tuple(rows[0]) if rows else ()
    if keys and all(tuple(r) == keys for r in rows):  # every record with the same keys in the same order
        names = dict.fromkeys(map(str, keys))
        values_of = dict(zip(names, zip(*[tuple(r.values()) for r in rows])))
    else:
        names = dict.fromkeys(str(k) for r in rows for k in r)
        values_of = {name: [r.get(name) for r in rows] for name in names}
    columns = {}
    for name in names:
        values = values_of.pop(name)
        try:
            array = pa.array(values, type=pa.string())
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            array = pa.array([v if type(v) is str else _cell(v) for v in values], type=pa.string())
        columns[name] = pc.fill_null(array, "")
    if not columns:
        return pd.DataFrame(index=pd.RangeIndex(len(rows)))
    return pa.table(columns).to_pandas()


def parse_page(body: bytes):
    """An API page's JSON with its numbers kept as their text (``parse_int=str, parse_float=str``): what a CSV
    export would hold, and the fast path of ``records_table``. ``ValueError`` when it is not JSON."""
    return json.loads(body, parse_int=str, parse_float=str, parse_constant=lambda _name: "")


def api_records(doc, kind: str, label: str) -> list:
    """The records of an API answer; an answer that reports a failure raises ``ImportFormatError``."""
    if kind == "acled":
        failed = doc.get("success") is False or str(doc.get("status", "200")) not in ("200", "")
        if failed:
            said = doc.get("error") or doc.get("message") or doc.get("status")
            said = json.dumps(said, ensure_ascii=False)[:200] if not isinstance(said, str) else said[:200]
            raise ImportFormatError(N_("ACLED's API answered with an error ({reason}), not events").format(
                reason=said), path=label)
        return doc["data"] if isinstance(doc.get("data"), list) else []
    return doc["Result"]


def read_api_json(doc, label: str) -> tuple[pd.DataFrame, list[str]] | None:
    """An API answer (parsed JSON) as a table of strings and a note for the import report; None when
    ``doc`` is not one (a GeoJSON FeatureCollection, say)."""
    kind = api_kind(doc)
    if kind is None:
        return None
    records = api_records(doc, kind, label)
    check_columns(len(set().union(*(r.keys() for r in records if isinstance(r, dict)))), label, what="API answer")
    note = (N_("ACLED API answer (JSON): {count} record(s)") if kind == "acled"
            else N_("UCDP API answer (JSON): {count} record(s)")).format(count=len(records))
    table = records_table(records)
    if kind == "ucdp" and len(table) and "id" not in table.columns:
        table["id"] = ""  # the readers reject each row for its missing id, rather than the whole file
    return table, [note]


def load_json(data: bytes, label: str):
    """Parsed JSON; ``ImportFormatError`` (naming the file) when it is not JSON or nests too deep."""
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:
        reason = str(exc)[:200] if not isinstance(exc, RecursionError) else "nested too deep"
        raise ImportFormatError(N_("not readable JSON ({reason})").format(reason=reason), path=label) from None
