"""The ``serve`` command: the web app over HTTP with waitress, optionally watching folders."""

from __future__ import annotations

import click

from .. import storage
from ..config import setting
from .indexing import open_engine
from .options import index_option, setting_option


@click.command()
@setting_option("--host", name="host")
@setting_option("--port", name="port", note=" 0 picks a free one.", type=click.IntRange(0, 65535))
@click.option(
    "--threads", default=4, show_default=True, type=click.IntRange(1, 64), help="Worker threads."
)
@setting_option("--workers", name="workers", type=click.IntRange(1, 64))
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
        from ..watch import BackgroundWatch

        timeout = float(setting("lock_timeout"))
        storage.open_or_create(index_dir, str(setting("stemmer")), timeout)  # no seeds build
        watcher = BackgroundWatch(
            index_dir,
            watch_paths,
            on_batch=lambda summary: click.echo(summary.line(), err=True),
            on_error=lambda exc: click.echo(f"searchidx: {exc}", err=True),
        )
    with open_engine(index_dir) as engine:
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
