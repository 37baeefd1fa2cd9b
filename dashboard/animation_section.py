"""The time player's downloads: the player's whole range, period by period, as a video (MP4) or a GIF, for
the current filters and map view (``geo.static.animate``), with a progress bar, and its text alternative."""

from __future__ import annotations

import dataclasses
import datetime as dt

import streamlit as st

import geo
from geo.errors import localized_error
from geo.i18n import _
from geo.static.animate import animation_bytes
from geo.styles import md_escape as md

#: The frames the dashboard makes: a 1080p video, an 800 px wide GIF (as ``python -m geo animate``).
SIZES = {"mp4": (1920, 1080), "gif": (800, None)}
STEPS = {"W": "week", "M": "month"}


def played_view(view: geo.View, span: tuple) -> geo.View:
    """The view over the player's whole range: what the player steps through, with the view's other filters."""
    first, last = span
    return dataclasses.replace(view, filter=dataclasses.replace(view.filter, start=first, end=last))


def animation_downloads(box, view: geo.View, data, span: tuple, title: str) -> None:
    """"Download as video" / "as GIF" in the time player's ``box``: made when clicked (a progress bar while the
    frames are drawn), then offered as a file with its text alternative."""
    ss = st.session_state
    step = STEPS.get(ss.get("player_freq", "W"), "week")
    played = played_view(view, span)
    key = (geo.view_to_link(played), step, getattr(data.vocabulary, "fingerprint", None))
    with box:
        st.caption(_("Download the player's whole range, one frame per period, with these filters and this map "
                     "view:"))
        left, right = st.columns(2)
        asked = ("mp4" if left.button(_("Download as video"), key="animate_mp4") else
                 "gif" if right.button(_("Download as GIF"), key="animate_gif") else None)
        if asked:
            bar = st.progress(0.0, text=_("Drawing the frames…"))

            def progress(done: int, total: int) -> None:
                bar.progress(done / total, text=_("Frame {done} of {total}").format(done=done, total=total))

            try:
                content, alt = animation_bytes(
                    data.events, data.layers, played, asked, claims=data.claims, step=step, size=SIZES[asked],
                    matches=data.matches if len(data.datasets) > 1 else None, title=title,
                    attribution=data.attribution, progress=progress)
            except geo.GeoError as exc:
                bar.empty()
                st.error(md(localized_error(exc)))
                return
            bar.empty()
            ss.animation = {"key": key, "fmt": asked, "content": content, "alt": alt}
        made = ss.get("animation")
        if made and made["key"] == key:
            stem = f"conflict-map-{dt.datetime.now(dt.timezone.utc):%Y%m%d-%H%M}"
            label = _("Save the video (MP4)") if made["fmt"] == "mp4" else _("Save the GIF")
            st.download_button(label, data=made["content"], file_name=f"{stem}.{made['fmt']}",
                               mime="video/mp4" if made["fmt"] == "mp4" else "image/gif", key="animation_file")
            st.download_button(_("Its text alternative (TXT)"), data=made["alt"], file_name=f"{stem}.txt",
                               mime="text/plain", key="animation_alt")
