"""The frames of an animated map, in the static snapshot's style, drawn fast: what does not change is drawn
once, what does is drawn per frame, and the three are laid over each other as arrays.

- the **base** (once): the sea, the boundary layers, the region shading and the border zone, and the
  timeline strip's bars (events per period);
- the **frame** (each period): its events (rings, markers; a heatmap), the period written large, its counts,
  and the strip's current position;
- the **top** (once): the place names, the legend with its size key, the scale bar, the title, the filters,
  the attribution and the link (over the events, as in a snapshot).

Only matplotlib's object API (``Figure`` + ``FigureCanvasAgg``), so it runs in Streamlit's threads.
"""

from __future__ import annotations

import dataclasses
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..a11y.describe import disputed_count
from ..analysis import claim_ranges, event_figures
from ..i18n import _
from ..places.labels import place_labels
from ..view import View
from .animplan import AnimationPlan, frame_counts, frame_events
from .captions import SnapshotText
from ..styles import actor_side, legend_items
from .frame import MARKER_FILL_OPACITY, MapFrame, VIEWPORT, view_extent
from .furniture import _legend, _scale_bar
from .staticmap import (_PAD, _draw_labels, _draw_layers, _draw_shading, draw_marks, fit_extent, heat_grid, heat_scale,
                        map_figure)

_TITLE_PX, _LINE_PX, _PERIOD_PX, _MODE_PX, _SMALL_PX, _STRIP_PX = 20, 12, 28, 11, 10, 38  # CSS px
DPI = 100.0


@dataclass(frozen=True)
class FrameLayout:
    """Where everything lies in a frame: the map's frame and each line's top (CSS px from the top)."""

    frame: MapFrame
    header: list[str]
    mode: list[str]
    footer: list[str]
    period_y: float
    mode_y: float
    strip_top: float  # image px


def _wrap(lines: list[str], font_px: float, limit: int, css_width: float) -> list[str]:
    chars = max(int((css_width - 2 * _PAD) / (0.58 * font_px)), 20)
    out = [part for line in lines for part in (textwrap.wrap(line, chars) or [""])]
    return out if len(out) <= limit else out[: limit - 1] + [out[limit - 1][: chars - 1] + "…"]


def frame_layout(text: SnapshotText, view: View, plan_line: str, size: tuple[int, int | None],
                 css_width: float = VIEWPORT[0]) -> FrameLayout:
    """The layout of frames ``size`` = (width, height) px, the height by default the snapshot's (its map
    620 CSS px tall at width/1000 px per CSS px). A frame wider than the snapshot's shape shows more of the
    map on either side (the same zoom and centre), with the text scaled to the height."""
    header = _wrap([" · ".join(text.filters)], _LINE_PX, 2, css_width)
    mode = _wrap([plan_line], _MODE_PX, 3, css_width)
    footer = _wrap(text.attribution + [_("Generated {date} · Link: {link}").format(date=text.generated,
                                                                                  link=text.link)],
                   _SMALL_PX, 5, css_width)
    period_y = _PAD + _TITLE_PX * 1.3 + _LINE_PX * 1.4 * len(header)
    mode_y = period_y + _PERIOD_PX * 1.25
    top_css = mode_y + _MODE_PX * 1.4 * len(mode) + _PAD / 2
    fixed = top_css + _STRIP_PX + _PAD / 2 + _SMALL_PX * 1.45 * len(footer) + _PAD / 2
    width, height = size
    scale, map_css = width / VIEWPORT[0], float(VIEWPORT[1])
    if height is None:
        height = int(np.ceil((fixed + map_css) * scale / 2) * 2)  # even: H.264's 4:2:0 needs it
    elif (fixed + map_css) * scale > height:
        scale = height / (fixed + map_css)  # a wide frame: the text fits the height
    else:
        map_css = height / scale - fixed  # a tall frame: a taller map
    if css_width == VIEWPORT[0] and width / scale > css_width * 1.05:  # wider than a snapshot: wrap again
        return frame_layout(text, view, plan_line, (width, height), width / scale)
    top, map_h = round(top_css * scale), round(map_css * scale)
    extent = view_extent(view, (width / scale, map_h / scale))
    frame = MapFrame(int(width), int(height), DPI, top, map_h, extent, scale)
    return FrameLayout(frame, header, mode, footer, period_y, mode_y, top + map_h)


def _transparent(fig, ax) -> None:
    fig.patch.set_alpha(0.0)
    ax.patch.set_visible(False)
    for spine in ax.spines.values():
        spine.set_visible(False)


def _rgba(fig) -> np.ndarray:
    canvas = fig.canvas
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())


