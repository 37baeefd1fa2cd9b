"""The page's layout from a phone (360 px) to a wide screen: the dashboard's own stylesheet.

On a wide screen the page starts closer to the top, so that at 1400x900 the whole map, its scale
bar included, is on the first screen. On a narrow screen Streamlit stacks columns, so the title and the four headline figures filled a
phone's first screen and the map began below it. Here, under ``PHONE_PX``, the page's top padding
and the title shrink and the figures sit two by two in small type, so that the map's top is on the
first screen. The map's own small-frame behaviour (the data's extent fitted, short popups with
the details below the map, the legend folded) is geo.webmap.inview's.
"""

from __future__ import annotations

import streamlit as st

#: Screens narrower than this (CSS pixels) get the compact layout (Streamlit stacks columns below 640).
PHONE_PX = 640
#: The container of the headline figures (``st.container(key=HEADLINE_KEY)``: class ``st-key-headline``).
HEADLINE_KEY = "headline"

CSS = f"""
<style>
/* less room above the title (Streamlit's is 6rem): at 1400x900 the map's scale bar is on the first screen */
[data-testid="stMainBlockContainer"] {{ padding-top: 3rem; }}
/* a headline figure is never cut ("August – Novembe…"): it wraps within its column */
.st-key-{HEADLINE_KEY} [data-testid="stMetricValue"], .st-key-{HEADLINE_KEY} [data-testid="stMetricValue"] * {{
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }}
/* the import report's line: above the map on a wide screen, below it on a phone (dashboard.data_section) */
.st-key-import_report_below {{ display: none; }}
@media (max-width: {PHONE_PX - 0.02}px) {{
  .st-key-import_report_top {{ display: none; }}
  .st-key-import_report_below {{ display: flex; }}
  /* its line and its button side by side on one line: the short text shrinks, never the button */
  .st-key-import_report_below [data-testid="stHorizontalBlock"] {{ flex-wrap: nowrap; }}
  .st-key-import_report_below [data-testid="stHorizontalBlock"] > [data-testid="stElementContainer"] {{
    flex: 1 1 0; min-width: 0; width: auto !important; }}
  .st-key-import_report_below [data-testid="stAlertContainer"] {{ padding: 0.5rem 0.65rem; }}
  .st-key-import_report_below [data-testid="stMarkdownContainer"] p {{ font-size: 0.82rem; }}
  [data-testid="stMainBlockContainer"] {{ padding-top: 3.25rem; padding-bottom: 2rem; }}
  [data-testid="stMain"] h1 {{ font-size: 1.45rem; line-height: 1.2; padding: 0.25rem 0 0.1rem; }}
  [data-testid="stMain"] [data-testid="stCaptionContainer"] {{ font-size: 0.78rem; }}
  .st-key-{HEADLINE_KEY} [data-testid="stHorizontalBlock"] {{ flex-wrap: wrap; row-gap: 0.1rem;
    column-gap: 0.75rem; }}
  .st-key-{HEADLINE_KEY} [data-testid="stColumn"] {{ flex: 1 1 calc(50% - 0.75rem) !important;
    width: calc(50% - 0.75rem) !important; min-width: calc(50% - 0.75rem) !important; }}
  .st-key-{HEADLINE_KEY} [data-testid="stMetric"] {{ padding: 0; }}
  .st-key-{HEADLINE_KEY} [data-testid="stMetricLabel"] p {{ font-size: 0.75rem; }}
  .st-key-{HEADLINE_KEY} [data-testid="stMetricValue"] {{ font-size: 1.15rem; line-height: 1.3; }}
}}
</style>
"""


def layout_style() -> None:
    """The stylesheet above, once per run (it has no visible element)."""
    st.html(CSS)


__all__ = ["CSS", "HEADLINE_KEY", "PHONE_PX", "layout_style"]
