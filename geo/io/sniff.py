"""What a file that is no event file looks like, from its first bytes, and what to do with it.

``describe(data)`` names the kind (a PDF, an old Excel workbook, a Word document, an image, a web page, an
archive of another kind, a file of zero bytes...) with one sentence of advice, for the message that refuses
it; ``None`` for what may be text, a workbook (.xlsx), a zip or GeoParquet, which the readers try.
"""

from __future__ import annotations

import io
import re
import zipfile

from ..i18n import N_

#: Leading bytes -> what it is and what to do, in one message each (so that each is translated whole).
MAGIC = (
    (b"%PDF", N_("this is a PDF document, not an event file: a PDF holds no table to read; load the data file "
                 "it was made from (ACLED and UCDP publish CSV and Excel files)")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", N_("this is an old Excel workbook (.xls) or another Office file: "
                                            "open it in Excel or LibreOffice, save it as Excel (.xlsx) or CSV "
                                            "(UTF-8), and load that")),
    (b"\x1f\x8b", N_("this is a gzip-compressed file (.gz): decompress it, or zip it (.zip), and load that")),
    (b"7z\xbc\xaf\x27\x1c", N_("this is a 7-Zip archive: extract the file inside, or zip it (.zip), and load that")),
    (b"Rar!\x1a\x07", N_("this is a RAR archive: extract the file inside, or zip it (.zip), and load that")),
    (b"BZh", N_("this is a bzip2-compressed file: decompress it, or zip it (.zip), and load that")),
    (b"\xfd7zXZ\x00", N_("this is an xz-compressed file: decompress it, or zip it (.zip), and load that")),
    (b"SQLite format 3\x00", N_("this is an SQLite database: export its events table as CSV and load that")),
    (b"\x89PNG", N_("this is an image, not an event file: load the data file itself")),
    (b"\xff\xd8\xff", N_("this is an image, not an event file: load the data file itself")),
    (b"GIF8", N_("this is an image, not an event file: load the data file itself")),
    (b"\x00\x00\x27\x0a", N_("this is a shapefile (.shp): its table is in the .dbf file; export the layer as CSV "
                              "or GeoJSON (QGIS: Export > Save Features As) and load that")),
)
#: Zip-based formats, told apart by a member only they have.
ZIP_KINDS = (
    ("word/document.xml", N_("this is a Word document (.docx), not an event file: load the data file itself, "
                             "or save its table as CSV")),
    ("ppt/presentation.xml", N_("this is a PowerPoint presentation, not an event file: load the data file "
                                "itself")),
    ("content.xml", N_("this is an OpenDocument file (.ods, .odt): open it in LibreOffice, save it as Excel "
                       "(.xlsx) or CSV (UTF-8), and load that")),
)
NUL_ONLY = N_("the file holds nothing but zero bytes (NUL): it was not saved or downloaded completely; download "
              "or export it again")
HTML_PAGE = N_("this is a web page (HTML), not an event file: the download saved a page (a login or an error?) "
               "instead of the data; download the file itself")
_HTML = re.compile(rb"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)


def describe(data: bytes) -> str | None:
    """What the file is and what to do, for a kind that is not an event file; else None."""
    head = data[:64]
    for magic, message in MAGIC:
        if head.startswith(magic):
            return message
    if not data[:8192].strip(b"\x00"):  # the whole file then, counted in C, not copied
        return NUL_ONLY if data.count(0) == len(data) else None
    if _HTML.match(data[:4096].lstrip(b"\xef\xbb\xbf")):
        return HTML_PAGE
    return None


def zip_kind(names: list[str]) -> str | None:
    """What an Office or OpenDocument file is and what to do, by its members' names."""
    for member, message in ZIP_KINDS:
        if member in names:
            return message
    return None


def is_zip(data: bytes) -> bool:
    return data[:4] in (b"PK\x03\x04", b"PK\x05\x06")


def is_workbook(names: list[str]) -> bool:
    """An Excel workbook (.xlsx, .xlsm): a zip with the main part of a workbook."""
    return "xl/workbook.xml" in names


def opens_as_zip(data: bytes) -> zipfile.ZipFile | None:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
