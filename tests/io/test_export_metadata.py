"""The promise under the download buttons, kept by every format (issue 25): each file of a view carries whose
data it is, the filters in words, the share link and the data's version, read back here from the file itself;
a CSV carries them in its CSVW metadata file, zipped with it; every file is named by what it holds."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
import zipfile

import pyarrow.parquet as pq
import pytest
from PIL import Image

import geo
from conftest import FIXTURES
from dashboard.map_panel import DOWNLOADS, DOWNLOADS_PROMISE
from geo.io.metadata import ExportMeta, file_stem
from geo.static.snapshots import PACKAGED, download, download_name, output_name, render

BASE = "https://conflict.example.org/app"
ATTRIBUTION = "Test attribution: Example Data Project (CC BY 4.0)"
VIEW = geo.View(filter=geo.EventFilter(actors=["JNIM"], start="2023-09-01"))
KML = "{http://www.opengis.net/kml/2.2}"


@pytest.fixture(scope="module")
def data():
    return geo.load_events(), geo.load_claims()


def _pdf_string(pdf: bytes, key: bytes) -> str:
    """A text entry of a PDF's document information dictionary, as matplotlib writes it."""
    m = re.search(rb"/" + key + rb" \((.*?)(?<!\\)\)", pdf, re.S)
    assert m, key
    raw = re.sub(rb"\\([()\\])", rb"\1", m.group(1))
    return raw[2:].decode("utf-16-be") if raw.startswith(b"\xfe\xff") else raw.decode("latin-1")


def read_back(fmt: str, content, name: str) -> dict[str, str]:
    """The attribution, filters, link and version a file says about itself, read from the file alone."""
    if fmt in PACKAGED:  # the zip: the CSV and its CSVW metadata
        zf = zipfile.ZipFile(io.BytesIO(content))
        csv_name = name[: -len(".zip")] + ".csv"
        assert zf.namelist() == [csv_name, csv_name + "-metadata.json"]
        doc = json.loads(zf.read(csv_name + "-metadata.json"))
        assert doc["@context"] == "http://www.w3.org/ns/csvw" and doc["url"] == csv_name
        header = zf.read(csv_name).decode("utf-8").split("\n", 1)[0].split(",")
        assert [c["titles"] for c in doc["tableSchema"]["columns"]] == header
        return {"attribution": doc["dc:source"], "filters": " · ".join(doc["dc:description"]),
                "link": doc["dc:relation"], "version": doc["dc:hasVersion"]}
    if fmt == "geojson":
        doc = json.loads(content)
        assert doc["type"] == "FeatureCollection"
        return {"attribution": doc["attribution"], "filters": " · ".join(doc["filters"]), "link": doc["share_link"],
                "version": doc["data_version"]}
    if fmt == "parquet":
        meta = pq.read_schema(io.BytesIO(content)).metadata
        return {"attribution": meta[b"attribution"].decode(), "filters": " · ".join(json.loads(meta[b"filters"])),
                "link": meta[b"share_link"].decode(), "version": meta[b"data_version"].decode()}
    if fmt == "kml":
        doc = ET.fromstring(content.encode("utf-8")).find(f"{KML}Document")
        data = {d.get("name"): d.find(f"{KML}value").text for d in doc.find(f"{KML}ExtendedData")}
        return {"attribution": data["attribution"], "filters": data["filters"], "link": data["share_link"],
                "version": data["data_version"]}
    if fmt == "png":
        text = Image.open(io.BytesIO(content)).text
        return {"attribution": text["Attribution"], "filters": text["Filters"], "link": text["Share link"],
                "version": text["Data version"]}
    if fmt == "svg":
        svg = content.decode("utf-8") if isinstance(content, bytes) else content
        dc = {k: re.search(rf"<dc:{k}>(.*?)</dc:{k}>", svg, re.S).group(1) for k in ("coverage", "relation", "identifier")}
        rights = re.search(r"<dc:rights>.*?<dc:title>(.*?)</dc:title>", svg, re.S).group(1)
        return {"attribution": rights, "filters": dc["coverage"], "link": dc["relation"].replace("&amp;", "&"),
                "version": dc["identifier"]}
    if fmt == "pdf":
        subject = _pdf_string(content, b"Subject")
        return {"attribution": _pdf_string(content, b"Keywords"), "filters": subject, "link": subject,
                "version": subject}
    if fmt == "html":
        header = content.split("<header class='snapshot-info'>", 1)[1].split("</header>", 1)[0]
        return {"attribution": header, "filters": header, "link": header.replace("&amp;", "&"), "version": header}
    raise AssertionError(fmt)


@pytest.mark.parametrize("fmt", list(DOWNLOADS))
def test_every_download_carries_attribution_filters_link_and_version(data, fmt):
    """The sentence under the buttons, checked against each file: read back from the file itself."""
    events, claims = data
    name = download_name(fmt, VIEW, events=events, attribution=ATTRIBUTION)
    content = download(VIEW, fmt, events, claims, name=name, base_url=BASE, attribution=ATTRIBUTION)
    got = read_back(fmt, content, name)
    assert ATTRIBUTION in got["attribution"], (fmt, got["attribution"])
    assert "Actors: JNIM" in got["filters"] and "2023-09-01" in got["filters"], (fmt, got["filters"])
    assert f"{BASE}?" in got["link"] and "actor=JNIM" in got["link"] and "from=2023-09-01" in got["link"]
    assert geo.dataset_fingerprint(events) in got["version"], (fmt, got["version"])
    for promised in ("filters", "share link", "whose data", "version"):
        assert promised in DOWNLOADS_PROMISE


