"""The HTML of an event's popup and tooltip: what, when, where, who, how many,
who claims what, and the sources. Every piece of data text is escaped here."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..agreement import figure_text
from ..analysis import claim_ranges
from ..events import claims_for, split_list
from ..fatalities import fatality_note
from ..styles import GEO_PRECISION_TEXT, TIME_PRECISION_TEXT, esc, safe_link


def _fmt_date(value, precision) -> str:
    if pd.isna(value):
        return "date unknown"
    ts = pd.Timestamp(value)
    text = ts.strftime("%B %Y") if precision == 3 else ts.strftime("%-d %B %Y")
    return f"{text} ({TIME_PRECISION_TEXT.get(int(precision), 'precision unknown')})"


def _side_html(actor, assoc) -> str:
    names = [esc(actor)] if str(actor or "").strip() else []
    names += [esc(a) for a in split_list(assoc or "")]
    return "<br>".join(names) if names else "<i>none named</i>"


def _num(value) -> str:
    return "–" if pd.isna(value) else f"{int(value):,}"


def _losses(c) -> str:
    parts = [f"{int(c[k]):,} {k}" for k in ("killed", "wounded", "captured") if not pd.isna(c[k])]
    return ", ".join(parts) if parts else "no figure given"


def claims_html(claims: pd.DataFrame) -> str:
    """The claims about one event as an HTML table, side by side: who, when, where reported, what.

    One row per statement (a claimant's words on one day in one outlet); its
    lines give the losses claimed for each side.
    """
    if claims.empty:
        return ""
    rows = []
    keys = ["claimant", "claim_date", "source"]
    for (claimant, when, source), group in claims.groupby(keys, sort=False, dropna=False):
        date = "date unknown" if pd.isna(when) else pd.Timestamp(when).strftime("%-d %b %Y")
        urls = []
        for u in group.get("source_url", pd.Series(dtype=object)).fillna(""):
            urls += [x for x in split_list(u) if x not in urls]
        links = " ".join(safe_link(u) for u in urls)
        what = "<br>".join(f"{esc(c['side'])}: {esc(_losses(c))}" for _, c in group.iterrows())
        said = "".join(
            f"<div class='stmt'>{esc(t)}</div>" for t in dict.fromkeys(group.get("statement", [])) if t
        )
        rows.append(
            f"<tr><td><b>{esc(claimant)}</b><div class='src'>{esc(date)} · {esc(source)} {links}</div></td>"
            f"<td>{what}{said}</td></tr>"
        )
    return (
        "<div class='claims'><h3>Claims</h3><table><tr><th>Who says (when, where)</th><th>What they claim</th></tr>"
        + "".join(rows) + "</table></div>"
    )


def _same_place_html(others: list[Mapping], total: int | None = None) -> str:
    total = len(others) if total is None else total
    if not total:
        return ""
    items = "".join(
        f"<li>{esc(pd.Timestamp(o['event_date']).strftime('%-d %b %Y'))} · {esc(o['event_type'])} · "
        f"{int(o['fatalities']):,} killed</li>"
        for o in others
    )
    if total > len(others):
        items += f"<li>and {total - len(others):,} more</li>"
    return (f"<div class='same-place'><h3>Also at this place</h3> ({total:,}; larger circles lie "
            f"beneath smaller ones):<ul>{items}</ul></div>")


def _range_html(rng) -> str:
    if rng is None or rng["claimants"] < 1 or pd.isna(rng["low"]):
        return ""
    low, high = int(rng["low"]), int(rng["high"])
    span = f"{low:,}" if low == high else f"{low:,} to {high:,}"
    if rng["disputed"]:
        sides = rng.get("disputed_sides", "") if hasattr(rng, "get") else ""
        verdict = "<b class='disputed'>disputed</b>: the claims disagree" + (
            f" on the dead of {esc(sides)}" if sides else "")
    else:
        verdict = "no two claimants disagree on the same side's dead"
    return (f"<div class='range'>Claimed killed: {span} ({int(rng['claimants'])} claimant(s)); "
            f"{verdict}</div>")


def datasets_html(records) -> str:
    """Each data set's records of a matched event side by side: one column per data set (date, place,
    actors, fatalities: ACLED's figure, UCDP's low/best/high, the claimants' figures)."""
    if not records:
        return ""
    by_set: dict[str, list] = {}
    for r in records:
        by_set.setdefault(r["dataset"], []).append(r)
    cols = []
    for name, rows in by_set.items():
        cells = []
        for r in rows:
            start = pd.Timestamp(r["event_date"])
            end = pd.Timestamp(r["date_end"]) if r.get("date_end") is not None else None
            when = start.strftime("%-d %b %Y") + (f" – {end.strftime('%-d %b %Y')}" if end is not None
                                                   and end.date() != start.date() else "")
            side_b = _side_html(r["actor2"], r["assoc_actor_2"]) if r["actor2"] else ""
            claims = "".join(f"<div class='claimed'>{esc(who)}: {n:,} killed</div>" for who, n in r["claims"])
            cells.append(
                f"<div class='ds-record'><div>{esc(when)}</div><div>{esc(r['location'])}</div>"
                f"<div class='muted'>{_side_html(r['actor1'], r['assoc_actor_1'])}"
                + (f"<br>vs {side_b}" if side_b else "") + "</div>"
                f"<div class='ds-figure'><b>{esc(figure_text(r))}</b> killed</div>{claims}"
                f"<div class='muted'>{esc(r['event_id'])}</div></div>")
        total = sum(r["fatalities"] for r in rows)
        head = f"{esc(name)}" + (f" <span class='muted'>({len(rows)} records, {total:,} killed)</span>"
                                 if len(rows) > 1 else "")
        cols.append(f"<td><div class='ds-name'><b>{head}</b></div>{''.join(cells)}</td>")
    return ("<div class='datasets'><h3>In " + str(len(by_set)) + " data sets</h3>"
            "<table class='ds-table'><tr>" + "".join(cols) + "</tr></table></div>")


def popup_html(event: Mapping, claims: pd.DataFrame | None = None,
               same_place: list[Mapping] | None = None, *, claim_range=None,
               same_place_total: int | None = None) -> str:
    """The popup of one event: what, when, where, who, how many, who claims what, sources.

    Every piece of data text is escaped; links are made only of http(s) URLs.
    """
    title = esc(event["event_type"])
    if str(event.get("sub_event_type") or "").strip():
        title += f" · {esc(event['sub_event_type'])}"
    place = esc(event["location"])
    if str(event.get("admin1") or "").strip():
        place += f", {esc(event['admin1'])}"
    precision = GEO_PRECISION_TEXT.get(int(event.get("geo_precision") or 1), "")
    urls = split_list(event.get("source_url") or "")
    sources = esc(event.get("source") or "not given")
    if urls:
        sources += " · " + " ".join(safe_link(u) for u in urls)
    own_claims = claims_for(claims, event["event_id"]) if claims is not None and len(claims) else _NO_CLAIMS
    fatalities = int(event["fatalities"])
    return (
        "<div class='ev-popup'>"
        f"<h2 class='ev-title'>{title}</h2>"
        f"<div>{esc(_fmt_date(event['event_date'], int(event.get('time_precision') or 1)))}</div>"
        f"<div>{place} <span class='muted'>({esc(precision)})</span></div>"
        "<table class='sides'><tr><th>Side A</th><th>Side B</th></tr>"
        f"<tr><td>{_side_html(event['actor1'], event.get('assoc_actor_1'))}</td>"
        f"<td>{_side_html(event.get('actor2'), event.get('assoc_actor_2'))}</td></tr></table>"
        f"<div><h3>Fatalities</h3> (conservative): {fatalities:,}"
        + (f" <span class='muted'>· {len(own_claims)} claim(s) below</span>" if len(own_claims) else "")
        + "</div>"
        + _note_html(fatality_note(event["event_id"], fatalities, own_claims))
        + datasets_html(event.get("_datasets"))
        + _range_html(claim_range if claim_range is not None else _own_range(own_claims))
        + claims_html(own_claims)
        + (f"<div class='notes'>{esc(event['notes'])}</div>" if str(event.get("notes") or "").strip() else "")
        + f"<div class='sources'><h3>Sources</h3>: {sources}</div>"
        + _same_place_html(same_place or [], same_place_total)
        + f"<div class='muted'>{esc(event['event_id'])}</div>"
        "</div>"
    )


_NO_CLAIMS = pd.DataFrame()


def _note_html(note: str) -> str:
    """Where the conservative figure comes from (``geo.fatalities.fatality_note``), under it."""
    return f"<div class='muted fig-note'>{esc(note)}</div>" if note else ""


def _own_range(own_claims: pd.DataFrame):
    if own_claims.empty:
        return None
    return claim_ranges(own_claims).iloc[0]


def tooltip_text(event: Mapping) -> str:
    """One line for hovering: date, place, type, fatalities (escaped HTML)."""
    date = pd.Timestamp(event["event_date"]).strftime("%-d %b %Y")
    return esc(f"{date} · {event['location']} · {event['event_type']} · {int(event['fatalities'])} killed")
