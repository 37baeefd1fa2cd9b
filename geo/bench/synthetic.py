"""The benchmarks' synthetic events, in the canonical schema, and the machine they run on.

Tests use ``synthetic_events`` too: the same events every run (a fixed seed).
"""

from __future__ import annotations

import os
import platform
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from ..events import CRS, EVENT_COLUMNS

#: The Sahel box the synthetic events fall in (lat 10–25, lon -12–4).
SAHEL_BBOX = (-12.0, 10.0, 4.0, 25.0)  # west, south, east, north
EVENT_TYPES = {
    "Battles": 0.30, "Violence against civilians": 0.25, "Explosions/Remote violence": 0.20,
    "Strategic developments": 0.12, "Protests": 0.08, "Riots": 0.05,
}
_NAMED = ["Military Forces of Mali (FAMa)", "Wagner Group", "JNIM", "CSP-DPA", "Civilians (Mali)",
          "Islamic State Sahel", "Military Forces of Burkina Faso", "Military Forces of Niger",
          "Dozo Militia", "Unidentified Armed Group (Mali)"]


#: How many geocoded places the synthetic events happen at (ACLED's Africa data: tens of thousands).
PLACES = 40_000


def synthetic_events(n: int, seed: int = 0) -> gpd.GeoDataFrame:
    """``n`` synthetic events in the canonical schema (``geo.events.EVENT_COLUMNS``), reproducibly.

    About 400 actors (a few frequent, most rare), associated-actor lists ("; "-separated),
    ACLED's six event types, dates over five years (2020–2024), 40,000 geocoded places (fixed
    coordinates per place, as ACLED geocodes; a few busy, most quiet) clustered around 80 centres
    in the Sahel box (lat 10–25, lon -12–4), 20 regions, and fatalities that are mostly zero with a
    long tail. Sorted by date, index 0..n-1, as ``load_events`` returns.
    """
    rng = np.random.default_rng(seed)
    actors = np.array(_NAMED + [f"Armed Group {i:03d}" for i in range(400 - len(_NAMED))], dtype=object)
    weights = 1.0 / np.arange(1, len(actors) + 1) ** 0.9
    weights /= weights.sum()
    # a pool of associated-actor lists (data sets repeat the same coalitions)
    pool = [""] * 3000
    for i in range(1000, 3000):
        k = 1 + (i % 3 == 0)
        pool[i] = "; ".join(dict.fromkeys(rng.choice(actors, size=k, p=weights)))
    pool = np.array(pool, dtype=object)
    w, s, e, nth = SAHEL_BBOX
    centres = np.column_stack([rng.uniform(w + 1, e - 1, 80), rng.uniform(s + 1, nth - 1, 80)])
    # geocoded places, as in ACLED: each named place has fixed coordinates, and events take them
    cluster = rng.integers(0, 80, PLACES)
    spread = rng.choice([0.02, 0.3, 1.0], size=PLACES, p=[0.5, 0.35, 0.15])
    place_lon = np.clip(centres[cluster, 0] + rng.normal(0, 1, PLACES) * spread, w, e).round(4)
    place_lat = np.clip(centres[cluster, 1] + rng.normal(0, 1, PLACES) * spread, s, nth).round(4)
    # a few places are busy (a capital, a contested town), most see a handful of events
    place_w = 1.0 / np.arange(1, PLACES + 1) ** 0.6
    place = rng.choice(PLACES, size=n, p=place_w / place_w.sum())
    lon, lat = place_lon[place], place_lat[place]
    days = rng.integers(0, 5 * 365 + 1, n)
    types = np.array(list(EVENT_TYPES), dtype=object)
    fatal = np.where(rng.random(n) < 0.5, 0, rng.negative_binomial(1, 0.15, n) + 1)
    regions = np.array([f"Region {i:02d}" for i in range(20)], dtype=object)
    places = np.array([f"Place {i:05d}" for i in range(PLACES)], dtype=object)
    a1 = rng.choice(len(actors), size=n, p=weights)
    a2 = rng.choice(len(actors) + 1, size=n, p=np.append(weights * 0.8, 0.2))  # 20 %: no actor2
    actor2 = np.append(actors, "")[a2]
    days.sort()  # ids in date order: the frame comes sorted by date, then event_id
    dates = np.datetime64("2020-01-01", "ns") + days.astype("timedelta64[D]")
    columns = {
        "event_id": np.array([f"SYN{i:07d}" for i in range(n)], dtype=object),
        "event_date": dates,
        "time_precision": rng.choice([1, 2, 3], size=n, p=[0.85, 0.1, 0.05]),
        "event_type": types[rng.choice(len(types), size=n, p=list(EVENT_TYPES.values()))],
        "sub_event_type": np.full(n, "Armed clash", dtype=object),
        "actor1": actors[a1],
        "assoc_actor_1": pool[rng.integers(0, len(pool), n)],
        "actor2": actor2,
        "assoc_actor_2": np.where(actor2 == "", "", pool[rng.integers(0, len(pool), n)]).astype(object),
        "country": np.full(n, "Mali", dtype=object),
        "admin1": regions[cluster[place] % 20],
        "location": places[place],
        "latitude": lat,
        "longitude": lon,
        "geo_precision": rng.choice([1, 2, 3], size=n, p=[0.8, 0.15, 0.05]),
        "fatalities": fatal.astype(int),
        "source": np.full(n, "Synthetic", dtype=object),
        "source_url": np.full(n, "", dtype=object),
        "notes": np.full(n, "Synthetic event for the benchmark.", dtype=object),
    }
    # text as the loaders give it (object), not pandas' inferred string dtype
    frame = pd.DataFrame({k: pd.Series(v, dtype=object) if np.asarray(v).dtype == object else v
                          for k, v in columns.items()}, columns=EVENT_COLUMNS)
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["longitude"], frame["latitude"]), crs=CRS)


#: Typical filters: one actor; a date window; a type in a region; a minimum of fatalities.
TYPICAL_FILTERS = (
    {"actors": ["JNIM"]},
    {"start": "2023-01-01", "end": "2023-03-31"},
    {"event_types": ["Battles"], "regions": ["Region 03"]},
    {"min_fatalities": 5},
)


def machine() -> str:
    """One line: CPU model, cores, RAM, Python and pandas versions."""
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        kb = next(int(x.split()[1]) for x in Path("/proc/meminfo").read_text().splitlines()
                  if x.startswith("MemTotal"))
        ram = f"{kb / 1024 ** 2:.0f} GB RAM"
    except (OSError, StopIteration):
        ram = "RAM unknown"
    return (f"{cpu}, {os.cpu_count()} cores, {ram}; Python {platform.python_version()}, pandas {pd.__version__}, "
            f"{platform.system()}")
