"""French and English: dates and numbers follow CLDR, the language is part of the share link, and what geo,
the CLI and the readers say comes out in French (the catalogue itself is test_i18n_catalogue's)."""

from __future__ import annotations

import datetime as dt
import io
import re

import pandas as pd
import pytest

import geo
from conftest import ROOT
from geo import i18n
from geo.i18n import (_, category, format_decimal, format_number, negotiate_language, ngettext,
                      translator, use_language)

NNBSP, NBSP = "\u202f", "\u00a0"


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


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_dates_are_babels_every_day(lang):
    """The app's date styles are written without Babel (a map says thousands of days): the same text as Babel's,
    every day of two years (a leap year among them) and far back or ahead."""
    from babel import dates as babel_dates

    days = [dt.date(2023, 1, 1) + dt.timedelta(days=k) for k in range(731)]
    days += [dt.date(1, 1, 1), dt.date(989, 11, 30), dt.date(2099, 12, 31)]
    for fmt, pattern in i18n._DATE_PATTERNS.items():
        assert i18n._month_names(pattern, lang) is not None  # written without Babel
        for day in days:
            assert translator(lang).format_date(day, fmt) == babel_dates.format_date(day, pattern, locale=lang)
    assert i18n._month_names("EEEE d MMMM y", lang) is None  # any other pattern: Babel's
    assert translator(lang).format_date(dt.date(2024, 7, 27), "EEEE d MMMM y") == babel_dates.format_date(
        dt.date(2024, 7, 27), "EEEE d MMMM y", locale=lang)


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
