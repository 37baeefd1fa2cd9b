"""Animated maps for publication: a view's date range played period by period as an MP4, a WebM or a GIF,
each frame a snapshot (``geo.static.animframe``), with its title and description in the file's metadata and
a text alternative beside it (``NAME.txt``: what the animation shows, period by period).

``animate(events, layers, view, "out.mp4", step="week")`` writes one; ``python -m geo animate LINK -o
out.mp4`` and the dashboard's "Download as video" call it. The first and last frames are held
``HOLD_SECONDS`` longer.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import AnimationError
from ..i18n import N_, _, speaks_view_language
from ..view import View
from .animframe import FrameRenderer
from .animplan import MAX_FRAMES, AnimationPlan, period_sentence, plan_animation
from .captions import SnapshotText, clean_text, snapshot_text
from .encode import MEDIA_TYPES, VIDEO_SUFFIXES, GifWriter, VideoWriter, shared_palette

#: Frames per second by default (each period shown half a second), and the range allowed.
DEFAULT_FPS, FPS_RANGE = 2.0, (0.25, 30.0)
#: The first and last frames stay this much longer.
HOLD_SECONDS = 1.5
#: The default frame sizes: a 1080p video; an 800 px wide GIF, as tall as a snapshot of that width.
DEFAULT_SIZES: dict[str, tuple[int, int | None]] = {"mp4": (1920, 1080), "webm": (1920, 1080), "gif": (800, None)}
WIDTH_RANGE, HEIGHT_RANGE = (320, 3840), (240, 2160)
_STEP_WORDS = {"week": N_("by week"), "month": N_("by month"), "year": N_("by year")}
_MODE_WORDS = {"window": N_("each frame shows its period's events"),
               "cumulative": N_("each frame shows every event so far, earlier ones faded")}


@dataclass
class Animation:
    """A written animation: its file, format, frame count and duration, the period text of each frame
    as drawn, its metadata and its text alternative (and that file)."""

    path: Path
    fmt: str
    frames: int
    seconds: float
    labels: list[str]
    metadata: dict[str, str]
    alt_text: str
    alt_path: Path | None = None
    periods: int = 0


def animation_format(path) -> str:
    """The format of an output path by its suffix (mp4, webm, gif); ``AnimationError`` for another."""
    fmt = VIDEO_SUFFIXES.get(Path(path).suffix.lower())
    if fmt is None:
        raise AnimationError(N_("Cannot tell the format of {path}: use .mp4, .webm or .gif.").format(
            path=repr(str(path))))
    return fmt


def checked_output(path) -> Path:
    """``path`` if a file can be written there, else ``AnimationError`` (before any drawing)."""
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise AnimationError(N_("Cannot write {path}: it is a directory.").format(path=repr(str(path))))
    if not parent.is_dir() or not os.access(parent, os.W_OK):
        raise AnimationError(N_("Cannot write {path}: no such writable directory {folder}.").format(
            path=repr(str(path)), folder=repr(str(parent))))
    return path


def checked_size(size, fmt: str) -> tuple[int, int | None]:
    """(width, height or None) within the limits; the format's default for None."""
    width, height = size if size is not None else DEFAULT_SIZES[fmt]
    if not WIDTH_RANGE[0] <= int(width) <= WIDTH_RANGE[1] or (
            height is not None and not HEIGHT_RANGE[0] <= int(height) <= HEIGHT_RANGE[1]):
        raise AnimationError(N_("The size {size} is outside {low}–{high} pixels.").format(
            size=f"{width}x{height}" if height else str(width), low="320x240", high="3840x2160"))
    return int(width), None if height is None else int(height)


def describe(plan: AnimationPlan, text: SnapshotText, fps: float) -> str:
    """The description in the file's metadata: the filters, the period, the attribution and the share link."""
    return clean_text(" ".join([
        _("An animated map of {count} periods, {step}, {span} ({mode}).").format(
            count=len(plan.periods), step=_(_STEP_WORDS[plan.step]), span=plan.span, mode=_(_MODE_WORDS[plan.mode])),
        _("Filters: {filters}.").format(filters="; ".join(text.filters)),
        " ".join(text.attribution),
        _("Link: {link}").format(link=text.link)]))


