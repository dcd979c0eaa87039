import json
import re
import subprocess
import sys

import pytest

from searchidx.cli import cli

from .conftest import SEED_ID, SEEDS, corpus, env_without_index


def run(runner, *args, index=None):
    extra = ["--index", str(index)] if index else []
    return runner.invoke(cli, [*args, *extra])


def test_query_prints_ranked_results(runner, seed_index):
    result = run(runner, "query", "troops", index=seed_index)
    assert result.exit_code == 0
    assert "US resumes joint military operations in Iraq" in result.output
    assert "1 result for 'troops'" in result.output
    assert "\x1b[" not in result.output  # no colour when not on a terminal


def test_query_json_schema(runner, seed_index):
    result = run(runner, "query", "troops", "--json", index=seed_index)
    data = json.loads(result.output)
    assert data["total"] == 1 and data["suggestion"] is None and data["page"] == 1
    assert data["hits"][0]["id"] == SEED_ID
    assert "<mark>troops</mark>" in data["hits"][0]["snippet_html"]


def test_no_results_exit_1_with_suggestion(runner, seed_index):
    result = run(runner, "query", "trops", index=seed_index)
    assert result.exit_code == 1
    assert "Did you mean: troops" in result.output


@pytest.mark.parametrize(
    "query, message",
    [
        ('title:"troops', "searchidx: unbalanced quote"),
        ("title:(iraq", "searchidx: unbalanced parenthesis"),
        ("date:2020-13-45", "searchidx: cannot understand the query: month must be in 1..12"),
    ],
)
def test_bad_query_is_one_line_exit_2(runner, seed_index, query, message):
    result = run(runner, "query", query, index=seed_index)
    assert result.exit_code == 2
    assert result.output.startswith(message)
    assert result.output.count("\n") == 1
    assert "Traceback" not in result.output


def test_absurd_page_exit_2(runner, seed_index):
    result = run(runner, "query", "troops", "--page", "99999999", index=seed_index)
    assert result.exit_code == 2 and "too deep" in result.output


def test_show_and_stats(runner, seed_index):
    shown = run(runner, "show", SEED_ID, index=seed_index)
    assert shown.exit_code == 0
    assert shown.output.startswith(
        "US resumes joint military operations in Iraq\ndate: 2020-01-17 11:09:00"
    )
    missing = run(runner, "show", "nope", index=seed_index)
    assert missing.exit_code == 1 and "no document with id 'nope'" in missing.output
    stats = json.loads(run(runner, "stats", "--json", index=seed_index).output)
    assert stats["documents"] == 1 and stats["stemmer"] == "porter"


def test_missing_explicit_index_is_an_error(runner, tmp_path):
    result = run(runner, "query", "troops", index=tmp_path / "none")
    assert result.exit_code == 2 and "no index in" in result.output


def test_index_reports_bad_files_and_keeps_good_ones(runner, tmp_path):
    folder = tmp_path / "zoo"
    folder.mkdir()
    (folder / "good.txt").write_text("Good article\n\nAbout troops.\n")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    (folder / "latin1.txt").write_bytes("Caf\xe9 news\n\nThe caf\xe9 opened.\n".encode("latin-1"))
    (folder / "bad-utf8.txt").write_bytes(b"Broken \xff\xfe bytes\n\nStill text here.\n")
    (folder / "empty.txt").write_text("")
    (folder / "feed.jsonl").write_text('{"id": "j1", "title": "Wire", "body": "troops"}\n{oops\n')
    index_dir = tmp_path / "ix"
    result = runner.invoke(cli, ["index", str(folder), "--index", str(index_dir)])
    assert result.exit_code == 0
    assert re.search(r"skipped .*binary\.txt: binary file", result.output)
    assert re.search(r"skipped .*empty\.txt: empty file", result.output)
    assert re.search(r"skipped .*feed\.jsonl:2: ", result.output)
    assert "4 added" in result.output
    found = json.loads(
        run(runner, "query", "troops OR cafe OR bytes", "--json", index=index_dir).output
    )
    assert {h["id"] for h in found["hits"]} == {
        "zoo/good.txt",
        "j1",
        "zoo/latin1.txt",
        "zoo/bad-utf8.txt",
    }


def test_every_command_has_help(runner):
    for name, command in cli.commands.items():
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0
        assert command.help and len(command.help.strip()) > 20, name


def test_version(runner):
    assert runner.invoke(cli, ["--version"]).output.startswith("searchidx, version ")


