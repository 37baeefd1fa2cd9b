"""The French catalogue itself: every string of geo/ and dashboard/ extracted, translated with its
placeholders, compiled, and no text that reaches a reader left outside it (the formats and what the
app says in French are test_i18n's)."""

from __future__ import annotations

import gettext
import io
import re
import string

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from conftest import ROOT
from geo import i18n

PO = ROOT / "geo" / "locale" / "fr" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")


def extracted() -> dict[str, tuple]:
    """Every message of geo/ and dashboard/, extracted by Babel with the project's babel.cfg."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as fp:
        method_map, options_map = parse_mapping_cfg(fp)
    found = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            ROOT, method_map=method_map, options_map=options_map):
        key = message if isinstance(message, str) else message[0]
        found.setdefault(key, (f"{filename}:{lineno}", message))
    return found


def fr_catalogue():
    with PO.open("rb") as fp:
        return read_po(fp)


def test_the_extraction_finds_the_apps_strings():
    found = extracted()
    # one of each kind: a link warning, a category name, a popup heading, a dashboard label, the CLI
    for text in ("Ignored unknown setting '{key}'.", "Battles", "Side A", "Filters", "cannot write {path}: {reason}"):
        assert text in found, text
    assert len(found) > 250


def test_every_english_string_has_its_french():
    """A user-facing string wrapped in _() with no French entry, an empty or a fuzzy one fails here."""
    catalogue = fr_catalogue()
    missing, fuzzy, empty = [], [], []
    for key, (where, message) in sorted(extracted().items()):
        entry = catalogue.get(message if isinstance(message, str) else message[0])
        if entry is None:
            missing.append(f"{where}: {key!r}")
        elif entry.fuzzy:
            fuzzy.append(key)
        elif not (entry.string if isinstance(entry.string, str) else all(entry.string)):
            empty.append(key)
    assert not missing, "not in the fr catalogue (run pybabel extract/update, see docs/translations.md):\n" + \
        "\n".join(missing)
    assert not fuzzy, f"fuzzy (check and unmark): {fuzzy}"
    assert not empty, f"untranslated: {empty}"


def test_the_catalogue_has_no_stale_entries():
    """Entries whose English is gone from the code are removed (``pybabel update`` makes them obsolete)."""
    found = extracted()
    catalogue = fr_catalogue()
    stale = [m.id for m in catalogue if m.id and (m.id if isinstance(m.id, str) else m.id[0]) not in found]
    assert not stale
    assert not catalogue.obsolete


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_french_keeps_every_placeholder():
    """A translation that drops or misspells ``{name}`` would raise or lose the value at run time."""
    bad = []
    for m in fr_catalogue():
        if not m.id:
            continue
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        for s in strings:
            if _fields(s) != _fields(ids[-1]) and _fields(s) != _fields(ids[0]):
                bad.append((ids[0], s))
    assert not bad


def test_the_committed_mo_is_the_po_compiled():
    """The .mo is committed (a fresh clone needs no build step); it must be the .po, compiled."""
    committed = gettext.GNUTranslations(io.BytesIO(MO.read_bytes()))
    fresh = gettext.GNUTranslations(io.BytesIO(i18n.compile_po(PO)))
    assert committed._catalog == fresh._catalog, "run: pybabel compile -d geo/locale -D messages"


def test_a_missing_mo_is_compiled_from_the_po(tmp_path, monkeypatch):
    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_bytes(PO.read_bytes())
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    assert i18n._catalogue("fr").gettext("Battles") == "Combats"


# --- dates, numbers and the language in use --------------------------------------------------------

def test_no_module_formats_numbers_or_dates_by_hand_in_user_text():
    """Numbers and dates shown to users go through geo.i18n (a ``:,`` or ``%B`` left in a wrapped string
    would give English digits and months in French)."""
    bad = []
    for path in list((ROOT / "geo").rglob("*.py")) + list((ROOT / "dashboard").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"_\(\s*f?\"[^\"]*(\{[^}]*:,\}|%B|%b)[^\"]*\"", text):
            bad.append(f"{path.relative_to(ROOT)}: {m.group(0)[:60]}")
    assert not bad


def _called_messages(path) -> list[tuple[int, str]]:
    """The literal first arguments of _(), N_(), ngettext() and pgettext() calls in a file, found by Python's
    own parser (so also inside f-strings, where Babel's extractor does not look)."""
    import ast

    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in (
                "_", "N_", "ngettext", "pgettext", "gettext"):
            args = node.args[1:] if node.func.id == "pgettext" else node.args
            if args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
                found.append((node.lineno, args[0].value))
    return found


def test_every_wrapped_string_is_extracted():
    """A string wrapped inside an f-string's braces is invisible to pybabel: it would never be translated."""
    found = extracted()
    hidden = [f"{path.relative_to(ROOT)}:{line}: {text!r}"
              for path in list((ROOT / "geo").rglob("*.py")) + list((ROOT / "dashboard").glob("*.py"))
              for line, text in _called_messages(path) if text not in found]
    assert not hidden, "move these out of the f-string's braces:\n" + "\n".join(hidden)


#: Streamlit calls that put text on the page, and the keywords that carry text.
_ST_TEXT_CALLS = {"button", "markdown", "caption", "write", "info", "warning", "error", "success", "subheader",
                  "header", "title", "expander", "metric", "selectbox", "multiselect", "slider", "select_slider",
                  "checkbox", "toggle", "radio", "download_button", "text", "number_input", "date_input",
                  "text_input", "file_uploader", "tabs", "toast", "spinner", "popover", "link_button",
                  "form_submit_button", "segmented_control", "pills", "set_page_config", "status", "dialog"}
_ST_TEXT_KEYWORDS = {"label", "help", "placeholder", "body", "page_title", "caption", "value"}
#: Texts meant for both languages at once.
_BILINGUAL = {"Language / Langue"}


def _literal_text(node) -> str | None:
    """The English words a node writes as it stands (a literal, an f-string's literal parts, a sum or choice of
    them); None when the text comes from elsewhere (a _() call, a variable)."""
    import ast

    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp):
        return (_literal_text(node.left) or "") + (_literal_text(node.right) or "")
    if isinstance(node, ast.IfExp):
        return (_literal_text(node.body) or "") + (_literal_text(node.orelse) or "")
    if isinstance(node, (ast.List, ast.Tuple)):
        return " ".join(_literal_text(e) or "" for e in node.elts)
    return None


