"""Ingestion: readers per format, declarative mappings, validated atomic imports, FtM I/O."""

from cybertnoc.ingest.ftm import PROFILES, export_ftm, import_ftm, iter_ftm_entities
from cybertnoc.ingest.importer import ImportResult, file_hash, import_file, make_id
from cybertnoc.ingest.mapping import (
    FORMATS,
    Mapping,
    builtin_mappings,
    load_mapping,
    parse_mapping,
)

__all__ = [
    "FORMATS",
    "PROFILES",
    "ImportResult",
    "Mapping",
    "builtin_mappings",
    "export_ftm",
    "file_hash",
    "import_file",
    "import_ftm",
    "iter_ftm_entities",
    "load_mapping",
    "make_id",
    "parse_mapping",
]