def test_real_subprocess_builds_default_index_on_first_query(tmp_path):
    work = tmp_path / "project"
    work.mkdir()
    (work / "seeds").mkdir()
    (work / "seeds" / "000_a20da12f17ca7dba.txt").write_bytes(
        (SEEDS / "000_a20da12f17ca7dba.txt").read_bytes()
    )
    proc = subprocess.run(
        [sys.executable, "-m", "searchidx", "query", "troops"],
        cwd=work,
        capture_output=True,
        text=True,
        env=env_without_index(),
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "building it from seeds/" in proc.stderr
    assert "US resumes joint military operations in Iraq" in proc.stdout
    again = subprocess.run(
        [sys.executable, "-m", "searchidx", "query", "nosuchwordanywhere"],
        cwd=work,
        capture_output=True,
        text=True,
        env=env_without_index(),
        timeout=120,
    )
    assert again.returncode == 1 and again.stderr == ""


def _smart_records(text):
    """Yield (id, {marker: text}) from a SMART-format file (.I/.T/.W markers)."""
    for block in re.split(r"^\.I\s+", text, flags=re.M)[1:]:
        first, _, rest = block.partition("\n")
        fields = dict(
            re.findall(r"^\.([A-Z])\s*\n(.*?)(?=^\.[A-Z]\s*$|\Z)", rest, flags=re.M | re.S)
        )
        yield first.strip(), fields


@pytest.mark.corpus
def test_batch_on_adi_is_a_well_formed_trec_run(runner, tmp_path):
    adi = corpus("adi")
    docs = tmp_path / "adi.jsonl"
    with docs.open("w") as out:
        for doc_id, f in _smart_records((adi / "ADI.ALL").read_text()):
            out.write(
                json.dumps({"id": doc_id, "title": f.get("T", ""), "body": f.get("W", "")}) + "\n"
            )
    topics = tmp_path / "topics.tsv"
    qids = []
    with topics.open("w") as out:
        for qid, f in _smart_records((adi / "ADI.QRY").read_text()):
            qids.append(qid)
            out.write(f"{qid}\t{' '.join(f['W'].split())}\n")
    index_dir = tmp_path / "ix"
    assert runner.invoke(cli, ["index", str(docs), "--index", str(index_dir)]).exit_code == 0
    result = runner.invoke(cli, ["batch", str(topics), "--index", str(index_dir), "--tag", "t1"])
    assert result.exit_code == 0
    lines = [line.split() for line in result.output.splitlines()]
    assert len(qids) == 35
    assert {line[0] for line in lines} == set(qids)
    for qid in qids:
        rows = [line for line in lines if line[0] == qid]
        assert [int(r[3]) for r in rows] == list(range(1, len(rows) + 1))
        scores = [float(r[4]) for r in rows]
        assert scores == sorted(scores, reverse=True)
    assert all(len(line) == 6 and line[1] == "Q0" and line[5] == "t1" for line in lines)
    assert {line[2] for line in lines} <= {str(i) for i in range(1, 83)}


def test_batch_rejects_malformed_topics(runner, seed_index, tmp_path):
    topics = tmp_path / "t.tsv"
    topics.write_text("1\ttroops\nno tab here\n")
    result = run(runner, "batch", str(topics), index=seed_index)
    assert result.exit_code == 2 and "t.tsv:2: expected 'id<TAB>text'" in result.output


# -- formats, filters and facets ----------------------------------------------------------


def test_query_filters_and_facets_json(runner, archive_index):
    result = run(
        runner,
        "query",
        "river",
        "--source",
        "Middle East Monitor",
        "--from",
        "2020-01-01",
        "--to",
        "2020-01-31",
        "--json",
        index=archive_index,
    )
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert {hit["id"] for hit in data["hits"]} == {"m1", "m2"}
    assert data["filters"] == {
        "source": "Middle East Monitor",
        "from": "2020-01-01",
        "to": "2020-01-31",
    }
    assert data["facets"] == {
        "source": [{"value": "Middle East Monitor", "count": 2}],
        "year": [{"value": "2020", "count": 2}],
    }


def test_query_prints_facet_lines(runner, archive_index):
    result = run(runner, "query", "river", "--year", "2021", index=archive_index)
    assert result.exit_code == 0
    assert "3 results for 'river'" in result.output
    assert result.output.endswith(
        "\n\nSource: archive (1), The Valley Courier (1), Wire (1)\nYear: 2021 (3)\n"
    )


def test_filter_without_matches_exits_1(runner, archive_index):
    result = run(runner, "query", "river", "--source", "Nobody Weekly", index=archive_index)
    assert result.exit_code == 1 and "No results for 'river'" in result.output


def test_bad_date_filter_is_one_line_exit_2(runner, archive_index):
    result = run(runner, "query", "river", "--from", "2020-02-30", index=archive_index)
    assert result.exit_code == 2
    assert result.output == (
        "searchidx: --from '2020-02-30' is not a date: use YYYY-MM-DD (or YYYY-MM, or YYYY)\n"
    )


def test_index_with_csv_map(runner, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "feed.csv").write_text(
        "Story,Outlet,Day\nTides rose along the coast.,Coast News,2022-04-01\n"
    )
    index_dir = tmp_path / "ix"
    result = run(
        runner,
        "index",
        str(folder),
        "--csv-map",
        "body=Story,source=Outlet,date=Day",
        index=index_dir,
    )
    assert result.exit_code == 0, result.output
    shown = run(runner, "show", "in/feed.csv#2", index=index_dir)
    assert shown.exit_code == 0
    assert "source: Coast News" in shown.output and "date: 2022-04-01" in shown.output
    assert f"file: {folder / 'feed.csv'} (row 2)" in shown.output


def test_index_with_bad_csv_map_exits_2(runner, tmp_path):
    result = run(
        runner, "index", str(tmp_path), "--csv-map", "byline=Author", index=tmp_path / "ix"
    )
    assert result.exit_code == 2
    assert "Invalid value for --csv-map: unknown field 'byline'" in result.output


def test_index_reports_bad_csv_rows_by_number(runner, archive, tmp_path):
    result = run(runner, "index", str(archive), index=tmp_path / "ix")
    assert result.exit_code == 0
    assert f"skipped {archive / 'export.csv'}:5: 7 cells, but the header has 6" in result.output
    assert "8 documents written" in result.output


def test_show_json_is_the_stored_document(runner, seed_index):
    data = json.loads(run(runner, "show", SEED_ID, "--json", index=seed_index).output)
    assert data["title"] == "US resumes joint military operations in Iraq"
    assert data["date"] == "2020-01-17T11:09:00"
    assert data["body"].startswith("US troops resumed on Thursday")
    assert data["position"] is None and data["path"].endswith("000_a20da12f17ca7dba.txt")
