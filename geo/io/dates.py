"""Dates as ACLED, UCDP and spreadsheet programs write them, read to YYYY-MM-DD.

``read_dates(text)`` reads a column of date strings and says what it had to decide:

- ISO ``2024-07-27`` (a time after it is ignored, as in UCDP's ``2024-07-27
  00:00:00.000``) and ``2024/07/27``;
- day and month name: ``27 July 2024``, ``27 Jul 2024``, ``27-July-2024`` (ACLED),
  ``9-May-20`` and ``09-mai-20`` (Excel's ``d-mmm-yy``, English or French), ``July 27, 2024``;
- numbers: ``27/07/2024``, ``7/27/2024``, ``27.07.2024``, ``27-07-24``. Day/month order is
  decided from the column as a whole: a first number above 12 anywhere makes it day/month,
  a second one above 12 month/day. A column that never says is read day/month (ACLED's
  codebook order) and the report says so; a column with both orders rejects the rows that
  could be either. ``day_first`` overrides the decision;
- Excel serial day numbers (``45500`` = 2024-07-27), days since 1899-12-30, for years
  1950–2100.

Two-digit years follow Excel: 00–29 are 2000–2029, 30–99 are 1930–1999 (ACLED's data start
in 1997). Every such decision is reported; nothing is guessed silently.

Vectorised over the distinct values only: a million rows hold a few thousand dates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..i18n import N_

#: Month names and abbreviations (English; French as French Excel writes them), lower case.
MONTHS: dict[str, int] = {}
for _number, _names in enumerate((
        ("january", "jan", "janvier", "janv"), ("february", "feb", "février", "fevrier", "févr", "fevr", "fév"),
        ("march", "mar", "mars"), ("april", "apr", "avril", "avr"), ("may", "mai"), ("june", "jun", "juin"),
        ("july", "jul", "juillet", "juil"), ("august", "aug", "août", "aout"),
        ("september", "sep", "sept", "septembre"), ("october", "oct", "octobre"),
        ("november", "nov", "novembre"), ("december", "dec", "décembre", "decembre", "déc")), start=1):
    for _name in _names:
        MONTHS[_name] = _number

_TIME = r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_ISO = r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})" + _TIME + "$"
_NUMERIC = r"^(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<y>\d{4}|\d{2})" + _TIME + "$"
_DAY_NAME = r"^(?P<d>\d{1,2})(?:st|nd|rd|th)?[-\s/.]+(?P<mon>[^\W\d_]+)\.?[-\s/.,]+(?P<y>\d{4}|\d{2})" + _TIME + "$"
_NAME_DAY = r"^(?P<mon>[^\W\d_]+)\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4}|\d{2})" + _TIME + "$"
_SERIAL = r"^\d{5}(?:\.\d+)?$"
#: Excel serial day numbers read as dates: 1950-01-01 .. 2100-12-31.
SERIAL_RANGE = (18264, 73415)
_EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
_SHOWN = 3


@dataclass
class DateReading:
    """A date column read: ``values`` (YYYY-MM-DD where read, the stripped original where not),
    ``notes`` (what was decided, for the import report) and ``problems`` (row -> reason, for rows
    that must be rejected with a better reason than "unparseable")."""

    values: pd.Series
    notes: list[str] = field(default_factory=list)
    problems: pd.Series = field(default_factory=lambda: pd.Series([], dtype=object))


def _full_year(years: pd.Series) -> pd.Series:
    y = pd.to_numeric(years, errors="coerce")
    short = years.str.len().le(2)
    return y.where(~short, np.where(y < 30, 2000 + y, 1900 + y))


def _ymd(y, m, d) -> pd.Series:
    """YYYY-MM-DD where (y, m, d) is a real day, else NA (vectorised)."""
    frame = pd.DataFrame({"year": pd.to_numeric(y, errors="coerce"), "month": pd.to_numeric(m, errors="coerce"),
                          "day": pd.to_numeric(d, errors="coerce")})
    ok = frame.notna().all(axis=1) & frame["year"].between(1, 9999)
    out = pd.Series(pd.NA, index=frame.index, dtype=object)
    if ok.any():
        parsed = pd.to_datetime(frame[ok].astype("int64"), errors="coerce")
        good = parsed.notna()
        out.loc[good[good].index] = parsed[good].dt.strftime("%Y-%m-%d")
    return out


def _examples(values) -> str:
    values = list(values)
    shown = ", ".join(repr(v) for v in values[:_SHOWN])
    return shown + (f" and {len(values) - _SHOWN} more" if len(values) > _SHOWN else "")


@dataclass
class _Reading:
    """A column's distinct values being read: the dates found, the rejected ones and the notes."""

    u: pd.Series
    counts: np.ndarray
    name: str
    out: pd.Series = None
    reject: pd.Series = None
    short_years: pd.Series = None
    notes: list = field(default_factory=list)

    def __post_init__(self):
        self.out = pd.Series(pd.NA, index=self.u.index, dtype=object)
        self.reject = pd.Series(pd.NA, index=self.u.index, dtype=object)  # a reason per distinct value
        self.short_years = pd.Series(False, index=self.u.index)

    def rows_of(self, mask: pd.Series) -> int:
        return int(self.counts[mask.to_numpy(dtype=bool)].sum())

    def todo(self) -> pd.Series:
        return self.out.isna() & self.u.ne("") & self.reject.isna()


