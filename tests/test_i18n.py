"""French and English: the catalogue covers every user-facing string, the compiled catalogue is the
.po, dates and numbers follow CLDR, the language is part of the share link."""

from __future__ import annotations

import datetime as dt
import gettext
import io
import re
import string

import pandas as pd
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

import geo
from conftest import ROOT
from geo import i18n
from geo.i18n import (_, category, format_date, format_decimal, format_number, negotiate_language, ngettext,
                      translator, use_language)

PO = ROOT / "geo" / "locale" / "fr" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
NNBSP, NBSP = "\u202f", "\u00a0"


def extracted() -> dict[str, tuple]:
    """Every message of geo/ and dashboard/, extracted by Babel with the project's babel.cfg."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as fp:
        method_map, options_map = parse_mapping_cfg(fp)
    found = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            ROOT, method_map=method_map, options_map=options_map):
        key = message if isinstance(message, str) else message[0]
        found.setdefault(key, (f"{filename}:{lineno}", message))
    return found


def fr_catalogue():
    with PO.open("rb") as fp:
        return read_po(fp)


def test_the_extraction_finds_the_apps_strings():
    found = extracted()
    # one of each kind: a link warning, a category name, a popup heading, a dashboard label, the CLI
    for text in ("Ignored unknown setting '{key}'.", "Battles", "Side A", "Filters", "cannot write {path}: {reason}"):
        assert text in found, text
    assert len(found) > 250


def test_every_english_string_has_its_french():
    """A user-facing string wrapped in _() with no French entry, an empty or a fuzzy one fails here."""
    catalogue = fr_catalogue()
    missing, fuzzy, empty = [], [], []
    for key, (where, message) in sorted(extracted().items()):
        entry = catalogue.get(message if isinstance(message, str) else message[0])
        if entry is None:
            missing.append(f"{where}: {key!r}")
        elif entry.fuzzy:
            fuzzy.append(key)
        elif not (entry.string if isinstance(entry.string, str) else all(entry.string)):
            empty.append(key)
    assert not missing, "not in the fr catalogue (run pybabel extract/update, see docs/translations.md):\n" + \
        "\n".join(missing)
    assert not fuzzy, f"fuzzy (check and unmark): {fuzzy}"
    assert not empty, f"untranslated: {empty}"


def test_the_catalogue_has_no_stale_entries():
    """Entries whose English is gone from the code are removed (``pybabel update`` makes them obsolete)."""
    found = extracted()
    catalogue = fr_catalogue()
    stale = [m.id for m in catalogue if m.id and (m.id if isinstance(m.id, str) else m.id[0]) not in found]
    assert not stale
    assert not catalogue.obsolete


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_french_keeps_every_placeholder():
    """A translation that drops or misspells ``{name}`` would raise or lose the value at run time."""
    bad = []
    for m in fr_catalogue():
        if not m.id:
            continue
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        for s in strings:
            if _fields(s) != _fields(ids[-1]) and _fields(s) != _fields(ids[0]):
                bad.append((ids[0], s))
    assert not bad


def test_the_committed_mo_is_the_po_compiled():
    """The .mo is committed (a fresh clone needs no build step); it must be the .po, compiled."""
    committed = gettext.GNUTranslations(io.BytesIO(MO.read_bytes()))
    fresh = gettext.GNUTranslations(io.BytesIO(i18n.compile_po(PO)))
    assert committed._catalog == fresh._catalog, "run: pybabel compile -d geo/locale -D messages"


def test_a_missing_mo_is_compiled_from_the_po(tmp_path, monkeypatch):
    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_bytes(PO.read_bytes())
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    assert i18n._catalogue("fr").gettext("Battles") == "Combats"


# --- dates, numbers and the language in use --------------------------------------------------------

@pytest.mark.parametrize("lang, value, expected", [
    ("en", 1_000_000, "1,000,000"),
    ("fr", 1_000_000, f"1{NNBSP}000{NNBSP}000"),  # CLDR's French group separator: narrow no-break space
    ("fr", 999, "999"),
    ("fr", 0, "0"),
    ("en", 12345, "12,345"),
])
def test_numbers(lang, value, expected):
    assert translator(lang).format_number(value) == expected
    with use_language(lang):
        assert format_number(value) == expected


def test_decimals():
    assert translator("en").format_decimal(2.5) == "2.5"
    assert translator("fr").format_decimal(2.5) == "2,5"
    with use_language("fr"):
        assert format_decimal(1234.56, 1) == f"1{NNBSP}234,6"


@pytest.mark.parametrize("lang, fmt, expected", [
    ("en", "long", "27 July 2024"),
    ("fr", "long", "27 juillet 2024"),
    ("en", "medium", "27 Jul 2024"),
    ("fr", "medium", "27 juil. 2024"),
    ("en", "month", "July 2024"),
    ("fr", "month", "juillet 2024"),
    ("fr", "short_month", "juil. 2024"),
])
def test_dates(lang, fmt, expected):
    assert translator(lang).format_date(dt.date(2024, 7, 27), fmt) == expected
    # a datetime and a pandas Timestamp give the same
    assert translator(lang).format_date(pd.Timestamp("2024-07-27 13:00"), fmt) == expected
    assert translator(lang).format_date(dt.datetime(2024, 7, 27, 23, 59), fmt) == expected


def test_first_of_the_month_in_french():
    assert translator("fr").format_date(dt.date(2024, 8, 1)) == "1 août 2024"


def test_the_language_in_use_is_scoped():
    assert i18n.current_language() == "en"
    with use_language("fr"):
        assert _("Battles") == "Combats"
        with use_language("en"):
            assert _("Battles") == "Battles"
        assert i18n.current_language() == "fr"
    assert _("Battles") == "Battles"
    with use_language("de"):  # not spoken: English
        assert i18n.current_language() == "en"


def test_plurals():
    with use_language("fr"):
        one = ngettext("{count} event", "{count} events", 1).format(count=1)
        many = ngettext("{count} event", "{count} events", 3).format(count=3)
        zero = ngettext("{count} event", "{count} events", 0).format(count=0)
    assert (one, many, zero) == ("1 événement", "3 événements", "0 événement")  # French: 0 is singular


@pytest.mark.parametrize("header, locale, expected", [
    ("fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7", None, "fr"),
    ("en-US,en;q=0.9,fr;q=0.8", None, "en"),
    ("de-DE,de;q=0.9,fr;q=0.8,en;q=0.5", None, "fr"),  # the first the app speaks
    ("en;q=0.5, fr-CA;q=0.8", None, "fr"),  # by quality, not order
    ("fr;q=0, en", None, "en"),  # q=0: not acceptable
    ("", "fr-FR", "fr"),  # no header: the browser's navigator.language
    (None, None, "en"),
    ("*", None, "en"),
    ("de, es", "it-IT", "en"),
    ("garbage;;q=x,,", None, "en"),
])
def test_negotiate_language(header, locale, expected):
    assert negotiate_language(header, locale) == expected


def test_category_names_are_translated_and_data_is_not():
    with use_language("fr"):
        assert category("Battles") == "Combats"
        assert category("Armed clash") == "Affrontement armé"
        assert category("One-sided violence") == "Violence unilatérale"
        assert category("Violence against civilians") == "Violence contre les civils"
        # data text, even when it happens to be a message of the app, is not a category
        assert category("Side A") == "Side A"
        assert category("Kidal") == "Kidal"
        assert category(None) == ""
        # as real files spell them (capitals, spaces around the dash)
        assert category("BATTLE - NO CHANGE OF TERRITORY") == "Combat - sans changement de territoire"
        assert category("explosions/remote violence") == "Explosions/Violence à distance"
    assert category("Battles") == "Battles"


def test_every_category_has_its_french():
    french = translator("fr")
    same = [c for c in i18n.CATEGORIES if french.gettext(c) == c and c not in ("Grenade",)]
    assert not same


# --- the language in the share link -------------------------------------------------------------

def test_lang_is_in_the_link_and_english_is_left_out():
    assert geo.view_to_query(geo.View(lang="fr"))["lang"] == "fr"
    assert "lang" not in geo.view_to_query(geo.View())
    view, warnings = geo.view_from_query("?lang=fr&minf=5")
    assert (view.lang, view.filter.min_fatalities, warnings) == ("fr", 5, [])
    assert geo.view_from_query(geo.view_to_link(view, "http://x/"))[0] == view


def test_an_old_link_without_lang_opens_in_english():
    view, warnings = geo.view_from_query("actor=JNIM&from=2024-07-25&z=7")
    assert view.lang == "en" and not warnings


def test_the_link_warnings_are_in_the_links_language():
    _, warnings = geo.view_from_query("?lang=fr&z=abc&colour=red")
    assert warnings == [f"Paramètre inconnu «{NNBSP}colour{NNBSP}» ignoré.",
                        f"Zoom «{NNBSP}abc{NNBSP}» ignoré{NBSP}: ce n'est pas un nombre."]
    _, warnings = geo.view_from_query("?z=abc")
    assert warnings == ["Ignored zoom 'abc': not a number."]
    with use_language("fr"):  # no lang in the link: the language in use (the browser's)
        _, warnings = geo.view_from_query("?z=abc")
    assert warnings[0].startswith("Zoom")  and "nombre" in warnings[0]


@pytest.mark.parametrize("value, lang, warned", [
    ("fr", "fr", None), ("en", "en", None), ("FR", "fr", "read as"), ("fr-FR", "fr", "read as"),
    ("de", "en", "Ignored language 'de': use one of en, fr."), ("", "en", None),
])
def test_a_bad_lang_is_a_warning(value, lang, warned):
    view, warnings = geo.view_from_query({"lang": value})
    assert view.lang == lang
    if warned:
        assert len(warnings) == 1 and warned in warnings[0]
    else:
        assert warnings == []


def test_a_view_refuses_an_unknown_language():
    with pytest.raises(geo.ViewError):
        geo.View(lang="de")


def test_no_module_formats_numbers_or_dates_by_hand_in_user_text():
    """Numbers and dates shown to users go through geo.i18n (a ``:,`` or ``%B`` left in a wrapped string
    would give English digits and months in French)."""
    bad = []
    for path in list((ROOT / "geo").rglob("*.py")) + list((ROOT / "dashboard").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"_\(\s*f?\"[^\"]*(\{[^}]*:,\}|%B|%b)[^\"]*\"", text):
            bad.append(f"{path.relative_to(ROOT)}: {m.group(0)[:60]}")
    assert not bad


def _called_messages(path) -> list[tuple[int, str]]:
    """The literal first arguments of _(), N_(), ngettext() and pgettext() calls in a file, found by Python's
    own parser (so also inside f-strings, where Babel's extractor does not look)."""
    import ast

    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in (
                "_", "N_", "ngettext", "pgettext", "gettext"):
            args = node.args[1:] if node.func.id == "pgettext" else node.args
            if args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
                found.append((node.lineno, args[0].value))
    return found


def test_every_wrapped_string_is_extracted():
    """A string wrapped inside an f-string's braces is invisible to pybabel: it would never be translated."""
    found = extracted()
    hidden = [f"{path.relative_to(ROOT)}:{line}: {text!r}"
              for path in list((ROOT / "geo").rglob("*.py")) + list((ROOT / "dashboard").glob("*.py"))
              for line, text in _called_messages(path) if text not in found]
    assert not hidden, "move these out of the f-string's braces:\n" + "\n".join(hidden)


# --- what geo says in French: popups, legend, snapshots ------------------------------------------

WHEN = dt.datetime(2025, 1, 2, 3, 4, tzinfo=dt.timezone.utc)


def _svg_text(svg) -> str:
    """The text of a matplotlib SVG: each text is drawn as paths, after a comment holding it."""
    import html

    text = svg.decode("utf-8") if isinstance(svg, bytes) else svg
    return html.unescape(" ".join(re.findall(r"<!-- (.*?) -->", text, flags=re.S)))


def test_the_svg_snapshot_has_french_captions(events, claims, layers):
    from geo.static.snapshots import render

    view, warnings = geo.view_from_query("?lang=fr&type=Battles&from=2024-07-01",
                                         vocabulary=geo.Vocabulary.of(events, claims))
    assert warnings == [] and view.lang == "fr"
    svg = render(view, "svg", events, claims, layers, generated=WHEN)
    said = _svg_text(svg)
    for french in ("Événements de conflit — nord du Mali", "Types d'événements\u00a0: Combats",
                   "Dates\u00a0: du 2024-07-01 au", "morts (estimations prudentes)", "Type d'événement",
                   "Aire des cercles ∝ morts (estimation prudente)", "Généré le 2025-01-02 03:04 UTC",
                   "Réalisé avec Natural Earth"):
        assert french in said, french
    assert "Conflict events" not in said and "Event types" not in said
    # the metadata too (dc:title, dc:description)
    raw = svg.decode("utf-8")
    assert "Événements de conflit — nord du Mali" in raw and "lang=fr" in raw
    # its alt text (the SVG's <desc>, for screen readers) in French too
    desc = re.search(r"<desc id=\"map-desc\">(.*?)</desc>", raw, flags=re.S).group(1)
    assert desc.startswith("Carte de ") and "Les cercles sont colorés selon le type d" in desc, desc
    # the same view in English is unchanged
    english = _svg_text(render(geo.View(filter=view.filter), "svg", events, claims, layers, generated=WHEN))
    assert "Conflict events — northern Mali" in english and "Event types: Battles" in english


def test_png_pdf_and_html_snapshots_speak_the_views_language(events, claims, layers):
    from PIL import Image

    from geo.static.snapshots import render

    view = geo.View(lang="fr")
    png = Image.open(io.BytesIO(render(view, "png", events, claims, layers, generated=WHEN)))
    assert png.text["Title"] == "Événements de conflit — nord du Mali"
    assert "Tous les événements" in png.text["Description"] and "lang=fr" in png.text["Link"]
    page = render(view, "html", events, claims, layers, generated=WHEN)
    assert "<html lang='fr'>" in page and "Filtres" in page and "Camp A" in page and "Revendications" in page
    assert "Généré le" in page
    pdf = render(view, "pdf", events, claims, layers, generated=WHEN)
    assert pdf.startswith(b"%PDF")


def test_a_french_popup(events, claims):
    from geo.webmap.popups import popup_html, tooltip_text

    event = events[events["event_id"] == "MLI-2024-0725-TZW"].iloc[0] if (
        events["event_id"] == "MLI-2024-0725-TZW").any() else events.iloc[0]
    english = popup_html(event, claims)
    with use_language("fr"):
        french = popup_html(event, claims)
        tip = tooltip_text(event)
        kind = category(event["event_type"])
    assert "Camp A" in french and "Camp B" in french and "Sources" in french and "<h3>Morts</h3>" in french
    assert "Side A" not in french and "Side A" in english
    # the category is translated, the data is not
    assert kind in french and kind != event["event_type"]
    assert str(event["location"]) in french and str(event["actor1"]).split("(")[0] in french
    # dates in French words
    assert any(m in french for m in ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                                     "septembre", "octobre", "novembre", "décembre"))
    assert "tués" in tip


