"""The ``searchidx`` click group: exit codes, and core errors turned into one line at the edge."""

from __future__ import annotations

import sys

import click

from .. import __version__
from ..errors import SearchidxError

EXIT_NO_RESULTS = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it


def fail(message: str, code: int = EXIT_ERROR):
    """Print MESSAGE as one line on stderr and exit with CODE."""
    click.echo(f"searchidx: {message}", err=True)
    sys.exit(code)


class _Group(click.Group):
    """Turn the core's errors into one line on stderr and exit status 2, Ctrl-C into 130."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except SearchidxError as exc:
            fail(str(exc))
        except KeyboardInterrupt:  # click would print "Aborted!" and exit 1
            fail("interrupted", EXIT_INTERRUPTED)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="searchidx")
def cli():
    """Full-text search for collections of news articles.

    Build an index from a folder of articles, then search it:

        searchidx index seeds/ && searchidx query "troops"
    """
