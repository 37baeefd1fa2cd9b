"""A date range typed in the dashboard's Dates field (``geo.link.typed_dates``): what applies, what waits
for its end, and the same plain warnings as a share link's ``from`` and ``to``."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo.i18n import use_language
from geo.link import TypedDates, clamp_dates, typed_dates, view_from_query

FIRST, LAST = dt.date(2024, 7, 1), dt.date(2024, 7, 31)
D = dt.date


@pytest.mark.parametrize("text, start, end", [
    ("2024-07-10 – 2024-07-20", D(2024, 7, 10), D(2024, 7, 20)),
    ("2024-07-10 - 2024-07-20", D(2024, 7, 10), D(2024, 7, 20)),
    ("2024-07-10-2024-07-20", D(2024, 7, 10), D(2024, 7, 20)),
    ("  2024-07-10 — 2024-07-20  ", D(2024, 7, 10), D(2024, 7, 20)),
    ("2024-07-10 to 2024-07-20", D(2024, 7, 10), D(2024, 7, 20)),
    ("2024-07-10 TO 2024-07-20", D(2024, 7, 10), D(2024, 7, 20)),
    ("2024-07-10 au 2024-07-20", D(2024, 7, 10), D(2024, 7, 20)),
    ("2024-07-10/2024-07-20", D(2024, 7, 10), D(2024, 7, 20)),  # ISO 8601's interval
    ("2024-07-10..2024-07-20", D(2024, 7, 10), D(2024, 7, 20)),
    ("2024-07-10 2024-07-20", D(2024, 7, 10), D(2024, 7, 20)),
    ("2024-7-5 – 2024-7-9", D(2024, 7, 5), D(2024, 7, 9)),
    ("2024-07-12 – 2024-07-12", D(2024, 7, 12), D(2024, 7, 12)),  # one day
    ("– 2024-07-20", FIRST, D(2024, 7, 20)),  # only an end: from the data's first day
    ("", FIRST, LAST),  # an emptied field: every date
    ("   ", FIRST, LAST),
])
def test_a_typed_range_applies(text, start, end):
    assert typed_dates(text, FIRST, LAST) == TypedDates(start, end)


@pytest.mark.parametrize("text", ["2024-07-10", "2024-07-10 –", "2024-07-10 - ", "2024-07-10 to", "2024-07-10/"])
def test_only_a_start_waits_for_the_end_and_applies_nothing(text):
    got = typed_dates(text, FIRST, LAST)
    assert got == TypedDates(None, None, waiting=True)


@pytest.mark.parametrize("text, warning", [
    ("last week", "Ignored the dates 'last week': not a start and an end date like 2024-07-10 – 2024-07-20."),
    ("10/07/2024 – 20/07/2024", ("Ignored the dates '10/07/2024 – 20/07/2024': not a start and an end date like"
                                 " 2024-07-10 – 2024-07-20.")),
    ("2024-07-10 – 2024-07-20 – 2024-07-30", ("Ignored the dates '2024-07-10 – 2024-07-20 – 2024-07-30': not a"
                                              " start and an end date like 2024-07-10 – 2024-07-20.")),
    ("2024-02-30 – 2024-07-20", "Ignored the start date '2024-02-30': not a date like 2024-07-25."),
    ("2024-07-10 – 2024-13-01", "Ignored the end date '2024-13-01': not a date like 2024-07-25."),
    ("2024-00-10 –", "Ignored the start date '2024-00-10': not a date like 2024-07-25."),
    ("<script>alert(1)</script>", ("Ignored the dates '<script>alert(1)</script>': not a start and an end date"
                                   " like 2024-07-10 – 2024-07-20.")),
])
def test_malformed_text_applies_nothing_and_says_why(text, warning):
    with use_language("en"):
        got = typed_dates(text, FIRST, LAST)
    assert (got.start, got.end, got.waiting) == (None, None, False)
    assert got.warnings == (warning,)


def test_an_end_before_the_start_is_dropped_as_in_a_link():
    with use_language("en"):
        got = typed_dates("2024-07-20 – 2024-07-10", FIRST, LAST)
        _, link_warnings = view_from_query({"from": "2024-07-20", "to": "2024-07-10"})
    assert (got.start, got.end) == (D(2024, 7, 20), LAST)
    assert got.warnings == ("Ignored the end date 2024-07-10: it is before the start date 2024-07-20.",)
    assert list(got.warnings) == link_warnings  # the same words as a link's


def test_dates_outside_the_data_are_clamped_with_the_links_warnings():
    with use_language("en"):
        got = typed_dates("2024-06-01 – 2024-09-30", FIRST, LAST)
    assert (got.start, got.end) == (FIRST, LAST)
    assert got.warnings == (
        "The start date 2024-06-01 is outside this data (2024-07-01 to 2024-07-31); used 2024-07-01.",
        "The end date 2024-09-30 is outside this data (2024-07-01 to 2024-07-31); used 2024-07-31.")


def test_a_range_wholly_before_the_data_gives_its_first_day():
    with use_language("en"):
        got = typed_dates("2023-01-01 – 2023-02-01", FIRST, LAST)
    assert (got.start, got.end) == (FIRST, FIRST)
    assert len(got.warnings) == 2


def test_warnings_in_french():
    with use_language("fr"):
        got = typed_dates("la semaine dernière", FIRST, LAST)
        out = typed_dates("2024-06-01 – 2024-07-05", FIRST, LAST)
    assert got.warnings[0] == ("Dates «\u202fla semaine dernière\u202f» ignorées\u00a0: ce n'est pas une date de début et"
                               " une date de fin comme 2024-07-10 – 2024-07-20.")
    assert out.warnings[0].startswith("La date de début 2024-06-01 est hors de ces données")


@pytest.mark.parametrize("start, end, expected", [
    (None, None, (FIRST, LAST, 0)),
    (D(2024, 7, 5), None, (D(2024, 7, 5), LAST, 0)),
    (D(2024, 8, 5), None, (LAST, LAST, 1)),
    (None, D(2024, 6, 5), (FIRST, FIRST, 1)),
])
def test_clamp_dates(start, end, expected):
    s, e, warnings = clamp_dates(start, end, FIRST, LAST)
    assert (s, e, len(warnings)) == expected


@given(st.text(max_size=200))
def test_any_text_never_raises_and_applies_only_days_of_the_data(text):
    got = typed_dates(text, FIRST, LAST)
    if got.start is not None:
        assert FIRST <= got.start <= got.end <= LAST
    else:
        assert got.end is None
    assert not (got.waiting and got.warnings)


def typed_field_data(at) -> dict:
    import json

    found = [n for n in at.sidebar if getattr(n, "type", None) == "bidi_component"
             and n.proto.component_name == "geo_typed_dates"]
    assert len(found) == 1
    return json.loads(found[0].proto.json)


def test_the_dashboards_field_shows_the_links_dates_in_the_pages_language(monkeypatch):
    from conftest import ROOT
    from streamlit.testing.v1 import AppTest

    monkeypatch.delenv("GEO_EVENTS", raising=False)
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60)
    at.query_params.update({"from": "2024-07-10", "to": "2024-07-20", "lang": "fr"})
    at.run()
    assert not at.exception, at.exception
    data = typed_field_data(at)
    assert data["text"] == "2024-07-10 – 2024-07-20" and data["message"] == ""
    assert (data["label"], data["waiting"], data["placeholder"]) == (
        "Dates", "Appuyez sur Entrée pour appliquer", "AAAA-MM-JJ – AAAA-MM-JJ")
    assert data["hint"].startswith("Tapez le premier et le dernier jour") and data["lang"] == "fr"
    assert at.sidebar.date_input(key="dates").label == "Dates sur un calendrier"
    # the calendar moves the dates: the typed field follows
    at.sidebar.date_input(key="dates").set_value(("2024-07-25", "2024-07-31")).run()
    assert typed_field_data(at)["text"] == "2024-07-25 – 2024-07-31"