def test_the_french_legend_and_map(events, claims, layers):
    with use_language("fr"):
        m = geo.build_map(events, layers, claims=claims)
    page = m.get_root().render()
    assert "Type d\\u0026#x27;événement" in page  # the legend's heading (escaped, then as JSON)
    assert "Explosions/Violence à distance" in page and "45 événements" in page
    assert "Réalisé avec Natural Earth" in page


def test_french_cells_tooltips(events, layers):
    with use_language("fr"):
        m = geo.build_map(events, layers, max_markers=5)
    page = m.get_root().render()
    assert "{count} événements" in page and "cliquez pour zoomer" in page and f'"group": "{NNBSP}"' in page


# --- the command line ---------------------------------------------------------------------------

def test_the_cli_speaks_french(tmp_path, capsys, monkeypatch):
    from geo.__main__ import main

    monkeypatch.delenv("GEO_LANG", raising=False)
    assert main(["--lang", "fr", "snapshot", "", "-o", str(tmp_path / "map.docx")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: impossible de déterminer le format")  # the prefix stays, for scripts
    assert main(["snapshot", "", "-o", str(tmp_path / "map.docx")]) == 2
    assert capsys.readouterr().err.startswith("error: cannot tell the format")
    # GEO_LANG: the warnings and, for a link without lang, the snapshot
    monkeypatch.setenv("GEO_LANG", "fr")
    assert main(["snapshot", "?z=abc", "-o", str(tmp_path / "fr.svg")]) == 0
    assert capsys.readouterr().err == f"warning: Zoom «{NNBSP}abc{NNBSP}» ignoré{NBSP}: ce n'est pas un nombre.\n"
    said = _svg_text((tmp_path / "fr.svg").read_bytes())
    assert "Événements de conflit — nord du Mali" in said and "Tous les événements" in said
    # a link made in English stays English, whatever the terminal speaks
    assert main(["snapshot", "?lang=en", "-o", str(tmp_path / "en.svg")]) == 0
    said = _svg_text((tmp_path / "en.svg").read_bytes())
    assert "Conflict events — northern Mali" in said and "All events" in said


def test_the_cli_help_in_french(capsys):
    from geo.__main__ import main

    with pytest.raises(SystemExit):
        main(["--lang", "fr", "snapshot", "--help"])
    out = capsys.readouterr().out
    assert "largeur de l'image en pixels" in out and "un lien de partage" in out


# --- the import report ----------------------------------------------------------------------------

FIXTURES = ROOT / "tests" / "fixtures"
READ_FILES = sorted(str(p.relative_to(FIXTURES)) for p in FIXTURES.glob("*/*.csv")
                    if p.parent.name != "aggregated") + ["events_hostile.csv", "events_small.csv"]  # counts, not events


@pytest.mark.parametrize("name", READ_FILES)
def test_every_reader_warning_has_its_french(name):
    """Each decision a reader writes into the report (stored in English, as the cache keeps it) is
    said in French: none is left as it is."""
    _events, report = geo.read_events(FIXTURES / name)
    with use_language("fr"):
        for warning in report.warnings:
            assert i18n.retranslate(warning) != warning, warning
        for reason in report.rejected["reason"]:
            from geo.io.report import localized_reason

            assert localized_reason(reason) != reason, reason


def test_the_import_report_in_french(tmp_path):
    from geo.io.report import localized_rejected

    bad = tmp_path / "bad.csv"
    good = (ROOT / "tests" / "fixtures" / "events_small.csv").read_text(encoding="utf-8").splitlines()
    header, first = good[0], good[1].split(",")
    cols = header.split(",")
    row = dict(zip(cols, first))
    row["latitude"], row["event_date"] = "123", "not a date"
    bad.write_text("\n".join([header, ",".join(row[c] for c in cols)] + good[2:]) + "\n", encoding="utf-8")
    _events, report = geo.read_events(bad)
    english = str(report)
    assert "rows read" in english and "rejected" in english
    with use_language("fr"):
        french = str(report)
        table = localized_rejected(report.rejected)
    assert "lignes lues" in french and "rejetées" in french and "ligne 1" in french
    assert "illisible" in french and "hors de l'intervalle" in french, french
    assert "illisible" in table["reason"].iloc[0]
    assert report.rejected["reason"].iloc[0].startswith("date 'not a date' unparseable")  # the data stays English


def test_errors_in_french(tmp_path):
    from geo.errors import localized_error

    empty = tmp_path / "empty.csv"
    empty.write_text("")
    photo = tmp_path / "photo.csv"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n")
    for path, french in ((empty, "fichier vide"), (photo, "c’est une image"), (tmp_path / "nope.csv",
                                                                                "fichier introuvable"),
                         (other, "ne correspondent à aucun format connu")):
        with pytest.raises(geo.GeoError) as info:
            geo.read_events(path)
        with use_language("fr"):
            said = localized_error(info.value)
        assert said.startswith(str(path)) and french in said, said
        assert localized_error(info.value) == str(info.value)  # English: the message as raised


#: Streamlit calls that put text on the page, and the keywords that carry text.
_ST_TEXT_CALLS = {"button", "markdown", "caption", "write", "info", "warning", "error", "success", "subheader",
                  "header", "title", "expander", "metric", "selectbox", "multiselect", "slider", "select_slider",
                  "checkbox", "toggle", "radio", "download_button", "text", "number_input", "date_input",
                  "text_input", "file_uploader", "tabs", "toast", "spinner", "popover", "link_button",
                  "form_submit_button", "segmented_control", "pills", "set_page_config", "status", "dialog"}
_ST_TEXT_KEYWORDS = {"label", "help", "placeholder", "body", "page_title", "caption", "value"}
#: Texts meant for both languages at once.
_BILINGUAL = {"Language / Langue"}


def _literal_text(node) -> str | None:
    """The English words a node writes as it stands (a literal, an f-string's literal parts, a sum or choice of
    them); None when the text comes from elsewhere (a _() call, a variable)."""
    import ast

    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp):
        return (_literal_text(node.left) or "") + (_literal_text(node.right) or "")
    if isinstance(node, ast.IfExp):
        return (_literal_text(node.body) or "") + (_literal_text(node.orelse) or "")
    if isinstance(node, (ast.List, ast.Tuple)):
        return " ".join(_literal_text(e) or "" for e in node.elts)
    return None


def untranslated_dashboard_texts(folder) -> list[str]:
    import ast

    found = []
    for path in sorted(folder.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in _ST_TEXT_CALLS):
                continue
            for arg in node.args[:1] + [k.value for k in node.keywords if k.arg in _ST_TEXT_KEYWORDS]:
                text = _literal_text(arg)
                if text and re.search(r"[A-Za-z]{2,}", text) and not text.startswith(":material/") \
                        and text not in _BILINGUAL:
                    found.append(f"{path.name}:{node.lineno}: st.{node.func.attr}({text[:60]!r})")
    return found


def test_no_dashboard_text_reaches_the_page_without_the_catalogue(tmp_path):
    """Text written straight into a Streamlit call is invisible to the extraction (and so to the test above):
    it would stay English on a French page. Every such text goes through _() / ngettext()."""
    assert untranslated_dashboard_texts(ROOT / "dashboard") == []
    probe = tmp_path / "probe.py"  # the check sees a bare literal, an f-string and a help= keyword
    probe.write_text('import streamlit as st\nst.button("Go", help=f"Go to {x}")\nst.caption(_("fine"))\n')
    assert [line.split(": ", 1)[1] for line in untranslated_dashboard_texts(tmp_path)] == [
        "st.button('Go')", "st.button('Go to ')"]


def test_database_errors_say_themselves_in_french_without_the_password():
    import psycopg

    from geo.errors import DatabaseError, localized_error
    from geo.db.postgis import PostgisSource
    from geo.db.urls import _message

    url = "postgresql://analyst:s3cret@db.example.org/conflict"
    refused = DatabaseError(_message(psycopg.OperationalError("FATAL: password authentication failed"), url))
    gone = DatabaseError(_message(psycopg.OperationalError("connection refused"), url))
    with use_language("fr"):
        said = [localized_error(e) for e in (refused, gone)]
        with pytest.raises(DatabaseError) as bad:
            PostgisSource("mysql://x")
        said.append(localized_error(bad.value))
    assert "a refusé le nom d'utilisateur ou le mot de passe" in said[0]
    assert "impossible de joindre le serveur" in said[1]
    assert "n'est pas une URL PostgreSQL" in said[2]
    assert all("s3cret" not in s for s in said) and all("db.example.org" in s for s in said[:2])
    assert "refused the user name or password" in localized_error(refused)  # English stays the default
