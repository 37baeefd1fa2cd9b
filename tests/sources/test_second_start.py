"""The second start on a cached import: what it does not redo, and what the data set holds in memory."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

import geo.layers
import geo.sources.dataset
from geo.bench.synthetic import synthetic_events
from geo.events import points_at
from geo.sources.dataset import Dataset
from geo.webmap import boundaries


@pytest.fixture()
def cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture(scope="module")
def synthetic_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("startup") / "events.csv"
    synthetic_events(3_000, seed=5).drop(columns="geometry").to_csv(path, index=False, date_format="%Y-%m-%d")
    return path


def test_points_at_one_place_are_one_shared_point():
    lon = np.array([2.5, 2.5, -1.0, 2.5, np.nan, -1.0])
    lat = np.array([19.9, 19.9, 14.2, 19.9, 3.0, 14.2])
    points = points_at(lon, lat)
    assert points.crs == "EPSG:4326"
    # the same coordinates as geopandas gives them, and one object per place
    expected = shapely.points(lon, lat)
    assert all(shapely.equals_exact(a, b, 0) or (shapely.is_empty(a) and shapely.is_empty(b)) or
               (np.isnan(shapely.get_x(a)) and np.isnan(shapely.get_x(b)))
               for a, b in zip(points, expected))
    assert np.isnan(shapely.get_x(points[4])) and shapely.get_y(points[4]) == 3.0  # a missing coordinate: its own
    values = np.asarray(points)
    assert values[0] is values[1] is values[3] and values[2] is values[5] and values[0] is not values[2]
    assert len(points_at([], [])) == 0


def test_a_cached_import_holds_one_point_per_place(synthetic_csv, cache_folder, layers):
    first = Dataset.from_source(synthetic_csv, layers=layers)
    second = Dataset.from_source(synthetic_csv, layers=layers)
    for data in (first, second):  # the first read and the cache alike
        values = np.asarray(data.events.geometry.values)
        assert len({id(v) for v in values}) == len(data.memo["places"]) < len(values)
        assert np.array_equal(shapely.get_x(values), data.events["longitude"].to_numpy())
        assert np.array_equal(shapely.get_y(values), data.events["latitude"].to_numpy())


def test_a_second_open_does_not_locate_the_events_again(synthetic_csv, cache_folder, monkeypatch):
    """The events' places and countries (``geo.layers.locate``: 1-2 s at 1M events) come from the cache."""
    first = Dataset.from_source(synthetic_csv)
    calls = []
    real = geo.layers.locate
    monkeypatch.setattr(geo.sources.dataset, "locate", lambda events: calls.append(1) or real(events))
    monkeypatch.setattr(geo.layers, "locate", lambda events: calls.append(1) or real(events))
    second = Dataset.from_source(synthetic_csv)
    assert calls == []
    pd.testing.assert_frame_equal(second.memo["places"], first.memo["places"])
    assert second.title == first.title and second.vocabulary == first.vocabulary
    assert second.layers.keys() == first.layers.keys()
    for key in first.layers:
        assert list(second.layers[key].get("name", [])) == list(first.layers[key].get("name", []))


@pytest.mark.parametrize("kind", ["polygon with holes", "multipolygon", "lines", "empty rings"])
def test_rings_encoded_together_read_as_each_alone(kind):
    rng = np.random.default_rng(3)
    square = shapely.box(0, 0, 10, 10).exterior
    hole = shapely.Polygon(rng.uniform(2, 8, (7, 2))).convex_hull.exterior
    geoms = {
        "polygon with holes": [shapely.Polygon(square, [hole]), shapely.box(-71.123456, 42.1, -70.5, 43.25)],
        "multipolygon": [shapely.MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(3, 3, 4.123456, 5)]), None],
        "lines": [shapely.LineString([(0, 0), (1e-5, -1e-5), (179.99999, -89.99999)]),
                  shapely.MultiLineString([[(0, 0), (1, 1)], [(2, 2), (-3, 4.5)]])],
        "empty rings": [shapely.Polygon(), shapely.box(1, 1, 2, 2), shapely.LineString()],
    }[kind]
    together = boundaries.encode_geometries(geoms, [5, 2, 5][:len(geoms)])
    for geom, places, code in zip(geoms, [5, 2, 5], together):
        if geom is None or geom.is_empty:
            assert code is None
            continue
        assert code["t"] == geom.geom_type and code["p"] == places
        rings = code["c"] if isinstance(code["c"], list) else [code["c"]]
        flat = [r for part in rings for r in (part if isinstance(part, list) else [part])]
        parts = (list(geom.geoms) if geom.geom_type.startswith("Multi") else [geom])
        originals = [r for p in parts for r in ((p.exterior, *p.interiors) if p.geom_type == "Polygon" else (p,))]
        assert len(flat) == len(originals)
        for text, ring in zip(flat, originals):
            coords = shapely.get_coordinates(ring)
            assert text == boundaries.encode_ring(coords, places)
            np.testing.assert_allclose(boundaries.decode_ring(text, places), np.round(coords, places), atol=1e-9)


