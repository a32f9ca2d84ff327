"""The cybertnoc model: FollowTheMoney's schemata plus cybertnoc's extensions, declared as data."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from followthemoney.model import Model
from followthemoney.settings import MODEL_PATH

__all__ = ["EXTENSION_PATH", "EXTENSION_SCHEMATA", "get_model"]

#: Folder of the YAML files declaring the cybertnoc extensions (Listing, Seizure, ...).
EXTENSION_PATH = Path(__file__).parent / "schema"

#: Names of the schemata cybertnoc adds to FollowTheMoney.
EXTENSION_SCHEMATA = tuple(sorted(p.stem for p in EXTENSION_PATH.glob("*.yaml")))


class CybertnocModel(Model):
    """A FollowTheMoney model read from several folders of schema YAML."""

    def __init__(self, *paths: str | os.PathLike[str]) -> None:
        self.path = str(paths[0])
        self.schemata = {}
        self.properties = set()
        self.qnames = {}
        for path in paths:
            for dirpath, _, filenames in os.walk(path):
                for filename in sorted(filenames):
                    if filename.endswith((".yaml", ".yml")):
                        self._load(os.path.join(dirpath, filename))
        self.generate()


@cache
def get_model() -> Model:
    """Return the cybertnoc model: every FtM schema plus the extensions.

    Examples
    --------
    >>> model = get_model()
    >>> model["Listing"].get("shipsFrom").type.name
    'country'
    >>> model["Payment"].edge_source
    'payer'
    """
    return CybertnocModel(MODEL_PATH, EXTENSION_PATH)
