"""``python -m geo sync``: ACLED or UCDP from their APIs into a local store (``--out DIR``) or a database (``--db URL``).

    python -m geo sync acled --out DIR [--country NAME]... [--since YYYY-MM-DD]
    python -m geo sync ucdp --version V --out DIR
    python -m geo sync acled --db postgresql://user:password@host/db

Settings come from the environment (``geo.sync.clients.Settings``): ``ACLED_API_URL``, ``UCDP_API_URL``,
``ACLED_USERNAME``, ``ACLED_PASSWORD``, ``UCDP_TOKEN``. The report goes to stdout, the progress bar to
stderr; a failure is one ``error:`` line and exit code 1, the store or database left as it was.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from ..i18n import _

EXIT_OK, EXIT_FAILED = 0, 1


def configure(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="sync_source", metavar="SOURCE", parser_class=type(p))
    sub.required = True
    acled = sub.add_parser("acled", help=_("ACLED's events: new and revised since the last sync, and deletions"))
    acled.add_argument("--country", action="append", default=[], metavar="NAME",
                       help=_("a country to follow (repeat it for several; default: the store's, else all)"))
    acled.add_argument("--since", metavar="YYYY-MM-DD", help=_("only events from this date on"))
    acled.add_argument("--page-size", type=int, default=5000, help=_("rows per page (default 5000)"))
    ucdp = sub.add_parser("ucdp", help=_("a version of the UCDP Georeferenced Event Dataset (GED)"))
    ucdp.add_argument("--version", required=True, metavar="V", help=_("the GED version, e.g. 25.1 or 25.0.10"))
    ucdp.add_argument("--page-size", type=int, default=1000, help=_("rows per page (default 1000)"))
    for q in (acled, ucdp):
        where = q.add_mutually_exclusive_group(required=True)
        where.add_argument("--out", metavar="DIR", help=_("the local store (a folder; created if needed)"))
        where.add_argument("--db", metavar="URL", help=_("a PostGIS database (postgresql://user:password@host/db)"))
        q.add_argument("--quiet", action="store_true", help=_("no progress bar"))
        q.add_argument("--progress-file", metavar="PATH", help=argparse.SUPPRESS)


def _since(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise ValueError(_("--since {value} is not a date (YYYY-MM-DD)").format(value=repr(value))) from None


def make_sink(args: argparse.Namespace, mode: str):
    if args.db:
        from ..db.upsert import DatabaseSink

        return DatabaseSink(args.db, args.sync_source, mode)
    from .writer import StoreSink

    return StoreSink(args.out, args.sync_source, mode)


def run(args: argparse.Namespace) -> int:
    from ..errors import GeoError, localized_error
    from .clients import AcledClient, Settings, UcdpClient
    from .run import Progress, sync_acled, sync_ucdp

    settings = Settings.from_env()
    try:
        progress = Progress(args.sync_source, show=not args.quiet, path=args.progress_file)
        if args.sync_source == "acled":
            since = _since(args.since)
            client = AcledClient(settings.acled_url, settings.acled_username, settings.acled_password,
                                 page_size=args.page_size)
            with client:
                result = sync_acled(client, make_sink(args, "delta"), countries=args.country, since=since,
                                    progress=progress)
        else:
            with UcdpClient(settings.ucdp_url, settings.ucdp_token, page_size=args.page_size) as client:
                result = sync_ucdp(client, make_sink(args, "replace"), args.version, progress=progress)
    except (GeoError, OSError, ValueError) as exc:
        text = localized_error(exc) if isinstance(exc, GeoError) else str(exc)
        print("error: " + " ".join(text.split()), file=sys.stderr)
        return EXIT_FAILED
    for line in result.lines():
        print(line)
    return EXIT_OK
