"""ACLED's aggregated data: numbers of events and fatalities per region and week or month, not events.

ACLED publishes counts that need no account, and many analysts hold only those: its own weekly files
(``WEEK``, ``REGION``, ``COUNTRY``, ``ADMIN1``, ``EVENT_TYPE``, ``SUB_EVENT_TYPE``, ``EVENTS``,
``FATALITIES``, ``POPULATION_EXPOSURE``, ``DISORDER_TYPE``, ``ID``, ``CENTROID_LATITUDE``,
``CENTROID_LONGITUDE``) and HDX's monthly versions (``Country``, ``Admin1`` [``Admin2``], ``ISO3``,
``Admin1 Pcode``, ``Month``, ``Year``, ``Events`` or ``Fatalities``, an HXL tag row under the header).
A row is a count, not an event: it has no date of its own, no place but a region's centroid, no actors,
no claims. Faking events from it (one point per count) would draw what no source reported, so it is a
kind of its own: ``geo.io.readers.read_aggregated`` gives an ``Aggregated`` table, which the dashboard shows as region
totals on the map, a chart of the counts, and the filters that apply (period, type, region);
``read_events`` refuses such a file with ``AggregatedDataError``, which says what it is.

The table's columns: ``period_start`` (the week's or month's first day), ``country``, ``admin1``,
``admin2``, ``event_type``, ``sub_event_type``, ``disorder_type``, ``events``, ``fatalities``
(whole numbers; a file that gives only one of them has the other as 0 and ``measures`` says which it
has), ``latitude``, ``longitude`` (the region's centroid; NaN where the file gives none).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import ImportFormatError
from ..i18n import N_
from .dates import MONTHS, read_dates
from .formats import ACLED_ATTRIBUTION
from .variants import canonical_names, drop_hxl_row, drop_index_columns

#: Count columns, and the period columns, by which a file is told to be aggregated.
COUNT_COLUMNS = ("events", "fatalities")
PERIOD_COLUMNS = ("week", "month")
AGGREGATED_COLUMNS = ("period_start", "country", "admin1", "admin2", "event_type", "sub_event_type",
                      "disorder_type", "events", "fatalities", "latitude", "longitude")
#: Other spellings of the aggregated files' columns (lower case, spaces as "_") -> ours.
_ALIASES = {"centroid_latitude": "latitude", "centroid_longitude": "longitude", "admin_1": "admin1",
            "admin_2": "admin2", "event_count": "events", "number_of_events": "events", "fatality_count": "fatalities"}


#: The reasons a row of counts is rejected for (kept in English, said in the language in use when shown:
#: ``geo.io.report.localized_reason``).
REASONS = (N_("{period} '{value}' unreadable"), N_("count not a whole number of at least 0"))


class AggregatedDataError(ImportFormatError):
    """The file holds aggregated counts (per region and week or month), not events: ``read_aggregated``
    reads it."""


def is_aggregated(columns) -> str | None:
    """"week" or "month" when ``columns`` (already lower case) are those of aggregated counts, else None."""
    cols = {_ALIASES.get(c, c) for c in columns}
    if "event_id_cnty" in cols or "event_date" in cols or "event_id" in cols or "date_start" in cols:
        return None
    if not (cols & set(COUNT_COLUMNS)) or not (cols & {"admin1", "admin2", "country"}):
        return None
    if "week" in cols:
        return "week"
    if "month" in cols and "year" in cols:
        return "month"
    return None


def aggregated_error(period: str, label: str) -> AggregatedDataError:
    return AggregatedDataError(N_("ACLED aggregated data (numbers of events per region and {period}), not single "
                                  "events: it is shown as region totals and counts (geo.read_aggregated), "
                                  "without event popups, claims or matching").format(period=period), path=label)


@dataclass(frozen=True, eq=False)
class Aggregated:
    """Counts per region and period read from a file (see the module's doc)."""

    table: pd.DataFrame
    period: str  # "week" or "month"
    source_name: str
    rows_read: int
    measures: tuple[str, ...]  # "events", "fatalities": what the file counts
    rejected: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["row", "reason"]))
    attribution: str = ACLED_ATTRIBUTION

    @property
    def first(self) -> dt.date | None:
        return None if self.table.empty else self.table["period_start"].min().date()

    @property
    def last(self) -> dt.date | None:
        """The last day the counts cover (the end of the last week or month)."""
        if self.table.empty:
            return None
        start = self.table["period_start"].max()
        end = start + (pd.Timedelta(days=6) if self.period == "week" else pd.offsets.MonthEnd(0))
        return end.date()


