"""Database addresses: whether a source is a PostGIS URL, the URL with its password hidden, and plain
messages for the server's errors that never carry the password.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


from ..i18n import N_
from .sql import _EPOCH, _MAX_LAT, _PARSE, _arrow_column, _copy, _copy_out, _frame, _from_pixels, _hashed, _with_rejected, add_period_type_region, cells_from_counts, filter_sql  # noqa: F401


URL_SCHEMES = ("postgresql://", "postgres://")


def is_database_url(source) -> bool:
    return isinstance(source, str) and source.strip().lower().startswith(URL_SCHEMES)


def safe_url(url: str) -> str:
    """``url`` with its password replaced by ``***`` (for messages and labels)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<database URL>"
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def _password(url: str) -> str | None:
    try:
        return urlsplit(url).password
    except ValueError:
        return None


def _message(exc: Exception, url: str) -> str:
    """A one-line, password-free explanation of a driver error."""
    import psycopg
    from psycopg import errors as pgerr

    text = " ".join(str(exc).split())
    secret = _password(url)
    if secret:
        text = text.replace(secret, "***")
    where = safe_url(url)
    # English templates of the catalogue: the dashboard and the CLI say them in the user's language
    # (geo.errors.localized_error); where and the driver's own text stay as they are
    if isinstance(exc, pgerr.UndefinedTable):
        return N_("{where}: the database has no events table yet; create it with "
                  "`python -m geo db init --db URL` ({detail})").format(where=where, detail=text)
    if isinstance(exc, psycopg.OperationalError):
        low = text.lower()
        if "password authentication failed" in low or "no password supplied" in low:
            return N_("{where}: the database refused the user name or password").format(where=where)
        if "does not exist" in low:
            return f"{where}: {text.split('FATAL:')[-1].strip()}"
        if "connection refused" in low or "could not connect" in low or "connection failed" in low:
            return N_("{where}: cannot reach the database server (is it running, and is the address "
                      "right?)").format(where=where)
        state = getattr(exc, "sqlstate", None) or ""
        if not state or state.startswith(("08", "57P")):  # client side, connection or shutdown classes
            return N_("{where}: lost the connection to the database ({detail})").format(where=where, detail=text)
    return f"{where}: {type(exc).__name__}: {text}"
