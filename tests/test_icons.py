"""The dashboard's icons come from Streamlit's built-in Material Symbols (``:material/name:``), which
Streamlit ships as a font: emoji show as empty boxes on machines without an emoji font."""

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
