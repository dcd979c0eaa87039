"""The web front end: a Flask app that only translates between HTTP and the core's API.

``create_app`` builds the app with one ``Engine`` (one open searcher, refreshed before each
search, so documents indexed while the server runs show up without a restart).  Every
response, errors included, carries the security headers; errors are pages for people and
``{"error": message}`` bodies on ``/api/``.
"""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from searchidx import Engine, IndexUnavailable, QueryError, QueryTimeout
from searchidx.config import setting

SECURITY_HEADERS = {
    # No inline script or style anywhere: the page works with a strict policy.
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; "  # suggest.js asks /api/suggest
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    # Queries live in URLs: do not hand them to the sites articles link to.
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def create_app(test_config: dict | None = None) -> Flask:
    """Return the search app; TEST_CONFIG (e.g. ``{"INDEX": path}``) overrides settings."""
    app = Flask(__name__)
    app.config.from_mapping(
        INDEX=str(setting("index")),
        PAGE_SIZE=int(setting("page_size")),
    )
    if test_config:
        app.config.update(test_config)
    app.json.sort_keys = False  # keep the order of SearchResult.to_dict(), as the CLI prints it
    app.json.ensure_ascii = False
    app.extensions["searchidx"] = Engine(app.config["INDEX"])

    from . import pages

    app.register_blueprint(pages.bp)

    @app.after_request
    def security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    app.register_error_handler(QueryError, lambda exc: _error(400, str(exc)))
    # Over the time budget: the server is busy, not the query wrong.
    app.register_error_handler(QueryTimeout, lambda exc: _error(503, str(exc)))
    app.register_error_handler(IndexUnavailable, lambda exc: _error(503, str(exc)))
    app.register_error_handler(HTTPException, lambda exc: _error(exc.code or 500, exc.description))
    app.register_error_handler(Exception, _unexpected)
    return app


def engine() -> Engine:
    """Return the current app's engine."""
    return current_app.extensions["searchidx"]


def _unexpected(exc: Exception):
    # Logged with its traceback for the operator; the visitor gets one line.
    current_app.logger.exception("unexpected error on %s", request.path)
    return _error(500, InternalServerError.description)


def _error(status: int, message: str):
    """Return the error page, or ``{"error": message}`` for the JSON API."""
    if request.path.startswith("/api/"):
        return jsonify(error=message), status
    return render_template("error.html", status=status, message=message), status
