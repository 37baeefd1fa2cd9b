"""The dashboard through streamlit's AppTest (no browser; st_folium is opaque here)."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

import geo
from conftest import FIXTURES, ROOT

APP = str(ROOT / "dashboard" / "app.py")


def run_app(monkeypatch, events_path=None, claims_path=None) -> AppTest:
    for var, value in (("GEO_EVENTS", events_path), ("GEO_CLAIMS", claims_path)):
        if value is None:
            monkeypatch.delenv(var, raising=False)
        else:
            monkeypatch.setenv(var, str(value))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def plain(markdown: str) -> str:
    """Markdown as it reads on screen: the app backslash-escapes data text (geo.styles.md_escape)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_opens_on_embedded_data(monkeypatch, events):
    at = run_app(monkeypatch)
    m = metrics(at)
    assert m["Events shown"] == str(len(events))
    assert m["Fatalities (conservative)"] == f"{int(events['fatalities'].sum()):,}"
    assert not at.error
    # the sidebar offers every actor, type and region in the data
    actor_options = at.sidebar.multiselect(key="actors").options
    assert len(actor_options) == len(geo.actor_counts(events))
    assert any(o.startswith("Wagner Group (") for o in actor_options)
    assert set(at.sidebar.multiselect(key="regions").options) >= {"Kidal", "Gao", "Tombouctou"}
    # the table lists the events shown, and the map element is there
    assert at.dataframe[0].value.shape[0] == len(events)
    assert any("Made with Natural Earth" in e.value for e in at.markdown)


def test_actor_and_date_filters(monkeypatch, events):
    at = run_app(monkeypatch)
    at.sidebar.multiselect(key="actors").set_value(["Wagner Group"]).run()
    wagner = geo.filter_events(events, geo.EventFilter(actors=["Wagner Group"]))
    assert metrics(at)["Events shown"] == str(len(wagner))
    assert set(at.dataframe[0].value["Event ID"]) == set(wagner["event_id"])
    at.sidebar.date_input(key="dates").set_value(("2024-07-01", "2024-07-31")).run()
    both = geo.filter_events(events, geo.EventFilter(actors=["Wagner Group"], start="2024-07-01",
                                                     end="2024-07-31"))
    assert metrics(at)["Events shown"] == str(len(both))
    assert "MLI-2024-07-25-TIN" in set(at.dataframe[0].value["Event ID"])


def test_no_match_gives_a_message_not_an_error(monkeypatch):
    at = run_app(monkeypatch)
    at.sidebar.multiselect(key="regions").set_value(["Kidal"])
    at.sidebar.number_input(key="min_fatalities").set_value(100000).run()
    assert not at.exception and not at.error
    assert metrics(at)["Events shown"] == "0"
    assert any("No events match" in i.value for i in at.info)


def test_colour_and_basemap_controls(monkeypatch):
    at = run_app(monkeypatch)
    at.sidebar.radio(key="color_by").set_value("side").run()
    at.sidebar.selectbox(key="basemap").set_value("osm").run()
    assert not at.exception


def test_heatmap_control_reaches_the_link_and_back(monkeypatch):
    at = run_app(monkeypatch)
    at.sidebar.radio(key="draw").set_value("heat").run()
    assert not at.exception, at.exception
    assert at.query_params["draw"] == ["heat"] or at.query_params["draw"] == "heat"
    again = run_with_link(monkeypatch, {"draw": "heat"})
    assert again.sidebar.radio(key="draw").value == "heat" and not again.warning


def test_own_file_through_the_environment(monkeypatch):
    at = run_app(monkeypatch, FIXTURES / "events_small.csv", FIXTURES / "claims_small.csv")
    assert metrics(at)["Events shown"] == "5"
    assert any("events_small.csv" in t.value and "5 rows read" in t.value for t in at.text)  # the import report


