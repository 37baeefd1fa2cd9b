"""Zip archives read without trusting them: one data file out of a ``.zip``, and the parts of a workbook.

- **Declared sizes first**: an archive whose members declare more than ``GEO_MAX_UNPACKED_MB`` (1 GB)
  unpacked, or more than ``GEO_MAX_UNPACK_RATIO`` (100) times the archive's own size (any archive may unpack
  to 10 MB), is refused before a byte is inflated.
- **Never trusted**: a member is inflated in a stream, 1 MB at a time, counted, and dropped the moment it
  passes what it declared or the limit (a zip bomb that lies about its size stops there; ``zipfile`` checks
  the CRC at the end).
- **Nothing is written to disk**: members are read into memory; a member's name (``../../etc/x``) only ever
  names it in a message, by its last part.
- **No nested archives**: a zip inside the zip is not opened; neither is a gzip, 7-Zip or RAR file.
- **One data file**: an archive of several data files (CSV, JSON, GeoJSON, Parquet, Excel) is refused, saying
  which; other files beside the one (a codebook PDF, a README) are left aside, and the report says so.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import PurePosixPath

from ..errors import ImportFormatError
from ..i18n import N_
from .limits import MB, limit, size_text
from .sniff import zip_kind

CHUNK = MB
#: Any archive may unpack to this much, whatever its ratio.
RATIO_FLOOR = 10 * MB
DATA_SUFFIXES = {".csv", ".tsv", ".json", ".geojson", ".parquet", ".geoparquet", ".xlsx", ".xlsm"}
ARCHIVE_SUFFIXES = {".zip", ".gz", ".tgz", ".7z", ".rar", ".tar", ".bz2", ".xz", ".zst"}
_NESTED_MAGIC = (b"PK\x03\x04", b"\x1f\x8b", b"7z\xbc\xaf\x27\x1c", b"Rar!", b"BZh", b"\xfd7zXZ")


def open_zip(data: bytes, label: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise ImportFormatError(N_("a damaged zip archive ({reason}): download it again").format(
            reason=" ".join(str(exc).split())[:120]), path=label) from None


def short_name(member: str) -> str:
    """A member's name as messages show it: its last part only (never a path to follow)."""
    return PurePosixPath(member.replace("\\", "/")).name[:120] or "?"


def check_declared(zf: zipfile.ZipFile, size: int, label: str) -> int:
    """What the members declare, checked against the limits before anything is inflated; the
    unpacked size allowed."""
    declared = sum(max(i.file_size, 0) for i in zf.infolist())
    allowed = min(limit("unpacked_bytes"), max(size * limit("unpack_ratio"), RATIO_FLOOR))
    if declared > allowed:
        raise ImportFormatError(N_("the archive unpacks to {declared} ({ratio} times its size); at most {limit} are "
                                   "read (GEO_MAX_UNPACKED_MB, GEO_MAX_UNPACK_RATIO): a zip bomb, or unzip it "
                                   "and load the file itself").format(
            declared=size_text(declared), ratio=f"{declared / max(size, 1):,.0f}", limit=size_text(allowed)),
            path=label)
    return allowed


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, label: str, budget: int, *, sniff: bool = True,
                sink=None) -> bytes:
    """A member inflated in a stream and counted: refused past what it declared or ``budget``. ``sniff``:
    refuse at the first MB a member that is an archive or holds only zero bytes. ``sink(chunk)`` sees
    each chunk as it comes (and nothing is kept)."""
    name = short_name(info.filename)
    most = min(info.file_size, budget)
    parts, total = [], 0
    try:
        with zf.open(info) as stream:
            while True:
                chunk = stream.read(CHUNK)
                if not chunk:
                    break
                total += len(chunk)
                if total > most:
                    raise ImportFormatError(N_("{member} in the archive unpacks to more than it declares ({size}): "
                                               "a zip bomb, or a damaged archive").format(
                        member=name, size=size_text(info.file_size)), path=label)
                if sniff and not parts:
                    _sniff_member(chunk, name, label)
                if sink is not None:
                    sink(chunk)
                else:
                    parts.append(chunk)
    except zipfile.BadZipFile as exc:
        raise ImportFormatError(N_("{member} in the archive is damaged ({reason}): download it again").format(
            member=name, reason=" ".join(str(exc).split())[:120]), path=label) from None
    except (zlib.error, EOFError, OSError) as exc:
        raise ImportFormatError(N_("{member} in the archive is damaged ({reason}): download it again").format(
            member=name, reason=" ".join(str(exc).split())[:120]), path=label) from None
    except (NotImplementedError, RuntimeError) as exc:  # an unsupported method (deflate64, ...), a password
        raise ImportFormatError(N_("{member} in the archive cannot be read ({reason}): unzip it and load the file "
                                   "itself").format(member=name, reason=" ".join(str(exc).split())[:120]),
                                path=label) from None
    return b"".join(parts)


