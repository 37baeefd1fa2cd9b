"""Event markers on the interactive map: one circle per event with its popup and tooltip, drawn by
one small script from compact rows.

folium's ``GeoJson`` layer, the obvious tool, costs twice over at a few thousand events: it keeps
every feature's style in the page twice (in the data and in a style function switching on every
event id) and writes each ``<`` and ``>`` of the popups' HTML as a six-character ``\\u003c``. Here
a feature is a row ``[lon, lat, style, popup, tooltip, event_id]``, the styles are a table of the
few distinct ones, and the JSON is made safe for a ``<script>`` element by breaking only the
sequences that could end or confuse it (``</``, ``<!--``, ``<script``); ``MAX_MARKER_BYTES`` bounds it
whatever the events' text.

A popup is not sent as HTML but as its pieces (``geo.webmap.popups.popup_fragments``): the pieces many
events hold alike (a type, a date, a place, a pair of sides, a source, another event's line under "Also at
this place") are sent once in a table, and a popup names them by number beside its own pieces (claims, id).
The browser joins a popup's pieces when it opens: until then a popup costs its numbers.
"""

from __future__ import annotations

from collections import Counter

import geopandas as gpd
import numpy as np
import pandas as pd
from folium.template import Template

from .claimsindex import ClaimsIndex
from .inview import KEEPER_JS
from .popupcache import PopupParts, popup_cache, records
from .popups import Shared, popup_fragments, same_place_fragments, same_place_item, tooltip_text
from .scripting import ScriptElement, script_json
from ..analysis import claim_ranges, event_figures
from ..fatalities import fatality_notes
from ..i18n import _, current_language, format_date
from ..matching.groups import DATASETS_DISAGREE
from ..styles import esc, event_color, marker_radius

#: The markers' rows may take this many bytes of the page; past it the map counts the events into
#: cells instead (``geo.webmap.maps.build_map``), so that long notes cannot make the page heavy.
MAX_MARKER_BYTES = 2_400_000

