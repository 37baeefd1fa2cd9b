"""Where a data set is: its distinct places, its extent, and the home view that fits it.

The map, the share link and the snapshots open on the data (``home_view``), wherever in the
world it is; a link's explicit centre and zoom still win, unless they show none of the data.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

#: The map a home view is fitted to, in CSS pixels: the dashboard's map (about 1,000 x 620 on a 1400 px
#: wide screen) and the static snapshot's 1000 x 620, less a margin of about 140 px on each side, so that
#: no event sits on the map's edge and an opened popup does not push its neighbours out of view.
HOME_FIT_PX = (720, 440)
#: A home view never zooms closer than this (one event, or events at one town).
HOME_MAX_ZOOM = 9
HOME_MIN_ZOOM = 2
TILE_PX = 256


def places_of(events: pd.DataFrame) -> pd.DataFrame:
    """The events' distinct places: ``lon``, ``lat``, ``n`` (events there), ``admin1`` and ``country``
    (the most common of their ``admin1`` and ``country`` texts, "" when none), most events first.

    Counted on integer codes (a million events at 40,000 places: about 0.1 s), not by grouping rows.
    """
    lon = pd.to_numeric(events["longitude"], errors="coerce").to_numpy(dtype=float)
    lat = pd.to_numeric(events["latitude"], errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(lon) & np.isfinite(lat)
    place, uniques = pd.factorize(lon[ok] + 1j * lat[ok])
    n = np.bincount(place, minlength=len(uniques))
    places = pd.DataFrame({"lon": uniques.real, "lat": uniques.imag, "n": n,
                           "admin1": _most_common(events, "admin1", ok, place, len(uniques)),
                           "country": _most_common(events, "country", ok, place, len(uniques))})
    return places.sort_values("n", ascending=False, kind="stable", ignore_index=True)


def _most_common(events: pd.DataFrame, column: str, ok: np.ndarray, place: np.ndarray, count: int) -> np.ndarray:
    """Per place, the most common non-empty text of ``column`` among its events ("" when none)."""
    if not count:
        return np.zeros(0, dtype=object)
    if column in events:
        col = events[column]
        if isinstance(col.dtype, pd.CategoricalDtype):
            names, adm = np.asarray(col.cat.categories, dtype=object), col.cat.codes.to_numpy()[ok]
        else:
            adm, names = pd.factorize(col.to_numpy(dtype=object)[ok], use_na_sentinel=True)
            names = np.asarray(names, dtype=object)
        names = np.array(["" if pd.isna(v) else str(v).strip() for v in names] + [""], dtype=object)
        adm = np.where(adm < 0, len(names) - 1, adm)
    else:
        names, adm = np.array([""], dtype=object), np.zeros(len(place), dtype=np.int64)
    # count (place, text) pairs, keep each place's largest
    pair, pair_values = pd.factorize(place.astype(np.int64) * len(names) + adm)
    pair_n = np.bincount(pair, minlength=len(pair_values))
    pair_place, pair_adm = pair_values // len(names), pair_values % len(names)
    named = names[pair_adm] != ""
    order = np.lexsort((~named, -pair_n, pair_place))  # per place: named first, then most events
    first = order[np.r_[True, pair_place[order][1:] != pair_place[order][:-1]]]
    best = np.full(count, "", dtype=object)
    best[pair_place[first]] = names[pair_adm[first]]
    return best


def extent_of(places: pd.DataFrame) -> tuple[float, float, float, float]:
    """(west, south, east, north) of ``places``; past 200 places, the 1st to 99th percentile of their
    events, so that one stray point does not stretch the extent across the world."""
    if len(places) <= 200:
        return (float(places["lon"].min()), float(places["lat"].min()), float(places["lon"].max()),
                float(places["lat"].max()))
    lon, lat = places.sort_values("lon"), places.sort_values("lat")
    return (_quantile(lon["lon"], lon["n"], 0.01), _quantile(lat["lat"], lat["n"], 0.01),
            _quantile(lon["lon"], lon["n"], 0.99), _quantile(lat["lat"], lat["n"], 0.99))


def _quantile(values: pd.Series, weights: pd.Series, q: float) -> float:
    """The weighted ``q`` quantile of sorted ``values``."""
    cum = np.cumsum(weights.to_numpy(dtype=float))
    return float(values.to_numpy()[min(int(np.searchsorted(cum, q * cum[-1])), len(cum) - 1)])


def data_extent(events: pd.DataFrame) -> tuple[float, float, float, float] | None:
    """Where the events are: (west, south, east, north) in degrees; None without events."""
    places = places_of(events)
    return None if places.empty else extent_of(places)


def _mercator_y(lat: float) -> float:
    lat = max(min(lat, 85.0), -85.0)
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def home_view(extent: tuple[float, float, float, float] | None, *, size_px: tuple[int, int] = HOME_FIT_PX,
              ) -> tuple[tuple[float, float], int] | None:
    """The centre (lat, lon) and the closest whole zoom at which ``extent`` fits a map of ``size_px``
    (Web Mercator, as Leaflet draws it); None without an extent."""
    if extent is None:
        return None
    west, south, east, north = extent
    y0, y1 = _mercator_y(south), _mercator_y(north)
    lat = math.degrees(2 * math.atan(math.exp((y0 + y1) / 2)) - math.pi / 2)
    lon = (west + east) / 2
    width, height = size_px
    zooms = [HOME_MAX_ZOOM]
    if east > west:
        zooms.append(math.log2(width * 360 / (TILE_PX * (east - west))))
    if y1 > y0:
        zooms.append(math.log2(height * 2 * math.pi / (TILE_PX * (y1 - y0))))
    zoom = int(min(max(math.floor(min(zooms)), HOME_MIN_ZOOM), HOME_MAX_ZOOM))
    return (round(lat, 4), round(lon, 4)), zoom


def shows_data(center: tuple[float, float], zoom: int, extent: tuple[float, float, float, float] | None, *,
               size_px: tuple[int, int] = HOME_FIT_PX) -> bool:
    """Whether a map of ``size_px`` at ``center`` and ``zoom`` shows any part of ``extent``."""
    if extent is None:
        return True
    west, south, east, north = extent
    lat, lon = center
    half_w = size_px[0] / 2 * 360 / (TILE_PX * 2**zoom)
    half_h = size_px[1] / 2 * 2 * math.pi / (TILE_PX * 2**zoom)
    y = _mercator_y(lat)
    return (lon - half_w <= east and lon + half_w >= west
            and y - half_h <= _mercator_y(north) and y + half_h >= _mercator_y(south))


def fits_home(center: tuple[float, float], zoom: int, home: tuple[tuple[float, float], int] | None, *,
              pixels: float = 3.0) -> bool:
    """Whether a map at ``center`` and ``zoom`` is the data's own view (``home``) as a smaller frame fits it.

    A phone's frame cannot show the home view's extent at its zoom, so the map fits the extent (a zoom
    or two out, the same centre: ``geo.webmap.inview``) and reports that view back. It is still the
    data's own view, which a share link leaves out: the reader did not move the map. True when the zoom
    is the home's or less and the centres are within ``pixels`` screen pixels at that zoom.
    """
    if home is None:
        return False
    (lat0, lon0), z0 = home
    if zoom > z0:
        return False
    pixel_deg = 360.0 / (TILE_PX * 2**zoom)
    return abs(center[0] - lat0) <= pixels * pixel_deg and abs(center[1] - lon0) <= pixels * pixel_deg


__all__ = ["HOME_FIT_PX", "data_extent", "extent_of", "fits_home", "home_view", "places_of", "shows_data"]
