"""The API clients against a local server implementing ACLED's and UCDP's contracts: pages and their ends,
filters, tokens and their expiry, 429 with Retry-After, 500, a connection dropped mid-body, a page that
is not JSON, redirects and NextPageUrl to another host, a page over the size limit."""

from __future__ import annotations

import time

import pytest

from geo.bench.fakeapi import FakeApi, acled_record
from geo.errors import SyncError
from geo.sync.clients import AcledClient, Settings, UcdpClient, retry_after_seconds
from syncutil import api, fast  # noqa: F401 (a fixture)


def acled(api, **kw):
    return AcledClient(api.url, api.username, api.password, **fast(**kw))


def reads(api, path="/api/acled/read"):
    return [r for r in api.requests if r["path"] == path]


def test_acled_pages_until_a_short_one(api):
    with acled(api, page_size=50) as client:
        pages = list(client.events())
    assert [len(r) for _, r in pages] == [50, 50, 20]
    assert [r["params"]["page"] for r in reads(api)] == ["1", "2", "3"]
    assert all(r["params"]["limit"] == "50" and r["params"]["_format"] == "json" for r in reads(api))
    api.add_acled([acled_record(i) for i in range(120, 150)])  # 150: the third page is full, a fourth is empty
    api.requests.clear()
    with acled(api, page_size=50) as client:
        assert [len(r) for _, r in client.events()] == [50, 50, 50, 0]


def test_acled_login_and_filters(api):
    api.add_acled([acled_record(1000 + i, country="Burkina Faso") for i in range(5)])
    api.add_acled([acled_record(2000 + i, country="Niger") for i in range(5)])
    with acled(api) as client:
        rows = [r for _, page in client.events(countries=["Mali", "Niger"], since="2024-06-01", timestamp=1_700_000_000)
                for r in page]
    login = [r for r in api.requests if r["path"] == "/oauth/token"]
    assert len(login) == 1 and "grant_type=password" in login[0]["body"] and "client_id=acled" in login[0]["body"]
    params = reads(api)[0]["params"]
    assert params["country"] == "Mali:OR:Niger" and params["event_date_where"] == "BETWEEN"
    assert params["event_date"].startswith("2024-06-01|") and params["timestamp_where"] == ">="
    assert reads(api)[0]["headers"]["Authorization"].startswith("Bearer tok-")
    assert {r["country"] for r in rows} == {"Mali", "Niger"} and all(r["event_date"] >= "2024-06-01" for r in rows)


def test_an_expired_token_is_renewed_once_and_the_sync_goes_on(api):
    api.fault("acled", page=2, kind="expire")
    with acled(api, page_size=50) as client:
        assert sum(len(r) for _, r in client.events()) == 120
    grants = [r["body"] for r in api.requests if r["path"] == "/oauth/token"]
    assert len(grants) == 2 and "grant_type=refresh_token" in grants[1]
    assert [r["params"]["page"] for r in reads(api)] == ["1", "2", "2", "3"]


def test_a_token_refused_after_renewal_is_an_error(api):
    api.fault("acled", kind="expire", times=5)
    with acled(api) as client, pytest.raises(SyncError, match="ACLED events, page 1: the server refused the "
                                                           "credentials \\(HTTP 401\\), even after renewing"):
        list(client.events())


def test_429_retry_after_is_honoured_and_capped(api):
    api.fault("acled", page=1, kind="429", retry_after="1")
    with acled(api) as client:
        assert sum(len(r) for _, r in client.events()) == 120
    first, second = reads(api)[:2]
    assert second["at"] - first["at"] >= 0.95  # waited what the server asked
    api.requests.clear()
    api.fault("acled", page=1, kind="429", retry_after="86400")  # a day: capped
    with acled(api, retry_after_cap=0.3) as client:
        started = time.monotonic()
        list(client.events())
    assert time.monotonic() - started < 10
    assert retry_after_seconds("86400", 60) == 60 and retry_after_seconds("-5", 60) == 0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", 60) == 0 and retry_after_seconds("soon", 60) is None


