"""Time and copies: date sort, stats, the timeline, and one story once (engine, CLI, API)."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta

import numpy as np
import pytest

from searchidx import Engine, collapse, duplicates, index_paths, timeline
from searchidx.cli import cli
from searchidx.cli.render import histogram

from .archive_corpus import DATED, MATCHES, STORIES, article, prose, write_archive
from .conftest import close_app, make_app
from .helpers import run_cli


@pytest.fixture
def archive(tmp_path):
    folder = write_archive(tmp_path / "archive")
    index_dir = tmp_path / "index"
    index_paths(index_dir, [folder])
    return folder, index_dir


def _search(index_dir, text="riverflood", **kwargs):
    with Engine(index_dir) as engine:
        return engine.search(text, **kwargs)


# -- time ------------------------------------------------------------------------------


def test_date_sort_puts_newest_first_and_undated_last(archive):
    _, index_dir = archive
    result = _search(index_dir, sort="date", page_size=100, collapse=False)
    dates = [hit.date for hit in result.hits]
    assert dates[-1] is None and all(d is not None for d in dates[:-1])
    assert dates[:-1] == sorted(dates[:-1], reverse=True)
    assert dates[0].date() == date(2021, 12, 30)


def test_stats_reports_oldest_newest_and_undated(archive):
    _, index_dir = archive
    with Engine(index_dir) as engine:
        info = engine.stats()
    assert info["oldest_date"].startswith("2019-01-10")
    assert info["newest_date"].startswith("2021-12-30")
    assert info["undated"] == 1


def test_timeline_counts_every_match_not_the_page(archive):
    _, index_dir = archive
    result = _search(index_dir, page_size=1)
    assert len(result.hits) == 1
    assert sum(b.count for b in result.timeline) == DATED  # copies and all; undated left out
    assert result.timeline[0].unit == "month"  # 2019-01 .. 2021-12: three years
    assert result.timeline[0].start == date(2019, 1, 1)
    assert result.timeline[-1].end == date(2021, 12, 31)
    march = next(b for b in result.timeline if b.start == date(2021, 3, 1))
    assert march.count == 4 and march.end == date(2021, 3, 31)
    assert len(result.timeline) == 36  # empty months kept


def test_timeline_resolution_follows_the_span(archive):
    _, index_dir = archive
    days = _search(index_dir, date_from="2021-03", date_to="2021-03").timeline
    assert {b.unit for b in days} == {"day"}
    assert (days[0].start, days[-1].start) == (date(2021, 3, 3), date(2021, 3, 20))
    assert sum(b.count for b in days) == 4
    assert timeline.resolution(0, 62) == "day"
    assert timeline.resolution(0, 63) == "month"
    assert timeline.resolution(0, 5 * 366 + 1) == "year"


def test_timeline_of_nothing_is_empty(archive):
    _, index_dir = archive
    assert _search(index_dir, "zzzunknownword").timeline == []


def test_histogram_text_has_one_line_a_period(archive):
    _, index_dir = archive
    text = histogram(_search(index_dir, date_from="2021-03", date_to="2021-03").timeline)
    lines = text.splitlines()
    assert lines[0].startswith("Timeline (days, 4 dated matches)")
    assert lines[1].split()[:2] == ["2021-03-03", "2"]
    assert len(lines) == 1 + 18


# -- copies ----------------------------------------------------------------------------


def test_exact_and_near_copies_show_as_one_story(archive):
    _, index_dir = archive
    result = _search(index_dir, page_size=100)
    assert result.total == STORIES
    assert result.copies == MATCHES - STORIES
    assert len(result.hits) == STORIES
    flood = [hit for hit in result.hits if hit.title == "Flood closes bridge"]
    assert len(flood) == 1
    assert flood[0].copy_count == 2
    shown = {flood[0].id} | {copy.id for copy in flood[0].copies}
    assert shown == {"archive/flood-a.txt", "archive/flood-a-copy.txt", "archive/flood-a-near.txt"}
    # Another story on the same subject, in the same words, is not a copy.
    assert any(hit.title == "Flood waters recede" and not hit.copy_count for hit in result.hits)


def test_no_collapse_shows_every_copy(archive):
    _, index_dir = archive
    result = _search(index_dir, page_size=100, collapse=False)
    assert result.total == MATCHES and result.copies == 0 and not result.collapsed
    assert sum(hit.title == "Flood closes bridge" for hit in result.hits) == 3


def _copies_then_stories(folder, copies: int, others: int, seed: int):
    """Write COPIES copies of a story that ranks first for "quake" (the word three times),
    then OTHERS stories of their own that hold it once; return FOLDER."""
    folder.mkdir()
    top = prose(seed, 80)
    for n in range(copies):
        (folder / f"top-{n:02}.txt").write_text(
            article("Quake quake", f"2022-01-{n % 28 + 1:02}", f"Quake quake quake {top}")
        )
    for n in range(others):
        (folder / f"other-{n:02}.txt").write_text(
            article(f"Other {n}", f"2021-{n % 9 + 1:02}-01", "quake " + prose(seed + 100 + n, 80))
        )
    return folder


@pytest.mark.parametrize("facets", [True, False])
@pytest.mark.parametrize("sort", ["relevance", "date"])
def test_pages_of_stories_are_complete_and_disjoint(tmp_path, facets, sort):
    # Six copies of one story that ranks first (the word three times), then twelve stories.
    folder = _copies_then_stories(tmp_path / "many", copies=6, others=12, seed=500)
    index_paths(tmp_path / "index", [folder])
    with Engine(tmp_path / "index") as engine:
        first = engine.search("quake", page=1, page_size=10, sort=sort, facets=facets)
        second = engine.search("quake", page=2, page_size=10, sort=sort, facets=facets)
    assert first.total == second.total == 13 and first.copies == 5
    assert len(first.hits) == 10 and len(second.hits) == 3
    ids = [h.id for h in first.hits + second.hits]
    assert len(set(ids)) == 13
    assert sum(h.copy_count for h in first.hits) == 5


@pytest.mark.parametrize("depth", ["2", "30"])
def test_a_ranking_full_of_copies_is_deepened_until_the_page_has_its_stories(
    tmp_path, monkeypatch, depth
):
    """Forty copies of one story rank first: the first ranking (the page or the re-ranked
    depth) holds one story, so the engine ranks deeper (four times, and again) until the
    page's stories are in it.  Every page is what folding the full ranking gives."""
    monkeypatch.setenv("SEARCHIDX_RERANK_DEPTH", depth)
    folder = _copies_then_stories(tmp_path / "flooded", copies=40, others=25, seed=900)
    index_paths(tmp_path / "index", [folder])
    with Engine(tmp_path / "index") as engine:
        every = [h.id for h in engine.search("quake", page_size=100, collapse=False).hits]
        pages = [engine.search("quake", page=p, page_size=10) for p in (1, 2, 3)]
    assert len(every) == 65 and all(i.startswith("flooded/top-") for i in every[:40])
    folded = [every[0]] + [i for i in every if not i.startswith("flooded/top-")]
    assert [[h.id for h in page.hits] for page in pages] == [
        folded[:10],
        folded[10:20],
        folded[20:],
    ]
    assert all(page.total == 26 for page in pages)
    assert pages[0].hits[0].copy_count == 39


