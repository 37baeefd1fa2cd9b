"""The command line: ``python -m geo COMMAND ...``.

    python -m geo snapshot LINK -o FILE [--width 1600] [--dpi 150] [--data events.csv|postgresql://…] [--claims claims.csv]
    python -m geo snapshot LINK -o FILE --data ACLED=acled.csv --data "UCDP GED=ged.csv" [--matches m.csv]
    python -m geo animate LINK -o out.mp4|out.webm|out.gif [--step week|month|year] [--mode window|cumulative]
        [--fps 2] [--size 1920x1080] [--poster frame.png] [--data …]
    python -m geo db init [--db postgresql://user:password@host/db]
    python -m geo db load FILE [--claims claims.csv] [--db postgresql://…]
    python -m geo versions --data DIR|postgresql://…
    python -m geo sync acled --out DIR [--country NAME]… [--since YYYY-MM-DD]   (or --db URL; see geo.sync.cli)
    python -m geo sync ucdp --version V --out DIR

``db`` commands take the database from ``--db``, else from GEO_DATABASE_URL, else from GEO_EVENTS
when it is a ``postgresql://`` URL. ``db init`` creates the schema (``geo.db.postgis``); ``db load``
imports any file ``read_events`` reads in one transaction and prints its import report.

LINK is a share link or its query string; FILE's suffix picks the output
(.png .svg .pdf .html .csv .geojson .kml .parquet). The output is exactly what
the dashboard's download buttons give for the same view (``geo.static.snapshots.render``); a .csv
gets its CSVW metadata file beside it (FILE-metadata.json).

Problems with the link are warnings (one ``warning: `` line each on stderr); the
rest of the view still applies. A bad suffix, an unreadable data file or an
unwritable path is one ``error: `` line on stderr and exit code 2 (usage) or 1.

Language: ``--lang fr`` (or GEO_LANG=fr) says the messages, the help and the reports in French;
English by default. The ``error:`` and ``warning:`` prefixes stay as they are, for scripts.
A snapshot is in its link's language (``lang=fr``); a link without one takes ``--lang``.

Adding a command: write ``configure(parser)`` and ``run(args) -> int`` and add a
``Command`` to ``COMMANDS`` (e.g. ``COMMANDS["bench"] = Command("time the
loaders", configure, run)``); ``main`` builds a subparser for each.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .errors import localized_error
from .i18n import LANGUAGES, N_, _, format_number, ngettext, normalize_language, use_language

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A mistake in the command line (exit code 2)."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one ``error: `` line (no usage block), exit code 2."""

    def error(self, message: str):  # noqa: D102 - argparse's hook
        raise UsageError(message)


@dataclass(frozen=True)
class Command:
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def _one_line(text) -> str:
    # line breaks and runs of spaces become one space; no-break spaces (French typography) stay
    return re.sub(r"[ \t\r\n\v\f\x1c-\x1f\x85\u2028\u2029]+", " ", str(text)).strip()


def _configure_snapshot(p: argparse.ArgumentParser) -> None:
    p.add_argument("link", metavar="LINK", help=_("a share link, or its query string (quote it in the shell)"))
    p.add_argument("-o", "--output", required=True, metavar="FILE",
                   help=_("the file to write; its suffix picks the format "
                          "(.png .svg .pdf .html .csv .geojson .kml .parquet)"))
    p.add_argument("--width", type=int, default=1600, help=_("image width in pixels (default 1600)"))
    p.add_argument("--dpi", type=float, default=150, help=_("image resolution (default 150)"))
    p.add_argument("--matches", metavar="FILE", help=_("with several --data: also write the view's match table "
                                                        "(CSV: which record matched which, and why)"))
    _data_options(p)


