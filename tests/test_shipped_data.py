"""The shipped events checked against their own sources: places and fatalities.

Two checks, documented in data/README.md ("Fatalities" and "Places"):

- every event's point fits the source's own description of the place (data/event_places.csv,
  with the named places' coordinates in data/places.csv), within the tolerance its
  ``geo_precision`` allows;
- every event's ``fatalities`` is the conservative figure computed from data/claims.csv by the
  data's own rule, so that the events, the claims and the notes cannot disagree.

Each check is also run on a deliberately broken copy (a moved point, an edited figure) to show
that it fails.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from pyproj import Geod

import geo
from geo.analysis import region_of
from geo.events import DATA_DIR

GEOD = Geod(ellps="WGS84")

PLACES_PATH = DATA_DIR / "places.csv"
EVENT_PLACES_PATH = DATA_DIR / "event_places.csv"

# --- places ------------------------------------------------------------------------------------

#: Compass points of the descriptions ("N km NW of X") in degrees.
BEARINGS = {"N": 0, "NE": 45, "E": 90, "SE": 135, "S": 180, "SW": 225, "W": 270, "NW": 315}
#: How far a bearing may be from the stated compass point (a neighbouring point is 45° away).
BEARING_TOLERANCE = 45.0
#: "at X": how far from X's coordinates the point may be, by geo_precision (3: the same region).
AT_KM = {1: 5.0, 2: 50.0}
#: "near X" without a stated radius.
NEAR_KM = 50.0
#: "between A and B": how much longer the detour A -> point -> B may be than A -> B.
BETWEEN_KM = {1: 5.0, 2: 20.0, 3: 50.0}
RELATIONS = ("at", "near", "from", "between", "border", "region")


def load_places() -> pd.DataFrame:
    places = pd.read_csv(PLACES_PATH, dtype={"place": str}, keep_default_na=False)
    assert places["place"].is_unique
    return places.set_index("place")


def load_event_places() -> pd.DataFrame:
    table = pd.read_csv(EVENT_PLACES_PATH, dtype=str, keep_default_na=False)
    for col in ("distance_km",):
        table[col] = pd.to_numeric(table[col].replace("", np.nan))
    return table


def _km(lat1, lon1, lat2, lon2) -> float:
    return GEOD.inv(lon1, lat1, lon2, lat2)[2] / 1000


def _bearing(lat1, lon1, lat2, lon2) -> float:
    return GEOD.inv(lon1, lat1, lon2, lat2)[0] % 360


def _angle(a: float, b: float) -> float:
    d = abs(a - b) % 360
    return min(d, 360 - d)


def _named_place(location: str, places: pd.DataFrame) -> str | None:
    """The gazetteer's place an event's ``location`` names ("Anefis (10 km south)" -> "Anefis"), if any."""
    head = re.split(r"\s*[(,]", str(location))[0].strip()
    return head if head in places.index else None


def place_problems(events: pd.DataFrame, event_places: pd.DataFrame, places: pd.DataFrame,
                   layers: dict) -> list[str]:
    """Every way in which an event's point does not fit the sources' descriptions of its place.

    One message per failed description, naming the event and what was measured; the place the event
    is named after (its ``location``, when the gazetteer has it) is held to its ``geo_precision`` too, so
    a point drawn at another town than its name cannot pass on a loose description. An event with no
    description, a precision-1 event described only as "near" something, and a description naming
    a place missing from the gazetteer are problems too.
    """
    problems: list[str] = []
    # the points are read from latitude/longitude (a GeoDataFrame's geometry may not follow an edit)
    ev = pd.DataFrame(events.drop(columns="geometry", errors="ignore")).set_index("event_id")
    border = geo.border_distance_km(ev, layers)
    region = region_of(ev, layers, nearest=False)  # where the point itself lies
    missing = sorted(set(ev.index) - set(event_places["event_id"]))
    problems += [f"{eid}: no description of its place in event_places.csv" for eid in missing]
    unknown = sorted(set(event_places["event_id"]) - set(ev.index))
    problems += [f"{eid}: described in event_places.csv but not an event" for eid in unknown]
    for eid, rows in event_places[event_places["event_id"].isin(ev.index)].groupby("event_id"):
        e = ev.loc[eid]
        lat, lon, prec = float(e["latitude"]), float(e["longitude"]), int(e["geo_precision"])
        if not region[eid]:
            problems.append(f"{eid}: the point is outside Mali's regions (data/admin1.geojson)")
        named = _named_place(e["location"], places)
        if named and prec in AT_KM:
            d = _km(lat, lon, *places.loc[named, ["latitude", "longitude"]].astype(float))
            if d > AT_KM[prec]:
                problems.append(f"{eid}: {d:.1f} km from {named}, the place it is named after "
                                f"({e['location']!r}), more than the {AT_KM[prec]:g} km geo_precision {prec} allows")
        if prec == 1 and not rows["relation"].isin(["at", "from"]).any():
            problems.append(f"{eid}: geo_precision 1 (the place itself) but no source names the place itself")
        for _, row in rows.iterrows():
            rel, name = row["relation"], row["place"]
            what = f"{eid} ({rel} {name or 'the Algeria border'}: {row['description']!r})"
            if rel not in RELATIONS:
                problems.append(f"{what}: unknown relation")
                continue
            if rel in ("at", "near", "from", "between"):
                names = [name] + ([row["place2"]] if rel == "between" else [])
                absent = [n for n in names if n not in places.index]
                if absent:
                    problems.append(f"{what}: {', '.join(absent)} not in places.csv")
                    continue
                plat, plon = places.loc[name, ["latitude", "longitude"]].astype(float)
                d = _km(lat, lon, plat, plon)
            if rel == "at":
                if prec == 3:
                    where = region_of(pd.DataFrame({"latitude": [plat], "longitude": [plon]}), layers).iloc[0]
                    if where != region[eid]:
                        problems.append(f"{what}: point in region {region[eid]!r}, {name} in {where!r}")
                elif d > AT_KM[prec]:
                    problems.append(f"{what}: {d:.1f} km from {name}, more than the {AT_KM[prec]:g} km "
                                    f"geo_precision {prec} allows")
            elif rel == "near":
                if prec == 1:
                    problems.append(f"{what}: the source says near, but geo_precision is 1 (the place itself)")
                limit = row["distance_km"] if pd.notna(row["distance_km"]) else NEAR_KM
                if d > limit:
                    problems.append(f"{what}: {d:.1f} km from {name}, more than {limit:g} km")
            elif rel == "from":
                stated = float(row["distance_km"])
                slack = max(5.0, (0.1 if prec == 1 else 0.25) * stated)
                if abs(d - stated) > slack:
                    problems.append(f"{what}: {d:.1f} km from {name}, not {stated:g} ± {slack:g} km")
                if row["bearing"]:
                    b = _bearing(plat, plon, lat, lon)
                    if _angle(b, BEARINGS[row["bearing"]]) > BEARING_TOLERANCE:
                        problems.append(f"{what}: bearing {b:.0f}° from {name}, not {row['bearing']}")
            elif rel == "between":
                qlat, qlon = places.loc[row["place2"], ["latitude", "longitude"]].astype(float)
                detour = d + _km(lat, lon, qlat, qlon) - _km(plat, plon, qlat, qlon)
                if detour > BETWEEN_KM[prec]:
                    problems.append(f"{what}: {detour:.1f} km off the way from {name} to {row['place2']}")
            elif rel == "border":
                stated = float(row["distance_km"])
                slack = max(10.0, 0.5 * stated)
                if abs(border[eid] - stated) > slack:
                    problems.append(f"{what}: {border[eid]:.1f} km from the Algeria border, not "
                                    f"{stated:g} ± {slack:g} km")
            elif rel == "region":
                if prec != 3:
                    problems.append(f"{what}: only the region is known, but geo_precision is {prec}")
                if region[eid] != name:
                    problems.append(f"{what}: the point lies in {region[eid] or 'no region'!r}")
    return problems


@pytest.fixture(scope="module")
def places():
    return load_places()


@pytest.fixture(scope="module")
def event_places():
    return load_event_places()


def test_the_place_tables_are_well_formed(places, event_places):
    assert list(event_places.columns) == ["event_id", "relation", "place", "distance_km", "bearing", "place2",
                                          "description", "described_by"]
    assert set(event_places["relation"]) <= set(RELATIONS)
    assert set(event_places["bearing"]) <= set(BEARINGS) | {""}
    assert (event_places["description"].str.len() > 0).all() and (event_places["described_by"].str.len() > 0).all()
    measured = event_places["relation"].isin(["from", "border"])
    assert event_places.loc[measured, "distance_km"].notna().all(), "a distance needs its number"
    # every named place has coordinates and says where they come from
    assert places["latitude"].between(10, 25).all() and places["longitude"].between(-12, 5).all()
    assert (places["coords_source"].str.len() > 0).all()
    assert not (set(event_places["place"]) - set(places.index) - set(geo.load_layers()["admin1"]["name"]) - {""})


def test_every_shipped_point_fits_its_description(events, event_places, places, layers):
    assert place_problems(events, event_places, places, layers) == []


def _moved(events, event_id, lat, lon):
    moved = events.copy()
    i = moved.index[moved["event_id"] == event_id][0]
    moved.loc[i, ["latitude", "longitude"]] = [lat, lon]
    return moved


def test_the_place_check_fails_on_a_moved_point(events, event_places, places, layers):
    # the 25 August 2024 drone strike back at the battle's point, 28 km from the village
    moved = _moved(events, "MLI-2024-08-25-TIN", 19.9433, 2.7019)
    problems = place_problems(moved, event_places, places, layers)
    assert len(problems) == 2 and all(p.startswith("MLI-2024-08-25-TIN") for p in problems)
    assert problems[1].startswith("MLI-2024-08-25-TIN (at Tinzaouaten") and "27.8 km from Tinzaouaten" in problems[1]
    assert "the place it is named after" in problems[0]
    # In-Afarak back on a strict north-west bearing from Tessalit: 66 km from the border
    moved = _moved(events, "MLI-2024-07-22-INF", 21.03, 0.15)
    problems = place_problems(moved, event_places, places, layers)
    assert any("from the Algeria border" in p for p in problems)
    assert all(p.startswith("MLI-2024-07-22-INF") for p in problems)
    # a small move is within precision 1's 5 km; a larger one is not
    assert place_problems(_moved(events, "MLI-2023-11-14-KID", 18.46, 1.41), event_places, places, layers) == []
    assert place_problems(_moved(events, "MLI-2023-11-14-KID", 18.55, 1.41), event_places, places, layers)


def test_foita_drawn_at_lere_fails(events, event_places, places, layers):
    """Issue 25: the Foïta post (4-5 August 2023) was drawn at Léré, 58 km away, and passed on a description
    that said "near Léré". Foïta now has its own coordinates (fr-Wikipedia, Combat de Fooïta: 15°33'N 5°25'W);
    the event back at Léré fails both on its description and on the place it is named after, even with the old
    description and name."""
    foi = events.loc[events["event_id"] == "MLI-2023-08-04-FOI"].iloc[0]
    assert (foi["location"], round(foi["latitude"], 2), round(foi["longitude"], 2)) == ("Foita", 15.55, -5.42)
    lere = places.loc["Lere", ["latitude", "longitude"]].astype(float)
    problems = place_problems(_moved(events, "MLI-2023-08-04-FOI", *lere), event_places, places, layers)
    assert problems and all(p.startswith("MLI-2023-08-04-FOI") for p in problems)
    assert any("57.9 km from Foita" in p for p in problems), problems
    # the data as it was: named "Foita (near Lere)", described as near Léré, drawn at Léré
    old = _moved(events, "MLI-2023-08-04-FOI", *lere)
    old.loc[old["event_id"] == "MLI-2023-08-04-FOI", "location"] = "Foita (near Lere)"
    described = event_places.copy()
    described.loc[described["event_id"] == "MLI-2023-08-04-FOI", "place"] = "Lere"
    problems = place_problems(old, described, places, layers)
    assert problems == ["MLI-2023-08-04-FOI: 57.9 km from Foita, the place it is named after ('Foita (near Lere)'), "
                        "more than the 50 km geo_precision 2 allows"]


def test_dioura_counts_the_seven_dead_the_rebels_admitted_to_afp(events, claims):
    """AFP (30 September 2023): the CSP said it lost seven fighters at Dioura; its highest own figure counts."""
    dio = claims[(claims["event_id"] == "MLI-2023-09-28-DIO") & (claims["side"] == "CSP-DPA")]
    assert sorted(dio["killed"].dropna().astype(int)) == [5, 7]
    assert "AFP" in dio.loc[dio["killed"] == 7, "source"].iloc[0]
    assert int(events.loc[events["event_id"] == "MLI-2023-09-28-DIO", "fatalities"].iloc[0]) == 7


@pytest.mark.parametrize("event_id, lat, lon, expected", [
    ("MLI-2023-10-05-ANF", 18.0439, 0.6031, "0.0 km from Anefis, not 10"),         # from: at Anéfis itself
    ("MLI-2024-03-17-AMS", 15.5000, 0.8000, "from Gao, not NE"),                  # from: right distance, SE
    ("MLI-2023-10-04-TAO", 16.2717, -0.0447, "off the way from Bourem to Bamba"),  # between: at Gao
    ("MLI-2024-06-20-ABB", 19.8000, 1.8450, "more than 40 km"),                    # near, with a radius
    ("MLI-2023-08-02-MNK", 16.7735, -3.0074, "the point lies in 'Tombouctou'"),   # region: moved to Timbuktu
    ("MLI-2024-08-25-TIN", 19.9486, 2.9678, "outside Mali's regions"),             # onto the Algerian side
])
def test_each_kind_of_description_catches_a_moved_point(events, event_places, places, layers, event_id, lat, lon,
                                                       expected):
    problems = place_problems(_moved(events, event_id, lat, lon), event_places, places, layers)
    assert problems and all(p.startswith(event_id) for p in problems)
    assert any(expected in p for p in problems), problems


def test_the_place_check_fails_on_a_precision_that_overstates(events, event_places, places, layers):
    stated = events.copy()
    stated.loc[stated["event_id"] == "MLI-2024-07-30-TIN", "geo_precision"] = 1  # "not far from" the town
    problems = place_problems(stated, event_places, places, layers)
    assert problems and all(p.startswith("MLI-2024-07-30-TIN") for p in problems)
    assert place_problems(events.iloc[1:], event_places, places, layers)  # described but not an event


# --- fatalities --------------------------------------------------------------------------------

# the rule itself lives in geo (the popup and the event panel explain each figure from it)
from geo.fatalities import CAMPS, conservative_fatalities  # noqa: E402


def test_every_claimed_side_has_a_camp(claims):
    # a new party must be classified, not silently counted only from independent claimants
    assert set(claims["side"]) - set(CAMPS) == set()


def fatality_problems(events: pd.DataFrame, claims: pd.DataFrame) -> list[str]:
    expected = conservative_fatalities(claims).reindex(events["event_id"]).fillna(0).astype(int)
    have = events.set_index("event_id")["fatalities"].astype(int)
    return [f"{eid}: fatalities {have[eid]}, the claims give {expected[eid]}"
            for eid in have.index if have[eid] != expected[eid]]


def test_every_event_counts_its_claims_by_the_rule(events, claims):
    assert fatality_problems(events, claims) == []


def test_the_rule_counts_admissions_and_independent_counts_only():
    claims = pd.DataFrame([
        # event, claimant, claimant_side, side, killed
        ("E", "Army", "government", "Military Forces of Mali (FAMa)", 2),      # own dead: counted
        ("E", "Army", "government", "Military Forces of Mali (FAMa)", 5),      # revised: the highest
        ("E", "Rebels", "rebels", "Military Forces of Mali (FAMa)", 47),       # the enemy's: not counted
        ("E", "Newspaper", "independent", "Military Forces of Mali (FAMa)", 24),  # independent: the lowest wins
        ("E", "Rebels", "rebels", "CSP-DPA", 9),
        ("E", "Army", "government", "CSP-DPA", 20),                            # not counted
        ("E", "Rebels", "rebels", "Civilians (Mali)", 3),                      # civilians: counted
        ("F", "Army", "government", "JNIM", 50),                               # only an enemy claim: 0
    ], columns=["event_id", "claimant", "claimant_side", "side", "killed"])
    claims["killed"] = claims["killed"].astype("Int64")
    figures = conservative_fatalities(claims)
    assert figures.to_dict() == {"E": 5 + 9 + 3}
    events = pd.DataFrame({"event_id": ["E", "F"], "fatalities": [17, 0]})
    assert fatality_problems(events, claims) == []
    # a party with no camp is counted only from independent claimants (and the shipped data has none:
    # test_every_claimed_side_has_a_camp)
    assert conservative_fatalities(claims.assign(side="Somebody")).to_dict() == {"E": 24}


def test_the_fatality_check_fails_on_an_edited_figure(events, claims):
    edited = events.copy()
    edited.loc[edited["event_id"] == "MLI-2024-07-25-TIN", "fatalities"] = 11  # the old hand-typed figure
    problems = fatality_problems(edited, claims)
    assert problems == ["MLI-2024-07-25-TIN: fatalities 11, the claims give 31"]
    # and on an edited claim: the CSP-DPA's own dead at Bourem
    edited_claims = claims.copy()
    own = (edited_claims["event_id"] == "MLI-2023-09-12-BRM") & (edited_claims["side"] == "CSP-DPA") \
        & (edited_claims["claimant"] == "CSP-DPA")
    assert own.sum() == 1
    edited_claims.loc[own, "killed"] = 90
    assert [p.split(":")[0] for p in fatality_problems(events, edited_claims)] == ["MLI-2023-09-12-BRM"]


def test_the_notes_give_the_events_figure(events):
    """A note that explains the figure ("Fatalities (N) ...") gives the figure the event has."""
    for _, e in events.iterrows():
        for m in re.finditer(r"Fatalities \((\d+)\)", e["notes"]):
            assert int(m.group(1)) == e["fatalities"], e["event_id"]


def test_the_sources_notes_agree_with_the_events(events):
    """data/events_sources.md: every event has its entry, names no other, and an entry giving the
    figure ("Fatalities N") gives the event's."""
    text = (DATA_DIR / "events_sources.md").read_text(encoding="utf-8")
    fatalities = events.set_index("event_id")["fatalities"]
    entries = dict(re.findall(r"^- \*\*(MLI-[0-9A-Z-]+)\*\*(.*)$", text, flags=re.MULTILINE))
    assert set(entries) == set(fatalities.index)
    assert set(re.findall(r"MLI-\d{4}-\d\d-\d\d-[A-Z]+(?:-\d)?", text)) <= set(fatalities.index)
    stated = {eid: [int(n) for n in re.findall(r"Fatalities (\d+)\b(?! ->)", body)] for eid, body in entries.items()}
    assert sum(map(len, stated.values())) >= 4
    for eid, figures in stated.items():
        assert all(n == fatalities[eid] for n in figures), (eid, figures, fatalities[eid])


def test_the_data_readme_counts_the_files(events, claims, event_places, places):
    text = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    assert f"| `events.csv` | {len(events)} conflict events" in text
    assert f"| `claims.csv` | {len(claims)} claims" in text
    assert f"| `event_places.csv` | {len(event_places)} descriptions of the {len(events)} events' places" in text
    assert f"| `places.csv` | the {len(places)} towns" in text
    assert f"**Limits.** {len(events)} events" in text
    tin = events.set_index("event_id").loc["MLI-2024-07-25-TIN", "fatalities"]
    assert f"(`MLI-2024-07-25-TIN`) counts {tin} =" in text
