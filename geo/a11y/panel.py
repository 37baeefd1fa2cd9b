"""The details of one event as Markdown, for the panel under the map: everything its popup holds (every
actor, main and associated, the figures, each claim with its source links, the notes, the sources), as
lines that wrap on a 390 px phone instead of a table to scroll sideways. Every piece of data text is
escaped for Markdown here, and links are made only of http(s) URLs."""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from ..analysis import claim_ranges
from ..events import split_list
from ..i18n import _, category, format_date, format_number, ngettext
from ..styles import md_escape as md

_URL_RE = re.compile(r"^https?://[^\s<>\"'`]+$", re.IGNORECASE)


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value).strip()


def md_link(url: str) -> str:
    """A Markdown link to ``url`` named by its site, if it is a plain http(s) URL; else the text, escaped."""
    url = _text(url)
    if not _URL_RE.match(url):
        return md(url)
    site = re.sub(r"^https?://(www\.)?", "", url, flags=re.IGNORECASE).split("/")[0]
    # brackets would end the Markdown link early: percent-encoded, as a browser would send them
    target = url.replace("(", "%28").replace(")", "%29")
    return f"[{md(site)}]({target})"


def side_markdown(actor, assoc) -> str:
    """One side: its main actor in bold and its associated actors ("**CSP-DPA** (with JNIM)")."""
    main, others = _text(actor), split_list(_text(assoc))
    if not main and not others:
        return _("none named")
    text = f"**{md(main)}**" if main else ""
    if others:
        with_ = _("with {actors}").format(actors="; ".join(md(a) for a in others))
        text = f"{text} ({with_})" if text else with_
    return text


def actors_markdown(event: Mapping) -> str:
    """Both sides, every actor named: "**CSP-DPA** (with JNIM) vs **FAMa** (with Wagner Group)"."""
    a = side_markdown(event.get("actor1"), event.get("assoc_actor_1"))
    if not _text(event.get("actor2")) and not _text(event.get("assoc_actor_2")):
        return a
    vs = _("vs")
    return f"{a} {vs} {side_markdown(event.get('actor2'), event.get('assoc_actor_2'))}"


def sources_markdown(event: Mapping) -> str:
    """Who reported the event, and a link to each of its sources."""
    links = [md_link(u) for u in split_list(_text(event.get("source_url")))]
    text = md(_text(event.get("source")) or _("not given"))
    return _("**Sources**: {sources}").format(sources=text + (" · " + " · ".join(links) if links else ""))


def _losses(row) -> str:
    parts = []
    for kind, message in (("killed", "{count} killed"), ("wounded", "{count} wounded"),
                          ("captured", "{count} captured")):
        value = row.get(kind)
        if value is not None and not pd.isna(value):
            parts.append(_(message).format(count=format_number(int(value))))
    return ", ".join(parts) if parts else _("no figure given")


def claims_range_markdown(own: pd.DataFrame) -> str:
    """"Claimed killed: 17 to 140 by 7 claimants; **disputed**: the claims disagree." ("" without claims)."""
    if own.empty:
        return ""
    rng = claim_ranges(own).iloc[0]
    if not rng["claimants"] or pd.isna(rng["low"]):
        return ""
    verdict = _("**disputed**: the claims disagree") if rng["disputed"] else _("the claims agree")
    n = int(rng["claimants"])
    return ngettext("Claimed killed: {low} to {high} by {count} claimant; {verdict}.",
                    "Claimed killed: {low} to {high} by {count} claimants; {verdict}.", n).format(
        low=format_number(int(rng["low"])), high=format_number(int(rng["high"])), count=format_number(n),
        verdict=verdict)


def claim_items(own: pd.DataFrame) -> list[str]:
    """One Markdown paragraph per statement (a claimant's words on one day in one outlet): who, when, where
    it was reported with a link to each source, the losses it claims for each side, and its words."""
    items = []
    for (claimant, when, source), group in own.groupby(["claimant", "claim_date", "source"], sort=False,
                                                       dropna=False):
        date = _("date unknown") if pd.isna(when) else format_date(when, "medium")
        urls: list[str] = []
        for u in group.get("source_url", pd.Series(dtype=object)).fillna(""):
            urls += [x for x in split_list(u) if x not in urls]
        where = md(_text(source)) + (" · " + " · ".join(md_link(u) for u in urls) if urls else "")
        unknown = _("side not given")
        what = "; ".join(f"{md(_text(r['side']) or unknown)}: {_losses(r)}" for _i, r in group.iterrows())
        said = " ".join(f"“{md(t)}”" for t in dict.fromkeys(_text(s) for s in group.get("statement", [])) if t)
        items.append(f"**{md(_text(claimant))}**, {md(date)}, {where}  \n{what}" + (f"  \n{said}" if said else ""))
    return items


def event_headline(event: Mapping) -> str:
    """The panel's heading: place, date and type ("Tinzaouaten, 25 July 2024: Battles"), escaped."""
    return f"{md(_text(event.get('location')))}, {format_date(event['event_date'])}: {md(category(event['event_type']))}"


__all__ = ["actors_markdown", "claim_items", "claims_range_markdown", "event_headline", "md_link",
           "side_markdown", "sources_markdown"]