def test_5xx_and_a_dropped_connection_are_retried_with_backoff(api):
    api.fault("acled", page=2, kind="500", times=2)
    api.fault("acled", page=3, kind="drop")
    with acled(api, page_size=50) as client:
        assert [len(r) for _, r in client.events()] == [50, 50, 20]
    assert [r["params"]["page"] for r in reads(api)] == ["1", "2", "2", "2", "3", "3"]


def test_a_server_that_keeps_failing_stops_the_sync(api):
    api.fault("acled", kind="500", times=100)
    with acled(api, attempts=3) as client, pytest.raises(SyncError, match=r"page 1: the server kept failing \(HTTP 500\)"):
        list(client.events())
    assert len(reads(api)) == 3


def test_a_page_that_is_not_json_names_the_page(api):
    api.fault("acled", page=2, kind="invalid")
    with acled(api, page_size=50) as client, pytest.raises(SyncError, match="ACLED events, page 2: the answer is "
                                                                          "not valid JSON"):
        list(client.events())


def test_a_page_over_the_size_limit_is_refused(api):
    with acled(api, max_page_bytes=10_000) as client, pytest.raises(SyncError, match="larger than the limit"):
        list(client.events())


def test_a_redirect_never_carries_the_token_to_another_host(api):
    other = FakeApi().start()
    try:
        other.add_acled([acled_record(i) for i in range(3)])
        api.redirect_to = other.url
        api.fault("acled", page=1, kind="redirect")
        with acled(api) as client, pytest.raises(SyncError, match="HTTP 401"):
            list(client.events())
        assert other.requests and all("Authorization" not in r["headers"] for r in other.requests)
    finally:
        other.stop()


def test_ucdp_pages_follow_next_page_url_with_the_token(api):
    with UcdpClient(api.url, api.ucdp_token, page_size=1000, **fast()) as client:
        pages = list(client.events("25.1"))
    assert [(p, t, len(r)) for p, t, r in pages] == [(1, 3, 1000), (2, 3, 1000), (3, 3, 500)]
    ged = reads(api, "/api/gedevents/25.1")
    assert [r["params"]["page"] for r in ged] == ["0", "1", "2"]
    assert all(r["headers"]["x-ucdp-access-token"] == api.ucdp_token for r in ged)


def test_ucdp_next_page_on_another_host_gets_no_token(api):
    other = FakeApi(ucdp_token=api.ucdp_token).start()
    try:
        other.ucdp["25.1"] = 2500
        api.next_host = other.url
        with UcdpClient(api.url, api.ucdp_token, **fast()) as client, pytest.raises(SyncError, match="HTTP 401"):
            list(client.events("25.1"))
        assert other.requests and all("x-ucdp-access-token" not in r["headers"] for r in other.requests)
    finally:
        other.stop()


def test_ucdp_refuses_a_wrong_token_and_a_bad_version(api):
    with UcdpClient(api.url, "wrong", **fast()) as client:
        with pytest.raises(SyncError, match="UCDP refused the token"):
            list(client.events("25.1"))
        with pytest.raises(SyncError, match="not a GED version"):
            list(client.events("../../etc"))


def test_settings_from_the_environment_hide_secrets():
    settings = Settings.from_env({"ACLED_USERNAME": "me", "ACLED_PASSWORD": "pw-123", "UCDP_TOKEN": "tok-456"})
    assert settings.acled_url == "https://acleddata.com" and settings.ucdp_url == "https://ucdpapi.pcr.uu.se"
    assert settings.has_credentials("acled") and settings.has_credentials("ucdp")
    assert "pw-123" not in repr(settings) and "tok-456" not in repr(settings)
    assert Settings.from_env({}, {"UCDP_TOKEN": "from-secrets"}).ucdp_token == "from-secrets"
    with pytest.raises(SyncError, match="not an http"):
        AcledClient("ftp://example.org", "a", "b")


def test_tls_certificates_are_verified():
    import ssl

    with UcdpClient("https://ucdp.example.org", "t") as client:
        context = client.http._transport._pool._ssl_context
        assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
