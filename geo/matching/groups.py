"""What several data sets say about the same event: match groups, each data set's figures, and the
spread between them.

Given events from several data sets in one frame (a ``dataset`` column, as ``geo.sources.dataset``
loads them) and their match table (``geo.matching.pairs.match_events``):

- ``match_groups`` puts records linked by matches into one group (connected components of the
  matches whose ``link`` is "same": at most one record of each data set);
- ``group_figures`` gives, per group and data set, the records' fatalities summed (ACLED's figure,
  UCDP's low / best / high), and per group the spread: the highest data set's best figure over the
  lowest's (a lowest of 0 counts as 1), so "disagree by more than 3x" is ``spread > 3``;
- ``collapse_groups`` keeps one row per group to draw (the record of the first data set in the
  given order), with how many data sets hold it and each data set's records side by side.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..i18n import _, format_number
from ..events import text_values

GROUP_COLUMNS = ["match_group", "datasets_held", "held_by"]
#: The column that carries each data set's records (a list of dicts) on a collapsed row.
RECORDS_COLUMN = "_datasets"
#: The column that carries a drawn row's "possible" links (``geo.matching.pairs``): records of other
#: events that fit one of its records too, shown beside it and never merged (a list of dicts).
POSSIBLE_COLUMN = "_possible"
_SEP = "\x1f"


def _keys(datasets, ids) -> pd.Index:
    return pd.Index(pd.Series(datasets, dtype=object).astype(str) + _SEP + pd.Series(ids, dtype=object).astype(str))


def match_groups(events: pd.DataFrame, matches: pd.DataFrame) -> pd.DataFrame:
    """Each event's match group (the position of the group's first record), how many data sets
    hold the group, and which ("ACLED; UCDP GED"), aligned with ``events``' index. An event
    without a match is a group of its own, held by one data set. Matches whose ``link`` is
    "possible" (``geo.matching.pairs``: the group already holds a record of that data set, or one of
    a type that is another event) do not join groups."""
    n = len(events)
    if "link" in matches:
        matches = matches[matches["link"].astype(str) != "possible"]
    datasets = text_values(events["dataset"]) if "dataset" in events else np.full(n, "", object)
    keys = _keys(datasets, text_values(events["event_id"]))
    labels = np.arange(n)
    if len(matches) and n:
        u = keys.get_indexer(_keys(matches["dataset_a"].to_numpy(), matches["event_id_a"].to_numpy()))
        v = keys.get_indexer(_keys(matches["dataset_b"].to_numpy(), matches["event_id_b"].to_numpy()))
        known = (u >= 0) & (v >= 0)  # matches of records filtered out are ignored
        u, v = u[known], v[known]
        while True:  # label propagation with pointer jumping: each group ends on its smallest position
            m = np.minimum(labels[u], labels[v])
            before = labels.copy()
            np.minimum.at(labels, u, m)
            np.minimum.at(labels, v, m)
            labels = labels[labels]
            if np.array_equal(labels, before):
                break
    frame = pd.DataFrame({"match_group": labels, "dataset": datasets})
    held = frame.groupby("match_group")["dataset"].agg(lambda s: "; ".join(dict.fromkeys(s)))
    out = pd.DataFrame({"match_group": labels}, index=events.index)
    out["held_by"] = held.reindex(labels).to_numpy()
    out["datasets_held"] = out["held_by"].str.count("; ").to_numpy() + 1
    return out[GROUP_COLUMNS]


def group_figures(events: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    """Per match group and data set: records, fatalities (best) and low/high summed over its records.

    Columns ``match_group, dataset, records, best, low, high``; ``low``/``high`` are the best
    figure where a data set has no range (ACLED, a curated set).
    """
    best = pd.to_numeric(events["fatalities"], errors="coerce").fillna(0).to_numpy()
    low = pd.to_numeric(events["fatalities_low"], errors="coerce").to_numpy() if "fatalities_low" in events else best
    high = pd.to_numeric(events["fatalities_high"], errors="coerce").to_numpy() if "fatalities_high" in events else best
    frame = pd.DataFrame({
        "match_group": groups["match_group"].to_numpy(),
        "dataset": text_values(events["dataset"]) if "dataset" in events else "",
        "best": best, "low": np.where(np.isnan(low), best, low), "high": np.where(np.isnan(high), best, high),
    })
    out = frame.groupby(["match_group", "dataset"], sort=False).agg(
        records=("best", "size"), best=("best", "sum"), low=("low", "sum"), high=("high", "sum")).reset_index()
    return out.astype({"best": int, "low": int, "high": int})


def group_spread(figures: pd.DataFrame) -> pd.Series:
    """Per match group: the highest data set's best figure over the lowest's (0 counts as 1); 1.0
    for a group held by one data set or where all agree."""
    by = figures.groupby("match_group")["best"]
    hi, lo, count = by.max(), by.min(), by.size()
    spread = hi / np.maximum(lo, 1)
    return spread.where(count > 1, 1.0).astype(float).rename("spread")


def collapse_groups(events: pd.DataFrame, groups: pd.DataFrame, claims: pd.DataFrame | None = None,
                    order: list[str] | None = None) -> pd.DataFrame:
    """One row per match group to draw, with ``GROUP_COLUMNS``, ``spread`` and ``_datasets``.

    The row drawn is the record of the first data set in ``order`` (default: as they come) that
    holds the group; its ``fatalities`` are that data set's figure summed over its records.
    ``_datasets`` lists, per data set, its records (date, end date, place, actors, fatalities and
    low/high, and the claimants' figures from ``claims``), for the popup and the panel.
    Other columns are the drawn record's. A new frame: ``events`` is not changed.
    """
    figures = group_figures(events, groups)
    spread = group_spread(figures)
    datasets = text_values(events["dataset"]) if "dataset" in events else np.full(len(events), "", object)
    order = list(order or pd.unique(datasets))
    rank = pd.Series(datasets).map({d: k for k, d in enumerate(order)}).fillna(len(order)).to_numpy()
    work = events.assign(**{c: groups[c].to_numpy() for c in GROUP_COLUMNS}, _rank=rank,
                         _pos=np.arange(len(events)))
    chosen = work.sort_values(["match_group", "_rank", "event_date", "_pos"], kind="stable") \
        .drop_duplicates("match_group")
    out = chosen.drop(columns=["_rank", "_pos"]).copy()
    out["spread"] = spread.reindex(out["match_group"]).to_numpy()
    multi = out["datasets_held"].to_numpy() > 1
    records = pd.Series([None] * len(out), index=out.index, dtype=object)
    if multi.any():
        wanted = set(out["match_group"].to_numpy()[multi].tolist())
        members = work[work["match_group"].isin(wanted)]
        claimed = _claimant_figures(claims)
        by_group = {g: rows for g, rows in members.groupby("match_group", sort=False)}
        for idx, g in zip(out.index[multi], out["match_group"].to_numpy()[multi]):
            records[idx] = _records(by_group[g], order, claimed)
        # the drawn row's figure is its own data set's, summed over that data set's records
        fig = figures.set_index(["match_group", "dataset"])["best"]
        keys = list(zip(out["match_group"].to_numpy()[multi], text_values(out["dataset"])[multi]
                        if "dataset" in out else [""] * int(multi.sum())))
        out.loc[out.index[multi], "fatalities"] = fig.reindex(keys).to_numpy().astype(out["fatalities"].dtype)
    out[RECORDS_COLUMN] = records
    return out.sort_values(["event_date", "event_id"], kind="stable").reset_index(drop=True)


def _claimant_figures(claims: pd.DataFrame | None) -> dict[str, list[tuple[str, int]]]:
    """event_id -> [(claimant, killed)], the highest figure per claimant and side, sides added."""
    if claims is None or claims.empty or "killed" not in claims:
        return {}
    c = claims[claims["killed"].notna()]
    if c.empty:
        return {}
    per_side = c.groupby(["event_id", "claimant", "side"], sort=False)["killed"].max().reset_index()
    total = per_side.groupby(["event_id", "claimant"], sort=False)["killed"].sum().reset_index()
    out: dict[str, list[tuple[str, int]]] = {}
    for ev, who, killed in total.itertuples(index=False):
        out.setdefault(str(ev), []).append((str(who), int(killed)))
    return out


def _records(rows: pd.DataFrame, order: list[str], claimed: dict) -> list[dict]:
    rows = rows.assign(_o=rows["dataset"].map({d: k for k, d in enumerate(order)}).fillna(len(order)))
    out = []
    for r in rows.sort_values(["_o", "event_date", "event_id"], kind="stable").to_dict("records"):
        end = r.get("date_end")
        out.append({
            "dataset": str(r.get("dataset", "")), "event_id": str(r["event_id"]),
            "event_date": r["event_date"], "date_end": None if end is None or pd.isna(end) or str(end) == "" else end,
            "location": str(r.get("location", "")), "admin1": str(r.get("admin1", "") or ""),
            "actor1": str(r.get("actor1", "") or ""), "assoc_actor_1": str(r.get("assoc_actor_1", "") or ""),
            "actor2": str(r.get("actor2", "") or ""), "assoc_actor_2": str(r.get("assoc_actor_2", "") or ""),
            "event_type": str(r.get("event_type", "")), "fatalities": int(r["fatalities"]),
            "fatalities_low": _int_or_none(r.get("fatalities_low")),
            "fatalities_high": _int_or_none(r.get("fatalities_high")),
            # UCDP's low/best/high are its claims: shown as its figure already
            "claims": [] if _int_or_none(r.get("fatalities_low")) is not None else claimed.get(str(r["event_id"]), []),
        })
    return out


def _int_or_none(value):
    if value is None or (not isinstance(value, str) and pd.isna(value)) or str(value).strip() == "":
        return None
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def coverage_mask(collapsed: pd.DataFrame, *, only_one: bool = False, min_spread: float | None = None) -> np.ndarray:
    """Rows of ``collapse_groups``' frame to keep: held by only one data set (coverage gaps) and/or
    where the data sets' figures differ by more than ``min_spread`` times."""
    keep = np.ones(len(collapsed), dtype=bool)
    if only_one:
        keep &= collapsed["datasets_held"].to_numpy() == 1
    if min_spread is not None:
        keep &= (collapsed["datasets_held"].to_numpy() > 1) & (collapsed["spread"].to_numpy() > float(min_spread))
    return keep


#: Data sets whose figures for one event differ by more than this factor draw it as disputed.
DATASETS_DISAGREE = 2.0


def matched_events(events: pd.DataFrame, matches: pd.DataFrame, claims: pd.DataFrame | None = None,
                   *, order: list[str] | None = None, only_one: bool = False,
                   min_spread: float | None = None) -> pd.DataFrame:
    """``events`` of several data sets as the map draws them: one row per match group
    (``collapse_groups``), optionally only those held by one data set or whose data sets
    disagree by more than ``min_spread`` times (``coverage_mask``). Matches of records not in
    ``events`` (filtered out) are ignored."""
    if "dataset" in events and order is None and isinstance(events["dataset"].dtype, pd.CategoricalDtype):
        order = [str(c) for c in events["dataset"].cat.categories]
    groups = match_groups(events, matches)
    collapsed = collapse_groups(events, groups, claims, order)
    collapsed[POSSIBLE_COLUMN] = _possible_links(events, groups, matches, collapsed)
    keep = coverage_mask(collapsed, only_one=only_one, min_spread=min_spread)
    return collapsed if keep.all() else collapsed[keep].reset_index(drop=True)


def _possible_links(events: pd.DataFrame, groups: pd.DataFrame, matches: pd.DataFrame,
                    collapsed: pd.DataFrame) -> pd.Series:
    """Per drawn row, its records' "possible" links to records of other groups among ``events``:
    ``[{"dataset", "event_id", "km", "days", "reasons"}]`` (None where there are none)."""
    out = pd.Series([None] * len(collapsed), index=collapsed.index, dtype=object)
    if "link" not in matches or matches.empty or "dataset" not in events:
        return out
    possible = matches[matches["link"].astype(str) == "possible"]
    if possible.empty:
        return out
    keys = _keys(text_values(events["dataset"]), text_values(events["event_id"]))
    group = groups["match_group"].to_numpy()
    u = keys.get_indexer(_keys(possible["dataset_a"].to_numpy(), possible["event_id_a"].to_numpy()))
    v = keys.get_indexer(_keys(possible["dataset_b"].to_numpy(), possible["event_id_b"].to_numpy()))
    row_of = pd.Series(collapsed.index, index=collapsed["match_group"].to_numpy())
    found: dict[int, list[dict]] = {}
    for k, (x, y) in enumerate(zip(u.tolist(), v.tolist())):
        if x < 0 or y < 0 or group[x] == group[y]:
            continue
        m = possible.iloc[k]
        for here, there in ((x, y), (y, x)):
            if group[here] in row_of.index:
                found.setdefault(int(row_of[group[here]]), []).append({
                    "dataset": str(events["dataset"].iloc[there]), "event_id": str(events["event_id"].iloc[there]),
                    "km": float(m["km"]), "days": int(m["days"]), "reasons": str(m["reasons"])})
    for idx, links in found.items():
        out[idx] = links
    return out


def drawn_event_id(drawn: pd.DataFrame, event_id: str | None) -> str | None:
    """The id of the drawn row (``matched_events``) whose group holds the record ``event_id``: a link's
    ``event=`` names any record of a matched event (the curated set's, UCDP's...) and opens its group.
    ``event_id`` itself when it is drawn; None when no drawn row holds it."""
    if event_id is None or drawn is None or "event_id" not in drawn:
        return None
    ids = text_values(drawn["event_id"])
    if (ids == str(event_id)).any():
        return str(event_id)
    if RECORDS_COLUMN not in drawn:
        return None
    for drawn_id, records in zip(ids, drawn[RECORDS_COLUMN]):
        if records and any(str(r["event_id"]) == str(event_id) for r in records):
            return str(drawn_id)
    return None


def headline_figure(event) -> str | None:
    """The headline fatalities of a matched event, saying whose figure it is and the others' range:
    "14 (ACLED); the other data sets: 31 to 47". None for an event one data set holds (its figure is
    that data set's own, conservative where the data set says so)."""
    records = event.get(RECORDS_COLUMN) if hasattr(event, "get") else None
    if not records:
        return None
    own = str(event.get("dataset", "") or "")
    by_set: dict[str, int] = {}
    for r in records:
        by_set[r["dataset"]] = by_set.get(r["dataset"], 0) + int(r["fatalities"])
    others = [n for d, n in by_set.items() if d != own]
    text = _("{count} ({dataset})").format(count=format_number(int(event["fatalities"])), dataset=own)
    if not others:
        return text
    lo, hi = min(others), max(others)
    span = format_number(lo) if lo == hi else _("{low} to {high}").format(low=format_number(lo), high=format_number(hi))
    return _("{figure}; the other data sets: {span}").format(figure=text, span=span)


def matches_within(events: pd.DataFrame, matches: pd.DataFrame) -> pd.DataFrame:
    """The rows of the match table whose two records are both among ``events``."""
    if matches.empty or "dataset" not in events:
        return matches.iloc[0:0]
    keys = _keys(text_values(events["dataset"]), text_values(events["event_id"]))
    a = _keys(matches["dataset_a"].to_numpy(), matches["event_id_a"].to_numpy()).isin(keys)
    b = _keys(matches["dataset_b"].to_numpy(), matches["event_id_b"].to_numpy()).isin(keys)
    return matches[a & b].reset_index(drop=True)


def records_table(records: list[dict] | None) -> pd.DataFrame:
    """Each data set's records of one matched event, side by side, as a table for the panel:
    data set, id, dates, place, actors, fatalities (and UCDP's low-high), the claimants' figures."""
    rows = []
    for r in records or []:
        start = pd.Timestamp(r["event_date"]).date()
        end = pd.Timestamp(r["date_end"]).date() if r.get("date_end") is not None else None
        side_a = "; ".join(x for x in (r["actor1"], r["assoc_actor_1"]) if x)
        side_b = "; ".join(x for x in (r["actor2"], r["assoc_actor_2"]) if x)
        rows.append({
            "data set": r["dataset"], "record": r["event_id"],
            "dates": f"{start}" if end is None or end == start else f"{start} – {end}",
            "place": r["location"] + (f", {r['admin1']}" if r["admin1"] else ""),
            "actors": f"{side_a} vs {side_b}" if side_b else side_a, "type": r["event_type"],
            "fatalities": figure_text(r),
            "claims": "; ".join(f"{who}: {format_number(n)}" for who, n in r.get("claims", [])),
        })
    return pd.DataFrame(rows, columns=["data set", "record", "dates", "place", "actors", "type", "fatalities",
                                       "claims"])


def figure_text(record: dict) -> str:
    """A record's fatalities as its data set gives them: "47 (low 40, high 120)" or "11"."""
    best, low, high = record["fatalities"], record.get("fatalities_low"), record.get("fatalities_high")
    if low is None or high is None or (low == best and high == best):
        return format_number(best)
    return _("{best} (low {low}, high {high})").format(best=format_number(best), low=format_number(low),
                                                      high=format_number(high))