def test_a_story_names_its_first_copies_and_counts_the_rest(tmp_path, runner):
    """Each copy named costs a stored-fields read: a hit names MAX_LISTED and counts all."""
    folder = tmp_path / "wire"
    folder.mkdir()
    story = prose(77, 80)
    copies = collapse.MAX_LISTED + 3
    for n in range(copies + 1):
        (folder / f"wire-{n:02}.txt").write_text(
            article("Wire story", f"2022-02-{n + 1:02}", f"Wirestory {story}")
        )
    index_paths(tmp_path / "index", [folder])
    with Engine(tmp_path / "index") as engine:
        (hit,) = engine.search("wirestory").hits
        every = engine.search("wirestory", collapse=False)
    assert hit.copy_count == copies and len(hit.copies) == collapse.MAX_LISTED
    assert hit.unlisted_copies == 3
    assert every.total == copies + 1
    assert hit.to_dict()["copy_count"] == copies
    assert len(hit.to_dict()["other_copies"]) == collapse.MAX_LISTED
    base = ["query", "wirestory", "--index", str(tmp_path / "index"), "--all-copies"]
    out = runner.invoke(cli, base)
    assert out.exit_code == 0, out.output
    assert out.output.count("     - Wire story · 2022-02-") == collapse.MAX_LISTED
    assert "     - and 3 more (--no-collapse shows every copy)" in out.output
    app = make_app(tmp_path / "index")
    try:
        page = app.test_client().get("/search?q=wirestory").get_data(as_text=True)
    finally:
        close_app(app)
    assert f"{copies} more copies" in page
    named = page.split('<details class="copies">')[1].split("</details>")[0]
    assert named.count("<li><a href=") == collapse.MAX_LISTED
    assert 'class="more">and 3 more (<a href="/search?q=wirestory&amp;collapse=0">' in page


