"""The HTML of an event's popup and tooltip: what, when, where, who, how many,
who claims what, and the sources. Every piece of data text is escaped here."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import numpy as np
import pandas as pd

from ..matching.groups import figure_text, headline_figure
from ..analysis import claim_ranges
from ..events import claims_for, split_list
from ..fatalities import fatality_note
from ..i18n import _, category, current_language, format_date, format_number, ngettext
from ..styles import esc, precision_text, safe_link


class Shared(str):
    """A piece of popup HTML that many events' popups may hold alike (a type, a date, a pair of sides, a
    source): a map sends it once, and each popup names it (``geo.webmap.markers``). Any other piece is one
    event's own."""

    __slots__ = ()


#: Most values of each kind (dates, places, pairs of sides…) whose popup pieces are kept made.
_KEPT = 50_000


def _fmt_date(value, precision) -> str:
    if pd.isna(value):
        return _("date unknown")
    text = format_date(value, "month" if precision == 3 else "long")
    return _("{date} ({precision})").format(date=text, precision=precision_text("time", precision,
                                                                               _("precision unknown")))


def _side_html(actor, assoc) -> str:
    names = [esc(actor)] if str(actor or "").strip() else []
    names += [esc(a) for a in split_list(assoc or "")]
    return "<br>".join(names) if names else "<i>" + esc(_("none named")) + "</i>"


def _num(value) -> str:
    return "–" if pd.isna(value) else format_number(int(value))


def _loss(kind: str, n: int) -> str:
    count = format_number(n)
    if kind == "killed":
        return _("{count} killed").format(count=count)
    if kind == "wounded":
        return _("{count} wounded").format(count=count)
    return _("{count} captured").format(count=count)


def _losses(c) -> str:
    parts = [_loss(k, int(c[k])) for k in ("killed", "wounded", "captured") if not pd.isna(c[k])]
    return ", ".join(parts) if parts else _("no figure given")


def claims_html(claims: pd.DataFrame) -> str:
    """The claims about one event as an HTML table, side by side: who, when, where reported, what.

    One row per statement (a claimant's words on one day in one outlet); its
    lines give the losses claimed for each side.
    """
    if claims.empty:
        return ""
    return claim_rows_html(claims.to_dict("records"), "source_url" in claims, "statement" in claims)


def _key(value):
    """A group key that is equal for every missing value (as pandas' groupby with dropna=False)."""
    return _MISSING if _isna(value) else value


_MISSING = object()


def _isna(value) -> bool:
    return value is None or value is pd.NaT or value is pd.NA or (isinstance(value, float) and value != value)


def claim_rows_html(records: list[dict], with_urls: bool = True, with_statements: bool = True) -> str:
    """``claims_html`` of one event's claims as plain rows (``to_dict("records")``, in ``claims_for``'s
    order): grouped by claimant, date and source in order of appearance, without a DataFrame per event."""
    if not records:
        return ""
    groups: dict[tuple, list[dict]] = {}
    for c in records:
        groups.setdefault((_key(c.get("claimant")), _key(c.get("claim_date")), _key(c.get("source"))), []).append(c)
    rows = []
    for group in groups.values():
        first = group[0]
        claimant, when, source = first.get("claimant"), first.get("claim_date"), first.get("source")
        date = _("date unknown") if _isna(when) else format_date(when, "medium")
        urls = []
        if with_urls:
            for c in group:
                u = c["source_url"]
                urls += [x for x in split_list("" if _isna(u) else u) if x not in urls]
        links = " ".join(safe_link(u) for u in urls)
        what = "<br>".join(f"{esc(c['side'])}: {esc(_losses(c))}" for c in group)
        said = "".join(
            f"<div class='stmt'>{esc(t)}</div>" for t in dict.fromkeys(c["statement"] for c in group) if t
        ) if with_statements else ""
        rows.append(
            f"<tr><td><b>{esc(claimant)}</b><div class='src'>{esc(date)} · {esc(source)} {links}</div></td>"
            f"<td>{what}{said}</td></tr>"
        )
    return (
        "<div class='claims'><h3>" + esc(_("Claims")) + "</h3><table><tr><th>" + esc(_("Who says (when, where)"))
        + "</th><th>" + esc(_("What they claim")) + "</th></tr>"
        + "".join(rows) + "</table></div>"
    )