_MARKERS_JS = KEEPER_JS + """
var styles = args.styles, rows = args.rows, selected = args.selected;
if (args.canvas) {
  // a canvas of their own, taken off the map with the markers (a group replaced in an open map
  // must not leave an empty canvas behind to be redrawn at every move)
  var renderer = L.canvas({padding: 0.5});
  styles = styles.map(function (s) { return Object.assign({renderer: renderer}, s); });
  group.on('remove', function () { if (renderer._map) { renderer.remove(); } });
}
// a popup's HTML: its pieces joined, each shared one (a number) read from the table
function html(pieces) {
  var out = '';
  for (var k = 0; k < pieces.length; k++) { var x = pieces[k]; out += typeof x === 'number' ? args.shared[x] : x; }
  return out;
}
// the popup's content, made when it opens: the full details, or on a narrow frame (a phone) a short
// popup whose details show below the map. An element (not a string), so that streamlit-folium reads
// its text (the event id, last line) when the marker is clicked.
function content(layer, r) {
  var div = document.createElement('div');
  if (layer._map && window.geoKeeper(layer._map).narrow()) {
    div.className = 'ev-popup ev-short';
    div.innerHTML = "<div class='ev-title'>" + r[4] + "</div><div class='muted'>" + args.below + "</div>";
    var id = document.createElement('div');  // the last line, as in the full popup: the event id
    id.className = 'muted'; id.textContent = r[5];
    div.appendChild(id);
  } else {
    div.innerHTML = html(r[3]);
  }
  return div;
}
// the popup gets its content each time it opens: on a click before Leaflet opens it (so that
// streamlit-folium, which reads it on the click, finds the text), or when opened otherwise
function fill(layer) { layer.getPopup().setContent(content(layer, layer._row)); }
function onOpen(e) {
  var l = e.target;
  if (typeof l.getPopup().getContent() === 'string') { fill(l); }
  if (l._map) { window.geoKeeper(l._map).fit(l); }
}
function openInView(layer) {
  // the linked event opens with its whole popup in the frame, kept there through the page's setView
  setTimeout(function () {
    if (!layer._map) { return; }
    var k = window.geoKeeper(layer._map);
    fill(layer);
    layer.openPopup();
    k.target = layer;
    k.apply();
  }, 0);
}
function onClick(e) { fill(e.target); }
// the tooltip is made when the pointer first comes over its marker (made for two thousand markers at once,
// tooltips took ~30 ms); Leaflet shows it from then on
function onHover(e) {
  var l = e.target;
  if (!l.getTooltip()) { l.bindTooltip(l._row[4]); l.openTooltip(); }
}
function onAdd(e) { openInView(e.target); }
function plain(html) {  // the tooltip's escaped HTML as text (a textarea never runs what it holds)
  var t = document.createElement('textarea'); t.innerHTML = html; return t.value;
}
function reachable(layer, name) {
  // an SVG marker is a button in the tab order: Enter or Space does what a click does (the popup
  // opens and the dashboard hears of it); the popup is a dialog that takes the focus, and gives it
  // back to its marker when it closes. Canvas markers cannot take the focus: the dashboard lists
  // every event in a list that opens the same panel.
  layer.on('add', function () {
    var el = layer.getElement && layer.getElement();
    if (!el) { return; }
    el.setAttribute('tabindex', '0');
    el.setAttribute('role', 'button');
    el.setAttribute('aria-label', name);
    el.setAttribute('aria-haspopup', 'dialog');
    L.DomEvent.on(el, 'keydown', function (e) {
      if (e.key === 'Enter' || e.key === ' ' || e.key === 'Spacebar') {
        L.DomEvent.preventDefault(e);
        L.DomEvent.stopPropagation(e);
        layer._geoKeyboard = true;
        layer.fire('click', {latlng: layer.getLatLng(), originalEvent: e}, true);
      }
    });
  });
  layer.on('popupopen', function (e) {
    var box = e.popup.getElement();
    if (!box) { return; }
    var title = box.querySelector('.ev-title');
    box.setAttribute('role', 'dialog');
    box.setAttribute('aria-label', title ? title.textContent : name);
    box.setAttribute('tabindex', '-1');
    if (!box._geoEscape) {  // Leaflet closes on Escape only while the map itself has the focus
      box._geoEscape = true;
      L.DomEvent.on(box, 'keydown', function (k) {
        if (k.key === 'Escape' || k.key === 'Esc') { L.DomEvent.stopPropagation(k); layer.closePopup(); }
      });
    }
    if (layer._geoKeyboard) { layer._geoKeyboard = false; box.focus({preventScroll: true}); }
  });
  layer.on('popupclose', function () {
    var el = layer.getElement && layer.getElement();
    var active = document.activeElement;
    if (el && (!active || active === document.body || (active.closest && active.closest('.leaflet-popup')))) {
      el.focus({preventScroll: true});
    }
  });
}
for (var i = 0; i < rows.length; i++) {
  var r = rows[i];  // [lon, lat, style, popup's pieces, tooltip, event_id]
  var layer = L.circleMarker([r[1], r[0]], styles[r[2]]);
  layer.feature = {type: 'Feature', properties: {event_id: r[5]}};
  layer._row = r;
  layer.on('click', onClick);  // before bindPopup: runs before Leaflet opens the popup on the same click
  layer.bindPopup('', {maxWidth: 420, maxHeight: 360, autoPan: false});
  layer.on('popupopen', onOpen);
  layer.on('mouseover', onHover);
  if (!args.canvas) { reachable(layer, plain(r[4])); }
  if (selected !== null && r[5] === selected) { layer.on('add', onAdd); }
  group.addLayer(layer);
}
"""