def test_bad_row_is_rejected_and_listed_with_its_reason(monkeypatch, tmp_path):
    bad = tmp_path / "bad.csv"
    text = (FIXTURES / "events_small.csv").read_text(encoding="utf-8").replace("16.9563", "north")
    bad.write_text(text, encoding="utf-8")
    at = run_app(monkeypatch, bad)
    assert not at.error
    assert metrics(at)["Events shown"] == "4"
    rejected = next(d.value for d in at.dataframe if "Why it was rejected" in d.value.columns)
    assert list(rejected["Row"]) == [4] and rejected["Field"].iloc[0] == "latitude"
    reason = rejected["Why it was rejected"].iloc[0]
    assert "north" in reason or "latitude" in reason


def test_unreadable_file_shows_a_message_not_a_traceback(monkeypatch, tmp_path):
    bad = tmp_path / "photo.csv"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    at = run_app(monkeypatch, bad)
    assert len(at.error) == 1
    message = plain(at.error[0].value)
    assert "photo.csv" in message and "this is an image" in message and "Traceback" not in message


def run_with_link(monkeypatch, params: dict) -> AppTest:
    for var in ("GEO_EVENTS", "GEO_CLAIMS"):
        monkeypatch.delenv(var, raising=False)
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def test_link_sets_the_widgets_and_is_written_back_canonical(monkeypatch, events):
    at = run_with_link(monkeypatch, {"actor": ["Wagner Group"], "from": "2024-01-01", "color": "side",
                                     "hide": "countries", "z": "8", "lat": "19.9", "lon": "2.7",
                                     "event": "MLI-2024-07-25-TIN"})
    assert at.sidebar.multiselect(key="actors").value == ["Wagner Group"]
    assert str(at.sidebar.date_input(key="dates").value[0]) == "2024-01-01"
    assert at.sidebar.radio(key="color_by").value == "side"
    assert "countries" not in at.sidebar.multiselect(key="layers_shown").value
    expected = geo.filter_events(events, geo.EventFilter(actors=["Wagner Group"], start="2024-01-01"))
    assert metrics(at)["Events shown"] == str(len(expected))
    assert not at.warning  # a clean link gives no warning
    # the selected event's claims are shown side by side under the map
    assert any("Tinzaouaten" in h.value for h in at.header)  # the event panel: an h2 under the page's h1
    # the canonical view is written back, with the data's fingerprint
    written = {k: at.query_params[k] for k in at.query_params}
    voc = geo.Vocabulary.of(events)
    view, warnings = geo.view_from_query(written, vocabulary=voc)
    assert warnings == []
    assert view.filter.actors == ("Wagner Group",) and view.zoom == 8 and view.center == (19.9, 2.7)
    assert view.selected == "MLI-2024-07-25-TIN" and view.dataset == voc.fingerprint
    assert view.hidden_layers == ("countries",) and view.color_by == "side"


def test_the_link_survives_widget_state_lost_in_a_cut_short_first_run(monkeypatch, events):
    # the link was read (link_read, link_seed) but the widgets' own state is gone, as when a long
    # first run on a large data set is cut short: the widgets come back with the link's values
    for var in ("GEO_EVENTS", "GEO_CLAIMS"):
        monkeypatch.delenv(var, raising=False)
    at = AppTest.from_file(APP, default_timeout=60)
    view = geo.View()  # what seed_from_link leaves besides the widgets' state
    for key, value in {"link_read": True, "link_warnings": [], "map_center": view.center, "map_zoom": view.zoom,
                       "selected": None, "map_selected": None,
                       "link_seed": {"actors": ["Wagner Group"], "layers_shown": ["admin1", "algeria_border"]}}.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    assert at.sidebar.multiselect(key="actors").value == ["Wagner Group"]
    assert at.sidebar.multiselect(key="layers_shown").value == ["admin1", "algeria_border"]
    # a choice the user makes afterwards is theirs: emptied, it stays empty
    at.sidebar.multiselect(key="actors").set_value([]).run()
    at.run()
    assert at.sidebar.multiselect(key="actors").value == []


def test_default_link_is_just_the_fingerprint(monkeypatch, events):
    at = run_with_link(monkeypatch, {})
    written = {k: at.query_params[k] for k in at.query_params}
    assert set(written) == {"data"}


