"""Command-line face of cybertnoc (``cybertnoc --help``)."""

from cybertnoc.cli.main import cli, main

__all__ = ["cli", "main"]