def text_alternative(plan: AnimationPlan, text: SnapshotText, fps: float) -> str:
    """What the animation shows, period by period, as plain text (the file beside it)."""
    lines = [text.title, "", describe(plan, text, fps),
             _("Each period is shown for {seconds} s.").format(seconds=f"{1 / fps:g}"), "",
             _("Period by period:")]
    lines += [f"- {period_sentence(plan, i)}" for i in range(len(plan.periods))]
    lines += ["", *text.attribution, _("Generated {date} · Link: {link}").format(date=text.generated, link=text.link)]
    return "\n".join(lines) + "\n"


def _sample_frames(renderer: FrameRenderer, plan: AnimationPlan) -> dict[int, tuple[np.ndarray, str]]:
    """The first, the busiest and the last frame: what a GIF's one palette is made from."""
    busiest = int(np.argmax([p.events for p in plan.periods]))
    out = {}
    for i in sorted({0, busiest, len(plan.periods) - 1}):
        out[i] = (renderer.render(i), renderer.drawn_labels[-1])
    return out


@speaks_view_language()
def animate(events: pd.DataFrame, layers: Mapping, view: View, output, *, claims: pd.DataFrame | None = None,
            matches: pd.DataFrame | None = None, step: str = "week", mode: str = "window",
            fps: float = DEFAULT_FPS, size: tuple[int, int | None] | None = None, title=None, attribution=None,
            generated=None, base_url: str = "", alt_text: bool = True, max_frames: int = MAX_FRAMES,
            poster=None, progress: Callable[[int, int], None] | None = None) -> Animation:
    """Write the view's date range, period by period, to ``output`` (.mp4, .webm or .gif).

    ``events`` are all the events (the view's filter is applied; the link's ``from``/``to`` is the range
    played, else its events' first and last day); ``step`` week, month or year; ``mode`` window or
    cumulative; ``size`` (width, height) px (height None: the snapshot's shape). ``progress(done, total)``
    is called after each frame. Writes ``output`` with ``.txt`` as its suffix beside it (``alt_text``), and
    with ``poster`` (a .png path) the frame of the period with the most events as a picture (a video's poster).
    Raises ``AnimationError`` (a ``ValueError``) with a plain message for what cannot be made.
    """
    fmt = animation_format(output)
    path = checked_output(output)
    if poster is not None and Path(poster).suffix.lower() != ".png":
        raise AnimationError(N_("The poster {path} must be a .png file.").format(path=repr(str(poster))))
    poster = None if poster is None else checked_output(poster)
    size = checked_size(size, fmt)
    if not FPS_RANGE[0] <= float(fps) <= FPS_RANGE[1]:
        raise AnimationError(N_("The frame rate {fps} is outside {low}–{high} frames a second.").format(
            fps=f"{fps:g}", low=f"{FPS_RANGE[0]:g}", high=f"{FPS_RANGE[1]:g}"))
    fps = float(fps)
    plan = plan_animation(events, view, step=step, mode=mode, claims=claims, matches=matches, max_frames=max_frames)
    text = snapshot_text(plan.events, view, title=title, attribution=attribution, generated=generated,
                         base_url=base_url, layers=layers)
    renderer = FrameRenderer(plan, layers, view, text, claims=claims, size=size)
    description = describe(plan, text, fps)
    metadata = {"title": text.title, "description": description, "comment": description,
                "copyright": " ".join(text.attribution), "date": pd.Timestamp(plan.last).strftime("%Y-%m-%d")}
    busiest = int(np.argmax([p.events for p in plan.periods]))
    written = _write(renderer, plan, path, fmt, fps, metadata, progress, keep=busiest if poster else None)
    if poster is not None:
        _save_poster(poster, written["kept"], text, plan.periods[busiest].label, description)
    alt = text_alternative(plan, text, fps)
    alt_path = None
    if alt_text:
        alt_path = path.with_suffix(".txt")
        try:
            alt_path.write_text(alt, encoding="utf-8")
        except OSError as exc:
            raise AnimationError(N_("Cannot write {path}: {reason}").format(
                path=repr(str(alt_path)), reason=exc.strerror or exc)) from None
    return Animation(path, fmt, written["frames"], written["seconds"], written["labels"], metadata, alt, alt_path,
                     len(plan.periods))


