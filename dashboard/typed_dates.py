"""The Dates field for the keyboard: a typed range applies on Enter (and on leaving the field), and a
line says when a typed range is waiting to be applied.

Streamlit's ``st.date_input`` applies a typed range only when the field loses the focus, and says nothing
meanwhile; its calendar stays beside this field for the mouse. The field is a component of Streamlit's
public v2 API (``st.components.v2``, no iframe: it sits in the page and its tab order); the reading of
the text is ``geo.link.typed_dates``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import streamlit as st

import geo.link
from geo.i18n import _, current_language, retranslate, use_language
from geo.styles import md_escape as md

STATIC = Path(__file__).parent / "static"
KEY = "dates_typed"
#: the session's keys of this field, reset with the rest of the view when the data set changes
STATE_KEYS = (KEY, "typed_dates_seq", "typed_dates_pending", "typed_dates_warnings", "typed_dates_applied")

_field = st.components.v2.component(
    "geo_typed_dates", js=(STATIC / "typed_dates.js").read_text(encoding="utf-8"),
    css=(STATIC / "typed_dates.css").read_text(encoding="utf-8"), isolate_styles=False)


def range_text(dates) -> str:
    """The date input's value as the field shows it: "2024-07-10 – 2024-07-20" ("2024-07-10 –" half)."""
    days = list(dates) if isinstance(dates, (tuple, list)) else [dates]
    days = [d.isoformat() for d in days if isinstance(d, dt.date)]
    return " – ".join(days) if len(days) == 2 else f"{days[0]} –" if days else ""


def _apply(first: dt.date, last: dt.date) -> None:
    """The submitted text, read before the widgets are drawn (a callback): the range goes into the date
    input's state, which the filter, the map and the share link follow."""
    ss = st.session_state
    text = str((ss.get(KEY) or {}).get("submit") or "")
    with use_language("en"):  # kept in English, said in the page's language when shown
        got = geo.link.typed_dates(text, first, last)
    ss.typed_dates_seq = ss.get("typed_dates_seq", 0) + 1
    ss.typed_dates_warnings = list(got.warnings)
    ss.typed_dates_pending = text.strip() if got.waiting else None
    if got.start is not None:
        ss.dates = (got.start, got.end)
    ss.typed_dates_applied = ss.get("dates")


def typed_dates_field(sb, span: tuple) -> None:
    """The field in the sidebar ``sb``, over the data's ``span`` (first and last day), and its warnings."""
    ss = st.session_state
    first, last = span
    if ss.get("typed_dates_applied") != ss.get("dates"):  # the calendar or the time player moved the dates
        ss.typed_dates_warnings, ss.typed_dates_pending = [], None
    pending = ss.get("typed_dates_pending")
    data = {
        "label": _("Dates"), "text": pending or range_text(ss.get("dates", (first, last))),
        "seq": ss.get("typed_dates_seq", 0), "waiting": _("Press Enter to apply"),
        "message": _("Type the end date after the start, then press Enter.") if pending else "",
        "hint": _("Type the first and the last day, as {example}, then press Enter.").format(
            example=f"{first} – {last}"),
        "placeholder": _("YYYY-MM-DD – YYYY-MM-DD"), "lang": current_language(),
    }
    with sb:
        _field(key=KEY, data=data, on_submit_change=lambda: _apply(first, last))
    warnings = ss.get("typed_dates_warnings") or []
    if warnings:
        sb.warning("\n".join(f"- {md(retranslate(w))}" for w in warnings) if len(warnings) > 1
                   else md(retranslate(warnings[0])))
