"""How events look: colours by event type or by side, sizes by fatalities, and the
escaping every piece of data text goes through before it becomes HTML.

The web map, the PNG snapshot and the legend all take their looks from here, so
that they agree.
"""

from __future__ import annotations

import html
import math
import re
from functools import lru_cache

from .i18n import N_, _, category, ngettext

#: ACLED's six event types (the taxonomy since 2019): the colour families, colour-blind-safe (Okabe–Ito).
EVENT_TYPE_FAMILIES: dict[str, str] = {
    "Battles": "#D55E00",
    "Explosions/Remote violence": "#E69F00",
    "Violence against civilians": "#CC79A7",
    "Strategic developments": "#0072B2",
    "Protests": "#009E73",
    "Riots": "#56B4E9",
}
#: Unknown types and actors on no side. A dark grey: the mid grey it replaced (#7f7f7f) came within
#: ΔE 7 of Protests' green and of Civilians under simulated deuteranopia (see geo.a11y.colours).
OTHER_COLOR = "#555555"

#: Other taxonomies' event types -> the family whose colour they take. The data keep their own text
#: (the popup, filters and exports show it); only the colour and the legend group them.
EVENT_TYPE_FAMILY: dict[str, str] = {
    # ACLED before 2019 (codebooks up to version 8)
    "Battle-No change of territory": "Battles",
    "Battle-Government regains territory": "Battles",
    "Battle-Non-state actor overtakes territory": "Battles",
    "Remote violence": "Explosions/Remote violence",
    "Violence against civilians": "Violence against civilians",
    "Riots/Protests": "Protests",  # split into Protests and Riots in 2019; most were protests
    "Strategic development": "Strategic developments",
    "Headquarters or base established": "Strategic developments",
    "Non-violent transfer of territory": "Strategic developments",
    "Non-violent activity by a conflict actor": "Strategic developments",
    # UCDP GED's three types of violence (type_of_violence 1, 2, 3)
    "State-based conflict": "Battles",
    "Non-state conflict": "Battles",
    "One-sided violence": "Violence against civilians",
    **{name: name for name in EVENT_TYPE_FAMILIES},
}

#: Every known event type with its colour: ACLED's six, ACLED's older types and UCDP's three, each
#: in its family's colour.
EVENT_TYPE_COLORS: dict[str, str] = {
    **EVENT_TYPE_FAMILIES,
    **{name: EVENT_TYPE_FAMILIES[family] for name, family in EVENT_TYPE_FAMILY.items()},
}


def _type_key(name) -> str:
    """An event type's name, compared without case and spacing ("Battle - no change of territory")."""
    return re.sub(r"\s+", " ", re.sub(r"\s*([-/])\s*", r"\1", str(name or ""))).strip().lower()


_FAMILY_BY_KEY = {_type_key(name): family for name, family in EVENT_TYPE_FAMILY.items()}
_FAMILY_BY_KEY.update({  # spellings met in real files
    "strategic developments": "Strategic developments", "explosions/remote violence": "Explosions/Remote violence",
    "state-based": "Battles", "state based conflict": "Battles", "non-state": "Battles",
    "nonstate conflict": "Battles", "one-sided": "Violence against civilians",
    # ACLED's own files before 2019 also wrote the plural
    "battle-non-state actors overtake territory": "Battles", "battle-government regain territory": "Battles",
})


_UCDP_KEYS = {_type_key(n) for n in ("State-based conflict", "Non-state conflict", "One-sided violence",
                                     "state-based", "non-state", "one-sided", "state based conflict",
                                     "nonstate conflict")}
#: The legend lists the other names a family row stands for up to this length, else counts them.
_LEGEND_LIST_CHARS = 30


def event_type_family(name) -> str | None:
    """The family (one of ACLED's six current types) of an event type, in any taxonomy; None if unknown."""
    return _FAMILY_BY_KEY.get(_type_key(name))


def event_type_color(name) -> str:
    """The colour of an event type (its family's), grey when unknown."""
    color = EVENT_TYPE_COLORS.get(name) if isinstance(name, str) else None
    if color is None:
        family = event_type_family(name)
        color = EVENT_TYPE_FAMILIES[family] if family else OTHER_COLOR
    return color


