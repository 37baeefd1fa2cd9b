"""French and English: the gettext catalogues, the language in use, and dates and numbers as each
language writes them.

Every user-facing string of geo and of the dashboard is an English message id wrapped in ``_()``
(or ``ngettext`` for plurals, ``N_`` where the text is translated later); the French is in
``geo/locale/fr/LC_MESSAGES/messages.po`` and its compiled ``messages.mo`` (both committed, so a
fresh clone works with no build step; ``tests/test_i18n.py`` checks that the ``.mo`` is the
``.po`` compiled and that no English string lacks its French). The workflow (``pybabel extract /
update / compile``) is in ``docs/translations.md``.

The language in use is a context variable: ``use_language("fr")`` (a context manager) or
``set_language("fr")`` for the rest of a thread's run. Functions that take a ``View`` speak its
``lang``. Dates and numbers go through Babel (CLDR): ``format_date(d)`` gives "27 July 2024" or
"27 juillet 2024", ``format_number(1000000)`` "1,000,000" or "1 000 000" (with U+202F, the
narrow no-break space CLDR gives French).

Data stays as its source wrote it (actors, places, notes); only the category names of ACLED and
UCDP (event types, sub-event types, precision codes, UCDP's types of violence) are shown in the
chosen language, through ``category``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gettext as _gettext
import io
import numbers
import re
import string
from collections.abc import Iterator
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

import numpy as np
from babel import Locale
from babel import dates as _dates
from babel import numbers as _numbers
from babel.core import UnknownLocaleError

#: The languages the app speaks: code -> its name in itself (as the language picker shows it).
LANGUAGES: dict[str, str] = {"en": "English", "fr": "Français"}
#: The language of the message ids, and of a link without ``lang``.
DEFAULT_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"

_current: ContextVar[str] = ContextVar("geo_language", default=DEFAULT_LANGUAGE)


def N_(message: str) -> str:
    """Mark a string for translation without translating it now (module-level tables)."""
    return message


def normalize_language(value) -> str | None:
    """The app's language for a code or locale ("fr", "fr-FR", "fr_CA", "FR" -> "fr"); None if it
    speaks none of it."""
    text = str(value or "").strip().replace("_", "-").lower()
    code = text.split("-", 1)[0]
    return code if code in LANGUAGES else None


def negotiate_language(accept_language: str | None = None, locale: str | None = None) -> str:
    """The language to open in: the first of the browser's ``Accept-Language`` (by quality) that
    the app speaks, else its ``navigator.language`` (``locale``), else English."""
    for tag in _accepted(accept_language):
        lang = normalize_language(tag)
        if lang:
            return lang
    return normalize_language(locale) or DEFAULT_LANGUAGE


def _accepted(header: str | None) -> list[str]:
    """The tags of an Accept-Language header, best first (quality, then order); "*" and q=0 left out."""
    tags = []
    for i, part in enumerate(str(header or "").split(",")[:50]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        m = re.search(r"q\s*=\s*([0-9.]+)", params)
        if m:
            try:
                quality = float(m.group(1))
            except ValueError:
                quality = 0.0
        if tag.strip() and tag.strip() != "*" and quality > 0:
            tags.append((-quality, i, tag.strip()))
    return [t for _, _, t in sorted(tags)]


def _catalogue(lang: str) -> _gettext.NullTranslations:
    """The compiled catalogue of ``lang`` (its committed .mo; compiled from the .po in memory if the
    .mo is missing); English is the message ids themselves."""
    if lang == DEFAULT_LANGUAGE:
        return _gettext.NullTranslations()
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    mo = folder / f"{DOMAIN}.mo"
    if mo.exists():
        with mo.open("rb") as fp:
            return _gettext.GNUTranslations(fp)
    return _gettext.GNUTranslations(io.BytesIO(compile_po(folder / f"{DOMAIN}.po")))


def compile_po(po_path: Path) -> bytes:
    """The .mo bytes of a .po file, as ``pybabel compile`` writes them (fuzzy entries left out)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with Path(po_path).open("rb") as fp:
        catalog = read_po(fp)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


