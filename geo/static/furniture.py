"""The static map's furniture, drawn over the events: the legend (a dot per category shown, then the
size key) and the scale bar.
"""

from __future__ import annotations

import math


from ..i18n import _, format_number
from ..styles import figure_label, legend_items, marker_radius
from ..view import View
from .frame import EARTH_RADIUS, MARKER_FILL_OPACITY, MapFrame


def _legend(ax, view: View, present: set[str], disputed: int, frame: MapFrame, *, changes: dict | None = None) -> None:
    """The web map's legend: a dot per category present, then circles of the size key; with ``changes`` (how many
    events of each kind a "changed since" view draws), their marks, as the web map's legend lists them."""
    from matplotlib.colors import to_rgba
    from matplotlib.offsetbox import AnchoredOffsetbox, DrawingArea, HPacker, TextArea, VPacker
    from matplotlib.patches import Circle, Rectangle
    pt, font = frame.points, frame.points(12)
    text = lambda s, **kw: TextArea(s, textprops=dict(fontsize=font, parse_math=False, **kw))  # noqa: E731

    def dot(radius: float, color, edge: str, width: float, style="solid") -> DrawingArea:
        box = DrawingArea(2 * pt(radius) + pt(3), 2 * pt(radius) + pt(3))
        box.add_artist(Circle((pt(radius) + pt(1.5), pt(radius) + pt(1.5)), pt(radius), facecolor=color,
                              edgecolor=edge, linewidth=pt(width), linestyle=style))
        return box

    if view.draw == "heat":
        from matplotlib.patches import Rectangle

        from ..webmap.heatmap import HEAT_GRADIENT

        strip = DrawingArea(pt(160), pt(10))
        colors = [c for _, c in sorted(HEAT_GRADIENT.items())]
        for i, color in enumerate(colors):
            strip.add_artist(Rectangle((i * pt(160) / len(colors), 0), pt(160) / len(colors), pt(10),
                                       facecolor=color, edgecolor="none"))
        rows = [text(_("Heatmap of events"), fontweight="bold"), strip, text(_("few → many"), color="#555555")]
        box = AnchoredOffsetbox(loc="lower right", child=VPacker(children=rows, align="left", pad=0, sep=pt(4)),
                                pad=0.5, borderpad=0.6, frameon=True)
        box.patch.set(facecolor=(1, 1, 1, 0.92), edgecolor="#999999", linewidth=pt(1))
        box.set_zorder(20)
        ax.add_artist(box)
        return
    head = _("Event type") if view.color_by == "event_type" else _("Initiator's side")
    rows = [text(head, fontweight="bold")]
    for label, color in legend_items(view.color_by, present):
        rows.append(HPacker(children=[dot(5.5, color, "#333333", 1), text(label)], align="center", pad=0,
                            sep=pt(5)))
    if disputed:
        rows.append(HPacker(children=[dot(5.5, "#ffffff", "#000000", 2, (0, (2, 1.5))),
                                      text(_("claims disagree ({count})").format(count=format_number(disputed)))],
                            align="center", pad=0, sep=pt(5)))
    if changes:
        from ..webmap.legend import CHANGE_LEGEND
        from ..webmap.markers import CHANGE_STYLES

        rows.append(text(_("What changed"), fontweight="bold"))
        marks = {"added": ("#c8c8c8", CHANGE_STYLES["added"]["color"], "solid"),
                 "revised": ("#c8c8c8", CHANGE_STYLES["revised"]["color"], (0, (2, 1.5))),
                 "deleted": ("none", "#333333", "solid")}
        for kind, label in CHANGE_LEGEND:
            if changes.get(kind):
                fill, edge, style = marks[kind]
                rows.append(HPacker(children=[dot(5.5, fill, edge, 2.5, style),
                                              text(_(label).format(count=format_number(changes[kind])))],
                                    align="center", pad=0, sep=pt(5)))
    rows.append(text(_("Circle area ∝ {what}").format(what=figure_label(view.figure)) + ":", color="#555555"))
    sizes = []
    for f in (0, 10, 50, 100):
        sizes += [dot(marker_radius(f), to_rgba("#9a9a9a", MARKER_FILL_OPACITY), "#ffffff", 1),
                  text(format_number(f))]
    rows.append(HPacker(children=sizes, align="center", pad=0, sep=pt(4)))
    box = AnchoredOffsetbox(loc="lower right", child=VPacker(children=rows, align="left", pad=0, sep=pt(4)),
                            pad=0.5, borderpad=0.6, frameon=True)
    box.patch.set(facecolor=(1, 1, 1, 0.92), edgecolor="#999999", linewidth=pt(1))
    box.set_zorder(20)
    ax.add_artist(box)


def _nice(value: float) -> float:
    exp = 10 ** math.floor(math.log10(value))
    return max(m * exp for m in (1, 2, 5, 10) if m * exp <= value)


def _scale_bar(ax, frame: MapFrame) -> None:
    """A scale bar in km, true at its own latitude (Mercator's scale changes with latitude)."""
    from matplotlib.patches import Rectangle
    xmin, xmax, ymin, ymax = frame.extent
    per_css = (xmax - xmin) / (frame.width / frame.scale)  # metres per CSS px (the map spans the width)
    x0, y0 = xmin + 14 * per_css, ymin + 18 * per_css
    lat = math.degrees(math.atan(math.sinh(y0 / EARTH_RADIUS)))
    km = _nice(130 * per_css * math.cos(math.radians(lat)) / 1000)
    length = km * 1000 / math.cos(math.radians(lat))
    ax.add_patch(Rectangle((x0 - 6 * per_css, y0 - 8 * per_css), length + 12 * per_css, 30 * per_css,
                           facecolor=(1, 1, 1, 0.85), edgecolor="#777777", linewidth=frame.points(1), zorder=20))
    tick = 6 * per_css
    ax.plot([x0, x0, x0 + length, x0 + length], [y0 + tick, y0, y0, y0 + tick], color="#222222",
            linewidth=frame.points(2), zorder=21, solid_joinstyle="miter")
    label = f"{km:,.0f} km" if km >= 1 else f"{km * 1000:,.0f} m"
    ax.text(x0 + length / 2, y0 + 4 * per_css, label, ha="center", va="bottom", fontsize=frame.points(11),
            zorder=21, parse_math=False)
