"""Shared by the sync tests: a local fake of ACLED's and UCDP's APIs (``geo.bench.fakeapi``), never the internet."""

from __future__ import annotations

import pytest

from geo.bench.fakeapi import FakeApi, acled_record


@pytest.fixture()
def api():
    server = FakeApi(token_lifetime=3600).start()
    server.add_acled([acled_record(i) for i in range(120)])
    server.ucdp["25.1"] = 2500
    yield server
    server.stop()


@pytest.fixture()
def env(api, monkeypatch):
    """The settings the command line reads, pointing at the fake server."""
    values = {"ACLED_API_URL": api.url, "UCDP_API_URL": api.url, "ACLED_USERNAME": api.username,
              "ACLED_PASSWORD": api.password, "UCDP_TOKEN": api.ucdp_token}
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    return values


def fast(**kw):
    """Client options for tests: short backoffs."""
    return {"wait_initial": 0.01, "wait_max": 0.05, "retry_after_cap": 2.0, **kw}
