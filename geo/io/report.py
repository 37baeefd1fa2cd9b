"""The import report of ``read_events``, and how its rejected rows are put into words."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..events import CLAIM_COLUMNS, EMPTY
from .formats import FORMAT_LABELS, NATIVE_ATTRIBUTION
from .monadic import empty_folds

REJECTED_COLUMNS = ["row", "event_id", "field", "reason"]
_SHOWN = 5  # rejected rows listed by str(report)


@dataclass(frozen=True, eq=False)
class ImportReport:
    """What ``read_events`` did with a file.

    ``rejected`` has one row per rejected data row: ``row`` (from 1), ``event_id``
    (the canonical id, "" where the row has none), ``field`` (the file's column of
    the first problem) and ``reason`` (every problem of the row, separated by "; ").
    ``claims`` is in the columns of ``geo.events.CLAIM_SCHEMA``; ``attribution`` is
    the citation the data asks for.

    ``folded`` lists the rows of an ACLED monadic export folded into another row's
    event (``row``, ``event_id``, ``into_row``, ``actor``: the side it brought). A
    folded row is accepted (its actor is in the event), so ``accepted + rejected ==
    rows_read`` always holds, and the events number ``accepted - folded_count``
    (``event_count``). ``warnings`` says what was decided on the way: day/month order,
    two-digit years, missing-value spellings, skipped tag rows, dropped index columns,
    older column names, folds.
    """

    format: str
    source_name: str
    encoding: str
    rows_read: int
    accepted: int
    rejected: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    claims: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CLAIM_COLUMNS))
    attribution: str = NATIVE_ATTRIBUTION
    folded: pd.DataFrame = field(default_factory=empty_folds)

    @property
    def rejected_count(self) -> int:
        return len(self.rejected)

    @property
    def folded_count(self) -> int:
        return len(self.folded)

    @property
    def needs_review(self) -> bool:
        """Whether the user should read this report: rows were rejected, or dates could be read two
        ways and nothing in the file decided (the dashboard opens the report by itself then)."""
        return bool(self.rejected_count) or any(": AMBIGUOUS:" in w for w in self.warnings)

    @property
    def event_count(self) -> int:
        """The events the accepted rows make (a monadic pair is one)."""
        return self.accepted - self.folded_count

    def __str__(self) -> str:
        label = FORMAT_LABELS.get(self.format, self.format)
        text = (f"{label} file {self.source_name!r} ({self.encoding}): {self.rows_read} rows read, "
                f"{self.accepted} accepted, {self.rejected_count} rejected")
        if self.folded_count:
            text += (f", {self.folded_count} folded into another row's event (monadic export): "
                     f"{self.event_count} events")
        shown = []
        for row in self.rejected.head(_SHOWN).itertuples(index=False):
            ident = f" ({_id_label(self.format)} {row.event_id})" if row.event_id else ""
            shown.append(f"row {row.row}{ident}: {row.reason}")
        if shown:
            more = self.rejected_count - len(shown)
            text += ": " + "; ".join(shown) + (f"; and {more} more" if more > 0 else "")
        return "\n".join([text + "."] + [f"warning: {w}" for w in self.warnings])


def _id_label(fmt: str) -> str:
    return {"acled": "event_id_cnty", "ucdp": "id"}.get(fmt, "event_id")


def reasons(problems: pd.DataFrame, fields: dict[str, str], schema: tuple) -> pd.DataFrame:
    """``check_table``'s problems as the file's field and a plain reason (vectorised)."""
    p = problems.reset_index(drop=True)
    canon = p["field"].astype(object)
    name = canon.map(lambda f: fields.get(f, f)).astype(object)
    value = p["value"].astype(str).str.slice(0, 80).astype(object)
    empty = p["problem"].eq(EMPTY)
    reason = (name + " missing").where(empty, name + " '" + value + "' is not valid")
    number = pd.to_numeric(value.where(~empty), errors="coerce")
    rules = {c.name: c for c in schema}
    for col_name, col in rules.items():
        on = canon.eq(col_name) & ~empty
        if not on.any():
            continue
        if col.kind == "date":
            reason[on] = "date '" + value[on] + "' unparseable"
        elif col.kind == "float":
            ranged = on & number.notna()
            reason[ranged] = name[ranged] + " " + value[ranged] + f" out of range {col.lo:g}..{col.hi:g}"
            reason[on & number.isna()] = name + " '" + value + "' is not a number"
        elif col.choices is not None:
            reason[on] = name + " '" + value + "' not one of " + ", ".join(map(str, col.choices))
        elif col.kind == "int":
            reason[on] = name + " '" + value + "' is not a whole number of at least 0"
    reason[empty & canon.eq("event_date")] = "date missing"
    reason[empty & canon.eq("actor1")] = "no actor"
    reason[empty & canon.eq("event_id")] = "id missing"
    return pd.DataFrame({"row": p["row"], "field": name, "reason": reason})


def rejected_table(found: pd.DataFrame, ids: pd.Series) -> pd.DataFrame:
    """One row per rejected row: its first problem's field and all its reasons."""
    if found.empty:
        return pd.DataFrame({"row": pd.Series([], dtype="int64"), "event_id": pd.Series([], dtype=object),
                             "field": pd.Series([], dtype=object), "reason": pd.Series([], dtype=object)})
    found = found.drop_duplicates(["row", "field"], keep="first").sort_values("row", kind="stable")
    grouped = found.groupby("row", sort=True).agg(field=("field", "first"), reason=("reason", "; ".join))
    rows = grouped.index.to_numpy(dtype=np.int64)
    return pd.DataFrame({"row": rows + 1, "event_id": ids.to_numpy(dtype=object)[rows],
                         "field": grouped["field"].to_numpy(dtype=object),
                         "reason": grouped["reason"].to_numpy(dtype=object)})
