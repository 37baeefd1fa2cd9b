"""The chart over time tells the truth (issue 24): bars stacked from 0, each period's bar as high as its
events, the period following the span (weeks, months, years), readable in English and French.

The specification is checked as written (``geo.a11y.chart.timeline_spec``), as Vega-Lite compiles it
and as it draws it (vl-convert, Vega-Lite's own compiler and renderer, offline)."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

import geo
from geo.a11y.chart import axis_ticks, chart_freq, timeline_spec
from geo.a11y.readable import timeline_for_chart

vlc = pytest.importorskip("vl_convert")


def chart(events, freq=None, measure="events"):
    freq = freq or chart_freq(events["event_date"].min(), events["event_date"].max())
    data = timeline_for_chart(geo.timeline(events, freq=freq, by="event_type"), freq)
    return (*timeline_spec(data, freq, measure), freq)


def drawn_bars(frame, spec, height=220):
    """The bars Vega-Lite draws: (label, top, bottom) in pixels, y growing downwards."""
    values = json.loads(frame.to_json(orient="records", date_format="iso"))
    svg = vlc.vegalite_to_svg(dict(spec, data={"values": values}, width=400, height=height))
    bars = []
    for label, path in re.findall(r'<path aria-label="([^"]*)"[^>]*?d="(M[^"]*)"', svg):
        m = re.match(r"M([-\d.e]+),([-\d.e]+)h[-\d.e]+v([-\d.e]+)", path)
        if m:
            top, tall = float(m.group(2)), float(m.group(3))
            bars.append((label, round(top, 3), round(top + tall, 3)))
    return bars


@pytest.mark.parametrize("days, freq", [(0, "W"), (30, "W"), (183, "W"), (184, "M"), (365 * 2, "M"),
                                        (1827, "M"), (1828, "Y"), (365 * 30, "Y")])
def test_the_period_follows_the_span(days, freq):
    first = pd.Timestamp("1989-01-01")
    assert chart_freq(first, first + pd.Timedelta(days=days)) == freq
    assert chart_freq(None, None) == "W"


def test_a_week_of_two_events_is_one_bar_of_two_from_zero(events):
    """The week of 22 July 2024: the army at In-Afarak and the battle of Tinzaouaten. Before, each type
    was a thin tick at its own count (1), and the battle was hidden."""
    week = events[(events["event_date"] >= "2024-07-22") & (events["event_date"] <= "2024-07-28")]
    frame, spec, freq = chart(week)
    assert freq == "W"
    enc = spec["encoding"]
    assert spec["mark"] == {"type": "bar", "orient": "vertical"}
    assert enc["y"]["stack"] == "zero" and enc["y"]["scale"]["zero"] is True
    assert enc["x"]["field"] == "period" and enc["x2"]["field"] == "period_end"
    # as Vega-Lite compiles it: one stack per period, from zero
    vega = vlc.vegalite_to_vega(dict(spec, data={"values": json.loads(frame.to_json(orient="records",
                                                                                     date_format="iso"))}))
    stacks = [t for d in vega["data"] for t in d.get("transform", []) if t["type"] == "stack"]
    assert stacks and stacks[0]["offset"] == "zero" and stacks[0]["groupby"] == ["period"]
    # as it draws it: two bars, one on the other, the lower one on the axis (y = 220), together the top
    bars = sorted(drawn_bars(frame, spec), key=lambda b: -b[2])
    assert len(bars) == 2
    (_, top1, bottom1), (_, top2, bottom2) = bars
    assert bottom1 == 220 and top1 == bottom2 and top2 == 0
    assert bottom1 - top1 == pytest.approx(bottom2 - top2)  # one event each


def test_heights_are_the_counts_stacked(events):
    frame, spec, freq = chart(events, "M")
    per_month = frame.groupby("period")["events"].sum()
    bars = drawn_bars(frame, spec)
    tallest = per_month.max()
    # every bar's height is its count on the scale of the tallest month, and the stacks start on the axis
    heights = sorted(round(b - t, 1) for _, t, b in bars if b > t)
    expected = sorted(round(220 * n / tallest, 1) for n in frame["events"] if n > 0)
    assert heights == pytest.approx(expected, abs=0.6)
    assert max(b for _, _, b in bars) == 220


def test_thirty_years_are_drawn_in_years():
    rng = np.random.default_rng(4)
    days = pd.Timestamp("1989-01-01") + pd.to_timedelta(rng.integers(0, 365 * 34, 3000), unit="D")
    many = pd.DataFrame({"event_date": days, "event_type": rng.choice(["Battles", "Violence against civilians"], 3000),
                         "fatalities": rng.integers(0, 20, 3000)})
    frame, spec, freq = chart(many)
    assert freq == "Y"
    assert len(frame["period"].unique()) == 34  # one bar per year, not 1,770 weeks
    axis = spec["encoding"]["x"]["axis"]
    assert axis["format"] == "%Y" and 2 <= len(axis["values"]) <= 8
    assert all(v["month"] == 1 and v["date"] == 1 for v in axis["values"])
    ticks, fmt = axis_ticks("2024-01-01", "2024-03-01", "M")
    assert fmt == "%b %Y" and len(ticks) == 3


def test_readable_in_french(events):
    with geo.i18n.use_language("fr"):
        frame, spec, _ = chart(events, "M", "fatalities")
    enc = spec["encoding"]
    assert enc["y"]["title"] == "Morts (estimation prudente)"
    assert enc["color"]["title"] == "Type d'événement"
    assert "Combats" in enc["color"]["scale"]["domain"] and "Combats" in set(frame["event_type"])
    assert enc["color"]["legend"]["labelLimit"] == 0  # whole labels
    assert spec["config"]["locale"]["time"]["months"][6] == "juillet"
    svg = vlc.vegalite_to_svg(dict(spec, data={"values": json.loads(frame.to_json(orient="records",
                                                                                   date_format="iso"))}, width=600))
    assert "juil." in svg and "Combats" in svg


def page_chart(at):
    """The page's chart: its Vega-Lite specification and its data, as Streamlit sends them."""
    import pyarrow as pa

    proto = at.get("vega_lite_chart")[0].proto
    frame = pa.ipc.open_stream(proto.data.data).read_pandas()
    return frame, json.loads(proto.spec)


