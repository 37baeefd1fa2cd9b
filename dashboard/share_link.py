"""The share link under the map: the link as text, selectable in one click or tab stop, and a "Copy link"
button that says when it copied (a polite live region).

A component of Streamlit's public v2 API (``st.components.v2``: no iframe, in the page and its tab order)
rather than ``st.code``: the code block loads Streamlit's syntax highlighter, whose first drawing took
~0.3 s of the browser's main thread at every page load, beside the map's first drawing.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from geo.i18n import _

STATIC = Path(__file__).parent / "static"

_box = st.components.v2.component(
    "geo_share_link", js=(STATIC / "share_link.js").read_text(encoding="utf-8"),
    css=(STATIC / "share_link.css").read_text(encoding="utf-8"), isolate_styles=False)


def share_link_box(link: str) -> None:
    """The link ``link`` and its copy button."""
    _box(key="share_link", data={
        "link": link, "label": _("Share link"), "button": _("Copy link"), "copied": _("Link copied."),
        "manual": _("Select the link and copy it (Ctrl+C, or ⌘C on a Mac)."),
    })