class Translator:
    """One language's messages, dates and numbers (``translator(lang)``)."""

    def __init__(self, lang: str):
        self.lang = lang
        self.locale = Locale.parse(lang)
        self._catalogue = _catalogue(lang)

    def gettext(self, message: str) -> str:
        return self._catalogue.gettext(message)

    _ = gettext

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalogue.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return self._catalogue.pgettext(context, message)

    def retranslate(self, text: str) -> str:
        """English text that geo said (a message of the catalogue with its ``{placeholders}`` filled,
        e.g. an import report's warning stored or cached in English) in this language; any other text
        as it is. The values filled in (field names, counts, the file's own text) are kept."""
        if self.lang == DEFAULT_LANGUAGE or not text:
            return text
        exact = self._catalogue._catalog.get(text) if hasattr(self._catalogue, "_catalog") else None
        if isinstance(exact, str) and exact:
            return exact
        for first, pattern, translated in self._patterns():
            if text.startswith(first):
                m = pattern.fullmatch(text)
                if m:
                    return translated.format(**m.groupdict())
        return text

    def _patterns(self):
        if getattr(self, "_compiled", None) is None:
            compiled = []
            for msgid, msgstr in getattr(self._catalogue, "_catalog", {}).items():
                if not isinstance(msgid, str) or "{" not in msgid or not msgstr:
                    continue
                try:
                    parts = list(string.Formatter().parse(msgid))
                except ValueError:
                    continue
                names = [name for _lit, name, _spec, _conv in parts if name]
                if len(set(names)) != len(names) or any(not n.isidentifier() for n in names):
                    continue
                regex = "".join(re.escape(lit) + (f"(?P<{name}>.*?)" if name else "")
                                for lit, name, _spec, _conv in parts)
                first = parts[0][0] if parts else ""
                literal = sum(len(lit) for lit, *_rest in parts)
                compiled.append((literal, first, re.compile(regex, re.S), msgstr))
            # the most specific first: "{a} row(s) had no {b}" before "{a} {b}"
            self._compiled = [(first, rx, msgstr) for _n, first, rx, msgstr in
                              sorted(compiled, key=lambda c: -c[0])]
        return self._compiled

    def format_number(self, value) -> str:
        """A whole number with the language's grouping ("1,000,000" / "1 000 000")."""
        if (type(value) is int or isinstance(value, np.integer) or (isinstance(value, numbers.Integral)
                                                                    and not isinstance(value, bool))) \
                and self._group is not None:  # the common cases first: an abc's check is slow
            # Babel's text, without its cost (popups of thousands of events each give a few numbers)
            text = f"{int(value):,}"
            return text if self._group == "," else text.replace(",", self._group)
        return _numbers.format_decimal(value, format="#,##0", locale=self.locale)

    @property
    def _group(self) -> str | None:
        """The group separator when Python's grouping by three is CLDR's for this language (checked once
        against Babel), else None."""
        if not hasattr(self, "_group_checked"):
            group = self.locale.number_symbols["latn"]["group"]
            same = all(_numbers.format_decimal(n, format="#,##0", locale=self.locale)
                       == f"{n:,}".replace(",", group) for n in (0, 7, 999, 1000, 12345, 1234567, -4321))
            self._group_checked = group if same else None
        return self._group_checked

    def format_decimal(self, value, digits: int = 1) -> str:
        """A number with up to ``digits`` decimals ("2.5" / "2,5"), grouped."""
        pattern = "#,##0" + ("." + "#" * digits if digits > 0 else "")
        return _numbers.format_decimal(value, format=pattern, locale=self.locale)

    def format_date(self, value, format: str = "long") -> str:
        """A date in the language: "long" "27 July 2024" / "27 juillet 2024", "medium" "27 Jul 2024" /
        "27 juil. 2024", "month" "July 2024" / "juillet 2024", "short_month" "Jul 2024" / "juil. 2024",
        or a CLDR pattern."""
        if value is None:
            return ""
        if hasattr(value, "to_pydatetime"):  # a pandas Timestamp
            value = value.to_pydatetime()
        if isinstance(value, dt.datetime):
            value = value.date()
        return _date_text(value, _DATE_PATTERNS.get(format, format), self.lang)


#: The app's date styles as CLDR patterns (the same in both languages: day month year).
_DATE_PATTERNS = {"long": "d MMMM y", "medium": "d MMM y", "month": "LLLL y", "short_month": "LLL y"}


@lru_cache(maxsize=20_000)
def _date_text(value: dt.date, pattern: str, lang: str) -> str:
    names = _month_names(pattern, lang)
    if names is None:
        return _dates.format_date(value, pattern, locale=lang)
    month = names[value.month - 1]  # Babel's text, without its cost (a map of thousands of events says as many days)
    return f"{value.day} {month} {value.year}" if pattern.startswith("d ") else f"{month} {value.year}"


