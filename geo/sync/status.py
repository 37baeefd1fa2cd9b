"""What the dashboard says about a synced store, and a sync run in the background for "Update now".

``status_line(store)``: "ACLED, as of 1 December 2026 09:12 UTC: 1,204 new, 37 revised, 5 deleted since the
previous update", in the language in use. ``SyncJob``: ``python -m geo sync`` in a subprocess (so that no
session of the server waits for it), its progress read from the file the command writes, its outcome
(the report, or the error line). The credentials go to the subprocess in its environment, never on its
command line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from ..i18n import _, format_date, format_number
from .store import Store

#: The settings a sync reads (``geo.sync.clients.Settings``): passed on to the subprocess.
SETTINGS = ("ACLED_API_URL", "UCDP_API_URL", "ACLED_USERNAME", "ACLED_PASSWORD", "UCDP_TOKEN")


def status_line(store: Store) -> str:
    """Whose data and as of when, and what the last update changed."""
    version = store.latest()
    if version is None:
        return _("{source}: not synced yet").format(source=store.name)
    when = _("{date} {time} UTC").format(date=format_date(version.created.date()),
                                        time=version.created.strftime("%H:%M"))
    if version.id == 1:
        return _("{source}, as of {when}: {events} events (the first update)").format(
            source=store.name, when=when, events=format_number(version.events))
    return _("{source}, as of {when}: {added} new, {revised} revised, {deleted} deleted since the previous "
             "update").format(source=store.name, when=when, added=format_number(version.added),
                              revised=format_number(version.revised), deleted=format_number(version.deleted))


class SyncJob:
    """``python -m geo sync SOURCE --out PATH`` in the background."""

    def __init__(self, path, source: str, *, version: str | None = None, settings: dict | None = None):
        self.path, self.source, self.version = str(path), source, version
        self._progress = Path(tempfile.mkdtemp(prefix="geo-sync-")) / "progress.json"
        command = [sys.executable, "-m", "geo", "sync", source, "--out", self.path, "--quiet",
                   "--progress-file", str(self._progress)]
        if source == "ucdp":
            command += ["--version", str(version)]
        env = {**os.environ, **{k: str(v) for k, v in (settings or {}).items() if k in SETTINGS and v}}
        root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self._out, self._err = tempfile.TemporaryFile(), tempfile.TemporaryFile()  # files: a pipe could fill up
        self.process = subprocess.Popen(command, stdout=self._out, stderr=self._err, env=env, cwd=root,
                                        stdin=subprocess.DEVNULL)

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def progress(self) -> dict:
        """``{"pages", "total", "rows", "done"}`` as the command last wrote it ({} before its first page)."""
        try:
            return json.loads(self._progress.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def fraction(self) -> float | None:
        info = self.progress()
        total = info.get("total")
        return min(1.0, info.get("pages", 0) / total) if total else None

    @property
    def ok(self) -> bool:
        return self.process.poll() == 0

    def outcome(self) -> str:
        """The report (on success) or the error line, once finished."""
        if self.running:
            return ""
        if self.process.returncode == 0:
            self._out.seek(0)
            return self._out.read().decode("utf-8", "replace").strip()
        self._err.seek(0)
        err = self._err.read().decode("utf-8", "replace")
        lines = [line for line in err.splitlines() if line.startswith("error:")]
        return (lines[-1][len("error:"):].strip() if lines else _("the sync stopped (exit code {code})").format(
            code=self.process.returncode))
