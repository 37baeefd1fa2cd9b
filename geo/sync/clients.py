"""HTTP clients of ACLED's and UCDP's APIs: one object per source, with its base URL, its credentials,
its timeouts and its retries.

- **Retries** are declared with stamina (exponential backoff with jitter): a 5xx answer, a dropped
  connection (also in the middle of a body), a timeout. A 429 or 503 with ``Retry-After`` waits what the
  server asks, capped (``retry_after_cap``, 60 s by default): an answer is untrusted.
- **Tokens**: ACLED's OAuth password grant (``POST {ACLED}/oauth/token``) on first use; a 401 renews the
  token once (the refresh grant, else a new login) and the request goes on; a second 401 is an error.
  UCDP's token goes in ``x-ucdp-access-token``.
- **Untrusted answers**: a page is read in a stream and refused past ``max_page_bytes`` (256 MB by
  default); redirects are followed by hand, at most 5, and a credential is sent only to the base URL's
  own origin (scheme, host and port), never to another host, a redirect's or UCDP's ``NextPageUrl``'s;
  TLS certificates are always verified.
- **Secrets**: a password or a token is never put in a message, a log line or a URL.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import httpx
import stamina

from ..errors import SyncError
from ..i18n import N_
from ..io.apijson import parse_page

log = logging.getLogger("geo.sync")

ACLED_URL = "https://acleddata.com"
UCDP_URL = "https://ucdpapi.pcr.uu.se"
MAX_REDIRECTS = 5
USER_AGENT = "geo-conflict-map-sync/1"


@dataclass(frozen=True)
class Settings:
    """Where the APIs are and the credentials, from the environment (or Streamlit's secrets, given as a dict).

    ``ACLED_API_URL``, ``UCDP_API_URL`` (default: the public APIs), ``ACLED_USERNAME``,
    ``ACLED_PASSWORD``, ``UCDP_TOKEN``. The secrets are kept out of ``repr``.
    """

    acled_url: str = ACLED_URL
    ucdp_url: str = UCDP_URL
    acled_username: str = field(default="", repr=False)
    acled_password: str = field(default="", repr=False)
    ucdp_token: str = field(default="", repr=False)

    @classmethod
    def from_env(cls, env=None, secrets: dict | None = None) -> Settings:
        env = os.environ if env is None else env
        secrets = secrets or {}

        def get(name: str, default: str = "") -> str:
            return str(env.get(name) or secrets.get(name) or secrets.get(name.lower()) or default).strip()
        return cls(get("ACLED_API_URL", ACLED_URL).rstrip("/"), get("UCDP_API_URL", UCDP_URL).rstrip("/"),
                   get("ACLED_USERNAME"), get("ACLED_PASSWORD"), get("UCDP_TOKEN"))

    def has_credentials(self, source: str) -> bool:
        return bool(self.acled_username and self.acled_password) if source == "acled" else bool(self.ucdp_token)


def public_url(url: str) -> str:
    """A URL without any user:password part (for messages)."""
    try:
        parts = urlsplit(str(url))
        host = parts.hostname or ""
        netloc = host + (f":{parts.port}" if parts.port else "")
        return urlunsplit(parts._replace(netloc=netloc))
    except ValueError:
        return "<URL>"


def origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(str(url))
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


class _RetryAfter(Exception):
    """A 429 (or 503) that says when to come back."""

    def __init__(self, seconds: float, status: int):
        super().__init__(f"HTTP {status}, retry after {seconds:g} s")
        self.seconds, self.status = seconds, status


class _ServerError(Exception):
    """A 5xx answer: worth trying again."""

    def __init__(self, status: int):
        super().__init__(f"HTTP {status}")
        self.status = status


class _Unauthorized(Exception):
    """A 401: the token expired or was refused."""


def retry_after_seconds(value: str | None, cap: float) -> float | None:
    """``Retry-After`` (seconds or an HTTP date) as seconds within 0..cap; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.timezone.utc)
        seconds = (when - dt.datetime.now(dt.timezone.utc)).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return max(0.0, min(seconds, cap))


