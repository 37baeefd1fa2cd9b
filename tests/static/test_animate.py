"""Animated maps: the periods played, each frame's text, the files read back (frame count, duration,
metadata) and the plain errors of ``python -m geo animate``."""

from __future__ import annotations

import dataclasses
import datetime as dt

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

import geo
from geo.__main__ import main
from geo.i18n import use_language
from geo.static import animframe
from geo.static.animate import HOLD_SECONDS, animate, animation_bytes, parse_size
from geo.static.animframe import FrameRenderer
from geo.static.animplan import FADE_FLOOR, FADE_RATE, frame_events, period_label, plan_animation
from geo.static.captions import snapshot_text
from geo.static.encode import read_metadata

WHEN = dt.datetime(2025, 1, 2, 3, 4, tzinfo=dt.timezone.utc)
YEAR = "from=2024-01-01&to=2024-12-31"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
SMALL = (480, 270)


def view_of(link: str, **changes) -> geo.View:
    view, warnings = geo.view_from_query(link)
    assert not warnings
    return dataclasses.replace(view, **changes)


@pytest.fixture(scope="module")
def july_weeks(events, claims):
    return plan_animation(events, view_of("from=2024-07-01&to=2024-08-31"), step="week", claims=claims)


def renderer(plan, layers, claims, view, size=SMALL) -> FrameRenderer:
    return FrameRenderer(plan, layers, view, snapshot_text(plan.events, view, generated=WHEN), claims=claims,
                         size=size)


# --- what is played ------------------------------------------------------------------------------------

def test_a_year_by_month_is_twelve_periods_with_their_events(events):
    plan = plan_animation(events, view_of(YEAR), step="month")
    assert plan.labels == [f"{m} 2024" for m in MONTHS]
    by_month = geo.filter_events(events, view_of(YEAR).filter)["event_date"].dt.month.value_counts()
    assert [p.events for p in plan.periods] == [int(by_month.get(m, 0)) for m in range(1, 13)]
    assert sum(p.events for p in plan.periods) == len(plan.events) > 0


def test_weeks_start_on_monday_and_are_named_by_it(july_weeks):
    assert july_weeks.labels[:5] == ["Week of 1 July 2024", "Week of 8 July 2024", "Week of 15 July 2024",
                                     "Week of 22 July 2024", "Week of 29 July 2024"]
    assert july_weeks.labels[-1] == "Week of 26 August 2024"
    tin = july_weeks.periods[3]  # the battle of Tinzaouaten, 25–27 July
    assert tin.events >= 2 and tin.fatalities > 0


def test_labels_in_french():
    with use_language("fr"):
        assert period_label("2024-07-22", "week") == "Semaine du 22 juillet 2024"
        assert period_label("2024-07-01", "month") == "Juillet 2024"
        assert period_label("2024-01-01", "year") == "2024"


def test_window_draws_a_period_and_cumulative_every_event_so_far_faded(events):
    window = plan_animation(events, view_of(YEAR), step="month")
    cumulative = dataclasses.replace(window, mode="cumulative")
    july = frame_events(window, 6)
    assert len(july) == window.periods[6].events and set(july["_period"]) == {6}
    so_far = frame_events(cumulative, 6)
    assert len(so_far) == sum(p.events for p in window.periods[:7])
    fade = dict(zip(so_far["_period"], so_far["_fade"]))
    assert fade[6] == 1.0 and fade[3] == pytest.approx(FADE_RATE ** 3)
    assert fade[1] == pytest.approx(max(FADE_RATE ** 5, FADE_FLOOR))
    assert min(so_far["_fade"]) >= FADE_FLOOR


# --- the frames ------------------------------------------------------------------------------------------

def test_each_frame_says_its_period_and_the_base_is_drawn_once(july_weeks, layers, claims, monkeypatch):
    calls = []
    real = animframe._draw_layers
    monkeypatch.setattr(animframe, "_draw_layers", lambda *a, **k: calls.append(1) or real(*a, **k))
    r = renderer(july_weeks, layers, claims, view_of("from=2024-07-01&to=2024-08-31"))
    frames = [r.render(i) for i in range(len(july_weeks.periods))]
    assert calls == [1]  # the boundaries once, not per frame
    assert r.drawn_labels == july_weeks.labels
    assert all(f.shape == (SMALL[1], SMALL[0], 3) and f.dtype == np.uint8 for f in frames)


