"""The dashboard in French and English (AppTest; the browser test is in test_browser_i18n.py)."""

from __future__ import annotations

import json
import re

from streamlit.testing.v1 import AppTest

import geo
from conftest import ROOT
from geo.i18n import use_language

APP = str(ROOT / "dashboard" / "app.py")
NNBSP = "\u202f"


def open_app(monkeypatch, params: dict | None = None) -> AppTest:
    for var in ("GEO_EVENTS", "GEO_CLAIMS"):
        monkeypatch.delenv(var, raising=False)
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def labels(at: AppTest) -> set[str]:
    found = {h.value for h in at.sidebar.header} | {h.value for h in at.subheader} | {h.value for h in at.header}
    found |= {m.label for m in at.metric}
    for kind in ("multiselect", "selectbox", "radio", "checkbox", "number_input", "slider", "date_input"):
        found |= {w.label for w in getattr(at.sidebar, kind)}
    return found


def test_a_french_link_opens_the_french_dashboard(monkeypatch, events):
    at = open_app(monkeypatch, {"lang": "fr", "z": "abc", "type": "Battles"})
    said = labels(at)
    for french in ("Filtres", "Acteurs", "Types d'événements", "Carte", "Événements affichés",
                   "Morts (estimation prudente)", "Fond de carte", "Au fil du temps"):
        assert french in said, french
    assert "Filters" not in said and "Actors" not in said
    assert at.sidebar.selectbox(key="lang").value == "fr"
    # the link's warning, in French
    assert len(at.warning) == 1
    text = re.sub(r"\\(.)", r"\1", at.warning[0].value)  # data text is markdown-escaped
    assert "Certaines parties de ce lien" in text and "ce n'est pas un nombre" in text
    # the event types are offered by their French names (the link keeps ACLED's)
    types = at.sidebar.multiselect(key="event_types")
    assert types.value == ["Battles"] and "Combats" in types.format_func("Battles")
    # numbers as French writes them; the address bar keeps lang=fr
    battles = geo.filter_events(events, geo.EventFilter(event_types=["Battles"]))
    deaths = int(battles["fatalities"].sum())
    with use_language("fr"):
        assert {m.label: m.value for m in at.metric}["Morts (estimation prudente)"] == geo.i18n.format_number(deaths)
    assert at.query_params["lang"] in ("fr", ["fr"])
    # the table shows its headers and the categories in French, the data (places, actors) as written
    table = at.dataframe[0].value
    with use_language("fr"):
        type_title, place_title = geo.i18n._("Event type"), geo.i18n._("Place")
    assert type_title != "Event type" and place_title != "Place"
    assert set(table[type_title]) == {"Combats"}
    assert set(table[place_title]) == set(battles["location"])
    # the chart: its title, axes, legend (the types' French names) and the months of its time axis
    spec = json.dumps(json.loads(_chart_spec(at)), ensure_ascii=False)
    assert "Période" in spec and "Combats" in spec and "juillet" in spec and "\"locale\"" in spec
    # switched to English, the same warning says itself in English
    at.sidebar.selectbox(key="lang").set_value("en").run()
    assert "Ignored zoom 'abc': not a number." in re.sub(r"\\(.)", r"\1", at.warning[0].value)


def test_english_is_the_default_and_stays_out_of_the_link(monkeypatch):
    at = open_app(monkeypatch)
    assert "Filters" in labels(at)
    assert at.sidebar.selectbox(key="lang").value == "en"
    assert "lang" not in at.query_params


def test_choosing_french_in_the_sidebar(monkeypatch):
    at = open_app(monkeypatch)
    at.sidebar.selectbox(key="lang").set_value("fr").run()
    assert not at.exception
    assert "Filtres" in labels(at) and "Filters" not in labels(at)
    assert at.query_params["lang"] in ("fr", ["fr"])
    # and back
    at.sidebar.selectbox(key="lang").set_value("en").run()
    assert "Filters" in labels(at) and "lang" not in at.query_params


def test_the_browser_language_decides_without_a_link(monkeypatch):
    import dashboard.language as language

    assert language.browser_language() == "en"  # no browser behind this run
    monkeypatch.setattr(language, "browser_language", lambda: "fr")
    at = AppTest.from_function(_app_with_browser_fr, default_timeout=90)
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["lang"] == "fr"
    # a link's own language wins over the browser's
    at = AppTest.from_function(_app_with_browser_fr, default_timeout=90)
    at.query_params["lang"] = "en"
    at.run()
    assert at.session_state["lang"] == "en"


def _app_with_browser_fr():
    import dashboard.language as language
    import streamlit as st

    language.browser_language = lambda: "fr"
    st.write(language.init_language())


def _chart_spec(at: AppTest) -> str:
    """The Vega-Lite spec of the page's chart (AppTest has no accessor for it)."""
    def walk(node):
        children = getattr(node, "children", None)
        for child in (children.values() if isinstance(children, dict) else []):
            yield child
            yield from walk(child)

    return next(n for n in walk(at._tree) if getattr(n, "type", "") == "vega_lite_chart").proto.spec


def test_several_data_sets_in_french(monkeypatch):
    from conftest import FIXTURES

    monkeypatch.setenv("GEO_EVENTS", f"ACLED={FIXTURES / 'acled' / 'acled_mali.csv'},"
                                     f"UCDP GED={FIXTURES / 'ucdp' / 'ged_mali.csv'}")
    monkeypatch.delenv("GEO_CLAIMS", raising=False)
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = "fr"
    at.query_params["event"] = "MLI90001"
    at.run()
    assert not at.exception, at.exception
    assert "Jeux de données" in {h.value for h in at.sidebar.header}
    coverage = at.sidebar.radio(key="coverage")
    assert coverage.options[0] == "Tous les événements"
    # the import reports, one per file, in French
    heads = [e.value.replace("\\", "") for e in list(at.warning) + list(at.caption)]
    assert any("Rapport d'import de ACLED" in h and "lignes utilisées" in h for h in heads), heads
    report = next(t.value for t in at.text if "lignes lues" in t.value)
    assert "rejetées" in report
    # the open event's records, side by side, with French headers and UCDP's low and high in French
    records = next(d.value for d in at.dataframe if "Jeu de données" in d.value.columns)
    assert {"ACLED", "UCDP GED"} <= set(records["Jeu de données"])
    assert any("(bas 40, haut 120)" in str(v) for v in records["Morts"])
    assert "Dans 2 jeux de données" in " ".join(m.value for m in at.markdown)
