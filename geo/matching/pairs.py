"""One event, many data sets: find the records of two or more data sets that are the same event.

``match_events(acled, ucdp, curated, days=1, km=10)`` compares every data set with every other
and returns the **match table**: one row per pair of records taken to be the same event, with its
reasons (how many km and days apart, the actors in common, the types) and a score. In the spirit
of meltt (Donnay et al., "Integrating Conflict Event Data", Journal of Conflict Resolution 2019),
with each record's own precision:

- **Time**: a record covers its days, from ``event_date`` to ``date_end`` when the file has one
  (UCDP GED's multi-day events), widened by its ``time_precision`` (1: the day, 2: the week,
  ±7 days, 3: the month, ±31 days: ``TIME_SLACK_DAYS``). Two records are near in time when these
  spans are at most ``days`` apart.
- **Space**: two records are near when their points are at most ``km`` apart, plus each record's
  uncertainty from its ``geo_precision`` (2: 25 km, a town's surroundings or UCDP's "within
  25 km"; 3: 100 km, a region: ``PLACE_SLACK_KM``). Distances are great-circle.
- **Actors**: both records name their actors through the alias table (``geo.matching.crosswalk``); two
  records that both name an actor must have one in common. Civilians and unidentified groups are
  no evidence either way: a record naming only them is compared on time, place and type.
- **Type**: the event types must be compatible: through the ACLED <-> UCDP crosswalk for a UCDP
  record (a strike on civilians only is one-sided violence), by family for two records of ACLED's
  taxonomy (``geo.matching.crosswalk.types_compatible``: a battle and an air/drone strike are two events).

Every pair passing all four is a candidate. Each record keeps its best candidate in every other
data set (highest score); the union of these choices is the match table, so one record may be the
best candidate of several of another data set's (UCDP's rows per dyad, ACLED's rows per day).
The matches are then taken best first (``_link``): each joins its records' groups ("same") unless a
group would hold two records of one data set or two records whose types are two events; the others
stay "possible" (the ``link`` column). Records linked by "same" matches form one **match group**
(``geo.matching.groups.match_groups``): never two records of one data set.

Candidates come from an index, never from all pairs (``geo.matching.index``: cells on the sphere by
day, looked up with binary searches); each candidate is then checked exactly.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .crosswalk import (TYPE_BITS, AliasTable, Crosswalk, describe_mask, fold, load_aliases, load_crosswalk, type_families,
                        type_masks, types_compatible)
from ..errors import MatchError
from .index import candidates as _candidates
from ..events import ASSOC_ACTOR_COLUMNS, split_list, text_values

#: The default windows: how far apart in days (beyond each record's own precision) and in km.
DEFAULT_DAYS = 1
DEFAULT_KM = 10.0
#: How much a record's precision widens its time span (days, each side) and its place (km).
TIME_SLACK_DAYS = {1: 0, 2: 7, 3: 31}
PLACE_SLACK_KM = {1: 0.0, 2: 25.0, 3: 100.0}
MATCH_COLUMNS = ["dataset_a", "event_id_a", "dataset_b", "event_id_b", "km", "days", "actors", "types",
                 "score", "reasons", "link"]
#: A match's ``link``: its two records are one event ("same": in one match group), or the second
#: best fit of a record whose data set the group already holds ("possible": shown, not merged).
SAME, POSSIBLE = "same", "possible"
EARTH_KM = 6371.0088
_EPOCH = np.datetime64("1970-01-01", "D")


# --- preparing a data set -------------------------------------------------------------------


class _Records:
    """The arrays matching needs of one data set (ids, days, places, precisions, actors, types)."""

    def __init__(self, frame: pd.DataFrame, name: str, aliases: AliasTable, crosswalk: Crosswalk,
                 vocab: _Vocab):
        self.name = name
        self.frame = frame
        self.ids = _ids(frame, name)
        n = len(frame)
        start = _days(frame["event_date"], name, "event_date")
        end = _days(frame["date_end"], name, "date_end", optional=True) if "date_end" in frame else start
        end = np.where(np.isnan(end) | (end < start), start, end)
        tp = _precision(frame, "time_precision", n)
        gp = _precision(frame, "geo_precision", n)
        self.slack_days = np.select([tp == 2, tp == 3], [TIME_SLACK_DAYS[2], TIME_SLACK_DAYS[3]], 0).astype(np.int64)
        self.slack_km = np.select([gp == 2, gp == 3], [PLACE_SLACK_KM[2], PLACE_SLACK_KM[3]], 0.0)
        self.start, self.end = start.astype(np.int64), end.astype(np.int64)
        self.lat = np.radians(pd.to_numeric(frame["latitude"], errors="coerce").to_numpy(dtype=float))
        self.lon = np.radians(pd.to_numeric(frame["longitude"], errors="coerce").to_numpy(dtype=float))
        bad = ~(np.isfinite(self.lat) & np.isfinite(self.lon))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise MatchError(f"data set {name!r}, row {i + 1} (event {self.ids[i]!r}): no latitude/longitude")
        self.xyz = np.column_stack([np.cos(self.lat) * np.cos(self.lon), np.cos(self.lat) * np.sin(self.lon),
                                    np.sin(self.lat)]) * EARTH_KM
        self.types = _on_civilians(frame, type_masks(frame, crosswalk))
        self.event_type = text_values(frame["event_type"]) if "event_type" in frame else np.full(n, "", object)
        self.family, self.ucdp = type_families(frame)
        self.actors = _actor_ids(frame, self.start, aliases, vocab)


def _on_civilians(frame: pd.DataFrame, masks: np.ndarray) -> np.ndarray:
    """A record whose other side is only civilians ("Civilians (Mali)") is one-sided violence where
    its type can be (an air/drone strike on gold miners is not a battle's state-based violence)."""
    if "actor2" not in frame:
        return masks
    codes, uniques = pd.factorize(text_values(frame["actor2"]))
    civilians = np.array([fold(u).startswith("civilians") for u in uniques] + [False], dtype=bool)[codes]
    one_sided = TYPE_BITS[3]
    return np.where(civilians & ((masks & one_sided) != 0), one_sided, masks).astype(masks.dtype)


def _ids(frame: pd.DataFrame, name: str) -> np.ndarray:
    if "event_id" not in frame.columns:
        raise MatchError(f"data set {name!r} has no event_id column: every record needs an id to be matched "
                         "(and to say which record matched which)")
    ids = pd.Series(text_values(frame["event_id"]), dtype=object).astype(str)
    blank = ids.str.strip().eq("").to_numpy()
    if blank.any():
        i = int(np.flatnonzero(blank)[0])
        raise MatchError(f"data set {name!r}, row {i + 1}: event_id is empty ({int(blank.sum())} record(s) "
                         "without an id); every record needs an id to be matched")
    dup = ids.duplicated().to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise MatchError(f"data set {name!r}, row {i + 1}: duplicate event_id {ids.iloc[i]!r}")
    return ids.to_numpy(dtype=object)


def _days(column: pd.Series, name: str, field: str, *, optional: bool = False) -> np.ndarray:
    values = pd.to_datetime(column, errors="coerce")
    days = (values.to_numpy(dtype="datetime64[D]") - _EPOCH).astype("timedelta64[D]").astype(float)
    days[values.isna().to_numpy()] = np.nan
    if not optional and np.isnan(days).any():
        i = int(np.flatnonzero(np.isnan(days))[0])
        raise MatchError(f"data set {name!r}, row {i + 1}, field {field!r}: not a date")
    return days


def _precision(frame: pd.DataFrame, column: str, n: int) -> np.ndarray:
    if column not in frame:
        return np.ones(n, dtype=np.int64)
    return pd.to_numeric(frame[column], errors="coerce").fillna(1).to_numpy(dtype=np.int64)


def _actor_ids(frame: pd.DataFrame, days: np.ndarray, aliases: AliasTable, vocab: _Vocab) -> np.ndarray:
    """Each record's actors (both sides, associated ones included) as canonical ids, -1 padded, distinct."""
    n = len(frame)
    blocks = []
    for column in ("actor1", "assoc_actor_1", "actor2", "assoc_actor_2"):
        if column not in frame:
            continue
        codes, uniques = pd.factorize(text_values(frame[column]))
        names = [split_list(u) if column in ASSOC_ACTOR_COLUMNS else ([u.strip()] if u.strip() else [])
                 for u in uniques]
        width = min(max((len(x) for x in names), default=0), 4)
        if width == 0:
            continue
        table = np.full((len(uniques) + 1, width), -1, dtype=np.int32)  # last row: missing values (code -1)
        dated = np.zeros(len(uniques) + 1, dtype=bool)
        for u, listed in enumerate(names):
            dated[u] = any(aliases.dated(x) for x in listed[:width])
            for k, x in enumerate(listed[:width]):
                table[u, k] = _vocab_id(vocab, aliases.canonical(x, 0.0), x)
        block = table[codes]
        rows = np.flatnonzero(dated[codes])
        if len(rows):  # names whose meaning depends on the date: resolved once per (value, day)
            combo, first = np.unique(np.column_stack([codes[rows], days[rows]]), axis=0, return_inverse=True)
            resolved = np.full((len(combo), width), -1, dtype=np.int32)
            for c, (u, day) in enumerate(combo):
                for k, x in enumerate(names[int(u)][:width]):
                    resolved[c, k] = _vocab_id(vocab, aliases.canonical(x, float(day)), x)
            block[rows] = resolved[first.ravel()]
        blocks.append(block)
    if not blocks:
        return np.full((n, 1), -1, dtype=np.int32)
    ids = np.sort(np.concatenate(blocks, axis=1), axis=1)
    ids[:, 1:][ids[:, 1:] == ids[:, :-1]] = -1  # the same actor twice (actor1 also associated) counts once
    return ids


class _Vocab(dict):
    """Canonical actor -> id (0, 1, ...), and ``labels``: how to show each: the alias table's name,
    or the first spelling seen of a name not in the table (whose identity is its folded name)."""

    def __init__(self):
        super().__init__()
        self.labels: list[str] = []


_SUFFIX = re.compile(r"\s*\([^()]*\)\s*$")


def _vocab_id(vocab: _Vocab, actor: str, spelled: str) -> int:
    if not actor:
        return -1
    ident = vocab.get(actor)
    if ident is None:
        ident = vocab[actor] = len(vocab)
        vocab.labels.append(actor if actor != fold(actor) else
                            _SUFFIX.sub("", str(spelled).split(":", 1)[0]).strip() or actor)
    return ident


# --- comparing candidate pairs -------------------------------------------------------------------


def _great_circle_km(a: _Records, b: _Records, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    dlat, dlon = b.lat[j] - a.lat[i], b.lon[j] - a.lon[i]
    h = np.sin(dlat / 2) ** 2 + np.cos(a.lat[i]) * np.cos(b.lat[j]) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1)))