def _month_starts(month: pd.Series, year: pd.Series) -> pd.Series:
    """HDX's ``Month`` (a name, an abbreviation or a number) and ``Year`` as the month's first day."""
    key = month.astype(str).str.strip().str.lower()
    number = key.map(MONTHS).astype("Float64")
    number = number.fillna(pd.to_numeric(key, errors="coerce").astype("Float64"))
    years = pd.to_numeric(year.astype(str).str.strip(), errors="coerce")
    ok = number.between(1, 12).fillna(False) & years.between(1900, 2100)
    text = (years.where(ok).astype("Int64").astype(str) + "-" + number.where(ok).astype("Int64").astype(str)
            .str.zfill(2) + "-01")
    return pd.to_datetime(text.where(ok), format="%Y-%m-%d", errors="coerce")


def aggregated_table(raw: pd.DataFrame, label: str) -> Aggregated:
    """A table of strings (as the readers parse a file) read as aggregated counts; rows whose period or
    counts cannot be read are rejected with the reason."""
    raw, _ = drop_index_columns(raw)
    raw, _ = drop_hxl_row(raw)
    raw, _ = canonical_names(raw)
    raw = raw.rename(columns={c: _ALIASES[c] for c in raw.columns if c in _ALIASES and _ALIASES[c] not in raw})
    period = is_aggregated(raw.columns)
    if period is None:
        raise ImportFormatError(N_("not ACLED aggregated data (expected a week, or a month and year, a region and "
                                   "events or fatalities)"), path=label)
    raw = raw.reset_index(drop=True)
    col = lambda name: raw[name].astype(str).str.strip() if name in raw else pd.Series("", index=raw.index)  # noqa
    if period == "week":
        reading = read_dates(col("week"), name="week")
        start = pd.to_datetime(pd.Series(reading.values, index=raw.index), format="%Y-%m-%d", errors="coerce")
    else:
        start = _month_starts(col("month"), col("year"))
    measures = tuple(c for c in COUNT_COLUMNS if c in raw)
    counts = {c: pd.to_numeric(col(c).str.replace(",", "", regex=False), errors="coerce") for c in measures}
    bad_period = start.isna()
    bad_count = np.zeros(len(raw), dtype=bool)
    for c, values in counts.items():
        bad_count |= (values.isna() | (values < 0) | (values % 1 != 0)).to_numpy()
    reasons = pd.Series("", index=raw.index, dtype=object)
    reasons[bad_period] = period + " '" + col(period)[bad_period] + "' unreadable"
    reasons[bad_count & ~bad_period.to_numpy()] = "count not a whole number of at least 0"
    bad = bad_period.to_numpy() | bad_count
    table = pd.DataFrame({"period_start": start}, index=raw.index)
    for name in ("country", "admin1", "admin2", "event_type", "sub_event_type", "disorder_type"):
        table[name] = col(name)
    for name in COUNT_COLUMNS:
        table[name] = counts[name].fillna(0).astype("int64") if name in counts else 0
    for name in ("latitude", "longitude"):
        table[name] = pd.to_numeric(col(name), errors="coerce")
    rejected = pd.DataFrame({"row": np.flatnonzero(bad) + 1, "reason": reasons[bad].to_numpy(dtype=object)})
    return Aggregated(table[~bad].reset_index(drop=True), period, label, len(raw), measures, rejected)


def filter_aggregated(table: pd.DataFrame, *, start=None, end=None, event_types=(), regions=()) -> pd.DataFrame:
    """The counts of the periods starting from ``start`` to ``end``, of these types and regions (``admin1``);
    an empty choice keeps all."""
    keep = np.ones(len(table), dtype=bool)
    if start is not None:
        keep &= (table["period_start"] >= pd.Timestamp(start)).to_numpy()
    if end is not None:
        keep &= (table["period_start"] <= pd.Timestamp(end)).to_numpy()
    if event_types:
        keep &= table["event_type"].isin(list(event_types)).to_numpy()
    if regions:
        keep &= table["admin1"].isin(list(regions)).to_numpy()
    return table[keep]


def region_totals(table: pd.DataFrame) -> pd.DataFrame:
    """Events and fatalities per region (country, admin1, admin2 where the file has it), most events first,
    with the region's centroid (NaN where the file gives none)."""
    keys = ["country", "admin1"] + (["admin2"] if table["admin2"].ne("").any() else [])
    out = table.groupby(keys, sort=False).agg(events=("events", "sum"), fatalities=("fatalities", "sum"),
                                             latitude=("latitude", "mean"), longitude=("longitude", "mean"))
    return out.reset_index().sort_values(["events", "fatalities"], ascending=False, ignore_index=True)


def counts_by_period(table: pd.DataFrame, measure: str = "events", by: str = "event_type") -> pd.DataFrame:
    """The counts per period start (rows) and ``by`` (columns): the chart of the counts."""
    if table.empty:
        return pd.DataFrame()
    return table.pivot_table(index="period_start", columns=by, values=measure, aggfunc="sum", fill_value=0)


__all__ = ["AGGREGATED_COLUMNS", "Aggregated", "AggregatedDataError", "aggregated_table", "counts_by_period",
           "filter_aggregated", "is_aggregated", "region_totals"]
