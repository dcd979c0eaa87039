"""Source names: given at index time, by a folder file, by the file unless a tagline, by URL."""

from __future__ import annotations

import json
import shutil

import pytest

from searchidx import Engine, index_paths
from searchidx.cli import cli
from searchidx.ingest.sources import FOLDER_FILE, is_tagline, site_of_url

from .conftest import SEED_ID, SEEDS


@pytest.mark.parametrize(
    "line",
    [
        "Creating new perspectives since 2009",
        "Serving the valley since 1887",
        "Est. 1851",
        "All the news that's fit to print",
        "Your trusted source for local news",
        "News you can use!",
        "The voice of the people",
        "Bringing independent journalism to readers across the region every single day",
    ],
)
def test_taglines(line):
    assert is_tagline(line)


@pytest.mark.parametrize(
    "line",
    [
        "Middle East Monitor",
        "The Times of India",
        "BBC News",
        "Reading Chronicle",
        "Le Monde",
        "The Wall Street Journal",
        "Daily Mail",
        "Kettering Evening Telegraph",
        "Al Jazeera",
    ],
)
def test_names_are_not_taglines(line):
    assert not is_tagline(line)


def test_site_of_url():
    assert site_of_url("https://www.middleeastmonitor.com/20200117-x/") == "middleeastmonitor.com"
    assert site_of_url("phys.org/news") == "phys.org"
    assert site_of_url("") == ""


def _sources(index_dir) -> dict[str, str]:
    with Engine(index_dir) as engine:
        return {h.id: h.source for h in engine.search("troops OR river", page_size=50).hits}


@pytest.fixture
def tree(tmp_path):
    """seeds/ copied twice, a sub-folder with its own folder file, and a tagline masthead."""
    root = tmp_path / "archive"
    shutil.copytree(SEEDS, root / "memo", ignore=shutil.ignore_patterns(FOLDER_FILE))
    (root / "memo" / "local").mkdir()
    (root / "memo" / "local" / "r.txt").write_text(
        "Serving the valley since 1887\n\nRiver level falls\n\nMarch 3, 2021\n\nThe river fell.\n"
    )
    (root / "wire").mkdir()
    (root / "wire" / "feed.jsonl").write_text(
        json.dumps(
            {
                "id": "w1",
                "title": "River deal",
                "body": "river",
                "url": "https://www.riverwire.example.com/deal",
            }
        )  # fmt: skip
    )
    return root


def test_page_whose_site_name_is_a_tagline_takes_the_name_in_its_title():
    from searchidx.ingest.html import read_html

    page = (
        "<html><head><title>River level falls | Valley Echo</title>"
        '<meta property="og:site_name" content="Serving the valley since 1887"></head>'
        "<body><article><h1>River level falls</h1><p>The river fell a metre overnight after "
        "a week without rain, the water board said on Tuesday morning.</p></article></body></html>"
    )
    assert read_html(page, "p.html", "p.html").source == "Valley Echo"


def test_without_names_a_tagline_gives_way_to_the_url_site_or_folder(tree, tmp_path):
    index_paths(tmp_path / "index", [tree])
    sources = _sources(tmp_path / "index")
    assert sources["archive/memo/000_a20da12f17ca7dba.txt"] == "memo"
    assert sources["archive/memo/local/r.txt"] == "local"
    assert sources["w1"] == "riverwire.example.com"


def test_folder_file_names_the_folder_and_below(tree, tmp_path):
    (tree / "memo" / FOLDER_FILE).write_text('{"source": "Middle East Monitor"}')
    (tree / "wire" / FOLDER_FILE).write_text('{"source": "River Wire"}')
    index_paths(tmp_path / "index", [tree])
    sources = _sources(tmp_path / "index")
    assert sources["archive/memo/000_a20da12f17ca7dba.txt"] == "Middle East Monitor"
    assert sources["archive/memo/local/r.txt"] == "Middle East Monitor"
    assert sources["w1"] == "River Wire"
    # A nearer folder file wins; a file named on the command line finds its folder's file.
    (tree / "memo" / "local" / FOLDER_FILE).write_text('{"source": "Valley Echo"}')
    summary = index_paths(tmp_path / "index", [tree])
    assert summary.updated == 1 and summary.unchanged == 2  # renamed: re-indexed, no --rebuild
    assert _sources(tmp_path / "index")["archive/memo/local/r.txt"] == "Valley Echo"
    index_paths(tmp_path / "one", [tree / "memo" / "local" / "r.txt"])
    assert _sources(tmp_path / "one") == {"r.txt": "Valley Echo"}


def test_bad_folder_file_is_reported_and_ignored(tree, tmp_path):
    (tree / "wire" / FOLDER_FILE).write_text('{"source": ""}')
    summary = index_paths(tmp_path / "index", [tree])
    assert [s.reason for s in summary.skipped] == [
        'expected {"source": "NAME"} with a non-empty name'
    ]
    assert _sources(tmp_path / "index")["w1"] == "riverwire.example.com"


def test_source_option_names_everything_and_wins(tree, tmp_path, runner):
    (tree / "wire" / FOLDER_FILE).write_text('{"source": "River Wire"}')
    index_dir = str(tmp_path / "index")
    result = runner.invoke(cli, ["index", str(tree), "--source", "Archive", "--index", index_dir])
    assert result.exit_code == 0, result.output
    assert set(_sources(index_dir).values()) == {"Archive"}
    result = runner.invoke(cli, ["index", str(tree), "--source", " ", "--index", index_dir])
    assert result.exit_code == 2 and "--source" in result.output


def test_shipped_seed_is_middle_east_monitor(seed_engine):
    hit = seed_engine.search("troops", source="Middle East Monitor").hits[0]
    assert hit.id == SEED_ID and hit.source == "Middle East Monitor"
    assert seed_engine.search('source:"Middle East Monitor"').total == 1
    assert (SEEDS / FOLDER_FILE).is_file()