def _data_options(p: argparse.ArgumentParser) -> None:
    """The options of where the events come from and how they are credited (snapshot, animate)."""
    p.add_argument("--data", metavar="FILE", action="append",
                   help=_("an ACLED, UCDP GED or exported file, or a PostGIS database "
                          "(postgresql://user:password@host/db) (default: the embedded data); repeat it, as "
                          "NAME=FILE, to load and match several data sets ('curated' is the embedded set)"))
    p.add_argument("--claims", metavar="CSV", help=_("claims in the canonical schema (default: the embedded "
                                                     "claims when --data is not given, else none)"))
    p.add_argument("--title", help=_("the image's title (default: where the data is, e.g. 'Conflict events — "
                                     "northern Mali')"))
    p.add_argument("--attribution", help=_("the events' attribution line (default: the embedded data's, or "
                                           "'Events: FILE' with --data)"))


def _configure_animate(p: argparse.ArgumentParser) -> None:
    p.add_argument("link", metavar="LINK", help=_("a share link, or its query string (quote it in the shell); "
                                                  "its dates are the range played"))
    p.add_argument("-o", "--output", required=True, metavar="FILE",
                   help=_("the file to write: .mp4 (H.264), .webm (VP9) or .gif; a text alternative is "
                          "written beside it (.txt)"))
    p.add_argument("--step", choices=["week", "month", "year"], default="week",
                   help=_("one frame per week, month or year (default week)"))
    p.add_argument("--mode", choices=["window", "cumulative"], default="window",
                   help=_("window: each period's own events; cumulative: every event so far, earlier ones "
                          "faded (default window)"))
    p.add_argument("--fps", type=float, default=2.0, help=_("frames (periods) a second (default 2)"))
    p.add_argument("--size", metavar="WxH", help=_("frame size in pixels (default 1920x1080 for a video, "
                                                  "800 wide for a GIF); a width alone keeps a snapshot's shape"))
    p.add_argument("--poster", metavar="PNG", help=_("also write the frame of the period with the most events as "
                                                     "a PNG (a video's poster image)"))
    _data_options(p)


def _run_animate(args: argparse.Namespace) -> int:
    from .errors import GeoError
    from .static.animate import animate, animation_format, checked_output, parse_size

    try:  # what the command line says wrong is said before the data is read
        animation_format(args.output)
        size = parse_size(args.size)
        checked_output(args.output)
    except GeoError as exc:
        print(f"error: {_one_line(localized_error(exc))}", file=sys.stderr)
        return EXIT_FAILED
    loaded = _load_view(args)
    if isinstance(loaded, int):
        return loaded
    data, view, matches, title, attribution = loaded
    try:
        result = animate(data.events, data.layers, view, args.output, claims=data.claims, matches=matches,
                         step=args.step, mode=args.mode, fps=args.fps, size=size, title=title,
                         attribution=attribution, poster=args.poster)
    except GeoError as exc:
        print(f"error: {_one_line(localized_error(exc))}", file=sys.stderr)
        return EXIT_FAILED
    print(_("{path}: {frames} frames, {seconds} s; text alternative: {alt}").format(
        path=result.path, frames=result.frames, seconds=f"{result.seconds:g}", alt=result.alt_path))
    return EXIT_OK


