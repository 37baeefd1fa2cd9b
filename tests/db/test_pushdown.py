"""What the dashboard asks of a PostGIS database (geo.db.pushdown, geo.db.summary), on a real server:
each answer, from the summary tables or from the events, equals what the same events give in memory,
before and after rows are inserted, updated and deleted by someone else."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import psycopg
import pytest

import geo
from geo.bench.synthetic import synthetic_events
from geo.db import cells, pushdown, summary
from geo.db.postgis import PostgisSource
from geo.webmap.aggregate import lod_cells, view_bounds

FILTERS = [
    geo.EventFilter(),
    geo.EventFilter(actors=["JNIM"]),
    geo.EventFilter(min_fatalities=5),
    geo.EventFilter(event_types=["Battles"], regions=["Region 03"]),
    geo.EventFilter(start="2023-01-01", end="2023-03-31"),
    geo.EventFilter(actors=["JNIM"], event_types=["Battles", "Riots"]),
    geo.EventFilter(min_fatalities=5, event_types=["Battles"], start="2022-06-01"),
    # not in the summaries: answered from the events
    geo.EventFilter(actors=["JNIM"], min_fatalities=2),
    geo.EventFilter(actors=["JNIM", "Wagner Group"]),
    geo.EventFilter(min_fatalities=25),
    geo.EventFilter(max_border_km=300),
    geo.EventFilter(actors=["Nobody at all"]),
]
IDS = [" ".join(f.describe()) or "none" for f in FILTERS]


@pytest.fixture(scope="module")
def db(pg_server, request):
    """6,000 synthetic events (and the curated set's) loaded in bulk; the same events in memory."""
    url = pg_server.create_database("t_pushdown")
    src = PostgisSource(url)
    src.init()
    layers = geo.load_layers()
    frame = geo.compact_events(geo.enrich(synthetic_events(6_000, seed=3), layers))
    src.bulk_load([frame], attribution="Synthetic")
    src.load(geo.events.DATA_DIR / "events.csv")  # a second load: counted by the triggers
    return src


def memory(src: PostgisSource):
    return src.events()


def served(src, flt, table):
    return cells._summary(src, flt, table) is not None


def test_the_summaries_are_used_for_the_broad_filters(db):
    assert cells.summaries_ready(db)
    assert served(db, geo.EventFilter(), "sum_cells") and served(db, geo.EventFilter(min_fatalities=5), "sum_cells")
    assert served(db, geo.EventFilter(actors=["JNIM"]), "sum_actor_cells")
    assert not served(db, geo.EventFilter(max_border_km=10), "sum_cells")
    assert not served(db, geo.EventFilter(start="2023-01-01"), "sum_cells") and served(
        db, geo.EventFilter(start="2023-01-01"), "sum_days")


def check_figures(src, mem, flt):
    shown = geo.filter_events(mem, flt)
    sel = pushdown.Selection(src, flt)
    want = geo.summarize(shown)
    assert sel.figures == {k: want[k] for k in ("events", "fatalities", "first", "last")}
    assert sel.places == want["locations"]
    for freq in ("W", "M"):
        got, exp = sel.timeline(freq), geo.timeline(shown, freq=freq, by="event_type")
        pd.testing.assert_frame_equal(got.reset_index(drop=True), exp.reset_index(drop=True), check_dtype=False)
    regions = geo.by_region(shown, geo.load_layers())
    got = pushdown.db_region_counts(src, flt)
    for name, events, fat in zip(regions["name"], regions["events"], regions["fatalities"]):
        assert (int(got["events"].get(name, 0)), int(got["fatalities"].get(name, 0))) == (events, fat), name
    newest = sel.newest(50)
    exp = shown.nlargest(50, "event_date") if len(shown) > 50 else shown
    assert newest["event_id"].tolist() == exp["event_id"].tolist()
    assert (sel.rows is None) == (len(shown) > pushdown.ROW_LIMIT)


def check_cells(src, mem, flt, zoom, center, by="event_type"):
    shown = geo.filter_events(mem, flt)
    inner, outer, bounds = cells.db_lod_cells(src, flt, zoom, view_bounds(center, zoom), by=by)
    want = lod_cells(shown, zoom, center, by=by, bounds=bounds)
    for g, w in zip((inner, outer), want):
        assert len(g) == len(w)
        for col in ("cell_x", "cell_y", "cell_px", "events", "fatalities", "dominant", "zoom"):
            assert g[col].tolist() == w[col].tolist(), col
        for col in ("lon", "lat", "west", "south", "east", "north"):
            np.testing.assert_allclose(g[col], w[col], rtol=0, atol=1e-9)
    assert int(inner["events"].sum() + outer["events"].sum()) == len(shown)


@pytest.mark.parametrize("flt", FILTERS, ids=IDS)
def test_figures_timeline_regions_and_table_equal_memory(db, flt):
    check_figures(db, memory(db), flt)


@pytest.mark.parametrize("zoom,center", [(3, (17.5, -4.0)), (6, (17.5, -2.0)), (8, (15.0, -4.0)),
                                         (9, (16.0, -3.0)), (11, (14.0, -6.0))])
@pytest.mark.parametrize("flt", FILTERS[:7] + FILTERS[8:10], ids=IDS[:7] + IDS[8:10])
def test_cells_equal_the_maps_cells_in_memory(db, flt, zoom, center):
    check_cells(db, memory(db), flt, zoom, center)


def test_places_past_the_limit_outside_the_summaries_are_not_counted(db, monkeypatch):
    monkeypatch.setattr(pushdown, "PLACES_LIMIT", 100)
    mem = memory(db)
    broad = geo.EventFilter(actors=["JNIM"])
    assert len(geo.filter_events(mem, broad)) > 100 and pushdown.Selection(db, broad).places is None
    served_ = geo.EventFilter(min_fatalities=1)  # the places summary counts it, whatever the number
    assert pushdown.Selection(db, served_).places == geo.summarize(geo.filter_events(mem, served_))["locations"]


def test_heat_and_side_cells_equal_memory(db):
    mem = memory(db)
    check_cells(db, mem, geo.EventFilter(), 6, (17.5, -2.0), by="side")
    check_cells(db, mem, geo.EventFilter(min_fatalities=3), 6, (17.5, -2.0), by=None)


def test_vocabulary_and_actor_counts_equal_memory(db):
    mem = memory(db)
    data = pushdown.DatabaseDataset.read(db)
    want = geo.filters.actor_counts(mem)
    assert data.actor_counts.to_dict() == want.to_dict()
    assert list(data.actor_counts.index) == list(want.index)
    voc = geo.Vocabulary.of(mem)
    assert data.vocabulary.event_types == voc.event_types and data.vocabulary.regions == voc.regions
    assert data.total == len(mem) and data.first == mem["event_date"].min().date()
    assert "MLI-2024-07-25-TIN" in data.vocabulary.event_ids and "nope" not in data.vocabulary.event_ids
    assert data.vocabulary.fingerprint == db.fingerprint()
    assert data.title and len(data.labels)


def test_summaries_follow_inserts_updates_and_deletes(pg_server):
    url = pg_server.create_database("t_pushdown_live")
    src = PostgisSource(url)
    src.init()
    layers = geo.load_layers()
    src.bulk_load([geo.compact_events(geo.enrich(synthetic_events(3_000, seed=5), layers))])
    before = src.fingerprint()
    with psycopg.connect(url, autocommit=True) as other:  # another analyst's writes
        other.execute("INSERT INTO events (event_id, event_date, event_type, actor1, assoc_actor_1, country, "
                      "location, latitude, longitude, fatalities) VALUES "
                      "(%s, %s, 'Battles', 'JNIM', 'JNIM; Wagner Group', 'Mali', 'Kidal', 18.44, 1.41, 7), "
                      "(%s, %s, 'Riots', 'New Actor', '', 'Mali', 'Gao', 16.27, -0.04, 0)",
                      ("LIVE-1", dt.date(2024, 8, 2), "LIVE-2", dt.date(2025, 1, 3)))
        other.execute("UPDATE events SET fatalities = fatalities + 3, event_type = 'Battles' "
                      "WHERE event_id IN (SELECT event_id FROM events ORDER BY event_id LIMIT 40)")
        other.execute("DELETE FROM events WHERE event_id IN (SELECT event_id FROM events ORDER BY event_id DESC "
                      "LIMIT 25)")
    assert src.fingerprint() != before
    mem = memory(src)
    with psycopg.connect(url, autocommit=True) as conn:  # the kept sums equal a fresh pass over the events
        kept = conn.execute("SELECT n, fp FROM sum_total").fetchone()
        fresh = conn.execute("SELECT count(*), sum(hashtextextended(event_id || '|' || event_date || '|' || "
                             "round(latitude::numeric, 4) || '|' || round(longitude::numeric, 4) || '|' || "
                             "fatalities, 0)::numeric) FROM events").fetchone()
        assert kept == fresh
        for table in summary.TABLES:
            assert conn.execute(f"SELECT count(*) FROM {table} WHERE n <= 0 AND {table!r} <> 'sum_total'"
                                ).fetchone()[0] == 0
    for flt in (geo.EventFilter(), geo.EventFilter(actors=["JNIM"]), geo.EventFilter(min_fatalities=5),
                geo.EventFilter(actors=["New Actor"])):
        check_figures(src, mem, flt)
        check_cells(src, mem, flt, 6, (17.5, -2.0))
    assert pushdown.db_actor_counts(src).to_dict() == geo.filters.actor_counts(mem).to_dict()
    with psycopg.connect(url, autocommit=True) as other:
        other.execute("TRUNCATE events")
    assert src.fingerprint() == "00000000" and pushdown.Selection(src, geo.EventFilter()).count == 0


def test_an_older_database_gets_its_summaries_at_init(pg_url):
    src = PostgisSource(pg_url)
    src.init()
    with psycopg.connect(pg_url, autocommit=True) as conn:  # as made before the summaries existed
        conn.execute("DROP TABLE " + ", ".join(summary.TABLES) + " CASCADE")
        for trig in summary.TRIGGERS:
            conn.execute(f"DROP TRIGGER {trig} ON events")
    src.load(geo.events.DATA_DIR / "events.csv")
    assert not cells.summaries_ready(PostgisSource(pg_url))
    src.init()
    fresh = PostgisSource(pg_url)
    assert cells.summaries_ready(fresh)
    check_figures(fresh, memory(fresh), geo.EventFilter(min_fatalities=1))


def test_the_maps_content_from_the_database_draws_its_cells_and_shading(db):
    """What the dashboard draws for a database past the markers: the cells it counted, the shading from
    the database's region counts (the same choropleth as the events give in memory), the legend's count."""
    from geo.webmap.aggregate import CellLayer
    from geo.webmap.maps import build_counted_content
    from geo.webmap.overlays import region_layer

    layers = geo.load_layers()
    flt = geo.EventFilter(min_fatalities=1)
    shown = geo.filter_events(memory(db), flt)
    sel = pushdown.Selection(db, flt)
    inner, outer, _ = sel.lod_cells(6, view_bounds((17.5, -2.0), 6))
    group = build_counted_content((inner, outer), layers, count=sel.count, region_counts=sel.region_counts(),
                                  border_km=100)
    html = geo.build_base_map(layers).add_child(group).get_root().render()
    assert group.by_zoom and f"{len(shown):,} event" in html
    cells = [c for c in group._children.values() for c in getattr(c, "_children", {}).values()
             if isinstance(c, CellLayer)]
    assert len(cells) == 1 and int(cells[0].cells[0]["events"].sum() + cells[0].cells[1]["events"].sum()) == len(
        shown)

    def shading(layer):
        geojson = next(c for c in layer._children.values() if hasattr(c, "data"))
        return [(f["properties"]["name"], f["properties"]["_fill"], f["properties"]["_tip"])
                for f in geojson.data["features"]]

    want = shading(region_layer(shown, layers))
    got = shading(next(c for c in group._children.values() if str(getattr(c, "layer_name", "")).startswith(
        "Regions")))
    assert got == want and any("#ffffff" != fill for _, fill, _ in got)
