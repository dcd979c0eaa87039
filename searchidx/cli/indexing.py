"""The ``index`` command: build or update the index, with a progress bar, then maybe watch."""

from __future__ import annotations

import sys

import click
from click.core import ParameterSource

from .. import storage
from ..analysis import STEMMERS
from ..config import setting
from ..indexer import IndexSummary, Progress, index_paths
from ..ingest.csvfile import parse_csv_map
from ..search import Engine
from .group import EXIT_INTERRUPTED, fail
from .options import index_option
from .render import print_summary


def run_index(
    index_dir,
    paths,
    rebuild=False,
    jobs=1,
    stemmer=None,
    quiet=False,
    verbose=False,
    csv_map=None,
    source=None,
):
    """Index PATHS into INDEX_DIR, with a progress bar on a terminal, and print the summary."""
    show_bar = not quiet and sys.stderr.isatty()
    bar = None

    def progress(done: Progress):
        nonlocal bar
        if bar is None:
            from tqdm import tqdm

            bar = tqdm(
                total=done.bytes_total, unit="B", unit_scale=True, file=sys.stderr, leave=False
            )
        bar.set_postfix_str(
            f"{done.files_done}/{done.files_total} files, {done.records:,} records", refresh=False
        )
        bar.update(done.bytes_done - bar.n)

    try:
        summary = index_paths(
            index_dir,
            paths,
            rebuild=rebuild,
            jobs=jobs,
            stemmer=stemmer,
            on_progress=progress if show_bar else None,
            csv_map=csv_map,
            source=source,
        )
    except KeyboardInterrupt:
        fail(
            "interrupted: the index is as it was before this run (nothing was committed)",
            EXIT_INTERRUPTED,
        )
    finally:
        if bar is not None:
            bar.close()
    if not quiet:
        print_summary(summary, verbose)
    return summary


def open_engine(index_dir: str) -> Engine:
    """Return an engine on INDEX_DIR, first building the default index from the seeds."""
    ctx = click.get_current_context()
    if not storage.exists(index_dir) and ctx.get_parameter_source("index_dir") in (
        ParameterSource.DEFAULT,
        None,
    ):
        seeds = str(setting("seeds"))
        click.echo(f"searchidx: no index in {index_dir}/ yet; building it from {seeds}/", err=True)
        run_index(index_dir, [seeds])
    return Engine(index_dir)


@click.command("index")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--rebuild", is_flag=True, help="Start the index over instead of updating it.")
@click.option(
    "--jobs", "-j", default=1, type=click.IntRange(1, 64), help="Processes analysing text."
)
@click.option("--stemmer", type=click.Choice(STEMMERS), help="Stemmer of a new index.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.option("--verbose", "-v", is_flag=True, help="List every skipped file.")
@click.option(
    "--csv-map",
    metavar="FIELD=COLUMN,...",
    help="CSV columns of the fields (id, title, body, date, url, source), "
    "e.g. title=headline,body=story; unnamed fields use their usual column names.",
)
@click.option(
    "--source",
    metavar="NAME",
    help="Source name of every document under PATHS (else a .searchidx.json folder file, "
    "the file's masthead or site name, or the folder's name).",
)
@click.option(
    "--watch",
    is_flag=True,
    help="Then keep watching PATHS and index changes as they happen, until Ctrl+C.",
)
@index_option
def index_command(paths, rebuild, jobs, stemmer, quiet, verbose, csv_map, source, watch, index_dir):
    """Build or update the index from article files under PATHS (default: seeds/).

    Unchanged files are not read again, changed files are re-indexed, and files gone from
    an indexed folder are removed.  Read: plain-text articles (.txt, no extension), saved
    web pages (.html, .htm), JSON Lines (.jsonl), JSON (.json: an article or an array)
    and CSV with a header row (.csv), each also gzip-compressed (.html.gz, .csv.gz ...);
    other files are skipped with the reason.  With --watch, files that arrive, change or
    go are indexed within seconds, in small commits.

        searchidx index seeds/ --jobs 2 --source "Middle East Monitor"
    """
    try:
        mapping = parse_csv_map(csv_map)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--csv-map") from None
    if source is not None and not source.strip():
        raise click.BadParameter("give a name", param_hint="--source")
    paths = paths or [str(setting("seeds"))]
    if watch and not rebuild:
        _run_watch(index_dir, paths, jobs, stemmer, quiet, verbose, mapping, source)
        return
    run_index(index_dir, paths, rebuild, jobs, stemmer, quiet, verbose, mapping, source)
    if watch:
        _run_watch(index_dir, paths, jobs, stemmer, quiet, verbose, mapping, source)


def _run_watch(
    index_dir, paths, jobs=1, stemmer=None, quiet=False, verbose=False, csv_map=None, source=None
):
    from ..watch import watch  # watchdog is imported only by the commands that watch

    def on_batch(summary: IndexSummary) -> None:
        nonlocal batches
        batches += 1
        if not quiet and (batches == 1 or summary.documents or summary.deleted or summary.skipped):
            print_summary(summary, verbose)
        if batches == 1 and not quiet:
            click.echo(f"searchidx: watching {', '.join(paths)} (Ctrl+C to stop)", err=True)

    batches = 0
    try:
        watch(
            index_dir,
            paths,
            jobs=jobs,
            stemmer=stemmer,
            csv_map=csv_map,
            source=source,
            on_batch=on_batch,
            on_error=lambda exc: click.echo(f"searchidx: {exc}; trying again", err=True),
        )
    except KeyboardInterrupt:
        fail(
            "stopped watching; every batch indexed before now is committed "
            "(the one in progress, if any, is not)",
            EXIT_INTERRUPTED,
        )
