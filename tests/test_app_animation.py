"""The time player's "Download as video" / "as GIF" (AppTest: no browser)."""

from __future__ import annotations

import io

from PIL import Image
from streamlit.testing.v1 import AppTest

import geo
from conftest import ROOT

APP = str(ROOT / "dashboard" / "app.py")


def test_the_player_range_downloads_as_a_gif_with_its_text_alternative(monkeypatch, events):
    monkeypatch.delenv("GEO_EVENTS", raising=False)
    monkeypatch.delenv("GEO_CLAIMS", raising=False)
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    at.sidebar.radio(key="player_freq").set_value("M").run()
    at.sidebar.select_slider(key="player_idx").set_value(15).run()  # the player on July 2024: the range is all
    assert not [b for b in at.get("download_button") if b.proto.label == "Save the GIF"]
    at.sidebar.button(key="animate_gif").click().run()
    assert not at.exception and not at.error
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Save the GIF" in labels and "Its text alternative (TXT)" in labels
    made = at.session_state["animation"]
    months = len(geo.analysis.periods(events["event_date"].min(), events["event_date"].max(), "M"))
    with Image.open(io.BytesIO(made["content"])) as im:
        assert im.format == "GIF" and im.n_frames == months and im.width == 800
    assert made["alt"].count("\n- ") == months and "July 2024" in made["alt"]
    # another filter: the file made for the old one is no longer offered
    at.sidebar.number_input(key="min_fatalities").set_value(5).run()
    assert "Save the GIF" not in [b.proto.label for b in at.get("download_button")]