def test_broken_link_warns_once_and_applies_the_rest(monkeypatch):
    at = run_with_link(monkeypatch, {"z": "999", "from": "not-a-date", "actor": ["Nobody", "JNIM"],
                                     "evil": "<script>alert(1)</script>", "data": "deadbeef"})
    assert len(at.warning) == 1
    text = plain(at.warning[0].value)
    assert "zoom 999" in text and "shows all the data" in text and "not a date" in text and "actor 'Nobody'" in text
    assert "unknown setting 'evil'" in text and "other data" in text
    assert at.sidebar.multiselect(key="actors").value == ["JNIM"]
    at.sidebar.number_input(key="min_fatalities").set_value(1).run()
    assert not at.warning  # shown once, not on every rerun
    written = {k: at.query_params[k] for k in at.query_params}
    assert "evil" not in written and written.get("minf") in ("1", ["1"])


def test_border_filter_sizing_and_shading_reach_the_link(monkeypatch, events, layers):
    at = run_app(monkeypatch)
    at.sidebar.checkbox(key="border_on").check().run()
    at.sidebar.slider(key="border_km").set_value(100)
    at.sidebar.selectbox(key="figure").set_value("highest")
    at.sidebar.checkbox(key="shade_regions").check().run()
    assert not at.exception
    near = geo.filter_events(geo.enrich(events, layers), geo.EventFilter(max_border_km=100))
    assert metrics(at)["Events shown"] == str(len(near))
    written = {k: at.query_params[k] for k in at.query_params}
    view, warnings = geo.view_from_query(written)
    assert warnings == [] and view.filter.max_border_km == 100
    assert view.figure == "highest" and view.shade_regions


def test_time_player_steps_the_dates(monkeypatch, events):
    at = run_app(monkeypatch)
    at.sidebar.radio(key="player_freq").set_value("M").run()
    at.sidebar.select_slider(key="player_idx").set_value(15).run()  # April 2023 + 15 months = July 2024
    assert not at.exception
    start, end = at.sidebar.date_input(key="dates").value
    assert str(start) == "2024-07-01" and str(end) == "2024-07-31"
    july = geo.filter_events(events, geo.EventFilter(start="2024-07-01", end="2024-07-31"))
    assert metrics(at)["Events shown"] == str(len(july))
    assert any("Over time" in h.value for h in at.header)


def test_selected_event_shows_the_claims_side_by_side(monkeypatch, claims):
    at = run_with_link(monkeypatch, {"event": "MLI-2024-07-25-TIN"})
    assert any("disputed" in m.value for m in at.markdown)
    tables = [d.value for d in at.dataframe]
    claims_table = next(t for t in tables if "Who claims" in t.columns)
    assert len(claims_table) == (claims["event_id"] == "MLI-2024-07-25-TIN").sum()
    assert {"CSP-DPA", "JNIM", "The New York Times"} <= set(claims_table["Who claims"])
    # the conservative figure is explained next to it, from the rule (geo.fatalities)
    note = next(c.value for c in at.caption if "Conservative:" in plain(c.value))
    assert "never its enemies' claims" in plain(note) and "2 Military Forces of Mali (FAMa)" in plain(note)


def test_download_buttons_for_every_output(monkeypatch):
    at = run_app(monkeypatch)
    buttons = at.get("download_button")
    assert len(buttons) == 9
    labels = " ".join(b.proto.label for b in buttons)
    for word in ("PNG", "HTML", "CSV", "GeoJSON", "KML", "GeoParquet", "Claims"):
        assert word in labels


def test_clamped_link_values_are_reported(monkeypatch):
    at = run_with_link(monkeypatch, {"from": "2000-01-01", "to": "2030-01-01", "border": "0.4"})
    text = plain(at.warning[0].value)
    assert "start date 2000-01-01 is outside this data" in text and "end date 2030-01-01" in text
    assert "border distance 0.4 km was set to 1 km" in text
    assert at.sidebar.checkbox(key="border_on").value and at.sidebar.slider(key="border_km").value == 1


