"""Declarative mappings: which columns of a source become which entities and properties.

The format is documented in ``docs/mapping-format.md``. :func:`load_mapping` reads and checks a
mapping against the model and reports every problem of the file at once.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import string
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from cybertnoc.errors import InvalidMapping
from cybertnoc.model import get_model

__all__ = [
    "CLEANER_TYPES",
    "FORMATS",
    "EntityMapping",
    "Mapping",
    "PropertyMapping",
    "builtin_mappings",
    "load_mapping",
    "parse_mapping",
    "resolve_mapping_path",
]

#: Input formats and the file extensions that imply them.
FORMATS = {
    "csv": (".csv",),
    "tsv": (".tsv", ".tab"),
    "jsonl": (".jsonl", ".ndjson", ".json"),
    "parquet": (".parquet", ".pq"),
    "xlsx": (".xlsx",),
}

#: Cleaner names a property mapping may ask for with ``type:``.
CLEANER_TYPES = (
    "country",
    "money",
    "amount",
    "currency",
    "date",
    "timestamp",
    "crypto_address",
    "phone",
    "email",
    "number",
    "string",
)

#: Options a property mapping may pass to its cleaner.
CLEANER_OPTIONS = {
    "format": ("date", "timestamp"),
    "dayfirst": ("date", "timestamp"),
    "tz": ("timestamp",),
    "region": ("phone",),
    "chain": ("crypto_address",),
    "default_currency": ("money",),
    "negative": ("money", "amount"),
}

_DATASET_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_TOP_KEYS = {
    "version",
    "dataset",
    "title",
    "publisher",
    "licence",
    "license",
    "url",
    "description",
    "crime_area",
    "kind",
    "citation",
    "provenance",
    "format",
    "options",
    "seen",
    "personal",
    "entities",
}
_ENTITY_KEYS = {"schema", "keys", "key", "key_literal", "namespace", "required", "properties"}
_PROP_SOURCES = ("column", "columns", "literal", "entity", "template")
_PROP_KEYS = {*_PROP_SOURCES, "required", "type", "split", *CLEANER_OPTIONS}
_READER_OPTIONS = {"delimiter", "sheet", "encoding", "quote"}
CRIME_AREAS = ("drugs", "laundering", "slavery", "malware", "networks", "general")
#: Whether a source is traditional (offline: police, court, seizure records), online (market
#: listings, adverts, blockchain, threat feeds) or both.
KINDS = ("offline", "online", "mixed", "unstated")

# Properties whose FtM type is too loose for cybertnoc: they get a stricter cleaner by default.
_DEFAULT_CLEANERS = {
    ("CryptoWallet", "publicKey"): "crypto_address",
}


@dataclass(frozen=True)
class PropertyMapping:
    """How one property of an entity gets its values from a row."""

    prop: str
    prop_type: str
    column: str | None = None
    columns: tuple[str, ...] = ()
    literal: tuple[str, ...] = ()
    entity: str | None = None
    template: str | None = None
    required: bool = False
    cleaner: str = "string"
    split: str | None = None
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def source_columns(self) -> tuple[str, ...]:
        if self.column:
            return (self.column,)
        if self.template:
            return tuple(name for _, name, _, _ in string.Formatter().parse(self.template) if name)
        return self.columns


@dataclass(frozen=True)
class EntityMapping:
    """How one entity is made from a row."""

    name: str
    schema: str
    keys: tuple[str, ...]
    namespace: str
    key_literal: str = ""
    required: bool = False
    properties: tuple[PropertyMapping, ...] = ()


@dataclass(frozen=True)
class Mapping:
    """A whole mapping file, checked against the model."""

    dataset: str
    title: str
    publisher: str
    licence: str
    url: str
    description: str
    crime_area: str
    format: str | None
    options: dict[str, Any]
    seen: str | None
    personal: frozenset[str]
    entities: tuple[EntityMapping, ...]
    name: str
    content_hash: str
    kind: str = "unstated"
    citation: str = ""
    provenance: str = ""

    @property
    def columns(self) -> set[str]:
        """Every column the mapping reads."""
        cols = set(self.personal)
        if self.seen:
            cols.add(self.seen)
        for ent in self.entities:
            cols.update(ent.keys)
            for p in ent.properties:
                cols.update(p.source_columns)
        return cols

    def format_for(self, path: Path) -> str:
        """The input format of ``path``: the mapping's ``format`` or the file extension's."""
        if self.format:
            return self.format
        return format_from_extension(path)


def format_from_extension(path: Path) -> str:
    suffix = path.suffix.lower()
    for fmt, exts in FORMATS.items():
        if suffix in exts:
            return fmt
    known = ", ".join(e for exts in FORMATS.values() for e in exts)
    raise InvalidMapping(
        f"Cannot tell the format of {path} from its extension {suffix!r} (known: {known}). "
        "Set `format:` in the mapping."
    )


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def _suggest(name: str, options: list[str] | set[str]) -> str:
    close = difflib.get_close_matches(name, sorted(options), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def parse_mapping(data: Any, name: str = "<mapping>", content_hash: str = "") -> Mapping:
    """Check a mapping (already parsed from YAML) and return it.

    Raises
    ------
    InvalidMapping
        With every problem found, each with its location in the mapping.
    """
    model = get_model()
    problems: list[str] = []

    def bad(where: str, message: str) -> None:
        problems.append(f"{where}: {message}")

    if not isinstance(data, dict):
        raise InvalidMapping(f"{name}: a mapping must be a YAML mapping (key: value), got {data!r}")
    for key in sorted(set(data) - _TOP_KEYS):
        bad(key, f"unknown key{_suggest(key, _TOP_KEYS)} (allowed: {', '.join(sorted(_TOP_KEYS))})")
    version = data.get("version", 1)
    if version != 1:
        bad("version", f"this cybertnoc reads mapping version 1, got {version!r}")
    dataset = str(data.get("dataset") or "")
    if not _DATASET_RE.match(dataset):
        bad(
            "dataset",
            f"{dataset!r} is not a dataset name: use lower-case letters, digits and underscores, "
            "starting with a letter (e.g. `dataset: agora_2014`)",
        )
    fmt = data.get("format")
    if fmt is not None and fmt not in FORMATS:
        bad("format", f"{fmt!r} is not a known format (known: {', '.join(FORMATS)})")
    options = data.get("options") or {}
    if not isinstance(options, dict):
        bad("options", "must be a mapping such as `{delimiter: ';'}`")
        options = {}
    for key in sorted(set(options) - _READER_OPTIONS):
        bad(
            f"options.{key}", f"unknown reader option (known: {', '.join(sorted(_READER_OPTIONS))})"
        )
    crime_area = str(data.get("crime_area") or "general")
    if crime_area not in CRIME_AREAS:
        bad("crime_area", f"{crime_area!r} is not one of {', '.join(CRIME_AREAS)}")
    kind = str(data.get("kind") or "unstated")
    if kind not in KINDS:
        bad("kind", f"{kind!r} is not one of {', '.join(KINDS)}")
    personal = _as_list(data.get("personal"))
    if not all(isinstance(c, str) for c in personal):
        bad("personal", "must be a list of column names")
        personal = []

    raw_entities = data.get("entities")
    if not isinstance(raw_entities, dict) or not raw_entities:
        bad("entities", "a mapping needs at least one entity under `entities:`")
        raw_entities = {}

    entities: list[EntityMapping] = []
    for ename, edata in raw_entities.items():
        where = f"entities.{ename}"
        if not isinstance(edata, dict):
            bad(where, "must be a mapping with `schema`, `keys` and `properties`")
            continue
        for key in sorted(set(edata) - _ENTITY_KEYS):
            bad(f"{where}.{key}", f"unknown key{_suggest(key, _ENTITY_KEYS)}")
        schema_name = str(edata.get("schema") or "")
        schema = model.get(schema_name)
        if schema is None:
            bad(
                f"{where}.schema",
                f"{schema_name!r} is not a schema of the model"
                f"{_suggest(schema_name, set(model.schemata))}",
            )
            continue
        if schema.abstract:
            bad(f"{where}.schema", f"{schema_name} is abstract; use one of its descendants")
        keys = tuple(str(k) for k in _as_list(edata.get("keys", edata.get("key"))))
        if not keys:
            bad(f"{where}.keys", "an entity needs `keys:` (the columns that identify it)")
        props: list[PropertyMapping] = []
        for pname, pdata in (edata.get("properties") or {}).items():
            pwhere = f"{where}.properties.{pname}"
            prop = schema.get(pname)
            if prop is None:
                bad(
                    pwhere,
                    f"{schema_name} has no property {pname!r}"
                    f"{_suggest(pname, set(schema.properties))}",
                )
                continue
            if isinstance(pdata, str):
                pdata = {"column": pdata}
            if not isinstance(pdata, dict):
                bad(pwhere, "must be a mapping such as `{column: NAME}`")
                continue
            for key in sorted(set(pdata) - _PROP_KEYS):
                bad(f"{pwhere}.{key}", f"unknown key{_suggest(key, _PROP_KEYS)}")
            given = [k for k in _PROP_SOURCES if k in pdata]
            if len(given) != 1:
                bad(pwhere, f"give exactly one of {', '.join(_PROP_SOURCES)} (found {given})")
                continue
            ptype = prop.type.name
            if "entity" in pdata:
                if ptype != "entity":
                    bad(pwhere, f"`entity:` only fits entity-typed properties; {pname} is {ptype}")
                if pdata["entity"] not in raw_entities:
                    bad(
                        f"{pwhere}.entity",
                        f"no entity named {pdata['entity']!r} in this mapping"
                        f"{_suggest(str(pdata['entity']), set(raw_entities))}",
                    )
            elif ptype == "entity":
                bad(pwhere, f"{pname} refers to another entity: use `entity: NAME`")
            cleaner = str(pdata.get("type") or _default_cleaner(schema_name, pname, ptype))
            if cleaner not in CLEANER_TYPES and cleaner != f"ftm:{ptype}":
                bad(
                    f"{pwhere}.type",
                    f"{cleaner!r} is not a cleaner{_suggest(cleaner, CLEANER_TYPES)} "
                    f"(known: {', '.join(CLEANER_TYPES)})",
                )
            opts = {k: pdata[k] for k in CLEANER_OPTIONS if k in pdata}
            for key in opts:
                if cleaner not in CLEANER_OPTIONS[key]:
                    bad(
                        f"{pwhere}.{key}",
                        f"option {key!r} applies to type {', '.join(CLEANER_OPTIONS[key])}, "
                        f"not {cleaner}",
                    )
            template = pdata.get("template")
            if template is not None:
                try:
                    list(string.Formatter().parse(str(template)))
                except ValueError as exc:
                    bad(f"{pwhere}.template", f"not a valid template: {exc}")
            props.append(
                PropertyMapping(
                    prop=pname,
                    prop_type=ptype,
                    column=pdata.get("column"),
                    columns=tuple(_as_list(pdata.get("columns"))),
                    literal=tuple(str(v) for v in _as_list(pdata.get("literal"))),
                    entity=pdata.get("entity"),
                    template=None if template is None else str(template),
                    required=bool(pdata.get("required", False)),
                    cleaner=cleaner,
                    split=pdata.get("split"),
                    options=opts,
                )
            )
        mapped = {p.prop for p in props}
        for req in schema.required:
            if req not in mapped:
                bad(
                    f"{where}.properties",
                    f"{schema_name} requires {req!r}: map it (a `template:` or `literal:` will do "
                    "where the source has no such column)",
                )
        entities.append(
            EntityMapping(
                name=str(ename),
                schema=schema_name,
                keys=keys,
                namespace=str(edata.get("namespace") or dataset),
                key_literal=str(edata.get("key_literal") or ""),
                required=bool(edata.get("required", False)),
                properties=tuple(props),
            )
        )

    # Entities referred to must be made before those that refer to them.
    order = _dependency_order(entities, problems)
    if problems:
        raise InvalidMapping(
            f"Mapping {name} has {len(problems)} problem(s):\n"
            + "\n".join(f"  {p}" for p in problems)
        )
    return Mapping(
        dataset=dataset,
        title=str(data.get("title") or dataset),
        publisher=str(data.get("publisher") or ""),
        licence=str(data.get("licence") or data.get("license") or "unstated"),
        url=str(data.get("url") or ""),
        description=str(data.get("description") or ""),
        crime_area=crime_area,
        format=fmt,
        options=dict(options),
        seen=data.get("seen"),
        personal=frozenset(personal),
        entities=tuple(order),
        name=name,
        content_hash=content_hash,
        kind=kind,
        citation=" ".join(str(data.get("citation") or "").split()),
        provenance=" ".join(str(data.get("provenance") or "").split()),
    )


def _default_cleaner(schema: str, prop: str, ptype: str) -> str:
    if (schema, prop) in _DEFAULT_CLEANERS:
        return _DEFAULT_CLEANERS[(schema, prop)]
    if ptype in ("country", "date", "phone", "email", "number"):
        return ptype
    if ptype in ("name", "string", "text", "identifier", "address", "entity"):
        return "string"
    return f"ftm:{ptype}"


def _dependency_order(entities: list[EntityMapping], problems: list[str]) -> list[EntityMapping]:
    by_name = {e.name: e for e in entities}
    done: list[EntityMapping] = []
    state: dict[str, int] = {}

    def visit(e: EntityMapping, stack: list[str]) -> None:
        if state.get(e.name) == 2:
            return
        if state.get(e.name) == 1:
            problems.append(
                f"entities: circular references {' -> '.join([*stack, e.name])}; "
                "an entity cannot (indirectly) refer to itself"
            )
            return
        state[e.name] = 1
        for p in e.properties:
            if p.entity and p.entity in by_name:
                visit(by_name[p.entity], [*stack, e.name])
        state[e.name] = 2
        done.append(e)

    for e in entities:
        visit(e, [])
    return done


def load_mapping(path: str | Path) -> Mapping:
    """Read a mapping from a YAML file, or a built-in one by name (``synth/bank_transfers``)."""
    resolved = resolve_mapping_path(path)
    # A built-in mapping is named by its name (stable across machines), a file by its path.
    builtin = {v: k for k, v in builtin_mappings().items()}.get(resolved)
    name = builtin if builtin is not None and not Path(path).is_file() else str(resolved)
    path = resolved
    raw = path.read_bytes()
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InvalidMapping(f"Mapping {path} is not valid YAML{where}: {exc}") from exc
    return parse_mapping(data, name=name, content_hash=hashlib.sha256(raw).hexdigest())


def builtin_mappings() -> dict[str, Path]:
    """Mappings shipped with cybertnoc, by name (``synth/bank_transfers``)."""
    root = resources.files("cybertnoc.ingest") / "mappings"
    out: dict[str, Path] = {}
    base = Path(str(root))
    for p in sorted(base.rglob("*.yml")):
        out[p.relative_to(base).with_suffix("").as_posix()] = p
    return out


def resolve_mapping_path(path: str | Path) -> Path:
    """A file path if it exists, else the built-in mapping of that name."""
    p = Path(path)
    if p.is_file():
        return p
    builtins = builtin_mappings()
    key = str(path).removesuffix(".yml").removesuffix(".yaml")
    if key in builtins:
        return builtins[key]
    hint = _suggest(key, set(builtins))
    raise InvalidMapping(
        f"No mapping file {path}{hint} (built-in mappings: {', '.join(builtins) or 'none'})"
    )
