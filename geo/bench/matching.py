"""A benchmark of matching data sets: ``python -m geo.bench --matching`` (or ``python -m geo.bench.matching``).

Builds synthetic data sets with known true matches, as ACLED, UCDP GED and a curated set record the
same conflict (a fixed seed: the same data every run):

- a truth of events over five years at 40,000 geocoded places (a few busy, most quiet) around 80
  centres in the Sahel, between ~300 actors (a few frequent), 20 % lasting two or three days,
  15 % with a third party, and 5 % of the battles followed 2 to 5 days later at the same place by
  a strike of their first side on civilians (two events: the battle of Tinzaouaten and the drone
  strike on gold miners of 30 July 2024);
- an **ACLED-like** set holding 90 % of them: one row per day of a multi-day event, ACLED's
  spellings ("Military Forces of Mali (2021-)", "JNIM: Group for Support of Islam and Muslims",
  "Armed Group 017: Front ..."), ACLED's types; the day shifted by one in 10 % of rows; 8 % known
  to the week (shifted up to 5 days), 2 % to the month; 75 % located within ~2 km, 20 % within
  20 km (geo_precision 2), 5 % within 80 km (3);
- a **UCDP-like** set holding 80 % (plus the rows only it holds): one row per dyad (an event with
  a third party is two rows), multi-day events as one row from ``event_date`` to ``date_end``,
  UCDP's spellings ("Government of Mali", "JNIM", "Armed Group 017", case and accents changed for
  some), UCDP's types of violence, with its own date and place jitter and precisions;
- a **curated-like** set: half of the battles followed by a strike, with their strikes, and 2 % of
  the other events, one row per event.

Precision and recall count pairs of records of two data sets said to be the same event: a pair is
predicted when the two records are in the same match group (``geo.match_groups``), and true when
they come from the same event of the truth. A group holds at most one record per data set, so
recall is over the pairs such groups can hold (``_linkable_pairs``); the recall of all same-event
pairs and the one counting "possible" links are given beside it. Timings are ``geo.match_events``
on two sets, at the density of the quality set (the region grows with the number of events: a
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


def _ged_like(rng, t: dict, ged_names):
    """The UCDP-like data set: 80 % of the true events, one row per dyad, multi-day events as spans."""
    truth, third, side_a, side_b, kind = t["truth"], t["third"], t["side_a"], t["side_b"], t["kind"]
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
    lat, lon = _jitter(rng, t["plat"][t["place"][ev]], t["plon"][t["place"][ev]],
                       np.select([where_prec == 1, where_prec == 2], [2.0, 20.0], 80.0))
    start = _START + (t["day"][ev] + shift)
    # battle, one-sided, remote violence, a strike on civilians (the follow-ups)
    violence = np.array(["State-based conflict", "One-sided violence", "State-based conflict", "One-sided violence"],
                        dtype=object)
    civilians = np.isin(kind[ev], (1, 3))
    ged = pd.DataFrame({
        "event_id": [f"UCDP-{k}" for k in range(m)], "event_date": start,
        "date_end": start + (t["length"][ev] - 1), "time_precision": date_prec,
        "event_type": np.where(civilians, "Violence against civilians", "Battles"),
        "sub_event_type": violence[kind[ev]], "actor1": ged_names[side_a[ev]], "assoc_actor_1": "",
        "actor2": np.where(civilians, "Civilians", ged_names[other]), "assoc_actor_2": "",
        "latitude": lat, "longitude": lon, "geo_precision": where_prec,
        "fatalities": t["deaths"][ev], "fatalities_low": (t["deaths"][ev] * 0.8).astype(int),
        "fatalities_high": (t["deaths"][ev] * 1.5).astype(int) + 1, "truth": ev, "follows": t["follows"][ev],
    })
    return ged


def _truth(rng, n: int, area: float, weights: np.ndarray) -> dict:
    """The true events: places, days, lengths, actors, kinds, deaths; 5 % of the battles are followed,
    2 to 5 days after their last day, by a strike of their first side on civilians at the same place
    (the battle of Tinzaouaten and the drone strike on gold miners of 30 July 2024): two events."""
    n_actors = len(weights)
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
    side_a = rng.choice(n_actors, size=t, p=weights)
    side_b = (side_a + 1 + rng.choice(n_actors - 1, size=t, p=weights[1:] / weights[1:].sum())) % n_actors
    third = np.where(rng.random(t) < 0.15, (side_b + 1 + rng.integers(0, 50, t)) % n_actors, -1)
    third = np.where((third == side_a) | (third == side_b), -1, third)
    kind = rng.choice(3, size=t, p=[0.55, 0.3, 0.15])  # battle, one-sided, remote violence
    deaths = rng.negative_binomial(1, 0.12, t)
    follow = np.flatnonzero((kind == 0) & (rng.random(t) < 0.05))
    f = len(follow)
    out = {"place": np.concatenate([place, place[follow]]),
           "day": np.concatenate([day, day[follow] + length[follow] - 1 + rng.integers(2, 6, f)]),
           "length": np.concatenate([length, np.ones(f, int)]), "side_a": np.concatenate([side_a, side_a[follow]]),
           "side_b": np.concatenate([side_b, side_b[follow]]), "third": np.concatenate([third, np.full(f, -1)]),
           "kind": np.concatenate([kind, np.full(f, 3)]), "deaths": np.concatenate([deaths, rng.integers(1, 12, f)]),
           "plat": plat, "plon": plon, "followed": follow, "follow_up": np.arange(t, t + f),
           "follows": np.concatenate([np.full(t, -1), follow])}
    out["truth"] = np.arange(t + f)
    return out


#: ACLED's (type, sub-event type) of each kind of true event: battle, one-sided, remote violence, a strike on civilians.
_ACLED_TYPES = [("Battles", "Armed clash"), ("Violence against civilians", "Attack"),
                ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
                ("Explosions/Remote violence", "Air/drone strike")]


def _acled_like(rng, t: dict, acled_names) -> pd.DataFrame:
    """The ACLED-like data set: 90 % of the true events, one row per day."""
    truth, length, third, kind = t["truth"], t["length"], t["third"], t["kind"]
    keep = rng.random(len(truth)) < 0.9
    ev = np.repeat(truth[keep], length[keep])
    offset = np.concatenate([np.arange(k) for k in length[keep]]) if keep.any() else np.zeros(0, int)
    m = len(ev)
    tp = rng.choice([1, 2, 3], size=m, p=[0.9, 0.08, 0.02])
    shift = np.where(tp == 1, np.where(rng.random(m) < 0.1, rng.choice([-1, 1], m), 0),
                     np.where(tp == 2, rng.integers(-5, 6, m), rng.integers(-20, 21, m)))
    gp = rng.choice([1, 2, 3], size=m, p=[0.75, 0.2, 0.05])
    lat, lon = _jitter(rng, t["plat"][t["place"][ev]], t["plon"][t["place"][ev]],
                       np.select([gp == 1, gp == 2], [2.0, 20.0], 80.0))
    acled_type = np.array([a for a, _ in _ACLED_TYPES], dtype=object)
    acled_sub = np.array([b for _, b in _ACLED_TYPES], dtype=object)
    civilians = np.isin(kind[ev], (1, 3))
    return pd.DataFrame({
        "event_id": [f"ACL{k}" for k in range(m)], "event_date": _START + (t["day"][ev] + offset + shift),
        "time_precision": tp, "event_type": acled_type[kind[ev]], "sub_event_type": acled_sub[kind[ev]],
        "actor1": acled_names[t["side_a"][ev]],
        "assoc_actor_1": np.where(third[ev] >= 0, acled_names[np.maximum(third[ev], 0)], ""),
        "actor2": np.where(civilians, "Civilians (Mali)", acled_names[t["side_b"][ev]]), "assoc_actor_2": "",
        "latitude": lat, "longitude": lon, "geo_precision": gp,
        "fatalities": np.maximum(t["deaths"][ev] // length[ev] + rng.integers(-1, 2, m), 0), "truth": ev,
        "follows": t["follows"][ev],
    })


def _curated_like(rng, t: dict, acled_names) -> pd.DataFrame:
    """A curated-like set, as an analyst compiles from the press: half of the battles followed by a
    strike and their strikes, and 2 % of the other events; one row per event (its first day), ACLED's
    types, the actors' short names ("JNIM", "Armed Group 017"), places within 2 km."""
    pick = np.zeros(len(t["truth"]), dtype=bool)
    pair = rng.random(len(t["followed"])) < 0.5
    pick[t["followed"][pair]] = pick[t["follow_up"][pair]] = True
    pick |= rng.random(len(pick)) < 0.02
    ev = t["truth"][pick]
    lat, lon = _jitter(rng, t["plat"][t["place"][ev]], t["plon"][t["place"][ev]], np.full(len(ev), 2.0))
    short = np.array([str(a).split(":")[0] for a in acled_names], dtype=object)
    kind = t["kind"][ev]
    return pd.DataFrame({
        "event_id": [f"CUR{k}" for k in range(len(ev))], "event_date": _START + t["day"][ev], "time_precision": 1,
        "event_type": np.array([a for a, _ in _ACLED_TYPES], dtype=object)[kind],
        "sub_event_type": np.array([b for _, b in _ACLED_TYPES], dtype=object)[kind],
        "actor1": short[t["side_a"][ev]], "assoc_actor_1": "",
        "actor2": np.where(np.isin(kind, (1, 3)), "Civilians (Mali)", short[t["side_b"][ev]]), "assoc_actor_2": "",
        "latitude": lat, "longitude": lon, "geo_precision": 1, "fatalities": t["deaths"][ev], "truth": ev,
        "follows": t["follows"][ev],
    })