class EventMarkers(ScriptElement):
    """The events of a FeatureCollection from ``geo.webmap.maps.events_geojson``, drawn into the parent
    FeatureGroup as circle markers with popups and tooltips: on a canvas of their own if ``canvas``
    (thousands of markers), else as SVG paths (class ``event-marker``).

    ``data`` keeps the FeatureCollection for callers and tests; ``payload_bytes`` is what the
    markers add to the page. A feature's popup is sent as its pieces (``_pieces``, else ``_popup`` whole):
    each ``Shared`` piece once for all of them.
    """

    _read_only = ("data",)
    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function(group, args){ {{ this.code }} })({{ this._parent.get_name() }}, {{ this.args }});"
        "{% endmacro %}"
    )

    def __init__(self, data: dict, selected: str | None = None, *, canvas: bool = False):
        super().__init__()
        self._name = "EventMarkers"
        self.data = data
        styles: dict[str, int] = {}
        table: list[dict] = []
        shared: dict[str, int] = {}
        rows = []
        seen: dict[int, int] = {}  # events share their style's dict (events_geojson): each looked at once
        for f in data["features"]:
            p = f["properties"]
            look = seen.get(id(p["_style"]))
            if look is None:
                key = tuple(sorted(p["_style"].items()))  # the distinct styles (a few), without JSON per event
                if key not in styles:
                    styles[key] = len(table)
                    table.append(p["_style"])
                look = seen[id(p["_style"])] = styles[key]
            pieces = []
            for piece in p.get("_pieces") or (p["_popup"],):
                if type(piece) is Shared:
                    number = shared.get(piece)
                    if number is None:
                        number = shared[piece] = len(shared)
                    pieces.append(number)
                else:
                    pieces.append(piece)
            lon, lat = f["geometry"]["coordinates"]
            rows.append([round(lon, 6), round(lat, 6), look, pieces, p["_tip"], p["event_id"]])
        self.code = _MARKERS_JS
        self.args = script_json({"styles": table, "shared": list(shared), "rows": rows, "selected": selected,
                                 "canvas": canvas, "below": esc(_("Details below the map."))})
        self.payload_bytes = len(self.args.encode("utf-8"))


#: How many other events at the same place a popup lists by name.
SAME_PLACE_LISTED = 10


def figures(events: pd.DataFrame, claims: pd.DataFrame | None, figure: str, index: ClaimsIndex | None = None):
    """``geo.analysis.event_figures``, the highest claims taken from the data set's ``index`` when given."""
    if figure == "highest" and index is not None and claims is not None and not claims.empty:
        base = events["fatalities"].astype(float)
        high = index.ranges["high"].astype("float")
        return np.maximum(base, events["event_id"].map(high).fillna(base))
    return event_figures(events, claims, figure)


#: How an event changed since a day is drawn ("changed since" in the link): a ring of its own colour.
CHANGE_STYLES = {"added": {"color": "#0072B2", "weight": 3.5},
                 "revised": {"color": "#D55E00", "weight": 3.5, "dashArray": "3 2"},
                 "deleted": {"fillOpacity": 0.0, "weight": 3, "dashArray": None}}


def change_mark(ev, style: dict) -> str:
    """An event of "changed since" (``change``: added, revised or deleted, on ``changed_on``, by ``change_source``):
    its style marked in place (a deleted event hollow, in its type's colour), and its sentence; "" otherwise."""
    change = ev.get("change")
    if change not in CHANGE_STYLES:
        return ""
    style.update(CHANGE_STYLES[change])
    if change == "deleted":
        style["color"] = style["fillColor"]
    style["className"] = f"event-marker change-{change}"
    if style.get("dashArray") is None:
        style.pop("dashArray", None)
    day = format_date(ev["changed_on"]) if ev.get("changed_on") is not None else ""
    source = str(ev.get("change_source") or "")
    if change == "deleted":
        return _("deleted from {source} on {date}").format(source=source, date=day) if source else \
            _("deleted on {date}").format(date=day)
    return _("added on {date}").format(date=day) if change == "added" else _("revised on {date}").format(date=day)


