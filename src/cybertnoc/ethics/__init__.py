"""Ethics gate: pseudonymisation of personal identifiers at ingest."""

from cybertnoc.ethics.pseudonymise import (
    ENV_KEY,
    MIN_KEY_LENGTH,
    Pseudonymiser,
    is_pseudonym,
    load_key,
)

__all__ = ["ENV_KEY", "MIN_KEY_LENGTH", "Pseudonymiser", "is_pseudonym", "load_key"]
