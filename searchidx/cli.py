"""The command line: thin commands that call the core and print for people or programs."""

from __future__ import annotations

import json
import sys

import click
from click.core import ParameterSource

from . import __version__, storage
from .analysis import STEMMERS
from .config import envvar, help_text, setting
from .errors import SearchidxError
from .export import FORMATS
from .export import lines as export_lines
from .indexer import IndexSummary, Progress, index_paths
from .ingest.csvfile import parse_csv_map
from .search import SORTS, Engine
from .timeline import histogram

EXIT_NO_RESULTS = 1
EXIT_ERROR = 2
SKIPPED_SHOWN = 20

index_option = click.option(
    "--index",
    "index_dir",
    default=lambda: str(setting("index")),
    envvar=envvar("index"),
    show_envvar=True,
    type=click.Path(file_okay=False),
    help=help_text("index") + "  [default: index]",
)


def fail(message: str, code: int = EXIT_ERROR):
    """Print MESSAGE as one line on stderr and exit with CODE."""
    click.echo(f"searchidx: {message}", err=True)
    sys.exit(code)


EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it


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


# -- index --------------------------------------------------------------------------------


def _run_index(
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
        _report(summary, verbose)
    return summary


def _report(summary: IndexSummary, verbose: bool) -> None:
    if summary.leftovers:
        click.echo(
            f"searchidx: an earlier run was killed before it finished; removed the "
            f"{summary.leftovers} files it left in the index (the index itself was intact)",
            err=True,
        )
    shown = summary.skipped if verbose else summary.skipped[:SKIPPED_SHOWN]
    for item in shown:
        click.echo(f"skipped {item}", err=True)
    if len(shown) < len(summary.skipped):
        click.echo(
            f"... and {len(summary.skipped) - len(shown)} more skipped (--verbose lists all)",
            err=True,
        )
    for note in summary.guessed if verbose else summary.guessed[:SKIPPED_SHOWN]:
        click.echo(f"read {note}", err=True)
    click.echo(summary.line(), err=True)


@cli.command("index")
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
    _run_index(index_dir, paths, rebuild, jobs, stemmer, quiet, verbose, mapping, source)
    if watch:
        _run_watch(index_dir, paths, jobs, stemmer, quiet, verbose, mapping, source)


def _run_watch(
    index_dir, paths, jobs=1, stemmer=None, quiet=False, verbose=False, csv_map=None, source=None
):
    from .watch import watch  # watchdog is imported only by the commands that watch

    def on_batch(summary: IndexSummary) -> None:
        nonlocal batches
        batches += 1
        if not quiet and (batches == 1 or summary.documents or summary.deleted or summary.skipped):
            _report(summary, verbose)
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


# -- query --------------------------------------------------------------------------------


def _engine(index_dir: str) -> Engine:
    """Return an engine on INDEX_DIR, first building the default index from the seeds."""
    ctx = click.get_current_context()
    if not storage.exists(index_dir) and ctx.get_parameter_source("index_dir") in (
        ParameterSource.DEFAULT,
        None,
    ):
        seeds = str(setting("seeds"))
        click.echo(f"searchidx: no index in {index_dir}/ yet; building it from {seeds}/", err=True)
        _run_index(index_dir, [seeds])
    return Engine(index_dir)


def _styled_snippet(hit, color: bool) -> str:
    if not color:
        return hit.snippet
    return "".join(
        click.style(text, bold=True, fg="yellow") if hit else text
        for text, hit in hit.snippet_parts
    )


def _print_results(result, color: bool, all_copies: bool = False) -> None:
    first = (result.page - 1) * result.page_size + 1
    if result.hits:
        last = first + len(result.hits) - 1
        click.echo(
            f"{result.total} result{'' if result.total == 1 else 's'} for {result.query!r}{_copies_note(result)} ({result.took_ms:.1f} ms); "
            f"showing {first}-{last}, page {result.page} of {result.pages}"
        )
    elif result.total:
        click.echo(
            f"{result.total} results for {result.query!r}, but page {result.page} is past the last ({result.pages})"
        )
    else:
        click.echo(f"No results for {result.query!r}.")
    if result.suggestion:
        click.echo(f"Did you mean: {result.suggestion}")
    for n, hit in enumerate(result.hits, start=first):
        title = click.style(hit.title, bold=True) if color else hit.title
        meta = [hit.date.strftime("%Y-%m-%d") if hit.date else None, hit.source or None, hit.id]
        click.echo(f"\n{n}. {title}")
        click.echo("   " + " · ".join(m for m in meta if m))
        click.echo("   " + _styled_snippet(hit, color))
        _print_copies(hit, all_copies)
    _print_facets(result)


def _copies_note(result) -> str:
    return (
        f" (+{result.copies} cop{'y' if result.copies == 1 else 'ies'} of these)"
        if result.copies
        else ""
    )


def _print_copies(hit, all_copies: bool) -> None:
    if not hit.copy_count:
        return
    more = f"{hit.copy_count} more cop{'y' if hit.copy_count == 1 else 'ies'}"
    if not all_copies:
        click.echo(f"   + {more} (--all-copies lists them)")
        return
    click.echo(f"   + {more}:")
    for copy in hit.copies:
        when = copy.date.strftime("%Y-%m-%d") if copy.date else None
        click.echo("     - " + " · ".join(m for m in (copy.title, when, copy.source, copy.id) if m))


def _print_facets(result) -> None:
    lines = [
        f"{name.capitalize()}: " + ", ".join(f"{v.value} ({v.count})" for v in values)
        for name, values in result.facets.items()
        if values and result.total
    ]
    if lines:
        click.echo("")
        for line in lines:
            click.echo(line)


@cli.command()
@click.argument("query")
@click.option("--limit", "-n", default=10, show_default=True, type=int, help="Results per page.")
@click.option("--page", "-p", default=1, show_default=True, type=int, help="Page of results.")
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@click.option("--source", help="Only results from this source (its exact name; any case).")
@click.option("--year", help="Only results dated in this year.")
@click.option("--from", "date_from", metavar="DATE", help="Only results dated on or after DATE.")
@click.option("--to", "date_to", metavar="DATE", help="Only results dated on or before DATE.")
@click.option("--timeline", "show_timeline", is_flag=True, help="Also print matches per period.")
@click.option("--all-copies", is_flag=True, help="List the copies of each story shown.")
@click.option("--no-collapse", is_flag=True, help="Show every copy of a story as a result.")
@click.option("--language", metavar="CODE", help="Only results in this language (as de).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (see README).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("text", "json", *FORMATS)),
    default="text",
    show_default=True,
    help="csv or jsonl: every match (up to --limit if given, else the export limit), "
    "one row each, with the full text.",
)
@index_option
def query(
    query,
    limit,
    page,
    sort,
    source,
    year,
    date_from,
    date_to,
    language,
    show_timeline,
    all_copies,
    no_collapse,
    as_json,
    fmt,
    index_dir,
):
    """Search the index and print ranked results with snippets, and counts by source and year.

    Exit status: 0 with results, 1 with none, 2 for a bad query or a missing index.
    Syntax: words, "a phrase", "near words"~5, AND OR NOT -word, title:word,
    source:name, source:"Full Name", url:site.org, year:2020, prefix*,
    date:2020-01-01..2020-02-01.  Pasted text is searched as words.
    Dates (--from, --to) are YYYY-MM-DD, YYYY-MM or YYYY; both ends are included.
    Copies of one story (exact or near duplicates) show once, with a count of the others.

        searchidx query troops --from 2020-01 --timeline
    """
    if fmt in FORMATS:
        explicit = click.get_current_context().get_parameter_source("limit")
        _export(
            index_dir,
            query,
            limit if explicit == ParameterSource.COMMANDLINE else None,
            fmt,
            sort=sort,
            source=source,
            year=year,
            date_from=date_from,
            date_to=date_to,
        )
        return
    as_json = as_json or fmt == "json"
    with _engine(index_dir) as engine:
        result = engine.search(
            query,
            page=page,
            page_size=limit,
            sort=sort,
            source=source,
            year=year,
            date_from=date_from,
            date_to=date_to,
            collapse=not no_collapse,
            language=language,
        )
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        _print_results(result, color=sys.stdout.isatty(), all_copies=all_copies)
        if show_timeline and result.timeline:
            click.echo("")
            click.echo(histogram(result.timeline))
    if not result.hits:
        sys.exit(EXIT_NO_RESULTS)


def _export(index_dir, query, limit, fmt, **options) -> None:
    with _engine(index_dir) as engine:
        rows = engine.export(query, limit, **options)
    out = click.get_text_stream("stdout")
    for line in export_lines(rows, fmt):
        out.write(line)
    if not rows:
        sys.exit(EXIT_NO_RESULTS)


@cli.command()
@click.argument("doc_id")
@click.option("--limit", "-n", default=5, show_default=True, type=click.IntRange(1, 50))
@click.option("--json", "as_json", is_flag=True, help="Print the related articles as JSON.")
@index_option
def similar(doc_id, limit, as_json, index_dir):
    """Print the articles most like document DOC_ID (from its key terms), without its copies.

    Exit status: 0 with related articles, 1 with none (so on the shipped seeds, which hold
    one article) or no such document.

        searchidx similar seeds/000_a20da12f17ca7dba.txt --json
    """
    with _engine(index_dir) as engine:
        found = engine.similar(doc_id, limit)
    if found is None:
        fail(f"no document with id {doc_id!r} in {index_dir}", EXIT_NO_RESULTS)
    if as_json:
        click.echo(
            json.dumps({"id": doc_id, "related": [r.to_dict() for r in found]}, ensure_ascii=False)
        )
    else:
        for n, item in enumerate(found, start=1):
            meta = [item.date.strftime("%Y-%m-%d") if item.date else None, item.source or None]
            click.echo(f"{n}. {item.title or item.id}")
            click.echo("   " + " · ".join([*(m for m in meta if m), item.id]))
        if not found:
            click.echo(f"No related articles for {doc_id!r}.")
    if not found:
        sys.exit(EXIT_NO_RESULTS)


@cli.command()
@click.argument("doc_id")
@click.option("--json", "as_json", is_flag=True, help="Print the document as JSON.")
@index_option
def show(doc_id, as_json, index_dir):
    """Print one document, with its metadata, by its id (as shown in results).

    searchidx show seeds/000_a20da12f17ca7dba.txt
    """
    with Engine(index_dir) as engine:
        doc = engine.document(doc_id)
    if doc is None:
        fail(f"no document with id {doc_id!r} in {index_dir}", EXIT_NO_RESULTS)
    if as_json:
        click.echo(json.dumps(doc.to_dict(), ensure_ascii=False))
        return
    click.echo(doc.title)
    for label, value in (
        ("date", doc.date.isoformat(sep=" ") if doc.date else ""),
        ("source", doc.source),
        ("url", doc.url),
        ("file", doc.path + (f" ({doc.place()})" if doc.place() else "")),
        ("id", doc.id),
    ):
        if value:
            click.echo(f"{label}: {value}")
    click.echo("")
    click.echo(doc.body)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@index_option
def stats(as_json, index_dir):
    """Print how many documents the index holds, its size and its settings.

    searchidx stats --json
    """
    with Engine(index_dir) as engine:
        info = engine.stats()
    if as_json:
        click.echo(json.dumps(info))
        return
    for key, value in info.items():
        click.echo(f"{key}: {value}")


@cli.command()
@click.argument("topics", type=click.File("r", encoding="utf-8"))
@click.option("--limit", "-n", default=1000, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--tag", default="searchidx", show_default=True, help="Run tag (last column).")
@click.option(
    "--expand",
    default=lambda: int(setting("feedback_terms")),
    envvar=envvar("feedback_terms"),
    show_envvar=True,
    type=click.IntRange(0, 100),
    help="Add N feedback words from each topic's top 10 documents (pseudo-relevance feedback).",
)
@index_option
def batch(topics, limit, tag, expand, index_dir):
    """Rank documents for each topic and print a TREC run (qid Q0 docid rank score tag).

    TOPICS holds one topic a line: an id, a tab, and the topic's text (a question or a
    description; operators are not interpreted).  Use - for standard input.

        searchidx batch topics.tsv --limit 1000 > run.txt
    """
    parsed = []
    for number, line in enumerate(topics, start=1):
        if not line.strip():
            continue
        qid, tab, text = line.rstrip("\n").partition("\t")
        if not tab or not qid.strip():
            fail(f"{topics.name}:{number}: expected 'id<TAB>text'")
        parsed.append((qid.strip(), text))
    out = click.get_text_stream("stdout")
    with Engine(index_dir) as engine:
        for qid, text in parsed:
            for rank, (doc_id, score) in enumerate(engine.rank(text, limit, expand), start=1):
                out.write(f"{qid} Q0 {doc_id.replace(' ', '_')} {rank} {score:.6f} {tag}\n")


# -- serve --------------------------------------------------------------------------------


@cli.command()
@click.option(
    "--host",
    default=lambda: str(setting("host")),
    envvar=envvar("host"),
    show_envvar=True,
    help=help_text("host") + "  [default: 127.0.0.1]",
)
@click.option(
    "--port",
    default=lambda: int(setting("port")),
    envvar=envvar("port"),
    show_envvar=True,
    type=click.IntRange(0, 65535),
    help=help_text("port") + " 0 picks a free one.  [default: 5000]",
)
@click.option(
    "--threads", default=4, show_default=True, type=click.IntRange(1, 64), help="Worker threads."
)
@click.option(
    "--workers",
    default=lambda: int(setting("workers")),
    envvar=envvar("workers"),
    show_envvar=True,
    type=click.IntRange(1, 64),
    help=help_text("workers") + "  [default: 1]",
)
@click.option(
    "--watch",
    "watch_paths",
    multiple=True,
    metavar="FOLDER",
    type=click.Path(exists=True),
    help="Index FOLDER and keep indexing its changes while serving (repeatable).",
)
@index_option
def serve(host, port, threads, workers, watch_paths, index_dir):
    """Serve the search page and the JSON API over HTTP (with waitress).

    Binds 127.0.0.1 unless --host says otherwise.  Documents indexed while the server runs
    are searchable at once: no restart is needed.  --workers 2 serves from two processes
    (one per CPU core).  With --watch, the server also indexes the folder and every change
    in it, as 'searchidx index FOLDER --watch' would.

        searchidx serve --port 8000 --index index
    """
    from waitress import create_server  # the core does not need the web stack to import

    from web import create_app, serving

    watcher = None
    if watch_paths:
        from .watch import BackgroundWatch

        timeout = float(setting("lock_timeout"))
        storage.open_or_create(index_dir, str(setting("stemmer")), timeout)  # no seeds build
        watcher = BackgroundWatch(
            index_dir,
            watch_paths,
            on_batch=lambda summary: click.echo(summary.line(), err=True),
            on_error=lambda exc: click.echo(f"searchidx: {exc}", err=True),
        )
    with _engine(index_dir) as engine:
        documents = engine.doc_count()  # fail now, in one line, if the index cannot be read
    shown = f"[{host}]" if ":" in host else host

    def announce(port: int) -> None:
        click.echo(
            f"Serving {documents:,} document{'' if documents == 1 else 's'} from {index_dir} at "
            f"http://{shown}:{port}/  (Ctrl+C to stop)"
        )

    if workers > 1:
        if watcher:
            watcher.start()  # in this process; the workers only serve
        serving.run_workers(
            lambda: create_app({"INDEX": index_dir}), host, port, threads, workers, announce
        )
        return
    app = create_app({"INDEX": index_dir})
    server = create_server(app, host=host, port=port, threads=threads, ident="searchidx")
    announce(server.effective_port)
    if watcher:
        watcher.start()
    try:
        server.run()
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    finally:
        server.close()
        if watcher:
            watcher.stop()
        app.extensions["searchidx"].close()


def main():
    """Run the command line (the console script's entry point)."""
    cli(prog_name="searchidx")
