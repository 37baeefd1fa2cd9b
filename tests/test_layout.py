"""The layout of ``geo/``: which part may import which, read from the modules' own imports.

The data flows one way: the core (schema, layers, filters, analysis, view) is used by ``io``
(readers, formats, cache, exports, the data set), ``webmap`` (the interactive map) and
``static`` (snapshots); ``static`` draws with ``webmap`` and exports with ``io``. Nothing
imports upward, and no module of ``geo`` imports streamlit.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

import geo
from conftest import ROOT

GEO = ROOT / "geo"
#: What each part may import from geo. The top-level tools (the package's ``__init__``, the
#: command line and the benchmark) may import anything.
ALLOWED = {
    "core": {"core"},
    "io": {"core", "io"},
    "webmap": {"core", "webmap"},
    "static": {"core", "io", "webmap", "static"},
}
TOOLS = {"geo/__init__.py", "geo/__main__.py", "geo/bench.py", "geo/bench_postgis.py"}
SUBPACKAGES = ("io", "webmap", "static")


def part_of(module: str) -> str:
    """The part a dotted module name of geo belongs to ("geo.webmap.maps" -> "webmap")."""
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[1] in SUBPACKAGES else "core"


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports (at any depth: function-level imports count), absolute."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((node.lineno, target))
            # `from . import cache` imports a module, not just a name
            found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names
                      if (GEO / Path(*f"{target}.{alias.name}".split(".")[1:])).with_suffix(".py").exists()]
    return found


MODULES = sorted(GEO.rglob("*.py"))


def test_every_part_is_known():
    folders = {p.parent.name for p in MODULES if p.parent != GEO}
    assert folders == set(SUBPACKAGES), "a new folder in geo/ needs its place in ALLOWED"
    for sub in SUBPACKAGES:
        assert (GEO / sub / "__init__.py").exists()


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_imports_streamlit(path):
    bad = [(line, mod) for line, mod in imports_of(path) if mod.split(".")[0] in ("streamlit", "streamlit_folium")]
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


@pytest.mark.parametrize("path", [p for p in MODULES if str(p.relative_to(ROOT)) not in TOOLS],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_no_part_imports_upward(path):
    rel = str(path.relative_to(ROOT))
    me = part_of(module_name(path))
    bad = [f"line {line}: {mod} ({part_of(mod)})" for line, mod in imports_of(path)
           if mod.split(".")[0] == "geo" and mod != "geo" and part_of(mod) not in ALLOWED[me]]
    assert not bad, f"{rel} is in {me}, which may import only {sorted(ALLOWED[me])}: " + "; ".join(bad)


def test_the_checker_sees_an_upward_import(tmp_path):
    """The rule test must fail on a violation: a webmap module importing static, a core one io."""
    fake = GEO / "webmap" / "_layout_probe.py"
    fake.write_text("from ..static.snapshots import render\n\ndef f():\n    from ..io import readers\n")
    try:
        found = [mod for _, mod in imports_of(fake)]
        assert "geo.static.snapshots" in found and "geo.io.readers" in found
        assert {part_of(m) for m in found} - ALLOWED["webmap"] == {"static", "io"}
    finally:
        fake.unlink()


def test_old_import_paths_are_gone():
    """No code or document names a moved module at its old place (as `geo` + "." + "maps", say)."""
    # a name also at the top of geo/ (geo/labels.py beside geo/webmap/labels.py) is not an old path
    moved = {p.stem for p in MODULES if p.parent != GEO and p.stem != "__init__"} - {p.stem for p in GEO.glob("*.py")}
    old = re.compile(r"(?<![\w.])geo\.(%s)\b|\bgeo/(%s)\.py\b" % ("|".join(moved), "|".join(moved)))
    old_from = re.compile(r"\bfrom geo import (?:\w+, )*(%s)\b" % "|".join(moved))
    top_relative = re.compile(r"from \.(%s) import" % "|".join(moved))
    files = [p for p in ROOT.rglob("*") if p.suffix in (".py", ".md", ".toml", ".txt")
             and not {".git", "fixtures"} & set(p.parts)]
    stale = [f"{f.relative_to(ROOT)}: {m.group(0)}" for f in files
             for pattern in (old, old_from) for m in pattern.finditer(f.read_text(encoding="utf-8", errors="replace"))]
    stale += [f"{f.relative_to(ROOT)}: {m.group(0)}" for f in GEO.glob("*.py")
              for m in top_relative.finditer(f.read_text(encoding="utf-8"))]
    assert not stale, stale


def test_public_api_unchanged():
    """Every public name still imports from ``geo`` (the README's examples use them)."""
    for name in geo.__all__:
        assert getattr(geo, name) is not None
    for sub in SUBPACKAGES:
        importlib.import_module(f"geo.{sub}")


def test_readme_examples_run(tmp_path, monkeypatch):
    """The README's Python examples run as written (in a scratch folder: one saves a map)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert blocks, "the README shows how to use geo in Python"
    monkeypatch.chdir(tmp_path)
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})
    assert (tmp_path / "map.html").stat().st_size > 10_000
