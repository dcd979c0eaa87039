"""The command line: thin commands that call the core and print for people or programs.

``group`` holds the ``searchidx`` group, its exit codes and error edge; ``options`` the options
read from the settings; ``indexing``, ``searching``, ``inspecting`` and ``serving`` the commands;
``render`` how results, copies, facets, timelines and exports look on a terminal.  The core
(the rest of ``searchidx``) never imports this package.
"""

from __future__ import annotations

from .group import cli
from .indexing import index_command
from .inspecting import show, stats
from .searching import batch, query, similar
from .serving import serve

for _command in (index_command, query, similar, show, stats, batch, serve):
    cli.add_command(_command)

__all__ = ["cli", "main"]


def main():
    """Run the command line (the console script's entry point)."""
    cli(prog_name="searchidx")