#: The sides of the conflict in northern Mali, and their colours: at least ΔE 12.4 apart in CAM02-UCS for
#: normal vision and under simulated deuteranopia, protanopia and tritanopia (``geo.a11y.colours``;
#: Civilians' raspberry replaced a darker magenta, #b8307a, 10.2 from the state's blue under protanopia).
SIDE_COLORS: dict[str, str] = {
    N_("Malian state and allies"): "#1f4e9c",
    N_("Tuareg-led rebels"): "#d98a00",
    N_("Jihadist groups"): "#222222",
    N_("Civilians"): "#cf3f78",
    N_("International forces"): "#3aa0a0",
    N_("Other"): OTHER_COLOR,
}


def side_label(side: str) -> str:
    """A side's name (a key of SIDE_COLORS) in the language in use; anything else as it is."""
    return _(side) if side in SIDE_COLORS else str(side)

#: Patterns that put an actor on a side; the first that matches wins. They cover the
#: names in the curated data and ACLED's and UCDP's usual spellings.
_SIDE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("Other", r"^Unidentified|^Unknown"),
    ("Civilians", r"\bcivilians?\b"),
    ("International forces", r"MINUSMA|United Nations|\bUN\b|Barkhane|EUTM"),
    ("Jihadist groups", r"JNIM|Jama'?at Nusr|Islamic State|\bISSP\b|\bISGS\b|\bIS Sahel|al-?Qa'?ida|AQIM|Ansar"),
    ("Tuareg-led rebels", r"CSP|\bFLA\b|Azawad|\bMNLA\b|\bHCUA\b|\bCMA\b|Front de Lib[ée]ration"),
    ("Malian state and allies", r"Forces of Mali|Government of Mali|\bFAMa\b|Wagner|Africa Corps|GATIA|\bMSA\b"),
)
_SIDE_RE = [(side, re.compile(pattern, re.IGNORECASE)) for side, pattern in _SIDE_PATTERNS]

COLOR_MODES = ("event_type", "side")

#: How events are drawn: "auto" (a marker each, or cells past MAX_MARKERS) or "heat" (a heatmap).
DRAW_MODES = ("auto", "heat")

#: Tile basemaps a user can add. They need the internet; "none" draws the map on
#: the Natural Earth layers alone, which always works.
BASEMAPS: dict[str, dict | None] = {
    "none": None,
    "osm": {
        "tiles": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "attr": "&copy; OpenStreetMap contributors",
        "name": "OpenStreetMap",
    },
    "carto-light": {
        "tiles": "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
        "attr": "&copy; OpenStreetMap contributors &copy; CARTO",
        "name": "CARTO light",
    },
}

#: ACLED's precision codes in words (English; ``precision_text`` gives them in the language in use).
TIME_PRECISION_TEXT = {1: N_("exact day"), 2: N_("within a week"), 3: N_("within the month")}
GEO_PRECISION_TEXT = {
    1: N_("at the named place"),
    2: N_("near the named place (approximate)"),
    3: N_("only the region is known (approximate)"),
}


def precision_text(kind: str, code, default: str = "") -> str:
    """ACLED's time ("time") or geographic ("geo") precision code in words, in the language in use."""
    table = TIME_PRECISION_TEXT if kind == "time" else GEO_PRECISION_TEXT
    try:
        text = table.get(int(code))
    except (TypeError, ValueError):
        text = None
    return _(text) if text else default


FIGURE_LABELS = {"conservative": N_("conservative fatalities"), "highest": N_("highest claimed fatalities")}


def figure_label(figure: str) -> str:
    """How the legend names what circle sizes show (in the language in use)."""
    if figure.startswith("claimant:"):
        return _("fatalities claimed by {claimant} (else conservative)").format(claimant=figure.split(":", 1)[1])
    return _(FIGURE_LABELS[figure]) if figure in FIGURE_LABELS else figure


def actor_side(actor: str) -> str:
    """The side an actor is on (see SIDE_COLORS); "Other" when none matches."""
    for side, pattern in _SIDE_RE:
        if pattern.search(actor or ""):
            return side
    return "Other"


def event_color(row, mode: str = "event_type") -> str:
    """The fill colour of an event, by its type or by its initiator's side."""
    if mode == "side":
        return SIDE_COLORS[actor_side(str(row["actor1"]))]
    return event_type_color(str(row["event_type"]))