class ApiClient:
    """The shared machinery: one ``httpx.Client`` (TLS verified, no automatic redirects), retries,
    a page read in a stream with a size limit. Subclasses give ``credentials()`` and ``renew()``."""

    name = "API"

    def __init__(self, base_url: str, *, timeout: float = 60.0, max_page_bytes: int = 256 * 2**20,
                 retry_after_cap: float = 60.0, attempts: int = 8, wait_initial: float = 1.0,
                 wait_max: float = 60.0, retry_timeout: float = 900.0, transport: httpx.BaseTransport | None = None):
        if urlsplit(base_url).scheme not in ("http", "https"):
            raise SyncError(N_("{name}: the API address {url} is not an http(s) URL").format(
                name=self.name, url=repr(public_url(base_url))))
        self.base_url = base_url.rstrip("/")
        self.origin = origin(self.base_url)
        self.max_page_bytes = int(max_page_bytes)
        self.retry_after_cap = float(retry_after_cap)
        self.http = httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 20.0)), verify=True,
                                 follow_redirects=False, transport=transport, headers={"User-Agent": USER_AGENT})
        self.retries = stamina.RetryingCaller(attempts=attempts, timeout=retry_timeout, wait_initial=wait_initial,
                                              wait_max=wait_max, wait_jitter=min(1.0, wait_initial))
        self.requests = 0  # HTTP requests sent (retries and redirects included)

    def close(self) -> None:
        self.http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- what subclasses say ----------------------------------------------------------------------

    def credentials(self) -> dict[str, str]:
        return {}

    def renew(self) -> None:
        raise _Unauthorized()

    # -- requests ---------------------------------------------------------------------------------

    def _backoff(self, exc: BaseException):
        """stamina's hook: True to retry with backoff, a number of seconds to wait exactly that, False to stop."""
        if isinstance(exc, _RetryAfter):
            log.warning("%s: %s", self.name, exc)
            return exc.seconds
        if isinstance(exc, (_ServerError, httpx.TransportError)):
            log.warning("%s: %s, retrying", self.name, type(exc).__name__ if isinstance(exc, httpx.TransportError)
                        else exc)
            return True
        return False

    def get_json(self, url: str, params: dict | None, *, what: str):
        """The JSON of a GET (retried as declared; a 401 renews the credentials once). ``what`` names the
        page in messages ("ACLED events, page 3")."""
        renewed = False
        while True:
            try:
                body = self.retries(self._backoff, self._fetch, url, params, what)
                break
            except _Unauthorized:
                if renewed:
                    raise SyncError(N_("{what}: the server refused the credentials (HTTP 401), even after "
                                       "renewing them").format(what=what)) from None
                log.info("%s: HTTP 401, renewing the token", self.name)
                self.renew()
                renewed = True
            except _RetryAfter as exc:
                raise SyncError(N_("{what}: the server kept asking to wait (HTTP {status}); try later").format(
                    what=what, status=exc.status)) from None
            except _ServerError as exc:
                raise SyncError(N_("{what}: the server kept failing (HTTP {status})").format(
                    what=what, status=exc.status)) from None
            except httpx.TransportError as exc:
                raise SyncError(N_("{what}: the server could not be reached or dropped the connection "
                                   "({reason})").format(what=what, reason=type(exc).__name__)) from None
        try:
            return parse_page(body)
        except (ValueError, RecursionError):
            raise SyncError(N_("{what}: the answer is not valid JSON ({size} bytes from {url})").format(
                what=what, size=len(body), url=public_url(url))) from None

    def _fetch(self, url: str, params: dict | None, what: str) -> bytes:
        """One attempt: the body of a 2xx answer, following redirects by hand."""
        for _hop in range(MAX_REDIRECTS + 1):
            same = origin(url) == self.origin
            headers = self.credentials() if same else {}  # a credential never leaves the API's origin
            self.requests += 1
            with self.http.stream("GET", url, params=params, headers=headers) as response:
                status = response.status_code
                if response.is_redirect and "location" in response.headers:
                    url, params = str(response.url.join(response.headers["location"])), None
                    continue
                if status == 401 and same:
                    raise _Unauthorized()
                if status in (429, 503):
                    wait = retry_after_seconds(response.headers.get("retry-after"), self.retry_after_cap)
                    if wait is not None:
                        raise _RetryAfter(wait, status)
                if status >= 500 or status == 429:
                    raise _ServerError(status)
                if status >= 400:
                    raise SyncError(N_("{what}: the server answered HTTP {status} ({url})").format(
                        what=what, status=status, url=public_url(str(response.url).split("?")[0])))
                return self._read_body(response, what)
        raise SyncError(N_("{what}: more than {count} redirects").format(what=what, count=MAX_REDIRECTS))

    def _read_body(self, response: httpx.Response, what: str) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_page_bytes:
            raise SyncError(N_("{what}: the page is larger than the limit of {limit} MB").format(
                what=what, limit=self.max_page_bytes // 2**20))
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.max_page_bytes:
                raise SyncError(N_("{what}: the page is larger than the limit of {limit} MB").format(
                    what=what, limit=self.max_page_bytes // 2**20))
            chunks.append(chunk)
        return b"".join(chunks)


class AcledClient(ApiClient):
    """ACLED's API: OAuth password grant, then ``/api/acled/read`` and ``/api/deleted/read`` by pages."""

    name = "ACLED"

    def __init__(self, base_url: str, username: str, password: str, *, page_size: int = 5000, **kw):
        super().__init__(base_url, **kw)
        if not (username and password):
            raise SyncError(N_("ACLED: no credentials; set ACLED_USERNAME and ACLED_PASSWORD"))
        self._username, self._password = username, password
        self.page_size = int(page_size)
        self._token: str | None = None
        self._refresh: str | None = None
        self._expires = 0.0

    def credentials(self) -> dict[str, str]:
        if self._token is None or time.monotonic() >= self._expires:
            self.renew() if self._refresh else self._login()
        return {"Authorization": f"Bearer {self._token}"}

    def _login(self) -> None:
        self._grant({"username": self._username, "password": self._password, "grant_type": "password",
                     "client_id": "acled", "scope": "authenticated"}, login=True)

    def renew(self) -> None:
        if self._refresh:
            try:
                self._grant({"grant_type": "refresh_token", "refresh_token": self._refresh, "client_id": "acled"},
                            login=False)
                return
            except SyncError:
                self._refresh = None  # the refresh token expired too: log in again
        self._login()

    def _grant(self, form: dict, *, login: bool) -> None:
        url = f"{self.base_url}/oauth/token"

        def post() -> httpx.Response:
            self.requests += 1
            response = self.http.post(url, data=form)
            if response.status_code >= 500 or response.status_code == 429:
                raise _ServerError(response.status_code)
            return response

        try:
            response = self.retries(self._backoff, post)
        except (_ServerError, httpx.TransportError) as exc:
            raise SyncError(N_("ACLED: the login server could not be reached ({reason})").format(
                reason=type(exc).__name__ if isinstance(exc, httpx.TransportError) else exc)) from None
        if response.status_code in (400, 401, 403):
            raise SyncError(N_("ACLED refused the login (HTTP {status}): check ACLED_USERNAME and "
                               "ACLED_PASSWORD").format(status=response.status_code) if login else
                            N_("ACLED refused to renew the token (HTTP {status})").format(
                                status=response.status_code))
        try:
            doc = response.json()
            token = doc["access_token"]
            if not isinstance(token, str) or not token:
                raise KeyError("access_token")
        except (ValueError, KeyError, TypeError):
            raise SyncError(N_("ACLED: the login answer holds no token (HTTP {status})").format(
                status=response.status_code)) from None
        self._token = token
        refresh = doc.get("refresh_token")
        self._refresh = refresh if isinstance(refresh, str) and refresh else self._refresh
        try:
            lifetime = float(doc.get("expires_in") or 86400)
        except (TypeError, ValueError):
            lifetime = 86400.0
        self._expires = time.monotonic() + max(1.0, lifetime - 30.0)  # renew a little before it expires

    def pages(self, path: str, params: dict, what: str) -> Iterator[tuple[int, list]]:
        """(page number, records) of one of ACLED's read endpoints, until a page shorter than the limit."""
        page = 1
        while True:
            doc = self.get_json(f"{self.base_url}{path}", {**params, "_format": "json", "limit": self.page_size,
                                                           "page": page}, what=f"{what}, page {page}")
            if not isinstance(doc, dict):
                raise SyncError(N_("{what}: the answer is not ACLED's (no data list)").format(
                    what=f"{what}, page {page}"))
            if doc.get("success") is False or not isinstance(doc.get("data"), list):
                said = doc.get("error") or doc.get("message") or doc.get("status")
                raise SyncError(N_("{what}: ACLED answered with an error ({reason})").format(
                    what=f"{what}, page {page}", reason=str(said)[:200]))
            records = doc["data"]
            yield page, records
            if len(records) < self.page_size:
                return
            page += 1

    def events(self, *, countries: list[str] | tuple[str, ...] = (), since: str | None = None,
               timestamp: int | None = None) -> Iterator[tuple[int, list]]:
        """Pages of events: of ``countries``, dated from ``since`` (YYYY-MM-DD), added or revised at or after
        ``timestamp`` (UNIX seconds)."""
        params: dict = {}
        if countries:
            params["country"] = ":OR:".join(countries)
        if since:
            params["event_date"] = f"{since}|{dt.date.today() + dt.timedelta(days=1)}"
            params["event_date_where"] = "BETWEEN"
        if timestamp:
            params.update(timestamp=int(timestamp), timestamp_where=">=")
        return self.pages("/api/acled/read", params, "ACLED events")

    def deleted(self, *, since: int) -> Iterator[tuple[int, list]]:
        """Pages of deletions (``event_id_cnty``, ``deleted_timestamp``) at or after ``since`` (UNIX seconds)."""
        return self.pages("/api/deleted/read", {"deleted_timestamp": int(since), "deleted_timestamp_where": ">="},
                          "ACLED deletions")


VERSION = re.compile(r"\d{1,3}\.\d{1,3}(?:\.\d{1,3})?")


class UcdpClient(ApiClient):
    """UCDP's API: ``/api/gedevents/{version}`` by pages, following ``NextPageUrl``."""

    name = "UCDP"

    def __init__(self, base_url: str, token: str, *, page_size: int = 1000, **kw):
        super().__init__(base_url, **kw)
        self._token = token
        self.page_size = int(page_size)

    def credentials(self) -> dict[str, str]:
        return {"x-ucdp-access-token": self._token} if self._token else {}

    def renew(self) -> None:
        raise SyncError(N_("UCDP refused the token (HTTP 401): check UCDP_TOKEN"))

    def events(self, version: str) -> Iterator[tuple[int, int | None, list]]:
        """(page number, total pages, records) of a GED version ("25.1", "25.0.10")."""
        if not VERSION.fullmatch(str(version)):
            raise SyncError(N_("UCDP: '{version}' is not a GED version (such as 25.1 or 25.0.10)").format(
                version=str(version)[:40]))
        url, params = f"{self.base_url}/api/gedevents/{version}", {"pagesize": self.page_size, "page": 0}
        seen, page = set(), 0
        while url:
            what = f"UCDP GED {version}, page {page + 1}"
            doc = self.get_json(url, params, what=what)
            if not isinstance(doc, dict) or not isinstance(doc.get("Result"), list):
                raise SyncError(N_("{what}: the answer is not UCDP's (no Result list)").format(what=what))
            total = doc.get("TotalPages")
            total = int(total) if isinstance(total, (int, float)) or str(total).isdigit() else None
            page += 1
            yield page, total, doc["Result"]
            following = doc.get("NextPageUrl")
            if not following or not isinstance(following, str) or not doc["Result"]:
                return
            url, params = str(httpx.URL(url).join(following)), None
            if url in seen or (total is not None and page > total + 1):
                raise SyncError(N_("{what}: the server's next page goes round in circles").format(what=what))
            seen.add(url)