def test_the_vocabulary_checks_event_ids_without_a_set_of_them(synthetic_csv, cache_folder, layers):
    """A link's event is checked against the events' own column: no second table of a million ids."""
    data = Dataset.from_source(synthetic_csv, layers=layers)
    ids = data.vocabulary.event_ids
    first = data.events["event_id"].iloc[17]
    assert first in ids and "SYN9999999" not in ids and None not in ids and 17 not in ids
    assert len(ids) == len(data.events) and ids == frozenset(data.events["event_id"])
    assert not isinstance(ids, (set, frozenset))
    assert ids._ids.values is data.events["event_id"].values or np.shares_memory(
        ids._ids.to_numpy(), data.events["event_id"].to_numpy())


CHILD = """
import sys, json
sys.path.insert(0, {root!r})
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
import geopandas as gpd, pandas as pd
from geo.sources.dataset import Dataset
from geo.io import cache
path, how = {path!r}, {how!r}
warm = Dataset.from_source({small!r})  # modules, boundaries and readers in memory: only the data is measured
before = rss()
if how == "dataset":
    held = Dataset.from_source(path)
else:  # the cached events as they were held before: a point per event, ids, notes and addresses as objects
    folder = max((p for p in cache.cache_dir().iterdir() if (p / "events.parquet").exists()),
                 key=lambda p: (p / "events.parquet").stat().st_size)  # the large file's, not the warm-up's
    frame = pd.read_parquet(folder / "events.parquet", columns=None)
    for col in ("event_id", "notes", "source_url"):
        frame[col] = frame[col].astype(object)
    held = gpd.GeoDataFrame(frame.drop(columns="geometry"), crs="EPSG:4326",
                            geometry=gpd.points_from_xy(frame["longitude"], frame["latitude"]))
print(json.dumps(rss() - before))
"""


def test_the_cached_data_set_holds_far_less_than_a_point_and_a_string_per_event(tmp_path, monkeypatch):
    """Memory of a second open, measured in fresh interpreters against the same events held as before (a
    shapely point per event, Python strings for ids, notes and addresses), in the same run."""
    import json
    import subprocess
    import sys

    from conftest import ROOT

    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "events.csv"
    synthetic_events(250_000, seed=9).drop(columns="geometry").to_csv(path, index=False, date_format="%Y-%m-%d")
    Dataset.from_source(path)  # the first open writes the cache
    small = tmp_path / "small.csv"
    synthetic_events(200, seed=1).drop(columns="geometry").to_csv(small, index=False, date_format="%Y-%m-%d")

    def held(how: str) -> float:
        code = CHILD.format(root=str(ROOT), path=str(path), how=how, small=str(small))
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300)
        return json.loads(out.stdout.strip().splitlines()[-1])

    dataset, before = held("dataset"), held("as before")
    # the whole data set (with its layers and vocabulary) in well under what the bare frame took before
    assert dataset < 0.75 * before, (dataset, before)


def test_the_dashboard_imports_the_api_clients_only_for_synced_data():
    """httpx and stamina (the sync's clients) are not imported by a start on a file."""
    import subprocess
    import sys

    from conftest import ROOT

    code = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); import dashboard.live_section, geo.sources.dataset; "
            "print(sorted(m for m in ('httpx', 'stamina', 'geo.sync.clients') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip().splitlines()[-1] == "[]"
