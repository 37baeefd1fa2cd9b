"""The import report of ``read_events``, and how its rejected rows are put into words."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ..events import CLAIM_COLUMNS, EMPTY
from ..i18n import N_, _, format_number, ngettext, retranslate
from .formats import FORMAT_LABELS, NATIVE_ATTRIBUTION
from .monadic import empty_folds

REJECTED_COLUMNS = ["row", "event_id", "field", "reason"]
_SHOWN = 5  # rejected rows listed by str(report)

#: The reasons a row is rejected for, as the readers write them (in English: the report, its CSV and the
#: cache keep them so); ``localized_reason`` says them in the language in use. Marked here for the
#: catalogue: the readers build them column-wise.
REASONS = (
    N_("{field} missing"), N_("{field} '{value}' is not valid"), N_("date '{value}' unparseable"),
    N_("{field} {value} out of range {low}..{high}"), N_("{field} '{value}' is not a number"),
    N_("{field} '{value}' not one of {choices}"), N_("{field} '{value}' is not a whole number of at least 0"),
    N_("date missing"), N_("no actor"), N_("id missing"),
    N_("{field} '{value}' is before {start_field} '{start}'"),
    N_("duplicate id '{id}' (first at row {row})"), N_("record has {count} fields; the header has {expected}"),
    N_("date '{value}' is ambiguous: the file has both day/month dates ({dmy}) and month/day dates ({mdy})"),
)


def localized_reason(reason) -> str:
    """A rejected row's reasons ("; "-separated, in English) in the language in use."""
    return "; ".join(retranslate(part) for part in str(reason or "").split("; ")) if reason else ""


def localized_rejected(rejected: pd.DataFrame) -> pd.DataFrame:
    """The rejected rows with their reasons in the language in use (a new frame; English: as they are)."""
    if rejected.empty or retranslate("date missing") == "date missing":
        return rejected
    return rejected.assign(reason=rejected["reason"].map(localized_reason))


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
        """The report in words, in the language in use (``geo.i18n``)."""
        label = FORMAT_LABELS.get(self.format, self.format)
        text = _("{format} file {name} ({encoding}): {read} rows read, {accepted} accepted, {rejected} rejected").format(
            format=label, name=repr(self.source_name), encoding=self.encoding, read=format_number(self.rows_read),
            accepted=format_number(self.accepted), rejected=format_number(self.rejected_count))
        if self.folded_count:
            text += _(", {folded} folded into another row's event (monadic export): {events} events").format(
                folded=format_number(self.folded_count), events=format_number(self.event_count))
        shown = []
        for row in self.rejected.head(_SHOWN).itertuples(index=False):
            where = (_("row {row} ({id_field} {id})").format(row=row.row, id_field=_id_label(self.format),
                                                            id=row.event_id)
                     if row.event_id else _("row {row}").format(row=row.row))
            shown.append(f"{where}: {localized_reason(row.reason)}")
        if shown:
            more = self.rejected_count - len(shown)
            text += ": " + "; ".join(shown) + (_("; and {count} more").format(count=format_number(more))
                                               if more > 0 else "")
        return "\n".join([text + "."] + [_("warning: {text}").format(text=retranslate(w)) for w in self.warnings])


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


def file_name(source_name) -> str:
    """A file's own name, without the folders of a path on the server (``/srv/data/ged.csv`` -> ``ged.csv``;
    Windows' backslashes too): what a report may show every visitor."""
    return re.split(r"[\\/]", str(source_name or ""))[-1]


def for_reader(report: ImportReport) -> ImportReport:
    """The report as a visitor may read it: the file named by its own name, never its path on the
    server (a new report; the caller's is left as it is)."""
    return replace(report, source_name=file_name(report.source_name))


def ambiguous_dates(report: ImportReport) -> bool:
    """Whether the file's dates could be read two ways and nothing in it decided."""
    return any(": AMBIGUOUS:" in w for w in report.warnings)


def summary_line(report: ImportReport, name: str | None = None) -> str:
    """The report in one line, in the language in use: whose it is (``name``, else the file's own name),
    the rows used of the rows read, the rows rejected and whether the dates were ambiguous."""
    name = name or file_name(report.source_name)
    head = _("Import report of {name}").format(name=name) if name else _("Import report")
    text = head + ": " + _("{used} of {read} rows used").format(used=format_number(report.accepted),
                                                             read=format_number(report.rows_read))
    if report.rejected_count:
        text += _(", {count} rejected").format(count=format_number(report.rejected_count))
    if ambiguous_dates(report):
        text += "; " + ngettext("the order of day and month of {count} date is ambiguous",
                                "the order of day and month of {count} dates is ambiguous",
                                _ambiguous_count(report)).format(count=format_number(_ambiguous_count(report)))
    return text


def short_line(report: ImportReport, name: str | None = None) -> str:
    """``summary_line`` short enough for one line of a phone beside its button: the rows used of the rows
    read, the rows rejected, whether dates are ambiguous; ``name`` (a data set's, when several) first."""
    text = _("{used} of {read} rows used").format(used=format_number(report.accepted),
                                                 read=format_number(report.rows_read))
    if report.rejected_count:
        text += _(", {count} rejected").format(count=format_number(report.rejected_count))
    if ambiguous_dates(report):
        text += "; " + _("dates ambiguous")
    return f"{name}: {text}" if name else text


def _ambiguous_count(report: ImportReport) -> int:
    for w in report.warnings:
        if ": AMBIGUOUS:" in w:
            found = re.search(r"AMBIGUOUS: ([\d,]+) row", w)
            if found:
                return int(found.group(1).replace(",", ""))
    return 0
