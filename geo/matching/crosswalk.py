"""How records of different data sets are compared: actor aliases and the event-type crosswalk.

Two data sets rarely spell an actor the same way: ACLED's "Military Forces of Mali (2021-)" is
UCDP GED's "Government of Mali" and the army's own "FAMa"; ACLED's "CSP-DPA: Permanent Strategic
Framework for Peace, Security and Development" is UCDP's "CSP", earlier the "CMA", and from
30 November 2024 the "Azawad Liberation Front". ``data/actor_aliases.csv`` lists these, one alias a
row, with the dates between which the alias means the actor (an alias outside its dates is just
its own name). Both tables are documented in ``data/README.md``.

Names are compared folded: case, accents, punctuation and spacing ignored; ACLED's long form
"JNIM: Group for Support of Islam and Muslims" also answers to the part before the colon, and a
trailing "(Mali)" or "(2021-)" is dropped when the full name is not in the table.

``data/event_type_crosswalk.csv`` says which UCDP GED types of violence (1 state-based,
2 non-state, 3 one-sided) each ACLED event type and sub-event type can be. A UCDP record's type
is compatible with a record of ACLED's taxonomy when those sets meet. Two records that both use
ACLED's taxonomy (ACLED's, a curated set's, in its current or pre-2019 names) are compatible only
when their types are of one family (``geo.styles.event_type_family``) or of two families that one
event may be coded as (``ACLED_COMPATIBLE``): a battle and an air/drone strike are two events.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from ..events import DATA_DIR, text_values
from ..styles import EVENT_TYPE_FAMILIES, event_type_family

ALIASES_PATH = DATA_DIR / "actor_aliases.csv"
CROSSWALK_PATH = DATA_DIR / "event_type_crosswalk.csv"

#: UCDP GED's types of violence, by the name ``geo.io`` readers keep as the sub-event type.
UCDP_TYPES = {"State-based conflict": 1, "Non-state conflict": 2, "One-sided violence": 3}
#: Bit of each UCDP type in a type mask.
TYPE_BITS = {1: 1, 2: 2, 3: 4}
TYPE_NAMES = {1: "state-based", 2: "non-state", 3: "one-sided"}

_PUNCT = re.compile(r"[^0-9a-z]+")
_SUFFIX = re.compile(r"\s*\([^()]*\)\s*$")


def fold(name: str) -> str:
    """A name as compared: no accents, lower case, punctuation and spaces as single spaces."""
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return _PUNCT.sub(" ", text).strip()


def _date(value: str, path: str, row: int, field: str) -> float:
    """A validity date as a day number (days since 1970-01-01); NaN when empty."""
    value = str(value).strip()
    if not value:
        return np.nan
    try:
        return float((pd.Timestamp(value) - pd.Timestamp("1970-01-01")).days)
    except ValueError:
        raise DataError(f"{value!r} is not a date (expected YYYY-MM-DD)", path=path, row=row, field=field) from None


@dataclass(frozen=True)
class AliasTable:
    """The alias table, indexed by folded alias: ``rules[folded] = [(actor, from_day, to_day)]``."""

    rules: dict[str, tuple[tuple[str, float, float], ...]]
    generic: frozenset[str]  # actors that are no evidence of identity (civilians, unidentified)
    unidentified: frozenset[str]  # actors that may be anyone
    path: str

    def canonical(self, name: str, day: float) -> str:
        """The actor ``name`` means on ``day`` (a day number); the folded name itself if none."""
        keys = _keys(name)
        for key in keys:
            if key in self.rules:  # the most specific form in the table decides, with its dates
                for actor, lo, hi in self.rules[key]:
                    if (np.isnan(lo) or day >= lo) and (np.isnan(hi) or day <= hi):
                        return actor
                return key
        return keys[-1] if keys else ""

    def dated(self, name: str) -> bool:
        """Whether what ``name`` means depends on the date."""
        key = next((k for k in _keys(name) if k in self.rules), None)
        return key is not None and any(not (np.isnan(lo) and np.isnan(hi)) for _, lo, hi in self.rules[key])


@lru_cache(maxsize=4096)
def _keys(name: str) -> tuple[str, ...]:
    """The folded forms a name is looked up under, most specific first; the last is its identity."""
    full = fold(name)
    if not full:
        return ()
    keys = [full]
    head = str(name).split(":", 1)[0]
    if ":" in str(name) and fold(head):
        keys.append(fold(head))
    bare = _SUFFIX.sub("", str(name))
    if bare != str(name) and fold(bare):
        keys.append(fold(bare))
    return tuple(dict.fromkeys(keys))


def load_aliases(path: str | Path | None = None) -> AliasTable:
    """Read an alias table (columns ``actor, alias, valid_from, valid_to, generic, note``).

    ``valid_from``/``valid_to`` (YYYY-MM-DD, inclusive, empty: unbounded) bound the dates of
    the events for which ``alias`` means ``actor``; ``generic`` is "yes" for actors that say
    nothing about which event it is (civilians, an unidentified group). Raises ``DataError``
    naming the file, row and field of a bad value.
    """
    source = Path(path) if path is not None else ALIASES_PATH
    return _load_aliases(str(source))


@lru_cache(maxsize=8)
def _load_aliases(source: str) -> AliasTable:
    try:
        raw = pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataError("file not found", path=source) from None
    missing = {"actor", "alias"} - set(raw.columns)
    if missing:
        raise DataError(f"missing column(s) {', '.join(sorted(missing))}; expected actor, alias, valid_from, "
                        "valid_to, generic, note", path=source)
    rules: dict[str, list] = {}
    generic, unidentified = set(), set()
    for i, row in enumerate(raw.to_dict("records"), start=1):
        actor, alias = str(row["actor"]).strip(), str(row["alias"]).strip()
        if not actor or not alias:
            raise DataError("is empty", path=source, row=i, field="actor" if not actor else "alias")
        lo = _date(row.get("valid_from", ""), source, i, "valid_from")
        hi = _date(row.get("valid_to", ""), source, i, "valid_to")
        rules.setdefault(fold(alias), []).append((actor, lo, hi))
        if str(row.get("generic", "")).strip().lower() in ("yes", "true", "1"):
            generic.add(actor)
            if fold(actor).startswith(("unidentified", "unknown")):
                unidentified.add(actor)
    return AliasTable({k: tuple(v) for k, v in rules.items()}, frozenset(generic), frozenset(unidentified), source)


@dataclass(frozen=True)
class Crosswalk:
    """ACLED (event type, sub-event type) -> the UCDP types it can be, as a bit mask."""

    masks: dict[tuple[str, str], int]
    path: str

    def mask(self, event_type: str, sub_event_type: str) -> int:
        """The UCDP types a record can be. UCDP's own records name theirs in the sub-event type."""
        if sub_event_type in UCDP_TYPES:
            return TYPE_BITS[UCDP_TYPES[sub_event_type]]
        key = (fold(event_type), fold(sub_event_type))
        if key in self.masks:
            return self.masks[key]
        return self.masks.get((fold(event_type), "*"), 0)