def _run_snapshot(args: argparse.Namespace) -> int:
    # imported here so that `python -m geo --help` and usage errors are fast
    from .static.snapshots import SUFFIXES, render

    out = Path(args.output)
    fmt = SUFFIXES.get(out.suffix.lower())
    if fmt is None:
        raise UsageError(_("cannot tell the format of {path}: use one of {suffixes}").format(
            path=repr(str(out)), suffixes=", ".join(SUFFIXES)))
    if not 200 <= args.width <= 12000:
        raise UsageError(_("--width {value} is outside 200–12000").format(value=args.width))
    if not 20 <= args.dpi <= 1200:
        raise UsageError(_("--dpi {value} is outside 20–1200").format(value=f"{args.dpi:g}"))
    parent = out.parent if str(out.parent) else Path(".")
    if out.is_dir() or not parent.is_dir() or not os.access(parent, os.W_OK):
        reason = (_("it is a directory") if out.is_dir() else
                  _("no such writable directory {path}").format(path=repr(str(parent))))
        print("error: " + _("cannot write {path}: {reason}").format(path=repr(str(out)), reason=reason),
              file=sys.stderr)
        return EXIT_FAILED
    loaded = _load_view(args)
    if isinstance(loaded, int):
        return loaded
    data, view, matches, title, attribution = loaded
    if view.changed is not None and getattr(data, "history", None) is not None:
        return _write_changes(args, out, fmt, data, view, title, attribution)
    events, claims = data.events, data.claims
    result = render(view, fmt, events, claims, data.layers, title=title, attribution=attribution,
                    width_px=args.width, dpi=args.dpi, matches=matches)
    if args.matches:
        try:
            Path(args.matches).write_text(render(view, "matches_csv", events, claims, matches=matches),
                                          encoding="utf-8")
        except OSError as exc:
            print("error: " + _("cannot write {path}: {reason}").format(
                path=repr(args.matches), reason=_one_line(exc.strerror or exc)), file=sys.stderr)
            return EXIT_FAILED
    data = result.encode("utf-8") if isinstance(result, str) else result
    if fmt == "csv":  # its CSVW metadata beside it: whose data, the filters, the link, the version
        from .static.snapshots import csv_metadata
        beside = out.with_name(out.name + "-metadata.json")
        try:
            beside.write_text(csv_metadata(view, fmt, events, claims, result, out.name, title=title,
                                           attribution=attribution, matches=matches), encoding="utf-8")
        except OSError as exc:
            print("error: " + _("cannot write {path}: {reason}").format(
                path=repr(str(beside)), reason=_one_line(exc.strerror or exc)), file=sys.stderr)
            return EXIT_FAILED
    try:
        out.write_bytes(data)
    except OSError as exc:
        print("error: " + _("cannot write {path}: {reason}").format(
            path=repr(str(out)), reason=_one_line(exc.strerror or exc)), file=sys.stderr)
        return EXIT_FAILED
    _say_written(out, len(data), view, events)
    return EXIT_OK


def _write_changes(args, out: Path, fmt: str, data, view, title, attribution) -> int:
    """A "changed since" link's snapshot, as the dashboard's downloads of that view: the maps draw the changed
    events it shows, the event files hold their changes, one row per change (a CSV's CSVW metadata beside it)."""
    from .filters import filter_events
    from .io.exports import EXPORT_FORMATS
    from .sources.versioned import changed_events
    from .static.snapshots import export_meta, render
    from .versions.changes import change_files, change_rows

    shown = changed_events(data, view.changed)
    shown = filter_events(shown, view.filter) if len(shown) else shown
    rows = change_rows(data.history, shown, view.changed, data.shown_version)
    if fmt in EXPORT_FORMATS:
        meta = export_meta(view, shown, attribution=attribution, title=title)
        files = change_files(rows, fmt, name=out.name, meta=meta, attribution=attribution)
    else:
        files = {out.name: render(view, fmt, shown, data.claims, data.layers, title=title, attribution=attribution,
                                  width_px=args.width, dpi=args.dpi)}
    try:
        for name, content in files.items():
            out.with_name(name).write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    except OSError as exc:
        print("error: " + _("cannot write {path}: {reason}").format(
            path=repr(str(out)), reason=_one_line(exc.strerror or exc)), file=sys.stderr)
        return EXIT_FAILED
    print(ngettext("Wrote {path}: the changes since {day} of {count} event ({rows} rows, one per change).",
                   "Wrote {path}: the changes since {day} of {count} events ({rows} rows, one per change).",
                   len(shown)).format(path=out.resolve(), day=view.changed.isoformat(),
                                      count=format_number(len(shown)), rows=format_number(len(rows))))
    return EXIT_OK


