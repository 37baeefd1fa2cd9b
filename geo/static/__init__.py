"""Snapshots: the static map (PNG, SVG, PDF with matplotlib), its captions, and ``render``, which
writes any snapshot or export of a view (the standalone HTML map included).

Uses the core, ``geo.io`` (exports) and ``geo.webmap`` (the HTML map).
"""