def test_consecutive_frames_differ_where_events_changed(july_weeks, layers, claims):
    view = view_of("from=2024-07-01&to=2024-08-31")
    r = renderer(july_weeks, layers, claims, view, size=(960, 540))
    f = r.frame
    top, bottom = f.top + 2, f.top + f.map_height - 2
    week = {i: r.render(i) for i in (0, 1, 2, 3)}
    # two weeks without events: the maps are the same picture (only the title and the strip change)
    assert july_weeks.periods[0].events == july_weeks.periods[1].events == 0
    assert np.array_equal(week[0][top:bottom], week[1][top:bottom])
    assert not np.array_equal(week[0][: f.top], week[1][: f.top])  # "Week of 1 July" -> "Week of 8 July"
    # the week of the battle: its events appear where they are, and nowhere else changes on the map
    tin = frame_events(july_weeks, 3)
    x, y = (int(round(v)) for v in f.pixel(tin["latitude"].iloc[0], tin["longitude"].iloc[0]))
    assert not np.array_equal(week[2][y - 3:y + 4, x - 3:x + 4], week[3][y - 3:y + 4, x - 3:x + 4])
    changed = np.argwhere((week[2][top:bottom] != week[3][top:bottom]).any(axis=2))
    assert len(changed)
    assert abs(np.median(changed[:, 1]) - x) < 80 and abs(np.median(changed[:, 0]) + top - y) < 80


def test_disputed_events_keep_their_dashed_outline(july_weeks, layers, claims):
    r = renderer(july_weeks, layers, claims, view_of("from=2024-07-01&to=2024-08-31"))
    r.render(3)
    dashed = [c for c in r.ax.collections if any(offset is not None and dashes for offset, dashes in
                                                  c.get_linestyle())]
    assert dashed, "the week of Tinzaouaten has events whose claims disagree: a dashed outline"


# --- the files -----------------------------------------------------------------------------------------

def test_mp4_frame_count_duration_metadata_and_text_alternative(events, claims, layers, tmp_path):
    out = tmp_path / "mali.mp4"
    view = view_of(YEAR)
    result = animate(events, layers, view, out, claims=claims, step="month", fps=4, size=SMALL, generated=WHEN,
                     poster=tmp_path / "poster.png")
    hold = round(HOLD_SECONDS * 4)
    assert result.frames == 12 + 2 * hold
    assert imageio_ffmpeg.count_frames_and_secs(str(out)) == (12 + 2 * hold, pytest.approx((12 + 2 * hold) / 4))
    expected = [f"{m} 2024" for m in MONTHS]
    assert result.labels == [expected[0]] * hold + expected + [expected[-1]] * hold
    tags = read_metadata(out)
    assert tags["title"] == "Conflict events — northern Mali"
    for part in ("12 periods", "by month", "2024", "Dates: 2024-01-01 to 2024-12-31", "Natural Earth",
                 "GeoNames", "Link: ?from=2024-01-01&to=2024-12-31"):
        assert part in tags["description"], part
    alt = (tmp_path / "mali.txt").read_text(encoding="utf-8")
    assert result.alt_path == tmp_path / "mali.txt" and alt == result.alt_text
    lines = [line for line in alt.splitlines() if line.startswith("- ")]
    assert [line.split(":")[0] for line in lines] == ["- " + m for m in expected]
    assert "Tinzaouaten" in next(line for line in lines if line.startswith("- July 2024"))
    assert not [p for p in tmp_path.iterdir() if ".part" in p.name]
    with Image.open(tmp_path / "poster.png") as poster:  # the busiest period: July, Tinzaouaten
        assert poster.size == SMALL and poster.info["Title"] == "Conflict events — northern Mali — July 2024"
        assert "Link" in poster.info and "Natural Earth" in poster.info["Attribution"]