RAW_FIELDS = {"event_date", "event_type", "sub_event_type", "actor1", "assoc_actor_1", "actor2", "assoc_actor_2",
              "admin1", "event_id", "held_by", "claimant", "claim_date", "side", "killed", "statement", "row",
              "field", "reason", "data set", "record"}
EMPTY_WORDS = {"None", "none", "nan", "NaN", "<NA>", "NaT", "null"}


def empty_looking_cells(table) -> list:
    """Cells of a shown table that read as None, nan, <NA> or NaT instead of being empty."""
    bad = []
    for column in table.columns:
        for i, value in enumerate(table[column].tolist()):
            if value is None or (isinstance(value, float) and value != value) or str(value).strip() in EMPTY_WORDS:
                bad.append((column, i, value))
    return bad


def test_no_table_shows_none_or_field_names(monkeypatch):
    """Every table of the dashboard (events, the event panel's claims, the records of several data sets,
    the import report's rejected rows) has human column names and empty cells that are empty."""
    import pandas as pd

    tables = []
    at = run_with_link(monkeypatch, {"event": "MLI-2024-07-25-TIN"})  # events and the event's claims
    tables += [d.value for d in at.dataframe]
    assert len(tables) == 2
    # ACLED and UCDP together, with a matched event open: its records side by side
    monkeypatch.setenv("GEO_EVENTS", f"ACLED={FIXTURES / 'acled' / 'acled_mali.csv'},"
                                     f"UCDP GED={FIXTURES / 'ucdp' / 'ged_mali.csv'}")
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    events = next(d.value for d in at.dataframe if "Held by" in d.value.columns)
    held = events[events["Held by"].astype(str).str.contains(";")]
    assert len(held), "no matched event in the fixtures"
    at2 = AppTest.from_file(APP, default_timeout=60)
    at2.query_params["event"] = str(held["Event ID"].iloc[0])
    at2.run()
    assert not at2.exception
    shown = [d.value for d in at2.dataframe]
    assert any("Data set" in t.columns and "Record" in t.columns for t in shown)
    tables += shown + [d.value for d in at.dataframe]
    # a file with a rejected row: the import report's table (ACLED's fixture has 5)
    at = run_app(monkeypatch, FIXTURES / "acled" / "acled_mali.csv")
    rejected = [d.value for d in at.dataframe if "Why it was rejected" in d.value.columns]
    assert rejected
    tables += [d.value for d in at.dataframe]
    for table in tables:
        assert isinstance(table, pd.DataFrame) and len(table.columns)
        assert not set(map(str, table.columns)) & RAW_FIELDS, list(table.columns)
        assert empty_looking_cells(table) == [], list(table.columns)


def test_the_empty_cell_check_finds_none():
    import pandas as pd

    table = pd.DataFrame({"A": ["x", None, "nan"], "B": [1.0, float("nan"), 2.0], "C": pd.array([1, None, 2], "Int64")})
    assert {c for c, _, _ in empty_looking_cells(table)} == {"A", "B", "C"}


def test_a_one_week_chart_and_span_say_the_month(monkeypatch):
    """A week's chart is labelled with its month and year (not "Mon 22"), its legend labels are
    never cut ("Explosions/Remote viole…"), and the date span says the month once ("July 2024")."""
    import json

    at = run_with_link(monkeypatch, {"from": "2024-07-22", "to": "2024-07-28"})
    assert metrics(at)["Date span"] == "July 2024"
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    x = spec["encoding"]["x"]
    assert x["axis"]["values"] == [{"year": 2024, "month": 7, "date": 22}]
    assert "%b" in x["axis"]["format"] and "%Y" in x["axis"]["format"]
    assert spec["encoding"]["x2"]["field"] == "period_end"  # each bar spans its week
    assert spec["encoding"]["color"]["legend"]["labelLimit"] == 0  # full labels
    at.radio(key="tl_freq").set_value("M").run()
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert spec["encoding"]["x"]["axis"]["format"] == "%b %Y"