def _sniff_member(chunk: bytes, name: str, label: str) -> None:
    if chunk.startswith(_NESTED_MAGIC) and not name.lower().endswith((".xlsx", ".xlsm")):
        raise ImportFormatError(N_("the archive holds another archive ({member}), which is not opened: unzip both "
                                   "and load the data file itself").format(member=name), path=label)
    if not chunk[:8192].strip(b"\x00") and not chunk.strip(b"\x00"):
        raise ImportFormatError(N_("{member} in the archive holds nothing but zero bytes (NUL): download it "
                                   "again").format(member=name), path=label)


def _ignored(member: str) -> bool:
    parts = PurePosixPath(member.replace("\\", "/")).parts
    return (not parts or parts[0] == "__MACOSX" or parts[-1].startswith(".")
            or parts[-1].lower() in ("thumbs.db", "desktop.ini"))


def unzip_one(data: bytes, label: str) -> tuple[bytes, list[str]]:
    """The one data file of a zip archive (bytes), and the report's notes on what was read and left aside."""
    zf = open_zip(data, label)
    infos = [i for i in zf.infolist() if not i.is_dir() and not _ignored(i.filename)]
    kind = zip_kind([i.filename for i in zf.infolist()])
    if kind:
        raise ImportFormatError(kind, path=label)
    suffix = {i.filename: PurePosixPath(i.filename.lower()).suffix for i in infos}
    found = [i for i in infos if suffix[i.filename] in DATA_SUFFIXES]
    nested = [i for i in infos if suffix[i.filename] in ARCHIVE_SUFFIXES]
    if len(found) > 1:
        names = ", ".join(short_name(i.filename) for i in found[:6]) + (", ..." if len(found) > 6 else "")
        raise ImportFormatError(N_("the archive holds {count} data files ({names}); one is read from an archive: "
                                   "unzip it and load them (several at once are loaded as several data "
                                   "sets)").format(count=len(found), names=names), path=label)
    if not found:
        if nested:
            raise ImportFormatError(N_("the archive holds another archive ({member}), which is not opened: unzip "
                                       "both and load the data file itself").format(
                member=short_name(nested[0].filename)), path=label)
        names = ", ".join(short_name(i.filename) for i in infos[:6]) or "-"
        raise ImportFormatError(N_("the archive holds no data file (CSV, JSON, GeoJSON, Parquet or Excel); it holds: "
                                   "{names}").format(names=names), path=label)
    allowed = check_declared(zf, len(data), label)
    member = found[0]
    content = read_member(zf, member, label, allowed)
    notes = [N_("read {member} from the archive").format(member=short_name(member.filename))]
    others = [short_name(i.filename) for i in infos if i is not member]
    if others:
        notes.append(N_("left aside in the archive: {names}").format(
            names=", ".join(others[:6]) + (", ..." if len(others) > 6 else "")))
    return content, notes

