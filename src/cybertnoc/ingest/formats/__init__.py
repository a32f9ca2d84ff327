"""Built-in formats for public data sets: ``cybertnoc import PATH --format NAME``.

Each module registers the formats of one family of sources; ``cybertnoc formats`` lists them.
See ``docs/formats.md``.
"""

from cybertnoc.ingest.formats import (  # noqa: F401  (each module registers its formats)
    darknet,
    finance,
    malware,
    networks,
    seizures,
    trafficking,
)
from cybertnoc.ingest.formats._base import (
    EDITABLE,
    Format,
    Part,
    get_format,
    import_format,
    list_formats,
    register,
)

__all__ = ["EDITABLE", "Format", "Part", "get_format", "import_format", "list_formats", "register"]