def same_place_item(other: Mapping) -> str:
    """An event's line in the popups of the other events at its place (``Shared``: the others' popups name it)."""
    return _same_place_line(other["event_date"], other["event_type"], int(other["fatalities"]), current_language())


@lru_cache(maxsize=_KEPT)
def _same_place_line(when, event_type, killed: int, lang: str) -> Shared:
    return Shared(f"<li>{esc(format_date(when, 'medium'))} · {esc(category(event_type))} · "
                  f"{esc(_loss('killed', killed))}</li>")


def same_place_fragments(lines: list[str], total: int | None = None) -> list[str]:
    """"Also at this place" as popup pieces: its heading, the others' lines (``same_place_item``), and how many
    more there are of ``total``."""
    total = len(lines) if total is None else total
    if not total:
        return []
    lang = current_language()
    return [_same_place_head(total, lang), *lines, _same_place_foot(total - len(lines), lang)]


@lru_cache(maxsize=1024)
def _same_place_head(total: int, lang: str) -> Shared:
    return Shared("<div class='same-place'><h3>" + esc(_("Also at this place")) + "</h3> "
                  + esc(_("({count}; larger circles lie beneath smaller ones):").format(count=format_number(total)))
                  + "<ul>")


@lru_cache(maxsize=1024)
def _same_place_foot(more: int, lang: str) -> Shared:
    return Shared(("<li>" + esc(_("and {count} more").format(count=format_number(more))) + "</li>" if more > 0
                   else "") + "</ul></div>")


def _range_html(rng) -> str:
    if rng is None or rng["claimants"] < 1 or pd.isna(rng["low"]):
        return ""
    low, high = int(rng["low"]), int(rng["high"])
    span = format_number(low) if low == high else _("{low} to {high}").format(low=format_number(low),
                                                                             high=format_number(high))
    if rng["disputed"]:
        sides = rng.get("disputed_sides", "") if hasattr(rng, "get") else ""
        verdict = (_("<b class='disputed'>disputed</b>: the claims disagree on the dead of {sides}").format(
            sides=esc(sides)) if sides else _("<b class='disputed'>disputed</b>: the claims disagree"))
    else:
        verdict = esc(_("no two claimants disagree on the same side's dead"))
    n = int(rng["claimants"])
    said = ngettext("Claimed killed: {span} ({count} claimant)", "Claimed killed: {span} ({count} claimants)",
                    n).format(span=span, count=n)
    return f"<div class='range'>{esc(said)}; {verdict}</div>"


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
            when = format_date(start, "medium") + (f" – {format_date(end, 'medium')}" if end is not None
                                                    and end.date() != start.date() else "")
            side_b = _side_html(r["actor2"], r["assoc_actor_2"]) if r["actor2"] else ""
            claims = "".join(f"<div class='claimed'>{esc(who)}: {esc(_loss('killed', n))}</div>"
                             for who, n in r["claims"])
            cells.append(
                f"<div class='ds-record'><div>{esc(when)}</div><div>{esc(r['location'])}</div>"
                f"<div class='muted'>{_side_html(r['actor1'], r['assoc_actor_1'])}"
                + ("<br>" + esc(_("vs")) + f" {side_b}" if side_b else "") + "</div>"
                f"<div class='ds-figure'>"
                + _("<b>{figure}</b> killed").format(figure=esc(figure_text(r))) + f"</div>{claims}"
                f"<div class='muted'>{esc(r['event_id'])}</div></div>")
        total = sum(r["fatalities"] for r in rows)
        head = f"{esc(name)}" + (" <span class='muted'>" + esc(_("({count} records, {killed} killed)").format(
            count=len(rows), killed=format_number(total))) + "</span>" if len(rows) > 1 else "")
        cols.append(f"<td><div class='ds-name'><b>{head}</b></div>{''.join(cells)}</td>")
    return ("<div class='datasets'><h3>" + esc(_("In {count} data sets").format(count=len(by_set))) + "</h3>"
            "<table class='ds-table'><tr>" + "".join(cols) + "</tr></table></div>")


