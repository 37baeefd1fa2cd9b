"""Text alternatives for what the map and the chart show, for screen readers and anyone who
reads rather than looks: the map's description (how many events, the filters, the types and the
top places) and the chart's numbers as a table.

The dashboard shows them beside the map and the chart (``aria-describedby`` inside the map, a
"map as text" expander, a data table under the chart); the snapshots put the description in their
metadata as alt text (PNG ``Description``/``Alt``, SVG ``<title>``/``<desc>``, PDF ``/Subject``,
the HTML map's described region).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..analysis import claim_ranges
from ..i18n import _, category, format_date, format_number, ngettext
from ..styles import actor_side, event_type_family, side_label

#: How many places, types or sides the description names (the rest are counted).
TOP_PLACES = 5


def _codes(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes (-1 for missing) and the values they stand for: a categorical's own, else factorized."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy(), column.cat.categories
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    return codes, pd.Index(uniques)


def top_places(events: pd.DataFrame, n: int = TOP_PLACES) -> pd.DataFrame:
    """The places with the most events: ``place`` (with its region), ``events``, ``fatalities``;
    most events first, then most fatalities, then by name (a stable order for equal counts).

    Counted with integer codes per distinct (location, region) pair, and only the leading pairs are
    named: a million events cost two bincounts (~30 ms).
    """
    cols = ["place", "events", "fatalities"]
    if events.empty:
        return pd.DataFrame(columns=cols)
    loc, loc_names = _codes(events["location"])
    if "admin1" in events:
        reg, reg_names = _codes(events["admin1"])
    else:
        reg, reg_names = np.full(len(events), -1), pd.Index([])
    width = len(reg_names) + 1
    pair = (loc.astype(np.int64) + 1) * width + (reg.astype(np.int64) + 1)
    fatalities = pd.to_numeric(events["fatalities"], errors="coerce").to_numpy(dtype=float, na_value=0.0)
    count = np.bincount(pair)
    dead = np.bincount(pair, weights=fatalities)
    present = np.flatnonzero(count)
    # the leading pairs (by events, then fatalities), with room for pairs that read as the same name
    keep = present[np.lexsort((-dead[present], -count[present]))[: max(4 * n, n + 20)]]

    def name(code: int) -> str:
        li, ri = divmod(int(code), width)
        location = str(loc_names[li - 1]).strip() if li else ""
        region = str(reg_names[ri - 1]).strip() if ri else ""
        if location and region and region != location:
            return f"{location} ({region})"
        return location or region or _("place unnamed")

    out = pd.DataFrame({"place": [name(c) for c in keep], "events": count[keep], "fatalities": dead[keep]})
    out = out.groupby("place", sort=False, as_index=False).sum()  # a blank and a missing region: one place
    out = out.sort_values(["events", "fatalities", "place"], ascending=[False, False, True])
    out["events"] = out["events"].astype(int)
    out["fatalities"] = out["fatalities"].round().astype(int)
    return out.head(n).reset_index(drop=True)[cols]


def _counts(labels: pd.Series, name, n: int) -> str:
    """"A 12, B 3, 2 more": the values of ``labels`` named by ``name`` (per distinct value), most first."""
    counts = labels.value_counts(sort=False, dropna=False)
    named: dict[str, int] = {}
    for value, count in counts.items():
        if count:
            key = name("" if pd.isna(value) else str(value))
            named[key] = named.get(key, 0) + int(count)
    ordered = sorted(named.items(), key=lambda kv: (-kv[1], kv[0]))
    parts = [f"{key} {format_number(count)}" for key, count in ordered[:n]]
    if len(ordered) > n:
        parts.append(_("{count} more").format(count=format_number(len(ordered) - n)))
    return ", ".join(parts)


def disputed_count(events: pd.DataFrame, claims: pd.DataFrame | None) -> int:
    """How many of ``events`` have claims that disagree (the map draws them with a dashed outline)."""
    if claims is None or claims.empty or events.empty:
        return 0
    ranges = claim_ranges(claims)
    return int(events["event_id"].isin(ranges.index[ranges["disputed"]]).sum())


def map_description(events: pd.DataFrame, filter_lines: Iterable[str] | None = None, *,
                    color_by: str = "event_type", disputed: int | None = None, total: int | None = None,
                    places: int = TOP_PLACES, draw: str = "auto") -> str:
    """What the map shows, in a few plain sentences: the number of events and fatalities, the
    dates, the filters, the event types (or the initiators' sides) and the places with the most
    events. ``filter_lines`` is ``EventFilter.describe()`` (None: no sentence on the filters);
    ``disputed`` the number of events whose claims disagree (drawn with a dashed outline);
    ``total`` the number of events in the data; ``draw`` the map's ("heat": a heatmap, not circles).

    The text is plain (not HTML): escape it where it becomes HTML. In the language in use (``geo.i18n``):
    the category and side names too; places as the data writes them.
    """
    n = len(events)
    of = _(" of {total}").format(total=format_number(total)) if total is not None and total != n else ""
    filters = None if filter_lines is None else ("; ".join(filter_lines) or _("All events"))
    if n == 0:
        return (_("Map of conflict events: no events match the filters ({filters}).").format(filters=filters)
                if filters else _("Map of conflict events: no events match the filters."))
    dead = int(pd.to_numeric(events["fatalities"], errors="coerce").fillna(0).sum())
    dates = pd.to_datetime(events["event_date"])
    first, last = dates.min(), dates.max()
    span = (_("on {date}").format(date=format_date(first)) if first.date() == last.date()
            else _("from {first} to {last}").format(first=format_date(first), last=format_date(last)))
    lines = [ngettext("Map of {count}{of} conflict event {span}, with {dead} fatalities (conservative counts).",
                      "Map of {count}{of} conflict events {span}, with {dead} fatalities (conservative counts).",
                      n).format(count=format_number(n), of=of, span=span, dead=format_number(dead))
             + (" " + _("Filters: {filters}.").format(filters=filters) if filters else "")]
    if draw == "heat":
        lines.append(_("Drawn as a heatmap of the number of events."))
    if color_by == "side" and draw != "heat":
        lines.append(_("Circles are coloured by the initiator's side: {counts}.").format(
            counts=_counts(events["actor1"], lambda a: side_label(actor_side(a)), 6)))
    else:
        family = (lambda t: category(event_type_family(t) or t) or _("type not given"))
        counts = _counts(events["event_type"], family, 6)
        lines.append(_("Events by type: {counts}.").format(counts=counts) if draw == "heat" else
                     _("Circles are coloured by event type: {counts}.").format(counts=counts))
    top = top_places(events, places)
    if len(top):
        listed = "; ".join(ngettext("{place}: {count} event, {killed} killed", "{place}: {count} events, {killed} killed",
                                    r.events).format(place=r.place, count=format_number(r.events),
                                                     killed=format_number(r.fatalities))
                           for r in top.itertuples())
        lines.append(_("Places with the most events: {places}.").format(places=listed))
    if disputed:
        lines.append(ngettext("{count} event with claims that disagree (drawn with a dashed outline).",
                              "{count} events with claims that disagree (drawn with a dashed outline).",
                              disputed).format(count=format_number(disputed)))
    return " ".join(lines)


def chart_table(data: pd.DataFrame, measure: str = "events", by: str = "event_type") -> pd.DataFrame:
    """The numbers of a timeline chart (``geo.timeline``'s rows) as a table to read: one row per
    period (its first day as ``period``), one column per ``by`` value with the ``measure`` (events
    or fatalities), and a ``Total`` column."""
    if measure not in ("events", "fatalities"):
        raise ValueError(f"measure must be 'events' or 'fatalities', not {measure!r}")
    if data.empty:
        return pd.DataFrame(columns=["period", "Total"])
    wide = data.pivot_table(index="period", columns=by, values=measure, aggfunc="sum", fill_value=0,
                            observed=True, sort=True)
    wide = wide.astype(int)
    wide.columns = [str(c) for c in wide.columns]
    wide["Total"] = wide.sum(axis=1)
    wide = wide.reset_index()
    wide["period"] = pd.to_datetime(wide["period"]).dt.date
    return wide


__all__ = ["TOP_PLACES", "chart_table", "disputed_count", "map_description", "top_places"]
