"""The analyst's own data replacing the view (what of the app's own link carries over to new data), and the
import report as a visitor reads it (one line, the file's own name, never a path on the server)."""

from __future__ import annotations

import dataclasses

import pytest

import geo
from conftest import FIXTURES
from geo.i18n import use_language
from geo.io.report import file_name, for_reader, summary_line
from geo.link import carried_over

REAL = FIXTURES / "real"


def test_the_apps_own_link_for_other_data_keeps_only_the_language_and_the_look():
    written = {"actor": ["JNIM"], "from": ["2024-07-01"], "lat": ["18.0773"], "lon": ["-1.1456"], "z": ["6"],
               "event": ["MLI-2024-07-25-TIN"], "data": ["b8bf4ecf"], "lang": ["fr"], "basemap": ["osm"],
               "color": ["side"], "hide": ["tuareg"], "fig": ["highest"], "type": ["Battles"], "region": ["Kidal"]}
    assert carried_over(written) == {"lang": ["fr"], "basemap": ["osm"], "color": ["side"], "hide": ["tuareg"],
                                     "fig": ["highest"]}
    assert "fig" not in carried_over({"fig": ["claimant:CSP-DPA"]})  # a claimant of the other data
    assert carried_over({"lat": "18", "lang": "fr"}) == {"lang": ["fr"]}  # single values too
    assert written["lat"] == ["18.0773"]  # the caller's mapping is left as it was


def test_new_data_read_from_the_carried_link_opens_on_its_own_view_with_no_warning():
    events, _ = geo.read_events(REAL / "acled_afghanistan_2023.csv")
    voc = geo.Vocabulary.of(events)
    stale = {"lat": ["18.0773"], "lon": ["-1.1456"], "z": ["5"], "data": ["b8bf4ecf"], "actor": ["JNIM"],
             "lang": ["fr"]}
    # read as a link, the old data's centre shows none of Afghanistan and its fingerprint is "other data"
    _, warnings = geo.view_from_query(stale, vocabulary=voc, lang="en")
    assert any("other data" in w for w in warnings)
    view, warnings = geo.view_from_query(carried_over(stale), vocabulary=voc, lang="en")
    assert warnings == []
    assert (view.center, view.zoom) == tuple(voc.home) and view.lang == "fr" and view.filter.actors == ()
    west, south, east, north = voc.extent
    assert 60 < west and east < 75 and 29 < south and north < 39


@pytest.mark.parametrize("name, expected", [
    ("/srv/geo/uploads/ucdp_ged.csv", "ucdp_ged.csv"), ("C:\\Users\\ana\\acled.csv", "acled.csv"),
    ("acled.csv", "acled.csv"), ("", ""), (None, "")])
def test_a_report_names_the_file_never_its_folders(name, expected):
    assert file_name(name) == expected


def test_the_report_for_a_reader_hides_the_path_and_leaves_the_callers_report():
    events, report = geo.read_events(REAL / "ucdp_ged_somalia_1990_2023.csv")
    assert str(REAL) in str(report) or "fixtures" in str(report)  # read from a path on the server
    shown = for_reader(report)
    assert "UCDP GED file 'ucdp_ged_somalia_1990_2023.csv' (utf-8): 3,200 rows read" in str(shown)
    assert "fixtures" not in str(shown) and "/" not in shown.source_name
    assert report.source_name != shown.source_name  # a new report: the caller's keeps its path
    assert summary_line(report) == "Import report of ucdp_ged_somalia_1990_2023.csv: 3,200 of 3,200 rows used"
    assert not report.needs_review


def test_the_reports_line_says_rejected_rows_and_ambiguous_dates_in_plural_forms():
    _, rejected = geo.read_events(FIXTURES / "acled" / "acled_mali.csv")
    assert summary_line(rejected) == "Import report of acled_mali.csv: 5 of 10 rows used, 5 rejected"
    assert summary_line(rejected, "ACLED").startswith("Import report of ACLED: ")
    _, ambiguous = geo.read_events(FIXTURES / "variants" / "acled_dates_ambiguous.csv")
    assert summary_line(ambiguous).endswith("; the order of day and month of 2 dates is ambiguous")
    one = dataclasses.replace(ambiguous, warnings=[w.replace("2 row(s)", "1 row(s)") for w in ambiguous.warnings])
    assert summary_line(one).endswith("; the order of day and month of 1 date is ambiguous")
    with use_language("fr"):
        assert "lignes utilisées" in summary_line(rejected)


def test_a_phones_line_is_short():
    """On a phone the report's line and its button share one line (issue 24): the rows, no file name."""
    from geo.io.report import short_line

    _, rejected = geo.read_events(FIXTURES / "acled" / "acled_mali.csv")
    assert short_line(rejected) == "5 of 10 rows used, 5 rejected"
    assert short_line(rejected, "ACLED") == "ACLED: 5 of 10 rows used, 5 rejected"
    _, ambiguous = geo.read_events(FIXTURES / "variants" / "acled_dates_ambiguous.csv")
    assert short_line(ambiguous).endswith("rows used; dates ambiguous")
    with use_language("fr"):
        assert short_line(rejected) == "5 lignes utilisées sur 10, 5 rejetées"
        assert short_line(ambiguous).endswith("; dates ambiguës")


def test_a_phones_fit_of_the_home_view_is_still_the_home_view():
    from geo.extent import fits_home

    home = ((18.0773, -1.1456), 6)
    assert fits_home((18.0773, -1.1456), 5, home)  # fitted a zoom out on a phone: the same centre
    assert fits_home((18.078, -1.146), 4, home)  # within a pixel or two
    assert not fits_home((18.0773, -1.1456), 7, home)  # zoomed in: the reader's
    assert not fits_home((16.2, -1.1456), 5, home)  # panned
    assert not fits_home((18.0773, -1.1456), 5, None)


def test_the_snapshot_command_says_where_it_wrote(tmp_path, capsys, events):
    from geo.__main__ import main

    out = tmp_path / "wagner.csv"
    assert main(["snapshot", "?actor=Wagner+Group", "-o", str(out)]) == 0
    said = capsys.readouterr().out.strip()
    n = len(geo.filter_events(events, geo.EventFilter(actors=["Wagner Group"])))
    kb = round(out.stat().st_size / 1024)
    assert said == f"Wrote {out.resolve()} ({kb} KB, {n} events).", said
    assert main(["--lang", "fr", "snapshot", "?actor=Wagner+Group&event=MLI-2024-07-25-TIN&from=2024-07-25&to=2024-07-25",
                 "-o", str(tmp_path / "one.csv")]) == 0
    said = capsys.readouterr().out.strip()
    assert said.startswith(f"Écrit\u00a0: {(tmp_path / 'one.csv').resolve()}") and "1 événement)" in said, said