def test_a_new_copy_joins_its_story_and_deleting_the_best_keeps_the_group(archive):
    folder, index_dir = archive
    shutil.copy(folder / "flood-a-near.txt", folder / "flood-a-late.txt")
    index_paths(index_dir, [folder])  # incremental: the committed copies are found by key
    result = _search(index_dir, page_size=100)
    flood = [hit for hit in result.hits if hit.title == "Flood closes bridge"]
    assert len(flood) == 1 and flood[0].copy_count == 3
    assert result.total == STORIES
    # Delete the copy shown and the one that started the story: the rest stay one story.
    (folder / flood[0].id.split("/")[-1]).unlink()
    (folder / "flood-a.txt").unlink(missing_ok=True)
    index_paths(index_dir, [folder])
    result = _search(index_dir, page_size=100)
    flood = [hit for hit in result.hits if hit.title == "Flood closes bridge"]
    assert len(flood) == 1
    assert result.total == STORIES
    assert flood[0].copy_count == result.copies


def test_rebuild_groups_the_same_way(archive):
    folder, index_dir = archive
    index_paths(index_dir, [folder], rebuild=True)
    result = _search(index_dir, page_size=100)
    assert (result.total, result.copies) == (STORIES, MATCHES - STORIES)


def test_similarity_threshold_separates_edits_from_other_stories():
    story = prose(7, 150)
    edited = story.replace("minister", "ministers", 1) + " Syndicated by the Wire service."
    same = duplicates.jaccard(duplicates.shingles(story), duplicates.shingles(edited))
    other = duplicates.jaccard(duplicates.shingles(story), duplicates.shingles(prose(8, 150)))
    assert same >= duplicates.THRESHOLD > other
    a = duplicates.signature(duplicates.shingles(story))
    b = duplicates.signature(duplicates.shingles(edited))
    assert duplicates.similarity(a, b) >= duplicates.THRESHOLD
    assert set(duplicates.band_key_numbers(a).tolist()) & set(
        duplicates.band_key_numbers(b).tolist()
    )


# -- CLI -------------------------------------------------------------------------------


def test_cli_timeline_copies_and_no_collapse(archive, runner):
    _, index_dir = archive
    base = ["query", "riverflood", "--index", str(index_dir), "-n", "20"]
    out = runner.invoke(cli, [*base, "--timeline"])
    assert out.exit_code == 0, out.output
    assert (
        f"{STORIES} results for 'riverflood' (+{MATCHES - STORIES} copies of these)" in out.output
    )
    assert "+ 2 more copies (--all-copies lists them)" in out.output
    assert "Timeline (months, 14 dated matches):" in out.output
    assert "  2021-03 4 " in out.output
    listed = runner.invoke(cli, [*base, "--all-copies"])
    assert "     - Flood closes bridge · 2021-03-0" in listed.output
    every = runner.invoke(cli, [*base, "--no-collapse", "--json"])
    data = json.loads(every.output)
    assert data["total"] == MATCHES and data["copies"] == 0 and data["collapsed"] is False


def test_cli_json_has_timeline_and_copies(archive, runner):
    _, index_dir = archive
    out = runner.invoke(
        cli, ["query", "riverflood", "--index", str(index_dir), "-n", "20", "--json"]
    )
    data = json.loads(out.output)
    assert data["total"] == STORIES and data["copies"] == MATCHES - STORIES
    assert data["timeline"][0] == {"start": "2019-01-01", "end": "2019-01-31", "count": 1}
    flood = next(h for h in data["hits"] if h["title"] == "Flood closes bridge")
    assert flood["copy_count"] == 2 and len(flood["other_copies"]) == 2
    assert set(flood["other_copies"][0]) == {"id", "title", "date", "source"}


def test_cli_stats_dates(archive, runner):
    _, index_dir = archive
    out = runner.invoke(cli, ["stats", "--index", str(index_dir), "--json"])
    info = json.loads(out.output)
    assert (info["oldest_date"][:10], info["newest_date"][:10], info["undated"]) == (
        "2019-01-10",
        "2021-12-30",
        1,
    )


def test_grouping_survives_the_key_table_spilling_to_sorted_runs(tmp_path, monkeypatch):
    # A run's band keys move from a dict to sorted numpy runs every _RECENT keys; make
    # that happen every few articles, so lookups go through merged runs.
    monkeypatch.setattr(duplicates._KeyTable, "_RECENT", 20)
    folder = write_archive(tmp_path / "archive")
    index_paths(tmp_path / "index", [folder])
    result = _search(tmp_path / "index", page_size=100)
    assert (result.total, result.copies) == (STORIES, MATCHES - STORIES)