def events_geojson(events: gpd.GeoDataFrame, claims: pd.DataFrame | None, color_by: str,
                   figure: str = "conservative", *, index: ClaimsIndex | None = None, memo: dict | None = None) -> dict:
    """The events as a GeoJSON FeatureCollection carrying their popup, tooltip and style.

    Circles are sized by ``figure`` (see ``geo.analysis.event_figures``). Events
    whose claims disagree get a dashed black outline, those with claims that agree
    a solid one. Features come largest first, so that a small circle is drawn over
    (and can be clicked on top of) a large one at the same place; each popup lists
    the other events at its exact place.

    ``index`` is ``claims``' ``ClaimsIndex`` (a data set keeps one): the events' claims, their
    ranges and their figures' notes are worked out for these events at once, never per event.
    ``memo`` (the data set's) keeps each event's popup once made (``geo.webmap.popupcache``): a later
    map of the same data set makes only the popups it has not made before.
    """
    index = index if index is not None and index.claims is claims else ClaimsIndex(claims)
    sizes = figures(events, claims, figure, index)
    order = events.assign(_size=sizes).sort_values(["_size", "event_date"], ascending=[False, True], kind="stable")
    rows = records(order)  # plain dicts: reading a field of a row Series costs ~10x more
    parts = _popup_parts(rows, index, popup_cache(memo, claims, events))
    lats, lons = order["latitude"].to_numpy(float).tolist(), order["longitude"].to_numpy(float).tolist()
    places: dict[tuple[float, float], list] = {}
    for i, at in enumerate(zip(lats, lons)):
        places.setdefault(at, []).append(i)
    changes, matched = "change" in order, "spread" in order or "datasets_held" in order
    looks: dict[tuple, dict] = {}  # the few distinct styles, one dict each (an event's change marks a copy)
    features = []
    for i, ev in enumerate(rows):
        here = places[(lats[i], lons[i])]
        own = parts[i]
        # several data sets holding the event (geo.matched_events' rows): their spread is a dispute too
        datasets_differ = matched and float(ev.get("spread") or 1.0) > DATASETS_DISAGREE
        disputed = own.disputed or datasets_differ
        look = (ev["_size"], ev["event_type"] if color_by != "side" else ev["actor1"], disputed, own.has_claims)
        style = looks.get(look)
        if style is None:
            style = looks[look] = _style(ev, color_by, disputed, own.has_claims)
        change = ""
        if changes and ev.get("change") in CHANGE_STYLES:
            style = dict(style)
            change = change_mark(ev, style)
        pieces = own.pieces
        if len(here) > 1:  # the others at its place, before the popup's last line (its id)
            # list a few of the others, and count the rest: a place with thousands of events
            # (a region's centroid in ACLED) must not make every popup thousands of lines long
            others = [j for j in here[: SAME_PLACE_LISTED + 1] if rows[j]["event_id"] != ev["event_id"]][:SAME_PLACE_LISTED]
            pieces = (*pieces[:-1], *same_place_fragments([parts[j].item for j in others], len(here) - 1), pieces[-1])
        tip = own.tip
        if datasets_differ or disputed:
            tip += esc(" · " + _("data sets disagree")) if datasets_differ else esc(" · " + _("claims disputed"))
        if matched and int(ev.get("datasets_held") or 1) > 1:
            tip += esc(" · " + _("in {count} data sets").format(count=int(ev["datasets_held"])))
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lons[i], lats[i]]},
            "properties": {"event_id": str(ev["event_id"]), "_popup": "".join(pieces), "_pieces": pieces,
                           "_tip": tip + (esc(" · " + change) if change else ""), "_style": style},
        })
    return {"type": "FeatureCollection", "features": features}


def _style(ev, color_by: str, disputed: bool, has_claims: bool) -> dict:
    """A marker's look: sized by its figure, coloured by type or side, outlined by its claims (dashed black when
    they disagree, dark when they agree)."""
    style = {
        "radius": marker_radius(ev["_size"]),
        "fillColor": event_color(ev, color_by),
        "color": "#000000" if disputed else ("#222" if has_claims else "#ffffff"),
        "weight": 2.5 if disputed else (2 if has_claims else 1),
        "fill": True,
        "fillOpacity": 0.8,
        "opacity": 1.0,
        "className": "event-marker disputed" if disputed else "event-marker",
    }
    if disputed:
        style["dashArray"] = "4 3"
    return style


#: Past this many events a map estimates its markers' bytes from a sample of their popups before making all of
#: them (``popup_estimate``); an estimate past ``ESTIMATE_MARGIN`` times the budget draws cells at once.
ESTIMATE_FROM, ESTIMATE_SAMPLE, ESTIMATE_MARGIN = 500, 200, 1.25


