"""How the commands print for people: results, copies, facets, timelines, documents, exports."""

from __future__ import annotations

import click

from ..documents import TimeBucket
from ..export import lines as export_lines
from ..indexer import IndexSummary

SKIPPED_SHOWN = 20


def print_summary(summary: IndexSummary, verbose: bool) -> None:
    """Print an indexing run's summary on stderr: leftovers, skipped files, guesses, totals."""
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


def _styled_snippet(hit, color: bool) -> str:
    if not color:
        return hit.snippet
    return "".join(
        click.style(text, bold=True, fg="yellow") if hit else text
        for text, hit in hit.snippet_parts
    )


def print_results(result, color: bool, all_copies: bool = False) -> None:
    """Print a page of RESULT: the count line, each hit with its snippet and copies, facets."""
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
    if hit.unlisted_copies:
        click.echo(f"     - and {hit.unlisted_copies} more (--no-collapse shows every copy)")


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


def print_timeline(result) -> None:
    """Print RESULT's matches per period as a histogram, after a blank line (none: nothing)."""
    if result.timeline:
        click.echo("")
        click.echo(histogram(result.timeline))


def histogram(buckets: list[TimeBucket], width: int = 40) -> str:
    """Return BUCKETS as a compact text histogram, one line a period."""
    if not buckets:
        return ""
    most = max(b.count for b in buckets) or 1
    labels = [_short(b) for b in buckets]
    pad = max(map(len, labels))
    digits = len(str(most))
    total = sum(b.count for b in buckets)
    lines = [f"Timeline ({buckets[0].unit}s, {total} dated match{'' if total == 1 else 'es'}):"]
    for label, bucket in zip(labels, buckets):
        bar = "█" * round(width * bucket.count / most) or ("▏" if bucket.count else "")
        lines.append(f"  {label:<{pad}} {bucket.count:>{digits}} {bar}")
    return "\n".join(lines)


def _short(bucket: TimeBucket) -> str:
    if bucket.unit == "year":
        return bucket.label
    return f"{bucket.start:%Y-%m}" if bucket.unit == "month" else bucket.start.isoformat()


def print_related(doc_id: str, found) -> None:
    """Print the articles FOUND related to DOC_ID, one numbered entry each."""
    for n, item in enumerate(found, start=1):
        meta = [item.date.strftime("%Y-%m-%d") if item.date else None, item.source or None]
        click.echo(f"{n}. {item.title or item.id}")
        click.echo("   " + " · ".join([*(m for m in meta if m), item.id]))
    if not found:
        click.echo(f"No related articles for {doc_id!r}.")


def print_document(doc) -> None:
    """Print DOC's title, its metadata as ``label: value`` lines, a blank line and its body."""
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


def write_export(rows, fmt: str) -> None:
    """Write the export ROWS to stdout in format FMT (csv or jsonl)."""
    out = click.get_text_stream("stdout")
    for line in export_lines(rows, fmt):
        out.write(line)
