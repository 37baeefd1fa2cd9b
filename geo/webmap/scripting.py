"""Scripts with data in them, put in a map's page verbatim.

Every element of the map that carries events' text (markers and their popups, cells, rings, the
heat, the legend) is a ``ScriptElement``: its script is rendered once, from its own template, and
put in the page as it is. branca's ``MacroElement`` instead wraps each rendered script in a new
Jinja template, which parses it again: a note reading ``{{ 7*7 }}`` became ``49`` on the map and one
reading ``{% if %}`` stopped the map from rendering at all (and parsing 2 MB of popups took 0.25 s).
The data itself is pasted as JSON made safe for a ``<script>`` element (``script_json``, or
``js_json`` where HTML is not expected).
"""

from __future__ import annotations

import copy
import json
import re

from branca.element import Element, Figure, MacroElement

_UNSAFE = re.compile(r"<!--|<script", re.IGNORECASE)


def script_json(value) -> str:
    """JSON that can be pasted into a ``<script>`` element and read back unchanged by JavaScript.

    The HTML parser ends a script at ``</script`` and treats ``<!--`` and ``<script`` in it
    specially; each such ``<`` is written ``\\u003c`` (``</`` as ``<\\/``), which JSON and JavaScript
    read back as the same text. The line separators U+2028/2029, not allowed raw in older
    JavaScript strings, are escaped too. Everything else, including the ``<`` and ``>`` of HTML in
    popups, stays as it is (half the bytes of escaping every ``<``).
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    # every "</" (each closing tag of a popup: one replace, not a regex match each), then the rare rest
    text = _UNSAFE.sub(lambda m: "\\u003c" + m.group(0)[1:], text.replace("</", "<\\/"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def js_json(value) -> str:
    """JSON that is safe inside a <script> element: no '<', '>' or '&' survives."""
    return (
        json.dumps(value, ensure_ascii=False, default=str)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


class _Verbatim(Element):
    """Text a figure puts in its page as it is (not parsed as a template)."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class ScriptElement(MacroElement):
    """A MacroElement whose rendered script goes into the page verbatim (see the module's doc).

    ``_read_only`` names attributes kept for callers and tests (the events drawn, the cells) that
    nothing changes once the element is made: a deep copy shares them (the dashboard copies its
    map each run, since streamlit-folium renames the elements of the map it is given).
    """

    _read_only: tuple[str, ...] = ()

    def __deepcopy__(self, memo):
        for name in self._read_only:
            value = self.__dict__.get(name)
            if value is not None:
                memo.setdefault(id(value), value)
        new = self.__class__.__new__(self.__class__)
        memo[id(self)] = new
        new.__dict__.update(copy.deepcopy(self.__dict__, memo))
        return new

    def render(self, **kwargs):
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("a ScriptElement renders inside a Figure (add it to a map first)")
        module = self._template.module.__dict__
        for part, holder in (("header", figure.header), ("html", figure.html), ("script", figure.script)):
            macro = module.get(part)
            if macro is not None:
                holder.add_child(_Verbatim(macro(self, kwargs)), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)


__all__ = ["ScriptElement", "js_json", "script_json"]