def test_gif_frames_durations_one_palette_and_comment(events, claims, layers, tmp_path):
    out = tmp_path / "mali.gif"
    result = animate(events, layers, view_of(YEAR, lang="fr"), out, claims=claims, step="month", fps=2,
                     size=(400, None), generated=WHEN)
    with Image.open(out) as im:
        assert im.n_frames == result.frames == 12
        assert im.size[0] == 400 and im.info["loop"] == 0
        comment = im.info["comment"].decode("utf-8")
        durations, palettes = [], set()
        for k in range(im.n_frames):
            im.seek(k)
            durations.append(im.info["duration"])
            palettes.add(bytes(im.palette.palette) if im.palette else None)
    hold = round(HOLD_SECONDS * 2)
    assert durations == [500 * (1 + hold)] + [500] * 10 + [500 * (1 + hold)]
    assert result.seconds == pytest.approx(sum(durations) / 1000)
    assert len(palettes) == 1  # one palette for every frame
    assert comment.startswith("Événements de conflit") and "Lien" in comment
    assert result.labels == ["Janvier 2024", "Février 2024", "Mars 2024", "Avril 2024", "Mai 2024", "Juin 2024",
                             "Juillet 2024", "Août 2024", "Septembre 2024", "Octobre 2024", "Novembre 2024",
                             "Décembre 2024"]


def test_webm_and_metadata_with_awkward_text(events, claims, layers, tmp_path):
    title = "A=B; C #1 \\ d\nnew line"
    out = tmp_path / "y.webm"
    animate(events, layers, view_of("from=2023-01-01&to=2024-12-31"), out, claims=claims, step="year", size=SMALL,
            title=title)
    assert out.read_bytes()[:4] == b"\x1a\x45\xdf\xa3"  # Matroska/WebM
    frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(out))
    assert frames == 2 + 2 * round(HOLD_SECONDS * 2) and seconds == pytest.approx(frames / 2)
    assert read_metadata(out)["title"] == "A=B; C #1 \\ d new line"  # control characters become a space


def test_animation_bytes_for_a_download(events, claims, layers):
    progress = []
    data, alt = animation_bytes(events, layers, view_of(YEAR), "gif", claims=claims, step="month", size=(320, None),
                                progress=lambda done, total: progress.append((done, total)))
    assert data[:6] == b"GIF89a" and "Period by period" in alt
    assert progress == [(i, 12) for i in range(1, 13)]


def test_a_failure_leaves_no_file(events, claims, layers, tmp_path, monkeypatch):
    def broken(self, i):
        if i == 2:
            raise RuntimeError("boom")
        return real(self, i)

    real = FrameRenderer.render
    monkeypatch.setattr(FrameRenderer, "render", broken)
    with pytest.raises(RuntimeError):
        animate(events, layers, view_of(YEAR), tmp_path / "x.mp4", claims=claims, step="month", size=SMALL)
    assert list(tmp_path.iterdir()) == []


# --- the command line --------------------------------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (["from=2024-07-01&to=2024-07-20", "-o", "{tmp}/x.mp4"], "Nothing to animate"),
    (["from=2024-07-01&to=2024-07-31", "-o", "{tmp}/x.mp4", "--step", "month"], "single"),
    (["from=1994-01-01&to=2024-12-31", "-o", "{tmp}/x.mp4"], "more than the limit of 520"),
    (["", "-o", "{tmp}/no/such/folder/x.mp4"], "no such writable directory"),
    (["", "-o", "{tmp}"], "Cannot tell the format"),
    (["", "-o", "{tmp}/x.avi"], "Cannot tell the format"),
    (["", "-o", "{tmp}/x.gif", "--size", "big"], "WIDTHxHEIGHT"),
    (["", "-o", "{tmp}/x.mp4", "--size", "99999x10"], "outside"),
    (["from=2024-01-01&to=2024-12-31", "-o", "{tmp}/x.mp4", "--fps", "500", "--step", "month"], "frame rate"),
])
def test_bad_input_is_a_plain_message(args, message, tmp_path, capsys):
    code = main(["animate", *[a.replace("{tmp}", str(tmp_path)) for a in args]])
    err = capsys.readouterr().err
    assert code == 1, err
    assert message in err and err.startswith("error: ") and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_a_directory_is_not_an_output(tmp_path, capsys):
    (tmp_path / "d.mp4").mkdir()
    assert main(["animate", "", "-o", str(tmp_path / "d.mp4")]) == 1
    assert "it is a directory" in capsys.readouterr().err


