"""The benchmarks write the README's tables themselves (between markers) and judge each target."""

from __future__ import annotations

import pytest

from conftest import ROOT
from geo.bench.report import section_markers, verdict, write_section


def test_a_run_replaces_only_its_section(tmp_path):
    start, end = section_markers("maps")
    other = section_markers("dashboard")
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\nprose\n\n{start}\nold table\n{end}\n\nmore prose\n\n{other[0]}\nkept\n{other[1]}\n")
    write_section(readme, "maps", "| a | b |\n|---|---|\n| 1 | 2 |")
    text = readme.read_text()
    assert "old table" not in text and "| 1 | 2 |" in text and "Measured 20" in text
    assert text.startswith("# Title\n\nprose\n\n") and "more prose" in text and "\nkept\n" in text
    write_section(readme, "maps", "second run")
    assert text.count(start) == 1 and "| 1 | 2 |" not in readme.read_text() and "second run" in readme.read_text()


def test_a_readme_without_the_section_is_refused(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# nothing marked\n")
    with pytest.raises(SystemExit):
        write_section(readme, "maps", "table")
    assert readme.read_text() == "# nothing marked\n"
    plain = tmp_path / "bench.md"  # any other file: the whole file
    write_section(plain, "maps", "table")
    assert plain.read_text().startswith("table\n")


def test_the_readme_has_both_sections():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("maps", "dashboard"):
        start, end = section_markers(name)
        assert text.count(start) == 1 and text.count(end) == 1 and text.index(start) < text.index(end)


@pytest.mark.parametrize("value, target, unit, at_least, met", [
    (0.05, 0.1, "s", False, True), (0.31, 0.3, "s", False, False), (1.1, 1.2, "×", False, True),
    (1282, 1000, "×", True, True), (900, 1000, "×", True, False), (0.53, 0.6, "MB", False, True),
])
def test_each_target_gets_its_verdict(value, target, unit, at_least, met):
    line, ok = verdict("what", value, target, unit, at_least=at_least)
    assert ok is met and line.startswith("- what: ") and (("**met**" in line) is met)
    assert ("NOT met" in line) is (not met)


def test_a_figure_not_measured_is_not_met():
    line, ok = verdict("map at 1M", None, 0.3)
    assert not ok and "not measured" in line
