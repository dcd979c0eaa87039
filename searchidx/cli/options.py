"""Options whose default, environment variable and help come from one setting (``SETTINGS``)."""

from __future__ import annotations

import click

from ..config import SETTINGS, setting

_SETTINGS = {spec.name: spec for spec in SETTINGS}


def setting_option(*decls: str, name: str, note: str = "", help: str | None = None, **kwargs):
    """Return a click option read from setting NAME: its help, NOTE, and its default shown."""
    spec = _SETTINGS[name]
    if help is None:
        help = f"{spec.help}{note}  [default: {spec.default}]"
    return click.option(
        *decls,
        default=lambda: setting(name),  # read when the command runs, not at import
        envvar=spec.envvar,
        show_envvar=True,
        help=help,
        **kwargs,
    )


index_option = setting_option(
    "--index", "index_dir", name="index", type=click.Path(file_okay=False)
)