def _say_written(out: Path, size: int, view, events) -> None:
    """Where the snapshot went: its full path, its size and the events of its view (on stdout)."""
    from .filters import filter_events
    from .i18n import ngettext

    count = len(filter_events(events, view.filter))
    kb = format_number(max(1, round(size / 1024)))
    print(ngettext("Wrote {path} ({size} KB, {count} event).", "Wrote {path} ({size} KB, {count} events).",
                   count).format(path=out.resolve(), size=kb, count=format_number(count)))


def _load_view(args: argparse.Namespace):
    """The data set of ``--data`` (or the embedded one) and the link's view, its warnings said on stderr:
    ``(data, view, matches, title, attribution)``, or an exit code."""
    from .sources.dataset import Dataset
    from .sources.versioned import link_asof, open_view
    from .errors import GeoError
    from .layers import title_of

    try:
        # the same data set as the dashboard makes of the same file: same view, same output
        data = Dataset.from_sources(args.data, claims_path=args.claims) if args.data else Dataset.embedded()
        matches = data.matches if len(data.datasets) > 1 else None
    except (GeoError, OSError, ValueError) as exc:
        print(f"error: {_one_line(localized_error(exc))}", file=sys.stderr)
        return EXIT_FAILED
    if data.report is not None and len(data.report.rejected):
        where = ", ".join(args.data)
        print("warning: " + _("{count} of {total} rows of {file} were rejected (the dashboard's import report "
                              "lists them)").format(count=format_number(len(data.report.rejected)),
                                                    total=format_number(data.report.rows_read), file=repr(where)),
              file=sys.stderr)
    # versioned data (a local store): the link's asof picks the version; the output names the one it shows
    view, warnings, data = open_view(args.link, data)
    if data.history is not None:
        view = dataclasses.replace(view, asof=link_asof(data, False))
    for warning in warnings:
        print(f"warning: {_one_line(warning)}", file=sys.stderr)
    if args.lang and "lang" not in _link_keys(args.link):  # a link's own language wins
        view = dataclasses.replace(view, lang=args.lang)
    with use_language(view.lang):  # the title in the snapshot's language
        title = args.title or (title_of(data.title_names) if data.title_names else data.title)
    return data, view, matches, title, args.attribution or data.attribution


def _link_keys(link: str) -> set[str]:
    from .link import parse_link

    try:
        return set(parse_link(link))
    except ValueError:
        return set()


def _database_url(args: argparse.Namespace) -> str:
    from .db.urls import is_database_url

    url = args.db or os.environ.get("GEO_DATABASE_URL") or ""
    if not url and is_database_url(os.environ.get("GEO_EVENTS", "")):
        url = os.environ["GEO_EVENTS"]
    if not url:
        raise UsageError(_("no database: give --db postgresql://user:password@host/db (or set GEO_DATABASE_URL)"))
    if not is_database_url(url):
        raise UsageError(_("--db must be a postgresql:// URL"))
    return url


def _configure_db(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="db_command", metavar="ACTION", parser_class=_Parser)
    sub.required = True
    init = sub.add_parser("init", help=_("create the schema: events, claims, their indexes (idempotent)"))
    load = sub.add_parser("load", help=_("import an event file (ACLED, UCDP GED, this app's exports) in one "
                                         "transaction and print its import report"))
    load.add_argument("file", metavar="FILE")
    load.add_argument("--claims", metavar="CSV", help=_("claims in the canonical schema"))
    for q in (init, load):
        q.add_argument("--db", metavar="URL", help=_("postgresql://user:password@host[:port]/db "
                                                     "(default: $GEO_DATABASE_URL)"))


def _run_db(args: argparse.Namespace) -> int:
    from .errors import GeoError
    from .db.postgis import PostgisSource

    url = _database_url(args)
    try:
        source = PostgisSource(url)
        if args.db_command == "init":
            source.init()
            print(_("{database}: schema ready (events, claims, geo_state)").format(database=source.label))
            return EXIT_OK
        source.init()
        report = source.load(args.file, claims_path=args.claims)
    except (GeoError, OSError) as exc:
        print(f"error: {_one_line(localized_error(exc))}", file=sys.stderr)
        return EXIT_FAILED
    print(str(report))
    print(_("{count} events written to {database}").format(count=format_number(report.accepted), database=source.label))
    return EXIT_OK


