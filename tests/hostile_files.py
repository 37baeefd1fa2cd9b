"""Hostile files, built by the tests themselves (nothing of the kind is shipped): a zip bomb from a raw
deflate stream, workbooks with XML entities or absurd sizes, a CSV of 200,000 columns, a JSON nested
100,000 deep, a line of tens of MB, NUL bytes. And the small honest workbooks and archives the same
tests compare them with (``xlsx_bytes``, ``zip_bytes``).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from xml.sax.saxutils import escape

MB = 1024 * 1024

# --- workbooks ---------------------------------------------------------------------------------------

_CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                  '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                  '<Default Extension="xml" ContentType="application/xml"/>'
                  '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument'
                  '.spreadsheetml.sheet.main+xml"/>{sheets}</Types>')
_SHEET_TYPE = ('<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.openxmlformats-'
               'officedocument.spreadsheetml.worksheet+xml"/>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
             'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{sheets}'
             '</sheets></workbook>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}'
            '</Relationships>')
_WB_REL = ('<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           'worksheet" Target="worksheets/sheet{n}.xml"/>')
SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def column_letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA, 16383 -> XFD."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_xml(rows, *, dimension: str | None = None, doctype: str = "") -> str:
    """A worksheet of inline strings and numbers (``rows``: lists of str / int / float / None)."""
    out = [SHEET_HEAD.replace("?>", "?>" + doctype, 1)]
    if dimension:
        out.append(f'<dimension ref="{dimension}"/>')
    out.append("<sheetData>")
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{column_letters(c)}{r}"
            if value is None or value == "":
                continue
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>')
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    out.append("</sheetData></worksheet>")
    return "".join(out)


def xlsx_bytes(sheets: dict[str, str | list], *, extra: dict[str, bytes] | None = None) -> bytes:
    """A workbook of the given sheets, in order: each a list of rows or its worksheet XML as text."""
    buf = io.BytesIO()
    names = list(sheets)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES.format(
            sheets="".join(_SHEET_TYPE.format(n=n) for n in range(1, len(names) + 1))))
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK.format(sheets="".join(
            f'<sheet name="{escape(name)}" sheetId="{n}" r:id="rId{n}"/>' for n, name in enumerate(names, 1))))
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS.format(
            rels="".join(_WB_REL.format(n=n) for n in range(1, len(names) + 1))))
        for n, name in enumerate(names, 1):
            content = sheets[name]
            z.writestr(f"xl/worksheets/sheet{n}.xml", content if isinstance(content, str) else sheet_xml(content))
        for part, data in (extra or {}).items():
            z.writestr(part, data)
    return buf.getvalue()


def entity_workbook(levels: int = 10, fan: int = 10) -> bytes:
    """The "billion laughs": entities each ten of the one before, ``fan ** levels`` copies of "lol"
    (10^10: 30 GB) if a reader expanded them, in the one cell of the sheet."""
    defs = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * fan}">' for i in range(1, levels + 1)]
    doctype = f"<!DOCTYPE worksheet [{''.join(defs)}]>"
    sheet = sheet_xml([["event_id_cnty"], ["X"]], doctype=doctype).replace(
        "<t>X</t>", f"<t>&lol{levels};</t>")
    return xlsx_bytes({"Sheet1": sheet})


def external_entity_workbook(target: str) -> bytes:
    """A sheet whose cell is an external entity naming a file of this machine."""
    doctype = f'<!DOCTYPE worksheet [<!ENTITY ext SYSTEM "file://{target}">]>'
    sheet = sheet_xml([["event_id_cnty"], ["X"]], doctype=doctype).replace("<t>X</t>", "<t>&ext;</t>")
    return xlsx_bytes({"Sheet1": sheet})


def huge_dimension_workbook(rows) -> bytes:
    """A sheet that declares 1,048,576 rows by 16,384 columns (``<dimension ref="A1:XFD1048576"/>``) and
    holds only ``rows``."""
    return xlsx_bytes({"Sheet1": sheet_xml(rows, dimension="A1:XFD1048576")})


def far_cells_workbook() -> bytes:
    """Two real cells, A1 and XFD1048576: a reader that fills the rectangle between them holds 17
    billion cells."""
    sheet = (SHEET_HEAD + '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>event_id_cnty</t></is></c></row>'
             '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>')
    return xlsx_bytes({"Sheet1": sheet})


# --- archives ----------------------------------------------------------------------------------------

def zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def deflate_zeros(megabytes: int) -> bytes:
    """A raw deflate stream (no zlib header) that inflates to ``megabytes`` MiB of zero bytes, built
    without making them: one MiB compressed once, its block repeated (each block refers only to the
    zeros before it)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = comp.compress(bytes(MB)) + comp.flush(zlib.Z_SYNC_FLUSH)
    again = comp.compress(bytes(MB)) + comp.flush(zlib.Z_SYNC_FLUSH)
    return first + again * (megabytes - 1) + comp.flush(zlib.Z_FINISH)


def raw_zip(name: str, stream: bytes, *, declared_size: int, crc: int = 0) -> bytes:
    """A zip of one deflated member written field by field, declaring ``declared_size`` bytes
    uncompressed whatever the stream holds."""
    encoded = name.encode("utf-8")
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(stream), declared_size,
                        len(encoded), 0) + encoded
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(stream),
                          declared_size, len(encoded), 0, 0, 0, 0, 0, 0) + encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(local) + len(stream), 0)
    return local + stream + central + end


def zip_bomb(megabytes: int = 3 * 1024, *, honest: bool = True) -> bytes:
    """A zip of about ``megabytes`` / 1000 MB holding one "events.csv" that inflates to ``megabytes`` MiB:
    declaring its true size (``honest``), or a mere 30 kB."""
    stream = deflate_zeros(megabytes)
    return raw_zip("events.csv", stream, declared_size=megabytes * MB if honest else 30_000)


# --- text --------------------------------------------------------------------------------------------

def wide_csv(columns: int = 200_000) -> bytes:
    """One header of ``columns`` names and one row: about 1.9 MB at 200,000 (the issue's file)."""
    return (",".join(f"c{i}" for i in range(columns)) + "\n" + ",".join("1" for _ in range(columns))
            + "\n").encode()


def deep_json(depth: int = 100_000, *, brackets: str = "[]") -> bytes:
    return (brackets[0] * depth + brackets[1] * depth).encode()


def deep_json_object(depth: int = 100_000) -> bytes:
    return ('{"features":' * depth + "1" + "}" * depth).encode()


def long_line(megabytes: int = 50) -> bytes:
    """An ACLED header, then one line of ``megabytes`` MiB."""
    return b"event_id_cnty,event_date,actor1,notes\nX1,2024-07-27,A," + b"a" * (megabytes * MB) + b"\n"


def nul_bytes(megabytes: int = 50) -> bytes:
    return bytes(megabytes * MB)
