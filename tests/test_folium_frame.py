"""``dashboard.folium_frame.MountedMap``: the map's component called as ``st_folium`` calls it, with the base map
rendered once and each group's script made once."""

from __future__ import annotations

import copy

import pytest
import streamlit_folium as sf

import geo
from geo.sources.dataset import Dataset

from dashboard.folium_frame import MountedMap, ViewReporter


@pytest.fixture(scope="module")
def data() -> Dataset:
    return Dataset.embedded()


def _calls(monkeypatch) -> list[dict]:
    calls: list[dict] = []
    monkeypatch.setattr(sf, "_component_func", lambda **kwargs: calls.append(kwargs) or {"zoom": kwargs["zoom"]})
    return calls


def test_the_component_gets_what_st_folium_gives_it(monkeypatch, data):
    base = geo.build_base_map(data.layers, labels=data.labels, dataset=data)
    group = geo.build_map_content(data.events, data.layers, claims=data.claims, dataset=data)
    calls = _calls(monkeypatch)
    returned = ["center", "zoom", "bounds", "last_object_clicked_popup"]
    reporting = copy.deepcopy(base)  # the map as MountedMap mounts it: its view reported sooner
    ViewReporter().add_to(reporting)
    sf.st_folium(reporting, key="map", height=620, use_container_width=True, center=[17.0, -1.0], zoom=6,
                 feature_group_to_add=copy.deepcopy(group), returned_objects=returned)
    mounted = MountedMap(base, "map")
    value = mounted.show(group, height=620, center=[17.0, -1.0], zoom=6, returned_objects=returned)
    theirs, ours = calls
    assert value == {"zoom": 6}
    assert theirs.keys() == ours.keys()
    for name in theirs:
        if name != "on_change":
            assert ours[name] == theirs[name], name
    assert "setComponentValue" in ours["script"] and "moveend" in ours["script"]
    assert "ev-popup" not in ours["script"] and "EventMarkers" not in ours["script"]  # the group is its own
    assert ours["feature_group"].count("feature_group_feature_group_0") >= 2


def test_the_base_is_rendered_once_and_a_group_once(monkeypatch, data):
    base = geo.build_base_map(data.layers, labels=data.labels, dataset=data)
    some = geo.filter_events(data.events, geo.EventFilter(min_fatalities=5))
    groups = [geo.build_map_content(events, data.layers, claims=data.claims, dataset=data)
              for events in (data.events, some)]
    calls = _calls(monkeypatch)
    rendered = {"base": 0, "group": 0}
    map_string, group_string = sf._get_map_string, sf._get_feature_group_string
    monkeypatch.setattr(sf, "_get_map_string", lambda m: rendered.__setitem__("base", rendered["base"] + 1)
                        or map_string(m))
    monkeypatch.setattr(sf, "_get_feature_group_string", lambda *a, **k: rendered.__setitem__(
        "group", rendered["group"] + 1) or group_string(*a, **k))
    mounted = MountedMap(base, "map")
    for group in (groups[0], groups[0], groups[1], groups[1], groups[0]):  # a pan, a filter, a pan, back
        mounted.show(group, height=620, center=[17.0, -1.0], zoom=6, returned_objects=["zoom"])
    assert rendered == {"base": 1, "group": 3}
    assert len({c["feature_group"] for c in calls}) == 2 and len({c["script"] for c in calls}) == 1
    assert calls[0]["feature_group"] == calls[4]["feature_group"] != calls[2]["feature_group"]
    assert calls[0]["default"] == {"zoom": base.options.get("zoom")}
    # the caller's base map and groups are left as they were: another map can take them
    again = MountedMap(base, "map")
    assert again.script == mounted.script and again.hash_key == mounted.hash_key