def test_the_page_draws_the_week_stacked_and_its_default_period_follows_the_span():
    from streamlit.testing.v1 import AppTest

    from conftest import ROOT

    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=90)
    at.query_params["from"], at.query_params["to"] = "2024-07-22", "2024-07-28"
    at.run()
    assert not at.exception
    frame, spec = page_chart(at)
    bars = sorted(drawn_bars(frame, {k: v for k, v in spec.items() if k not in ("data", "datasets")}),
                  key=lambda b: -b[2])
    (_, top1, bottom1), (_, top2, bottom2) = bars  # two events, one bar of two from 0 (the axis: the lowest y)
    assert len(bars) == 2 and top1 == bottom2 and top2 == 0 and bottom1 - top1 == pytest.approx(bottom2 - top2)
    assert at.radio(key="tl_freq").value == "auto" and at.radio(key="tl_freq").options[0] == "Automatic (week)"
    # the whole curated set spans 20 months: months by default, the reader may choose weeks or years
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=90)
    at.run()
    frame, spec = page_chart(at)
    assert spec["encoding"]["x"]["axis"]["format"] == "%b %Y" and frame["period"].dt.day.eq(1).all()
    assert at.radio(key="tl_freq").options == ["Automatic (month)", "Week", "Month", "Year"]
    at.radio(key="tl_freq").set_value("Y").run()
    frame, spec = page_chart(at)
    assert spec["encoding"]["x"]["axis"]["format"] == "%Y" and set(frame["period"].dt.year) == {2023, 2024}
