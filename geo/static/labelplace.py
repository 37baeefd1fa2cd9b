"""Place names on a static map (snapshots, animations), placed as the web map places them.

Most important first, each name goes where its whole box is free: not over a name already placed, not over
an event's circle, and inside the map (never cut at its edge). A town or an event's place is named beside its
point (to the right, else left, above or below, as the web map's script tries); a country or a region is
centred on its point, or left out. The events' circles are an occupancy grid (``Occupancy``: a summed-area
table over a grid of a few pixels), so each try costs the same at 50 events or a million.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..places.labels import label_names
from ..styles import marker_radius
from ..view import View
from .frame import MapFrame, mercator

#: At most this many names on one map (the web map's ``MAX_SHOWN``).
MAX_LABELS = 160
LABEL_PX = {"country": 13, "region": 12, "town": 12, "place": 12}
#: Where a name beside its point is tried, in this order: each side at each distance (CSS px from the point),
#: nearest first — past the place's own circles when it has events.
SIDES = ("right", "left", "above", "below")
DISTANCES = (6, 14, 24, 36)


class Occupancy:
    """Which pixels of a ``width`` × ``height`` image are covered by boxes, on a grid of ``cell`` pixels
    (rounded outward: a box touching a cell takes it). ``free(box)`` answers in constant time."""

    def __init__(self, width: float, height: float, boxes: np.ndarray | None = None, cell: float = 4.0):
        self.cell = float(cell)
        self.nx, self.ny = int(np.ceil(width / cell)) + 1, int(np.ceil(height / cell)) + 1
        diff = np.zeros((self.ny + 1, self.nx + 1), dtype=np.int32)
        if boxes is not None and len(boxes):
            b = np.asarray(boxes, dtype=float)
            x0, y0 = self._cells(b[:, 0], b[:, 1], np.floor)
            x1, y1 = self._cells(b[:, 2], b[:, 3], np.ceil)
            keep = (x1 > x0) & (y1 > y0)
            for ys, xs, sign in ((y0, x0, 1), (y0, x1, -1), (y1, x0, -1), (y1, x1, 1)):
                np.add.at(diff, (ys[keep], xs[keep]), sign)
        covered = (diff.cumsum(0).cumsum(1)[: self.ny, : self.nx] > 0).astype(np.int32)
        self._sat = np.zeros((self.ny + 1, self.nx + 1), dtype=np.int32)
        self._sat[1:, 1:] = covered.cumsum(0).cumsum(1)

    def _cells(self, x, y, rounding):
        return (np.clip(rounding(np.asarray(x) / self.cell), 0, self.nx).astype(int),
                np.clip(rounding(np.asarray(y) / self.cell), 0, self.ny).astype(int))

    def free(self, box) -> bool:
        """No covered cell under ``box`` (x0, y0, x1, y1), rounded outward: a near miss may count as taken,
        an overlap never as free."""
        (x0, y0), (x1, y1) = self._cells(box[0], box[1], np.floor), self._cells(box[2], box[3], np.ceil)
        x0, y0, x1, y1 = int(x0), int(y0), int(x1), int(y1)
        if x1 <= x0 or y1 <= y0:
            return True
        s = self._sat
        return int(s[y1, x1] - s[y0, x1] - s[y1, x0] + s[y0, x0]) == 0


def event_boxes(events: pd.DataFrame | None, sizes, frame: MapFrame) -> np.ndarray:
    """The image-pixel boxes (x0, y0, x1, y1) of the events' circles as drawn (``sizes``: each event's figure,
    whose ``marker_radius`` in CSS px is its circle's), with the outline's width."""
    if events is None or not len(events):
        return np.zeros((0, 4))
    x, y = mercator(events["latitude"], events["longitude"])
    xmin, xmax, ymin, ymax = frame.extent
    px = (np.asarray(x, dtype=float) - xmin) / (xmax - xmin) * frame.width
    py = frame.top + (ymax - np.asarray(y, dtype=float)) / (ymax - ymin) * frame.map_height
    r = (np.array([marker_radius(f) for f in sizes], dtype=float) + 1.5) * frame.scale
    inside = (px + r >= 0) & (px - r <= frame.width) & (py + r >= frame.top) & (py - r <= frame.top + frame.map_height)
    return np.column_stack([px - r, py - r, px + r, py + r])[inside]


def furniture_boxes(fig, ax, frame: MapFrame) -> np.ndarray:
    """The image-pixel boxes of what lies over the map: the legend (an anchored box) and the scale bar (a
    patch above the events), measured by an Agg renderer once the map's extent is set."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    renderer = FigureCanvasAgg(fig).get_renderer()
    found = list(ax.artists) + [p for p in ax.patches if p.get_zorder() >= 20]
    boxes = [a.get_window_extent(renderer) for a in found]
    return np.array([(b.x0, frame.height - b.y1, b.x1, frame.height - b.y0) for b in boxes]).reshape(-1, 4)


