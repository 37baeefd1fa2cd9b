"""ACLED's monadic export, folded back into one event per event.

ACLED's export tool and API write events "dyadic" (one row per event, actor1 and actor2
on it) or "monadic" (one row per actor: an event with two sides comes twice, with the same
``event_id_cnty`` and ``data_id``, each row's ``actor1`` one side). Read as they are, the
second rows would be duplicate ids and the other side of every event would be lost.

``fold_monadic`` finds such pairs among the rows that are otherwise good: the same id
(and ``data_id`` where the file has it), the same date, type and place, whatever the actors:
the same actor on both sides is a real pair too (Rioters–Rioters, Protesters–Protesters, two
factions ACLED names alike), as long as neither row names a third actor as ``actor2``. The first
row in the file becomes the event; the second row's ``actor1``, ``assoc_actor_1`` and ``inter1``
become its ``actor2``, ``assoc_actor_2`` and ``inter2`` where those are empty (an ``inter2``
column is made when the file has ``inter1`` only). Fatalities
are the event's, counted once (the first row's; a second row that differs is reported).

How a folded row counts: it is *accepted* (nothing in it was wrong, and its actor is in the
event), but it is not an event of its own. So ``accepted + rejected == rows_read`` holds,
and the events number ``accepted - folded``; ``ImportReport.folded`` lists each folded row
with the row it went into. A third row with the same id is a duplicate, rejected as before.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..i18n import N_

FOLDED_COLUMNS = ["row", "event_id", "into_row", "actor"]


def empty_folds() -> pd.DataFrame:
    return pd.DataFrame({"row": pd.Series([], dtype="int64"), "event_id": pd.Series([], dtype=object),
                         "into_row": pd.Series([], dtype="int64"), "actor": pd.Series([], dtype=object)})


def _text(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name not in frame.columns:
        return np.full(len(frame), "", dtype=object)
    return frame[name].astype(object).where(frame[name].notna(), "").astype(str).str.strip().to_numpy(dtype=object)


def _equal(column: pd.Series, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    a, b = column.iloc[i].reset_index(drop=True), column.iloc[j].reset_index(drop=True)
    eq = (a == b).fillna(False).astype(bool) | (a.isna() & b.isna())
    return eq.to_numpy(dtype=bool)


def fold_monadic(frame: pd.DataFrame, ids: pd.Series, bad: np.ndarray
                 ) -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame, list[str]]:
    """Fold monadic pairs among the rows not ``bad``.

    Returns the frame (a copy where a pair was folded: the first rows carry both sides), a
    boolean mask of the folded (second) rows, their list (``FOLDED_COLUMNS``, rows from 1)
    and the report's notes.
    """
    n = len(frame)
    folded = np.zeros(n, dtype=bool)
    key = ids.to_numpy(dtype=object)
    cand = np.flatnonzero(~bad & (key != ""))
    if not len(cand):
        return frame, folded, empty_folds(), []
    dup = pd.Series(key[cand]).duplicated(keep=False).to_numpy()
    if not dup.any():
        return frame, folded, empty_folds(), []
    pos = cand[dup]
    groups = pd.DataFrame({"pos": pos, "id": key[pos]})
    groups["first"] = groups.groupby("id", sort=False)["pos"].transform("min")
    groups["nth"] = groups.groupby("id", sort=False).cumcount()
    second = groups[groups["nth"] == 1]
    i, j = second["first"].to_numpy(), second["pos"].to_numpy()

    def same(name: str) -> np.ndarray:
        if name not in frame.columns:
            return np.ones(len(i), dtype=bool)
        return _equal(frame[name], i, j)

    actor1, actor2 = _text(frame, "actor1"), _text(frame, "actor2")
    a1i, a1j, a2i, a2j = actor1[i], actor1[j], actor2[i], actor2[j]
    ok = (same("event_date") & same("latitude") & same("longitude") & same("event_type") & same("data_id")
          & ((a2i == "") | (a2i == a1j)) & ((a2j == "") | (a2j == a1i)))
    if not ok.any():
        return frame, folded, empty_folds(), []
    i, j, a1j = i[ok], j[ok], a1j[ok]
    frame = frame.copy()
    assoc1, assoc2 = _text(frame, "assoc_actor_1"), _text(frame, "assoc_actor_2")
    take = actor2[i] == ""
    columns = {"actor2": ("actor1", take)}
    columns["assoc_actor_2"] = ("assoc_actor_1", (assoc2[i] == "") & (assoc1[j] != ""))
    if "inter1" in frame.columns:
        if "inter2" not in frame.columns:
            frame["inter2"] = pd.Series("", index=frame.index, dtype=object)
        inter2 = _text(frame, "inter2")
        columns["inter2"] = ("inter1", inter2[i] == "")
    for target, (source, mask) in columns.items():
        if mask.any():
            values = frame[target].to_numpy(dtype=object).copy()
            values[i[mask]] = _text(frame, source)[j[mask]]
            frame[target] = pd.Series(values, index=frame.index, dtype=object).astype(frame[target].dtype)
    folded[j] = True
    folds = pd.DataFrame({"row": j + 1, "event_id": key[j], "into_row": i + 1, "actor": a1j})
    notes = [N_("{count} event(s) came as two rows, one per actor (ACLED's monadic export): each pair folded into "
                "one event with both sides, fatalities counted once (e.g. rows {row} and {other_row}, {id}); the "
                "folded rows count as accepted, so the events number accepted - {folded}").format(
        count=len(j), row=i[0] + 1, other_row=j[0] + 1, id=key[j[0]], folded=len(j))]
    if "fatalities" in frame.columns:
        differ = ~_equal(frame["fatalities"], i, j)
        a, b = frame["fatalities"].to_numpy(dtype=object)[i], frame["fatalities"].to_numpy(dtype=object)[j]
        if differ.any():
            k = int(np.flatnonzero(differ)[0])
            notes.append(N_("{count} folded pair(s) gave different fatalities; the first row's are kept (e.g. {id}: "
                            "row {row} {value}, row {other_row} {other_value})").format(
                count=int(differ.sum()), id=key[j[k]], row=i[k] + 1, value=a[k], other_row=j[k] + 1,
                other_value=b[k]))
    return frame, folded, folds, notes