def marker_radius(fatalities) -> float:
    """Marker radius in pixels: area grows with fatalities, from 5 px (none) to 28 px."""
    try:
        f = max(float(fatalities), 0.0)
    except (TypeError, ValueError):
        f = 0.0
    if math.isnan(f):
        f = 0.0
    return round(min(5.0 + 2.2 * math.sqrt(f), 28.0), 1)


def legend_items(mode: str, present: set[str] | None = None) -> list[tuple[str, str]]:
    """(label, colour) pairs for the legend; only those present when ``present`` is given.

    By event type the legend has a row per family (ACLED's six types): older ACLED types and
    UCDP's types are named in their family's row ("Explosions/Remote violence (incl. Remote
    violence)", "Battles (incl. 3 pre-2019 types)") rather than as rows of the same colour;
    unknown types make one "Other" row.
    """
    if mode == "side":
        return [(side_label(k), v) for k, v in SIDE_COLORS.items() if present is None or k in present]
    if present is None:
        return [(category(k), v) for k, v in EVENT_TYPE_FAMILIES.items()]
    members: dict[str, list[str]] = {}
    other = False
    for name in sorted(str(p) for p in present):
        family = event_type_family(name)
        if family is None:
            other = other or name != ""
        else:
            members.setdefault(family, []).append(name)
    items = []
    for family, color in EVENT_TYPE_FAMILIES.items():
        if family not in members:
            continue
        also = [m for m in members[family] if m != family]
        label = category(family)
        if also:
            listed = ", ".join(category(m) for m in also)
            if len(listed) > _LEGEND_LIST_CHARS:  # a short legend: how many, and from where
                n = len(also)
                if all(event_type_family(m) and _type_key(m) in _UCDP_KEYS for m in also):
                    listed = ngettext("{count} UCDP type", "{count} UCDP types", n).format(count=n)
                elif not any(_type_key(m) in _UCDP_KEYS for m in also):
                    listed = ngettext("{count} pre-2019 type", "{count} pre-2019 types", n).format(count=n)
                else:
                    listed = ngettext("{count} type", "{count} types", n).format(count=n)
            label = _("{family} (incl. {listed})").format(family=label, listed=listed)
        items.append((label, color))
    if other:
        items.append((_("Other"), OTHER_COLOR))
    return items


def esc(text) -> str:
    """Escape text for HTML, and for a JavaScript template literal it may end up in.

    Beyond ``html.escape`` this turns backticks, dollar signs and backslashes into
    entities: folium writes popup and tooltip HTML into template literals, where
    ``${…}`` would run.
    """
    if text is None:
        return ""
    if type(text) is str and len(text) <= 200:  # names, places, types: the same few again and again
        return _esc_short(text)
    return _escape(str(text))


def _escape(text: str) -> str:
    s = html.escape(text, quote=True)
    return s.replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


@lru_cache(maxsize=50_000)
def _esc_short(text: str) -> str:
    return _escape(text)


_URL_RE = re.compile(r"^https?://[^\s<>\"'`]+$", re.IGNORECASE)


def safe_link(url: str, label: str | None = None) -> str:
    """An <a> to ``url`` if it is a plain http(s) URL; otherwise the text, escaped.

    ``javascript:``, ``data:`` and every other scheme come out as inert text.
    """
    url = (url or "").strip()
    if not _URL_RE.match(url):
        return esc(url)
    if label is None:
        label = re.sub(r"^https?://(www\.)?", "", url, flags=re.IGNORECASE).split("/")[0]
    return f'<a href="{esc(url)}" target="_blank" rel="noopener noreferrer">{esc(label)}</a>'


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^\"'&])")


def md_escape(text) -> str:
    """Escape text for Markdown (as Streamlit renders it): every ASCII punctuation mark that
    could start emphasis, a link, an image, HTML, LaTeX (``$``), an emoji or colour
    shortcode (``:``) or a directive is backslash-escaped, and newlines become spaces.

    Untrusted text (actor names, places, sources, file names, link values) goes through
    here before it reaches ``st.markdown``, ``st.write``, ``st.caption`` and their kin.
    """
    if text is None:
        return ""
    flat = re.sub(r"[\r\n\u2028\u2029]+", " ", str(text))
    return _MD_SPECIAL.sub(r"\\\1", flat)
