from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# imports are cached as GeoParquet (geo.io.cache): keep the tests' cache out of the user's
os.environ.setdefault("GEO_CACHE_DIR", tempfile.mkdtemp(prefix="geo-test-cache-"))

import geo

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: The raw Natural Earth input; present beside the repository for developers and CI,
#: absent for users (tests that need it skip).
NATURAL_EARTH = ROOT.parent / "shared" / "naturalearth"

#: Tinzawaten (Tinzaouaten), where the July 2024 battle was fought (Wikipedia).
TINZAWATEN = (19.943, 2.702)


@pytest.fixture(scope="session")
def layers():
    return geo.load_layers()


@pytest.fixture(scope="session")
def events():
    return geo.load_events()


@pytest.fixture(scope="session")
def claims():
    return geo.load_claims()


@pytest.fixture()
def small_events():
    return geo.load_events(FIXTURES / "events_small.csv")


@pytest.fixture()
def small_claims():
    return geo.load_claims(FIXTURES / "claims_small.csv")


# --- a real PostgreSQL + PostGIS server (Debian's postgresql-15, postgresql-15-postgis-3) ------------


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL server started for the test session (initdb + pg_ctl in a temporary folder,
    a free local port; as the postgres user when run as root), stopped at the end."""
    from geo.db.pgserver import TempPostgres, missing_binaries

    reason = missing_binaries()
    if reason:
        if os.environ.get("CI"):  # .ci/run installs them: there, a missing server is a failure
            raise RuntimeError("CI must run the database tests: " + reason)
        pytest.skip(reason)
    server = TempPostgres().start()
    yield server
    server.stop()


@pytest.fixture()
def pg_url(pg_server, request):
    """The URL of a new, empty database (PostGIS installed, the schema not yet created) for one test."""
    import re
    import uuid

    name = "t_" + re.sub(r"\W", "_", request.node.name.lower())[:40] + "_" + uuid.uuid4().hex[:6]
    return pg_server.create_database(name)