def untranslated_dashboard_texts(folder) -> list[str]:
    import ast

    found = []
    for path in sorted(folder.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in _ST_TEXT_CALLS):
                continue
            for arg in node.args[:1] + [k.value for k in node.keywords if k.arg in _ST_TEXT_KEYWORDS]:
                text = _literal_text(arg)
                if text and re.search(r"[A-Za-z]{2,}", text) and not text.startswith(":material/") \
                        and text not in _BILINGUAL:
                    found.append(f"{path.name}:{node.lineno}: st.{node.func.attr}({text[:60]!r})")
    return found


def test_no_dashboard_text_reaches_the_page_without_the_catalogue(tmp_path):
    """Text written straight into a Streamlit call is invisible to the extraction (and so to the test above):
    it would stay English on a French page. Every such text goes through _() / ngettext()."""
    assert untranslated_dashboard_texts(ROOT / "dashboard") == []
    probe = tmp_path / "probe.py"  # the check sees a bare literal, an f-string and a help= keyword
    probe.write_text('import streamlit as st\nst.button("Go", help=f"Go to {x}")\nst.caption(_("fine"))\n')
    assert [line.split(": ", 1)[1] for line in untranslated_dashboard_texts(tmp_path)] == [
        "st.button('Go')", "st.button('Go to ')"]