class _Over:
    """An RGBA layer laid over RGB frames (straight alpha, matplotlib's): only its non-transparent pixels."""

    def __init__(self, rgba: np.ndarray):
        flat = rgba.reshape(-1, 4)
        self.index = np.flatnonzero(flat[:, 3])
        src = flat[self.index]
        alpha = src[:, 3:4].astype(np.uint32)
        self.premultiplied = src[:, :3].astype(np.uint32) * alpha + 127
        self.inverse = 255 - alpha

    def onto(self, rgb: np.ndarray) -> None:
        flat = rgb.reshape(-1, 3)
        flat[self.index] = ((self.premultiplied + flat[self.index] * self.inverse) // 255).astype(np.uint8)


class FrameRenderer:
    """Draws frame ``i`` of ``plan`` as an RGB array (``render(i)``), over a base and under a top drawn once.

    ``drawn_labels`` lists the period text of each frame drawn, as drawn (the tests read it)."""

    def __init__(self, plan: AnimationPlan, layers: Mapping, view: View, text: SnapshotText, *,
                 claims: pd.DataFrame | None = None, size: tuple[int, int | None] = (1920, 1080)):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        ids = set(plan.events["event_id"].astype(str)) if "event_id" in plan.events else set()
        self.claims = claims[claims["event_id"].astype(str).isin(ids)] if claims is not None and len(claims) else None
        # what every frame would compute again: each event's size and the claims' ranges
        self.ranges = claim_ranges(self.claims) if self.claims is not None and len(self.claims) else None
        sized = plan.events.assign(_size=event_figures(plan.events, self.claims, view.figure))
        self.plan, self.view = dataclasses.replace(plan, events=sized), view
        plan = self.plan
        line = _("{span}: {counts}").format(span=plan.span, counts=text.counts)
        if plan.mode == "cumulative":
            line += " · " + _("earlier events fade with age")
        self.layout = lay = frame_layout(text, view, line, size)
        frame = lay.frame
        self.frame = frame
        # a heatmap's full heat is the same in every frame (the hottest frame's), so a quiet week looks quiet
        self.heat = (max(heat_scale(heat_grid(frame_events(plan, i), frame)) for i in range(len(plan.periods)))
                     if view.draw == "heat" else None)
        self.drawn_labels: list[str] = []
        base_fig, base_ax = map_figure(frame)
        _draw_layers(base_ax, layers, view, frame)
        _draw_shading(base_ax, plan.events, layers, view, frame)
        fit_extent(base_ax, frame)
        self._strip(base_fig, "base")
        FigureCanvasAgg(base_fig)
        self.base = np.ascontiguousarray(_rgba(base_fig)[:, :, :3])
        self.top = _Over(self._top(layers, text))
        self.fig, self.ax = map_figure(frame)
        _transparent(self.fig, self.ax)
        fit_extent(self.ax, frame)
        self.strip_ax = self._strip(self.fig, "frame")
        FigureCanvasAgg(self.fig)
        self._dynamic: list = []

    def _present(self) -> set[str]:
        """The legend's categories: those of the whole range (the legend stays the same in every frame)."""
        if self.view.draw == "heat":
            return {"heat"}
        if self.view.color_by == "side":
            return {actor_side(a) for a in self.plan.events["actor1"].astype(str)}
        return set(self.plan.events["event_type"].astype(str))

    def key_colours(self) -> list[tuple[int, int, int]]:
        """The colours a GIF's palette must hold exactly: each category's, as a marker draws it over the
        map's commonest colours, and the strip's."""
        from matplotlib.colors import to_rgb
        flat = self.base.reshape(-1, 3)[:: 97]
        values, counts = np.unique(flat, axis=0, return_counts=True)
        grounds = values[np.argsort(counts)[::-1][:3]].astype(float)
        out = [(178, 24, 43), (244, 198, 198), (0, 0, 0), (255, 255, 255)]
        colours = [] if self.view.draw == "heat" else [c for _label, c in legend_items(self.view.color_by,
                                                                                          self._present())]
        for colour in colours:
            rgb = np.array(to_rgb(colour)) * 255
            out.append(tuple(int(round(v)) for v in rgb))
            for ground in grounds:
                blend = MARKER_FILL_OPACITY * rgb + (1 - MARKER_FILL_OPACITY) * ground
                out.append(tuple(int(round(v)) for v in blend))
        return out

    def _put(self, fig, y_css: float, line: str, size: float, *, x_css: float = _PAD, ha="left", **kw):
        f = self.frame
        return fig.text(x_css * f.scale / f.width, 1 - y_css * f.scale / f.height, line, fontsize=f.points(size),
                        va="top", ha=ha, parse_math=False, **kw)

    def _top(self, layers, text: SnapshotText) -> np.ndarray:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        frame, lay, plan = self.frame, self.layout, self.plan
        fig, ax = map_figure(frame)
        _transparent(fig, ax)
        _draw_labels(ax, place_labels(layers, plan.events), self.view, frame)
        fit_extent(ax, frame)
        _legend(ax, self.view, self._present(), disputed_count(plan.events, self.claims), frame)
        _scale_bar(ax, frame)
        self._put(fig, _PAD, text.title, _TITLE_PX, fontweight="bold")
        for k, line in enumerate(lay.header):
            self._put(fig, _PAD + _TITLE_PX * 1.3 + k * _LINE_PX * 1.4, line, _LINE_PX, color="#222222")
        for k, line in enumerate(lay.mode):
            self._put(fig, lay.mode_y + k * _MODE_PX * 1.4, line, _MODE_PX, color="#444444")
        y = (lay.strip_top + _STRIP_PX * frame.scale) / frame.scale + _PAD / 2
        for line in lay.footer:
            self._put(fig, y, line, _SMALL_PX, color="#444444")
            y += _SMALL_PX * 1.45
        FigureCanvasAgg(fig)
        return _rgba(fig)

    def _strip(self, fig, part: str):
        """The timeline strip under the map: a bar per period (its events), the range's ends named;
        ``part`` "frame": an empty twin for the current position."""
        f, plan = self.frame, self.plan
        n = len(plan.periods)
        bars_css, pad = _STRIP_PX - _SMALL_PX * 1.5 - 4, _PAD * f.scale
        top_px = self.layout.strip_top + 4 * f.scale
        ax = fig.add_axes((pad / f.width, 1 - (top_px + bars_css * f.scale) / f.height,
                           1 - 2 * pad / f.width, bars_css * f.scale / f.height))
        ax.set_xlim(-0.5, n - 0.5)
        counts = np.array([p.events for p in plan.periods], dtype=float)
        ax.set_ylim(0, max(counts.max(), 1) * 1.05)
        ax.set_axis_off()
        if part == "base":
            ax.bar(np.arange(n), np.maximum(counts, counts.max() * 0.02), width=0.8, color="#c4c4c4")
            ax.axhline(0, color="#888888", linewidth=f.points(1))
            y = (top_px + bars_css * f.scale) / f.scale + 2
            self._put(fig, y, plan.periods[0].label, _SMALL_PX, color="#444444")
            self._put(fig, y, plan.per_label, _SMALL_PX, x_css=f.width / f.scale / 2, ha="center", color="#444444")
            self._put(fig, y, plan.periods[-1].label, _SMALL_PX, x_css=f.width / f.scale - _PAD, ha="right",
                      color="#444444")
        else:
            _transparent(fig, ax)
        return ax

    def _clear(self) -> None:
        for artist in self._dynamic:
            artist.remove()
        self._dynamic = []

    def render(self, i: int) -> np.ndarray:
        """Frame ``i`` as an (height, width, 3) uint8 array."""
        plan, f, ax = self.plan, self.frame, self.ax
        self._clear()
        before = set(ax.get_children()) | set(self.fig.texts) | set(self.strip_ax.get_children())
        draw_marks(ax, frame_events(plan, i), self.view, self.claims, f, self.ranges, self.heat)
        fit_extent(ax, f)
        label = self._put(self.fig, self.layout.period_y, plan.periods[i].label, _PERIOD_PX, fontweight="bold")
        self._put(self.fig, self.layout.period_y + (_PERIOD_PX - 14) * 0.75, frame_counts(plan, i), 14,
                  x_css=f.width / f.scale - _PAD, ha="right", color="#222222")
        counts = np.array([p.events for p in plan.periods], dtype=float)
        floor = max(counts.max(), 1) * 0.02
        if plan.mode == "cumulative" and i:
            self.strip_ax.bar(np.arange(i), np.maximum(counts[:i], floor), width=0.8, color="#8a8a8a")
        # where the frame is, whatever its count: a pale band the strip's height, its own bar dark red
        self.strip_ax.axvspan(i - 0.5, i + 0.5, color="#f4c6c6", zorder=0)
        self.strip_ax.bar([i], [max(counts[i], floor)], width=0.8, color="#b2182b", zorder=1)
        after = set(ax.get_children()) | set(self.fig.texts) | set(self.strip_ax.get_children())
        self._dynamic = list(after - before)
        rgba = _rgba(self.fig)
        self.drawn_labels.append(label.get_text())
        out = self.base.copy()
        _Over(rgba).onto(out)
        self.top.onto(out)
        return out
