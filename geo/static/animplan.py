"""What an animated map plays: its periods (weeks, months or years of the link's date range), each one's
label ("Week of 22 July 2024") and events, the events a frame draws (window or cumulative, faded by age),
and what the animation says in words (its text alternative and its metadata).

The limits are documented here and in the README: at most ``MAX_FRAMES`` periods (ten years of weeks);
at least two.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..a11y.readable import date_span
from ..analysis import periods as period_bounds
from ..errors import AnimationError
from ..filters import filter_events
from ..i18n import N_, _, category, format_date, format_number, ngettext
from ..matching.groups import matched_events
from ..view import View, cover_spec

#: The steps an animation plays by, and their ``geo.analysis.periods`` frequency.
STEPS = {"week": "W", "month": "M", "year": "Y"}
#: window: each frame draws its own period's events; cumulative: every event so far, faded by age.
MODES = ("window", "cumulative")
#: At most this many periods (frames): ten years by week, 43 years by month. A longer range is refused
#: (a 30-year weekly animation would play for over 13 minutes at 2 frames a second).
MAX_FRAMES = 520
#: Cumulative mode: an event's opacity is multiplied by FADE_RATE for each period of age, down to FADE_FLOOR.
FADE_RATE, FADE_FLOOR = 0.7, 0.2
_PER = {"week": N_("Events per week"), "month": N_("Events per month"), "year": N_("Events per year")}


@dataclass(frozen=True)
class Period:
    """One frame's period: its first and last day, its label, and its own events and fatalities."""

    start: pd.Timestamp
    end: pd.Timestamp
    label: str
    events: int
    fatalities: int


@dataclass(frozen=True)
class AnimationPlan:
    """What an animation plays. ``events`` are the range's events (filtered, matched) with ``_period``,
    the index of each one's period."""

    step: str
    mode: str
    periods: tuple[Period, ...]
    events: pd.DataFrame
    first: pd.Timestamp
    last: pd.Timestamp

    @property
    def labels(self) -> list[str]:
        return [p.label for p in self.periods]

    @property
    def per_label(self) -> str:
        """The timeline strip's caption: "Events per week"."""
        return _(_PER[self.step])

    @property
    def span(self) -> str:
        """The range in words: "1 January – 29 December 2024"."""
        return date_span(self.first, self.last, days=True)


def period_label(start, step: str) -> str:
    """A period's label in the language in use: "Week of 22 July 2024", "July 2024", "2024"."""
    start = pd.Timestamp(start)
    if step == "week":
        return _("Week of {date}").format(date=format_date(start, "long"))
    if step == "month":
        text = format_date(start, "month")
        return text[:1].upper() + text[1:]  # "Juillet 2024" as a heading
    return format_date(start, "y")


def _checked(step: str, mode: str) -> None:
    if step not in STEPS:
        raise AnimationError(N_("Unknown step '{step}': use week, month or year.").format(step=step))
    if mode not in MODES:
        raise AnimationError(N_("Unknown mode '{mode}': use window or cumulative.").format(mode=mode))


def range_events(events: pd.DataFrame, view: View, claims=None, matches=None) -> pd.DataFrame:
    """The events the view shows (its filter; with ``matches``, each matched event once, as the maps draw
    them)."""
    shown = filter_events(events, view.filter)
    if matches is not None and "dataset" in shown:
        only_one, min_spread = cover_spec(view.cover) or (False, None)
        shown = matched_events(shown, matches, claims, only_one=only_one, min_spread=min_spread)
    return shown


