"""A local stand-in for ACLED's and UCDP's APIs, for the tests and the sync benchmark (never the internet).

It implements both contracts of the live-data issue: ACLED's OAuth token endpoint (password and refresh
grants, tokens that expire), ``/api/acled/read`` (``country`` joined by ``:OR:``, ``event_date`` BETWEEN,
``timestamp >=``, ``limit``/``page``) and ``/api/deleted/read``; UCDP's ``/api/gedevents/{version}``
(``pagesize``/``page``, ``NextPageUrl``, ``x-ucdp-access-token``). Faults are scripted per request:
``server.fault("acled", page=2, kind="429")`` with kinds ``429`` (Retry-After), ``500``, ``drop`` (the
connection closed in the middle of the body), ``invalid`` (not JSON), ``expire`` (the token expires:
401), ``stall`` (the answer waits until ``server.release()``) and ``redirect`` (to another host's URL,
``redirect_to``).

    python -m geo.bench.fakeapi --ucdp-events 400000   # prints the port, serves until killed
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from ..io.formats import ACLED_COLUMNS, UCDP_COLUMNS

PLACES = [("Kidal", "Tinzaouatene", 19.943, 2.702), ("Gao", "Gao", 16.27, -0.04), ("Timbuktu", "Ber", 16.4, -3.8),
          ("Mopti", "Boni", 15.03, -1.99), ("Menaka", "Menaka", 15.92, 2.4), ("Segou", "Diabaly", 14.69, -6.02)]
ACTORS = ["JNIM: Jama'at Nasr al-Islam wal Muslimin", "Military Forces of Mali (2021-)", "Wagner Group",
          "CSP-DPA", "Islamic State (Sahel)", "Civilians (Mali)"]


def acled_record(i: int, *, country: str = "Mali", timestamp: int = 1_700_000_000, day: int | None = None) -> dict:
    """A synthetic ACLED API row (every value a string), numbered ``i``."""
    admin1, location, lat, lon = PLACES[i % len(PLACES)]
    date = f"2024-{1 + (day if day is not None else i) % 12:02d}-{1 + (i * 7) % 28:02d}"
    row = dict.fromkeys(ACLED_COLUMNS, "")
    row.update(event_id_cnty=f"{country[:3].upper()}{i}", event_date=date, year=date[:4], time_precision="1",
               disorder_type="Political violence", event_type="Battles", sub_event_type="Armed clash",
               actor1=ACTORS[i % 5], actor2=ACTORS[(i + 1) % 6], inter1="Rebel group", inter2="State forces",
               iso="466", region="Western Africa", country=country, admin1=admin1, location=location,
               latitude=f"{lat + (i % 10) * 0.01:.4f}", longitude=f"{lon:.4f}", geo_precision="1",
               source="Test wire", source_scale="National", notes=f"Synthetic event {i} near {location}.",
               fatalities=str(i % 7), timestamp=str(timestamp))
    return row


def ucdp_record(i: int, version: str = "25.1") -> dict:
    """A synthetic UCDP GED API row (numbers as JSON numbers), numbered ``i``."""
    admin1, location, lat, lon = PLACES[i % len(PLACES)]
    best = i % 9
    row = dict.fromkeys(UCDP_COLUMNS)
    row.update(id=i + 1, relid=f"MLI-2024-1-{i}", year=2024, active_year=1, code_status="Clear",
               type_of_violence=1 + i % 3, conflict_dset_id=430, conflict_new_id=430, conflict_name="Mali: Government",
               dyad_dset_id=15087, dyad_new_id=15087, dyad_name="Government of Mali - JNIM", side_a="Government of Mali",
               side_b="JNIM", number_of_sources=1, source_article="Synthetic", source_office="Test wire",
               source_headline=f"Synthetic headline {i}", where_prec=1, where_coordinates=f"{location} town",
               where_description=f"{location}, {admin1}", adm_1=f"{admin1} region", latitude=lat + (i % 10) * 0.01,
               longitude=lon, geom_wkt=f"POINT ({lon} {lat})", country="Mali", country_id=432, region="Africa",
               event_clarity=1, date_prec=1, date_start=f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T00:00:00",
               date_end=f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T00:00:00", deaths_a=best, deaths_b=0,
               deaths_civilians=0, deaths_unknown=0, best=best, high=best + 2, low=best, gwnoa=432, gwnob=None)
    return row


def _ucdp_template() -> str:
    """One JSON row of ``ucdp_record`` with ``{}`` fields where rows differ: pages of hundreds of thousands of
    synthetic rows are written by ``str.format``, so the fake server is not what a benchmark measures."""
    varying = {"id": 0, "relid": 1, "type_of_violence": 2, "source_headline": 3, "where_coordinates": 4,
               "where_description": 5, "adm_1": 6, "latitude": 7, "longitude": 8, "geom_wkt": 9, "date_start": 10,
               "date_end": 11, "deaths_a": 12, "best": 13, "high": 14, "low": 15}
    row = ucdp_record(0)
    for name, k in varying.items():
        row[name] = f"@@{k}@@"
    text = json.dumps(row).replace("{", "{{").replace("}", "}}")
    for k in range(len(varying)):
        text = text.replace(f'"@@{k}@@"', "{%d}" % k)
    return text


def ucdp_rows_json(lo: int, hi: int) -> str:
    """The JSON array of ``ucdp_record(i)`` for i in lo..hi-1 (the same rows, written faster)."""
    template = _TEMPLATE[0] or _TEMPLATE.__setitem__(0, _ucdp_template()) or _TEMPLATE[0]
    parts = []
    for i in range(lo, hi):
        admin1, location, lat, lon = PLACES[i % len(PLACES)]
        best = i % 9
        date = f'"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T00:00:00"'
        parts.append(template.format(
            i + 1, f'"MLI-2024-1-{i}"', 1 + i % 3, f'"Synthetic headline {i}"', f'"{location} town"',
            f'"{location}, {admin1}"', f'"{admin1} region"', json.dumps(lat + (i % 10) * 0.01), json.dumps(lon),
            f'"POINT ({lon} {lat})"', date, date, best, best, best + 2, best))
    return "[" + ", ".join(parts) + "]"


_TEMPLATE = [None]


class FakeApi:
    """The server's data and script; ``start()`` serves it on 127.0.0.1 in a thread."""

    def __init__(self, *, username: str = "analyst@example.org", password: str = "s3cret-pass",
                 ucdp_token: str = "ucdp-t0ken", token_lifetime: int = 3600):
        self.username, self.password, self.ucdp_token = username, password, ucdp_token
        self.token_lifetime = token_lifetime
        self.acled: dict[str, dict] = {}
        self.deleted: list[dict] = []
        self.ucdp: dict[str, object] = {}  # version -> list of records, or an int (that many synthetic rows)
        self.tokens: dict[str, float] = {}  # access token -> expiry (monotonic)
        self.refresh_tokens: set[str] = set()
        self.faults: list[dict] = []
        self.requests: list[dict] = []
        self.clock = 1_700_000_000
        self.redirect_to = ""
        self.next_host = ""  # UCDP's NextPageUrl on another host, when set
        self._stall = threading.Event()
        self.stalled = threading.Event()
        self._lock = threading.Lock()
        self.httpd: ThreadingHTTPServer | None = None

    # -- data -----------------------------------------------------------------------------------------

    def add_acled(self, rows: list[dict]) -> None:
        for r in rows:
            self.acled[r["event_id_cnty"]] = dict(r)

    def tick(self) -> int:
        self.clock += 100
        return self.clock

    def revise(self, event_id: str, **fields) -> None:
        self.acled[event_id].update({k: str(v) for k, v in fields.items()}, timestamp=str(self.tick()))

    def delete(self, event_id: str) -> None:
        self.acled.pop(event_id)
        self.deleted.append({"event_id_cnty": event_id, "deleted_timestamp": str(self.tick())})

    def fault(self, api: str, *, page: int | None = None, kind: str, times: int = 1, retry_after: str = "1") -> None:
        self.faults.append({"api": api, "page": page, "kind": kind, "times": times, "retry_after": retry_after})

    def release(self) -> None:
        self._stall.set()

    # -- serving --------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def start(self, port: int = 0) -> FakeApi:
        api = self

        class Handler(_Handler):
            server_api = api

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._stall.set()
        if self.httpd:
            self.httpd.shutdown()
            self.httpd.server_close()

    def take_fault(self, api: str, page: int | None) -> dict | None:
        with self._lock:
            for f in self.faults:
                if f["api"] == api and f["times"] > 0 and (f["page"] is None or f["page"] == page):
                    f["times"] -= 1
                    return f
        return None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_api: FakeApi

    def log_message(self, *args) -> None:  # quiet
        pass

    def _send(self, status: int, body: bytes, headers: dict | None = None, *, drop: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if drop:  # half the body, then the connection is gone
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        self.wfile.write(body)

    def _json(self, doc, status: int = 200, **kw) -> None:
        self._send(status, json.dumps(doc).encode("utf-8"), **kw)

    def _record(self, body: str = "") -> tuple[str, dict]:
        parts = urlsplit(self.path)
        params = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        self.server_api.requests.append({"method": self.command, "path": parts.path, "params": params, "at": time.monotonic(),
                                         "headers": dict(self.headers.items()), "body": body})
        return parts.path, params

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8")
        path, _ = self._record(body)
        api = self.server_api
        form = {k: v[-1] for k, v in parse_qs(body).items()}
        if path != "/oauth/token":
            return self._json({"error": "not found"}, 404)
        if form.get("grant_type") == "password" and form.get("client_id") == "acled":
            ok = form.get("username") == api.username and form.get("password") == api.password
        elif form.get("grant_type") == "refresh_token":
            ok = form.get("refresh_token") in api.refresh_tokens
        else:
            ok = False
        if not ok:
            return self._json({"error": "invalid_grant"}, 401)
        token, refresh = f"tok-{random.getrandbits(64):x}", f"ref-{random.getrandbits(64):x}"
        api.tokens[token] = time.monotonic() + api.token_lifetime
        api.refresh_tokens.add(refresh)
        self._json({"access_token": token, "refresh_token": refresh, "expires_in": api.token_lifetime,
                    "token_type": "Bearer"})

    def do_GET(self) -> None:  # noqa: N802
        path, params = self._record()
        api = self.server_api
        if path.startswith("/api/gedevents/"):
            return self._ucdp(path.rsplit("/", 1)[1], params)
        if path in ("/api/acled/read", "/api/deleted/read"):
            auth = self.headers.get("Authorization", "")
            token = auth[len("Bearer "):] if auth.startswith("Bearer ") else ""
            if api.tokens.get(token, 0) < time.monotonic():
                return self._json({"status": 401, "success": False, "error": "Unauthorized"}, 401)
            page = int(params.get("page") or 1)
            fault = api.take_fault("acled" if path == "/api/acled/read" else "deleted", page)
            if fault and self._fault(fault, token):
                return
            rows = self._acled_rows(params) if path == "/api/acled/read" else self._deleted_rows(params)
            limit = int(params.get("limit") or 5000)
            chunk = rows[(page - 1) * limit: page * limit]
            return self._json({"status": 200, "success": True, "count": len(chunk), "data": chunk})
        self._json({"error": "not found"}, 404)

    def _fault(self, fault: dict, token: str = "") -> bool:
        api, kind = self.server_api, fault["kind"]
        if kind == "429":
            self._json({"error": "Too many requests"}, 429, headers={"Retry-After": fault["retry_after"]})
        elif kind == "500":
            self._json({"error": "Internal error"}, 500)
        elif kind == "drop":
            self._json({"status": 200, "success": True, "data": [acled_record(i) for i in range(50)]}, drop=True)
        elif kind == "invalid":
            self._send(200, b"<html><body>Maintenance</body></html>")
        elif kind == "expire":
            api.tokens.pop(token, None)
            self._json({"status": 401, "success": False, "error": "Token expired"}, 401)
        elif kind == "redirect":
            self._send(302, b"", headers={"Location": api.redirect_to + self.path})
        elif kind == "stall":
            api.stalled.set()
            api._stall.wait(120)
            return False  # then answer as usual
        return True

    def _acled_rows(self, params: dict) -> list[dict]:
        rows = list(self.server_api.acled.values())
        if params.get("country"):
            wanted = set(params["country"].split(":OR:"))
            rows = [r for r in rows if r["country"] in wanted]
        if params.get("event_date") and params.get("event_date_where") == "BETWEEN":
            first, last = params["event_date"].split("|")
            rows = [r for r in rows if first <= r["event_date"] <= last]
        if params.get("timestamp") and params.get("timestamp_where") == ">=":
            rows = [r for r in rows if int(r["timestamp"]) >= int(params["timestamp"])]
        return sorted(rows, key=lambda r: (r["event_date"], r["event_id_cnty"]))

    def _deleted_rows(self, params: dict) -> list[dict]:
        since = int(params.get("deleted_timestamp") or 0)
        return [d for d in self.server_api.deleted if int(d["deleted_timestamp"]) >= since]

    def _ucdp(self, version: str, params: dict) -> None:
        api = self.server_api
        if self.headers.get("x-ucdp-access-token") != api.ucdp_token:
            return self._json({"error": "Unauthorized"}, 401)
        if version not in api.ucdp:
            return self._json({"error": "no such version"}, 404)
        size, page = int(params.get("pagesize") or 1000), int(params.get("page") or 0)
        fault = api.take_fault("ucdp", page + 1)
        if fault and self._fault(fault):
            return
        data = api.ucdp[version]
        total = data if isinstance(data, int) else len(data)
        lo, hi = page * size, min((page + 1) * size, total)
        pages = -(-total // size)
        following = (f"{api.next_host or api.url}/api/gedevents/{version}?pagesize={size}&page={page + 1}"
                     if page + 1 < pages else "")
        if isinstance(data, int):  # synthetic rows, written by template
            head = json.dumps({"TotalCount": total, "TotalPages": pages, "NextPageUrl": following})[:-1]
            return self._send(200, (head + ', "Result": ' + ucdp_rows_json(lo, hi) + "}").encode("utf-8"))
        self._json({"TotalCount": total, "TotalPages": pages, "NextPageUrl": following, "Result": data[lo:hi]})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--ucdp-events", type=int, default=400_000)
    parser.add_argument("--ucdp-version", action="append", help="a version to serve (repeat; default 25.1): each "
                        "holds the same synthetic events")
    args = parser.parse_args()
    api = FakeApi()
    for version in args.ucdp_version or ["25.1"]:
        api.ucdp[version] = args.ucdp_events
    api.start(args.port)
    print(api.httpd.server_address[1], flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
