"""Shared test fixtures: where the samples and the real-world corpus live."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

# Property tests judge behaviour, never speed: on a shared CI machine one example can take
# seconds, and hypothesis's default 200 ms deadline would fail a correct run.
settings.register_profile("tierwise", deadline=None)
settings.load_profile("tierwise")

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
CORPUS = (REPO / ".." / "shared" / "corpus" / "xlsx-real").resolve()


@pytest.fixture
def samples_dir() -> Path:
    return SAMPLES


@pytest.fixture
def corpus_dir() -> Path:
    """The real-world spreadsheets of ../shared/corpus/xlsx-real (skips where absent)."""
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus/xlsx-real is not present")
    return CORPUS


@pytest.fixture(autouse=True)
def private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """The triage app keeps trackers it read in the user's cache folder
    (tierwise/tui/read_cache.py): each test gets its own, never the real one."""
    root = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(root))
    monkeypatch.delenv("TIERWISE_NO_CACHE", raising=False)
    return root
