"""The dashboard's icons come from Streamlit's built-in Material Symbols (``:material/name:``), which
Streamlit ships as a font: emoji show as empty boxes on machines without an emoji font.

The page's icon (the browser tab's) is Material Symbols' "map" from a file of the repository:
Streamlit accepts ``page_icon=":material/map:"`` but the browser then fetches the icon from
fonts.gstatic.com, which an offline tool must not (tests/test_browser.py refuses every request off
the machine)."""

from __future__ import annotations

import ast
import re

import pytest
from streamlit.errors import StreamlitAPIException
from streamlit.string_util import validate_material_icon

from conftest import ROOT

DASHBOARD = sorted((ROOT / "dashboard").rglob("*.py"))
#: Pictographs and the emoji variation selector: what renders as an emoji (or a box without the font).
EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u23E9-\u23FA\uFE0F]")


def icon_arguments(path):
    """(line, value) of every ``icon=`` / ``page_icon=`` argument in ``path``."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg in ("icon", "page_icon"):
                    yield node.lineno, kw.value


@pytest.mark.parametrize("path", DASHBOARD, ids=lambda p: p.name)
def test_icons_are_material_symbols(path):
    for line, value in icon_arguments(path):
        if isinstance(value, ast.Name) and value.id == "PAGE_ICON":
            continue  # the page's icon: a file (test_the_page_icon_is_a_local_file)
        assert isinstance(value, ast.Constant) and isinstance(value.value, str), f"{path.name}:{line}: not a literal"
        icon = value.value
        assert icon.startswith(":material/") and icon.endswith(":"), f"{path.name}:{line}: {icon!r} is not :material/…:"
        validate_material_icon(icon)  # raises for a name Streamlit does not know


@pytest.mark.parametrize("path", DASHBOARD, ids=lambda p: p.name)
def test_no_emoji_in_the_dashboard(path):
    found = [(i, line.strip()) for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if EMOJI.search(line)]
    assert found == []


def test_the_check_catches_an_emoji_icon(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text('import streamlit as st\nst.expander("Share", icon="🔗")\n', encoding="utf-8")
    (line, value), = icon_arguments(bad)
    assert not value.value.startswith(":material/") and EMOJI.search(bad.read_text(encoding="utf-8"))
    with pytest.raises(StreamlitAPIException):
        validate_material_icon(":material/no_such_icon_here:")


def test_the_page_icon_is_a_local_file():
    source = (ROOT / "dashboard" / "app.py").read_text(encoding="utf-8")
    assert 'PAGE_ICON = ROOT / "dashboard" / "static" / "map-icon.svg"' in source
    assert "page_icon=PAGE_ICON" in source
    svg = (ROOT / "dashboard" / "static" / "map-icon.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "<path" in svg and "http://www.w3.org/2000/svg" in svg
    assert "href=" not in svg  # nothing fetched from elsewhere