def possible_html(links) -> str:
    """Records of other events that fit this one's records as well ("possible" links): named, not merged."""
    if not links:
        return ""
    items = "".join(f"<li>{esc(link['dataset'])}: {esc(link['event_id'])} <span class='muted'>("
                    + esc(ngettext("{km} km, {days} day apart", "{km} km, {days} days apart", link["days"]).format(
                        km=format_number(round(link["km"], 1)), days=link["days"])) + ")</span></li>"
                    for link in links)
    return ("<div class='possible'><h3>" + esc(_("Possibly the same event")) + "</h3><p class='muted'>"
            + esc(_("These records fit it too, but their data set's own record of it is already linked; "
                    "they are drawn as events of their own.")) + f"</p><ul>{items}</ul></div>")


def popup_html(event: Mapping, claims: pd.DataFrame | None = None,
               same_place: list[Mapping] | None = None, *, claim_range=None,
               same_place_total: int | None = None, change: str = "") -> str:
    """The popup of one event: what, when, where, who, how many, who claims what, sources.

    Every piece of data text is escaped; links are made only of http(s) URLs. A map builds the
    popups of its events at once (``event_popup``, from ``geo.webmap.claimsindex.ClaimsIndex``).
    """
    own_claims = claims_for(claims, event["event_id"]) if claims is not None and len(claims) else _NO_CLAIMS
    note = fatality_note(event["event_id"], int(event["fatalities"]), own_claims)
    rng = claim_range if claim_range is not None else _own_range(own_claims)
    return event_popup(event, own_claims.to_dict("records"), note, rng, same_place, same_place_total,
                       with_urls="source_url" in own_claims, with_statements="statement" in own_claims, change=change)


def event_popup(event: Mapping, claims: list[dict], note: str, claim_range, same_place: list[Mapping] | None,
                same_place_total: int | None, *, with_urls: bool = True, with_statements: bool = True,
                change: str = "") -> str:
    """``popup_html`` from what a map works out for all its events at once: the event's claims as rows
    (in ``claims_for``'s order), its figure's note (``geo.fatalities.fatality_notes``) and its claims'
    range (a row of ``geo.claim_ranges``, or None)."""
    return "".join(popup_fragments(event, claims, note, claim_range, same_place, same_place_total,
                                   with_urls=with_urls, with_statements=with_statements, change=change))


def popup_fragments(event: Mapping, claims: list[dict], note: str, claim_range, same_place: list[Mapping] | None,
                    same_place_total: int | None, *, with_urls: bool = True, with_statements: bool = True,
                    change: str = "") -> list[str]:
    """``event_popup`` in pieces, in order: those many events hold alike (its type, date, place, sides, figure,
    notes and sources) are ``Shared`` and made once per value; the event's own (its claims, their range, the
    figure's note, its id) are plain text. A map sends each shared piece once (``geo.webmap.markers``)."""
    lang = current_language()
    fatalities = int(event["fatalities"])
    notes = event.get("notes")
    pieces = [
        _head(event["event_type"], event.get("sub_event_type"), lang),
        f"<div class='ev-change'><b>{esc(change[:1].upper() + change[1:])}</b></div>" if change else "",
        _when(event["event_date"], int(event.get("time_precision") or 1), lang),
        _where(event["location"], event.get("admin1"), event.get("geo_precision") or 1, lang),
        _sides(event["actor1"], event.get("assoc_actor_1"), event.get("actor2"), event.get("assoc_actor_2"), lang),
        _figure(headline_figure(event), fatalities, len(claims), lang),
        _note_html(note),
        datasets_html(event.get("_datasets")),
        possible_html(event.get("_possible")),
        _range_html(claim_range),
        claim_rows_html(claims, with_urls, with_statements),
        Shared(f"<div class='notes'>{esc(notes)}</div>") if str(notes or "").strip() else "",
        _sources(event.get("source"), event.get("source_url"), lang),
        *same_place_fragments([same_place_item(o) for o in same_place or []], same_place_total),
        popup_tail(event["event_id"]),
    ]
    return [p for p in pieces if p]


@lru_cache(maxsize=4096)
def _head(event_type, sub_event_type, lang: str) -> Shared:
    title = esc(category(event_type))
    if str(sub_event_type or "").strip():
        title += f" · {esc(category(sub_event_type))}"
    return Shared(f"<div class='ev-popup'><h2 class='ev-title'>{title}</h2>")


