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

from ..events import CLAIM_COLUMNS, CRS, EVENT_COLUMNS

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


def synthetic_events(n: int, seed: int = 0, *, years: int = 5, long_notes: float = 0.0) -> gpd.GeoDataFrame:
    """``n`` synthetic events in the canonical schema (``geo.events.EVENT_COLUMNS``), reproducibly.

    About 400 actors (a few frequent, most rare), associated-actor lists ("; "-separated),
    ACLED's six event types, dates over ``years`` years (from 2020, or ending in 2024 past five:
    UCDP GED's 30 years run 1995–2024), 40,000 geocoded places (fixed
    coordinates per place, as ACLED geocodes; a few busy, most quiet) clustered around 80 centres
    in the Sahel box (lat 10–25, lon -12–4), 20 regions, and fatalities that are mostly zero with a
    long tail. Sorted by date, index 0..n-1, as ``load_events`` returns. A share ``long_notes`` of the
    events (the benchmark: 1 %) carries notes of several kilobytes, as ACLED's and UCDP's longest do.
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
    days = rng.integers(0, years * 365 + 1, n)
    types = np.array(list(EVENT_TYPES), dtype=object)
    fatal = np.where(rng.random(n) < 0.5, 0, rng.negative_binomial(1, 0.15, n) + 1)
    regions = np.array([f"Region {i:02d}" for i in range(20)], dtype=object)
    places = np.array([f"Place {i:05d}" for i in range(PLACES)], dtype=object)
    a1 = rng.choice(len(actors), size=n, p=weights)
    a2 = rng.choice(len(actors) + 1, size=n, p=np.append(weights * 0.8, 0.2))  # 20 %: no actor2
    actor2 = np.append(actors, "")[a2]
    days.sort()  # ids in date order: the frame comes sorted by date, then event_id
    first_day = np.datetime64("2020-01-01" if years <= 5 else f"{2025 - years}-01-01", "ns")
    dates = first_day + days.astype("timedelta64[D]")
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
    if long_notes:  # drawn from a generator of their own: the events above stay the same
        columns["notes"] = _long_notes(n, long_notes, seed)
    # text as the loaders give it (object), not pandas' inferred string dtype
    frame = pd.DataFrame({k: pd.Series(v, dtype=object) if np.asarray(v).dtype == object else v
                          for k, v in columns.items()}, columns=EVENT_COLUMNS)
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["longitude"], frame["latitude"]), crs=CRS)


def _long_notes(n: int, share: float, seed: int) -> np.ndarray:
    """The notes column with ``share`` of the events carrying 2–8 kB of text (hostile bits included)."""
    rng = np.random.default_rng(seed + 101)
    notes = np.full(n, "Synthetic event for the benchmark.", dtype=object)
    chosen = np.flatnonzero(rng.random(n) < share)
    sentence = ("Witnesses said fighting lasted several hours near the market & the wells; <b>reports</b> "
                "differ on who attacked first, and on the number of dead. ")
    for i, k in zip(chosen, rng.integers(16, 64, len(chosen))):
        notes[i] = f"Long note {i}: " + sentence * int(k)
    return notes


#: The parties that claim figures in the synthetic claims, and the camp each speaks for (as in
#: ``geo.fatalities.CAMPS``).
_CLAIMANTS = (("Military Forces of Mali (FAMa)", "government"), ("CSP-DPA", "rebels"), ("JNIM", "jihadists"),
              ("Wagner Group", "government"))


def synthetic_claims(events: pd.DataFrame, seed: int = 0, *, parties: float = 0.05) -> pd.DataFrame:
    """Claims shaped like the real ones for ``events`` (``geo.events.CLAIM_COLUMNS``), reproducibly.

    Every event gets UCDP GED's three figures (low, best, high estimates of all parties' dead, from an
    independent claimant, as ``geo.io.formats.ucdp_claims`` reads them); a share ``parties`` of the events
    (5 %) also gets two to four of the curated set's kind: parties' claims about their own and their
    enemies' dead, each with a statement and a source URL, some of them disputed.
    """
    rng = np.random.default_rng(seed + 202)
    n = len(events)
    ids = events["event_id"].astype(str).to_numpy(dtype=object)
    best = pd.to_numeric(events["fatalities"]).to_numpy(dtype=np.int64)
    low = np.maximum(best - rng.integers(0, 3, n) * (best > 0), 0)
    high = best + rng.integers(0, 4, n) * np.maximum(best // 2, 1)
    frames = []
    for key, figure in (("low", low), ("best", best), ("high", high)):
        frames.append(pd.DataFrame({
            "claim_id": ids + f"-{key}", "event_id": ids, "claimant": f"UCDP GED ({key} estimate)",
            "claimant_side": "independent", "source": "UCDP GED", "source_url": "",
            "claim_date": pd.NaT, "side": "all parties", "killed": figure,
            "statement": f"UCDP GED {key} estimate of all deaths"}))
    chosen = np.flatnonzero(rng.random(n) < parties)
    dates = pd.to_datetime(events["event_date"]).to_numpy()
    rows = []
    for i in chosen:
        day = pd.Timestamp(dates[i])
        for k, j in enumerate(rng.choice(len(_CLAIMANTS), size=int(rng.integers(2, 5)), replace=False)):
            who, camp = _CLAIMANTS[j]
            enemy = _CLAIMANTS[(j + 1) % len(_CLAIMANTS)][0]
            own_dead, enemy_dead = int(rng.integers(0, 10)), int(rng.integers(0, 120))
            for side, killed in ((who, own_dead), (enemy, enemy_dead)):
                rows.append((f"{ids[i]}-P{k}{side[:3]}", ids[i], who, camp, f"{who} statement; AFP",
                             f"https://example.org/{ids[i].lower()}/{k}", day + pd.Timedelta(days=int(k)), side,
                             killed, f"{who}: {killed} of {side} killed near the place, and vehicles destroyed."))
    frames.append(pd.DataFrame(rows, columns=["claim_id", "event_id", "claimant", "claimant_side", "source",
                                              "source_url", "claim_date", "side", "killed", "statement"]))
    claims = pd.concat(frames, ignore_index=True)
    claims["claim_date"] = pd.to_datetime(claims["claim_date"])
    claims["killed"] = claims["killed"].astype("Int64")
    claims["wounded"] = claims["captured"] = pd.array([pd.NA] * len(claims), dtype="Int64")
    order = np.argsort(claims["event_id"].to_numpy(dtype=str), kind="stable")
    claims = claims.iloc[order].reset_index(drop=True)
    return claims[CLAIM_COLUMNS].astype({c: object for c in ("claim_id", "event_id", "claimant", "claimant_side",
                                                             "source", "source_url", "side", "statement")})


#: UCDP GED's columns, in its order (the 49 of a GED CSV file).
GED_COLUMNS = (
    "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,conflict_name,"
    "dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,side_b_dset_id,side_b_new_id,side_b,"
    "number_of_sources,source_article,source_office,source_date,source_headline,source_original,where_prec,"
    "where_coordinates,where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,"
    "region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,best,"
    "high,low,gwnoa,gwnob").split(",")


def synthetic_ged(n: int, seed: int = 0, *, main_actor: str = "Government of Mali", share: float = 0.8) -> pd.DataFrame:
    """``n`` rows of a UCDP GED file (its 49 columns, as text), reproducibly: the places, dates and dead
    of ``synthetic_events``, ``main_actor`` on side A of a share ``share`` of the events (as the
    government is in a country's GED: 2,505 of Mali's 3,188 events), low/best/high estimates that
    differ, the deaths of each side, headlines, several sources and multi-day events. Written with
    ``to_csv(index=False)`` it reads as UCDP GED (three claims per event)."""
    ev = synthetic_events(n, seed=seed)
    rng = np.random.default_rng(seed + 303)
    best = ev["fatalities"].to_numpy(dtype=np.int64)
    low = np.maximum(best - rng.integers(0, 3, n) * (best > 0), 0)
    high = best + rng.integers(0, 4, n) * np.maximum(best // 2, 1)
    side_a = np.where(rng.random(n) < share, main_actor, ev["actor1"].to_numpy(dtype=object))
    side_b = np.where(ev["actor2"].to_numpy(dtype=object) == "", "Civilians", ev["actor2"].to_numpy(dtype=object))
    violence = np.where(side_b == "Civilians", 3, np.where(side_a == main_actor, 1, 2))
    start = pd.to_datetime(ev["event_date"])
    end = start + pd.to_timedelta(np.where(rng.random(n) < 0.1, rng.integers(1, 4, n), 0), unit="D")
    deaths_a = (best * rng.uniform(0, 0.5, n)).astype(np.int64)
    deaths_b = best - deaths_a
    text = lambda values: pd.Series(values).astype(str).to_numpy(dtype=object)  # noqa: E731
    ids = np.arange(500_000, 500_000 + n)
    columns = {
        "id": ids, "relid": [f"MLI-{d.year}-{v}-{i}" for d, v, i in zip(start, violence, ids)],
        "year": start.dt.year, "active_year": 1, "code_status": "Clear", "type_of_violence": violence,
        "conflict_dset_id": 430, "conflict_new_id": 430, "conflict_name": "Mali: Government",
        "dyad_dset_id": 15087, "dyad_new_id": 15087, "dyad_name": side_a + " - " + side_b,
        "side_a_dset_id": 106, "side_a_new_id": 106, "side_a": side_a, "side_b_dset_id": 1141,
        "side_b_new_id": 1141, "side_b": side_b, "number_of_sources": 2,
        "source_article": '"Clashes reported" AFP, ' + start.dt.strftime("%Y-%m-%d"),
        "source_office": "AFP;Reuters;Radio France Internationale", "source_date": start.dt.strftime("%Y-%m-%d"),
        "source_headline": "Clashes between " + side_a + " and " + side_b + " near " + ev["location"],
        "source_original": "local sources", "where_prec": rng.choice([1, 2, 3], size=n, p=[0.7, 0.2, 0.1]),
        "where_coordinates": ev["location"] + " town", "where_description": ev["location"] + ", in the north",
        "adm_1": ev["admin1"] + " region", "adm_2": "", "latitude": ev["latitude"], "longitude": ev["longitude"],
        "geom_wkt": "POINT (" + text(ev["longitude"]) + " " + text(ev["latitude"]) + ")", "priogrid_gid": "",
        "country": "Mali", "country_id": 432, "region": "Africa", "event_clarity": 1,
        "date_prec": rng.choice([1, 2, 3, 4], size=n, p=[0.8, 0.1, 0.05, 0.05]),
        "date_start": start.dt.strftime("%Y-%m-%d 00:00:00.000"), "date_end": end.dt.strftime("%Y-%m-%d 00:00:00.000"),
        "deaths_a": deaths_a, "deaths_b": deaths_b, "deaths_civilians": 0, "deaths_unknown": 0,
        "best": best, "high": high, "low": low, "gwnoa": 432, "gwnob": "",
    }
    return pd.DataFrame({c: columns[c] for c in GED_COLUMNS})


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
    try:  # a shared machine's other work changes every figure: say how busy it was
        load = f"; load average {os.getloadavg()[0]:.1f} when written"
    except OSError:
        load = ""
    return (f"{cpu}, {os.cpu_count()} cores, {ram}; Python {platform.python_version()}, pandas {pd.__version__}, "
            f"{platform.system()}{load}")
