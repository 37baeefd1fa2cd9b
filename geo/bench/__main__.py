"""``python -m geo.bench``: the map benchmark; ``--source postgis``: the database benchmark;
``--matching``: matching across data sets; ``--sync``: a UCDP GED synced from a local fake API;
``--animation``: the animated map (52 weekly frames as an MP4 and a GIF); ``--versions``: a local store's as-of
views; ``--excel``: python-calamine against openpyxl on a workbook."""

from __future__ import annotations

import sys


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--source" in argv:  # python -m geo.bench --source postgis [...]: the database benchmark
        i = argv.index("--source")
        source = argv[i + 1] if i + 1 < len(argv) else ""
        if source not in ("postgis", "file"):
            raise SystemExit("--source must be 'postgis' or 'file'")
        del argv[i:i + 2]
        if source == "postgis":
            from .postgis import main as postgis_main

            return postgis_main(argv)
    if "--versions" in argv:  # the local store's versions at scale: geo/bench/versions.py
        from .versions import main as versions_main

        return versions_main([a for a in argv if a != "--versions"])
    if "--sync" in argv:  # a whole UCDP GED synced from a local fake API: geo/bench/sync.py
        from .sync import main as sync_main

        return sync_main([a for a in argv if a != "--sync"])
    if "--animation" in argv:  # the animated map: geo/bench/animation.py
        from .animation import main as animation_main

        return animation_main([a for a in argv if a != "--animation"])
    if "--matching" in argv:  # the matching benchmark: geo/bench/matching.py
        from .matching import main as matching_main

        matching_main([a for a in argv if a != "--matching"])
        return 0
    if "--excel" in argv:  # which library reads an ACLED workbook faster: geo/bench/excel.py
        from .excel import main as excel_main

        excel_main([a for a in argv if a != "--excel"])
        return 0
    from .maps import main as maps_main

    return maps_main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