@lru_cache(maxsize=_KEPT)
def _when(when, time_precision: int, lang: str) -> Shared:
    return Shared(f"<div>{esc(_fmt_date(when, time_precision))}</div>")


@lru_cache(maxsize=_KEPT)
def _where(location, admin1, geo_precision, lang: str) -> Shared:
    place = esc(location)
    if str(admin1 or "").strip():
        place += f", {esc(admin1)}"
    return Shared(f"<div>{place} <span class='muted'>({esc(precision_text('geo', geo_precision))})</span></div>")


@lru_cache(maxsize=_KEPT)
def _sides(actor1, assoc1, actor2, assoc2, lang: str) -> Shared:
    return Shared("<table class='sides'><tr><th>" + esc(_("Side A")) + "</th><th>" + esc(_("Side B")) + "</th></tr>"
                  f"<tr><td>{_side_html(actor1, assoc1)}</td><td>{_side_html(actor2, assoc2)}</td></tr></table>")


@lru_cache(maxsize=_KEPT)
def _figure(headline, fatalities: int, claims: int, lang: str) -> Shared:
    """The fatalities line: the figure (several data sets: whose, and the others' range) and how many claims follow."""
    return Shared(
        "<div>" + (_("<h3>Fatalities</h3>: {figure}").format(figure=esc(headline)) if headline else
                   _("<h3>Fatalities</h3> (conservative): {count}").format(count=format_number(fatalities)))
        + (" <span class='muted'>· " + esc(ngettext("{count} claim below", "{count} claims below", claims)
                                          .format(count=claims)) + "</span>" if claims else "")
        + "</div>")


@lru_cache(maxsize=_KEPT)
def _sources(source, source_url, lang: str) -> Shared:
    urls = split_list(source_url or "")
    sources = esc(source or _("not given"))
    if urls:
        sources += " · " + " ".join(safe_link(u) for u in urls)
    return Shared("<div class='sources'>" + _("<h3>Sources</h3>: {sources}").format(sources=sources) + "</div>")


def popup_tail(event_id) -> str:
    """How every popup ends: its event's id (the last line, which the dashboard reads on a click)."""
    return f"<div class='muted'>{esc(event_id)}</div></div>"


_NO_CLAIMS = pd.DataFrame()


def _note_html(note: str) -> str:
    """Where the conservative figure comes from (``geo.fatalities.fatality_note``), under it."""
    return f"<div class='muted fig-note'>{esc(note)}</div>" if note else ""


def _own_range(own_claims: pd.DataFrame):
    if own_claims.empty:
        return None
    return claim_ranges(own_claims).iloc[0]


#: What every marker adds whatever its event (see ``popup_floor``): its row, with the numbers of the six shared
#: pieces every popup has (type, date, place, sides, figure, sources), and its popup's last piece, its id's markup.
_ROW_MIN = len('[0,0,0,[0,0,0,0,0,0,""],"",""],') + len(popup_tail(""))
#: What each claim adds at least (its side and ": "), each statement (its element) and each event with claims
#: (the claims' table and its header's markup).
_CLAIM_TAGS, _STATEMENT_TAGS = 2, len("<div class='stmt'></div>")
_CLAIMS_TAGS = len("<div class='claims'><h3></h3><table><tr><th></th><th></th></tr></table></div>")
#: Each claimant's row (a claimant, date and source): its markup.
_ROW_TAGS = len("<tr><td><b></b><div class='src'> · </div></td><td></td></tr>")


def _text_bytes(column) -> int:
    """Characters of a column's texts (missing values count 0): never more than their escaped bytes."""
    values = pd.Series(column)
    if isinstance(values.dtype, pd.CategoricalDtype) and len(values) > len(values.cat.categories):
        # compact data, more rows than texts: each distinct text measured once
        texts = pd.Series(values.cat.categories.to_numpy(dtype=object)).astype(str).str.strip().str.len()
        lengths = np.append(texts.to_numpy(dtype=np.int64), 0)
        return int(lengths[values.cat.codes.to_numpy()].sum())  # code -1 (missing) reads the 0 at the end
    values = values.astype(object)
    values = values[values.notna().to_numpy()]
    return int(values.astype(str).str.strip().str.len().sum()) if len(values) else 0


