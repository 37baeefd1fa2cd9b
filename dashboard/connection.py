"""``st.connection`` for a PostGIS database of events.

In ``.streamlit/secrets.toml`` (see ``secrets.toml.example``; never commit the real file)::

    [connections.events]
    url = "postgresql://analyst:password@db.example.org:5432/conflict"
    check_every = 3   # seconds between looks for new events (optional)

then ``st.connection("events", type=EventsConnection)`` gives a ``geo.sources.dataset.LiveDataset``,
one per server process, shared by every session. ``--data postgresql://…`` and
``GEO_EVENTS=postgresql://…`` go through the same connection, with the URL as a keyword.
"""

from __future__ import annotations

import gc

from streamlit.connections import BaseConnection

from geo.sources.dataset import LiveDataset


class EventsConnection(BaseConnection[LiveDataset]):
    """A live data set of a PostGIS database (``geo.sources.dataset.LiveDataset``)."""

    def _connect(self, **kwargs) -> LiveDataset:
        url = kwargs.pop("url", None) or self._secrets.get("url")
        if not url:
            raise ValueError("no database URL: set url under [connections.events] in .streamlit/secrets.toml")
        check_every = float(kwargs.pop("check_every", None) or self._secrets.get("check_every", 3))
        # the dashboard asks the database for each view (geo.db.pushdown): it never holds the events
        return LiveDataset(str(url), check_every=check_every, settle=_settled, pushdown=True, **kwargs)

    @property
    def data(self) -> LiveDataset:
        return self._instance


def _settled(data):
    """Each data set read, out of the garbage collector's full passes (as app.settled does for files)."""
    gc.collect()
    gc.freeze()
    return data


def secrets_section() -> dict:
    """[connections.events] of .streamlit/secrets.toml ({} when there is none)."""
    import streamlit as st

    try:
        section = st.secrets.get("connections", {}).get("events", {})
        return dict(section) if hasattr(section, "keys") else {}
    except Exception:  # noqa: BLE001 - no secrets file, or an unreadable one: no database configured
        return {}


def secrets_url() -> str | None:
    """The URL under [connections.events] in .streamlit/secrets.toml, if there is one."""
    url = secrets_section().get("url")
    return str(url) if url else None
