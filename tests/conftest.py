"""Shared fixtures: real indexes on disk, built from the seed and from files the tests write."""

from __future__ import annotations

import os
import shutil
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner

from searchidx import Engine, index_paths

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_ID = "seeds/000_a20da12f17ca7dba.txt"
# SEARCHIDX_CORPORA points elsewhere (e.g. from a git worktree, where ../shared is not there).
CORPORA = Path(os.environ.get("SEARCHIDX_CORPORA") or ROOT.parent / "shared" / "corpora")
# The browser tests' fixtures (browser, page): see tests/browser.py.
pytest_plugins = ["tests.browser"]


@cache
def plain_langid():
    """py3langid's identifier as shipped (its own walk), limited to the languages
    ``searchidx.language`` keeps: the reference for language detection."""
    from py3langid.langid import _load_identifier

    identifier = _load_identifier(norm_probs=True)
    identifier.set_languages([code for code in identifier.labels if len(code) == 2])
    return identifier


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


# -- a small archive in every supported format, with known fields and facet counts ---------

COURIER_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Floods hit valley towns | The Valley Courier</title>
<meta property="og:title" content="Floods hit valley towns after record rain">
<meta property="og:site_name" content="The Valley Courier">
<meta property="article:published_time" content="2021-03-03T08:15:00+00:00">
<link rel="canonical" href="https://courier.example.com/news/2021/03/floods">
</head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/sport">Sport</a></li>
<li><a href="/subscribe">Subscribe to Navlinkery</a></li></ul></nav></header>
<div class="ad-banner" id="ad-top">ADVERTISEMENT Buy cheap sofas today at Sofaworld</div>
<main><article>
<h1>Floods hit valley towns after record rain</h1>
<p class="byline">By Jane Reporter, <time datetime="2021-03-03T08:15:00Z">3 March 2021</time></p>
<p>Heavy rain flooded the valley towns overnight, forcing hundreds of residents from their
homes as the river burst its banks in three places.</p>
<p>Emergency crews worked through the night to reinforce levees near the old mill, while
volunteers filled sandbags at the community hall.</p>
<div class="ad inline-ad">Sponsored: win a holiday with Promoflux, click here</div>
<p>The regional weather office said more than 120 millimetres of rain fell in a day, the
highest total since records began in 1911.</p>
</article>
<section id="comments" class="comments"><h2>Comments</h2>
<div class="comment"><p>Trollington: this is all made up, lol</p></div></section>
</main>
<aside class="related"><h3>Most read</h3><ul><li><a href="/x">Celebrity chef opens Bakewellery</a></li></ul></aside>
<footer><p>Copyright 2021 The Valley Courier. Privacy policy. Cookie settings.</p></footer>
</body></html>
"""

GAZETTE_PAGE = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html>
<html><head><title>Council approves new bridge - Riverside Gazette</title>
<script>window.dataLayer = [{"page": "article"}];</script></head>
<body>
<div id="cookie-banner">We use cookies. <button>Accept all</button></div>
<div class="menu"><a href="/local">Local</a> | <a href="/business">Business</a> | <a href="/login">Log in</a></div>
<div class="story">
 <h2 class="headline">Council approves new bridge over the river</h2>
 <div class="meta">Posted by Tom Smith on 12 January 2020</div>
 <div class="story-body">
  <p>The city council voted eleven to four on Tuesday night to approve a new pedestrian bridge
  over the river, ending a decade of debate about the crossing.</p>
  <p>Construction is expected to begin in the spring and will cost an estimated 4.2 million
  pounds, most of it from a national transport grant.</p>
  <div class="promo">SUBSCRIBE for just 1 pound a week with Paywallio!</div>
  <p>Opponents argued the money should have gone to repairing existing roads.</p>
 </div>
 <div class="share">Share this: Facebook Twitter Email</div>
</div>
<div class="comments-area"><h3>42 comments</h3><ul><li class="comment">Grumbleton: waste of money.</li></ul></div>
<div class="sidebar"><h4>Trending</h4><a href="/a">Local bakery wins award</a></div>
<div class="footer">Copyright 2020 Riverside Gazette Ltd.</div>
</body></html>
"""

EXPORT_CSV = (
    "id,Headline,Content,Published,Link,Publication\n"
    'm1,Troops return to base,"Troops crossed the river at dawn, officials said.",2020-01-17,'
    "https://mem.example/1,Middle East Monitor\n"
    'm2,Aid convoy arrives,"The convoy followed the river road.\nIt reached the camp.",2020-01-25,'
    "https://mem.example/2,Middle East Monitor\n"
    "m3,Year ends quietly,The river was calm on the last days of the year.,2019-12-30,"
    "https://mem.example/3,Middle East Monitor\n"
    "bad,row with,too many,cells,here,and,here\n"
    "w1,Port reopens,Ships sailed up the river again.,2020-02-10,https://wire.example/1,Wire\n"
)

ARRAY_JSON = """[
 {"id": "j1", "headline": "Drought warning", "text": "The river is at its lowest level.",
  "published": "2021-06-01", "source": "Wire", "url": "https://wire.example/2"},
 {"id": "j2", "title": "Fishing season opens", "body": "Anglers lined the river banks.",
  "date": "2021-07-01"}
]
"""

#: What query "river" finds in the archive, by source and by year (counted by hand).
ARCHIVE_SOURCES = {
    "Middle East Monitor": 3,
    "Wire": 2,
    "archive": 1,  # j2 names no source: the folder name stands in
    "Riverside Gazette": 1,
    "The Valley Courier": 1,
}
ARCHIVE_YEARS = {"2021": 3, "2020": 4, "2019": 1}


def write_archive(base: Path) -> Path:
    """Write BASE/archive: two saved web pages, a CSV export and a JSON array."""
    folder = base / "archive"
    (folder / "courier").mkdir(parents=True)
    (folder / "courier" / "floods.html").write_text(COURIER_PAGE)
    (folder / "courier" / "bridge.htm").write_text(GAZETTE_PAGE)
    (folder / "export.csv").write_text(EXPORT_CSV)
    (folder / "wire.json").write_text(ARRAY_JSON)
    return folder


@pytest.fixture
def archive(tmp_path) -> Path:
    """A folder holding two saved web pages, a CSV export and a JSON array."""
    return write_archive(tmp_path)


@pytest.fixture
def archive_index(tmp_path, archive) -> Path:
    index_dir = tmp_path / "archive-index"
    index_paths(index_dir, [archive])
    return index_dir


@pytest.fixture
def archive_engine(archive_index):
    with Engine(archive_index) as engine:
        yield engine


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


@pytest.fixture
def desk_index(tmp_path):
    """An index of the news desk (tests/newsdesk.py): elections, copies, hostile text."""
    from .newsdesk import write_newsdesk

    index_dir = tmp_path / "index"
    index_paths(index_dir, [write_newsdesk(tmp_path)])
    return index_dir


@pytest.fixture
def desk_client(desk_index):
    """A test client of the web app on the news desk index."""
    app = make_app(desk_index)
    yield app.test_client()
    close_app(app)
