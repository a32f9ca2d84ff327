"""Command-line face of cybertnoc (``cybertnoc --help``)."""

from cybertnoc.cli.aml import aml
from cybertnoc.cli.crypto import crypto
from cybertnoc.cli.flows import flows
from cybertnoc.cli.link import link
from cybertnoc.cli.main import cli, main
from cybertnoc.cli.pprl import pprl

# Command groups that live in their own modules (they import helpers from cybertnoc.cli.main).
cli.add_command(aml)
cli.add_command(crypto)
cli.add_command(flows)
cli.add_command(link)
cli.add_command(pprl)

__all__ = ["cli", "main"]
