"""The ``cybertnoc`` command."""

from __future__ import annotations

import click

from cybertnoc import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cybertnoc")
def cli() -> None:
    """cybertnoc: evidence on cyber-enabled transnational organised crime."""


def main() -> None:
    cli()
