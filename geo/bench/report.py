"""How the benchmarks write their results: a marked section of the README replaced by a run's tables
(never edited by hand), and each target with its verdict."""

from __future__ import annotations

import re
import time
from pathlib import Path


def section_markers(name: str) -> tuple[str, str]:
    """The comments that open and close the README section a benchmark writes."""
    return f"<!-- bench:{name} (written by the benchmark; do not edit) -->", f"<!-- /bench:{name} -->"


def write_section(path: Path, name: str, text: str) -> None:
    """Write ``text`` into ``path``: between the section's markers when the file has them (the README),
    else as the whole file. The run's date is added; the rest of the file stays as it was."""
    start, end = section_markers(name)
    stamped = f"{text.rstrip()}\n\nMeasured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.\n"
    path = Path(path)
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if start in old and end in old:
        pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
        new = pattern.sub(lambda _m: f"{start}\n{stamped}{end}", old, count=1)
    elif old and path.name.lower() == "readme.md":
        raise SystemExit(f"{path} has no section {start!r} … {end!r} to replace")
    else:
        new = stamped
    path.write_text(new, encoding="utf-8")


def verdict(label: str, value: float | None, target: float, unit: str = "s", *, at_least: bool = False) -> tuple[str, bool]:
    """One target's line and whether it is met: "map build + render at 10k: 0.05 s (target ≤ 0.1 s): met"."""
    if value is None:
        return f"- {label}: not measured (target {'≥' if at_least else '≤'} {target:g}{unit})", False
    ok = value >= target if at_least else value <= target
    def fmt(x: float) -> str:
        if unit == "×":
            return f"{x:,.0f}×" if x >= 100 else f"{x:.2f}×"
        if unit:
            return f"{x:,.0f} {unit}" if x >= 100 else f"{x:.2f} {unit}"
        return f"{x:.2f}"

    shown, want = fmt(value), (fmt(target) if unit != "×" or target >= 100 else f"{target:g}×")
    return f"- {label}: {shown} (target {'≥' if at_least else '≤'} {want}): **{'met' if ok else 'NOT met'}**", ok


__all__ = ["section_markers", "verdict", "write_section"]