def read_dates(text: pd.Series, *, day_first: bool | None = None, name: str = "date") -> DateReading:
    """Read a column of dates in any of the styles above; see the module's doc."""
    stripped = text.astype(str).str.strip()
    codes, uniques = pd.factorize(stripped, sort=False)
    u = pd.Series(np.asarray(uniques, dtype=object), dtype=object).astype(str)
    counts = np.bincount(codes[codes >= 0], minlength=len(u)) if len(u) else np.zeros(0, dtype=np.int64)
    r = _Reading(u, counts, name)
    iso = u.str.extract(_ISO)
    hit = iso["y"].notna()
    if hit.any():
        r.out[hit] = _ymd(iso["y"][hit], iso["m"][hit], iso["d"][hit])
    _read_month_names(r)
    if r.todo().any():
        _read_numeric(r, day_first)
    if r.short_years.any():
        years = pd.to_numeric(r.out[r.short_years].str.slice(0, 4))
        r.notes.append(N_("{field}: {count} row(s) have a two-digit year, as spreadsheets write it ({examples}): "
                          "read with Excel's rule, 00-29 as 2000-2029 and 30-99 as 1930-1999 (here {first}-{last})"
                          ).format(field=name, count=r.rows_of(r.short_years),
                                   examples=_examples(u[r.short_years[r.short_years].index]),
                                   first=int(years.min()), last=int(years.max())))
    if r.todo().any():
        _read_serials(r)
    values_u = r.out.where(r.out.notna(), u).to_numpy(dtype=object)
    values = pd.Series(values_u[codes] if len(u) else np.array([], dtype=object), index=text.index,
                       dtype=object)
    problems = pd.Series([], dtype=object)
    if r.reject.notna().any():
        per_row = r.reject.to_numpy(dtype=object)[codes]
        mask = pd.notna(per_row)
        problems = pd.Series(per_row[mask], index=np.flatnonzero(mask), dtype=object)
    return DateReading(values, r.notes, problems)


def _read_month_names(r: _Reading) -> None:
    """Day and month name; month name and day."""
    for pattern in (_DAY_NAME, _NAME_DAY):
        todo = r.todo()
        if not todo.any():
            break
        parts = r.u[todo].str.extract(pattern)
        month = parts["mon"].str.lower().map(MONTHS)
        ok = parts["y"].notna() & month.notna()
        if ok.any():
            idx = ok[ok].index
            r.out[idx] = _ymd(_full_year(parts["y"][idx]), month[idx], parts["d"][idx])
            r.short_years[idx] = parts["y"][idx].str.len().le(2) & r.out[idx].notna()


def _read_numeric(r: _Reading, day_first: bool | None) -> None:
    """Numbers: the day/month order from the column as a whole (or as asked)."""
    u = r.u
    parts = u[r.todo()].str.extract(_NUMERIC)
    num = parts["y"].notna()
    if not num.any():
        return
    parts = parts[num]
    a, b = pd.to_numeric(parts["a"]), pd.to_numeric(parts["b"])
    year = _full_year(parts["y"])
    as_dmy, as_mdy = _ymd(year, b, a), _ymd(year, a, b)
    either = as_dmy.notna() & as_mdy.notna() & (a != b)
    idx = parts.index
    if day_first is not None:
        r.out[idx] = as_dmy if day_first else as_mdy
        if either.any():
            r.notes.append((N_("{field}: {count} row(s) with dates such as {examples} read as "
                               "day/month/year, as asked") if day_first else
                            N_("{field}: {count} row(s) with dates such as {examples} read as "
                               "month/day/year, as asked")).format(
                field=r.name, count=r.rows_of(either.reindex(u.index, fill_value=False)),
                examples=_examples(u[either[either].index])))
    else:
        _numeric_order(r, idx, as_dmy, as_mdy, either)
    short = parts["y"].str.len().le(2) & r.out[idx].notna()
    r.short_years[short[short].index] = True