def test_key_table_finds_every_row_of_a_key():
    table = duplicates._KeyTable()
    table._RECENT = 3
    for row in range(50):
        table.add([row % 7, 100 + row], row)
        table.settle()

    def rows(keys):  # in the runs and among the newest keys
        return table.rows(np.array([keys], np.uint64))[0] | table.recent_rows(keys)

    assert rows([3]) == {r for r in range(50) if r % 7 == 3}
    assert rows([149, 999]) == {49}
    assert len(table._runs) < 10  # merged as they grew
    table.add([3, 150], 50)  # not settled: among the newest keys, not yet in a run
    assert table.rows(np.array([[3], [150]], np.uint64)) == [rows([3]) - {50}, set()]
    assert table.recent_rows([150]) == {50}


def test_parallel_indexing_groups_the_same_way(tmp_path):
    folder = write_archive(tmp_path / "archive")
    index_paths(tmp_path / "index", [folder], jobs=2)
    result = _search(tmp_path / "index", page_size=100)
    assert (result.total, result.copies) == (STORIES, MATCHES - STORIES)
    (folder / "late-copy.txt").write_text((folder / "flood-a.txt").read_text())
    index_paths(tmp_path / "index", [folder], jobs=2)
    result = _search(tmp_path / "index", page_size=100)
    assert (result.total, result.copies) == (STORIES, MATCHES - STORIES + 1)


def test_a_stray_old_date_widens_year_bars_instead_of_drawing_hundreds(tmp_path):
    folder = tmp_path / "stray"
    folder.mkdir()
    for n, when in enumerate(["1803-05-01", "2001-01-01", "2020-06-01", "2021-06-01"]):
        (folder / f"{n}.txt").write_text(article(f"Harbour {n}", when, prose(300 + n)))
    index_paths(tmp_path / "index", [folder])
    buckets = _search(tmp_path / "index", "harbour").timeline
    assert len(buckets) <= timeline.MAX_BARS
    assert sum(b.count for b in buckets) == 4
    # 219 years: bars of 2 years, from an even year.
    assert (buckets[0].start, buckets[0].label) == (date(1802, 1, 1), "1802–1803")
    assert buckets[-1].label == "2020–2021" and buckets[-1].count == 2
    assert all(b.end == b.start.replace(year=b.start.year + 2) - timedelta(days=1) for b in buckets)


def test_query_timeline_as_a_real_process(archive):
    _, index_dir = archive
    done = run_cli("query", "riverflood", "-n", "20", "--timeline", "--index", str(index_dir))
    assert done.returncode == 0, done.stderr
    assert "Timeline (months, 14 dated matches):" in done.stdout
    assert (
        "+ 2 more copies (--all-copies lists them)" in done.stdout or "more cop" not in done.stdout
    )
    bad = run_cli(
        "query", "riverflood", "--from", "2021-13", "--timeline", "--index", str(index_dir)
    )
    assert bad.returncode == 2 and bad.stderr.startswith("searchidx: ")
    assert len(bad.stderr.strip().splitlines()) == 1


def test_a_run_that_changes_nothing_reads_no_signatures(archive, monkeypatch):
    folder, index_dir = archive
    loads = []
    original = duplicates.StoryFinder._load
    monkeypatch.setattr(
        duplicates.StoryFinder, "_load", lambda self, r: loads.append(1) or original(self, r)
    )
    assert index_paths(index_dir, [folder]).documents == 0
    assert loads == []
    (folder / "new.txt").write_text(article("Harbour news", "2022-02-02", prose(4242)))
    assert index_paths(index_dir, [folder]).documents == 1
    assert loads == [1]


def test_timeline_and_collapse_take_numpy_arrays_as_well_as_sets(archive):
    # The numpy fast path hands over arrays of document numbers; the result is the same.
    from searchidx import collapse
    from searchidx.counting import matching_docs
    from searchidx.query import parse_query

    _, index_dir = archive
    with Engine(index_dir) as engine:
        searcher = engine._current()
        q = parse_query("riverflood", searcher.schema, engine.title_boost, 1000)
        sets = matching_docs(searcher, q)
        arrays = [(reader, np.array(sorted(docs))) for reader, docs in sets]
        assert timeline.count(arrays) == timeline.count(sets)
        ranked = [d for _, d in searcher.search(q, limit=None).top_n]
        one, other = (
            collapse.collapse(sets, ranked, 0, 10),
            collapse.collapse(arrays, ranked, 0, 10),
        )
        assert (one.page, one.stories, one.matches) == (other.page, other.stories, other.matches)
        assert (one.stories, one.matches) == (STORIES, MATCHES)
