"""Shared fixtures: real indexes on disk, built from the seed and from files the tests write."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from searchidx import Engine, index_paths

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_ID = "seeds/000_a20da12f17ca7dba.txt"
CORPORA = ROOT.parent / "shared" / "corpora"


def corpus(name: str) -> Path:
    """Return the folder of corpus NAME, skipping the test when it is absent."""
    path = CORPORA / name
    if not path.is_dir():
        pytest.skip(f"corpus {name!r} not found at {path} (it lives in ../shared/corpora)")
    return path


@pytest.fixture
def seed_index(tmp_path) -> Path:
    """An index built from the shipped seeds, in a temporary folder."""
    index_dir = tmp_path / "index"
    index_paths(index_dir, [SEEDS])
    return index_dir


@pytest.fixture
def seed_engine(seed_index):
    with Engine(seed_index) as engine:
        yield engine


@pytest.fixture
def articles(tmp_path) -> Path:
    """A folder of a few small articles written by the test."""
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "Floods hit the valley\n\nMarch 3, 2021\n\nHeavy rain flooded the valley towns.\n"
    )
    (folder / "b.txt").write_text(
        "Election results announced\n\n2021-05-07\n\nThe election count ended overnight.\n"
    )
    (folder / "c.txt").write_text("Rain returns\n\nMore rain is expected in the valley.\n")
    return folder


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def bbc_index(tmp_path_factory) -> Path:
    """The whole BBC corpus indexed once per test session (skipped when absent)."""
    source = corpus("bbc")
    index_dir = tmp_path_factory.mktemp("bbc") / "index"
    summary = index_paths(index_dir, [source], jobs=2)
    assert summary.skipped == [] or all("PROVENANCE" in s.path for s in summary.skipped)
    return index_dir


def copy_tree(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.md"))
    return target


def env_without_index() -> dict:
    env = dict(os.environ)
    env.pop("SEARCHIDX_INDEX", None)
    return env


def make_app(index_dir, **config):
    """Return the web app on INDEX_DIR (close its engine with close_app)."""
    from web import create_app

    return create_app({"TESTING": True, "INDEX": str(index_dir), **config})


def close_app(app) -> None:
    app.extensions["searchidx"].close()


@pytest.fixture
def app(seed_index):
    """The web app on the seed index."""
    app = make_app(seed_index)
    yield app
    close_app(app)


@pytest.fixture
def client(app):
    return app.test_client()
