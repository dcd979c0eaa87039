"""What the browser tests share: Debian's Chromium under Playwright, watched pages, served indexes.

``conftest.py`` loads this module as a plugin, so its fixtures serve every test: a browser test
module defines a module-scoped ``server`` fixture yielding the base URL that ``page`` opens,
usually with ``served``.  ``VIEWPORT = (width, height)`` in the module sets the page's size.
A test that types into the box on arrival opens the page with ``arrive``, not ``goto``.
Without a browser the module is skipped, unless CI is set: then it fails.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from searchidx import index_paths

from .helpers import serving

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = (1000, 760)


def find_chromium() -> str | None:
    """Return the path of a Chromium on this machine (never a downloaded one), or None."""
    for candidate in ("/usr/bin/chromium", "chromium", "chromium-browser"):
        found = shutil.which(candidate)
        if found:
            return found
    return None


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"browser tests must run when CI is set, but {reason}")
    pytest.skip(f"{reason}; install it (apt-get install -y chromium) to run the browser tests")


@pytest.fixture(scope="module")
def browser():
    executable = find_chromium()
    if executable is None:
        _unavailable("no chromium found at /usr/bin/chromium or on PATH")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(request, browser, server):
    """A fresh page on the module's SERVER that records dialogs and CSP violations."""
    width, height = getattr(request.module, "VIEWPORT", VIEWPORT)
    with watched_page(browser, server, width, height) as page:
        yield page


def arrive(page, path: str = "/") -> None:
    """Open PATH and wait until its search box has the focus it gets on arrival (autofocus).

    ``goto`` returns at the load event, but Chromium gives an autofocus box the focus at
    its next rendering update, which may come after the load event (1 load in 3 here): a
    key typed in between goes to the page, not the box ("metal slu" typed right after
    ``goto`` became "etal slu" in 2 of 30 runs, so no headline was ever offered).  The wait
    is for that one rendering update, and fails if the box never gets the focus.
    """
    from playwright.sync_api import expect

    page.goto(path)
    expect(page.locator("#q")).to_be_focused()


@contextlib.contextmanager
def watched_page(browser, base_url: str, width: int, height: int):
    """Yield a page of a new context on BASE_URL that records dialogs and CSP violations."""
    context = browser.new_context(base_url=base_url, viewport={"width": width, "height": height})
    page = context.new_page()
    page.dialogs = []
    page.csp_errors = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.on(
        "console",
        lambda msg: (
            page.csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None
        ),
    )
    try:
        yield page
    finally:
        context.close()


@contextlib.contextmanager
def served(tmp_path_factory, name: str, write: Callable[[Path], Path]) -> Iterator[str]:
    """Index the files WRITE puts in a fresh folder NAME, serve the index; yield its base URL."""
    base = tmp_path_factory.mktemp(name)
    index_dir = base / "index"
    index_paths(index_dir, [write(base)])
    with serving(index_dir) as url:
        yield url
