"""Every documented example runs as printed on the shipped seeds.

The ``searchidx ...`` lines of README.md and docs/*.md, and the example that ends each
command's ``--help``, are run as real processes in a folder holding a copy of ``seeds/``
(and a ``topics.tsv`` for ``batch``).  Lines that name folders the seeds do not have
(``../articles``, ``/srv/...``) and ``serve`` (which runs until stopped) are left out.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess

import pytest

from searchidx.cli import cli

from .conftest import ROOT, SEEDS
from .helpers import cli_args, cli_env

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# Examples whose exit status is 1 (no results) on the seeds, by a part of the line.
NO_RESULTS = {"floods --year 2021", "similar seeds/"}  # the seeds hold one article
_COMMENT = re.compile(r"\s+#\s.*$")


def _command_lines(text: str) -> list[str]:
    lines = []
    for raw in text.splitlines():
        for part in raw.split("&&"):
            part = _COMMENT.sub("", part.strip())
            if part.startswith("searchidx "):
                lines.append(part)
    return lines


def _documented() -> list[tuple[str, str]]:
    found = []
    for doc in DOCS:
        for block in re.findall(r"```(?:sh|)\n(.*?)```", doc.read_text(), re.DOTALL):
            found += [(doc.name, line) for line in _command_lines(block)]
    found += [("cli --help", line) for line in _command_lines(cli.help)]
    for name, command in cli.commands.items():
        found += [(f"{name} --help", line) for line in _command_lines(command.help or "")]
    return found


def _runnable(line: str) -> bool:
    words = shlex.split(line)
    if words[1] == "serve":
        return False
    return not any(w.startswith(("../", "/srv")) or w == "exports/" for w in words)


EXAMPLES = [(where, line) for where, line in _documented() if _runnable(line)]


def test_the_docs_have_runnable_examples():
    lines = [line for _, line in EXAMPLES]
    assert len(lines) >= 12, lines
    assert any("--source" in line and line.startswith("searchidx query") for line in lines)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    work = tmp_path_factory.mktemp("docs")
    shutil.copytree(SEEDS, work / "seeds")
    (work / "topics.tsv").write_text("1\tUS troops in Iraq\n2\tDaesh attacks\n")
    return work


@pytest.mark.parametrize("where, line", EXAMPLES, ids=[line for _, line in EXAMPLES])
def test_documented_example_runs_as_printed(workdir, where, line):
    words = shlex.split(line)
    redirect = words.index(">") if ">" in words else None
    args = words[1:redirect]
    result = subprocess.run(
        cli_args(*args), cwd=workdir, env=cli_env(), capture_output=True, text=True, timeout=120
    )
    expected = 1 if any(part in line for part in NO_RESULTS) else 0
    assert result.returncode == expected, f"{where}: {line}\n{result.stderr}"
    assert "Traceback" not in result.stderr
    if expected == 0 and args[0] in ("query", "show", "stats", "batch"):
        assert result.stdout.strip(), f"{where}: {line} printed nothing"
    if args[0] == "query" and expected == 0 and "--json" not in args:
        assert "US resumes joint military operations in Iraq" in result.stdout
        assert "Middle East Monitor" in result.stdout
    if args[0] == "batch":
        assert re.match(r"1 Q0 seeds/000_a20da12f17ca7dba\.txt 1 ", result.stdout)