def load_crosswalk(path: str | Path | None = None) -> Crosswalk:
    """Read the ACLED -> UCDP crosswalk (``acled_event_type, acled_sub_event_type, ucdp_type_of_violence``).

    ``acled_sub_event_type`` "*" is the event type's default; ``ucdp_type_of_violence`` lists
    the codes (1, 2, 3) separated by spaces, empty when the type has no UCDP counterpart.
    """
    source = str(Path(path) if path is not None else CROSSWALK_PATH)
    try:
        raw = pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataError("file not found", path=source) from None
    masks = {}
    for i, row in enumerate(raw.to_dict("records"), start=1):
        mask = 0
        for code in str(row.get("ucdp_type_of_violence", "")).split():
            if code not in ("1", "2", "3"):
                raise DataError(f"{code!r} is not a UCDP type of violence (1, 2, 3)", path=source, row=i,
                                field="ucdp_type_of_violence")
            mask |= TYPE_BITS[int(code)]
        masks[(fold(row["acled_event_type"]), fold(row["acled_sub_event_type"]) or "*")] = mask
        if row["acled_sub_event_type"].strip() == "*":
            masks[(fold(row["acled_event_type"]), "*")] = mask
    return Crosswalk(masks, source)


def type_masks(events: pd.DataFrame, crosswalk: Crosswalk) -> np.ndarray:
    """Each record's UCDP type mask (vectorised over the distinct type pairs)."""
    types = text_values(events["event_type"]) if "event_type" in events else np.full(len(events), "", object)
    subs = text_values(events["sub_event_type"]) if "sub_event_type" in events else np.full(len(events), "", object)
    ct, ut = pd.factorize(types)
    cs, us = pd.factorize(subs)
    pairs, codes = np.unique(ct.astype(np.int64) * (len(us) + 1) + cs, return_inverse=True)
    table = np.array([crosswalk.mask(ut[p // (len(us) + 1)], us[p % (len(us) + 1)]) for p in pairs.tolist()],
                     dtype=np.int8)
    return table[codes.ravel()] if len(codes) else np.zeros(0, dtype=np.int8)


#: Families of ACLED's types that two data sets may give the same event: a strike on civilians is
#: "Explosions/Remote violence" in one and "Violence against civilians" in another; a riot and a
#: protest are told apart differently. Any other two families are two events (a battle and an
#: air/drone strike, a battle and a strategic development).
ACLED_COMPATIBLE = (frozenset({"Explosions/Remote violence", "Violence against civilians"}),
                    frozenset({"Riots", "Protests"}))
_FAMILIES = list(EVENT_TYPE_FAMILIES)
#: FAMILY_COMPATIBLE[f, g]: whether records of ACLED families f and g (indices in ``_FAMILIES``) may be one event.
FAMILY_COMPATIBLE = np.array([[f == g or frozenset({f, g}) in ACLED_COMPATIBLE for g in _FAMILIES]
                              for f in _FAMILIES], dtype=bool)


def type_families(events: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each record's ACLED family (an index of ``EVENT_TYPE_FAMILIES``, -1 when unknown) and whether it
    is a UCDP record (its sub-event type one of UCDP's types of violence: compared by the crosswalk)."""
    n = len(events)
    types = text_values(events["event_type"]) if "event_type" in events else np.full(n, "", object)
    subs = text_values(events["sub_event_type"]) if "sub_event_type" in events else np.full(n, "", object)
    codes, uniques = pd.factorize(types)
    table = np.array([_FAMILIES.index(f) if (f := event_type_family(u)) in _FAMILIES else -1 for u in uniques]
                     + [-1], dtype=np.int64)
    ucdp = pd.Series(subs, dtype=object).isin(list(UCDP_TYPES)).to_numpy()
    return table[codes], ucdp


def types_compatible(mask_a, mask_b, type_a, type_b, family_a, family_b, ucdp_a, ucdp_b) -> np.ndarray:
    """Whether pairs of records may be one event by their types (arrays, element-wise): two records of
    ACLED's taxonomy by family (``FAMILY_COMPATIBLE``); else through the crosswalk's masks, or the
    same type's text."""
    family_a, family_b = np.asarray(family_a), np.asarray(family_b)
    acled_both = ~np.asarray(ucdp_a) & ~np.asarray(ucdp_b) & (family_a >= 0) & (family_b >= 0)
    by_family = FAMILY_COMPATIBLE[np.maximum(family_a, 0), np.maximum(family_b, 0)]
    type_a = np.asarray(type_a, dtype=object)
    by_mask = ((np.asarray(mask_a) & np.asarray(mask_b)) != 0) | ((type_a == np.asarray(type_b, dtype=object))
                                                                  & (type_a != ""))
    return np.where(acled_both, by_family, by_mask)


def describe_mask(mask: int) -> str:
    """A type mask in words ("state-based or non-state")."""
    names = [TYPE_NAMES[c] for c, bit in TYPE_BITS.items() if mask & bit]
    return " or ".join(names) if names else "no UCDP type"


def same_actor(selected, names, aliases: AliasTable | None = None) -> list[str]:
    """Of ``names`` (the actors in the data), those that are the same actor as one of ``selected``
    through the alias table at any date ("Government of Mali" -> "Military Forces of Mali (2021-)",
    "FAMa" ...), the selected ones included, in ``names``' order. Each data set's spelling, so that an
    actor filter keeps its events in every data set."""
    aliases = aliases or load_aliases()

    def actors_of(name: str) -> set[str]:
        keys = _keys(name)
        key = next((k for k in keys if k in aliases.rules), None)
        found = {a for a, _, _ in aliases.rules[key]} if key is not None else set()
        return found or ({keys[-1]} if keys else set())

    wanted = set().union(*(actors_of(s) for s in selected)) if selected else set()
    chosen = set(selected)
    return [n for n in names if n in chosen or actors_of(n) & wanted]