def test_the_filters_are_in_the_views_language(data):
    events, claims = data
    french = geo.View(filter=VIEW.filter, lang="fr")
    doc = json.loads(render(french, "geojson", events, claims, attribution=ATTRIBUTION, base_url=BASE))
    assert any(f.startswith("Acteurs") for f in doc["filters"]) and "lang=fr" in doc["share_link"]


def test_metadata_read_back_as_it_was_written():
    meta = ExportMeta("A", ("Actors: JNIM", "Dates: from 2023-09-01"), "https://x/?actor=JNIM", "abcd1234", "T",
                      "2025-01-02T00:00:00+00:00")
    assert ExportMeta.from_dict(meta.as_dict()) == meta == ExportMeta.from_dict(meta.as_text())


def test_exports_still_load_back_unchanged(data):
    """The metadata sits beside the table: a GeoJSON or GeoParquet export still reads back as before."""
    events, claims = data
    for fmt in ("geojson", "parquet"):
        content = render(VIEW, fmt, events, claims, attribution=ATTRIBUTION, base_url=BASE)
        back, report = geo.read_events(content.encode() if isinstance(content, str) else content, name=f"x.{fmt}")
        assert report.rejected.empty and report.attribution == ATTRIBUTION
        assert set(back["event_id"]) == set(geo.filter_events(events, VIEW.filter)["event_id"])


def test_html_says_place_names_geonames_once(data):
    events, claims = data
    page = render(geo.View(), "html", events, claims, attribution=ATTRIBUTION)
    assert page.count("Place names: GeoNames") == 1
    assert ATTRIBUTION in page.split("<header", 1)[1]  # the data's own attribution, in the header and the map


def test_file_names_say_what_they_hold():
    events, report = geo.read_events(FIXTURES / "acled" / "acled_afghanistan.csv")
    year = geo.View(filter=geo.EventFilter(start="2023-01-01", end="2023-12-31"))
    assert output_name("csv", year, events=events, attribution=report.attribution) == \
        "acled_afghanistan_2023-01-01_2023-12-31.csv"
    assert download_name("csv", year, events=events, attribution=report.attribution) == \
        "acled_afghanistan_2023-01-01_2023-12-31.zip"
    taliban = geo.View(filter=geo.EventFilter(actors=["Taliban"]))
    first, last = events["event_date"].min(), events["event_date"].max()
    assert output_name("png", taliban, events=events, attribution=report.attribution) == \
        f"acled_afghanistan_taliban_{first:%Y-%m-%d}_{last:%Y-%m-%d}_map.png"
    assert output_name("claims_csv", taliban, events=events, attribution=report.attribution).endswith("_claims.csv")
    ucdp, ucdp_report = geo.read_events(FIXTURES / "ucdp" / "ged_mali.csv")
    assert output_name("geojson", geo.View(), events=ucdp, attribution=ucdp_report.attribution).startswith("ucdp_mali_")
    assert file_stem("acled", ["Côte d'Ivoire", "Burkina Faso", "Mali"], "", None, None) == "acled_3-countries"
    assert file_stem("acled", ["Côte d'Ivoire"], "JNIM: Group for Support of Islam and Muslims", None, None) == \
        "acled_cote-d-ivoire_jnim"


def test_the_command_line_writes_the_csvw_file_beside_the_csv(tmp_path):
    from geo.__main__ import main

    out = tmp_path / "jnim.csv"
    assert main(["snapshot", f"{BASE}?actor=JNIM", "-o", str(out)]) == 0
    doc = json.loads((tmp_path / "jnim.csv-metadata.json").read_text(encoding="utf-8"))
    assert doc["url"] == "jnim.csv" and doc["dc:description"] == ["Actors: JNIM"]
    assert "actor=JNIM" in doc["dc:relation"] and doc["dc:source"]
    header = out.read_text(encoding="utf-8").split("\n", 1)[0].split(",")
    assert [c["titles"] for c in doc["tableSchema"]["columns"]] == header
    types = {c["titles"]: c["datatype"] for c in doc["tableSchema"]["columns"]}
    assert (types["event_date"], types["fatalities"], types["latitude"], types["actor1"]) == (
        "date", "integer", "number", "string")


def test_a_download_names_its_countries_most_frequent_first_without_a_pass_over_strings():
    """The dashboard names the view's files after every rerun of a filter: a compact country column is counted
    on its codes, with the order its texts' own counts give (ties as they first appear, missing left out)."""
    import numpy as np
    import pandas as pd

    from geo.static.snapshots import _by_count

    rng = np.random.default_rng(3)
    for _ in range(500):
        values = rng.choice(np.array(["Mali", "Niger", "Burkina Faso", None, "Algeria"], dtype=object),
                            size=int(rng.integers(1, 40)))
        for column in (pd.Series(values, dtype="category"),
                       pd.Series(pd.Categorical(values, categories=["Zed", "Algeria", "Mali", "Niger", "Burkina Faso"]))):
            assert _by_count(column) == list(column.astype(str).value_counts().index)
    compact = pd.Series(pd.Categorical(["Mali"] * 5 + ["Niger"] * 7))
    assert _by_count(compact) == ["Niger", "Mali"]
    assert _by_count(compact.astype(object)) == ["Niger", "Mali"]  # any other column: as before