def _boxes(kind: str, px: float, py: float, width: float, s: float):
    """Each place a name of ``kind`` may go: (box, anchor) where anchor is (dx, dy CSS px, ha, va) of the
    text from its point; a town's dot sits on the point, its name beside it."""
    h = 8.5 * s
    if kind not in ("town", "place"):
        yield (px - width / 2 - 2 * s, py - h, px + width / 2 + 2 * s, py + h), (0, 0, "center", "center")
        return
    dot = 5 * s if kind == "town" else 0.0
    # a town has no circles of its own: its name stays beside its dot (right, else left)
    for d in (DISTANCES[:1] if dot else DISTANCES):
        gap = d * s
        for side in (SIDES[:2] if dot else SIDES):
            if side == "right":
                yield (px - dot - 2 * s, py - h, px + gap + width + 2 * s, py + h), (d, 0, "left", "center")
            elif side == "left":
                yield (px - gap - width - 2 * s, py - h, px + dot + 2 * s, py + h), (-d, 0, "right", "center")
            else:
                up = side == "above"
                yc = py + (-1 if up else 1) * (gap + h)
                yield ((px - width / 2 - 2 * s, yc - h, px + width / 2 + 2 * s, yc + h),
                       (0, (1 if up else -1) * (d + 8.5), "center", "center"))


def place(labels: pd.DataFrame | None, view: View, frame: MapFrame, taken: Occupancy | None = None) -> list[tuple]:
    """The names to draw at the view's zoom: (name, lat, lon, kind, anchor, box) each, most important first, each
    box inside the map, clear of the others and of ``taken`` (the events' circles)."""
    if labels is None or labels.empty:
        return []
    shown = labels[labels["min_zoom"] <= view.zoom]
    s = frame.scale
    top, bottom = frame.top, frame.top + frame.map_height
    placed: list[tuple[float, float, float, float]] = []
    countries: set = set()  # the countries named
    out = []
    for name, lat, lon, kind in zip(label_names(shown), shown["lat"], shown["lon"], shown["kind"]):
        if len(out) >= MAX_LABELS:
            break
        if kind == "country" and name in countries:
            continue  # a country's second anchor (``place_labels``), once its name is drawn
        px, py = frame.pixel(lat, lon)
        if not (0 <= px <= frame.width and top <= py <= bottom):
            continue
        text = str(name).upper() if kind == "country" else str(name)
        width = len(text) * LABEL_PX[kind] * (0.75 if kind == "country" else 0.58) * s
        for box, anchor in _boxes(kind, px, py, width, s):
            if box[0] < 0 or box[2] > frame.width or box[1] < top or box[3] > bottom:
                continue  # never cut at the map's edge
            if any(box[0] < o[2] and box[2] > o[0] and box[1] < o[3] and box[3] > o[1] for o in placed):
                continue
            if taken is not None and not taken.free(box):
                continue
            placed.append(box)
            if kind == "country":
                countries.add(name)
            out.append((str(name), float(lat), float(lon), str(kind), anchor, box))
            break
    return out
