"""``python -m geo sync``: its report, its exit codes, and no credential anywhere (output, logs, store, errors);
``--db``: upserts and deletions in one transaction."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest
import stamina

from conftest import ROOT
from geo.__main__ import main
from geo.sync.store import open_store
from syncutil import api, env  # noqa: F401 (fixtures)


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_sync_reports_what_changed(api, env, tmp_path, capsys):
    code, out, err = run(["sync", "acled", "--out", str(tmp_path), "--country", "Mali", "--quiet"], capsys)
    assert code == 0, err
    assert "ACLED: 120 new, 0 revised, 0 deleted; 120 events in" in out and "version 1 written" in out
    assert "1 page(s), 120 row(s) read, 0 rejected" in out
    api.revise("MAL2", fatalities=12)
    api.delete("MAL5")
    code, out, _ = run(["sync", "acled", "--out", str(tmp_path), "--quiet"], capsys)
    assert code == 0 and "ACLED: 0 new, 1 revised, 1 deleted; 119 events" in out


def test_a_page_that_is_not_json_exits_non_zero_naming_the_page(api, env, tmp_path, capsys):
    api.ucdp["25.1"] = 2500
    api.fault("ucdp", page=2, kind="invalid")
    code, out, err = run(["sync", "ucdp", "--version", "25.1", "--out", str(tmp_path), "--quiet"], capsys)
    assert code == 1 and out == ""
    assert err.startswith("error: UCDP GED 25.1, page 2: the answer is not valid JSON")
    assert not (tmp_path / "manifest.json").exists()


def test_the_progress_bar_shows_pages_and_rows(api, env, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "geo", "sync", "ucdp", "--version", "25.1", "--out", str(tmp_path)],
                          cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "UCDP GED: 100%" in proc.stderr and "3/3" in proc.stderr and "2,500 rows" in proc.stderr


def test_usage_errors(env, tmp_path, capsys):
    code, _, err = run(["sync", "acled", "--out", str(tmp_path), "--since", "July", "--quiet"], capsys)
    assert code == 1 and "--since 'July' is not a date" in err
    code, _, err = run(["sync", "ucdp", "--out", str(tmp_path)], capsys)
    assert code == 2 and "--version" in err
    code, _, err = run(["sync", "acled", "--quiet"], capsys)
    assert code == 2 and "--out" in err


def test_no_credential_in_output_logs_store_or_errors(api, env, tmp_path, capsys, caplog):
    """The password, the UCDP token and the tokens ACLED hands out appear nowhere."""
    caplog.set_level(logging.DEBUG)
    api.fault("acled", page=1, kind="expire")  # a renewal: the refresh token goes over the wire too
    api.fault("acled", page=1, kind="500")
    with stamina.set_testing(True, attempts=3):
        outputs = [run(["sync", "acled", "--out", str(tmp_path / "a"), "--quiet"], capsys)]
        outputs.append(run(["sync", "ucdp", "--version", "25.1", "--out", str(tmp_path / "u")], capsys))
        os.environ["ACLED_PASSWORD"] = "wrong-" + env["ACLED_PASSWORD"]
        outputs.append(run(["sync", "acled", "--out", str(tmp_path / "a"), "--quiet"], capsys))
        os.environ["UCDP_TOKEN"] = "bad-" + env["UCDP_TOKEN"]
        outputs.append(run(["sync", "ucdp", "--version", "25.0", "--out", str(tmp_path / "u")], capsys))
    assert [c for c, _, _ in outputs] == [0, 0, 1, 1]
    assert "ACLED refused the login" in outputs[2][2] and "UCDP refused the token" in outputs[3][2]
    handed = [t for t in api.tokens] + sorted(api.refresh_tokens)
    secrets = [env["ACLED_PASSWORD"], env["UCDP_TOKEN"], "wrong-" + env["ACLED_PASSWORD"],
               "bad-" + env["UCDP_TOKEN"], *handed]
    assert len(handed) >= 3
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.suffix == ".parquet" for p in files) and any(p.name == "manifest.json" for p in files)
    texts = [out + err for _, out, err in outputs] + [caplog.text] + [p.read_bytes().decode("latin-1") for p in files]
    for secret in secrets:
        assert all(secret not in text for text in texts), "a credential leaked"
    assert open_store(tmp_path / "a").versions()[0].state  # the store is there, with its watermarks


@pytest.fixture()
def pg(pg_url):
    from geo.db.postgis import PostgisSource

    PostgisSource(pg_url).init()
    return pg_url


def test_sync_into_a_database_in_one_transaction(api, env, pg, capsys):
    from geo.db.postgis import PostgisSource

    code, out, err = run(["sync", "acled", "--db", pg, "--country", "Mali", "--quiet"], capsys)
    assert code == 0, err
    assert "ACLED: 120 new, 0 revised, 0 deleted; 120 events" in out
    source = PostgisSource(pg)
    assert source.count() == 120
    version, _ = source.state()
    api.revise("MAL3", fatalities=99)
    api.delete("MAL4")
    code, out, err = run(["sync", "acled", "--db", pg, "--quiet"], capsys)
    assert code == 0 and "ACLED: 0 new, 1 revised, 1 deleted; 119 events" in out, err
    events = source.events()
    assert len(events) == 119 and "MAL4" not in set(events["event_id"])
    assert events.set_index("event_id").loc["MAL3", "fatalities"] == 99
    assert events["region"].notna().all()  # enriched like a loaded file
    state_after = source.state()[0]
    assert state_after > version
    api.revise("MAL6", fatalities=66)
    api.fault("acled", page=1, kind="invalid")
    code, _, err = run(["sync", "acled", "--db", pg, "--quiet"], capsys)
    assert code == 1 and "page 1" in err
    assert source.state()[0] == state_after  # nothing written: the transaction rolled back
    assert source.events().set_index("event_id").loc["MAL6", "fatalities"] == 6
    code, out, _ = run(["sync", "ucdp", "--version", "25.1", "--db", pg, "--quiet"], capsys)
    assert code == 0 and "UCDP GED: 2,500 new" in out
    api.ucdp["25.0.10"] = 2400
    code, out, _ = run(["sync", "ucdp", "--version", "25.0.10", "--db", pg, "--quiet"], capsys)
    assert code == 0 and "UCDP GED: 0 new, 0 revised, 100 deleted; 2,400 events" in out
    assert source.count() == 119 + 2400 and len(source.claims()) == 3 * 2400
