"""A benchmark of matching data sets: ``python -m geo.bench --matching`` (or ``python -m geo.bench.matching``).

Builds pairs of synthetic data sets with known true matches, as ACLED and UCDP GED record the
same conflict (a fixed seed: the same data every run):

- a truth of events over five years at 40,000 geocoded places (a few busy, most quiet) around 80
  centres in the Sahel, between ~300 actors (a few frequent), 20 % lasting two or three days,
  15 % with a third party;
- an **ACLED-like** set holding 90 % of them: one row per day of a multi-day event, ACLED's
  spellings ("Military Forces of Mali (2021-)", "JNIM: Group for Support of Islam and Muslims",
  "Armed Group 017: Front ..."), ACLED's types; the day shifted by one in 10 % of rows; 8 % known
  to the week (shifted up to 5 days), 2 % to the month; 75 % located within ~2 km, 20 % within
  20 km (geo_precision 2), 5 % within 80 km (3);
- a **UCDP-like** set holding 80 % (plus the rows only it holds): one row per dyad (an event with
  a third party is two rows), multi-day events as one row from ``event_date`` to ``date_end``,
  UCDP's spellings ("Government of Mali", "JNIM", "Armed Group 017", case and accents changed for
  some), UCDP's types of violence, with its own date and place jitter and precisions.

Precision and recall count pairs of records (one from each set) said to be the same event: a
pair is predicted when the two records are in the same match group (``geo.match_groups``), and
true when they come from the same event of the truth. Timings are ``geo.match_events`` on the
two sets, at the density of the quality set (the region grows with the number of events: a
million events cover ten times the Sahel box, as ACLED's Africa data covers a continent), against
the all-pairs comparison (distance and days of every pair, in numpy) measured at the smallest size
in the same run.
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np
import pandas as pd

from ..matching.groups import match_groups
from ..matching.pairs import DEFAULT_DAYS, DEFAULT_KM, EARTH_KM, match_events

WINDOWS = ((0, 2.0), (0, 5.0), (DEFAULT_DAYS, DEFAULT_KM), (2, 25.0), (5, 50.0))
PLACES = 40_000
_START = np.datetime64("2020-01-01")
#: (ACLED spelling, UCDP spelling) of the named actors; the rest are made up.
_REAL = [("Military Forces of Mali (2021-)", "Government of Mali"),
         ("CSP-DPA: Permanent Strategic Framework for Peace, Security and Development", "CSP"),
         ("JNIM: Group for Support of Islam and Muslims", "JNIM"), ("Islamic State (Sahel)", "IS"),
         ("Wagner Group", "Wagner"), ("Military Forces of Burkina Faso (2022-)", "Government of Burkina Faso"),
         ("Dan Na Ambassagou", "Dan Na Ambassagou"), ("Forces Armées Nigériennes", "FORCES ARMEES NIGERIENNES")]


def _actors(rng: np.random.Generator, n: int = 300) -> tuple[np.ndarray, np.ndarray]:
    acled, ged = [a for a, _ in _REAL], [u for _, u in _REAL]
    for k in range(n - len(_REAL)):
        base = f"Armed Group {k:03d}"
        acled.append(f"{base}: Front {k % 17} of the Sahel" if k % 3 == 0 else f"{base} (Mali)" if k % 3 == 1
                     else base)
        ged.append(base.upper() if k % 5 == 0 else base)
    return np.array(acled, dtype=object), np.array(ged, dtype=object)


def _ged_like(rng, truth, third, side_a, side_b, kind, deaths, length, day, place, plat, plon, ged_names):
    """The UCDP-like data set: 80 % of the true events, one row per dyad, multi-day events as spans."""
    keep = rng.random(len(truth)) < 0.8
    base = truth[keep]
    dyad_two = base[third[base] >= 0]
    ev = np.concatenate([base, dyad_two])
    other = np.concatenate([side_b[base], third[dyad_two]])
    m = len(ev)
    date_prec = rng.choice([1, 2, 3], size=m, p=[0.88, 0.08, 0.04])
    shift = np.where(date_prec == 1, np.where(rng.random(m) < 0.1, rng.choice([-1, 1], m), 0),
                     np.where(date_prec == 2, rng.integers(-4, 5, m), rng.integers(-15, 16, m)))
    where_prec = rng.choice([1, 2, 3], size=m, p=[0.7, 0.25, 0.05])
    lat, lon = _jitter(rng, plat[place[ev]], plon[place[ev]],
                       np.select([where_prec == 1, where_prec == 2], [2.0, 20.0], 80.0))
    start = _START + (day[ev] + shift)
    violence = np.array(["State-based conflict", "One-sided violence", "State-based conflict"], dtype=object)
    civilians = kind[ev] == 1
    ged = pd.DataFrame({
        "event_id": [f"UCDP-{k}" for k in range(m)], "event_date": start,
        "date_end": start + (length[ev] - 1), "time_precision": date_prec,
        "event_type": np.where(civilians, "Violence against civilians", "Battles"),
        "sub_event_type": violence[kind[ev]], "actor1": ged_names[side_a[ev]], "assoc_actor_1": "",
        "actor2": np.where(civilians, "Civilians", ged_names[other]), "assoc_actor_2": "",
        "latitude": lat, "longitude": lon, "geo_precision": where_prec,
        "fatalities": deaths[ev], "fatalities_low": (deaths[ev] * 0.8).astype(int),
        "fatalities_high": (deaths[ev] * 1.5).astype(int) + 1, "truth": ev,
    })
    return ged


def synthetic_pair(n: int, seed: int = 0, area: float = 1.0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """An ACLED-like and a UCDP-like data set of about ``n`` records each, with a ``truth`` column
    (the true event each record comes from; not used by matching).

    ``area`` scales the region (and its places and centres): 1 is the Sahel box (lon -11..3,
    lat 11..24) with 40,000 places; 10 a region ten times larger with 400,000 places, so that
    ``synthetic_pair(10 * n, area=10)`` has the density of ``synthetic_pair(n)``.
    """
    rng = np.random.default_rng(seed)
    acled_names, ged_names = _actors(rng)
    weights = 1.0 / np.arange(1, len(acled_names) + 1) ** 0.8
    weights /= weights.sum()
    t = int(n / 1.1)  # true events: ~1.1 ACLED rows per event (daily rows)
    places, k = int(PLACES * area), max(int(80 * area), 1)
    half_lon, half_lat = 7 * np.sqrt(area), 6.5 * np.sqrt(area)
    centres = np.column_stack([rng.uniform(-4 - half_lon, -4 + half_lon, k),
                               np.clip(rng.uniform(17.5 - half_lat, 17.5 + half_lat, k), -60, 60)])
    cluster = rng.integers(0, k, places)
    spread = rng.choice([0.05, 0.3, 1.0], size=places, p=[0.5, 0.35, 0.15])
    plon = centres[cluster, 0] + rng.normal(0, 1, places) * spread
    plat = centres[cluster, 1] + rng.normal(0, 1, places) * spread
    pw = 1.0 / np.arange(1, places + 1) ** 0.6
    place = rng.choice(places, size=t, p=pw / pw.sum())
    day = rng.integers(0, 5 * 365, t)
    length = np.where(rng.random(t) < 0.2, rng.integers(2, 4, t), 1)
    side_a = rng.choice(len(acled_names), size=t, p=weights)
    side_b = (side_a + 1 + rng.choice(len(acled_names) - 1, size=t, p=weights[1:] / weights[1:].sum())) \
        % len(acled_names)
    third = np.where(rng.random(t) < 0.15, (side_b + 1 + rng.integers(0, 50, t)) % len(acled_names), -1)
    third = np.where((third == side_a) | (third == side_b), -1, third)
    kind = rng.choice(3, size=t, p=[0.55, 0.3, 0.15])  # battle, one-sided, remote violence
    deaths = rng.negative_binomial(1, 0.12, t)
    truth = np.arange(t)

    # ACLED-like: 90 % of events, one row per day
    keep = rng.random(t) < 0.9
    ev = np.repeat(truth[keep], length[keep])
    offset = np.concatenate([np.arange(k) for k in length[keep]]) if keep.any() else np.zeros(0, int)
    m = len(ev)
    tp = rng.choice([1, 2, 3], size=m, p=[0.9, 0.08, 0.02])
    shift = np.where(tp == 1, np.where(rng.random(m) < 0.1, rng.choice([-1, 1], m), 0),
                     np.where(tp == 2, rng.integers(-5, 6, m), rng.integers(-20, 21, m)))
    gp = rng.choice([1, 2, 3], size=m, p=[0.75, 0.2, 0.05])
    lat, lon = _jitter(rng, plat[place[ev]], plon[place[ev]], np.select([gp == 1, gp == 2], [2.0, 20.0], 80.0))
    acled_type = np.array(["Battles", "Violence against civilians", "Explosions/Remote violence"], dtype=object)
    acled_sub = np.array(["Armed clash", "Attack", "Remote explosive/landmine/IED"], dtype=object)
    civilians = kind[ev] == 1
    acled = pd.DataFrame({
        "event_id": [f"ACL{k}" for k in range(m)], "event_date": _START + (day[ev] + offset + shift),
        "time_precision": tp, "event_type": acled_type[kind[ev]], "sub_event_type": acled_sub[kind[ev]],
        "actor1": acled_names[side_a[ev]],
        "assoc_actor_1": np.where(third[ev] >= 0, acled_names[np.maximum(third[ev], 0)], ""),
        "actor2": np.where(civilians, "Civilians (Mali)", acled_names[side_b[ev]]), "assoc_actor_2": "",
        "latitude": lat, "longitude": lon, "geo_precision": gp,
        "fatalities": np.maximum(deaths[ev] // length[ev] + rng.integers(-1, 2, m), 0), "truth": ev,
    })

    ged = _ged_like(rng, truth, third, side_a, side_b, kind, deaths, length, day, place, plat, plon, ged_names)
    return acled.assign(dataset="ACLED"), ged.assign(dataset="UCDP GED")


def _jitter(rng, lat, lon, km):
    """Points moved in a random direction by up to ``km`` (uniform over the disc)."""
    r = km * np.sqrt(rng.random(len(lat)))
    angle = rng.uniform(0, 2 * np.pi, len(lat))
    dlat = np.degrees(r * np.cos(angle) / EARTH_KM)
    dlon = np.degrees(r * np.sin(angle) / (EARTH_KM * np.cos(np.radians(lat))))
    return np.round(lat + dlat, 4), np.round(lon + dlon, 4)


def score(a: pd.DataFrame, b: pd.DataFrame, matches: pd.DataFrame) -> dict:
    """Precision and recall over pairs of records said to be the same event (see the module's notes)."""
    events = pd.concat([a[["dataset", "event_id", "truth"]], b[["dataset", "event_id", "truth"]]],
                       ignore_index=True)
    groups = match_groups(events, matches)["match_group"].to_numpy()
    is_a = (events["dataset"] == a["dataset"].iloc[0]).to_numpy()
    truth = events["truth"].to_numpy()

    def cross_pairs(keys):
        frame = pd.DataFrame({"k": keys, "a": is_a})
        counts = frame.groupby("k")["a"].agg(["sum", "size"])
        return int((counts["sum"] * (counts["size"] - counts["sum"])).sum())

    predicted = cross_pairs(groups)
    true = cross_pairs(truth)
    both = cross_pairs(groups.astype(np.int64) * (truth.max() + 1) + truth)
    edges_true = int((a.set_index("event_id")["truth"].reindex(matches["event_id_a"]).to_numpy()
                      == b.set_index("event_id")["truth"].reindex(matches["event_id_b"]).to_numpy()).sum())
    return {"precision": both / predicted if predicted else 1.0, "recall": both / true if true else 1.0,
            "matches": len(matches), "match_precision": edges_true / len(matches) if len(matches) else 1.0}


def naive_seconds(a: pd.DataFrame, b: pd.DataFrame, days: int, km: float) -> float:
    """The all-pairs comparison (great-circle distance and days of every pair), in numpy chunks."""
    t0 = time.perf_counter()
    la, oa = np.radians(a["latitude"].to_numpy(float)), np.radians(a["longitude"].to_numpy(float))
    lb, ob = np.radians(b["latitude"].to_numpy(float)), np.radians(b["longitude"].to_numpy(float))
    da = a["event_date"].to_numpy("datetime64[D]").astype(np.int64)
    db = b["event_date"].to_numpy("datetime64[D]").astype(np.int64)
    found = 0
    for s in range(0, len(a), 500):
        h = (np.sin((lb[None, :] - la[s:s + 500, None]) / 2) ** 2 + np.cos(la[s:s + 500, None]) * np.cos(lb[None, :])
             * np.sin((ob[None, :] - oa[s:s + 500, None]) / 2) ** 2)
        near = (2 * EARTH_KM * np.arcsin(np.sqrt(h)) <= km) & (np.abs(db[None, :] - da[s:s + 500, None]) <= days)
        found += int(near.sum())
    return time.perf_counter() - t0


def run(sizes=(10_000, 100_000, 1_000_000), quality_size: int = 100_000) -> str:
    lines = ["**Quality** (a realistic pair of %s-record sets; precision and recall of pairs of records "
             "said to be the same event):" % f"{quality_size:,}", "",
             "| days | km | matches | precision | recall | match rows correct | seconds |",
             "|---:|---:|---:|---:|---:|---:|---:|"]
    a, b = synthetic_pair(quality_size)
    for days, km in WINDOWS:
        t0 = time.perf_counter()
        matches = match_events(a, b, days=days, km=km)
        took = time.perf_counter() - t0
        s = score(a, b, matches)
        default = " (default)" if (days, km) == (DEFAULT_DAYS, DEFAULT_KM) else ""
        lines.append(f"| {days}{default} | {km:g} | {s['matches']:,} | {s['precision']:.3f} | {s['recall']:.3f} "
                     f"| {s['match_precision']:.3f} | {took:.2f} |")
        print(lines[-1], flush=True)
    lines += ["", "**Speed** (the defaults: %d day, %g km; at the quality set's density: the region grows with "
              "the number of events, ten times the Sahel box at 1M):" % (DEFAULT_DAYS, DEFAULT_KM), "",
              "| records per set | ACLED-like × UCDP-like | match_events | matches | all pairs (numpy) | speed-up |",
              "|---:|---|---:|---:|---:|---:|"]
    per_pair = None
    for n in sizes:
        a, b = synthetic_pair(n, seed=1, area=max(n / quality_size, 0.1))
        t0 = time.perf_counter()
        matches = match_events(a, b)
        took = time.perf_counter() - t0
        if per_pair is None:
            naive = naive_seconds(a, b, DEFAULT_DAYS, DEFAULT_KM)
            per_pair = naive / (len(a) * len(b))
            naive_text = f"{naive:.1f} s"
        else:
            naive = per_pair * len(a) * len(b)
            naive_text = f"~{naive:,.0f} s expected"
        lines.append(f"| {n:,} | {len(a):,} × {len(b):,} | {took:.2f} s | {len(matches):,} | {naive_text} "
                     f"| {naive / took:,.0f}× |")
        print(lines[-1], flush=True)
    lines += ["", f"Machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}, "
              f"pandas {pd.__version__}, numpy {np.__version__}."]
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--quality-size", type=int, default=100_000)
    parser.add_argument("--out", help="also write the tables to this Markdown file")
    args = parser.parse_args(argv)
    text = run(tuple(args.sizes), args.quality_size)
    print(text)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
