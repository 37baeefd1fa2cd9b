"""The exceptions that geo raises: all are ``ValueError`` subclasses."""

from __future__ import annotations


class GeoError(ValueError):
    """Base class of every error geo raises on purpose."""


class DataError(GeoError):
    """A data file is unreadable or a value in it is invalid.

    The message names the file, and where known the row and the field, so a user
    can find and fix the value. ``row`` counts data rows from 1 (the header is
    not a row).
    """

    def __init__(self, message: str, *, path: str | None = None, row: int | None = None,
                 field: str | None = None) -> None:
        self.path = path
        self.row = row
        self.field = field
        self.message = message
        where = ", ".join(
            part
            for part in (
                str(path) if path is not None else None,
                f"row {row}" if row is not None else None,
                f"field '{field}'" if field is not None else None,
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)


def localized_error(exc: BaseException) -> str:
    """An error's message in the language in use (``geo.i18n``): where (file, row, field) and what, for
    the messages the catalogue knows; the file's own text (names, values) as it is."""
    from .i18n import _, retranslate

    if isinstance(exc, DataError) and getattr(exc, "message", None) is not None:
        where = ", ".join(part for part in (
            str(exc.path) if exc.path is not None else None,
            _("row {row}").format(row=exc.row) if exc.row is not None else None,
            _("field '{field}'").format(field=exc.field) if exc.field is not None else None,
        ) if part)
        what = retranslate(exc.message)
        return f"{where}: {what}" if where else what
    return retranslate(str(exc))


class FilterError(GeoError):
    """An ``EventFilter`` was given values that cannot be a filter."""


class ImportFormatError(DataError):
    """A file given to ``read_events`` is empty, binary, unreadable or in none of the known formats.

    The message names the file and says what was expected. Problems with single rows
    are not raised: ``read_events`` rejects those rows and lists them in its report.
    """


class DatabaseError(GeoError):
    """A PostGIS data source cannot be used: a wrong URL, a refused password, a missing table,
    a server that is gone. The message says which database (its URL without the password) and
    what to do; it never contains the password."""


class MatchError(GeoError):
    """Data sets that cannot be matched (``geo.match_events``): a data set without ids or with
    empty or duplicate ones, a data set given twice or matched with itself, bad windows."""


class SyncError(GeoError):
    """A sync from ACLED's or UCDP's API could not complete (``geo.sync``): refused credentials, a
    server that keeps failing, a page that is not JSON (named), a store that cannot be written. The
    local store (or the database) is left as it was after the last complete sync. The message never
    holds a password or a token."""


class AnimationError(GeoError):
    """An animated map that cannot be made (``geo.static.animate``): an empty range, a range of one
    period, more frames than ``geo.static.animplan.MAX_FRAMES``, a bad size or frame rate, an output that
    cannot be written. The message says what to change."""
