"""The index of ``geo.matching.pairs``: the pairs of records of two data sets that may be near enough in
space and time, found without comparing all pairs.

Records are put on a grid of cells on the sphere: 3-D cells (of the points' Earth-centred
coordinates, in km) twice as wide as the farthest two records may be apart, so that a record's
neighbours are in its own cell or in those on the sides it is nearer to (8 cells, 2 x 2 x 2). Within
a cell, records are sorted by day: a key is the cell's code followed by the day. Each record looks up
the day range it may match in its 8 cells with two binary searches each.
"""

from __future__ import annotations

import numpy as np

_DAY_BITS = 22  # day numbers offset into 0..4M: 11,000 years
_CELL_BITS = 14  # per axis: 16,384 cells of >= 1 km cover the Earth's 12,742 km diameter
_CHUNK = 200_000  # records looked up at once (memory of the candidate lists)


def _cells(xyz: np.ndarray, size: float) -> np.ndarray:
    return np.floor(xyz / size).astype(np.int64) + (1 << (_CELL_BITS - 1))


def _cell_code(cells: np.ndarray) -> np.ndarray:
    return (cells[:, 0] << (2 * _CELL_BITS)) | (cells[:, 1] << _CELL_BITS) | cells[:, 2]


#: The 8 cells looked in: a record's own, and its neighbours on the sides of the cell it is nearer to.
_CORNERS = np.array([(i, j, k) for i in (0, 1) for j in (0, 1) for k in (0, 1)], dtype=np.int64)


def candidates(a, b, days: int, km: float) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i in a, j in b) of two ``geo.matching.pairs`` record sets that may be near enough (within
    ``km`` plus both places' slack, ``days`` plus both dates' slack and b's span), through cells of
    (space, day) keys. A superset of the pairs within the windows; the caller checks each exactly.

    Cells are twice as wide as the farthest two records may be apart, so a record's neighbours are
    in its own cell or in those on the sides it is nearer to: 8 cells (2 x 2 x 2), each one binary
    search for the start and one for the end of the record's day range.
    """
    day0 = int(min(a.start.min(), b.start.min())) - (1 << 20)
    found_i, found_j = [], []
    # One index per class of b (its place slack, and how far before its start it reaches: its time
    # slack and its span), so that each lookup is as tight as that class allows.
    back = b.slack_days + (b.end - b.start)
    back_class = np.digitize(back, [9])
    b_class = np.unique(b.slack_km * 10 + back_class, return_inverse=True)[1].ravel()
    for cb in np.unique(b_class):
        jb = np.flatnonzero(b_class == cb)
        rb, ub, backb = b.slack_km[jb[0]], int(b.slack_days[jb].max()), int(back[jb].max())
        for ra in np.unique(a.slack_km):
            ia = np.flatnonzero(a.slack_km == ra)
            size = 2 * max(km + ra + rb, 0.5)
            keys_b = (_cell_code(_cells(b.xyz[jb], size)) << _DAY_BITS) | (b.start[jb] - day0)
            order = np.argsort(keys_b, kind="stable")
            keys_b, jb_sorted = keys_b[order], jb[order]
            # looked up in the order of their own keys: numpy's binary search is several times
            # faster on sorted needles
            own = (_cell_code(_cells(a.xyz[ia], size)) << _DAY_BITS) | (a.start[ia] - day0)
            ia = ia[np.argsort(own, kind="stable")]
            for lo_i in range(0, len(ia), _CHUNK):
                sub = ia[lo_i:lo_i + _CHUNK]
                scaled = a.xyz[sub] / size
                cells = _cells(a.xyz[sub], size)
                side = np.where(scaled - np.floor(scaled) < 0.5, -1, 1)
                reach = a.slack_days[sub] + days
                t_lo = np.maximum(a.start[sub] - reach - backb - day0, 0)
                t_hi = a.end[sub] + reach + ub - day0
                for corner in _CORNERS:
                    code = _cell_code(cells + side * corner) << _DAY_BITS
                    lo = np.searchsorted(keys_b, code | t_lo, side="left")
                    hi = np.searchsorted(keys_b, code | t_hi, side="right")
                    counts = hi - lo
                    total = int(counts.sum())
                    if not total:
                        continue
                    rows = np.repeat(np.arange(len(sub)), counts)
                    pos = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts) + np.repeat(lo, counts)
                    found_i.append(sub[rows])
                    found_j.append(jb_sorted[pos])
    if not found_i:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(found_i), np.concatenate(found_j)