def _configure_versions(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", required=True, metavar="DIR|URL",
                   help=_("a local store (a folder kept by geo sync) or a PostGIS database (postgresql://…)"))


def _run_versions(args: argparse.Namespace) -> int:
    from .errors import GeoError
    from .db.urls import is_database_url

    try:
        if is_database_url(args.data):
            from .db.history import versions as db_versions
            from .db.postgis import PostgisSource

            table = PostgisSource(args.data).run(db_versions)
        else:
            from .sources.versioned import store_versions
            from .sync.store import open_store

            table = store_versions(open_store(args.data))
    except (GeoError, OSError) as exc:
        print(f"error: {_one_line(localized_error(exc))}", file=sys.stderr)
        return EXIT_FAILED
    print("\t".join([_("version"), _("created (UTC)"), _("source"), _("added"), _("revised"), _("deleted")]))
    for row in table.to_dict("records"):
        print("\t".join([str(row["id"]), row["created"].strftime("%Y-%m-%dT%H:%M:%SZ"), _one_line(row["source"]),
                         format_number(row["added"]), format_number(row["revised"]), format_number(row["deleted"])]))
    print(ngettext("{count} version", "{count} versions", len(table)).format(count=format_number(len(table))))
    return EXIT_OK

from .sync import cli as _sync_cli  # noqa: E402 (light: its heavy imports are in run)

COMMANDS: dict[str, Command] = {
    "db": Command(N_("a PostGIS database of events: create its schema, load files into it"), _configure_db, _run_db),
    "sync": Command(N_("keep ACLED or UCDP in sync from their APIs, into a local store (--out DIR) or a database"),
                    _sync_cli.configure, _sync_cli.run),
    "animate": Command(N_("write an animated map of a share link's date range, period by period (MP4, WebM, GIF)"),
                       _configure_animate, _run_animate),
    "snapshot": Command(N_("write a map image, a standalone HTML map or the events of a share link's view"),
                        _configure_snapshot, _run_snapshot),
    "versions": Command(N_("list the versions of a local store or a database: when, which source, how many events "
                           "added, revised and deleted"), _configure_versions, _run_versions),
}


def build_parser() -> argparse.ArgumentParser:
    """The parser, its help in the language in use."""
    parser = _Parser(prog="python -m geo", description=_("The conflict-mapping dashboard's command line."))
    parser.add_argument("--lang", choices=sorted(LANGUAGES), default=None,
                        help=_("the language of the messages and of snapshots whose link has none "
                               "(default: $GEO_LANG, else English)"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name, command in COMMANDS.items():
        p = sub.add_parser(name, help=_(command.help), description=_(command.help))
        command.configure(p)
        p.set_defaults(_run=command.run)
    return parser


def _language(argv: list[str]) -> str | None:
    """The language asked for: ``--lang X`` / ``--lang=X`` before the command, else GEO_LANG."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return normalize_language(argv[i + 1])
        if arg.startswith("--lang="):
            return normalize_language(arg.split("=", 1)[1])
        if not arg.startswith("-"):
            break  # the command: its own arguments follow
    return normalize_language(os.environ.get("GEO_LANG"))


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    with use_language(_language(argv)):
        return _main(argv)


def _main(argv: list[str]) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.lang is None:
            args.lang = _language([])
        return args._run(args)
    except UsageError as exc:
        print("error: " + _("{message} (see python -m geo --help)").format(message=_one_line(exc)), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("error: " + _("interrupted"), file=sys.stderr)
        return EXIT_FAILED
    except Exception as exc:  # never a traceback on the command line
        print(f"error: {type(exc).__name__}: {_one_line(exc)}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