def popup_estimate(events: pd.DataFrame, claims: pd.DataFrame | None, *, index: ClaimsIndex | None = None,
                   memo: dict | None = None, sample: int = ESTIMATE_SAMPLE) -> int:
    """About the bytes the markers of ``events`` add to a page, from the popups of ``sample`` of them spread evenly
    (made as a map makes them, and kept with the data set's when ``memo`` is given): the others at each place left
    out, so it errs low. An event's own pieces count for each event; a shared piece the sample holds twice or more
    counts once, one it holds once (most likely that event's own place or date) as often as the sample's events
    stand for. A map whose estimate is far over its budget (UCDP's three claims an event) draws cells without
    making every popup to find that out."""
    n = len(events)
    if not n:
        return 0
    index = index if index is not None and index.claims is claims else ClaimsIndex(claims)
    pos = np.unique(np.linspace(0, n - 1, min(sample, n)).round().astype(np.int64))
    rows = records(events.iloc[pos])
    parts = _popup_parts(rows, index, popup_cache(memo, claims, events))
    own, shared = 0, Counter()
    for p, r in zip(parts, rows):
        own += len(p.tip.encode("utf-8")) + 2 * len(str(r["event_id"])) + 40 + 4 * len(p.pieces)
        for piece in p.pieces:
            if type(piece) is Shared:
                shared[piece] += 1
            else:
                own += len(piece.encode("utf-8"))
    once = sum(len(piece.encode("utf-8")) for piece, times in shared.items() if times == 1)
    again = sum(len(piece.encode("utf-8")) for piece, times in shared.items() if times > 1)
    return int((own + once) / len(rows) * n + again)


def _popup_parts(rows: list[dict], index: ClaimsIndex, cache) -> list[PopupParts]:
    """Each event's ``PopupParts``: from ``cache`` where kept, the others made (their claims, ranges and notes
    worked out at once) and kept."""
    lang = current_language()
    keys = [(lang, ev["event_id"]) for ev in rows]
    parts = cache.get_many(keys) if cache is not None else [None] * len(rows)
    todo = [i for i, p in enumerate(parts) if p is None]
    if not todo:
        return parts
    evs = [rows[i] for i in todo]
    start, end = index.rows_of([ev["event_id"] for ev in evs])
    own = index.take(np.concatenate([np.arange(s, e) for s, e in zip(start, end) if e > s]
                                    or [np.zeros(0, np.int64)]))
    claim_rows = records(own)
    offsets = np.concatenate([[0], np.cumsum(end - start)])
    ranges = claim_ranges(own).to_dict("index") if len(own) else {}
    notes = fatality_notes(own, {ev["event_id"]: ev["fatalities"] for ev in evs})
    urls, said = "source_url" in own, "statement" in own
    made = []
    for k, ev in enumerate(evs):
        has_claims = bool(end[k] > start[k])
        rng = ranges.get(ev["event_id"]) if has_claims else None
        change = change_mark(ev, {"fillColor": None})  # its sentence only: the map styles the marker
        pieces = popup_fragments(ev, claim_rows[offsets[k]:offsets[k + 1]], notes.get(ev["event_id"], ""), rng,
                                 None, 0, with_urls=urls, with_statements=said, change=change)
        made.append(PopupParts(tuple(pieces), same_place_item(ev), tooltip_text(ev), has_claims,
                               bool(rng is not None and rng["disputed"])))
    for i, p in zip(todo, made):
        parts[i] = p
    if cache is not None:
        cache.put_many((keys[i], p) for i, p in zip(todo, made))
    return parts


def markers_layer(events: gpd.GeoDataFrame, claims: pd.DataFrame | None, color_by: str, figure: str,
                  selected: str | None, canvas: bool = False, *, index: ClaimsIndex | None = None,
                  memo: dict | None = None) -> EventMarkers:
    """One circle marker per event, with its popup and tooltip; ``selected``'s popup opens. ``memo``: the
    data set's, where its popups are kept (``events_geojson``)."""
    return EventMarkers(events_geojson(events, claims, color_by, figure, index=index, memo=memo), selected,
                        canvas=canvas)


__all__ = ["EventMarkers", "MAX_MARKER_BYTES", "SAME_PLACE_LISTED", "events_geojson", "markers_layer",
           "script_json"]