#: The app's date patterns that are a day, a month's name and a year: Babel's month names by context and width.
_MONTHS = {"d MMMM y": ("format", "wide"), "d MMM y": ("format", "abbreviated"),
           "LLLL y": ("stand-alone", "wide"), "LLL y": ("stand-alone", "abbreviated")}


@lru_cache(maxsize=None)
def _month_names(pattern: str, lang: str) -> tuple[str, ...] | None:
    """The month names of ``pattern`` in ``lang`` when Babel writes its dates as the name between the day and
    the year (checked once against Babel for every month), else None (Babel then writes each date)."""
    if pattern not in _MONTHS:
        return None
    context, width = _MONTHS[pattern]
    names = tuple(Locale.parse(lang).months[context][width][m] for m in range(1, 13))
    for m in range(1, 13):
        for day in (1, 28):
            value = dt.date(2024, m, day)
            made = f"{day} {names[m - 1]} 2024" if pattern.startswith("d ") else f"{names[m - 1]} 2024"
            if _dates.format_date(value, pattern, locale=lang) != made:
                return None
    return names


@lru_cache(maxsize=None)
def translator(lang: str | None = None) -> Translator:
    """The translator of ``lang`` ("en", "fr"; a locale such as "fr-FR" is its language); English
    for None or a language the app does not speak."""
    code = normalize_language(lang) or DEFAULT_LANGUAGE
    try:
        return Translator(code)
    except UnknownLocaleError:  # pragma: no cover - Babel ships both
        return Translator(DEFAULT_LANGUAGE)


def current_language() -> str:
    """The language in use in this context ("en" unless set)."""
    return _current.get()


def set_language(lang: str | None) -> str:
    """Use ``lang`` from now on in this context (a thread's run of the dashboard); the language set."""
    code = normalize_language(lang) or DEFAULT_LANGUAGE
    _current.set(code)
    return code


@contextlib.contextmanager
def use_language(lang: str | None) -> Iterator[Translator]:
    """``with use_language("fr"):`` everything said inside is in French; the language before it after."""
    code = normalize_language(lang) or DEFAULT_LANGUAGE
    token = _current.set(code)
    try:
        yield translator(code)
    finally:
        _current.reset(token)


def _t() -> Translator:
    return translator(_current.get())


def _(message: str) -> str:
    """``message`` in the language in use."""
    return _t().gettext(message)


gettext = _


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural of a message for ``n``, in the language in use (French: 0 and 1 are singular)."""
    return _t().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in the language in use, where the same English says different things (``context``)."""
    return _t().pgettext(context, message)


def retranslate(text) -> str:
    """English text geo said (a catalogue message, filled in) in the language in use (see
    ``Translator.retranslate``); any other text as it is."""
    return _t().retranslate("" if text is None else str(text))


def format_number(value) -> str:
    """A whole number in the language in use: "1,000,000" / "1 000 000"."""
    return _t().format_number(value)


def format_decimal(value, digits: int = 1) -> str:
    """A number with up to ``digits`` decimals in the language in use: "2.5" / "2,5"."""
    return _t().format_decimal(value, digits)


def format_date(value, format: str = "long") -> str:
    """A date in the language in use ("long": "27 July 2024" / "27 juillet 2024"; see ``Translator.format_date``)."""
    return _t().format_date(value, format)


def d3_locale(lang: str | None = None) -> dict:
    """The language's number and time formats for Vega/d3 charts (Vega-Lite's ``config.locale``), from CLDR:
    French months and days, "," as the decimal mark and U+202F between thousands."""
    t = translator(lang or current_language())
    loc, symbols = t.locale, t.locale.number_symbols["latn"]
    days = [loc.days["format"]["wide"][i] for i in (6, 0, 1, 2, 3, 4, 5)]  # d3 weeks start on Sunday
    short_days = [loc.days["format"]["abbreviated"][i] for i in (6, 0, 1, 2, 3, 4, 5)]
    return {
        "number": {"decimal": symbols["decimal"], "thousands": symbols["group"], "grouping": [3],
                   "currency": ["", "\u00a0€"] if t.lang == "fr" else ["$", ""]},
        "time": {"dateTime": "%A %e %B %Y, %X", "date": "%d/%m/%Y" if t.lang == "fr" else "%m/%d/%Y",
                 "time": "%H:%M:%S", "periods": ["AM", "PM"], "days": days, "shortDays": short_days,
                 "months": [loc.months["stand-alone"]["wide"][i] for i in range(1, 13)],
                 "shortMonths": [loc.months["stand-alone"]["abbreviated"][i] for i in range(1, 13)]},
    }


