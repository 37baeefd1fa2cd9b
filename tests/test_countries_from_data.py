"""Countries from the data (issue 24): where a file has a ``country`` column, the title, each event's region
and the countries drawn in detail follow it; a point that falls across a simplified border keeps its
file's country. Natural Earth's 1:10m borders put Ishkashim (Badakhshan, on the Panj) in Tajikistan,
Maungdaw in Bangladesh, Paletwa in India and Myawaddy in Thailand."""

from __future__ import annotations

import pandas as pd
import pytest

import geo
from conftest import FIXTURES
from geo.analysis import enrich, region_of
from geo.layers import country_at, country_code, data_title, load_layers, locate

AFGHANISTAN = FIXTURES / "countries" / "acled_afghanistan_border.csv"
MYANMAR = FIXTURES / "countries" / "ucdp_ged_myanmar_bangladesh.csv"


@pytest.fixture(scope="module")
def afghanistan():
    return geo.read_events(AFGHANISTAN)[0]


@pytest.fixture(scope="module")
def myanmar():
    return geo.read_events(MYANMAR)[0]


def test_the_fixtures_hold_points_across_simplified_borders(afghanistan, myanmar):
    ishkashim = afghanistan[afghanistan["location"] == "Ishkashim"]
    assert country_at(ishkashim["longitude"], ishkashim["latitude"]).tolist() == ["TJK"]
    by_point = set(country_at(myanmar["longitude"], myanmar["latitude"]))
    assert {"THA", "IND"} <= by_point


def test_titles_follow_the_files_country(afghanistan, myanmar):
    assert data_title(afghanistan) == "Conflict events — Afghanistan"  # was "Afghanistan and Tajikistan"
    assert data_title(myanmar) == "Conflict events — Myanmar and Bangladesh"  # was "Myanmar, Bangladesh, Thailand…"
    # without the column, the coordinates decide, as before
    assert "Tajikistan" in data_title(afghanistan.drop(columns="country"))
    with geo.i18n.use_language("fr"):
        assert data_title(myanmar) == "Événements de conflit — Birmanie et Bangladesh"  # Natural Earth's NAME_FR


@pytest.mark.parametrize("name, code", [("Afghanistan", "AFG"), ("Myanmar (Burma)", "MMR"), ("Bangladesh", "BGD"),
                                        ("Democratic Republic of Congo", "COD"), ("DR Congo (Zaire)", "COD"),
                                        ("Ivory Coast", "CIV"), ("Côte d'Ivoire", "CIV"), ("MLI", "MLI"),
                                        ("Russia (Soviet Union)", "RUS"), ("Atlantis", "")])
def test_country_names_as_acled_and_ucdp_write_them(name, code):
    assert country_code(name) == code


def test_each_event_keeps_its_files_country_and_region(afghanistan, myanmar):
    places = locate(afghanistan)
    assert set(places["iso3"]) == {"AFG"}
    layers = load_layers(afghanistan)
    regions = region_of(afghanistan, layers)
    assert regions[afghanistan["location"] == "Ishkashim"].tolist() == ["Badakhshan"]  # not "" (Tajikistan)
    assert (regions.to_numpy() == afghanistan["admin1"].to_numpy()).all()
    layers = load_layers(myanmar)
    done = enrich(myanmar, layers)
    assert (done["region"].to_numpy() == myanmar["admin1"].to_numpy()).all()
    detail = set(layers["countries"].loc[layers["countries"]["detail"], "iso3"])
    assert {"MMR", "BGD"} <= detail


def test_the_dataset_title_follows_the_file():
    from geo.sources.dataset import Dataset

    data = Dataset.from_source(AFGHANISTAN, use_cache=False)
    assert data.title == "Conflict events — Afghanistan" and data.title_names == ("Afghanistan",)
    assert data.events.loc[data.events["location"] == "Ishkashim", "region"].tolist() == ["Badakhshan"]


def test_a_file_without_a_country_or_with_an_unknown_one_is_placed_by_its_coordinates(afghanistan):
    unknown = afghanistan.assign(country="Atlantis")
    assert set(locate(unknown)["iso3"]) == set(locate(afghanistan.drop(columns="country"))["iso3"])
    assert pd.isna(locate(afghanistan.iloc[0:0])["lon"].max())
