"""A sync: pages from a client (``geo.sync.clients``) read through the readers' ACLED and UCDP mappings
(``geo.io.apijson``, ``geo.io.readers.read_table``) and written into a sink (the local store,
``geo.sync.writer.StoreSink``, or a database, ``geo.db.upsert.DatabaseSink``), a page at a time.

``sync_acled(client, sink, countries=..., since=...)`` and ``sync_ucdp(client, sink, version)`` return a
``SyncResult``: what changed (added, revised, deleted), the pages and rows read, the rows rejected (with
their page), the time taken. A failure raises ``SyncError`` and the sink is aborted: the store or the
database stays as it was after the last complete sync.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from tqdm import tqdm

from ..errors import GeoError, SyncError
from ..i18n import N_, _, format_number
from ..io.apijson import records_table
from ..io.readers import read_table
from .store import SOURCE_NAMES, row_hashes

#: Rejected rows listed by a sync's report (the others are counted).
SHOWN_REJECTED = 5


@dataclass
class SyncResult:
    """What a sync did."""

    source: str
    target: str
    added: int = 0
    revised: int = 0
    deleted: int = 0
    events: int = 0
    version: int | None = None
    pages: int = 0
    rows: int = 0
    rejected: int = 0
    rejected_rows: list[str] = field(default_factory=list)
    seconds: float = 0.0
    state: dict = field(default_factory=dict)
    note: str = ""

    def lines(self) -> list[str]:
        """The report, in the language in use."""
        name = SOURCE_NAMES.get(self.source, self.source)
        if self.note and not self.pages:
            return [self.note, _("{events} events in {target}").format(events=format_number(self.events),
                                                                         target=self.target)]
        out = [_("{source}: {added} new, {revised} revised, {deleted} deleted; {events} events in {target}").format(
            source=name, added=format_number(self.added), revised=format_number(self.revised),
            deleted=format_number(self.deleted), events=format_number(self.events), target=self.target)]
        if self.version is not None:
            out.append(_("version {id} written").format(id=self.version))
        out.append(_("{pages} page(s), {rows} row(s) read, {rejected} rejected, in {seconds} s").format(
            pages=format_number(self.pages), rows=format_number(self.rows), rejected=format_number(self.rejected),
            seconds=f"{self.seconds:.1f}"))
        out += [_("rejected: {row}").format(row=r) for r in self.rejected_rows]
        if self.note:
            out.append(self.note)
        return out


class Progress:
    """A progress bar over pages (tqdm on stderr: pages, rows, time left when the total is known), and an
    optional JSON file the dashboard reads (``{"pages", "total", "rows", "done"}``)."""

    def __init__(self, source: str, *, show: bool = True, path: str | None = None,
                 callback: Callable[[dict], None] | None = None):
        self.bar = tqdm(desc=SOURCE_NAMES.get(source, source), unit=" pages", file=sys.stderr, disable=not show,
                        dynamic_ncols=True, leave=True)
        self.path, self.callback = path, callback
        self.info = {"pages": 0, "total": None, "rows": 0, "done": False}

    def page(self, rows: int, total: int | None = None) -> None:
        if total and self.bar.total != total:
            self.bar.total = total
        self.info.update(pages=self.info["pages"] + 1, rows=self.info["rows"] + rows, total=total)
        self.bar.set_postfix_str(f"{self.info['rows']:,} rows", refresh=False)
        self.bar.update(1)
        self._tell()

    def close(self, done: bool = True) -> None:
        self.bar.close()
        self.info["done"] = done
        self._tell()

    def _tell(self) -> None:
        if self.callback:
            self.callback(dict(self.info))
        if self.path:
            try:
                with open(self.path, "w", encoding="utf-8") as f:
                    json.dump(self.info, f)
            except OSError:
                pass


class _Pages:
    """Reads pages of records into canonical events, a batch of pages at a time (``batch_rows``: the
    readers' fixed cost per call is paid once per batch, and memory stays bounded), and keeps the counts.
    A rejected row is named by its page and its row in that page."""

    def __init__(self, result: SyncResult, progress: Progress, sink, batch_rows: int = 20_000):
        self.result, self.progress, self.sink, self.batch_rows = result, progress, sink, batch_rows
        self._records: list = []
        self._pages: list[tuple[str, int]] = []  # (page's name, rows) of the batch

    def add(self, records: list, what: str, total: int | None = None) -> None:
        self._records.extend(records)
        self._pages.append((what, len(records)))
        self.result.pages += 1
        self.progress.page(len(records), total)
        if len(self._records) >= self.batch_rows:
            self.flush()

    def flush(self) -> None:
        if not self._pages:
            return
        records, pages = self._records, self._pages
        self._records, self._pages = [], []
        name = pages[0][0] if len(pages) == 1 else f"{pages[0][0]} to {pages[-1][0].rsplit(', ', 1)[-1]}"
        try:
            events, report = read_table(records_table(records), name=name)
        except GeoError as exc:  # a page whose columns are none of the formats'
            raise SyncError(N_("{what}: {reason}").format(what=name, reason=str(exc).split(": ", 1)[-1])) from None
        del records
        r = self.result
        r.rows, r.rejected = r.rows + report.rows_read, r.rejected + len(report.rejected)
        if len(report.rejected) and len(r.rejected_rows) < SHOWN_REJECTED:
            ends = np.cumsum([n for _, n in pages])
            for row in report.rejected.head(SHOWN_REJECTED - len(r.rejected_rows)).itertuples():
                k = int(np.searchsorted(ends, int(row.row), side="left"))
                in_page = int(row.row) - (int(ends[k - 1]) if k else 0)
                r.rejected_rows.append(f"{pages[k][0]}, row {in_page} ({row.event_id or '-'}): {row.reason}")
        self.sink.add(events, row_hashes(events))


def prefetch(pages, depth: int = 2):
    """The items of ``pages`` (an iterator of downloads), fetched by a thread up to ``depth`` ahead: the next
    page travels while this one is read and written. An error of the download is raised here, in order; a
    consumer that stops early stops the thread."""
    import queue
    import threading

    box: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def produce():
        try:
            for item in pages:
                while not stop.is_set():
                    try:
                        box.put((item, None), timeout=0.2)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            box.put((done, None))
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, who raises it
            box.put((done, exc))

    thread = threading.Thread(target=produce, name="geo-sync-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            item, error = box.get()
            if error is not None:
                raise error
            if item is done:
                return
            yield item
    finally:
        stop.set()


def _max_int(records: list, key: str, start: int | None) -> int | None:
    best = start
    for r in records:
        value = r.get(key) if isinstance(r, dict) else None
        try:
            value = int(float(value))
        except (TypeError, ValueError):
            continue
        best = value if best is None or value > best else best
    return best


def sync_acled(client, sink, *, countries=(), since: str | None = None, progress: Progress | None = None
               ) -> SyncResult:
    """Events added or revised since the store's ``timestamp`` watermark, then the deletions since its
    ``deleted_timestamp``: upserted by ``event_id`` into ``sink``, one new version."""
    started, t0 = int(time.time()), time.perf_counter()
    state = dict(sink.state)
    query = dict(sink.query)
    countries = list(countries) or list(query.get("countries") or [])
    since = since or query.get("since")
    if query and (sorted(countries) != sorted(query.get("countries") or []) or since != query.get("since")):
        sink.abort()
        raise SyncError(N_("{target} follows ACLED for countries {countries} from {since}; give the same, or sync "
                           "into another folder").format(target=sink.label, countries=", ".join(
                               query.get("countries") or ["(all)"]), since=query.get("since") or "(any date)"))
    progress = progress or Progress("acled", show=False)
    result = SyncResult("acled", sink.label)
    pages = _Pages(result, progress, sink)
    try:
        stamp = state.get("timestamp")
        newest = stamp
        for page, records in prefetch(client.events(countries=countries, since=since, timestamp=stamp)):
            newest = _max_int(records, "timestamp", newest)
            pages.add(records, f"ACLED events, page {page}")
        pages.flush()
        deleted_since = state.get("deleted_timestamp")
        if stamp is not None and deleted_since is not None:  # the first sync has nothing to delete
            for page, records in client.deleted(since=deleted_since):
                sink.delete(r.get("event_id_cnty") for r in records if isinstance(r, dict))
                deleted_since = _max_int(records, "deleted_timestamp", deleted_since)
                progress.page(len(records))
        else:
            deleted_since = newest if newest is not None else started  # the server's clock, not ours
        new_state = {"timestamp": newest if newest is not None else stamp, "deleted_timestamp": deleted_since}
        counts = sink.commit(new_state, {"countries": sorted(countries), "since": since})
    except BaseException:
        sink.abort()
        progress.close(done=False)
        raise
    progress.close()
    return _finish(result, counts, new_state, t0)


def sync_ucdp(client, sink, version: str, *, progress: Progress | None = None) -> SyncResult:
    """A GED version: every event of it read, compared with what the store holds (added, revised, removed),
    and written as the new version. The version already held: nothing is fetched."""
    t0 = time.perf_counter()
    progress = progress or Progress("ucdp", show=False)
    result = SyncResult("ucdp", sink.label)
    if sink.state.get("version") == str(version):
        sink.abort()
        progress.close()
        result.note = _("already at UCDP GED {version}: nothing to do").format(version=version)
        result.events = sink.held()
        return result
    pages = _Pages(result, progress, sink)
    try:
        for page, total, records in prefetch(client.events(str(version))):
            pages.add(records, f"UCDP GED {version}, page {page}", total)
        pages.flush()
        new_state = {"version": str(version)}
        counts = sink.commit(new_state, {})
    except BaseException:
        sink.abort()
        progress.close(done=False)
        raise
    progress.close()
    return _finish(result, counts, new_state, t0)


def _finish(result: SyncResult, counts, state: dict, t0: float) -> SyncResult:
    result.added, result.revised, result.deleted, result.events = (counts.added, counts.revised, counts.deleted,
                                                                   counts.events)
    result.version, result.state = counts.version, state
    result.seconds = time.perf_counter() - t0
    return result
