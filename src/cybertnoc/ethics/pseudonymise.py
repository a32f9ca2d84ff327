"""Pseudonymisation of personal identifiers at ingest.

Every value of a column a mapping marks personal is replaced by a keyed hash before anything is
written: ``HMAC-SHA256(key, normalised value)``, truncated to 128 bits and written as ``p:``
followed by 32 hex digits. The same key gives the same pseudonym for the same person across
sources, so records can still be linked; without the key, a pseudonym cannot be reversed by
hashing guesses (unlike a plain hash of a name or phone number).

The key comes from the environment variable ``CYBERTNOC_KEY`` or from a key file given on the
command line, which must live outside the workspace. cybertnoc never writes the key: not into the
workspace, not into logs, not into exports. A workspace stores only a *key check* (an HMAC of a
fixed label), so that importing with a different key, which would silently break linkage, is
refused.

References
----------
.. [1] Krawczyk, Bellare & Canetti (1997). HMAC: Keyed-Hashing for Message Authentication.
   RFC 2104.
.. [2] Article 4(5) GDPR: pseudonymisation means processing such that data can no longer be
   attributed to a specific person without additional information kept separately.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import unicodedata
from pathlib import Path

from cybertnoc.errors import KeyMissing

__all__ = ["ENV_KEY", "MIN_KEY_LENGTH", "PREFIX", "Pseudonymiser", "is_pseudonym", "load_key"]

ENV_KEY = "CYBERTNOC_KEY"
MIN_KEY_LENGTH = 16
PREFIX = "p:"
_CHECK_LABEL = b"cybertnoc key check v1"


def load_key(key_file: str | os.PathLike[str] | None = None, *, workspace: Path | None = None):
    """Read the pseudonymisation key from ``key_file`` or env ``CYBERTNOC_KEY``.

    Returns the key as bytes, or None when neither is set. Raises :class:`KeyMissing` when the key
    file is missing, inside the workspace, or the key is shorter than 16 characters.
    """
    if key_file is not None:
        path = Path(key_file)
        if not path.is_file():
            raise KeyMissing(f"Key file {path} does not exist or is not a file.")
        if workspace is not None:
            ws = workspace.resolve()
            if ws == path.resolve().parent or ws in path.resolve().parents:
                raise KeyMissing(
                    f"Key file {path} lies inside the workspace {workspace}. Keep the key "
                    "separate from the data it protects: move it outside the workspace."
                )
        key = path.read_bytes().strip()
        origin = f"key file {path}"
    elif os.environ.get(ENV_KEY):
        key = os.environ[ENV_KEY].strip().encode()
        origin = f"environment variable {ENV_KEY}"
    else:
        return None
    if len(key) < MIN_KEY_LENGTH:
        raise KeyMissing(
            f"The key from {origin} is {len(key)} characters long; use at least "
            f"{MIN_KEY_LENGTH} (for example: "
            "python -c 'import secrets; print(secrets.token_hex(32))')."
        )
    return key


def _normalise(value: str) -> str:
    value = unicodedata.normalize("NFKC", value)
    return " ".join(value.split()).casefold()


def is_pseudonym(value: str) -> bool:
    """Whether ``value`` has the form of a cybertnoc pseudonym."""
    return len(value) == len(PREFIX) + 32 and value.startswith(PREFIX)


class Pseudonymiser:
    """Replace personal values by keyed hashes.

    Parameters
    ----------
    key : bytes
        The secret key (at least 16 bytes).

    Examples
    --------
    >>> p = Pseudonymiser(b"0123456789abcdef-example")
    >>> p("Jane Doe") == p("  jane   DOE ")
    True
    >>> p("Jane Doe").startswith("p:") and "Jane" not in p("Jane Doe")
    True
    """

    def __init__(self, key: bytes) -> None:
        if len(key) < MIN_KEY_LENGTH:
            raise KeyMissing(f"The pseudonymisation key must be at least {MIN_KEY_LENGTH} bytes.")
        self._key = key
        self._cache: dict[str, str] = {}

    def __repr__(self) -> str:  # never show the key
        return f"Pseudonymiser(key_check={self.key_check!r})"

    @property
    def key_check(self) -> str:
        """A public fingerprint of the key, used to refuse mixing keys in one workspace."""
        return hmac.new(self._key, _CHECK_LABEL, hashlib.sha256).hexdigest()[:16]

    def derived_key(self, label: bytes) -> bytes:
        """A key for another purpose (``label``), derived from this one by HMAC-SHA256.

        The pseudonymisation key itself is used for nothing else; the similarity encodings
        made at ingest (:mod:`cybertnoc.linkage.bloom`) use ``derived_key(b"encodings")``.
        """
        return hmac.new(self._key, b"cybertnoc derived key v1\x1f" + label, hashlib.sha256).digest()

    def __call__(self, value: str) -> str:
        cached = self._cache.get(value)
        if cached is not None:
            return cached
        if is_pseudonym(value):  # already pseudonymised upstream: keep it
            return value
        digest = hmac.new(self._key, _normalise(value).encode(), hashlib.sha256).hexdigest()
        out = PREFIX + digest[:32]
        if len(self._cache) < 1_000_000:
            self._cache[value] = out
        return out
