"""Offline map assets: Leaflet and jQuery from PyPI's XStatic packages.

Folium points every map at CDNs. With no internet (a secure newsroom, a plane,
this project's CI) such a map is blank. ``make_offline`` rewrites the assets a
map asks for into ``data:`` URIs built from package files, so that the map works
both inside streamlit-folium (which loads each element's ``default_js`` and
``default_css`` itself) and as a standalone HTML file.
"""

from __future__ import annotations

import base64
import re
from functools import lru_cache
from pathlib import Path

import folium
import xstatic.pkg.jquery as xs_jquery
import xstatic.pkg.leaflet as xs_leaflet

#: Assets that the maps need, by folium's names, with the file that serves each.
_JS_FILES = {
    "leaflet": (Path(xs_leaflet.BASE_DIR) / "leaflet.js"),
    "jquery": (Path(xs_jquery.BASE_DIR) / "jquery.min.js"),
    # Leaflet.heat with simpleheat (BSD-2-Clause, Vladimir Agafonkin), as folium ships it
    "leaflet-heat.js": (Path(folium.__file__).parent / "templates" / "leaflet_heat.min.js"),
}
_CSS_FILES = {
    "leaflet_css": (Path(xs_leaflet.BASE_DIR) / "leaflet.css"),
}
#: Assets folium adds by default that our maps do not use (Bootstrap, Font
#: Awesome, awesome-markers): dropped, since without the internet each would
#: fail to load and, in streamlit-folium, stop the scripts after it.
_UNUSED = {
    "bootstrap", "awesome_markers", "bootstrap_css", "glyphicons_css",
    "awesome_markers_font_css", "awesome_markers_css", "awesome_rotate_css",
    # jQuery: folium's own popups call ``$``, but our markers, cells, labels and overlays use Leaflet's,
    # and streamlit-folium does not need it: 116 kB (as a data: URI) off every page
    "jquery",
}


def _data_uri(mime: str, payload: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(payload).decode('ascii')}"


@lru_cache(maxsize=None)
def asset_uri(name: str) -> str:
    """A ``data:`` URI holding the named asset (``leaflet``, ``jquery``, ``leaflet-heat.js``, ``leaflet_css``)."""
    if name in _JS_FILES:
        text = _JS_FILES[name].read_text(encoding="utf-8")
        # the source map is not shipped as a data URI: drop the reference to it
        text = re.sub(r"//# sourceMappingURL=\S+\s*$", "", text)
        return _data_uri("text/javascript", text.encode("utf-8"))
    if name in _CSS_FILES:
        path = _CSS_FILES[name]
        css = path.read_text(encoding="utf-8")

        def inline(match: re.Match) -> str:
            image = path.parent / match.group(1)
            return f"url({_data_uri('image/png', image.read_bytes())})"

        css = re.sub(r"url\((images/[^)]+\.png)\)", inline, css)
        return _data_uri("text/css", css.encode("utf-8"))
    raise KeyError(f"no offline copy of asset {name!r}")


def _walk(element):
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def make_offline(m: folium.Map) -> folium.Map:
    """Point every asset of ``m`` and its children at offline copies, in place.

    Raises KeyError for an asset this module has no copy of, so that a new
    plugin cannot bring back a CDN dependency unnoticed.
    """
    for element in _walk(m):
        if hasattr(element, "default_js") or hasattr(element, "default_css"):
            for attr in ("default_js", "default_css"):
                entries = getattr(element, attr, None)
                if not entries:
                    continue
                # set on the instance: the class attribute stays as folium ships it
                setattr(element, attr, [(n, asset_uri(n)) for n, _ in entries if n not in _UNUSED])
    return m


def external_urls(html: str) -> list[str]:
    """The http(s) URLs that a page's script and stylesheet tags would fetch."""
    pattern = r"""<(?:script[^>]*\ssrc|link[^>]*\shref)\s*=\s*["']?(https?:[^"'\s>]+)"""
    return re.findall(pattern, html, flags=re.IGNORECASE)
