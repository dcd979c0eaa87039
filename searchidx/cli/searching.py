"""The commands that search: ``query`` (pages or exports), ``similar`` and ``batch`` (TREC runs)."""

from __future__ import annotations

import json
import sys

import click
from click.core import ParameterSource

from ..export import FORMATS
from ..search import SORTS, Engine
from .group import EXIT_NO_RESULTS, fail
from .indexing import open_engine
from .options import index_option, setting_option
from .render import print_related, print_results, print_timeline, write_export


@click.command()
@click.argument("query")
@click.option("--limit", "-n", default=10, show_default=True, type=int, help="Results per page.")
@click.option("--page", "-p", default=1, show_default=True, type=int, help="Page of results.")
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@click.option("--source", help="Only results from this source (its exact name; any case).")
@click.option("--year", help="Only results dated in this year.")
@click.option("--from", "date_from", metavar="DATE", help="Only results dated on or after DATE.")
@click.option("--to", "date_to", metavar="DATE", help="Only results dated on or before DATE.")
@click.option("--timeline", "show_timeline", is_flag=True, help="Also print matches per period.")
@click.option(
    "--all-copies", is_flag=True, help="List the copies of each story shown (the first 5)."
)
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
    filters = dict(sort=sort, source=source, year=year, date_from=date_from, date_to=date_to)
    if fmt in FORMATS:
        explicit = click.get_current_context().get_parameter_source("limit")
        _export(
            index_dir,
            query,
            limit if explicit == ParameterSource.COMMANDLINE else None,
            fmt,
            **filters,
        )
        return
    as_json = as_json or fmt == "json"
    with open_engine(index_dir) as engine:
        result = engine.search(
            query,
            page=page,
            page_size=limit,
            collapse=not no_collapse,
            language=language,
            **filters,
        )
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        print_results(result, color=sys.stdout.isatty(), all_copies=all_copies)
        if show_timeline:
            print_timeline(result)
    if not result.hits:
        sys.exit(EXIT_NO_RESULTS)


def _export(index_dir, query, limit, fmt, **options) -> None:
    with open_engine(index_dir) as engine:
        rows = engine.export(query, limit, **options)
    write_export(rows, fmt)
    if not rows:
        sys.exit(EXIT_NO_RESULTS)


@click.command()
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
    with open_engine(index_dir) as engine:
        found = engine.similar(doc_id, limit)
    if found is None:
        fail(f"no document with id {doc_id!r} in {index_dir}", EXIT_NO_RESULTS)
    if as_json:
        click.echo(
            json.dumps({"id": doc_id, "related": [r.to_dict() for r in found]}, ensure_ascii=False)
        )
    else:
        print_related(doc_id, found)
    if not found:
        sys.exit(EXIT_NO_RESULTS)


@click.command()
@click.argument("topics", type=click.File("r", encoding="utf-8"))
@click.option("--limit", "-n", default=1000, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--tag", default="searchidx", show_default=True, help="Run tag (last column).")
@setting_option(
    "--expand",
    name="feedback_terms",
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