def _actor_check(a: _Records, b: _Records, i: np.ndarray, j: np.ndarray, generic: np.ndarray,
                 unidentified: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whether each pair's actors allow a match, and an actor score in 0..1."""
    ok = np.zeros(len(i), dtype=bool)
    score = np.zeros(len(i), dtype=float)
    for s in range(0, len(i), 1_000_000):
        ai, bj = a.actors[i[s:s + 1_000_000]], b.actors[j[s:s + 1_000_000]]
        named_a = (ai >= 0) & ~generic[ai]
        named_b = (bj >= 0) & ~generic[bj]
        same = (ai[:, :, None] == bj[:, None, :]) & (ai[:, :, None] >= 0)
        common_named = (same & named_a[:, :, None]).sum(axis=(1, 2))
        common_any = same.any(axis=(1, 2))
        na, nb = named_a.sum(axis=1), named_b.sum(axis=1)
        anyone = ((ai >= 0) & unidentified[ai]).any(axis=1) | ((bj >= 0) & unidentified[bj]).any(axis=1)
        # both name actors: one must be shared; else (a side only "civilians"/"unidentified"), a
        # shared generic actor or an unidentified one is enough
        these = np.where((na > 0) & (nb > 0), common_named > 0, common_any | anyone)
        ok[s:s + len(these)] = these
        score[s:s + len(these)] = np.where(common_named > 0, common_named / np.maximum(np.minimum(na, nb), 1),
                                           np.where(common_any, 0.3, 0.15))
    return ok, score


def _pair_table(a: _Records, b: _Records, days: int, km: float, vocab: _Vocab,
                aliases: AliasTable) -> pd.DataFrame:
    i, j = _candidates(a, b, days, km)
    # time: the gap between the two spans, and the window their precisions allow
    gap = np.maximum(0, np.maximum(a.start[i], b.start[j]) - np.minimum(a.end[i], b.end[j]))
    allowed_days = days + a.slack_days[i] + b.slack_days[j]
    keep = gap <= allowed_days
    i, j, gap, allowed_days = i[keep], j[keep], gap[keep], allowed_days[keep]
    dist = _great_circle_km(a, b, i, j)
    allowed_km = km + a.slack_km[i] + b.slack_km[j]
    keep = dist <= allowed_km
    i, j, gap, allowed_days, dist, allowed_km = (x[keep] for x in (i, j, gap, allowed_days, dist, allowed_km))
    keep = types_compatible(a.types[i], b.types[j], a.event_type[i], b.event_type[j], a.family[i], b.family[j],
                            a.ucdp[i], b.ucdp[j])
    i, j, gap, allowed_days, dist, allowed_km = (x[keep] for x in (i, j, gap, allowed_days, dist, allowed_km))
    names = np.array(list(vocab), dtype=object)  # canonical names, by id
    generic = np.array([n in aliases.generic for n in names] + [False], dtype=bool)  # index -1 -> False
    unidentified = np.array([n in aliases.unidentified for n in names] + [False], dtype=bool)
    ok, actor_score = _actor_check(a, b, i, j, generic, unidentified)
    i, j, gap, allowed_days, dist, allowed_km, actor_score = (
        x[ok] for x in (i, j, gap, allowed_days, dist, allowed_km, actor_score))
    space = 1 - dist / np.maximum(allowed_km, 1e-9)
    time = 1 - gap / (allowed_days + 1)
    score = 0.35 * space + 0.3 * time + 0.35 * actor_score
    # ties (ACLED's daily rows all within UCDP's span) go to the record that starts on the same day
    lag = np.abs(a.start[i] - b.start[j])
    return pd.DataFrame({"i": i, "j": j, "km": dist, "days": gap, "score": score, "lag": lag})


def _best(pairs: pd.DataFrame) -> pd.DataFrame:
    """Each record's best candidate on either side, unioned: a record may be the best candidate of
    several (ACLED's daily rows of UCDP's span); ``_link`` then keeps one link per data set and group."""
    if pairs.empty:
        return pairs
    ordered = pairs.sort_values(["score", "km", "lag", "days"], ascending=[False, True, True, True], kind="stable")
    best_a = ~ordered["i"].duplicated()
    best_b = ~ordered["j"].duplicated()
    return ordered[best_a.to_numpy() | best_b.to_numpy()].sort_values(["i", "j"], kind="stable")


def _reasons(a: _Records, b: _Records, chosen: pd.DataFrame, vocab_names: np.ndarray) -> pd.DataFrame:
    """The match table's rows: texts built once per distinct combination (of actors in common, of
    types), not once per match (a million matches)."""
    i, j = chosen["i"].to_numpy(), chosen["j"].to_numpy()
    ai, bj = a.actors[i], b.actors[j]
    shared = ((ai[:, :, None] == bj[:, None, :]) & (ai[:, :, None] >= 0)).any(axis=2)
    combos, which = np.unique(np.sort(np.where(shared, ai, -1), axis=1), axis=0, return_inverse=True)
    names = np.array(["; ".join(sorted(str(vocab_names[k]) for k in row if k >= 0)) for row in combos.tolist()],
                     dtype=object)
    common = names[which.ravel()] if len(i) else np.zeros(0, dtype=object)
    ta, tb = a.event_type[i], b.event_type[j]
    both = (a.types[i] & b.types[j]).astype(np.int64)
    keys = pd.MultiIndex.from_arrays([ta, tb, both])
    codes, uniques = pd.factorize(keys) if len(i) else (np.zeros(0, np.int64), [])
    texts = np.array([f"{x} / {y}" if x == y else f"{x} / {y} ({describe_mask(int(m))})" for x, y, m in uniques],
                     dtype=object)
    types = texts[codes] if len(i) else np.zeros(0, dtype=object)
    day_vals = chosen["days"].to_numpy()
    km_text = pd.Series(chosen["km"].to_numpy()).map("{:.1f} km apart".format).to_numpy(dtype=object)
    days_text = np.where(day_vals == 0, "same days", pd.Series(day_vals).map("{:d} day(s) apart".format)
                         .to_numpy(dtype=object)).astype(object)
    actors_text = np.where(common == "", "none named", common).astype(object)
    reasons = km_text + "; " + days_text + "; actors in common: " + actors_text + "; types: " + types
    return pd.DataFrame({
        "dataset_a": a.name, "event_id_a": a.ids[i], "dataset_b": b.name, "event_id_b": b.ids[j],
        "km": chosen["km"].round(2).to_numpy(), "days": day_vals.astype(int), "actors": common,
        "types": types, "score": chosen["score"].round(3).to_numpy(), "reasons": reasons,
    })


# --- the public functions ----------------------------------------------------------------------


def _split(frames: tuple[pd.DataFrame, ...], names) -> list[tuple[str, pd.DataFrame]]:
    if len(frames) == 1 and "dataset" in frames[0].columns:  # one combined frame: its data sets
        combined = frames[0]
        labels = text_values(combined["dataset"])
        names = list(pd.unique(labels))
        if isinstance(combined["dataset"].dtype, pd.CategoricalDtype):  # the data sets' own order
            names = [n for n in combined["dataset"].cat.categories if n in set(names)]
        parts = [(str(n), combined[labels == n]) for n in names]
    else:
        parts = []
        for k, frame in enumerate(frames):
            if not isinstance(frame, pd.DataFrame):
                raise MatchError(f"data set {k + 1} is a {type(frame).__name__}, not a table of events")
            if names is not None and k < len(names):
                label = str(names[k])
            elif "dataset" in frame.columns and frame["dataset"].nunique() == 1:
                label = str(frame["dataset"].iloc[0])
            else:
                label = str(frame.attrs.get("dataset") or f"data set {k + 1}")
            parts.append((label, frame))
    if len(parts) < 2:
        raise MatchError("matching needs two data sets or more: one data set cannot be matched with itself")
    for k, (name, frame) in enumerate(parts):
        for other_name, other in parts[:k]:
            if frame is other:
                raise MatchError(f"data set {name!r} is given twice: a data set cannot be matched with itself")
            if name == other_name:
                raise MatchError(f"two data sets are both named {name!r}: give each its own name")
            if len(frame) == len(other) and len(frame) and "event_id" in frame and "event_id" in other and \
                    set(text_values(frame["event_id"])) == set(text_values(other["event_id"])):
                raise MatchError(f"data sets {other_name!r} and {name!r} hold the same events (the same ids): "
                                 "a data set cannot be matched with itself")
    return parts


def match_events(*datasets: pd.DataFrame, days: int = DEFAULT_DAYS, km: float = DEFAULT_KM,
                 names=None, aliases: AliasTable | None = None,
                 crosswalk: Crosswalk | None = None) -> pd.DataFrame:
    """The match table of two or more data sets (or of one frame with a ``dataset`` column).

    Parameters
    ----------
    *datasets
        Events in the canonical schema (``geo.events``), each from one data set. A data set's
        name is ``names[k]``, else its ``dataset`` column's one value, else ``attrs["dataset"]``.
        An optional ``date_end`` column makes a record a span (UCDP GED's multi-day events).
    days, km
        The windows, beyond each record's own precision (see the module's notes).
    aliases, crosswalk
        The actor alias table and the event-type crosswalk (``geo.matching.crosswalk``); the shipped ones
        by default.

    Returns
    -------
    DataFrame
        ``MATCH_COLUMNS``: the two records (data set, event id), ``km`` and ``days`` apart (0 when
        the spans overlap), the ``actors`` in common, the ``types``, a ``score`` (0-1: nearer,
        closer in time and more actors in common score higher) and the ``reasons`` in words.

    Raises
    ------
    MatchError
        A data set without ids (or with empty or duplicate ones), a data set given twice or
        matched with itself, fewer than two data sets.
    """
    if days < 0 or km < 0 or not np.isfinite(km):
        raise MatchError(f"the windows must be positive: days={days!r}, km={km!r}")
    aliases = aliases or load_aliases()
    crosswalk = crosswalk or load_crosswalk()
    parts = _split(datasets, names)
    vocab = _Vocab()
    records = [_Records(frame, name, aliases, crosswalk, vocab) for name, frame in parts]
    vocab_names = np.array(vocab.labels, dtype=object)
    tables = []
    for x in range(len(records)):
        for y in range(x + 1, len(records)):
            a, b = records[x], records[y]
            if not len(a.ids) or not len(b.ids):
                continue
            chosen = _best(_pair_table(a, b, int(days), float(km), vocab, aliases))
            if len(chosen):
                tables.append(_reasons(a, b, chosen, vocab_names).assign(
                    _a=x, _i=chosen["i"].to_numpy(), _b=y, _j=chosen["j"].to_numpy(), _lag=chosen["lag"].to_numpy()))
    if not tables:
        return empty_match_table()
    table = pd.concat(tables, ignore_index=True)
    table["link"] = _link(records, table)
    return table[MATCH_COLUMNS]


def _link(records: list[_Records], table: pd.DataFrame) -> np.ndarray:
    """Each match's ``link``: the matches are taken best first (score, then nearer, then starting on
    nearer days) and join their two records' groups unless the groups would then hold two records of
    one data set, or two records whose types are two events (``types_compatible``: a battle and an
    air/drone strike); such a match stays "possible". So two records of one data set are never one
    event, whatever a third data set's record links, and each record is linked to its best fit."""
    offsets = np.concatenate([[0], np.cumsum([len(r.ids) for r in records])]).astype(np.int64)
    u = (offsets[table["_a"].to_numpy()] + table["_i"].to_numpy()).tolist()
    v = (offsets[table["_b"].to_numpy()] + table["_j"].to_numpy()).tolist()
    dataset = np.repeat(np.arange(len(records)), [len(r.ids) for r in records])
    mask, etype, family, ucdp = (np.concatenate([getattr(r, f) for r in records])
                                 for f in ("types", "event_type", "family", "ucdp"))
    order = np.lexsort((table["_lag"].to_numpy(), table["km"].to_numpy(), -table["score"].to_numpy()))
    parent: dict[int, int] = {}
    members: dict[int, list[int]] = {}

    def find(n: int) -> int:
        root = n
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(n, n) != root:  # path compression
            parent[n], n = root, parent[n]
        return root

    link = np.full(len(table), POSSIBLE, dtype=object)
    for e in order.tolist():
        x, y = find(u[e]), find(v[e])
        if x != y:
            mx, my = members.get(x, [x]), members.get(y, [y])
            if len(mx) + len(my) > 2:
                if set(dataset[mx].tolist()) & set(dataset[my].tolist()):
                    continue
                p, q = np.repeat(mx, len(my)), np.tile(my, len(mx))
                if not types_compatible(mask[p], mask[q], etype[p], etype[q], family[p], family[q],
                                        ucdp[p], ucdp[q]).all():
                    continue
            parent[y] = x
            members[x] = mx + my
            members.pop(y, None)
        link[e] = SAME
    return link


def empty_match_table() -> pd.DataFrame:
    """A match table with no matches (``MATCH_COLUMNS``, typed)."""
    return pd.DataFrame({c: pd.Series(dtype=float if c in ("km", "score") else int if c == "days" else object)
                         for c in MATCH_COLUMNS})
