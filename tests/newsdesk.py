"""A small news desk written by the tests of did-you-mean, completion, related articles,
feeds and exports: word frequencies, copies and dates chosen so the expected answers are
known by construction."""

from __future__ import annotations

import json
from pathlib import Path

ELECTION_DOCS = 12  # "election" is common ...
ELTON_DOCS = 1  # ... "elton" (one edit closer to "elction") is rare
GAME_COPY_IDS = ("games/slug-a", "games/slug-b")  # the same title and body twice
HOSTILE_TITLE = "Vote <script>alert(1)</script> & \x0c tally"


def records() -> list[dict]:
    rows = []
    for n in range(ELECTION_DOCS):
        rows.append(
            {
                "id": f"politics/election-{n:02d}",
                "title": f"Election count {n} in the northern district",
                "body": f"The election officials counted ballots through the night in ward {n}. "
                "Turnout at the election was higher than at the last vote.",
                "date": f"2021-05-{n + 1:02d}",
                "source": "Desk",
            }
        )
    rows.append(
        {
            "id": "music/elton",
            "title": "Elton plays the arena",
            "body": "The singer Elton played piano for three hours.",
            "date": "2020-02-02",
            "source": "Desk",
        }
    )
    slug = {
        "title": "Metal Slug offers retro fun",
        "body": "The arcade shooter Metal Slug returns to handheld consoles with retro "
        "sprites, arcade bosses and two player arcade action.",
        "date": "2004-11-11",
        "source": "Games",
    }
    rows += [{"id": i, **slug} for i in GAME_COPY_IDS]
    rows.append(
        {
            "id": "games/arcade-revival",
            "title": "Arcade shooters enjoy a revival",
            "body": "Retro arcade shooter games such as Metal Slug sell well on handheld "
            "consoles, with sprites and bosses drawn by hand.",
            "date": "2004-12-01",
            "source": "Games",
        }
    )
    rows.append(
        {
            "id": "games/football-manager",
            "title": "Football manager game tops the chart",
            "body": "A football management game topped the chart for a third week.",
            "source": "Games",
        }
    )
    rows.append(
        {
            "id": "politics/hostile",
            "title": HOSTILE_TITLE,
            "body": "The election tally was disputed by the losing side.",
            "date": "2021-06-30",
            "source": "Desk <b>",
        }
    )
    return rows


def write_newsdesk(base: Path) -> Path:
    """Write BASE/newsdesk/desk.jsonl and return the folder."""
    folder = base / "newsdesk"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "desk.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records()), encoding="utf-8"
    )
    return folder