def plan_animation(events: pd.DataFrame, view: View, *, step: str = "week", mode: str = "window",
                   claims=None, matches=None, max_frames: int = MAX_FRAMES) -> AnimationPlan:
    """The periods of the view's date range (the link's ``from``/``to``, else its events' first and last
    day) by ``step``, each with its events. Raises ``AnimationError`` for an empty range, a range of one
    period or more than ``max_frames`` periods."""
    _checked(step, mode)
    shown = range_events(events, view, claims, matches)
    f = view.filter
    dates = pd.to_datetime(shown["event_date"]) if len(shown) else pd.Series([], dtype="datetime64[ns]")
    first = pd.Timestamp(f.start) if f.start else (dates.min() if len(dates) else None)
    last = pd.Timestamp(f.end) if f.end else (dates.max() if len(dates) else None)
    if first is None or last is None or last < first or shown.empty:
        where = date_span(first, last, days=True) if first is not None and last is not None else ""
        raise AnimationError(N_("Nothing to animate: no events match the link's filters{where}. Widen the "
                                "dates or remove a filter.").format(where=f" ({where})" if where else ""))
    bounds = period_bounds(first.normalize(), last.normalize(), STEPS[step])
    if len(bounds) < 2:
        raise AnimationError(N_("The range {span} is a single {step}: an animation needs at least two periods. "
                                "Take a snapshot instead, widen the dates, or choose a shorter step.").format(
            span=date_span(first, last, days=True), step=step))
    if len(bounds) > max_frames:
        raise AnimationError(N_("The range {span} by {step} makes {count} frames, more than the limit of {limit}: "
                                "choose a longer step (month or year) or a shorter range.").format(
            span=date_span(first, last, days=True), step=step, count=len(bounds), limit=max_frames))
    starts = np.array([b[0].value for b in bounds], dtype="int64")
    index = np.searchsorted(starts, dates.dt.normalize().to_numpy(dtype="datetime64[ns]").astype("int64"),
                            side="right") - 1
    geometry = getattr(shown, "_geometry_column_name", None)
    # a plain frame: each frame's selection is a fifth of the time without the GeoDataFrame machinery
    shown = pd.DataFrame(shown.drop(columns=[geometry]) if geometry in shown else shown).assign(_period=index)
    counts = np.bincount(index, minlength=len(bounds))
    dead = np.bincount(index, weights=shown["fatalities"].astype(float).to_numpy(), minlength=len(bounds))
    periods = tuple(Period(a, b, period_label(a, step), int(n), int(d))
                    for (a, b), n, d in zip(bounds, counts, dead))
    return AnimationPlan(step, mode, periods, shown, first.normalize(), last.normalize())


def frame_events(plan: AnimationPlan, i: int) -> pd.DataFrame:
    """The events frame ``i`` draws: its period's (window), or every one up to it with ``_fade`` (1 for its
    own period, ``FADE_RATE`` per period of age, at least ``FADE_FLOOR``) in cumulative mode."""
    period = plan.events["_period"].to_numpy()
    if plan.mode == "window":
        return plan.events[period == i]
    kept = plan.events[period <= i]
    age = i - kept["_period"].to_numpy()
    # the oldest first: the newest are drawn over them (draw order within a size stays stable)
    return kept.assign(_fade=np.maximum(FADE_RATE ** age, FADE_FLOOR))


def frame_counts(plan: AnimationPlan, i: int) -> str:
    """What frame ``i``'s period holds, in words: "3 events · 12 fatalities" (cumulative: and so far)."""
    p = plan.periods[i]
    text = (ngettext("{count} event", "{count} events", p.events).format(count=format_number(p.events)) + " · "
            + ngettext("{count} fatality", "{count} fatalities", p.fatalities).format(count=format_number(p.fatalities)))
    if plan.mode == "cumulative":
        so_far = sum(q.events for q in plan.periods[: i + 1])
        text += " · " + _("{count} since {date}").format(count=format_number(so_far),
                                                          date=format_date(plan.first, "long"))
    return text


def _top(values: pd.Series, n: int = 3) -> str:
    counts = values.astype(str).value_counts().head(n)
    return ", ".join(f"{category(k)} ({format_number(int(v))})" for k, v in counts.items())


def period_sentence(plan: AnimationPlan, i: int) -> str:
    """One period in words, for the text alternative."""
    p = plan.periods[i]
    own = plan.events[plan.events["_period"].to_numpy() == i]
    line = f"{p.label}: {frame_counts(plan, i)}"
    if len(own):
        line += ". " + _("Types: {types}. Places: {places}.").format(types=_top(own["event_type"]),
                                                                       places=_top(own["location"]))
    else:
        line += "."
    return line