def _shared_markup() -> list[tuple[tuple[str, ...], int]]:
    """The shared pieces (``Shared``) by what makes them distinct, and the least markup of each, in the language
    in use: a type's heading, a day (its shortest date), a place, a pair of sides, a source."""
    return [(("event_type",), len("<div class='ev-popup'><h2 class='ev-title'></h2>")),
            (("event_date",), len("<div></div>") + len("1 May 2024")),
            (("location",), len("<div> <span class='muted'>()</span></div>")),
            (("actor1", "actor2"), len("<table class='sides'><tr><th></th><th></th></tr><tr><td></td><td></td></tr>"
                                       "</table>") + len(_("Side A")) + len(_("Side B"))),
            (("source",), len("<div class='sources'></div>") + len(_("<h3>Sources</h3>: {sources}")) - 9)]


def _distinct(events: pd.DataFrame, columns) -> int:
    """How many distinct rows ``events`` holds in ``columns`` (missing values alike), without a frame of them."""
    codes = [pd.factorize(events[c], use_na_sentinel=False)[0].astype(np.int64) for c in columns]
    if len(codes) == 1:
        return int(codes[0].max()) + 1 if len(codes[0]) else 0
    return len(np.unique(np.stack(codes, axis=1), axis=0))


def _distinct_text_bytes(column) -> int:
    """Characters of a column's distinct texts, each counted once: what its ``Shared`` pieces hold at least."""
    values = pd.Series(column)
    if isinstance(values.dtype, pd.CategoricalDtype):
        used = np.unique(values.cat.codes.to_numpy())
        values = pd.Series(values.cat.categories.to_numpy(dtype=object)[used[used >= 0]])
    values = pd.Series(pd.unique(values.astype(object)))
    values = values[values.notna().to_numpy()]
    return int(values.astype(str).str.strip().str.len().sum()) if len(values) else 0


def popup_floor(events: pd.DataFrame, claims: pd.DataFrame) -> int:
    """A lower bound of the bytes the markers of ``events`` (with ``claims``, theirs) add to a page, worked
    out from the texts' lengths without making a popup: a map whose popups would pass its byte budget
    by this count alone draws cells, and builds none of them (``geo.webmap.maps``). Each event's id (twice),
    place (its tooltip) and claims count for every event; the texts of shared pieces (``Shared``: sides,
    places, notes, sources) once for each distinct text."""
    n = len(events)
    if not n:
        return 0
    total = n * _ROW_MIN
    total += 2 * _text_bytes(events["event_id"]) + (_text_bytes(events["location"]) if "location" in events else 0)
    for name in ("location", "actor1", "actor2", "source", "notes", "admin1"):
        if name in events:
            total += _distinct_text_bytes(events[name])
    for columns, markup in _shared_markup():
        if all(c in events for c in columns):  # each distinct value's piece: at least its markup
            total += markup * _distinct(events, columns)
    if claims is None or claims.empty:
        return total
    total += _CLAIMS_TAGS * int(claims["event_id"].nunique())
    total += _CLAIM_TAGS * len(claims) + (_text_bytes(claims["side"]) if "side" in claims else 0)
    keys = [k for k in ("event_id", "claimant", "claim_date", "source") if k in claims]
    rows = claims.drop_duplicates(keys)
    total += _ROW_TAGS * len(rows) + sum(_text_bytes(rows[k]) for k in ("claimant", "source") if k in rows)
    if "statement" in claims:
        said = claims.drop_duplicates(keys + ["statement"])["statement"]
        said = said[said.notna().to_numpy()]
        said = said[(said.astype(str).str.len() > 0).to_numpy()]
        total += _STATEMENT_TAGS * len(said) + _text_bytes(said)
    return total


def tooltip_text(event: Mapping) -> str:
    """One line for hovering: date, place, type, fatalities (escaped HTML)."""
    date = format_date(event["event_date"], "medium")
    return esc(f"{date} · {event['location']} · {category(event['event_type'])} · "
               f"{_loss('killed', int(event['fatalities']))}")
