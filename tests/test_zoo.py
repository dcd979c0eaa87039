"""The zoo: every kind of bad input is indexed sensibly or skipped with a one-line reason.

A run over a folder holding any of these exits 0 and indexes every good file beside them;
each skip is one line in the summary (``--verbose`` lists them all).

Tests run as root, where ``chmod 000`` does not stop reading, so "unreadable" is played by a
FIFO named ``fifo.txt`` (opening it would block forever), a dangling symbolic link and a
symbolic-link loop; a directory named ``folder.txt`` is walked as a folder.
"""

from __future__ import annotations

import codecs
import os
import random
import time

import pytest

from searchidx import Engine, indexer
from searchidx.cli import cli

GOOD = "Zebra crossing opens\n\nMarch 3, 2021\n\nThe new zebra crossing opened on Monday.\n"


def build_zoo(root):
    """Write the zoo under ROOT; return {name: expectation} ('indexed' or a skip reason)."""
    zoo = {}

    def put(name, data, expect):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
        zoo[name] = expect

    rng = random.Random(6)
    put("good1.txt", GOOD, "indexed")
    put("good2.txt", GOOD.replace("zebra", "giraffe").replace("Zebra", "Giraffe"), "indexed")
    put("binary.txt", bytes(rng.randrange(256) for _ in range(4096)) + b"\0" * 64, "binary file")
    put("invalid-utf8.txt", b"Broken bytes\n\nCaf\xc3 r\xe9sum\xff okapi text\n", "indexed")
    put(
        "utf16.txt",
        codecs.BOM_UTF16_LE + "Quokka news\n\nA quokka smiled.\n".encode("utf-16-le"),
        "indexed",
    )
    put(
        "latin1.txt",
        "Café news\n\nThe café served crème brûlée to a narwhal.\n".encode("latin-1"),
        "indexed",
    )
    put("empty.txt", b"", "empty file")
    put("whitespace.txt", b"  \n\t\r\n   \n", "empty file")
    line = " ".join(f"lemur{n % 97}" for n in range(200_000))  # ~1.4 MB, no newline
    put("long-line.txt", line, "indexed")
    put("long-word.txt", "Long word\n\n" + "x" * 500_000 + " wombat\n", "indexed")
    put("nul-in-text.txt", "Nul bytes\n\nA\0 stray nul before the tapir.\n", "binary file")
    deep = "/".join(f"level{n}" for n in range(50))
    put(f"{deep}/deep.txt", GOOD.replace("zebra", "axolotl"), "indexed")
    put(
        "records.jsonl",
        '{"title": "Ibex", "body": "An ibex climbed."}\n{broken\n[1, 2]\n'
        '{"title": "Yak", "body": "A yak grazed."}\n',
        "indexed",
    )
    put("all-broken.jsonl", '{nope\n{"x": 1}\n', "no readable records")
    put("broken.html", "<html><body><p>Unclosed <b>bold <div></p>pangolin", "html")
    words = " ".join(rng.choice(["alpha", "beta", "gamma", "delta", "epsilon"]) for _ in range(300))
    big = ("Big file\n\n" + (words + "\n") * (20 * 1024 * 1024 // (len(words) + 1) + 1)).encode()
    put("big.txt", big + b" okavango\n", "indexed")  # 20 MB
    os.mkfifo(root / "fifo.txt")
    zoo["fifo.txt"] = "not a regular file"
    os.symlink(root / "missing.txt", root / "dangling.txt")
    zoo["dangling.txt"] = "cannot read"
    os.symlink(root / "loop-b.txt", root / "loop-a.txt")
    os.symlink(root / "loop-a.txt", root / "loop-b.txt")
    zoo["loop-a.txt"] = zoo["loop-b.txt"] = "cannot read"
    os.symlink(root, root / "cycle")  # a folder that contains itself: not followed
    (root / "folder.txt").mkdir()
    put("folder.txt/inside.txt", GOOD.replace("zebra", "dugong"), "indexed")
    put("vanishing.txt", GOOD.replace("zebra", "dodo"), "cannot read")
    return zoo


@pytest.mark.slow
def test_zoo_is_indexed_or_skipped_with_one_line_reasons(tmp_path, runner, monkeypatch):
    root = tmp_path / "zoo"
    zoo = build_zoo(root)
    real_discover = indexer.discover

    def discover_then_delete(paths):  # the file is listed, then deleted before it is read
        yield from real_discover(paths)
        (root / "vanishing.txt").unlink()

    monkeypatch.setattr(indexer, "discover", discover_then_delete)
    index_dir = tmp_path / "index"
    started = time.monotonic()
    result = runner.invoke(cli, ["index", str(root), "--index", str(index_dir), "--verbose"])
    took = time.monotonic() - started
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    lines = result.output.splitlines()
    skips = {
        line.split(": ", 1)[0].removeprefix("skipped "): line
        for line in lines
        if line.startswith("skipped ")
    }
    with Engine(index_dir) as engine:
        indexed = {os.path.relpath(hit.path, root) for hit in _all(engine)}
        for name, expect in zoo.items():
            path = str(root / name)
            if expect == "indexed":
                assert name in indexed, f"{name} was not indexed: {skips.get(path)}"
            elif expect == "html":  # unsupported until the formats branch lands, then indexed
                assert name in indexed or "unsupported file type .html" in skips[path]
            else:
                assert name not in indexed
                assert expect in skips[path], skips.get(path)
        # sensible decoding: each odd encoding is searchable by its words
        for word in ("quokka", "narwhal", "okapi", "café", "lemur5", "wombat", "okavango", "yak"):
            assert engine.search(word).total >= 1, word
        assert engine.search("ibex").total == 1
        big = engine.search("okavango")  # a snippet from a 20 MB body is still quick
        assert big.hits and big.took_ms < 5000
    bad_lines = [line for line in lines if "records.jsonl:" in line]
    assert [line.split(": ", 1)[0].rsplit(":", 1)[1] for line in bad_lines] == ["2", "3"]
    for line in skips.values():
        assert "\n" not in line and len(line) < 300
    print(
        f"zoo: {len(zoo)} cases, {len(skips)} skip lines, {len(indexed)} files indexed in {took:.1f}s"
    )


def _all(engine):
    result = engine.search(
        "zebra OR giraffe OR okapi OR quokka OR narwhal OR lemur5 OR wombat "
        "OR tapir OR axolotl OR ibex OR yak OR okavango OR dugong OR dodo "
        "OR pangolin",
        page_size=100,
    )
    return result.hits
