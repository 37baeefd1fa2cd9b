"""Writing an animation's frames as they are drawn: MP4 (H.264) and WebM (VP9) through the ffmpeg binary
inside the ``imageio-ffmpeg`` wheel (never a system ffmpeg, never a download), GIF through Pillow with one
palette for every frame. Each writer holds one frame at a time (memory bounded), writes to a temporary
file beside the output and puts it in place only when complete.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import uuid
from pathlib import Path

import numpy as np

from ..errors import AnimationError
from ..i18n import N_

#: Output formats: suffix -> format.
VIDEO_SUFFIXES = {".mp4": "mp4", ".webm": "webm", ".gif": "gif"}
MEDIA_TYPES = {"mp4": "video/mp4", "webm": "video/webm", "gif": "image/gif"}
_CODECS = {
    # mostly still pictures: x264's still-image tuning keeps the map's lines and text sharp at a low rate
    "mp4": ["-c:v", "libx264", "-preset", "medium", "-tune", "stillimage", "-crf", "23", "-pix_fmt", "yuv420p",
            "-movflags", "+faststart"],
    "webm": ["-c:v", "libvpx-vp9", "-b:v", "0", "-crf", "34", "-pix_fmt", "yuv420p", "-deadline", "good",
             "-cpu-used", "4", "-row-mt", "1"],
}


def ffmpeg_exe() -> str:
    """The ffmpeg binary of the imageio-ffmpeg wheel."""
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def _part(path: Path) -> Path:
    """A temporary name beside ``path`` (the same folder: the final rename stays on one file system)."""
    return path.with_name(f".{path.stem}.{os.getpid()}.{uuid.uuid4().hex[:8]}.part{path.suffix}")


class VideoWriter:
    """Frames (RGB arrays of one size) piped to ffmpeg as they come; ``metadata`` (title, description…)
    into the container's tags. ``close()`` finishes the file; ``abort()`` leaves nothing behind."""

    def __init__(self, path: Path, fmt: str, size: tuple[int, int], fps: float, metadata: dict[str, str]):
        self.path, self.part = Path(path), _part(Path(path))
        width, height = size
        tags = [arg for key, value in metadata.items() for arg in ("-metadata", f"{key}={value}")]
        command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24",
                   "-s", f"{width}x{height}", "-framerate", f"{fps:g}", "-i", "-",
                   "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", *_CODECS[fmt], "-r", f"{fps:g}", *tags,
                   "-f", fmt, str(self.part)]
        self._log = tempfile.TemporaryFile()
        self._proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self._log)
        self.frames = 0

    def write(self, rgb: np.ndarray, repeat: int = 1) -> None:
        data = np.ascontiguousarray(rgb, dtype=np.uint8).tobytes()
        try:
            for _ in range(repeat):
                self._proc.stdin.write(data)
                self.frames += 1
        except (BrokenPipeError, OSError):
            self._fail()

    def _fail(self):
        self._proc.kill()
        self._proc.wait()
        self._log.seek(0)
        detail = self._log.read().decode("utf-8", "replace").strip().splitlines()
        self._cleanup()
        raise AnimationError(N_("The video encoder failed: {detail}").format(detail=(detail or ["?"])[-1]))

    def close(self) -> None:
        try:
            self._proc.stdin.close()
        except OSError:
            pass
        if self._proc.wait() != 0:
            self._fail()
        self._log.close()
        os.replace(self.part, self.path)

    def _cleanup(self) -> None:
        self._log.close()
        self.part.unlink(missing_ok=True)

    def abort(self) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        self._cleanup()


class GifWriter:
    """Frames quantised to one shared ``palette`` (a "P" image) and written as they come; only what
    changed from the frame before is stored. ``comment`` is the GIF's comment extension."""

    def __init__(self, path: Path, palette, comment: str = "", loop: int = 0):
        self.path, self.part = Path(path), _part(Path(path))
        self.palette = palette
        self.comment, self.loop = comment, loop
        self._file = open(self.part, "wb")
        self._previous = None
        self.frames = 0

    def write(self, rgb: np.ndarray, duration_ms: int) -> None:
        from PIL import GifImagePlugin, Image

        frame = Image.fromarray(np.ascontiguousarray(rgb, dtype=np.uint8), "RGB").quantize(
            palette=self.palette, dither=Image.Dither.NONE)
        if self._previous is None:
            info = {"loop": self.loop, "duration": duration_ms}
            if self.comment:
                info["comment"] = self.comment.encode("utf-8")
            header, _used = GifImagePlugin.getheader(frame, self.palette.getpalette(), info)
            self._file.write(b"".join(header))
            box, part = (0, 0, frame.width, frame.height), frame
        else:
            changed = np.asarray(frame) != self._previous
            rows, cols = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
            if len(rows):
                box = (int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1)
            else:  # the same picture: one pixel, shown for the duration
                box = (0, 0, 1, 1)
            part = frame.crop(box)
        for chunk in GifImagePlugin.getdata(part, offset=box[:2], duration=duration_ms, disposal=1):
            self._file.write(chunk)
        self._file.flush()  # on disk as drawn: nothing of the animation waits in memory
        self._previous = np.asarray(frame)
        self.frames += 1

    def close(self) -> None:
        self._file.write(b";")
        self._file.close()
        os.replace(self.part, self.path)

    def abort(self) -> None:
        self._file.close()
        self.part.unlink(missing_ok=True)


def shared_palette(samples: list[np.ndarray], exact: list[tuple[int, int, int]] = ()):
    """One palette ("P" image) for frames like ``samples`` (stacked and quantised together), holding the
    ``exact`` colours too (the legend's: a small marker must keep its category's colour)."""
    from PIL import Image

    exact = list(dict.fromkeys(tuple(int(v) for v in c[:3]) for c in exact))[:96]
    stack = np.concatenate([np.ascontiguousarray(s, dtype=np.uint8) for s in samples], axis=0)
    quantised = Image.fromarray(stack, "RGB").quantize(colors=256 - len(exact), method=Image.Quantize.MEDIANCUT,
                                                       dither=Image.Dither.NONE)
    colours = quantised.getpalette()[: 3 * (256 - len(exact))]
    colours += [v for c in exact for v in c]
    palette = Image.new("P", (1, 1))
    palette.putpalette(colours + [0] * (768 - len(colours)))
    return palette


def read_metadata(path) -> dict[str, str]:
    """The tags of a video (ffmpeg's ``-f ffmetadata`` output, lower-case keys), or a GIF's comment."""
    path = Path(path)
    if path.suffix.lower() == ".gif":
        from PIL import Image

        with Image.open(path) as im:
            comment = im.info.get("comment", b"")
        return {"comment": comment.decode("utf-8") if isinstance(comment, bytes) else str(comment)}
    out = subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", str(path), "-f", "ffmetadata",
                          "-"], capture_output=True, check=True).stdout.decode("utf-8")
    tags: dict[str, str] = {}
    for line in re.split(r"(?<!\\)\n", out):  # an escaped line break continues a value
        if line.startswith((";", "[")) or "=" not in line:
            continue
        key, value = re.split(r"(?<!\\)=", line, maxsplit=1) if re.search(r"(?<!\\)=", line) else (line, "")
        tags[key.lower()] = re.sub(r"\\(.)", r"\1", value, flags=re.S)
    return tags