def synthetic_sets(n: int, seed: int = 0, area: float = 1.0) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """An ACLED-like and a UCDP-like data set of about ``n`` records each, and a curated-like set of a
    few percent of them, each with a ``truth`` column (the true event each record comes from; not used
    by matching).

    ``area`` scales the region (and its places and centres): 1 is the Sahel box (lon -11..3,
    lat 11..24) with 40,000 places; 10 a region ten times larger with 400,000 places, so that
    ``synthetic_sets(10 * n, area=10)`` has the density of ``synthetic_sets(n)``.
    """
    rng = np.random.default_rng(seed)
    acled_names, ged_names = _actors(rng)
    weights = 1.0 / np.arange(1, len(acled_names) + 1) ** 0.8
    weights /= weights.sum()
    t = _truth(rng, n, area, weights)
    acled = _acled_like(rng, t, acled_names)
    ged = _ged_like(rng, t, ged_names)
    curated = _curated_like(rng, t, acled_names)
    return acled.assign(dataset="ACLED"), ged.assign(dataset="UCDP GED"), curated.assign(dataset="curated")


def synthetic_pair(n: int, seed: int = 0, area: float = 1.0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ACLED-like and UCDP-like sets of ``synthetic_sets``."""
    acled, ged, _ = synthetic_sets(n, seed, area)
    return acled, ged


def _jitter(rng, lat, lon, km):
    """Points moved in a random direction by up to ``km`` (uniform over the disc)."""
    r = km * np.sqrt(rng.random(len(lat)))
    angle = rng.uniform(0, 2 * np.pi, len(lat))
    dlat = np.degrees(r * np.cos(angle) / EARTH_KM)
    dlon = np.degrees(r * np.sin(angle) / (EARTH_KM * np.cos(np.radians(lat))))
    return np.round(lat + dlat, 4), np.round(lon + dlon, 4)


def _cross_pairs(keys: np.ndarray, dataset: np.ndarray) -> int:
    """Pairs of records of different data sets that share a key: per key, ((sum n_d)^2 - sum n_d^2) / 2."""
    frame = pd.DataFrame({"k": keys, "d": dataset})
    per = frame.groupby(["k", "d"]).size()
    total = per.groupby(level=0).sum()
    return int(((total ** 2).sum() - (per ** 2).sum()) // 2)


def _linkable_pairs(truth: np.ndarray, dataset: np.ndarray) -> int:
    """The most cross-data-set pairs groups of at most one record per data set can hold: per true
    event with k_d records in data set d, group j holds the data sets with k_d > j (sum of C(m_j, 2))."""
    per = pd.DataFrame({"t": truth, "d": dataset}).groupby(["t", "d"]).size()
    counts = per.to_numpy()
    owner = per.index.get_level_values(0).to_numpy()
    total = 0
    for j in range(int(counts.max()) if len(counts) else 0):
        m = pd.Series(counts > j).groupby(owner).sum().to_numpy()
        total += int((m * (m - 1) // 2).sum())
    return total


def score(*sets: pd.DataFrame, matches: pd.DataFrame) -> dict:
    """Precision and recall over pairs of records said to be the same event (see the module's notes)."""
    events = pd.concat([x[["dataset", "event_id", "truth"]] for x in sets], ignore_index=True)
    groups = match_groups(events, matches)["match_group"].to_numpy()
    dataset = events["dataset"].astype(str).to_numpy()
    truth = events["truth"].to_numpy()
    predicted = _cross_pairs(groups, dataset)
    both = _cross_pairs(groups.astype(np.int64) * (truth.max() + 1) + truth, dataset)
    true_all, linkable = _cross_pairs(truth, dataset), _linkable_pairs(truth, dataset)
    truth_of = pd.Series(truth, index=pd.Index(dataset + "\x1f" + events["event_id"].astype(str).to_numpy()))
    ta = truth_of.reindex(matches["dataset_a"].astype(str) + "\x1f" + matches["event_id_a"].astype(str)).to_numpy()
    tb = truth_of.reindex(matches["dataset_b"].astype(str) + "\x1f" + matches["event_id_b"].astype(str)).to_numpy()
    possible = (matches["link"] == "possible").to_numpy() if "link" in matches else np.zeros(len(matches), bool)
    found_possible = int((possible & (ta == tb)).sum())  # same-event pairs named as possible links
    dup = pd.DataFrame({"g": groups, "d": dataset}).duplicated().sum()
    return {"precision": both / predicted if predicted else 1.0, "recall": both / linkable if linkable else 1.0,
            "recall_all": both / true_all if true_all else 1.0,
            "recall_possible": (both + found_possible) / true_all if true_all else 1.0,
            "matches": len(matches), "linked": int((~possible).sum()),
            "match_precision": float((ta == tb).mean()) if len(matches) else 1.0, "same_set_in_group": int(dup)}


def merged_follow_ups(sets, matches: pd.DataFrame) -> tuple[int, int]:
    """Groups that hold both a battle and the strike on civilians that followed it (``_truth``: two
    events), and the number of groups holding such a strike."""
    events = pd.concat([x[["dataset", "event_id", "truth", "follows"]] for x in sets], ignore_index=True)
    events["g"] = match_groups(events, matches)["match_group"].to_numpy()
    strikes = events[events["follows"] >= 0][["g", "follows"]].drop_duplicates()
    merged = strikes.merge(events[["g", "truth"]], left_on=["g", "follows"], right_on=["g", "truth"])
    return int(merged["g"].nunique()), int(strikes["g"].nunique())


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


def _quality(quality_size: int) -> list[str]:
    lines = ["**Quality, ACLED-like × UCDP-like** (a realistic pair of %s-record sets; pairs of records said to "
             "be the same event):" % f"{quality_size:,}", "",
             "| days | km | matches | linked | precision | recall | recall of all pairs | with possible links "
             "| match rows correct | seconds |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    a, b = synthetic_pair(quality_size)
    for days, km in WINDOWS:
        t0 = time.perf_counter()
        matches = match_events(a, b, days=days, km=km)
        took = time.perf_counter() - t0
        s = score(a, b, matches=matches)
        assert s["same_set_in_group"] == 0, "a group holds two records of one data set"
        default = " (default)" if (days, km) == (DEFAULT_DAYS, DEFAULT_KM) else ""
        lines.append(f"| {days}{default} | {km:g} | {s['matches']:,} | {s['linked']:,} | {s['precision']:.3f} "
                     f"| {s['recall']:.3f} | {s['recall_all']:.3f} | {s['recall_possible']:.3f} "
                     f"| {s['match_precision']:.3f} | {took:.2f} |")
        print(lines[-1], flush=True)
    return lines


def _three(quality_size: int) -> list[str]:
    sets = synthetic_sets(quality_size)
    t0 = time.perf_counter()
    matches = match_events(*sets)
    took = time.perf_counter() - t0
    s = score(*sets, matches=matches)
    merged, strikes = merged_follow_ups(sets, matches)
    lines = ["", "**Quality, three data sets** (ACLED-like, UCDP-like and a curated-like set of %s records, "
             "together; the defaults):" % f"{len(sets[2]):,}", "",
             "| records | matches | linked | precision | recall | groups with two records of one data set "
             "| strikes merged with the battle before them | seconds |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|",
             f"| {sum(len(x) for x in sets):,} | {s['matches']:,} | {s['linked']:,} | {s['precision']:.3f} "
             f"| {s['recall']:.3f} | {s['same_set_in_group']} | {merged:,} of {strikes:,} | {took:.2f} |"]
    print(lines[-1], flush=True)
    return lines


def run(sizes=(10_000, 100_000, 1_000_000), quality_size: int = 100_000) -> str:
    lines = _quality(quality_size) + _three(quality_size)
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


#: The README's matching tables lie between these two lines; ``--readme README.md`` rewrites them.
README_START, README_END = "<!-- matching-benchmark: start (written by python -m geo.bench --matching --readme README.md) -->", \
    "<!-- matching-benchmark: end -->"


def write_readme(path, text: str) -> None:
    """Put the tables between ``README_START`` and ``README_END`` in the file at ``path``."""
    from pathlib import Path

    readme = Path(path).read_text(encoding="utf-8")
    if README_START not in readme or README_END not in readme:
        raise SystemExit(f"{path} has no {README_START!r} ... {README_END!r} section")
    head, rest = readme.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    Path(path).write_text(head + README_START + "\n" + text + "\n" + README_END + tail, encoding="utf-8")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--quality-size", type=int, default=100_000)
    parser.add_argument("--out", help="also write the tables to this Markdown file")
    parser.add_argument("--readme", help="write the tables into this README's matching-benchmark section")
    args = parser.parse_args(argv)
    text = run(tuple(args.sizes), args.quality_size)
    print(text)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    if args.readme:
        write_readme(args.readme, text)


if __name__ == "__main__":
    main()
