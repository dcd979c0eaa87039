"""The commands that look into the index: ``show`` one document, ``stats`` of the whole."""

from __future__ import annotations

import json

import click

from ..search import Engine
from .group import EXIT_NO_RESULTS, fail
from .options import index_option
from .render import print_document


@click.command()
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
    print_document(doc)


@click.command()
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
