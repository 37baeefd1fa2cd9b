"""Snapshots carry their alt text: what the map shows (counts, filters, types, top places) in each
format's own metadata, where screen readers and document managers look for it."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

from PIL import Image

import geo
from geo.static.snapshots import render

SVG = "{http://www.w3.org/2000/svg}"


def _wagner():
    return geo.view_from_query({"actor": ["Wagner Group"], "from": ["2024-07-01"]})[0]


def test_png_has_alt_text_and_description(events, claims, layers):
    im = Image.open(io.BytesIO(render(_wagner(), "png", events, claims, layers)))
    alt = im.text["Alt"]
    shown = geo.filter_events(events, _wagner().filter)
    assert alt.startswith(f"Map of {len(shown)} conflict events from 22 July 2024")
    assert "Filters: Actors: Wagner Group; Dates: 2024-07-01 to …" in alt
    assert "Tinzaouaten (Kidal)" in alt and "Places with the most events" in alt
    assert im.text["Description"].startswith(alt)  # then how it is drawn (colours, sizes, outlines)
    assert "circle area" in im.text["Description"]


def test_svg_has_title_and_desc_as_its_accessible_name(events, claims, layers):
    svg = render(_wagner(), "svg", events, claims, layers)
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "map-title map-desc"
    title, desc = root[0], root[1]  # the root's first children, as SVG readers expect
    assert title.tag == SVG + "title" and title.get("id") == "map-title" and title.text == "Conflict events — northern Mali"
    assert desc.tag == SVG + "desc" and "Filters: Actors: Wagner Group" in desc.text and "Tinzaouaten" in desc.text


def test_svg_alt_text_is_escaped(events, claims, layers):
    hostile = events.copy()
    hostile.loc[hostile.index[:6], "location"] = "<script>alert(1)</script> & co"  # the top place
    svg = render(geo.View(), "svg", hostile, claims, layers, title="A <b>title</b>")
    root = ET.fromstring(svg)  # still well-formed XML
    assert len(root[0]) == 0 and len(root[1]) == 0 and "title" in root[0].text  # text, never markup
    assert "<script>alert(1)</script> & co" in root[1].text and b"<script>" not in svg


def _pdf_string(pdf: bytes, key: bytes) -> str:
    m = re.search(rb"/" + key + rb" \((.*?)(?<!\\)\)", pdf, re.DOTALL)
    raw = re.sub(rb"\\(.)", rb"\1", m.group(1))
    return raw[2:].decode("utf-16-be") if raw.startswith(b"\xfe\xff") else raw.decode("latin-1")


def test_pdf_title_and_subject_describe_the_map(events, claims, layers):
    pdf = render(_wagner(), "pdf", events, claims, layers)
    assert _pdf_string(pdf, b"Title") == "Conflict events — northern Mali"
    subject = _pdf_string(pdf, b"Subject")
    assert subject.startswith("Map of ") and "Filters: Actors: Wagner Group" in subject and "Link: ?" in subject


def test_html_snapshot_map_is_a_described_region(events, claims, layers):
    html = render(_wagner(), "html", events, claims, layers)
    assert "geo-map-description" in html and "aria-describedby" in html
    assert "Filters: Actors: Wagner Group" in html and "Places with the most events" in html
    # a reader may enlarge the page on a phone (folium's own page forbids it)
    assert "user-scalable=no" not in html and "maximum-scale" not in html and 'name="viewport"' in html


def test_heatmap_snapshot_says_it_is_a_heatmap(events, claims, layers):
    view = geo.view_from_query({"draw": ["heat"]})[0]
    alt = Image.open(io.BytesIO(render(view, "png", events, claims, layers))).text["Alt"]
    assert "heatmap" in alt and "Circles are coloured" not in alt
