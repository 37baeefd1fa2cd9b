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
#: What each part may import from geo. A part is the core (the modules at geo's top level) or a
#: subpackage. The package's ``__init__``, the command line (``__main__``) and the benchmarks
#: (``bench``: never imported by the library) may import anything.
ALLOWED = {
    "core": {"core"},
    "a11y": {"core", "a11y"},
    "places": {"core", "places"},
    "matching": {"core", "matching"},
    "io": {"core", "io"},
    "db": {"core", "io", "places", "db"},
    "sources": {"core", "io", "db", "matching", "places", "sync", "sources"},
    "sync": {"core", "io", "db", "sync"},
    "webmap": {"core", "a11y", "places", "matching", "webmap"},
    "static": {"core", "a11y", "places", "matching", "io", "webmap", "static"},
}
TOOLS = {"geo/__init__.py", "geo/__main__.py"}
TOOL_PARTS = {"bench"}
SUBPACKAGES = tuple(sorted(set(ALLOWED) - {"core"} | TOOL_PARTS))
#: At most this many modules at geo's top level besides ``__init__`` and ``__main__``.
MAX_TOP_MODULES = 12
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80


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


@pytest.mark.parametrize("path", [p for p in MODULES if str(p.relative_to(ROOT)) not in TOOLS
                                  and part_of(module_name(p)) not in TOOL_PARTS],
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


DOTTED = re.compile(r"(?<![\w./-])geo(?:\.\w+)+")
FILE_PATH = re.compile(r"(?<![\w./-])geo/[\w/]+\.py\b")


def stale_references(text: str) -> list[str]:
    """The dotted names (``geo.x.y``) and file paths (``geo/x/y.py``) in ``text`` that name nothing
    that exists: a module, a package, or a name inside one."""
    stale = []
    for ref in sorted(set(DOTTED.findall(text))):
        parts = ref.split(".")
        for k in range(len(parts), 0, -1):  # the longest prefix that is a module or a package
            base = GEO.parent.joinpath(*parts[:k])
            if base.with_suffix(".py").exists() or (base / "__init__.py").exists():
                break
        else:
            stale.append(ref)
            continue
        obj = importlib.import_module(".".join(parts[:k]))
        for attr in parts[k:]:
            if not hasattr(obj, attr):
                stale.append(ref)
                break
            obj = getattr(obj, attr)
    stale += [path for path in sorted(set(FILE_PATH.findall(text))) if not (ROOT / path).exists()]
    return stale


def test_old_import_paths_are_gone():
    """Every module, name and file of geo that the code and the docs mention exists where they say
    (an old path such as ``geo.io.postgis`` or ``geo/bench.py`` is gone)."""
    files = [p for p in ROOT.rglob("*") if p.suffix in (".py", ".md", ".toml", ".txt", ".cfg")
             and not {".git", "fixtures", "__pycache__"} & set(p.parts)
             and p != Path(__file__).resolve()]  # this file names old paths on purpose, as probes
    stale = [f"{f.relative_to(ROOT)}: {ref}" for f in files
             for ref in stale_references(f.read_text(encoding="utf-8", errors="replace"))]
    assert not stale, stale


def test_the_checker_sees_an_old_path():
    assert stale_references("see geo.io.postgis and geo/bench.py") == ["geo.io.postgis", "geo/bench.py"]
    assert stale_references("geo.db.postgis.PostgisSource, geo/db/postgis.py, python -m geo.bench") == []
    assert stale_references("geo.db.postgis.NoSuchThing") == ["geo.db.postgis.NoSuchThing"]


def import_graph(paths) -> dict[str, set[str]]:
    """Which module of geo imports which (at any depth), each name resolved to the module it is in."""
    names = {module_name(p) for p in paths}
    graph = {}
    for path in paths:
        me = module_name(path)
        targets = set()
        for _, mod in imports_of(path):
            while mod and mod not in names:  # geo.x.y.name -> geo.x.y
                mod = mod.rpartition(".")[0]
            if mod and mod != me:
                targets.add(mod)
        graph[me] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan): each is a cycle."""
    index, low, stack, on, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle():
    """No two modules of geo import each other, directly or through others (the package's
    ``__init__``, which gathers the public names, is left out: nothing inside imports it back)."""
    inner = [p for p in MODULES if p != GEO / "__init__.py"]
    assert not cycles(import_graph(inner))
    inside = [m for m, targets in import_graph(inner).items() if "geo" in targets
              and part_of(m) not in TOOL_PARTS and m != "geo.__main__"]
    assert not inside, f"{inside} import the package's __init__ (from geo import …): a cycle through it"


def test_the_checker_sees_a_cycle():
    """Two probe modules that import each other (one through a function-level import) are a cycle."""
    a, b = GEO / "webmap" / "_cycle_probe_a.py", GEO / "webmap" / "_cycle_probe_b.py"
    a.write_text("from ._cycle_probe_b import f\n")
    b.write_text("def f():\n    from . import _cycle_probe_a\n")
    try:
        found = cycles(import_graph([p for p in sorted(GEO.rglob("*.py")) if p != GEO / "__init__.py"]))
        assert found == [["geo.webmap._cycle_probe_a", "geo.webmap._cycle_probe_b"]]
    finally:
        a.unlink()
        b.unlink()
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def too_long(path: Path) -> list[str]:
    """A module over MAX_MODULE_LINES lines, and each function over MAX_FUNCTION_LINES."""
    text = path.read_text(encoding="utf-8")
    found = [f"{path.name}: {text.count(chr(10))} lines"] if text.count("\n") > MAX_MODULE_LINES else []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                found.append(f"{path.name}: {node.name}() is {length} lines")
    return found


@pytest.mark.parametrize("path", MODULES + sorted((ROOT / "dashboard").rglob("*.py")),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_and_functions_are_short(path):
    assert not too_long(path)


def test_the_checker_sees_a_long_module(tmp_path):
    long = tmp_path / "long.py"
    long.write_text("x = 1\n" * (MAX_MODULE_LINES + 1) + "def f():\n" + "    y = 1\n" * MAX_FUNCTION_LINES)
    assert too_long(long) == [f"long.py: {MAX_MODULE_LINES + 1 + 1 + MAX_FUNCTION_LINES} lines",
                              f"long.py: f() is {MAX_FUNCTION_LINES + 1} lines"]


def test_the_top_level_is_small():
    """Only the modules the rest share sit at geo's top level; no benchmark among them."""
    top = sorted(p.stem for p in GEO.glob("*.py") if p.stem not in ("__init__", "__main__"))
    assert len(top) <= MAX_TOP_MODULES, top
    assert not [name for name in top if "bench" in name]


def test_each_subpackage_says_what_it_holds():
    for sub in SUBPACKAGES:
        doc = ast.get_docstring(ast.parse((GEO / sub / "__init__.py").read_text(encoding="utf-8")))
        assert doc and len(doc) > 40, f"geo/{sub}/__init__.py needs a sentence on what it holds"


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
