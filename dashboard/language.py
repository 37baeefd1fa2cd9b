"""The dashboard's language: chosen in the sidebar, opened from the link (``lang=fr``) or, without one,
from the browser's Accept-Language; everything the page says goes through ``geo.i18n``."""

from __future__ import annotations

import json

import streamlit as st

from geo.i18n import (_, DEFAULT_LANGUAGE, LANGUAGES, current_language, negotiate_language, normalize_language,
                      set_language, use_language)


def browser_language() -> str:
    """The language the browser asks for (its Accept-Language header, else navigator.language); English
    when it asks for none the app speaks, or when no browser is behind this run (tests)."""
    try:
        header = st.context.headers.get("Accept-Language")
    except Exception:  # noqa: BLE001 - no request behind this run
        header = None
    try:
        locale = st.context.locale
    except Exception:  # noqa: BLE001
        locale = None
    return negotiate_language(header, locale)


def init_language() -> str:
    """The language of this run, set for everything geo says (``geo.i18n.set_language``).

    The sidebar's choice once made; on a session's first run the link's ``lang`` (a link opens in
    the language it was made in), else the browser's language.
    """
    ss = st.session_state
    if ss.get("lang") not in LANGUAGES:
        linked = st.query_params.get_all("lang")
        ss.lang = (normalize_language(linked[0]) if linked else None) or browser_language() or DEFAULT_LANGUAGE
    return set_language(ss.lang)


def language_picker() -> str:
    """The sidebar's language choice (named in each language, so anyone finds theirs)."""
    st.sidebar.selectbox("Language / Langue", list(LANGUAGES), format_func=LANGUAGES.get, key="lang")
    lang = set_language(st.session_state.lang)
    # the page says which language it speaks (screen readers pick their voice from it); a fixed script
    # with the code from the app's own list, never from the link
    st.sidebar.html(f"<script>document.documentElement.lang = {json.dumps(lang)};</script>",
                    unsafe_allow_javascript=True)
    st.sidebar.html(streamlit_texts())
    return lang


def css_string(text: str) -> str:
    """``text`` as a CSS string (for ``content:``): quotes and backslashes escaped, no way out of <style>."""
    text = " ".join(str(text).split()).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + text.replace("<", "\\3C ").replace(">", "\\3E ") + '"'


def streamlit_texts() -> str:
    """Streamlit's own texts in the language in use, where Streamlit 1.67 offers no parameter for them: its
    uploader's button ("Upload") and its multiselects' empty list ("No results") are written by CSS from our
    catalogue; the uploader's size and type line is hidden and said by our own caption
    (``dashboard.data_section``); the multiselects' "Choose options" is their ``placeholder``."""
    upload, none = css_string(_("Upload")), css_string(_("No results"))
    # in English the button keeps Streamlit's own text (its name for screen readers); in another language
    # its text is replaced by CSS (Streamlit offers no label for it), which a screen reader may not say
    button = "" if current_language() == "en" else (
        f'''[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {{ display: none; }}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]::after {{ content: {upload}; }}
''')
    return f"""<style>
[data-testid="stFileUploaderDropzone"] [data-testid="stFileUploaderDropzoneInstructions"] {{ display: none; }}
{button}[data-testid="stMultiSelectDropdown"] [role="listbox"][data-empty="true"] [role="option"] > span {{ display: none; }}
[data-testid="stMultiSelectDropdown"] [role="listbox"][data-empty="true"] [role="option"]::after {{
  content: {none}; display: block; padding: 0.5rem 1rem; color: #4a4a4a; }}
</style>"""


def speaking(fn):
    """``fn`` (a widget's format_func) bound to the language of this run: Streamlit may call it again
    outside the run (AppTest does), where no language is set."""
    lang = current_language()

    def said(value):
        with use_language(lang):
            return fn(value)

    return said


def label_of(labels: dict):
    """A widget's format_func: the option's label in the language in use."""
    return speaking(lambda key: _(labels[key]) if key in labels else str(key))
