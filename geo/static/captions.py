"""What a snapshot says about itself: title, filter summary, counts, attribution, date, link.

Shared by the static map (``geo.static.staticmap``) and the standalone HTML map
(``geo.static.snapshots``), so that both say the same.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from importlib.metadata import version
from urllib.parse import urlencode

import pandas as pd

from ..places.labels import GEONAMES_ATTRIBUTION
from ..i18n import N_, _, format_number, ngettext, retranslate, speaks_view_language
from ..analysis import border_names
from ..layers import NATURAL_EARTH_ATTRIBUTION, data_title, load_layers
from ..styles import figure_label
from ..view import View, view_to_link, view_to_query

DEFAULT_TITLE = N_("Conflict events — northern Mali")
#: The attribution of the curated events shipped in data/events.csv.
EVENTS_ATTRIBUTION = N_("Events: curated from public reporting by the project (CC BY 4.0)")
# the installed version, read without importing matplotlib (it is imported for a snapshot only)
SOFTWARE = f"geo conflict-mapping dashboard (matplotlib {version('matplotlib')})"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def clean_text(text) -> str:
    """Text fit to draw or to store as metadata: control characters become a space."""
    return _CONTROL.sub(" ", "" if text is None else str(text)).strip()


def utc(generated) -> dt.datetime:
    """``generated`` (a datetime, date, ISO text or None for now) as an aware UTC datetime."""
    if generated is None:
        return dt.datetime.now(dt.timezone.utc)
    if isinstance(generated, str):
        generated = dt.datetime.fromisoformat(generated)
    if isinstance(generated, dt.datetime):
        return generated.astimezone(dt.timezone.utc) if generated.tzinfo else generated.replace(
            tzinfo=dt.timezone.utc)
    return dt.datetime.combine(generated, dt.time(), tzinfo=dt.timezone.utc)


def asof_note(view: View) -> str:
    """" · data as of 2026-12-01T09:12:00Z" for a view of one version of versioned data (``View.asof``), else ""."""
    if not isinstance(view.asof, dt.datetime):
        return ""
    return " · " + _("data as of {time}").format(time=view.asof.strftime("%Y-%m-%dT%H:%M:%SZ"))


@dataclass(frozen=True)
class SnapshotText:
    """What a snapshot says about itself, as plain text."""

    title: str
    filters: list[str]
    counts: str
    attribution: list[str]  # Natural Earth's, then the events'
    generated: str
    query: str  # the share link's query string (``urlencode(view_to_query(view), doseq=True)``)
    link: str  # the share link (``base_url`` + "?" + query)


def filter_lines(events: pd.DataFrame, view: View, layers: dict | None = None) -> list[str]:
    """``view.filter.describe()`` naming the borders the data's border distance is measured to (those of
    ``layers``, else of ``events``' own layers): never "the Algeria border" for data outside Mali."""
    if view.filter.max_border_km is None:
        return view.filter.describe()
    if layers is None:
        layers = load_layers(events) if len(events) else load_layers()
    return view.filter.describe(border_names(layers))


@speaks_view_language()
def snapshot_text(events: pd.DataFrame, view: View, *, title=None, attribution=None, generated=None,
                  base_url: str = "", layers: dict | None = None) -> SnapshotText:
    """The title, filter summary, counts, attribution, date and link of a snapshot of ``events``, in the
    view's language (``view.lang``). A border filter names the borders of ``layers`` (the data's, from
    ``load_layers``; by default those of ``events``): the Algeria border only for data in Mali."""
    n, dead = len(events), int(events["fatalities"].sum()) if len(events) else 0
    counts = (ngettext("{count} event", "{count} events", n).format(count=format_number(n)) + " · "
              + _("{count} fatalities (conservative counts)").format(count=format_number(dead)) + " · ")
    if view.draw == "heat":
        counts += _("drawn as a heatmap of the number of events")
    else:
        mode = _("coloured by event type") if view.color_by == "event_type" else _("coloured by initiator's side")
        counts += mode + " · " + _("circle area ∝ {what} · outlined: with claims, dashed: claims disagree").format(
            what=figure_label(view.figure))
    own = attribution or getattr(events, "attrs", {}).get("attribution") or _(EVENTS_ATTRIBUTION)
    return SnapshotText(
        title=clean_text(title) or (data_title(events) if len(events) else _(DEFAULT_TITLE)),
        filters=[clean_text(line) for line in filter_lines(events, view, layers)],
        counts=counts,
        attribution=[_(NATURAL_EARTH_ATTRIBUTION), _(GEONAMES_ATTRIBUTION), clean_text(retranslate(own))],
        generated=utc(generated).strftime("%Y-%m-%d %H:%M UTC") + asof_note(view),
        query=urlencode(view_to_query(view), doseq=True),
        link=view_to_link(view, base_url) if view_to_query(view) else _("(the default view)"),
    )
