"""Search as you type: /api/suggest completes the last word from the real words."""

from __future__ import annotations

from searchidx import Engine

from .newsdesk import ELECTION_DOCS


def test_the_last_word_is_completed_most_common_first(desk_index):
    with Engine(desk_index) as engine:
        found = engine.complete("retro El")
    assert found.words[0] == {
        "text": "retro election",
        "word": "election",
        "documents": ELECTION_DOCS + 1,
    }
    assert [w["word"] for w in found.words] == ["election", "elton"]


def test_headlines_hold_the_earlier_words_and_a_completion(desk_index):
    with Engine(desk_index) as engine:
        found = engine.complete("metal slu")
        assert {h["id"] for h in found.headlines} == {"games/slug-a", "games/slug-b"}
        # A space after the last word: nothing to complete, the headlines hold every word.
        spaced = engine.complete("arcade ")
        assert spaced.words == []
        assert "games/arcade-revival" in {h["id"] for h in spaced.headlines}
        assert engine.complete("").to_dict() == {"query": "", "words": [], "headlines": []}
        # Two letters stand for too many words: completions only, no headlines yet.
        short = engine.complete("metal sl")
        assert [w["word"] for w in short.words] == ["slug"] and short.headlines == []
        assert engine.complete("metal zzz").headlines == []  # nothing completes "zzz"


def test_api_suggest(desk_client):
    answer = desk_client.get("/api/suggest?q=ele")
    assert answer.status_code == 200
    data = answer.get_json()
    assert data["words"][0]["text"] == "election"
    assert data["headlines"] and all(h["href"].startswith("/doc/") for h in data["headlines"])
    assert all("election" in h["title"].lower() for h in data["headlines"])
    assert "default-src 'none'" in answer.headers["Content-Security-Policy"]


def test_api_suggest_with_odd_input(desk_client):
    for q in ["", "   ", '"', "title:(", "*", "-", "é", "x" * 5000, "<script>"]:
        answer = desk_client.get("/api/suggest", query_string={"q": q})
        assert answer.status_code == 200, q
        assert set(answer.get_json()) == {"query", "words", "headlines"}


def test_every_page_loads_the_suggest_script_and_works_without_it(desk_client):
    html = desk_client.get("/").get_data(as_text=True)
    assert '<script src="/static/suggest.js" defer></script>' in html
    # Without the script the box is a plain GET form: nothing in the markup needs it.
    assert 'role="combobox"' not in html
    script = desk_client.get("/static/suggest.js")
    assert script.status_code == 200 and b'setAttribute("role", "combobox")' in script.data
    script.close()
