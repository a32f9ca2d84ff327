"""Built-in formats: a reader and a mapping for each public data set a researcher brings.

A :class:`Format` turns a file or a directory into :class:`Part` objects: one per physical file,
each with the mapping that says which entities its rows become (a YAML file under
``ingest/mappings/formats/``, whose title, licence, citation and provenance prefill the source's
record) and, where DuckDB cannot read the file as one table, a reader that parses it
(:class:`~cybertnoc.ingest.readers.RecordReader`). :func:`import_format` imports all parts of one
call in one transaction, through the same importer as ``cybertnoc import --mapping``: the same
validation, pseudonymisation, provenance, quality flags and profile.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from cybertnoc.errors import ImportRejected, InvalidValue, Problem
from cybertnoc.ethics.pseudonymise import Pseudonymiser
from cybertnoc.ingest.importer import ImportResult, _Importer, check_key, file_hash
from cybertnoc.ingest.mapping import KINDS, Mapping, load_mapping
from cybertnoc.store._duck import first_row
from cybertnoc.store.workspace import Workspace

__all__ = [
    "EDITABLE",
    "Format",
    "Part",
    "dataset_name",
    "get_format",
    "import_format",
    "list_formats",
    "register",
    "with_dataset",
]

log = logging.getLogger(__name__)

#: Source fields a user may set at import (``--title``, ``--licence``...), over the format's.
EDITABLE = ("title", "publisher", "licence", "url", "citation", "provenance", "kind", "description")


@dataclass(frozen=True)
class Part:
    """One physical file of a format's input.

    Attributes
    ----------
    file : Path
        The file; its SHA-256 identifies the source (re-importing it is a no-op).
    mapping : str or Mapping
        A built-in mapping name (``formats/caviar``) or a loaded mapping.
    reader : callable, optional
        Returns a reader for the file (columns, rows, problems, close); None reads it with the
        generic reader of the mapping's ``format`` (CSV, TSV, JSON lines, Parquet, XLSX).
    label : str
        What the file is, for messages (``nodes``, ``transactions``).
    """

    file: Path
    mapping: str | Mapping
    reader: Callable[[], Any] | None = None
    label: str = ""


@dataclass(frozen=True)
class Format:
    """A built-in format.

    Attributes
    ----------
    name : str
        What users type: ``cybertnoc import PATH --format NAME``.
    description : str
        One line for ``cybertnoc formats``.
    crime_area : str
        networks, drugs, laundering, slavery or malware.
    kind : str
        offline or online (see :data:`cybertnoc.ingest.mapping.KINDS`).
    parts : callable
        ``parts(path, options)`` → list of :class:`Part`; raises :class:`ImportRejected` (with
        what is missing and how to fix it) when ``path`` is not laid out as the format expects.
    options : dict
        Option name → help text, set with ``--option NAME=VALUE``.
    examples : list of str
        Paths under ``../shared/data`` (or layouts) the format reads.
    dataset : str, optional
        The dataset name its sources get (``hansa_2016``); None names it after the file or
        directory (``caviar_full_edgelist_derived``). ``--dataset`` sets another: files imported
        under one dataset share their entities (the same actors across Caviar's phases).
    """

    name: str
    description: str
    crime_area: str
    kind: str
    parts: Callable[[Path, dict[str, str]], list[Part]]
    options: dict[str, str] = field(default_factory=dict)
    examples: tuple[str, ...] = ()
    dataset: str | None = None


_REGISTRY: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    """Add a format to the registry (names are unique)."""
    if fmt.name in _REGISTRY:
        raise ValueError(f"format {fmt.name!r} is registered twice")
    if fmt.kind not in KINDS:
        raise ValueError(f"format {fmt.name!r}: kind {fmt.kind!r} is not one of {KINDS}")
    _REGISTRY[fmt.name] = fmt
    return fmt


def list_formats() -> list[Format]:
    """Every built-in format, by name."""
    from cybertnoc.ingest import formats as _formats  # noqa: F401  (registers the formats)

    return [_REGISTRY[name] for name in sorted(_REGISTRY)]


def get_format(name: str) -> Format:
    """The format called ``name``; the error lists the known ones and suggests the closest."""
    names = [f.name for f in list_formats()]
    if name not in _REGISTRY:
        close = difflib.get_close_matches(name, names, n=1)
        hint = f"Did you mean {close[0]!r}? " if close else ""
        raise InvalidValue(
            name,
            "a built-in format",
            f"{hint}Known formats: {', '.join(names)} (see `cybertnoc formats`).",
        )
    return _REGISTRY[name]


def rejected(path: Path, expected: str, hint: str, line: int | None = None) -> ImportRejected:
    """An :class:`ImportRejected` for a file or directory that is not laid out as expected."""
    return ImportRejected(str(path), [Problem(str(path), None, line, None, None, expected, hint)])


def _check_options(fmt: Format, options: dict[str, str]) -> None:
    unknown = sorted(set(options) - set(fmt.options))
    if unknown:
        known = ", ".join(f"{k} ({v})" for k, v in fmt.options.items()) or "none"
        raise InvalidValue(
            ", ".join(unknown), f"an option of format {fmt.name}", f"Its options: {known}."
        )


def dataset_name(path: Path) -> str:
    """A dataset name from a file or directory name.

    Examples
    --------
    >>> dataset_name(Path("data/Montagna_meetings_edgelist.csv"))
    'montagna_meetings_edgelist'
    >>> dataset_name(Path("2016 (final).xlsx"))
    'd2016_final'
    """
    stem = path.name.split(".")[0] if path.is_file() or path.suffix else path.name
    slug = re.sub(r"[^a-z0-9]+", "_", stem.lower()).strip("_")
    return slug if slug[:1].isalpha() else f"d{slug}"


def with_dataset(mapping: Mapping, dataset: str) -> Mapping:
    """``mapping`` writing to ``dataset``; entities namespaced by the old dataset follow it."""
    if dataset == mapping.dataset:
        return mapping
    if not re.fullmatch(r"[a-z][a-z0-9_]*", dataset):
        raise InvalidValue(
            dataset, "a dataset name", "Use lower-case letters, digits and underscores"
        )
    entities = tuple(
        replace(e, namespace=dataset) if e.namespace == mapping.dataset else e
        for e in mapping.entities
    )
    return replace(mapping, dataset=dataset, entities=entities)


def _with_overrides(mapping: Mapping, overrides: dict[str, str]) -> Mapping:
    unknown = sorted(set(overrides) - set(EDITABLE))
    if unknown:
        raise InvalidValue(", ".join(unknown), "a source field", f"Editable: {', '.join(EDITABLE)}")
    if "kind" in overrides and overrides["kind"] not in KINDS:
        raise InvalidValue(overrides["kind"], f"a kind, one of {', '.join(KINDS)}")
    return replace(mapping, **{k: v for k, v in overrides.items() if v is not None})


def import_format(
    ws: Workspace,
    path: str | Path,
    name: str,
    *,
    pseudonymiser: Pseudonymiser | None = None,
    options: dict[str, str] | None = None,
    overrides: dict[str, str] | None = None,
    dataset: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[ImportResult]:
    """Import a file or directory through a built-in format, all of it or nothing.

    Parameters
    ----------
    ws : Workspace
        An open workspace.
    path : path-like
        The file, or the directory for formats of several files.
    name : str
        The format (see :func:`list_formats`).
    pseudonymiser : Pseudonymiser, optional
        Needed when the format's mappings mark personal columns.
    options : dict, optional
        Format options (``{"duplicates": "last"}``).
    overrides : dict, optional
        Source fields that replace the format's (see :data:`EDITABLE`).
    dataset : str, optional
        The dataset name (default: the format's, else named after ``path``).
    progress : callable, optional
        ``progress(label, rows_done, rows_total)`` after each batch.

    Returns
    -------
    list of ImportResult
        One per part; ``skipped`` for files imported before.

    Raises
    ------
    ImportRejected
        When the input is not laid out as the format expects, or a part has fatal problems:
        nothing of any part is written.
    InvalidValue
        An unknown format, option or source field.
    """
    fmt = get_format(name)
    options = dict(options or {})
    _check_options(fmt, options)
    path = Path(path)
    if not path.exists():
        raise rejected(path, "an existing file or directory", "Check the path")
    try:
        parts = fmt.parts(path, options)
        if not parts:
            raise rejected(path, f"input for format {name}", "No file of the format was found")
    except ImportRejected as exc:
        ws.audit(
            "import",
            {"path": str(path), "format": fmt.name, "options": options},
            outcome=f"rejected: {sum(p.fatal for p in exc.problems)} error(s) in {exc.file}",
        )
        raise
    plans: list[tuple[Part, Mapping, str]] = []
    for part in parts:
        mapping = part.mapping if isinstance(part.mapping, Mapping) else load_mapping(part.mapping)
        mapping = with_dataset(mapping, dataset or fmt.dataset or dataset_name(path))
        mapping = _with_overrides(mapping, overrides or {})
        check_key(ws, mapping, pseudonymiser)
        plans.append((part, mapping, file_hash(part.file)))
    results: list[ImportResult] = []
    con = ws.con
    con.execute("BEGIN TRANSACTION")
    try:
        for part, mapping, digest in plans:
            known = first_row(
                con.execute(
                    "SELECT source_id, dataset FROM sources WHERE content_hash = ?", [digest]
                )
            )
            if known is not None:
                msg = f"{part.file.name} was imported before as source {known[0]}; nothing to do"
                results.append(
                    ImportResult(str(part.file), known[1], int(known[0]), True, message=msg)
                )
                continue

            def report(done: int, total: int, label: str = part.label or part.file.name) -> None:
                if progress:
                    progress(label, done, total)

            importer = _Importer(
                ws,
                part.file,
                mapping,
                pseudonymiser,
                report,
                reader=part.reader() if part.reader else None,
                format_name=fmt.name,
                own_transaction=False,
            )
            importer.content_hash = digest
            results.append(importer.run())
        con.execute("COMMIT")
    except ImportRejected as exc:
        con.execute("ROLLBACK")
        ws.audit(
            "import",
            {"path": str(path), "format": fmt.name, "options": options},
            outcome=f"rejected: {sum(p.fatal for p in exc.problems)} error(s) in {exc.file}",
        )
        raise
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return results
