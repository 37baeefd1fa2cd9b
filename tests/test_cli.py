"""`python -m geo snapshot LINK -o FILE`: each format from a link, the same output as render, and the errors."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import geopandas as gpd
import pytest
from geopandas.testing import assert_geodataframe_equal
from PIL import Image

import geo
from geo.sources.dataset import Dataset
from conftest import FIXTURES, ROOT
from geo.__main__ import COMMANDS, main

LINK = "https://dashboard.example.org/?actor=Wagner+Group&from=2024-01-01&lat=19.9&lon=2.7&z=7&color=side"
QUERY = "actor=Wagner+Group&from=2024-01-01&lat=19.9&lon=2.7&z=7&color=side"


def _start(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "geo", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Every command-line run of this module, started together (each pays Python's start-up once)."""
    out = tmp_path_factory.mktemp("cli")
    # Python's start-up dominates: only what needs a real process runs as one (the rest calls main())
    cases = {
        "png": ["snapshot", LINK, "-o", str(out / "map.png"), "--width", "1700", "--dpi", "120"],
        "geojson": ["snapshot", LINK, "-o", str(out / "events.geojson")],
        "bad_link": ["snapshot", "?z=99999&from=%00x&actor=Nobody+Known&lat=1e999&foo=1", "-o", str(out / "w.csv")],
        "bad_suffix": ["snapshot", LINK, "-o", str(out / "map.docx")],
        "bad_path": ["snapshot", LINK, "-o", str(out / "no" / "such" / "dir" / "map.png")],
    }
    procs = {name: _start(args) for name, args in cases.items()}
    results = {}
    for name, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=120)
        results[name] = (proc.returncode, stdout, stderr)
    return out, results


def _ok(runs, name):
    code, stdout, stderr = runs[1][name]
    assert code == 0, stderr
    assert "Traceback" not in stderr
    return runs[0]


def test_png_from_a_share_link(runs, events):
    out = _ok(runs, "png")
    im = Image.open(out / "map.png")
    assert im.width == 1700 and im.text["Link"] == QUERY
    assert "Natural Earth" in im.text["Attribution"]


def test_html_from_a_query_string(tmp_path):
    assert main(["snapshot", QUERY, "-o", str(tmp_path / "map.html")]) == 0
    page = (tmp_path / "map.html").read_text(encoding="utf-8")
    assert "Actors: Wagner Group" in page and geo.webmap.assets.external_urls(page) == []


@pytest.fixture(scope="module")
def embedded():
    """The data set the CLI (and the dashboard) use when given no file."""
    return Dataset.embedded()


def test_csv_and_geojson_hold_the_views_events(runs, events, claims, tmp_path):
    out = _ok(runs, "geojson")
    assert main(["snapshot", "?" + QUERY, "-o", str(out / "events.csv")]) == 0
    view, _ = geo.view_from_query(LINK, vocabulary=geo.Vocabulary.of(events))
    shown = geo.filter_events(events, view.filter).reset_index(drop=True)
    loaded = geo.load_events(out / "events.csv")
    # the canonical columns come back exactly; the dashboard's derived ones (region, border_km) ride along
    assert_geodataframe_equal(loaded[list(shown.columns)], shown)
    assert {"region", "border_km", "in_tuareg_region"} <= set(loaded.columns)
    doc = json.loads((out / "events.geojson").read_text(encoding="utf-8"))
    assert [f["properties"]["event_id"] for f in doc["features"]] == list(shown["event_id"])
    assert any(f["properties"]["claims"] for f in doc["features"])


def test_custom_data_and_claims(tmp_path, capsys):
    out = tmp_path
    assert main(["snapshot", "?type=Battles", "-o", str(out / "small.geojson"), "--data",
                 str(FIXTURES / "events_small.csv"), "--claims", str(FIXTURES / "claims_small.csv")]) == 0
    assert capsys.readouterr().err == ""
    doc = json.loads((out / "small.geojson").read_text(encoding="utf-8"))
    assert {f["properties"]["event_id"] for f in doc["features"]} == {"T-1", "T-4"}
    assert len(next(f for f in doc["features"] if f["properties"]["event_id"] == "T-1")["properties"]["claims"]) == 3
    assert doc["attribution"] == Dataset.from_source(FIXTURES / "events_small.csv").attribution


def test_a_bad_link_warns_but_still_works(runs, events):
    code, _, stderr = runs[1]["bad_link"]
    assert code == 0, stderr
    lines = stderr.strip().splitlines()
    assert lines and all(line.startswith("warning: ") for line in lines)
    assert any("zoom" in line.lower() for line in lines) and any("foo" in line for line in lines)
    # the unknown actor is dropped, so every event is written
    assert len(geo.load_events(runs[0] / "w.csv")) == len(events)


@pytest.mark.parametrize("name, code, text", [("bad_suffix", 2, ".docx"), ("bad_path", 1, "cannot write")])
def test_errors_are_one_line_and_a_nonzero_exit(runs, name, code, text):
    got, stdout, stderr = runs[1][name]
    assert got == code
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and text in lines[0], stderr
    assert "Traceback" not in stderr and stdout == ""
    assert not list(runs[0].glob("map.docx"))


