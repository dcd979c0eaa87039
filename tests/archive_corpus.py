"""A small dated archive with copies of stories, written by the archive tests."""

from __future__ import annotations

import random
from pathlib import Path

_WORDS = (
    "council budget river harbour minister school police strike market bridge festival "
    "hospital election rail storm court energy farmers museum airport union league "
    "report vote plan talks rise fall city town county region coast valley station"
).split()


def prose(seed: int, words: int = 90) -> str:
    """Return WORDS words of made-up but fixed prose for SEED (a distinct text per seed)."""
    rng = random.Random(seed)
    out = []
    for n in range(words):
        out.append(rng.choice(_WORDS))
        if n % 12 == 11:
            out[-1] += "."
    return " ".join(out).capitalize() + "."


def article(title: str, when: str | None, body: str) -> str:
    return f"{title}\n\n{when}\n\n{body}\n" if when else f"{title}\n\n{body}\n"


def write_archive(folder: Path) -> Path:
    """Write the archive: stories on a river flood over three years, with copies.

    * flood-a, flood-a-copy: byte-identical (an exact copy);
    * flood-a-near: the same story with a boilerplate line changed and one word corrected;
    * flood-b: another flood story (same words, different text): not a copy;
    * ten more dated flood stories and one undated one.
    """
    folder.mkdir(parents=True, exist_ok=True)
    story = prose(1, 120)
    (folder / "flood-a.txt").write_text(
        article("Flood closes bridge", "2021-03-03", "Riverflood " + story + "\nFrom our desk.")
    )
    (folder / "flood-a-copy.txt").write_text(
        article("Flood closes bridge", "2021-03-03", "Riverflood " + story + "\nFrom our desk.")
    )
    near = story.replace("council", "councils", 1)
    (folder / "flood-a-near.txt").write_text(
        article(
            "Flood closes bridge",
            "2021-03-04",
            "Riverflood " + near + "\nSyndicated by the Wire service.",
        )
    )
    (folder / "flood-b.txt").write_text(
        article("Flood waters recede", "2021-03-20", "Riverflood " + prose(2, 120))
    )
    for n, when in enumerate(
        [
            "2019-01-10",
            "2019-06-01",
            "2019-11-30",
            "2020-02-02",
            "2020-07-07",
            "2021-01-05",
            "2021-05-05",
            "2021-08-08",
            "2021-12-12",
            "2021-12-30",
        ]
    ):
        (folder / f"story-{n}.txt").write_text(
            article(f"River story {n}", when, "Riverflood " + prose(10 + n))
        )
    (folder / "undated.txt").write_text(
        article("Undated river note", None, "Riverflood " + prose(99))
    )
    return folder


#: Documents of the archive that match "riverflood", and its distinct stories.
MATCHES = 15
STORIES = 13
DATED = 14
