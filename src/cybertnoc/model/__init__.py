"""The cybertnoc model: schemata (FollowTheMoney plus extensions), value types and ids.

Pure: no I/O beyond reading the schema files shipped with the package.
"""

from cybertnoc.model._ftm import EXTENSION_PATH, EXTENSION_SCHEMATA, get_model

__all__ = ["EXTENSION_PATH", "EXTENSION_SCHEMATA", "get_model"]
