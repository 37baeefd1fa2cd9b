"""Colour checks for every reader: the palettes under simulated colour-vision deficiencies, and the
contrast of the map's text over every basemap.

Thresholds (checked by ``tests/test_colours.py``, which fails below them):

- ``MIN_CVD_DELTA_E = 10``: any two colours shown together in one legend (the six event-type
  families and "Other"; the six sides) are at least 10 apart in CAM02-UCS (ΔE′, Luo et al. 2006)
  for normal vision and under simulated deuteranopia, protanopia and tritanopia (Machado, Oliveira
  and Fernandes 2009, severity 100, through colorspacious). One unit is about a just-noticeable
  difference for patches side by side; 10 keeps two small circles on a map apart at a glance.
- ``MIN_TEXT_CONTRAST = 4.5``: WCAG 2.1 AA for normal text (1.4.3), for every text the map draws:
  the place names, the legend, the attribution and scale, the popups and tooltips, over each
  basemap's representative backgrounds (``BASEMAP_BACKGROUNDS``), with each text's own box
  composited over them where it has one (the legend is 92 % white, the attribution 80 %).

The backgrounds are the colours each basemap fills large areas with at the zooms the dashboard
uses (from the styles' own colour definitions, not sampled from tiles):

- ``none`` (offline): this project's land (``geo.layers``, countries ``#f3efe6``), the sea (the
  map's own background ``#d7e3ec``), the Tuareg region's tint (``#e0a96d`` at 12 % over land).
- ``osm``: OpenStreetMap Carto's land ``#f2efe9``, water ``#aad3df``, forest ``#add19e``, scrub
  ``#c8d7ab``, farmland ``#eef0d5``, residential ``#e0dfdf``, sand ``#f5e9c6``.
- ``carto-light``: CARTO Positron's land ``#fafaf8``, water ``#d4dadc``, parks ``#dbe9df``, urban
  areas ``#ededed``, admin-1 boundary ``#e1c5c7``.

Place names carry a white halo (``geo.webmap.labels``): they are checked against the halo and,
stricter, against each plain background without it; over the region shading (up to 55 % of
``#b30000``) only the halo keeps them readable, and it is checked as their background there.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import pandas as pd

MIN_CVD_DELTA_E = 10.0
MIN_TEXT_CONTRAST = 4.5
#: colorspacious' names of the three deficiencies (full severity: -anopia).
DEFICIENCIES = {"deuteranopia": "deuteranomaly", "protanopia": "protanomaly", "tritanopia": "tritanomaly"}


def _rgb(color: str) -> tuple[float, float, float]:
    h = color.strip().lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    if len(h) != 6:
        raise ValueError(f"not a #rrggbb colour: {color!r}")
    return tuple(int(h[i:i + 2], 16) / 255 for i in (0, 2, 4))


def _hex(rgb) -> str:
    return "#" + "".join(f"{round(min(max(c, 0.0), 1.0) * 255):02x}" for c in rgb)


def blend(color: str, alpha: float, over: str) -> str:
    """``color`` at opacity ``alpha`` painted over ``over`` (both #rrggbb), as a browser composites it."""
    top, bottom = _rgb(color), _rgb(over)
    return _hex(alpha * t + (1 - alpha) * b for t, b in zip(top, bottom))


def relative_luminance(color: str) -> float:
    """WCAG 2.1's relative luminance of an sRGB colour."""
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in _rgb(color)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2.1's contrast ratio, from 1 (none) to 21 (black on white)."""
    a, b = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


LAND, SEA = "#f3efe6", "#d7e3ec"
BASEMAP_BACKGROUNDS: dict[str, dict[str, str]] = {
    "none": {"land": LAND, "sea": SEA, "Tuareg region": blend("#e0a96d", 0.12, LAND)},
    "osm": {"land": "#f2efe9", "water": "#aad3df", "forest": "#add19e", "scrub": "#c8d7ab",
            "farmland": "#eef0d5", "residential": "#e0dfdf", "sand": "#f5e9c6"},
    "carto-light": {"land": "#fafaf8", "water": "#d4dadc", "parks": "#dbe9df", "urban": "#ededed",
                    "admin-1 boundary": "#e1c5c7"},
}
#: Backgrounds drawn by this map over any basemap: the darkest region shading (55 % of the last
#: choropleth class) and the border zone (8 % of #c0392b), here over the offline land.
OVERLAY_BACKGROUNDS = {"region shading (darkest)": blend("#b30000", 0.55, LAND),
                       "border zone": blend("#c0392b", 0.08, LAND)}

#: Every text the interactive map draws: its CSS selector (where ``geo.webmap`` sets its colour), its
#: colour, and the box it sits on (colour, opacity), or None for text straight on the map (a place
#: name, which has a halo: ``halo``).
MAP_TEXTS: dict[str, dict] = {
    "place name (town, event's place)": {"selector": ".place-label", "color": "#222", "box": None, "halo": "#fff"},
    "place name (country)": {"selector": ".place-label.pl-country", "color": "#444", "box": None, "halo": "#fff"},
    "place name (region)": {"selector": ".place-label.pl-region", "color": "#4a4a4a", "box": None, "halo": "#fff"},
    "legend": {"selector": ".map-legend", "color": "#222", "box": ("#ffffff", 0.92)},
    "legend (sizes, counts)": {"selector": ".map-legend .size", "color": "#555", "box": ("#ffffff", 0.92)},
    "attribution, scale": {"selector": ".leaflet-control-attribution", "color": "#333", "box": ("#ffffff", 0.8)},
    "attribution links": {"selector": ".leaflet-control-attribution a", "color": "#005a7f", "box": ("#ffffff", 0.8)},
    "popup text": {"selector": ".ev-popup", "color": "#222", "box": ("#ffffff", 1.0)},
    "popup secondary text": {"selector": ".ev-popup .muted, .ev-popup .src", "color": "#595959",
                             "box": ("#ffffff", 1.0)},
    "popup 'disputed'": {"selector": ".ev-popup .disputed", "color": "#b00020", "box": ("#ffffff", 1.0)},
    "popup links": {"selector": ".leaflet-popup-content a", "color": "#005a7f", "box": ("#ffffff", 1.0)},
    "tooltip": {"selector": ".leaflet-tooltip", "color": "#222", "box": ("#ffffff", 1.0)},
}


def text_contrasts(texts: Mapping[str, Mapping] = MAP_TEXTS,
                   backgrounds: Mapping[str, Mapping[str, str]] = BASEMAP_BACKGROUNDS) -> pd.DataFrame:
    """The contrast of each text over each basemap background: columns ``text``, ``basemap``,
    ``background`` (its name), ``behind`` (the colour right behind the text: its box composited over
    the background, or the background itself), ``ratio``. Place names come twice: straight on the
    background (``on=plain``) and on their halo over the overlays (``on=halo``)."""
    rows = []
    for name, t in texts.items():
        for basemap, colours in backgrounds.items():
            for where, bg in colours.items():
                behind = blend(t["box"][0], t["box"][1], bg) if t.get("box") else bg
                rows.append({"text": name, "basemap": basemap, "background": where, "on": "plain",
                             "behind": behind, "ratio": contrast_ratio(t["color"], behind)})
        if t.get("halo"):
            for where in OVERLAY_BACKGROUNDS:
                rows.append({"text": name, "basemap": "any", "background": where, "on": "halo",
                             "behind": t["halo"], "ratio": contrast_ratio(t["color"], t["halo"])})
    return pd.DataFrame(rows)


def simulate(color: str, deficiency: str | None) -> str:
    """``color`` as seen with a full colour-vision deficiency ("deuteranopia", "protanopia",
    "tritanopia"; None: as it is), by colorspacious' Machado et al. (2009) simulation."""
    if deficiency is None:
        return _hex(_rgb(color))
    from colorspacious import cspace_convert

    cvd = {"name": "sRGB1+CVD", "cvd_type": DEFICIENCIES[deficiency], "severity": 100}
    return _hex(cspace_convert(_rgb(color), cvd, "sRGB1"))


def cvd_distances(palette: Mapping[str, str]) -> pd.DataFrame:
    """Every pair of ``palette``'s colours (name -> #rrggbb), for normal vision and each deficiency:
    columns ``vision``, ``a``, ``b``, ``delta_e`` (CAM02-UCS distance of the simulated colours),
    smallest first."""
    from colorspacious import deltaE

    rows = []
    for vision in (None, *DEFICIENCIES):
        seen = {name: simulate(c, vision) for name, c in palette.items()}
        for a, b in itertools.combinations(seen, 2):
            d = float(deltaE(_rgb(seen[a]), _rgb(seen[b]), input_space="sRGB1", uniform_space="CAM02-UCS"))
            rows.append({"vision": vision or "normal", "a": a, "b": b, "delta_e": d})
    return pd.DataFrame(rows).sort_values("delta_e", kind="stable").reset_index(drop=True)


__all__ = ["BASEMAP_BACKGROUNDS", "DEFICIENCIES", "MAP_TEXTS", "MIN_CVD_DELTA_E", "MIN_TEXT_CONTRAST",
           "OVERLAY_BACKGROUNDS", "blend", "contrast_ratio", "cvd_distances", "relative_luminance", "simulate",
           "text_contrasts"]
