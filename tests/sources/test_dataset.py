"""Dataset: the embedded set, imported files, and the GeoParquet cache of imports."""

from __future__ import annotations

import io
import shutil

import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal

from conftest import FIXTURES
from geo.io import cache
from geo.sources.dataset import EMBEDDED_ATTRIBUTION, Dataset


@pytest.fixture()
def cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_embedded(layers):
    d = Dataset.embedded(layers)
    assert len(d.events) >= 40 and d.report is None and d.attribution == EMBEDDED_ATTRIBUTION
    assert {"region", "border_km", "in_tuareg_region"} <= set(d.events.columns)
    assert "Wagner Group" in d.vocabulary.actors and d.vocabulary.claimants
    # kept compact: repeated text as categoricals (the dashboard's filters and memory at 1M events)
    for col in ("actor1", "event_type", "admin1", "region", "location"):
        assert isinstance(d.events[col].dtype, pd.CategoricalDtype), col


def test_an_import_is_cached_and_read_back_identically(tmp_path, cache_folder, layers):
    src = tmp_path / "acled.csv"
    shutil.copy(FIXTURES / "acled" / "acled_mali.csv", src)
    first = Dataset.from_source(src, layers=layers)
    assert len(list(cache_folder.iterdir())) == 1  # written once
    second = Dataset.from_source(src, layers=layers)
    assert_geodataframe_equal(first.events, second.events)
    assert isinstance(second.events["actor1"].dtype, pd.CategoricalDtype)  # the cache keeps it compact
    pd.testing.assert_frame_equal(first.claims.reset_index(drop=True), second.claims.reset_index(drop=True))
    pd.testing.assert_frame_equal(first.report.rejected.reset_index(drop=True),
                                  second.report.rejected.reset_index(drop=True))
    assert str(first.report) == str(second.report) and second.attribution == first.attribution
    assert first.vocabulary == second.vocabulary
    pd.testing.assert_series_equal(first.actor_counts, second.actor_counts)


def test_a_cached_import_is_not_counted_or_hashed_again(tmp_path, cache_folder, layers, monkeypatch):
    import geo.sources.dataset
    import geo.vocabulary

    src = tmp_path / "acled.csv"
    shutil.copy(FIXTURES / "acled" / "acled_mali.csv", src)
    first = Dataset.from_source(src, layers=layers)

    def fail(*_args, **_kwargs):
        raise AssertionError("computed again")

    # the actor counts and the fingerprint (1.5 s at 1M events) come with the cached data set
    monkeypatch.setattr(geo.sources.dataset, "actor_counts", fail)
    monkeypatch.setattr(geo.vocabulary, "dataset_fingerprint", fail)
    second = Dataset.from_source(src, layers=layers)
    assert second.vocabulary == first.vocabulary
    pd.testing.assert_series_equal(second.actor_counts, first.actor_counts)


def test_a_changed_file_misses_the_cache(tmp_path, cache_folder, layers):
    src = tmp_path / "acled.csv"
    shutil.copy(FIXTURES / "acled" / "acled_mali.csv", src)
    before = Dataset.from_source(src, layers=layers)
    lines = src.read_text(encoding="utf-8").splitlines(keepends=True)
    src.write_text("".join(lines[:-3]), encoding="utf-8")  # fewer rows
    after = Dataset.from_source(src, layers=layers)
    assert after.report.rows_read < before.report.rows_read


def test_a_broken_cache_entry_is_ignored(tmp_path, cache_folder, layers):
    src = tmp_path / "ucdp.csv"
    shutil.copy(FIXTURES / "ucdp" / "ged_mali.csv", src)
    good = Dataset.from_source(src, layers=layers)
    entry = next(cache_folder.iterdir())
    (entry / "events.parquet").write_bytes(b"not parquet")
    again = Dataset.from_source(src, layers=layers)
    assert_geodataframe_equal(good.events, again.events)


def test_uploads_are_not_cached(cache_folder, layers):
    data = (FIXTURES / "acled" / "acled_mali.csv").read_bytes()
    d = Dataset.from_source(io.BytesIO(data), name="upload.csv", layers=layers)
    assert d.report.format == "acled" and not cache_folder.exists()


def test_cache_key_changes_with_the_code_version(tmp_path, monkeypatch):
    f = tmp_path / "x.csv"
    f.write_text("a\n", encoding="utf-8")
    key = cache.cache_key(f)
    monkeypatch.setattr(cache, "CACHE_VERSION", "999")
    assert cache.cache_key(f) != key
    assert cache.cache_key(tmp_path / "missing.csv") is None


def test_an_edited_claims_file_misses_the_cache(tmp_path, cache_folder, layers):
    events, claims = tmp_path / "events.csv", tmp_path / "claims.csv"
    shutil.copy(FIXTURES / "events_small.csv", events)
    shutil.copy(FIXTURES / "claims_small.csv", claims)
    first = Dataset.from_source(events, claims_path=claims, layers=layers)
    lines = claims.read_text(encoding="utf-8").splitlines(keepends=True)
    claims.write_text("".join(lines[:-1]), encoding="utf-8")
    second = Dataset.from_source(events, claims_path=claims, layers=layers)
    assert len(second.claims) == len(first.claims) - 1


def test_a_cached_monadic_import_keeps_its_fold_list(tmp_path, cache_folder, layers):
    """The report of a cached import lists the folded rows as the first read did (not an empty list)."""
    src = tmp_path / "monadic.csv"
    shutil.copy(FIXTURES / "variants" / "acled_monadic.csv", src)
    first = Dataset.from_source(src, layers=layers)
    assert first.report.folded_count > 0
    second = Dataset.from_source(src, layers=layers)
    assert len(list(cache_folder.iterdir())) == 1
    pd.testing.assert_frame_equal(first.report.folded.reset_index(drop=True),
                                  second.report.folded.reset_index(drop=True))
    assert str(first.report) == str(second.report)
    assert second.report.event_count == len(second.events)
