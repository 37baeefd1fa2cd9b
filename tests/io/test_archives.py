"""Excel workbooks and zip archives as analysts hold them, and files that are neither, said for what they are."""

from __future__ import annotations

import pytest
from geopandas.testing import assert_geodataframe_equal

import hostile_files as h
from conftest import FIXTURES
from geo.errors import ImportFormatError
from geo.io.readers import read_events
from geo.io.workbook import sheet_extent

XLSX = FIXTURES / "variants" / "acled_curated.xlsx"
ACLED_CSV = FIXTURES / "acled" / "acled_mali.csv"
GED_ZIP = FIXTURES / "variants" / "ucdp_ged_csv.zip"
GED_CSV = FIXTURES / "ucdp" / "ged_mali.csv"


@pytest.fixture(scope="module")
def acled_csv():
    return read_events(ACLED_CSV)


def test_a_workbook_gives_the_events_of_its_csv(acled_csv):
    """ACLED's curated layout: a "Read me" sheet first, a title and a blank row above the header, dates as
    Excel dates, numbers as numbers. The events and the rejected rows are those of the same rows as CSV."""
    events, report = read_events(XLSX)
    assert_geodataframe_equal(events, acled_csv[0])
    assert report.rejected.equals(acled_csv[1].rejected)
    assert report.format == "acled" and report.encoding == "xlsx"
    assert "sheet 'Data' read (the workbook has 2)" in report.warnings
    assert "2 row(s) above the header skipped" in report.warnings


def test_the_sheet_named_is_read_and_a_missing_one_is_said():
    with pytest.raises(ImportFormatError, match="none of the known formats"):
        read_events(XLSX, sheet="Read me")
    with pytest.raises(ImportFormatError, match=r"no sheet 'Nope'; its sheets: Read me, Data"):
        read_events(XLSX, sheet="Nope")
    assert len(read_events(XLSX, sheet="Data")[0]) == len(read_events(XLSX)[0])


def test_a_workbook_of_no_events_names_its_columns():
    data = h.xlsx_bytes({"Sheet1": [["name", "value"], ["a", 1]]})
    with pytest.raises(ImportFormatError, match=r"columns \(name, value\) are none of the known formats"):
        read_events(data, name="book.xlsx")


def test_cells_become_the_text_a_csv_holds():
    rows = [["event_id_cnty", "event_date", "actor1", "country", "location", "latitude", "longitude",
             "event_type", "fatalities"],
            ["X1", 45500, "A", "Mali", "Kidal", 18.44, -1.4, "Battles", 3.0]]
    events, report = read_events(h.xlsx_bytes({"S": rows}), name="b.xlsx")
    assert events.loc[0, "event_date"].date().isoformat() == "2024-07-27"  # an Excel serial day number
    assert events.loc[0, "fatalities"] == 3 and events.loc[0, "latitude"] == 18.44


def test_a_zip_of_one_data_file_gives_its_events():
    events, report = read_events(GED_ZIP)
    assert_geodataframe_equal(events, read_events(GED_CSV)[0])
    assert "read GEDEvent_v24_1.csv from the archive" in report.warnings
    assert "left aside in the archive: README.txt" in report.warnings  # macOS's __MACOSX copies: not named


def test_a_zip_holding_a_workbook_is_read(acled_csv):
    events, report = read_events(h.zip_bytes({"acled.xlsx": XLSX.read_bytes()}), name="a.zip")
    assert_geodataframe_equal(events, acled_csv[0])


@pytest.mark.parametrize("members, expected", [
    ({"a.csv": b"x", "b.csv": b"y", "c.json": b"{}"}, r"holds 3 data files \(a.csv, b.csv, c.json\)"),
    ({"inner.zip": b"PK\x03\x04rest"}, r"holds another archive \(inner.zip\), which is not opened"),
    ({"data.csv": h.zip_bytes({"a.csv": b"x"})}, r"holds another archive \(data.csv\)"),
    ({"codebook.pdf": b"%PDF-1.4", "notes.txt": b"hello"}, r"holds no data file .* codebook.pdf, notes.txt"),
    ({"word/document.xml": b"<w/>", "[Content_Types].xml": b"<t/>"}, "Word document"),
    ({"data.csv": bytes(2_000_000)}, r"data.csv in the archive holds nothing but zero bytes"),
], ids=["several", "nested-zip", "nested-renamed", "no-data", "docx", "nul-member"])
def test_archives_that_are_not_one_data_file_are_said_plainly(members, expected):
    with pytest.raises(ImportFormatError, match=expected):
        read_events(h.zip_bytes(members), name="upload.zip")