@pytest.mark.parametrize("args, code, text", [
    (["snapshot", LINK, "-o", "{tmp}/x.csv", "--data", "{tmp}/missing.csv"], 1, "missing.csv"),
    (["snapshot", LINK, "-o", "{tmp}/x.csv", "--data", str(FIXTURES / "claims_small.csv")], 1, "none of the known formats"),
    (["snapshot", LINK], 2, "-o/--output"),
    (["snapshot", LINK, "-o", "{tmp}/x.png", "--width", "wide"], 2, "--width"),
    (["snapshot", LINK, "-o", "{tmp}/x.png", "--width", "50"], 2, "--width"),
    (["snapshot", LINK, "-o", "{tmp}"], 2, "cannot tell the format"),
    (["snapshot", LINK, "-o", "{tmp}/dir.png"], 1, "it is a directory"),
    ([], 2, "COMMAND"),
])
def test_more_errors_in_process(tmp_path, capsys, args, code, text):
    (tmp_path / "dir.png").mkdir()
    assert main([a.replace("{tmp}", str(tmp_path)) for a in args]) == code
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and text in lines[0], captured.err
    assert captured.out == "" and not (tmp_path / "x.csv").exists() and not (tmp_path / "x.png").exists()


# In-process, for the formats not run above: the same bytes as render() gives for the view.

@pytest.mark.parametrize("suffix", [".svg", ".pdf", ".kml", ".parquet", ".png", ".html", ".csv", ".geojson"])
def test_every_format_is_what_render_gives(tmp_path, capsys, embedded, layers, suffix, monkeypatch):
    fixed = dt.datetime(2025, 1, 2, tzinfo=dt.timezone.utc)
    import geo.static.snapshots as snapshots

    real = snapshots.render
    monkeypatch.setattr(snapshots, "render", lambda *a, **k: real(*a, **{**k, "generated": fixed}))
    path = tmp_path / f"out{suffix}"
    assert main(["snapshot", LINK, "-o", str(path), "--width", "800", "--dpi", "100"]) == 0
    assert capsys.readouterr().err == ""
    view, _ = geo.view_from_query(LINK, vocabulary=embedded.vocabulary)
    fmt = suffix[1:]
    want = real(view, fmt, embedded.events, embedded.claims, layers, width_px=800, dpi=100, generated=fixed,
                attribution=embedded.attribution)
    got = path.read_bytes()
    if fmt == "kml":
        assert got.decode("utf-8") == want
        assert len(ET.fromstring(got).findall(".//{http://www.opengis.net/kml/2.2}Placemark")) == 8
    elif fmt == "parquet":
        assert_geodataframe_equal(gpd.read_parquet(io.BytesIO(got)), gpd.read_parquet(io.BytesIO(want)))
    elif fmt == "png":
        assert Image.open(io.BytesIO(got)).width == 800 and got == want
    elif fmt == "html":  # folium names its elements with random ids
        assert re.sub(r"_[0-9a-f]{32}", "_ID", got.decode("utf-8")) == re.sub(r"_[0-9a-f]{32}", "_ID", want)
    elif fmt == "svg":
        assert got.startswith(b"<?xml") and len(got) == pytest.approx(len(want), rel=0.01)
    elif fmt == "pdf":
        assert got.startswith(b"%PDF-")
    else:
        assert got.decode("utf-8") == want


def test_commands_leave_room_for_more():
    assert "snapshot" in COMMANDS
    assert main(["nosuch"]) == 2


def test_snapshot_of_data_from_elsewhere_opens_on_it_and_names_it(tmp_path):
    """`python -m geo snapshot "" --data FILE` on data from Afghanistan: the image shows every event and
    says where it is, not northern Mali."""
    from PIL import Image

    from geo.static.frame import mercator, view_extent

    source = FIXTURES / "acled" / "acled_afghanistan.csv"
    out = tmp_path / "afghanistan.png"
    assert main(["snapshot", "", "-o", str(out), "--data", str(source)]) == 0
    meta = Image.open(out).text
    assert meta["Title"] == "Conflict events — Afghanistan"
    data = Dataset.from_source(source)
    view, warnings = geo.view_from_query(meta["Link"], vocabulary=data.vocabulary)
    assert warnings == [] and (view.center, view.zoom) == data.vocabulary.home
    xmin, xmax, ymin, ymax = view_extent(view)
    x, y = mercator(data.events["latitude"].to_numpy(), data.events["longitude"].to_numpy())
    assert ((xmin < x) & (x < xmax) & (ymin < y) & (y < ymax)).all()
    svg = tmp_path / "afghanistan.svg"
    assert main(["snapshot", "", "-o", str(svg), "--data", str(source)]) == 0
    assert "Conflict events — Afghanistan" in svg.read_text(encoding="utf-8")
