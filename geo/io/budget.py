"""An upload parsed within a budget: in a worker process of its own, with a memory ceiling, a time ceiling
and a lower priority than the server, so that one file never costs the other sessions more than a share
of the machine.

``read_bounded(source)`` is ``geo.io.readers.read_events`` run in a worker forked from a small server
process that has the readers imported already (``multiprocessing``'s "forkserver": a worker starts in
milliseconds and never inherits the app's threads). The worker:

- may use ``GEO_UPLOAD_MEMORY_MB`` (2 GB) of address space above its own at start
  (``resource.setrlimit(RLIMIT_AS)``): past it an allocation fails, and the upload is refused;
- runs at ``nice`` 10, so the server's own work (other sessions' pages) comes first;
- is stopped after ``GEO_UPLOAD_SECONDS`` (120 s), and has a CPU limit of its own in case the server
  goes away.

At most ``GEO_UPLOAD_WORKERS`` (2) uploads are parsed at once per server process; the next waits for a
slot, up to the time ceiling. Each refusal is a plain ``ImportFormatError``; the file's own errors come
back as they are.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import resource
import sys
import threading
import time
import types

from ..errors import DataError, GeoError, ImportFormatError
from ..i18n import N_
from .limits import limit, size_text

NICE = 10
_lock = threading.Lock()
_state: dict = {}


def _context():
    with _lock:
        if "ctx" not in _state:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["geo.io.readers"])
            _state["ctx"] = ctx
            _state["slots"] = threading.BoundedSemaphore(limit("upload_workers"))
        return _state["ctx"], _state["slots"]


@contextlib.contextmanager
def _without_main():
    """While a worker starts: multiprocessing would import the parent's ``__main__`` again in the worker,
    and under Streamlit that is the dashboard's script (which it runs as ``__main__``): the worker needs
    only the readers. Streamlit replaces ``sys.modules["__main__"]`` at each run, and only multiprocessing
    reads it, so a plain module stands in for a moment."""
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if saved is not None:
            sys.modules["__main__"] = saved


def _address_space() -> int:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _work(conn, data: bytes, label: str, options: dict, memory: int, seconds: int) -> None:
    """In the worker: lower priority, the ceilings, then the reading; what it gave, sent back."""
    try:
        os.nice(NICE)
        resource.setrlimit(resource.RLIMIT_AS, (_address_space() + memory, resource.RLIM_INFINITY))
        resource.setrlimit(resource.RLIMIT_CPU, (int(seconds) + 5, int(seconds) + 10))
        from .readers import read_events

        result = read_events(data, name=label, **options)
        del data
        conn.send(("ok", result))
    except MemoryError:
        conn.send(("memory", None))
    except GeoError as exc:
        conn.send(("error", (type(exc).__name__, getattr(exc, "message", str(exc)), getattr(exc, "path", None),
                             getattr(exc, "row", None), getattr(exc, "field", None))))
    except Exception as exc:  # noqa: BLE001 - a file from anywhere: its name, never a traceback
        conn.send(("crash", type(exc).__name__))
    finally:
        conn.close()


def read_bounded(source, *, name: str | None = None, day_first: bool | None = None, sheet: str | None = None):
    """``read_events(source)`` in a worker process within the upload budget (``geo.io.limits``):
    ``(events, report)``, or an ``ImportFormatError`` that says which ceiling was passed."""
    from .readers import _read_bytes

    data, label = _read_bytes(source, name)
    memory, seconds = limit("upload_memory_bytes"), limit("upload_seconds")
    ctx, slots = _context()
    start = time.monotonic()
    if not slots.acquire(timeout=seconds):
        raise ImportFormatError(N_("the server is reading other uploads; try again in a minute"), path=label)
    try:
        receive, send = ctx.Pipe(duplex=False)
        worker = ctx.Process(target=_work, args=(send, data, label, {"day_first": day_first, "sheet": sheet},
                                                   memory, seconds), daemon=True)
        with _lock, _without_main():
            worker.start()
        send.close()
        del data
        kind, payload = _outcome(receive, worker, seconds - (time.monotonic() - start))
    finally:
        if worker.is_alive():
            worker.kill()
        worker.join(5)
        slots.release()
    return _result(kind, payload, label, memory, seconds, worker.exitcode)


def _outcome(receive, worker, wait: float):
    if not receive.poll(max(wait, 0.1)):
        return "timeout", None
    try:
        return receive.recv()
    except (EOFError, OSError):
        worker.join(5)
        return "died", None


def _result(kind, payload, label, memory, seconds, exitcode):
    if kind == "ok":
        return payload
    if kind == "error":
        name, message, path, row, field = payload
        from .aggregated import AggregatedDataError  # counts, not events: the caller reads them its own way

        cls = {"ImportFormatError": ImportFormatError, "AggregatedDataError": AggregatedDataError}.get(name, DataError)
        raise cls(message, path=path, row=row, field=field)
    if kind == "timeout":
        raise ImportFormatError(N_("reading the file took longer than {seconds} s, the most an upload may take "
                                   "(GEO_UPLOAD_SECONDS): load a smaller extract, or start the app on the file "
                                   "(--data)").format(seconds=seconds), path=label)
    if kind == "memory" or exitcode in (-6, -9):  # MemoryError, or a native allocation that aborted
        raise ImportFormatError(N_("reading the file needed more than {memory} of memory, the most an upload may "
                                   "use (GEO_UPLOAD_MEMORY_MB): load a smaller extract, or start the app on the "
                                   "file (--data)").format(memory=size_text(memory)), path=label)
    raise ImportFormatError(N_("the file could not be read ({error})").format(
        error=payload or f"the reader stopped with code {exitcode}"), path=label)