def test_a_member_named_with_a_path_is_never_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in").mkdir()
    monkeypatch.chdir(tmp_path / "in")
    data = h.zip_bytes({"../../escaped.csv": GED_CSV.read_bytes()})
    events, report = read_events(data, name="evil.zip")
    assert len(events) == 6 and "read escaped.csv from the archive" in report.warnings
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["in"]  # nothing written anywhere
    assert not (tmp_path.parent / "escaped.csv").exists()


def test_a_damaged_or_locked_archive_is_said():
    with pytest.raises(ImportFormatError, match="damaged zip archive"):
        read_events(b"PK\x03\x04" + b"x" * 100, name="cut.zip")
    data = bytearray(h.zip_bytes({"a.csv": GED_CSV.read_bytes()}))
    data[60:70] = b"\xff" * 10  # in the deflate stream
    with pytest.raises(ImportFormatError, match=r"a.csv in the archive (is damaged|unpacks)"):
        read_events(bytes(data), name="bad.zip")


@pytest.mark.parametrize("content, expected", [
    (b"%PDF-1.7\n%\xe2\xe3", "this is a PDF document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), r"old Excel workbook \(.xls\)"),
    (b"\x1f\x8b\x08\x00" + bytes(20), r"gzip-compressed file \(.gz\)"),
    (b"Rar!\x1a\x07\x01\x00", "RAR archive"),
    (b"\n<!DOCTYPE html>\n<html><body>Sign in</body></html>", r"web page \(HTML\)"),
    (bytes(100_000), r"nothing but zero bytes \(NUL\)"),
    (b"\x89PNG\r\n\x1a\n" + bytes(20), "this is an image"),
], ids=["pdf", "xls", "gzip", "rar", "html", "nul", "png"])
def test_a_file_of_another_kind_is_named_with_what_to_do(content, expected):
    with pytest.raises(ImportFormatError, match=expected) as info:
        read_events(content, name="mine.csv")
    assert "UTF-16" not in str(info.value)


def test_utf16_text_as_excel_saves_unicode_text_is_read():
    text = ACLED_CSV.read_text("utf-8")
    events, report = read_events(text.encode("utf-16"), name="unicode.txt")
    assert len(events) == len(read_events(ACLED_CSV)[0])
    assert "encoding detected as utf-16 (not UTF-8)" in report.warnings
    assert report.encoding == "utf-16"


def test_the_column_limit_is_the_documented_one_and_can_be_raised(monkeypatch):
    row = "MLI1,2024-07-27,A,Mali,Kidal,18.4,1.4,Battles"
    base = "event_id_cnty,event_date,actor1,country,location,latitude,longitude,event_type"
    ok = (base + "," + ",".join(f"x{i}" for i in range(492)) + "\n" + row + "," * 492 + "\n").encode()
    assert len(read_events(ok, name="500.csv")[0]) == 1
    wide = (base + "," + ",".join(f"x{i}" for i in range(493)) + "\n" + row + "," * 493 + "\n").encode()
    with pytest.raises(ImportFormatError, match="the header has 501 columns; at most 500 are read"):
        read_events(wide, name="501.csv")
    monkeypatch.setenv("GEO_MAX_COLUMNS", "600")
    assert len(read_events(wide, name="501.csv")[0]) == 1


def test_quoted_separators_do_not_count_as_columns():
    names = ",".join(f'"a{i}, with a comma"' for i in range(400))
    data = ("event_id_cnty,event_date,actor1,country,location,latitude,longitude,event_type," + names + "\n"
            "MLI1,2024-07-27,A,Mali,Kidal,18.4,1.4,Battles" + "," * 400 + "\n").encode()
    assert len(read_events(data, name="q.csv")[0]) == 1  # 800 commas, 408 columns


def test_a_long_line_is_refused_where_it_is(monkeypatch):
    data = b"event_id_cnty,event_date,actor1,notes\nX1,2024-07-27,A,ok\nX2,2024-07-27,A," + b"a" * 1_100_000 + b"\n"
    with pytest.raises(ImportFormatError, match=r"line 3 is 1.0 MB long; a line of an event file may be at most 1 MB"):
        read_events(data, name="long.csv")
    monkeypatch.setenv("GEO_MAX_LINE_KB", "2048")
    with pytest.raises(ImportFormatError, match="none of the known formats"):  # read, then judged by its columns
        read_events(data, name="long.csv")


def test_an_archive_may_unpack_to_100_times_its_size_and_always_to_10_mb(monkeypatch):
    csv = GED_CSV.read_bytes() + b"\n" * 2_000_000  # 2 MB of blank lines: 1,000 times the zip's size
    zipped = h.zip_bytes({"g.csv": csv})
    assert len(zipped) < 5_000 and len(read_events(zipped, name="g.zip")[0]) == 6  # under the 10 MB floor
    monkeypatch.setenv("GEO_MAX_UNPACKED_MB", "0")  # 1 MB at least: below 10 MB every archive is refused
    with pytest.raises(ImportFormatError, match=r"unpacks to 1.9 MB .* at most 1 MB"):
        read_events(zipped, name="g.zip")
    monkeypatch.setenv("GEO_MAX_UNPACKED_MB", "1024")
    big = h.zip_bytes({"g.csv": GED_CSV.read_bytes() + b"\n" * 30_000_000})  # 30 MB, 1,000 times: a bomb
    with pytest.raises(ImportFormatError, match=r"unpacks to 29 MB \(\d{3,} times its size\); at most 10 MB"):
        read_events(big, name="g.zip")


@pytest.mark.parametrize("xml, extent", [
    (h.sheet_xml([["a", "b", "c"], [1, 2]]), (2, 3)),
    ('<sheetData><row r="1"><c r="A1"/></row><row r="1048576"><c r="XFD1048576"/></row></sheetData>',
     (1048576, 16384)),
    ('<sheetData><row r="1"><c r="A1"/><c r="B1048576"/></row></sheetData>', (1048576, 2)),  # a cell's own row
    ("<sheetData><row><c><v>1</v></c><c/><c/></row><row/><row><c/></row></sheetData>", (3, 3)),  # no positions
    ('<sheetData><row r="4"><c s=">" r="XFD4"/></row></sheetData>', (4, 16384)),  # ">" in an attribute
    ("<sheetData><x:row r='2'><x:c r='Z2'/></x:row></sheetData>", (2, 26)),  # prefixed, single quotes
    ('<sheetData><row r="1"><c\tr="AA1"/></row></sheetData>', (1, 27)),
    ('<cols><col min="1" max="16384"/></cols><sheetData><row r="2"><c r="C2"/></row></sheetData><rowBreaks/>',
     (2, 3)),
], ids=["plain", "far", "cell-row", "no-r", "gt-in-attr", "prefixed", "tab", "cols-rowbreaks"])
def test_the_rectangle_a_sheet_spans_is_computed_from_its_cells(xml, extent):
    assert sheet_extent(xml.encode()) == extent


def test_a_declared_dimension_is_not_believed():
    rows = [["event_id_cnty", "event_date", "actor1", "country", "location", "latitude", "longitude", "event_type"],
            ["X1", "2024-07-27", "A", "Mali", "Kidal", "18.4", "1.4", "Battles"]]
    events, _ = read_events(h.huge_dimension_workbook(rows), name="dim.xlsx")
    assert len(events) == 1


def test_too_many_cells_are_refused(monkeypatch):
    monkeypatch.setenv("GEO_MAX_SHEET_CELLS", "100")
    rows = [["event_id_cnty"] + [f"c{i}" for i in range(9)]] + [[f"X{i}"] + [1] * 9 for i in range(12)]
    with pytest.raises(ImportFormatError, match=r"spans 13 rows by 10 columns \(130 cells\); at most 100"):
        read_events(h.xlsx_bytes({"S": rows}), name="big.xlsx")



@pytest.mark.parametrize("seed", range(4))
def test_a_damaged_workbook_is_read_or_refused_plainly(seed):
    """Bytes changed, cut or added inside the workbook's XML parts (then zipped again) or in the zip itself:
    each read gives events or an ImportFormatError, never another exception (nor a crash of calamine)."""
    import random
    import zipfile
    from io import BytesIO

    from geo.errors import GeoError

    rng = random.Random(seed)
    book = zipfile.ZipFile(BytesIO(XLSX.read_bytes()))
    parts = {i.filename: book.read(i.filename) for i in book.infolist()}
    for _ in range(40):
        changed = dict(parts)
        name = rng.choice([k for k in changed if k.endswith(".xml")])
        data = bytearray(changed[name])
        for _ in range(rng.randint(1, 5)):
            at = rng.randrange(len(data))
            if rng.random() < 0.5:
                data[at] = rng.randrange(256)
            else:
                data[at:at] = rng.choice([b"<", b">", b"&", b'"', b'<c r="ZZ9"/>', b"&#0;", b"\xff", b"<row>"])
        changed[name] = bytes(data)
        try:
            read_events(h.zip_bytes(changed), name="damaged.xlsx")
        except GeoError:
            pass