# --- the category names of ACLED and UCDP ---------------------------------------------------------

#: The category names that are shown in the chosen language (the data keep the English).
CATEGORIES: tuple[str, ...] = (
    # ACLED's event types (since 2019)
    N_("Battles"), N_("Explosions/Remote violence"), N_("Violence against civilians"),
    N_("Strategic developments"), N_("Protests"), N_("Riots"),
    # ACLED's event types before 2019
    N_("Battle-No change of territory"), N_("Battle-Government regains territory"),
    N_("Battle-Non-state actor overtakes territory"), N_("Remote violence"), N_("Riots/Protests"),
    N_("Strategic development"), N_("Headquarters or base established"),
    N_("Non-violent transfer of territory"), N_("Non-violent activity by a conflict actor"),
    # ACLED's sub-event types
    N_("Armed clash"), N_("Government regains territory"), N_("Non-state actor overtakes territory"),
    N_("Chemical weapon"), N_("Air/drone strike"), N_("Suicide bomb"), N_("Shelling/artillery/missile attack"),
    N_("Remote explosive/landmine/IED"), N_("Grenade"), N_("Sexual violence"), N_("Attack"),
    N_("Abduction/forced disappearance"), N_("Peaceful protest"), N_("Protest with intervention"),
    N_("Excessive force against protesters"), N_("Violent demonstration"), N_("Mob violence"),
    N_("Agreement"), N_("Arrests"), N_("Change to group/activity"), N_("Disrupted weapons use"),
    N_("Looting/property destruction"), N_("Other"),
    # UCDP GED's types of violence (type_of_violence 1, 2, 3)
    N_("State-based conflict"), N_("Non-state conflict"), N_("One-sided violence"),
)
_CATEGORY_SET = frozenset(CATEGORIES)


def _category_key(name: str) -> str:
    """A category name compared without case and spacing ("Battle - no change of territory")."""
    return re.sub(r"\s+", " ", re.sub(r"\s*([-/])\s*", r"\1", name)).strip().casefold()


_CATEGORY_KEYS = {_category_key(c): c for c in CATEGORIES}
#: Other spellings real files use for a category (ACLED's own files before 2019 wrote the plural).
_CATEGORY_KEYS.update({_category_key(spelling): known for spelling, known in (
    ("Battle-Non-state actors overtake territory", "Battle-Non-state actor overtakes territory"),
    ("Battle-Government regain territory", "Battle-Government regains territory"),
    ("Non-state actors overtake territory", "Non-state actor overtakes territory"),
)})


def category(name) -> str:
    """An ACLED or UCDP category name (event type, sub-event type, type of violence) in the language
    in use, also as files spell it in other cases and spacings; any other text (actors, places, a
    category we do not know) as it is."""
    if not isinstance(name, str):
        return "" if name is None or name != name else str(name)
    known = name if name in _CATEGORY_SET else _CATEGORY_KEYS.get(_category_key(name))
    if known is None or _current.get() == DEFAULT_LANGUAGE:
        return name
    return _t().gettext(known)


__all__ = ["CATEGORIES", "DEFAULT_LANGUAGE", "d3_locale", "LANGUAGES", "N_", "Translator", "category", "current_language",
           "format_date", "format_decimal", "format_number", "gettext", "negotiate_language", "ngettext",
           "normalize_language", "pgettext", "retranslate", "set_language", "speaks_view_language", "translator", "use_language"]


def speaks_view_language(view_arg: str = "view"):
    """Decorate a function taking a ``View`` (argument ``view_arg``) so that it speaks the view's ``lang``."""
    import functools
    import inspect

    def decorate(fn):
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                view = signature.bind_partial(*args, **kwargs).arguments.get(view_arg)
            except TypeError:
                view = None
            lang = getattr(view, "lang", None)
            if lang is None:
                return fn(*args, **kwargs)
            with use_language(lang):
                return fn(*args, **kwargs)

        return wrapper

    return decorate