def test_the_command_writes_a_gif_in_french(tmp_path, capsys):
    out = tmp_path / "m.gif"
    assert main(["--lang", "fr", "animate", YEAR, "-o", str(out), "--step", "month", "--size", "320"]) == 0
    said = capsys.readouterr().out
    assert "12" in said and "m.txt" in said
    assert (tmp_path / "m.txt").read_text(encoding="utf-8").count("\n- ") == 12
    assert "Semaine" not in (tmp_path / "m.txt").read_text(encoding="utf-8")
    assert "Juillet 2024" in (tmp_path / "m.txt").read_text(encoding="utf-8")


def test_size_parsing():
    assert parse_size("1920x1080") == (1920, 1080) and parse_size("800") == (800, None) and parse_size(None) is None


def test_the_benchmark_writes_its_table_between_the_readme_markers(tmp_path):
    from geo.bench.animation import END, START, write_out
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\n{START}\nold table\n{END}\n\nmore\n", encoding="utf-8")
    write_out(readme, "| new | table |\n")
    assert readme.read_text(encoding="utf-8") == f"# Title\n\n{START}\n| new | table |\n{END}\n\nmore\n"
    other = tmp_path / "table.md"
    write_out(other, "| new |\n")
    assert other.read_text(encoding="utf-8") == "| new |\n"


def test_the_readme_table_was_written_by_a_run():
    from geo.bench.animation import END, START
    from conftest import ROOT
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text[text.index(START):text.index(END)]
    assert "MP4 (H.264) 1920x1080 | 58 (52 + held)" in table and "GIF 800 px wide" in table


@pytest.mark.parametrize("link, mode", [("draw=heat", "window"), ("color=side", "cumulative")])
def test_heatmaps_and_sides_animate_too(events, claims, layers, tmp_path, link, mode):
    view = view_of(f"{YEAR}&{link}")
    result = animate(events, layers, view, tmp_path / "a.gif", claims=claims, step="month", mode=mode, size=(320, None))
    with Image.open(tmp_path / "a.gif") as im:
        assert im.n_frames == result.frames == 12


def test_matched_data_sets_animate_each_event_once(tmp_path, capsys):
    from conftest import FIXTURES
    out = tmp_path / "m.gif"
    assert main(["animate", "", "-o", str(out), "--step", "month", "--size", "320",
                 "--data", f"ACLED={FIXTURES / 'acled' / 'acled_mali.csv'}",
                 "--data", f"UCDP GED={FIXTURES / 'ucdp' / 'ged_mali.csv'}"]) == 0
    alt = (tmp_path / "m.txt").read_text(encoding="utf-8")
    assert "ACLED" in alt and "UCDP" in alt  # both data sets credited


def test_frames_are_written_as_they_are_drawn(events, claims, layers, tmp_path):
    """Memory stays bounded: the GIF grows on disk frame by frame, not at the end."""
    sizes = []

    def progress(done, total):
        parts = [p for p in tmp_path.iterdir() if ".part" in p.name]
        sizes.append(parts[0].stat().st_size if parts else 0)

    animate(events, layers, view_of(YEAR), tmp_path / "a.gif", claims=claims, step="month", size=(320, None),
            progress=progress)
    assert sizes[0] > 0 and all(b >= a for a, b in zip(sizes, sizes[1:])) and sizes[-1] > sizes[0]


def test_a_heatmap_is_as_hot_in_every_frame_as_its_events(events, claims, layers):
    """One full heat for all frames (the hottest frame's): a month of one event is not drawn as hot as July."""
    from geo.static.staticmap import heat_grid, heat_scale
    view = view_of(f"{YEAR}&draw=heat")
    plan = plan_animation(events, view, step="month", claims=claims)
    r = renderer(plan, layers, claims, view)
    own = [heat_scale(heat_grid(frame_events(plan, i), r.frame)) for i in range(12)]
    assert r.heat == max(own)
    quiet = next(i for i, p in enumerate(plan.periods) if p.events == 1)
    grid = heat_grid(frame_events(plan, quiet), r.frame)
    assert grid.max() / r.heat < grid.max() / own[quiet]  # dimmer than it would be on its own
    r.render(quiet)
