"""Starting the dashboard as the README says: no outbound request at start.

Streamlit, started headless without a fixed address, looks up the machine's external IP address at
checkip.amazonaws.com to print an "External URL" (and logs "Did not auto detect external IP" when
offline). `.streamlit/config.toml` sets `browser.serverAddress`, which skips that code path.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import tomllib
import urllib.request

from conftest import ROOT


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_config_sets_the_server_address():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["browser"]["serverAddress"] == "localhost"
    assert config["server"]["enableXsrfProtection"] is True and config["server"]["enableCORS"] is True


def test_start_makes_no_external_ip_lookup(tmp_path):
    port = _free_port()
    log = tmp_path / "streamlit.log"
    # the README's command (no --server.address): the case in which Streamlit would look the IP up
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "dashboard/app.py", "--server.port",
                                 str(port)], cwd=ROOT, env={**os.environ}, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        # the banner is printed once the server listens; the lookup (1 s timeouts) would come before it
        while "URL" not in log.read_text(errors="replace") and time.time() < deadline:
            time.sleep(0.3)
        time.sleep(1)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    text = log.read_text(errors="replace")
    assert f"http://localhost:{port}" in text, text
    assert "external IP" not in text and "External URL" not in text, text