def _numeric_order(r: _Reading, idx, as_dmy: pd.Series, as_mdy: pd.Series, either: pd.Series) -> None:
    """No order asked: the unambiguous dates say it; both orders in one file reject the ambiguous ones."""
    u, name = r.u, r.name
    dmy_only = as_dmy.notna() & as_mdy.isna()
    mdy_only = as_mdy.notna() & as_dmy.isna()
    has_dmy, has_mdy = bool(dmy_only.any()), bool(mdy_only.any())
    same = as_dmy.where(as_dmy.notna(), as_mdy)  # unambiguous ones read as they must
    r.out[idx] = same.where(~either)
    ambiguous_rows = r.rows_of(either.reindex(u.index, fill_value=False))
    if has_dmy and has_mdy:
        amb = either[either].index
        r.reject[amb] = ("date '" + u[amb] + "' is ambiguous: the file has both day/month dates ("
                         + repr(u[dmy_only[dmy_only].index[0]]) + ") and month/day dates ("
                         + repr(u[mdy_only[mdy_only].index[0]]) + ")")
        r.notes.append(N_("{field}: the file mixes day/month ({dmy}) and month/day ({mdy}) dates: each "
                          "unambiguous one is read as it must be; {count} row(s) that could be either "
                          "are rejected").format(field=name, dmy=repr(u[dmy_only[dmy_only].index[0]]),
                                                 mdy=repr(u[mdy_only[mdy_only].index[0]]),
                                                 count=ambiguous_rows))
        return
    order = "mdy" if has_mdy else "dmy"
    evidence = (mdy_only if has_mdy else dmy_only)
    if ambiguous_rows:
        r.out[either[either].index] = (as_mdy if order == "mdy" else as_dmy)[either]
    if evidence.any():
        if ambiguous_rows:
            r.notes.append((N_("{field}: numeric dates read as month/day/year, as {example} in the "
                               "same column shows; {count} row(s) with dates such as {examples} "
                               "would read either way") if order == "mdy" else
                            N_("{field}: numeric dates read as day/month/year, as {example} in the "
                               "same column shows; {count} row(s) with dates such as {examples} "
                               "would read either way")).format(
                field=name, example=repr(u[evidence[evidence].index[0]]), count=ambiguous_rows,
                examples=_examples(u[either[either].index])))
    elif ambiguous_rows:
        r.notes.append(N_("{field}: AMBIGUOUS: {count} row(s) with dates such as {examples} could be "
                          "day/month or month/day, and no date in the file tells: read as "
                          "day/month/year (ACLED's order); check them (read_events(..., "
                          "day_first=False) reads them the other way)").format(
            field=name, count=ambiguous_rows, examples=_examples(u[either[either].index])))


def _read_serials(r: _Reading) -> None:
    """Excel serial day numbers."""
    u, todo = r.u, r.todo()
    serial = u[todo][u[todo].str.match(_SERIAL)]
    days = pd.to_numeric(serial, errors="coerce")
    serial = serial[days.between(*SERIAL_RANGE)]
    if not len(serial):
        return
    whole = np.floor(days[serial.index].to_numpy()).astype("int64")
    r.out[serial.index] = pd.Series((_EXCEL_EPOCH + whole).astype(str), index=serial.index)
    mask = pd.Series(False, index=u.index)
    mask[serial.index] = True
    r.notes.append(N_("{field}: {count} row(s) hold Excel serial day numbers ({examples}): read as days since "
                      "1899-12-30 ({serial} = {date})").format(
        field=r.name, count=r.rows_of(mask), examples=_examples(serial), serial=serial.iloc[0],
        date=r.out[serial.index[0]]))


def normalise_dates(text: pd.Series) -> pd.Series:
    """Dates as YYYY-MM-DD where they can be read; the stripped original where not (``read_dates``'
    values, without its notes)."""
    return read_dates(text).values
