"""Related articles: more like this one, never its own copies (core, API, page, CLI)."""

from __future__ import annotations

import json

from searchidx import Engine
from searchidx.cli import cli

from .helpers import run_cli
from .newsdesk import GAME_COPY_IDS


def test_the_best_related_article_shares_the_key_terms_and_copies_are_left_out(desk_index):
    with Engine(desk_index) as engine:
        related = engine.similar(GAME_COPY_IDS[0])
        ids = [r.id for r in related]
        assert ids[0] == "games/arcade-revival"
        assert GAME_COPY_IDS[1] not in ids and GAME_COPY_IDS[0] not in ids
        assert len(ids) == len(set(ids)) <= 5
        assert [r.score for r in related] == sorted((r.score for r in related), reverse=True)
        election = engine.similar("politics/election-03", limit=3)
        assert len(election) == 3 and all(r.id.startswith("politics/") for r in election)
        assert engine.similar("no/such/id") is None


def test_api_similar(desk_client):
    data = desk_client.get(f"/api/similar/{GAME_COPY_IDS[0]}").get_json()
    assert data["id"] == GAME_COPY_IDS[0]
    assert data["related"][0]["id"] == "games/arcade-revival"
    assert set(data["related"][0]) == {"id", "title", "date", "source", "score"}
    missing = desk_client.get("/api/similar/no/such/id")
    assert missing.status_code == 404 and "error" in missing.get_json()
    page = desk_client.get(f"/doc/{GAME_COPY_IDS[0]}").get_data(as_text=True)
    assert 'aria-labelledby="related-heading"' in page
    assert '<a href="/doc/games/arcade-revival">Arcade shooters enjoy a revival</a>' in page
    assert f'href="/doc/{GAME_COPY_IDS[1]}"' not in page
    # The hostile headline is escaped in the related list of an election article.
    hostile = desk_client.get("/doc/politics/election-01").get_data(as_text=True)
    assert "<script>alert" not in hostile


def test_cli_similar(runner, desk_index):
    result = runner.invoke(cli, ["similar", GAME_COPY_IDS[0], "--index", str(desk_index)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("1. Arcade shooters enjoy a revival\n")
    as_json = runner.invoke(
        cli, ["similar", GAME_COPY_IDS[0], "--json", "-n", "2", "--index", str(desk_index)]
    )
    data = json.loads(as_json.output)
    assert len(data["related"]) <= 2 and data["related"][0]["id"] == "games/arcade-revival"
    missing = runner.invoke(cli, ["similar", "nope", "--index", str(desk_index)])
    assert missing.exit_code == 1 and "no document with id 'nope'" in missing.output


def test_cli_similar_as_a_subprocess(desk_index):
    proc = run_cli("similar", GAME_COPY_IDS[1], "--json", "--index", str(desk_index))
    assert proc.returncode == 0, proc.stderr
    ids = [r["id"] for r in json.loads(proc.stdout)["related"]]
    assert ids[0] == "games/arcade-revival" and GAME_COPY_IDS[0] not in ids
    bad = run_cli("similar", "x", "-n", "0", "--index", str(desk_index))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
