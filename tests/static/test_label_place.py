"""Place names on snapshots: never over an event's circle, never cut at the map's edge (geo.static.labelplace)."""

import numpy as np
import pytest

import geo
from geo.analysis import event_figures
from geo.places.labels import place_labels
from geo.static.labelplace import Occupancy, event_boxes, place
from geo.static.staticmap import _draw_labels, snapshot_frame


def _meets(a, b) -> bool:
    return a[0] < b[2] and a[2] > b[0] and a[1] < b[3] and a[3] > b[1]


def test_the_occupancy_grid_answers_as_the_boxes_do():
    rng = np.random.default_rng(7)
    boxes = np.column_stack([rng.uniform(0, 380, 40), rng.uniform(0, 280, 40)])
    boxes = np.column_stack([boxes, boxes + rng.uniform(2, 30, (40, 2))])
    grid = Occupancy(400, 300, boxes, cell=4)
    for _ in range(500):
        x, y = rng.uniform(0, 380), rng.uniform(0, 280)
        probe = (x, y, x + rng.uniform(5, 60), y + rng.uniform(5, 20))
        if not grid.free(probe):
            continue  # the grid rounds the circles outward: "taken" may be a near miss, "free" never a hit
        assert not any(_meets(probe, b) for b in boxes), probe
    assert Occupancy(400, 300).free((0, 0, 400, 300))
    assert not Occupancy(400, 300, np.array([[100, 100, 120, 120]])).free((110, 110, 200, 130))


@pytest.fixture(scope="module")
def curated():
    events, claims = geo.load_events(), geo.load_claims()
    layers = geo.load_layers(events)
    view, _ = geo.view_from_query("", vocabulary=geo.Vocabulary.of(events))
    return events, claims, layers, view


def test_snapshot_names_keep_off_the_events_and_inside_the_map(curated):
    events, claims, layers, view = curated
    frame = snapshot_frame(events, view)
    sizes = event_figures(events, claims, view.figure)
    circles = event_boxes(events, sizes, frame)
    assert len(circles) > 20
    labels = place_labels(layers, events)
    chosen = place(labels, view, frame, Occupancy(frame.width, frame.height, circles))
    names = [c[0] for c in chosen]
    assert {"Kidal", "Gao"} <= set(names) and len(chosen) > 15
    for name, *_rest, box in chosen:
        assert 0 <= box[0] and box[2] <= frame.width, name
        assert frame.top <= box[1] and box[3] <= frame.top + frame.map_height, name
        assert not any(_meets(box, c) for c in circles), name
    # without the events as obstacles, names land on circles: what the test above guards against
    free_for_all = place(labels, view, frame, None)
    assert any(_meets(c[-1], e) for c in free_for_all for e in circles)


def test_a_place_with_events_is_named_beside_them(curated):
    """A name that would cover its own events' circles on the right goes to another side, not away."""
    events, claims, layers, view = curated
    frame = snapshot_frame(events, view)
    circles = event_boxes(events, event_figures(events, claims, view.figure), frame)
    chosen = place(place_labels(layers, events), view, frame, Occupancy(frame.width, frame.height, circles))
    moved = {name: anchor for name, _lat, _lon, kind, anchor, _box in chosen
             if kind in ("town", "place") and anchor != (6, 0, "left", "center")}
    assert moved  # some names went round or past their circles rather than over them
    assert "Kidal" in {c[0] for c in chosen}


def test_draw_labels_draws_what_it_placed(curated):
    from matplotlib.figure import Figure

    events, claims, layers, view = curated
    frame = snapshot_frame(events, view)
    sizes = event_figures(events, claims, view.figure)
    ax = Figure().add_subplot()
    drawn = _draw_labels(ax, place_labels(layers, events), view, frame, events, sizes)
    texts = [t.get_text() for t in ax.texts]
    assert drawn and all(n in texts or n.upper() in texts for n in drawn)


def test_a_neighbour_is_named_once_on_the_part_the_map_shows(curated):
    """Algeria's middle is off a snapshot of northern Mali: its name is drawn on its part near the data, once."""
    events, claims, layers, view = curated
    frame = snapshot_frame(events, view)
    chosen = place(place_labels(layers, events), view, frame, None)
    countries = [c[0] for c in chosen if c[3] == "country"]
    assert countries.count("Algeria") == 1 and len(countries) == len(set(countries))
