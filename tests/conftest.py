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