def _save_poster(path: Path, rgb: np.ndarray, text: SnapshotText, label: str, description: str) -> None:
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    for key, value in (("Title", f"{text.title} — {label}"), ("Description", description), ("Link", text.query),
                       ("Attribution", " ".join(text.attribution))):
        info.add_text(key, clean_text(value))
    try:
        Image.fromarray(rgb, "RGB").save(path, format="PNG", pnginfo=info, compress_level=6)
    except OSError as exc:
        raise AnimationError(N_("Cannot write {path}: {reason}").format(path=repr(str(path)),
                                                                        reason=exc.strerror or exc)) from None


def _write(renderer: FrameRenderer, plan: AnimationPlan, path: Path, fmt: str, fps: float, metadata: dict,
           progress, keep: int | None = None) -> dict:
    n = len(plan.periods)
    hold = max(1, round(HOLD_SECONDS * fps))
    cache = _sample_frames(renderer, plan) if fmt == "gif" else {}
    frame = renderer.frame
    try:
        if fmt == "gif":
            writer = GifWriter(path, shared_palette([rgb for rgb, _label in cache.values()], renderer.key_colours()),
                               comment=f"{metadata['title']}\n{metadata['description']}")
        else:
            writer = VideoWriter(path, fmt, (frame.width, frame.height), fps, metadata)
    except OSError as exc:
        raise AnimationError(N_("Cannot write {path}: {reason}").format(path=repr(str(path)),
                                                                        reason=exc.strerror or exc)) from None
    labels, seconds, kept = [], 0.0, None
    try:
        for i in range(n):
            rgb, label = cache.pop(i) if i in cache else (renderer.render(i), renderer.drawn_labels[-1])
            kept = rgb if i == keep else kept
            extra = hold if i in (0, n - 1) else 0
            if fmt == "gif":
                ms = round(1000 * (1 + extra) / fps)
                writer.write(rgb, ms)
                labels.append(label)
                seconds += ms / 1000
            else:
                writer.write(rgb, repeat=1 + extra)
                labels += [label] * (1 + extra)
                seconds += (1 + extra) / fps
            if progress is not None:
                progress(i + 1, n)
        writer.close()
    except OSError as exc:
        writer.abort()
        raise AnimationError(N_("Cannot write {path}: {reason}").format(path=repr(str(path)),
                                                                        reason=exc.strerror or exc)) from None
    except BaseException:
        writer.abort()
        raise
    return {"frames": writer.frames, "seconds": seconds, "labels": labels, "kept": kept}


def animation_bytes(events: pd.DataFrame, layers: Mapping, view: View, fmt: str, **kw) -> tuple[bytes, str]:
    """An animation as bytes (for a download) and its text alternative; ``kw`` as ``animate``'s."""
    if fmt not in MEDIA_TYPES:
        raise AnimationError(N_("Cannot tell the format of {path}: use .mp4, .webm or .gif.").format(path=repr(fmt)))
    with tempfile.TemporaryDirectory(prefix="geo-animation-") as folder:
        out = Path(folder) / f"animation.{fmt}"
        result = animate(events, layers, view, out, alt_text=False, **kw)
        return out.read_bytes(), result.alt_text


def parse_size(text: str | None) -> tuple[int, int | None] | None:
    """``"1920x1080"`` -> (1920, 1080), ``"800"`` -> (800, None), None -> None; ``AnimationError`` otherwise."""
    if text is None:
        return None
    parts = str(text).lower().replace("×", "x").split("x")
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) not in (1, 2):
        raise AnimationError(N_("The size '{size}' is not WIDTHxHEIGHT in pixels (e.g. 1920x1080).").format(size=text))
    size = (numbers[0], numbers[1] if len(numbers) == 2 else None)
    return checked_size(size, "gif")
