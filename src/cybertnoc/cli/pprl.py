"""``cybertnoc pprl``: privacy-preserving record linkage between two parties (docs/pprl.md).

Each party runs ``pprl encode`` on its own records and hands over only the encoded file; whoever
holds both encoded files runs ``pprl match`` (and, with ground truth, ``pprl evaluate``). The
commands only lay out what :mod:`cybertnoc.linkage.pprl` computes.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import click

from cybertnoc.cli.main import _Group, _json_option, _print_json, err, out
from cybertnoc.errors import InvalidValue, KeyMissing

__all__ = ["pprl"]

log = logging.getLogger(__name__)

_OUTPUT_HELP = "by suffix: .csv (default), .parquet or .jsonl"


def _linkage_key(key_file: Path | None) -> bytes:
    from cybertnoc.ethics.pseudonymise import MIN_KEY_LENGTH, load_key
    from cybertnoc.linkage.pprl import ENV_PPRL_KEY

    if key_file is not None:
        key = load_key(key_file)
        if key is None:  # pragma: no cover - load_key returns a key or raises for a file
            raise KeyMissing(f"No key in {key_file}.")
        return key
    value = os.environ.get(ENV_PPRL_KEY, "").strip()
    if not value:
        raise KeyMissing(
            f"No linkage key: give --key-file FILE or set {ENV_PPRL_KEY}. Both parties must use "
            "the same key, agreed over a secure channel, and keep it apart from the encoded "
            "files (it is not your workspace's CYBERTNOC_KEY)."
        )
    if len(value) < MIN_KEY_LENGTH:
        raise KeyMissing(
            f"The key in {ENV_PPRL_KEY} is {len(value)} characters long; use at least "
            f"{MIN_KEY_LENGTH} (for example: python -c 'import secrets; "
            "print(secrets.token_hex(32))')."
        )
    return value.encode()


def _id_key(id_key_file: Path | None, why: str) -> bytes:
    from cybertnoc.ethics.pseudonymise import load_key

    key = load_key(id_key_file)
    if key is None:
        raise KeyMissing(
            f"{why} needs your own key (not the linkage key): give --id-key-file FILE or set "
            "CYBERTNOC_KEY."
        )
    return key


def _parse_columns(pairs: tuple[str, ...]) -> dict[str, list[str]]:
    columns: dict[str, list[str]] = {}
    for pair in pairs:
        name, sep, cols = pair.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(
                f"{pair!r} is not FIELD=COLUMN[+COLUMN...] (e.g. name=forenames+surname; "
                "phone= leaves the field empty)",
                param_hint="--column",
            )
        columns[name.strip()] = [c.strip() for c in cols.split("+") if c.strip()]
    return columns


def _write_frame(frame: Any, output: Path) -> None:
    suffix = output.suffix.lower()
    if suffix == ".parquet":
        frame.to_parquet(output, index=False)
    elif suffix in (".jsonl", ".ndjson"):
        frame.to_json(output, orient="records", lines=True)
    else:
        frame.to_csv(output, index=False)


def _read_matches(path: Path) -> Any:
    import pandas as pd

    if path.suffix.lower() == ".parquet":
        frame = pd.read_parquet(path)
    elif path.suffix.lower() in (".jsonl", ".ndjson"):
        frame = pd.read_json(path, lines=True, dtype={"id_a": str, "id_b": str})
    else:
        frame = pd.read_csv(path, dtype={"id_a": str, "id_b": str})
    missing = [c for c in ("id_a", "id_b") if c not in frame.columns]
    if missing:
        raise InvalidValue(
            ", ".join(map(str, frame.columns)),
            f"a matches file with columns id_a, id_b (and dice); {path} lacks "
            + ", ".join(missing),
            "Write it with `cybertnoc pprl match ... -o FILE`",
        )
    return frame


def _match_options(f: Any) -> Any:
    options = [
        click.option(
            "--threshold",
            type=click.FloatRange(0, 1),
            default=0.7,
            show_default=True,
            help="Keep pairs whose Dice coefficient is at least this.",
        ),
        click.option(
            "--one-to-one/--all-pairs",
            default=True,
            show_default=True,
            help="Keep at most one match per record on each side, or every pair above the "
            "threshold (when a party holds several records of one person).",
        ),
        click.option(
            "--method",
            type=click.Choice(["greedy", "hungarian"]),
            default="greedy",
            show_default=True,
            help="One-to-one assignment: greedy by descending Dice, or the best total Dice per "
            "connected component (Hungarian algorithm).",
        ),
        click.option(
            "--no-blocking",
            is_flag=True,
            help="Compare all pairs instead of the LSH candidate pairs (exact, slower).",
        ),
    ]
    for option in reversed(options):
        f = option(f)
    return f


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
def pprl() -> None:
    """Privacy-preserving record linkage between two parties (docs/pprl.md).

    Both parties agree on a schema (`cybertnoc pprl schema`) and a secret linkage key; each
    encodes its own records (`pprl encode`) and hands over only the encoded file; the holder of
    both runs `pprl match`, and with ground truth `pprl evaluate`.
    """


@pprl.command("schema")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the schema to this file instead of stdout.",
)
def schema_cmd(output: Path | None) -> None:
    """Print the built-in person schema as YAML, to agree on and adapt."""
    from cybertnoc.linkage.pprl import PERSON_SCHEMA

    text = PERSON_SCHEMA.to_yaml()
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        err.print(f"Schema written to {output}", highlight=False)


@pprl.command("encode")
@click.argument("input_file", metavar="INPUT", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The encoded file to hand over: .parquet (default) or .jsonl.",
)
@click.option(
    "--schema",
    "schema_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The schema both parties agreed on (YAML or JSON); default: the built-in person "
    "schema (`cybertnoc pprl schema`).",
)
@click.option("--id-column", required=True, help="The column of record ids.")
@click.option(
    "--column",
    "column_maps",
    multiple=True,
    metavar="FIELD=COL[+COL]",
    help="Columns feeding a schema field (joined with a space), e.g. "
    "name=forenames+surname; FIELD= leaves the field empty. Default: the column named like "
    "the field. Repeatable.",
)
@click.option("--dayfirst", is_flag=True, help="Read dates like 02/01/2014 as 2 January.")
@click.option("--date-format", help="strptime pattern of the dates, e.g. %d.%m.%Y.")
@click.option(
    "--phone-region",
    metavar="CC",
    help="Country (ISO 3166-1 alpha-2) of national phone numbers without +, e.g. GB.",
)
@click.option(
    "--key-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File holding the linkage key shared by both parties; default: environment "
    "variable CYBERTNOC_PPRL_KEY. It is never written anywhere.",
)
@click.option(
    "--pseudonymise-ids",
    is_flag=True,
    help="Replace record ids by pseudonyms under your own key (--id-key-file or "
    "CYBERTNOC_KEY), which only you can map back.",
)
@click.option(
    "--id-key-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Your own key for --pseudonymise-ids (default: CYBERTNOC_KEY).",
)
@_json_option
def encode_cmd(
    input_file: Path,
    output: Path,
    schema_file: Path | None,
    id_column: str,
    column_maps: tuple[str, ...],
    dayfirst: bool,
    date_format: str | None,
    phone_region: str | None,
    key_file: Path | None,
    pseudonymise_ids: bool,
    id_key_file: Path | None,
    as_json: bool,
) -> None:
    """Encode a party's records into keyed Bloom-filter CLKs.

    The encoded file holds, per record, its id, its CLK and its LSH blocking keys, and a header
    with the schema and a key check; no value of any record.
    """
    from cybertnoc.linkage.pprl import encode_file, load_schema

    schema = load_schema(schema_file)
    key = _linkage_key(key_file)
    id_key = _id_key(id_key_file, "--pseudonymise-ids") if pseudonymise_ids else None
    columns = _parse_columns(column_maps) or None
    result = encode_file(
        input_file,
        schema,
        key,
        id_column,
        output,
        columns=columns,
        dayfirst=dayfirst,
        date_format=date_format,
        phone_region=phone_region,
        id_key=id_key,
    )
    header = result.header
    summary = {
        "output": str(output),
        "records": header["records"],
        "empty_records": header["empty_records"],
        "values_left_out": len(result.problems),
        "schema_digest": header["schema_digest"],
        "key_check": header["key_check"],
        "ids_pseudonymised": header["ids"]["pseudonymised"],
    }
    if as_json:
        _print_json({**summary, "problems": [p.as_dict() for p in result.problems]})
        return
    for problem in result.problems[:20]:
        err.print(str(problem), markup=False, highlight=False, soft_wrap=True)
    if len(result.problems) > 20:
        err.print(f"... and {len(result.problems) - 20} more; use --json to get all of them.")
    out.print(
        f"[bold green]Encoded[/] {summary['records']} records into {output} "
        f"(schema {summary['schema_digest']}, key check {summary['key_check']}; "
        f"{summary['empty_records']} empty, {summary['values_left_out']} value(s) left out).",
        highlight=False,
    )


@pprl.command("match")
@click.argument("file_a", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("file_b", type=click.Path(dir_okay=False, path_type=Path))
@_match_options
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"Write the matches (id_a, id_b, dice) here, {_OUTPUT_HELP}; default: CSV on stdout.",
)
@_json_option
def match_cmd(
    file_a: Path,
    file_b: Path,
    threshold: float,
    one_to_one: bool,
    method: str,
    no_blocking: bool,
    output: Path | None,
    as_json: bool,
) -> None:
    """Match two encoded files by the Dice coefficient of their CLKs."""
    from cybertnoc.linkage.pprl import match

    matches = match(
        file_a,
        file_b,
        threshold,
        one_to_one=one_to_one,
        method=method,
        blocking=not no_blocking,
    )
    summary = {
        "matches": len(matches),
        "candidates": matches.attrs["candidates"],
        "comparisons": matches.attrs["comparisons"],
        "threshold": threshold,
        "one_to_one": one_to_one,
        "method": method if one_to_one else None,
        "output": str(output) if output else None,
    }
    if output is not None:
        _write_frame(matches, output)
    if as_json:
        if output is None:
            summary["pairs"] = matches.to_dict(orient="records")
        _print_json(summary)
        return
    if output is None:
        click.echo(matches.to_csv(index=False), nl=False)
        return
    out.print(
        f"[bold green]{len(matches)} matches[/] written to {output} "
        f"({summary['candidates']} candidate pairs of {summary['comparisons']}).",
        highlight=False,
    )


@pprl.command("evaluate")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--matches",
    "matches_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Evaluate this matches file (from `pprl match -o`) instead of matching FILES.",
)
@click.option(
    "--truth",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Ground truth: a CSV of true pairs (id_a, id_b), or a synthetic world's "
    "truth/person_identities.csv.",
)
@click.option(
    "--source-a",
    help="source_file of side A in person_identities.csv (default: the encoded file's source).",
)
@click.option(
    "--source-b",
    help="source_file of side B in person_identities.csv (default: the encoded file's source).",
)
@_match_options
@click.option(
    "--id-key-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The key the ids were pseudonymised with, to pseudonymise the truth's ids alike "
    "(default: CYBERTNOC_KEY).",
)
@click.option("--curve", is_flag=True, help="Add precision, recall and F1 over thresholds.")
@_json_option
def evaluate_cmd(
    files: tuple[Path, ...],
    matches_file: Path | None,
    truth: Path,
    source_a: str | None,
    source_b: str | None,
    threshold: float,
    one_to_one: bool,
    method: str,
    no_blocking: bool,
    id_key_file: Path | None,
    curve: bool,
    as_json: bool,
) -> None:
    """Precision, recall and F1 of PPRL matches against ground truth.

    Give the two encoded files (they are matched as by `pprl match`, and the blocking is
    evaluated too) or --matches FILE.
    """
    from cybertnoc.ethics import Pseudonymiser
    from cybertnoc.linkage import pprl as P

    if not ((matches_file is None and len(files) == 2) or (matches_file and not files)):
        raise click.UsageError("Give two encoded files, or --matches FILE (not both).")
    result: dict[str, Any] = {}
    if matches_file is not None:
        matches = _read_matches(matches_file)
        pairs = P.true_pairs(truth, source_a, source_b)
        encodings = None
    else:
        a, b = (P.read_encodings(f) for f in files)
        P.check_compatible(a, b, (str(files[0]), str(files[1])))
        pairs = P.true_pairs(truth, source_a or a.header["source"], source_b or b.header["source"])
        for side, enc, name in (("id_a", a, files[0]), ("id_b", b, files[1])):
            ids = enc.header["ids"]
            if not ids["pseudonymised"]:
                continue
            pseudonymiser = Pseudonymiser(_id_key(id_key_file, f"{name} has pseudonymised ids: it"))
            if pseudonymiser.key_check != ids["key_check"]:
                raise KeyMissing(
                    f"The ids of {name} were pseudonymised with another key (key check "
                    f"{ids['key_check']}, yours {pseudonymiser.key_check}); give the right "
                    "--id-key-file."
                )
            pairs[side] = pairs[side].map(pseudonymiser)
        options = {"one_to_one": one_to_one, "method": method, "blocking": not no_blocking}
        matches = P.match(a, b, threshold, **options)
        if curve:
            # greedy one-to-one (and all pairs) at a higher threshold = filtered at a lower one
            exact = not one_to_one or method == "greedy"
            curve_matches = P.match(a, b, min(threshold, 0.5), **options) if exact else matches
        encodings = (a, b)
        if not no_blocking:
            result["blocking"] = P.blocking_stats(a, b, pairs)
    kept = matches[matches["dice"] >= threshold] if "dice" in matches.columns else matches
    result = {**P.evaluate(kept, pairs), "threshold": threshold, "one_to_one": one_to_one, **result}
    if curve:
        if matches_file is not None:
            if "dice" not in matches.columns:
                raise InvalidValue(
                    str(matches_file), "a matches file with a dice column (for --curve)"
                )
            curve_matches = matches
        result["curve"] = P.threshold_curve(curve_matches, pairs).to_dict(orient="records")
    if as_json:
        _print_json(result)
        return
    _print_evaluation(result, encodings is not None)


def _print_evaluation(result: dict[str, Any], with_blocking: bool) -> None:
    from rich.table import Table

    pw = result["pairwise"]
    table = Table(title="PPRL evaluation (pairwise)", header_style="bold")
    for col in ("precision", "recall", "F1", "TP", "FP", "FN", "matches", "true pairs"):
        table.add_column(col, justify="right")
    table.add_row(
        f"{pw['precision']:.4f}",
        f"{pw['recall']:.4f}",
        f"{pw['f1']:.4f}",
        str(pw["tp"]),
        str(pw["fp"]),
        str(pw["fn"]),
        str(result["matches"]),
        str(result["true_pairs"]),
    )
    out.print(table)
    out.print(
        f"Threshold {result['threshold']}, "
        + ("one-to-one" if result["one_to_one"] else "all pairs above it")
        + f"; best possible one-to-one recall {result['max_recall_one_to_one']:.4f}.",
        highlight=False,
    )
    blocking = result.get("blocking")
    if with_blocking and blocking:
        out.print(
            f"Blocking: {blocking['candidates']} candidate pairs of {blocking['comparisons']} "
            f"(reduction ratio {blocking['reduction_ratio']:.4f}), pairs completeness "
            f"{blocking['pairs_completeness']:.4f}.",
            highlight=False,
        )
    if "curve" in result:
        curve = Table(title="By threshold", header_style="bold")
        for col in ("threshold", "precision", "recall", "F1", "matches"):
            curve.add_column(col, justify="right")
        for row in result["curve"]:
            curve.add_row(
                f"{row['threshold']:.2f}",
                f"{row['precision']:.4f}",
                f"{row['recall']:.4f}",
                f"{row['f1']:.4f}",
                str(row["matches"]),
            )
        out.print(curve)
